//! Zones from GeoJSON: polygons with a name and a population, assigned to nodes by
//! point-in-polygon.
//!
//! The file is a FeatureCollection of Polygon or MultiPolygon features. Coordinates are
//! longitude/latitude for a map with a [`GeoOrigin`](super::GeoOrigin) (imported from OSM or
//! lat/lon CSV), else the map's own metres. Each feature's `properties` give `name` (else
//! "zone N") and `population` (a number, else 0). A node takes the first feature that contains
//! it (holes respected); nodes in none go to a zone named "outside" with no residents. A zone
//! that contains no road node cannot receive calls: it is dropped and reported.

use super::{RoadMap, Zone};
use anyhow::{Context, bail, ensure};
use serde_json::Value;
use std::fmt;
use std::path::Path;

/// A zone's area in the map's plane: polygons, each a list of rings (outer first, then holes).
struct Area {
    polygons: Vec<Vec<Vec<(f64, f64)>>>,
    /// Bounding box of all rings: min x, min y, max x, max y.
    bbox: [f64; 4],
}

impl Area {
    fn contains(&self, x: f64, y: f64) -> bool {
        let [x0, y0, x1, y1] = self.bbox;
        if x < x0 || x > x1 || y < y0 || y > y1 {
            return false;
        }
        // Even-odd rule over all rings of a polygon: inside the outer ring, outside its holes.
        self.polygons
            .iter()
            .any(|rings| rings.iter().filter(|r| ring_crossed(r, x, y)).count() % 2 == 1)
    }
}

/// Whether a ray from (x, y) towards +x crosses `ring` an odd number of times.
fn ring_crossed(ring: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let ((xi, yi), (xj, yj)) = (ring[i], ring[j]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// What [`apply_geojson_zones`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZonesReport {
    /// Zones read from the file.
    pub zones_read: usize,
    /// Nodes in no zone (put in the zone "outside").
    pub nodes_outside: usize,
    /// Zones that hold no road node, dropped, with their population.
    pub dropped: Vec<(String, u64)>,
}

/// In words, as `map import --zones` prints it: "3 zones; 6 nodes in no zone (zone "outside");
/// dropped, holding no road node: zone lake (5 residents)".
impl fmt::Display for ZonesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} zones; {} nodes in no zone (zone \"outside\")",
            self.zones_read, self.nodes_outside
        )?;
        if !self.dropped.is_empty() {
            write!(
                f,
                "; dropped, holding no road node: {}",
                dropped_zones(&self.dropped)
            )?;
        }
        Ok(())
    }
}

/// Dropped zones (name, residents) in words: "zone lake (5 residents), zone pond (0 residents)".
pub(super) fn dropped_zones(dropped: &[(String, u64)]) -> String {
    let zones: Vec<String> = dropped
        .iter()
        .map(|(name, residents)| format!("zone {name} ({residents} residents)"))
        .collect();
    zones.join(", ")
}

/// Replaces the map's zones by the GeoJSON zones in `path`. Errors name the file and the
/// feature.
pub fn apply_geojson_zones(map: &mut RoadMap, path: &Path) -> anyhow::Result<ZonesReport> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let features = json["features"]
        .as_array()
        .with_context(|| format!("{}: not a GeoJSON FeatureCollection", path.display()))?;
    let mut zones = Vec::new();
    let mut areas = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let at = || format!("{}: feature {i}", path.display());
        let props = &f["properties"];
        let name = props["name"]
            .as_str()
            .map_or_else(|| format!("zone {}", i + 1), str::to_string);
        ensure!(
            !name.trim().is_empty(),
            "{}: name = {name:?}: a zone needs a name",
            at()
        );
        ensure!(
            name != "outside",
            "{}: name = \"outside\": the name of the nodes in no zone; call it otherwise",
            at()
        );
        ensure!(
            !zones.iter().any(|z: &Zone| z.name == name),
            "{}: name = {name:?}: an earlier feature has this name",
            at()
        );
        let population = match &props["population"] {
            Value::Null => 0,
            v => {
                let p = v.as_f64().filter(|p| p.is_finite() && *p >= 0.0);
                p.with_context(|| {
                    format!("{} ({name}): population = {v}: not a number >= 0", at())
                })?
                .round() as u64
            }
        };
        let polygons = match (
            f["geometry"]["type"].as_str(),
            &f["geometry"]["coordinates"],
        ) {
            (Some("Polygon"), c) => vec![rings(c, map).with_context(at)?],
            (Some("MultiPolygon"), Value::Array(ps)) => ps
                .iter()
                .map(|p| rings(p, map))
                .collect::<anyhow::Result<_>>()
                .with_context(at)?,
            (t, _) => bail!(
                "{} ({name}): geometry type {}: use Polygon or MultiPolygon",
                at(),
                t.map_or("none".to_string(), |t| format!("{t:?}"))
            ),
        };
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for &(x, y) in polygons.iter().flatten().flatten() {
            bbox = [
                bbox[0].min(x),
                bbox[1].min(y),
                bbox[2].max(x),
                bbox[3].max(y),
            ];
        }
        zones.push(Zone { name, population });
        areas.push(Area { polygons, bbox });
    }
    ensure!(!zones.is_empty(), "{}: no features", path.display());
    let mut report = ZonesReport {
        zones_read: zones.len(),
        ..ZonesReport::default()
    };
    let outside = zones.len();
    let assigned: Vec<usize> = map
        .graph
        .node_weights()
        .map(|n| {
            areas
                .iter()
                .position(|a| a.contains(n.x_m, n.y_m))
                .unwrap_or(outside)
        })
        .collect();
    report.nodes_outside = assigned.iter().filter(|&&z| z == outside).count();
    if report.nodes_outside > 0 {
        zones.push(Zone {
            name: "outside".into(),
            population: 0,
        });
    }
    // Keep the zones that hold a node, renumbered in file order.
    let mut used = vec![false; zones.len()];
    for &z in &assigned {
        used[z] = true;
    }
    let mut new_index = vec![u32::MAX; zones.len()];
    let mut kept = Vec::new();
    for (z, zone) in zones.into_iter().enumerate() {
        if used[z] {
            new_index[z] = kept.len() as u32;
            kept.push(zone);
        } else {
            report.dropped.push((zone.name, zone.population));
        }
    }
    for (n, z) in map.graph.node_weights_mut().zip(assigned) {
        n.zone = new_index[z];
    }
    map.zones = kept;
    map.dropped.zones = report.dropped.clone();
    Ok(report)
}

/// A Polygon's coordinates as rings in the map's plane.
fn rings(coordinates: &Value, map: &RoadMap) -> anyhow::Result<Vec<Vec<(f64, f64)>>> {
    let bad = || anyhow::anyhow!("coordinates are not a list of rings of [x, y] positions");
    coordinates
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|ring| {
            ring.as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|p| {
                    let (a, b) = (
                        p[0].as_f64().ok_or_else(bad)?,
                        p[1].as_f64().ok_or_else(bad)?,
                    );
                    Ok(match map.origin {
                        Some(o) => o.project(b, a),
                        None => (a, b),
                    })
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zones.geojson");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn nodes_take_the_polygon_they_are_in_holes_and_outside_included() {
        // A 5 × 5 grid, 100 m apart: west = x < 150 (two columns) with a hole around (0, 200);
        // east = x > 250 as a MultiPolygon; an empty zone far away; the middle column outside.
        let mut map = grid_map(&GridSpec {
            n: 5,
            posts_per_side: 1,
            spacing_m: 100.0,
            speed_kmh: 36.0,
        });
        let (_dir, path) = write(
            r#"{"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"name": "west", "population": 900},
               "geometry": {"type": "Polygon", "coordinates": [
                 [[-50, -50], [150, -50], [150, 450], [-50, 450], [-50, -50]],
                 [[-20, 180], [20, 180], [20, 220], [-20, 220], [-20, 180]]]}},
              {"type": "Feature", "properties": {"name": "east", "population": 100.4},
               "geometry": {"type": "MultiPolygon", "coordinates": [
                 [[[250, -50], [450, -50], [450, 150], [250, 150], [250, -50]]],
                 [[[250, 150], [450, 150], [450, 450], [250, 450], [250, 150]]]]}},
              {"type": "Feature", "properties": {"name": "lake", "population": 5},
               "geometry": {"type": "Polygon", "coordinates": [
                 [[9000, 9000], [9100, 9000], [9100, 9100], [9000, 9000]]]}}
            ]}"#,
        );
        let report = apply_geojson_zones(&mut map, &path).unwrap();
        assert_eq!(report.zones_read, 3);
        assert_eq!(report.dropped, vec![("lake".to_string(), 5)]);
        // Middle column (5 nodes) and the hole's node (0, 200) are outside.
        assert_eq!(report.nodes_outside, 6);
        assert_eq!(
            report.to_string(),
            "3 zones; 6 nodes in no zone (zone \"outside\"); dropped, holding no road node: \
             zone lake (5 residents)"
        );
        let names: Vec<_> = map
            .zones
            .iter()
            .map(|z| (z.name.as_str(), z.population))
            .collect();
        assert_eq!(names, vec![("west", 900), ("east", 100), ("outside", 0)]);
        let zone_at = |x: f64, y: f64| {
            let n = map.nearest_node(x, y).unwrap();
            map.zones[map.node(n).zone as usize].name.clone()
        };
        assert_eq!(zone_at(100.0, 300.0), "west");
        assert_eq!(zone_at(0.0, 200.0), "outside");
        assert_eq!(zone_at(400.0, 100.0), "east");
        assert_eq!(zone_at(200.0, 0.0), "outside");
        map.validate().unwrap();
    }

    #[test]
    fn bad_zones_are_named() {
        let mut map = grid_map(&GridSpec {
            n: 2,
            posts_per_side: 1,
            spacing_m: 100.0,
            speed_kmh: 36.0,
        });
        let (_dir, path) = write(
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
                "properties": {"name": "town", "population": "many"},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1]]]}}]}"#,
        );
        let err = format!("{:#}", apply_geojson_zones(&mut map, &path).unwrap_err());
        assert!(
            err.contains("zones.geojson: feature 0 (town): population = \"many\""),
            "{err}"
        );
        let (_dir, path) = write(
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
                "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}]}"#,
        );
        let err = format!("{:#}", apply_geojson_zones(&mut map, &path).unwrap_err());
        assert!(
            err.contains("feature 0 (zone 1): geometry type \"Point\": use Polygon"),
            "{err}"
        );
    }
}

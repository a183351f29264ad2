//! Figures about a map for `patrolsim map info`: size, road by class, connectivity, extent,
//! zones, posts, and what building it left out of its sources.

use super::{Dropped, PostKind, RoadClass, RoadMap};
use std::fmt;

/// What `map info` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct MapInfo {
    /// The map's name.
    pub name: String,
    /// Road nodes.
    pub nodes: usize,
    /// Directed segments (a two-way street is two).
    pub segments: usize,
    /// Road length by class, km (a two-way street counted once), slowest classes last.
    pub km_by_class: Vec<(RoadClass, f64)>,
    /// Strongly connected components (1 for a valid map).
    pub components: usize,
    /// Extent of the nodes in the local plane: (min x, min y, max x, max y), metres.
    pub bbox_m: [f64; 4],
    /// The same extent in degrees, (min lon, min lat, max lon, max lat), when the map is
    /// geographic.
    pub bbox_deg: Option<[f64; 4]>,
    /// Zones: name, population, nodes.
    pub zones: Vec<(String, u64, usize)>,
    /// Posts by kind.
    pub posts: Vec<(PostKind, usize)>,
    /// Number of key points.
    pub key_points: usize,
    /// Number of checkpoints.
    pub checkpoints: usize,
    /// Credit for the data, if any.
    pub attribution: Option<String>,
    /// What building the map left out of its sources.
    pub dropped: Dropped,
}

impl MapInfo {
    /// Measures `map`.
    pub fn of(map: &RoadMap) -> MapInfo {
        let mut km_by_class: Vec<(RoadClass, f64)> =
            RoadClass::ALL.iter().map(|&c| (c, 0.0)).collect();
        for s in map.graph.edge_weights() {
            let share = if s.oneway { 1.0 } else { 0.5 };
            let slot = RoadClass::ALL
                .iter()
                .position(|&c| c == s.class)
                .expect("ALL lists every class");
            km_by_class[slot].1 += share * s.length_m / 1000.0;
        }
        km_by_class.retain(|&(_, km)| km > 0.0);
        let mut bbox_m = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for n in map.graph.node_weights() {
            bbox_m = [
                bbox_m[0].min(n.x_m),
                bbox_m[1].min(n.y_m),
                bbox_m[2].max(n.x_m),
                bbox_m[3].max(n.y_m),
            ];
        }
        let bbox_deg = map.origin.map(|o| {
            let (lat_lo, lon_lo) = o.unproject(bbox_m[0], bbox_m[1]);
            let (lat_hi, lon_hi) = o.unproject(bbox_m[2], bbox_m[3]);
            [lon_lo, lat_lo, lon_hi, lat_hi]
        });
        let mut zone_nodes = vec![0; map.zones.len()];
        for n in map.graph.node_weights() {
            zone_nodes[n.zone as usize] += 1;
        }
        let kinds = [
            PostKind::Kiosk,
            PostKind::ServiceStation,
            PostKind::PoliceStation,
            PostKind::Hq,
        ];
        MapInfo {
            name: map.name.clone(),
            nodes: map.node_count(),
            segments: map.graph.edge_count(),
            km_by_class,
            components: petgraph::algo::kosaraju_scc(&map.graph).len(),
            bbox_m,
            bbox_deg,
            zones: map
                .zones
                .iter()
                .zip(zone_nodes)
                .map(|(z, n)| (z.name.clone(), z.population, n))
                .collect(),
            posts: kinds
                .iter()
                .map(|&k| (k, map.posts.iter().filter(|p| p.kind == k).count()))
                .filter(|&(_, n)| n > 0)
                .collect(),
            key_points: map.key_points.len(),
            checkpoints: map.checkpoints.len(),
            attribution: map.attribution.clone(),
            dropped: map.dropped.clone(),
        }
    }

    /// Total road length, km.
    pub fn road_km(&self) -> f64 {
        self.km_by_class.iter().map(|(_, km)| km).sum()
    }
}

impl fmt::Display for MapInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "map {}", self.name)?;
        writeln!(
            f,
            "  {} nodes, {} directed segments, {:.1} km of road, {} strongly connected component(s)",
            self.nodes,
            self.segments,
            self.road_km(),
            self.components
        )?;
        for (class, km) in &self.km_by_class {
            writeln!(f, "  {:<14}{km:>9.1} km", class.name())?;
        }
        let [x0, y0, x1, y1] = self.bbox_m;
        writeln!(
            f,
            "  extent: {:.1} km × {:.1} km (x {x0:.0} … {x1:.0} m, y {y0:.0} … {y1:.0} m)",
            (x1 - x0) / 1000.0,
            (y1 - y0) / 1000.0
        )?;
        if let Some([lon0, lat0, lon1, lat1]) = self.bbox_deg {
            writeln!(
                f,
                "  bbox: lon {lon0:.5} … {lon1:.5}, lat {lat0:.5} … {lat1:.5}"
            )?;
        }
        for (name, population, nodes) in &self.zones {
            writeln!(f, "  zone {name}: {population} residents, {nodes} nodes")?;
        }
        let posts: Vec<String> = self
            .posts
            .iter()
            .map(|(k, n)| format!("{n} {}", k.name()))
            .collect();
        writeln!(
            f,
            "  posts: {}; {} key points; {} checkpoints",
            if posts.is_empty() {
                "none".to_string()
            } else {
                posts.join(", ")
            },
            self.key_points,
            self.checkpoints
        )?;
        if let Some(osm) = &self.dropped.osm {
            writeln!(f, "  imported from OpenStreetMap: {osm}")?;
        }
        if !self.dropped.zones.is_empty() {
            writeln!(
                f,
                "  dropped from the zones file, holding no road node: {}",
                super::zones::dropped_zones(&self.dropped.zones)
            )?;
        }
        if let Some(a) = &self.attribution {
            writeln!(f, "  data: {a}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};

    #[test]
    fn grid_figures() {
        let map = grid_map(&GridSpec {
            n: 4,
            posts_per_side: 2,
            spacing_m: 250.0,
            speed_kmh: 36.0,
        });
        let info = MapInfo::of(&map);
        assert_eq!((info.nodes, info.segments, info.components), (16, 48, 1));
        // 24 streets of 250 m.
        assert!((info.road_km() - 6.0).abs() < 1e-9, "{}", info.road_km());
        assert_eq!(info.bbox_m, [0.0, 0.0, 750.0, 750.0]);
        assert_eq!(info.bbox_deg, None);
        let text = info.to_string();
        assert!(
            text.contains("16 nodes, 48 directed segments, 6.0 km"),
            "{text}"
        );
    }
}

//! GeoJSON export of a map (roads, posts, key points, checkpoints) to look at in QGIS or any
//! web map.
//!
//! A map with a [`GeoOrigin`](super::GeoOrigin) (imported from lat/lon data) is written in
//! longitude/latitude (WGS 84, as RFC 7946 requires). A generated map has no place on Earth:
//! its coordinates are written as they are, in metres, and the collection says so in its
//! `coordinates` member. The map's attribution goes into the `attribution` member.

use super::{NodeId, RoadMap};
use crate::atomic_file;
use petgraph::visit::EdgeRef;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::Path;

impl RoadMap {
    /// A node's longitude and latitude (degrees, rounded to 1e-7 as OpenStreetMap stores
    /// them), for a map with a place on Earth; none for a generated map.
    pub fn lon_lat(&self, node: NodeId) -> Option<(f64, f64)> {
        let n = self.node(node);
        self.origin.map(|origin| {
            let (lat, lon) = origin.unproject(n.x_m, n.y_m);
            (round7(lon), round7(lat))
        })
    }

    /// A point of the map's plane (metres) as a GeoJSON position: `[lon, lat]` for a map
    /// with a place on Earth, else the metres as they are.
    pub fn geojson_position(&self, x_m: f64, y_m: f64) -> Value {
        match self.origin {
            Some(origin) => {
                let (lat, lon) = origin.unproject(x_m, y_m);
                json!([round7(lon), round7(lat)])
            }
            None => json!([x_m, y_m]),
        }
    }
}

/// WKT of the plane a generated map's coordinates are in: an engineering (local) system in
/// metres, which GDAL and QGIS read from a GeoJSON `crs` member.
pub const LOCAL_PLANE_WKT: &str = "LOCAL_CS[\"patrolsim local plane, metres\",\
     LOCAL_DATUM[\"patrolsim map origin\",0],UNIT[\"metre\",1],\
     AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH]]";

/// A GeoJSON FeatureCollection of the map `map`'s `features`, named `name`, with the map's
/// attribution and, for a generated map (not longitude/latitude, so outside RFC 7946), a
/// `crs` member naming the local metre plane and a `coordinates` member saying so in words.
pub fn feature_collection(map: &RoadMap, name: &str, features: Vec<Value>) -> Value {
    let mut collection = json!({
        "type": "FeatureCollection",
        "name": name,
        "features": features,
    });
    if let Some(a) = &map.attribution {
        collection["attribution"] = json!(a);
    }
    if map.origin.is_none() {
        collection["crs"] = json!({"type": "name", "properties": {"name": LOCAL_PLANE_WKT}});
        collection["coordinates"] = json!("local plane, metres (not longitude/latitude)");
    }
    collection
}

/// The map as a GeoJSON FeatureCollection.
pub fn map_geojson(map: &RoadMap) -> Value {
    let point = |node: NodeId| -> Value {
        let n = map.node(node);
        map.geojson_position(n.x_m, n.y_m)
    };
    let mut features = Vec::new();
    // A two-way street is two segments; write it once.
    let mut written: HashSet<(NodeId, NodeId, u64)> = HashSet::new();
    for e in map.graph.edge_references() {
        let (a, b) = (e.source().index() as NodeId, e.target().index() as NodeId);
        let s = e.weight();
        if !s.oneway && !written.insert((a.min(b), a.max(b), s.length_m.to_bits())) {
            continue;
        }
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [point(a), point(b)]},
            "properties": {
                "layer": "road", "from": map.source_id(a), "to": map.source_id(b),
                "class": s.class.name(),
                "speed_kmh": s.speed_kmh, "length_m": s.length_m, "oneway": s.oneway,
            },
        }));
    }
    let places = map
        .posts
        .iter()
        .map(|p| ("post", &p.name, json!(p.kind.name()), p.node))
        .chain(
            map.key_points
                .iter()
                .map(|k| ("key_point", &k.name, json!(k.kind), k.node)),
        )
        .chain(
            map.checkpoints
                .iter()
                .map(|c| ("checkpoint", &c.name, Value::Null, c.node)),
        );
    for (layer, name, kind, node) in places {
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": point(node)},
            "properties": {"layer": layer, "name": name, "kind": kind,
                           "node": map.source_id(node),
                           "zone": map.zones[map.node(node).zone as usize].name},
        }));
    }
    feature_collection(map, &map.name, features)
}

/// 1e-7 degrees (about 1 cm), the precision of OSM.
fn round7(deg: f64) -> f64 {
    (deg * 1e7).round() / 1e7
}

/// Writes the map as a GeoJSON file (atomically).
pub fn write_geojson(map: &RoadMap, path: &Path) -> anyhow::Result<()> {
    let collection = map_geojson(map);
    atomic_file::write(path, |w| Ok(serde_json::to_writer(w, &collection)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};

    #[test]
    fn grid_has_one_feature_per_street_and_post() {
        let map = grid_map(&GridSpec {
            n: 3,
            posts_per_side: 1,
            spacing_m: 100.0,
            speed_kmh: 36.0,
        });
        let g = map_geojson(&map);
        let features = g["features"].as_array().unwrap();
        let layer = |l: &str| {
            features
                .iter()
                .filter(|f| f["properties"]["layer"] == l)
                .count()
        };
        assert_eq!(layer("road"), 12, "a 3 × 3 grid has 12 two-way streets");
        assert_eq!(layer("post"), map.posts.len());
        assert!(g["coordinates"].as_str().unwrap().contains("metres"));
    }

    #[test]
    fn names_are_the_file_names() {
        use crate::map::{PostKind, RoadClass};
        for class in RoadClass::ALL {
            assert_eq!(serde_json::to_value(class).unwrap(), class.name());
        }
        for kind in [
            PostKind::Kiosk,
            PostKind::ServiceStation,
            PostKind::PoliceStation,
            PostKind::Hq,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }
}

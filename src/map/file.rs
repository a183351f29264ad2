//! The map file: a JSON rendering of a [`RoadMap`], so a generated or imported map can be kept
//! under `maps/`, inspected and loaded again.

use super::RoadMap;
use super::record::MapRecord;
use crate::atomic_file;
use std::path::Path;

/// Writes `map` as a JSON map file (atomically: a reader never sees half a file).
pub fn write_map_file(map: &RoadMap, path: &Path) -> anyhow::Result<()> {
    let record = MapRecord::of(map);
    atomic_file::write(path, |w| Ok(serde_json::to_writer(w, &record)?))
}

/// Reads and validates a JSON map file. Errors name the file.
pub fn read_map_file(path: &Path) -> anyhow::Result<RoadMap> {
    use anyhow::Context;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read map file", path.display()))?;
    let record: MapRecord = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a patrolsim map file", path.display()))?;
    record
        .into_map()
        .with_context(|| format!("{}: invalid map", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};
    use petgraph::visit::EdgeRef;

    #[test]
    fn round_trip_keeps_the_map() {
        let map = grid_map(&GridSpec {
            n: 6,
            posts_per_side: 2,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grid.json");
        write_map_file(&map, &path).unwrap();
        let back = read_map_file(&path).unwrap();
        assert_eq!(back.node_count(), map.node_count());
        assert_eq!(back.posts, map.posts);
        let edges = |m: &RoadMap| {
            m.graph
                .edge_references()
                .map(|e| (e.source(), e.target(), *e.weight()))
                .collect::<Vec<_>>()
        };
        assert_eq!(edges(&back), edges(&map));
    }

    #[test]
    fn nodes_keep_their_source_ids_and_the_file_names_nodes_by_them() {
        let mut map = RoadMap::new("ids");
        map.zones.push(crate::map::Zone {
            name: "z".into(),
            population: 1,
        });
        for (id, x) in [(10, 0.0), (-3, 300.0), (35, 600.0)] {
            map.add_node_with_source_id(id, x, 0.0, 0);
        }
        map.add_street(0, 1, crate::map::RoadClass::Primary);
        map.add_street(1, 2, crate::map::RoadClass::Primary);
        map.posts.push(crate::map::Post {
            name: "K".into(),
            kind: crate::map::PostKind::Kiosk,
            node: 2,
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ids.json");
        write_map_file(&map, &path).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(json["nodes"][1]["id"], -3);
        assert_eq!(
            (&json["segments"][0]["from"], &json["segments"][0]["to"]),
            (&10.into(), &(-3).into())
        );
        assert_eq!(json["posts"][0]["node"], 35);
        let back = read_map_file(&path).unwrap();
        assert!(back.graph.node_weights().eq(map.graph.node_weights()));
        assert_eq!(back.node_by_source_id(-3), Some(1));
        assert_eq!(back.posts, map.posts);
    }

    #[test]
    fn post_off_the_map_is_named() {
        let map = grid_map(&GridSpec {
            n: 3,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        write_map_file(&map, &path).unwrap();
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        json["posts"][0]["node"] = 99.into();
        std::fs::write(&path, json.to_string()).unwrap();
        let err = format!("{:#}", read_map_file(&path).unwrap_err());
        assert!(err.contains("bad.json"), "{err}");
        assert!(
            err.contains("post `P0` is at node 99, but no node has that id"),
            "{err}"
        );
    }
}

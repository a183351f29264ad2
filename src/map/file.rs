//! The map file: a JSON rendering of a [`RoadMap`], so a generated or imported map can be kept
//! under `maps/`, inspected and loaded again.

use super::{
    Checkpoint, GeoOrigin, KeyPoint, MapError, NodeId, Post, RoadMap, RoadNode, RoadSegment, Zone,
};
use crate::atomic_file;
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One directed segment in the file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentRecord {
    from: NodeId,
    to: NodeId,
    #[serde(flatten)]
    segment: RoadSegment,
}

/// The file's layout.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attribution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    origin: Option<GeoOrigin>,
    zones: Vec<Zone>,
    nodes: Vec<RoadNode>,
    segments: Vec<SegmentRecord>,
    #[serde(default)]
    posts: Vec<Post>,
    #[serde(default)]
    key_points: Vec<KeyPoint>,
    #[serde(default)]
    checkpoints: Vec<Checkpoint>,
}

/// Writes `map` as a JSON map file (atomically: a reader never sees half a file).
pub fn write_map_file(map: &RoadMap, path: &Path) -> anyhow::Result<()> {
    let file = MapFile {
        name: map.name.clone(),
        attribution: map.attribution.clone(),
        origin: map.origin,
        zones: map.zones.clone(),
        nodes: map.graph.node_weights().copied().collect(),
        segments: map
            .graph
            .edge_references()
            .map(|e| SegmentRecord {
                from: e.source().index() as NodeId,
                to: e.target().index() as NodeId,
                segment: *e.weight(),
            })
            .collect(),
        posts: map.posts.clone(),
        key_points: map.key_points.clone(),
        checkpoints: map.checkpoints.clone(),
    };
    atomic_file::write(path, |w| Ok(serde_json::to_writer(w, &file)?))
}

/// Reads and validates a JSON map file. Errors name the file.
pub fn read_map_file(path: &Path) -> anyhow::Result<RoadMap> {
    use anyhow::Context;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read map file", path.display()))?;
    let file: MapFile = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a patrolsim map file", path.display()))?;
    let mut map = RoadMap::new(file.name);
    map.attribution = file.attribution;
    map.origin = file.origin;
    map.zones = file.zones;
    map.posts = file.posts;
    map.key_points = file.key_points;
    map.checkpoints = file.checkpoints;
    let segments = file.segments.iter().map(|s| (s.from, s.to, s.segment));
    add_graph(&mut map, &file.nodes, segments)
        .and_then(|()| map.validate())
        .with_context(|| format!("{}: invalid map", path.display()))?;
    Ok(map)
}

/// Adds `nodes` and `segments` (from, to, segment) to `map`, checking that every segment's ends
/// are among the nodes. For map file readers.
pub(super) fn add_graph(
    map: &mut RoadMap,
    nodes: &[RoadNode],
    segments: impl Iterator<Item = (NodeId, NodeId, RoadSegment)>,
) -> Result<(), MapError> {
    map.graph.reserve_nodes(nodes.len());
    for n in nodes {
        map.add_node(n.x_m, n.y_m, n.zone);
    }
    for (from, to, segment) in segments {
        for end in [from, to] {
            if end as usize >= nodes.len() {
                return Err(MapError::OffMap {
                    what: "segment end",
                    name: format!("{from} -> {to}"),
                    node: end.into(),
                    nodes: nodes.len(),
                });
            }
        }
        map.add_segment(from, to, segment);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};

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
    fn post_off_the_map_is_named() {
        let mut map = grid_map(&GridSpec {
            n: 3,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        map.posts[0].node = 99;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        write_map_file(&map, &path).unwrap();
        let err = format!("{:#}", read_map_file(&path).unwrap_err());
        assert!(err.contains("bad.json"), "{err}");
        assert!(err.contains("post `P0` is at node 99"), "{err}");
    }
}

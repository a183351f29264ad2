//! The map record: the one layout of a [`RoadMap`] that both map files keep, the JSON map file
//! (serde_json) and the binary `.pmap` (bincode). Nodes carry their source ids, and segments
//! and places name nodes by those ids, so a map file speaks of nodes as the planner's data does.

use super::{
    Checkpoint, Dropped, GeoOrigin, KeyPoint, KeyPointKind, MapError, Post, PostKind, RoadClass,
    RoadMap, RoadSegment, SourceId, Zone,
};
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};

/// A road node. A file written before maps kept source ids has none: the node's position in the
/// list is its id, as it was then.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeRecord {
    #[serde(default)]
    id: Option<SourceId>,
    x_m: f64,
    y_m: f64,
    zone: u32,
}

/// A directed segment between two nodes (by source id).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentRecord {
    from: SourceId,
    to: SourceId,
    length_m: f64,
    class: RoadClass,
    speed_kmh: f64,
    oneway: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PostRecord {
    name: String,
    kind: PostKind,
    node: SourceId,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyPointRecord {
    name: String,
    kind: KeyPointKind,
    node: SourceId,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckpointRecord {
    name: String,
    node: SourceId,
}

/// A whole map as the files keep it. Every field is written (bincode needs them all); a JSON
/// file may leave out the attribution, the origin, the places and what was dropped. What was
/// dropped comes last: a binary map file of version 2, which had no such field, is read as one
/// with nothing dropped by appending that (see `binary.rs`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MapRecord {
    name: String,
    #[serde(default)]
    attribution: Option<String>,
    #[serde(default)]
    origin: Option<GeoOrigin>,
    zones: Vec<Zone>,
    nodes: Vec<NodeRecord>,
    segments: Vec<SegmentRecord>,
    #[serde(default)]
    posts: Vec<PostRecord>,
    #[serde(default)]
    key_points: Vec<KeyPointRecord>,
    #[serde(default)]
    checkpoints: Vec<CheckpointRecord>,
    #[serde(default)]
    dropped: Dropped,
}

impl MapRecord {
    /// The record of `map`.
    pub(super) fn of(map: &RoadMap) -> MapRecord {
        let id = |node| map.source_id(node);
        MapRecord {
            name: map.name.clone(),
            attribution: map.attribution.clone(),
            origin: map.origin,
            zones: map.zones.clone(),
            nodes: map
                .graph
                .node_weights()
                .map(|n| NodeRecord {
                    id: Some(n.source_id),
                    x_m: n.x_m,
                    y_m: n.y_m,
                    zone: n.zone,
                })
                .collect(),
            segments: map
                .graph
                .edge_references()
                .map(|e| {
                    let s = e.weight();
                    SegmentRecord {
                        from: id(e.source().index() as u32),
                        to: id(e.target().index() as u32),
                        length_m: s.length_m,
                        class: s.class,
                        speed_kmh: s.speed_kmh,
                        oneway: s.oneway,
                    }
                })
                .collect(),
            posts: map
                .posts
                .iter()
                .map(|p| PostRecord {
                    name: p.name.clone(),
                    kind: p.kind,
                    node: id(p.node),
                })
                .collect(),
            key_points: map
                .key_points
                .iter()
                .map(|k| KeyPointRecord {
                    name: k.name.clone(),
                    kind: k.kind,
                    node: id(k.node),
                })
                .collect(),
            checkpoints: map
                .checkpoints
                .iter()
                .map(|c| CheckpointRecord {
                    name: c.name.clone(),
                    node: id(c.node),
                })
                .collect(),
            dropped: map.dropped.clone(),
        }
    }

    /// The map this record describes, validated. A segment or place naming an id that no node
    /// has is an error naming it.
    pub(super) fn into_map(self) -> Result<RoadMap, MapError> {
        let mut map = RoadMap::new(self.name);
        map.attribution = self.attribution;
        map.origin = self.origin;
        map.zones = self.zones;
        map.dropped = self.dropped;
        map.graph.reserve_nodes(self.nodes.len());
        for (i, n) in self.nodes.iter().enumerate() {
            let id = n.id.unwrap_or(i as SourceId);
            map.add_node_with_source_id(id, n.x_m, n.y_m, n.zone);
        }
        map.check_source_ids()?;
        let node = |what: &'static str, name: &str, id: SourceId| {
            map.node_by_source_id(id)
                .ok_or_else(|| MapError::UnknownNode {
                    what,
                    name: name.to_string(),
                    id,
                })
        };
        let mut segments = Vec::with_capacity(self.segments.len());
        for s in &self.segments {
            let name = format!("{} -> {}", s.from, s.to);
            segments.push((
                node("segment", &name, s.from)?,
                node("segment", &name, s.to)?,
                RoadSegment {
                    length_m: s.length_m,
                    class: s.class,
                    speed_kmh: s.speed_kmh,
                    oneway: s.oneway,
                },
            ));
        }
        let posts = self.posts.into_iter().map(|p| {
            Ok(Post {
                node: node("post", &p.name, p.node)?,
                name: p.name,
                kind: p.kind,
            })
        });
        let posts = posts.collect::<Result<Vec<_>, MapError>>()?;
        let key_points = self.key_points.into_iter().map(|k| {
            Ok(KeyPoint {
                node: node("key point", &k.name, k.node)?,
                name: k.name,
                kind: k.kind,
            })
        });
        let key_points = key_points.collect::<Result<Vec<_>, MapError>>()?;
        let checkpoints = self.checkpoints.into_iter().map(|c| {
            Ok(Checkpoint {
                node: node("checkpoint", &c.name, c.node)?,
                name: c.name,
            })
        });
        let checkpoints = checkpoints.collect::<Result<Vec<_>, MapError>>()?;
        map.graph.reserve_edges(segments.len());
        for (from, to, segment) in segments {
            map.add_segment(from, to, segment);
        }
        map.posts = posts;
        map.key_points = key_points;
        map.checkpoints = checkpoints;
        map.validate()?;
        Ok(map)
    }
}

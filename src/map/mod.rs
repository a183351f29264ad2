//! The road network of an area: a directed road graph with planar coordinates, the zones that
//! hold the population, and the places the force works from (posts, key points, the HQ and
//! the checkpoints where roads leave the area).
//!
//! Architecture invariant: the map knows nothing of units, incidents or time. It is built once
//! (by a generator or from a file), validated, and then shared read-only by every replication.

mod binary;
mod csv;
mod file;
mod geojson;
mod grid;
mod info;
mod load;
mod new_area;
pub mod osm;
mod record;
mod zones;

pub use binary::{
    BINARY_MAP_VERSION, OLDEST_BINARY_MAP_VERSION, binary_map_version, fnv1a64, read_binary_map,
    write_binary_map,
};
pub use csv::{CsvMapSpec, read_csv_map};
pub(crate) use csv::{separator_problem, split_line};
pub use file::{read_map_file, write_map_file};
pub use geojson::{LOCAL_PLANE_WKT, feature_collection, map_geojson, write_geojson};
pub use grid::{GridSpec, grid_map};
pub use info::MapInfo;
pub use load::{LoadOptions, MAP_FILE_ENDINGS, MapFileKind, load_map, source_key, write_map};
pub use new_area::{NewAreaSpec, new_area_map, new_area_node_bound};
pub use zones::{ZonesReport, apply_geojson_zones};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;
use thiserror::Error;

/// Index of a road node (an intersection or a shape point) in the graph: 0 to n − 1, in the
/// order the nodes were added. Internal to the library: whatever a planner reads or writes
/// names a node by its [`SourceId`] ([`RoadMap::source_id`], [`RoadMap::node_by_source_id`]).
pub type NodeId = u32;

/// A node's id in the data the map was built from: the `id` of a CSV node table, the
/// OpenStreetMap node id, or, for a generated map, its index. Every node id in a planner's
/// input (node lists, listed exits, call histories, places given by node) and in every output
/// (tables, JSON, charts, GeoJSON, map files) is a source id.
pub type SourceId = i64;

/// A road node with planar coordinates in metres, the zone it belongs to and its id in the
/// source data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadNode {
    /// East coordinate, metres.
    pub x_m: f64,
    /// North coordinate, metres.
    pub y_m: f64,
    /// Index into [`RoadMap::zones`].
    pub zone: u32,
    /// The node's id in the source data.
    pub source_id: SourceId,
}

/// Road class, in OpenStreetMap's terms; decides the default free-flow speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadClass {
    Motorway,
    Trunk,
    Primary,
    Secondary,
    Tertiary,
    /// Minor public road of no particular importance (OSM `unclassified`, `road`).
    Unclassified,
    Residential,
    /// Street where pedestrians have priority (OSM `living_street`).
    LivingStreet,
    Service,
}

impl RoadClass {
    /// Free-flow speed of the class when the edge gives none, km/h.
    pub fn default_speed_kmh(self) -> f64 {
        match self {
            RoadClass::Motorway => 100.0,
            RoadClass::Trunk => 80.0,
            RoadClass::Primary => 50.0,
            RoadClass::Secondary => 45.0,
            RoadClass::Tertiary => 40.0,
            RoadClass::Unclassified => 40.0,
            RoadClass::Residential => 30.0,
            RoadClass::LivingStreet => 10.0,
            RoadClass::Service => 20.0,
        }
    }

    /// Every class, from the fastest to the slowest, for tables by class.
    pub const ALL: [RoadClass; 9] = [
        RoadClass::Motorway,
        RoadClass::Trunk,
        RoadClass::Primary,
        RoadClass::Secondary,
        RoadClass::Tertiary,
        RoadClass::Unclassified,
        RoadClass::Residential,
        RoadClass::LivingStreet,
        RoadClass::Service,
    ];

    /// The class's name as written in map files (`living_street`).
    pub fn name(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::Trunk => "trunk",
            RoadClass::Primary => "primary",
            RoadClass::Secondary => "secondary",
            RoadClass::Tertiary => "tertiary",
            RoadClass::Unclassified => "unclassified",
            RoadClass::Residential => "residential",
            RoadClass::LivingStreet => "living_street",
            RoadClass::Service => "service",
        }
    }

    /// Main and secondary roads: where line patrols run.
    pub fn is_arterial(self) -> bool {
        matches!(
            self,
            RoadClass::Trunk | RoadClass::Primary | RoadClass::Secondary
        )
    }
}

/// A directed road segment. A two-way street is two segments.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoadSegment {
    pub length_m: f64,
    pub class: RoadClass,
    /// Free-flow speed, km/h.
    pub speed_kmh: f64,
    /// True when the street has no segment in the opposite direction.
    pub oneway: bool,
}

impl RoadSegment {
    /// Travel time at free-flow speed multiplied by `speed_factor`, seconds.
    pub fn travel_s(&self, speed_factor: f64) -> f64 {
        self.length_m * 3.6 / (self.speed_kmh * speed_factor)
    }
}

/// A zone (district, university town, township) with its resident population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub name: String,
    pub population: u64,
}

/// What a post is; the plan's anchors of urban patrol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// Security kiosk (治安岗亭).
    Kiosk,
    /// Police service station (警务服务站).
    ServiceStation,
    /// Police station (派出所).
    PoliceStation,
    /// Headquarters, base of the emergency response team.
    Hq,
}

impl PostKind {
    /// The kind's name as written in map and scenario files (`service_station`).
    pub fn name(self) -> &'static str {
        match self {
            PostKind::Kiosk => "kiosk",
            PostKind::ServiceStation => "service_station",
            PostKind::PoliceStation => "police_station",
            PostKind::Hq => "hq",
        }
    }

    /// Whether the post is a police station or the HQ (drawn as stations on maps).
    pub fn is_station(self) -> bool {
        matches!(self, PostKind::PoliceStation | PostKind::Hq)
    }
}

/// A place where crews are based.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    pub name: String,
    pub kind: PostKind,
    pub node: NodeId,
}

/// Kind of key point: crowded places that get point patrols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPointKind {
    RailStation,
    BusStation,
    Square,
}

/// A crowded place that gets point patrol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPoint {
    pub name: String,
    pub kind: KeyPointKind,
    pub node: NodeId,
}

/// A checkpoint where a road leaves the area (公安检查站 / 治安卡口).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub name: String,
    pub node: NodeId,
}

/// Where planar coordinates come from, for a map built from geographic data: the point at the
/// origin of the local plane. `x_m` is metres east of it, `y_m` metres north (an equirectangular
/// projection around the data's centre; within a city, distances are off by well under 1 %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoOrigin {
    /// Latitude of the origin, degrees.
    pub lat_deg: f64,
    /// Longitude of the origin, degrees.
    pub lon_deg: f64,
}

/// Mean Earth radius, metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl GeoOrigin {
    /// Local plane coordinates (east, north) of a point, metres.
    pub fn project(&self, lat_deg: f64, lon_deg: f64) -> (f64, f64) {
        let x_m = EARTH_RADIUS_M
            * (lon_deg - self.lon_deg).to_radians()
            * self.lat_deg.to_radians().cos();
        let y_m = EARTH_RADIUS_M * (lat_deg - self.lat_deg).to_radians();
        (x_m, y_m)
    }

    /// The point (latitude, longitude in degrees) at local plane coordinates: the inverse of
    /// [`GeoOrigin::project`].
    pub fn unproject(&self, x_m: f64, y_m: f64) -> (f64, f64) {
        let lat_deg = self.lat_deg + (y_m / EARTH_RADIUS_M).to_degrees();
        let lon_deg =
            self.lon_deg + (x_m / (EARTH_RADIUS_M * self.lat_deg.to_radians().cos())).to_degrees();
        (lat_deg, lon_deg)
    }
}

/// The whole map of an area.
#[derive(Debug, Clone)]
pub struct RoadMap {
    /// Name of the map, for reports.
    pub name: String,
    /// Credit the data's licence requires wherever the map is shown or written, e.g.
    /// "© OpenStreetMap contributors, ODbL 1.0" for OSM data; `None` for generated maps.
    pub attribution: Option<String>,
    /// The geographic point at the plane's origin, when the map comes from lat/lon data.
    pub origin: Option<GeoOrigin>,
    /// The directed road graph.
    pub graph: DiGraph<RoadNode, RoadSegment, u32>,
    pub zones: Vec<Zone>,
    pub posts: Vec<Post>,
    pub key_points: Vec<KeyPoint>,
    pub checkpoints: Vec<Checkpoint>,
    /// What building the map from its sources left out, kept in the map files for `map info`.
    pub dropped: Dropped,
    /// The node of each source id, built on first look-up (and forgotten when a node is added).
    by_source_id: OnceLock<HashMap<SourceId, NodeId>>,
}

/// What building a map left out of its sources: road outside the largest strongly connected
/// component of OpenStreetMap data, zones of a zones file that hold no road node. Empty for a
/// map built whole (generated, CSV) and for map files written before maps kept it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Dropped {
    /// The OpenStreetMap import's figures, for a map imported from OpenStreetMap.
    pub osm: Option<osm::OsmReport>,
    /// Zones of the zones file that hold no road node (so receive no calls): name, residents.
    pub zones: Vec<(String, u64)>,
}

/// A map that breaks one of the rules of [`RoadMap::validate`].
#[derive(Debug, Error, PartialEq)]
pub enum MapError {
    #[error("map has no road nodes")]
    Empty,
    #[error("{what} `{name}` is at node index {node}, but the map has only {nodes} nodes")]
    OffMap {
        what: &'static str,
        name: String,
        node: u64,
        nodes: usize,
    },
    #[error("{what} `{name}` is at node {id}, but no node has that id")]
    UnknownNode {
        what: &'static str,
        name: String,
        id: SourceId,
    },
    #[error("two nodes have the id {0}")]
    DuplicateSourceId(SourceId),
    #[error("node {node} has zone {zone}, but the map has only {zones} zones")]
    NoSuchZone {
        node: SourceId,
        zone: u32,
        zones: usize,
    },
    #[error("segment {from} -> {to} has length_m = {length_m}: must be finite and >= 0")]
    BadLength {
        from: SourceId,
        to: SourceId,
        length_m: f64,
    },
    #[error("segment {from} -> {to} has speed_kmh = {speed_kmh}: must be finite and > 0")]
    BadSpeed {
        from: SourceId,
        to: SourceId,
        speed_kmh: f64,
    },
    #[error(
        "road graph is not strongly connected: {unreachable} of {nodes} nodes cannot reach or be \
         reached from node {home} (first: node {first})"
    )]
    Disconnected {
        unreachable: usize,
        nodes: usize,
        /// The first node's source id.
        home: SourceId,
        /// The source id of the first node (in map order) that is not in its component.
        first: SourceId,
    },
    #[error("two posts are named `{0}`")]
    DuplicatePost(String),
    #[error("two zones are named `{0}`")]
    DuplicateZone(String),
    #[error("zone {0} has no name")]
    UnnamedZone(usize),
}

impl RoadMap {
    /// An empty map with the given name, ready to be filled.
    pub fn new(name: impl Into<String>) -> Self {
        RoadMap {
            name: name.into(),
            attribution: None,
            origin: None,
            graph: DiGraph::default(),
            zones: Vec::new(),
            posts: Vec::new(),
            key_points: Vec::new(),
            checkpoints: Vec::new(),
            dropped: Dropped::default(),
            by_source_id: OnceLock::new(),
        }
    }

    /// Number of road nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The node with id `id`.
    pub fn node(&self, id: NodeId) -> &RoadNode {
        &self.graph[NodeIndex::new(id as usize)]
    }

    /// Adds a node whose source id is its index (a generated map's node) and returns it.
    pub fn add_node(&mut self, x_m: f64, y_m: f64, zone: u32) -> NodeId {
        let id = self.node_count() as SourceId;
        self.add_node_with_source_id(id, x_m, y_m, zone)
    }

    /// Adds a node with its id in the source data and returns its index. [`RoadMap::validate`]
    /// refuses a map where two nodes share a source id.
    pub fn add_node_with_source_id(
        &mut self,
        source_id: SourceId,
        x_m: f64,
        y_m: f64,
        zone: u32,
    ) -> NodeId {
        self.by_source_id.take();
        let node = RoadNode {
            x_m,
            y_m,
            zone,
            source_id,
        };
        self.graph.add_node(node).index() as NodeId
    }

    /// The id of `node` in the source data: what to print wherever a planner reads a node.
    pub fn source_id(&self, node: NodeId) -> SourceId {
        self.node(node).source_id
    }

    /// The node whose id in the source data is `id`, if any: how to read a node a planner
    /// names. (When two nodes share an id, which the map's validation refuses, the last wins.)
    pub fn node_by_source_id(&self, id: SourceId) -> Option<NodeId> {
        self.source_index().get(&id).copied()
    }

    /// The node of each source id, built on first use.
    fn source_index(&self) -> &HashMap<SourceId, NodeId> {
        self.by_source_id.get_or_init(|| {
            self.graph
                .node_weights()
                .enumerate()
                .map(|(i, n)| (n.source_id, i as NodeId))
                .collect()
        })
    }

    /// The node named by `text`, a source id as written in a file (surrounding spaces allowed);
    /// `None` when the text is no whole number or no node has that id.
    pub fn parse_node(&self, text: &str) -> Option<NodeId> {
        text.trim()
            .parse::<SourceId>()
            .ok()
            .and_then(|id| self.node_by_source_id(id))
    }

    /// Every node has its own source id.
    fn check_source_ids(&self) -> Result<(), MapError> {
        if self.source_index().len() < self.node_count() {
            let mut seen = std::collections::HashSet::new();
            for n in self.graph.node_weights() {
                if !seen.insert(n.source_id) {
                    return Err(MapError::DuplicateSourceId(n.source_id));
                }
            }
        }
        Ok(())
    }

    /// Adds a two-way street (two segments) with the class's default speed and the straight-line
    /// length between the nodes.
    pub fn add_street(&mut self, a: NodeId, b: NodeId, class: RoadClass) {
        let length_m = self.straight_line_m(a, b);
        for (from, to) in [(a, b), (b, a)] {
            self.add_segment(
                from,
                to,
                RoadSegment {
                    length_m,
                    class,
                    speed_kmh: class.default_speed_kmh(),
                    oneway: false,
                },
            );
        }
    }

    /// Adds one directed segment.
    pub fn add_segment(&mut self, from: NodeId, to: NodeId, segment: RoadSegment) {
        self.graph.add_edge(
            NodeIndex::new(from as usize),
            NodeIndex::new(to as usize),
            segment,
        );
    }

    /// Straight-line distance between two nodes, metres.
    pub fn straight_line_m(&self, a: NodeId, b: NodeId) -> f64 {
        let (p, q) = (self.node(a), self.node(b));
        (p.x_m - q.x_m).hypot(p.y_m - q.y_m)
    }

    /// The node nearest to a point (linear scan; for building maps, not for the hot path).
    pub fn nearest_node(&self, x_m: f64, y_m: f64) -> Option<NodeId> {
        self.graph
            .node_indices()
            .min_by(|&a, &b| {
                let da = (self.graph[a].x_m - x_m).hypot(self.graph[a].y_m - y_m);
                let db = (self.graph[b].x_m - x_m).hypot(self.graph[b].y_m - y_m);
                da.total_cmp(&db)
            })
            .map(|n| n.index() as NodeId)
    }

    /// The node nearest to a point if it lies within `max_m` metres of it, else how far the
    /// nearest node is (`Err(metres)`): how places and historical calls given by position are
    /// snapped to the road graph.
    pub fn snap(&self, x_m: f64, y_m: f64, max_m: f64) -> Result<NodeId, f64> {
        let node = self.nearest_node(x_m, y_m).ok_or(f64::INFINITY)?;
        let p = self.node(node);
        let off_m = (p.x_m - x_m).hypot(p.y_m - y_m);
        if off_m <= max_m { Ok(node) } else { Err(off_m) }
    }

    /// The post with the given name.
    pub fn post(&self, name: &str) -> Option<&Post> {
        self.posts.iter().find(|p| p.name == name)
    }

    /// Total resident population of all zones.
    pub fn population(&self) -> u64 {
        self.zones.iter().map(|z| z.population).sum()
    }

    /// Checks every rule a map must keep: nodes exist, every place is on a node, zones exist,
    /// lengths and speeds are sane and every node can reach every other (strong connectivity).
    pub fn validate(&self) -> Result<(), MapError> {
        let nodes = self.node_count();
        if nodes == 0 {
            return Err(MapError::Empty);
        }
        self.check_source_ids()?;
        for n in self.graph.node_weights() {
            if n.zone as usize >= self.zones.len() {
                return Err(MapError::NoSuchZone {
                    node: n.source_id,
                    zone: n.zone,
                    zones: self.zones.len(),
                });
            }
        }
        let places = self
            .posts
            .iter()
            .map(|p| ("post", &p.name, p.node))
            .chain(
                self.key_points
                    .iter()
                    .map(|k| ("key point", &k.name, k.node)),
            )
            .chain(
                self.checkpoints
                    .iter()
                    .map(|c| ("checkpoint", &c.name, c.node)),
            );
        for (what, name, node) in places {
            if node as usize >= nodes {
                return Err(MapError::OffMap {
                    what,
                    name: name.clone(),
                    node: node.into(),
                    nodes,
                });
            }
        }
        let mut zone_names = std::collections::HashSet::new();
        for (i, z) in self.zones.iter().enumerate() {
            if z.name.trim().is_empty() {
                return Err(MapError::UnnamedZone(i));
            }
            if !zone_names.insert(z.name.as_str()) {
                return Err(MapError::DuplicateZone(z.name.clone()));
            }
        }
        let mut names = std::collections::HashSet::new();
        for p in &self.posts {
            if !names.insert(p.name.as_str()) {
                return Err(MapError::DuplicatePost(p.name.clone()));
            }
        }
        for e in self.graph.edge_indices() {
            let (a, b) = self
                .graph
                .edge_endpoints(e)
                .expect("edge index from the graph");
            let s = &self.graph[e];
            let (from, to) = (self.graph[a].source_id, self.graph[b].source_id);
            if !(s.length_m.is_finite() && s.length_m >= 0.0) {
                return Err(MapError::BadLength {
                    from,
                    to,
                    length_m: s.length_m,
                });
            }
            if !(s.speed_kmh.is_finite() && s.speed_kmh > 0.0) {
                return Err(MapError::BadSpeed {
                    from,
                    to,
                    speed_kmh: s.speed_kmh,
                });
            }
        }
        let sccs = petgraph::algo::kosaraju_scc(&self.graph);
        if sccs.len() > 1 {
            let home = sccs
                .iter()
                .find(|c| c.contains(&NodeIndex::new(0)))
                .expect("node 0 is in some component");
            let first = (0..nodes)
                .find(|&i| !home.contains(&NodeIndex::new(i)))
                .expect("more than one component");
            return Err(MapError::Disconnected {
                unreachable: nodes - home.len(),
                nodes,
                home: self.source_id(0),
                first: self.source_id(first as NodeId),
            });
        }
        Ok(())
    }
}

//! Results by place: each node's and each zone's figures (calls, mean and 90th-percentile
//! response, the promises' shares), written as GIS layers (`results_nodes.geojson`,
//! `results_zones.geojson`) and read by the report's interactive map. One tally serves both:
//! the run feeds it the call records as it writes the calls table, the report the calls table.
//!
//! Coordinates are longitude/latitude (RFC 7946) for a map with a place on Earth; a generated
//! map's metres otherwise, with a `crs` member naming the local plane
//! ([`crate::map::feature_collection`]). A node is named by its source id.

use super::CallRecord;
use super::summary::{ON_SCENE_PROMISE_S, REINFORCEMENT_PROMISE_S, mean, percentile};
use crate::atomic_file;
use crate::map::{NodeId, RoadMap, feature_collection};
use polars::prelude::*;
use serde_json::{Value, json};
use std::path::Path;

/// The GIS layer of the nodes with calls.
pub const RESULTS_NODES_FILE: &str = "results_nodes.geojson";
/// The GIS layer of the zones.
pub const RESULTS_ZONES_FILE: &str = "results_zones.geojson";

/// Half the side of the square put around each node of a zone whose nodes span no area
/// (fewer than three points not on one line), metres: its layer polygon is the hull of those
/// squares.
pub const HULL_BUFFER_M: f64 = 25.0;

/// The calls at one place, as they come.
#[derive(Debug, Clone, Default)]
struct Tally {
    calls: usize,
    /// Responses of the calls a unit reached, seconds.
    responses: Vec<f64>,
    reinforcement_calls: usize,
    reinforced_10min: usize,
    cordon_calls: usize,
    cordon_30min: usize,
}

impl Tally {
    fn merge(&mut self, other: &Tally) {
        self.calls += other.calls;
        self.responses.extend_from_slice(&other.responses);
        self.reinforcement_calls += other.reinforcement_calls;
        self.reinforced_10min += other.reinforced_10min;
        self.cordon_calls += other.cordon_calls;
        self.cordon_30min += other.cordon_30min;
    }

    fn figures(&self) -> PlaceFigures {
        let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
        let mut sorted = self.responses.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let within = |limit_s: f64| sorted.iter().filter(|&&r| r <= limit_s).count();
        PlaceFigures {
            calls: self.calls,
            reached: sorted.len(),
            // The mean in the calls' order, as the calls table holds them.
            mean_response_s: mean(&self.responses),
            p90_response_s: percentile(&sorted, 90.0),
            on_scene_5min_share: share(within(ON_SCENE_PROMISE_S), self.calls),
            on_scene_10min_share: share(within(REINFORCEMENT_PROMISE_S), self.calls),
            reinforcement_calls: self.reinforcement_calls,
            reinforcement_10min_share: share(self.reinforced_10min, self.reinforcement_calls),
            cordon_calls: self.cordon_calls,
            cordon_30min_share: share(self.cordon_30min, self.cordon_calls),
        }
    }
}

/// The figures of the calls at one place (a node or a zone).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceFigures {
    /// Counted calls.
    pub calls: usize,
    /// Calls a unit reached.
    pub reached: usize,
    /// Mean time from call to first unit on scene, over the calls reached.
    pub mean_response_s: Option<f64>,
    /// Its 90th percentile (interpolated, as the summary's).
    pub p90_response_s: Option<f64>,
    /// Share of the calls with a unit on scene within 5 minutes (a call never reached fails).
    pub on_scene_5min_share: Option<f64>,
    /// Share with a unit on scene within 10 minutes.
    pub on_scene_10min_share: Option<f64>,
    /// Calls that need more than one unit.
    pub reinforcement_calls: usize,
    /// Share of those with every required unit within 10 minutes.
    pub reinforcement_10min_share: Option<f64>,
    /// Calls with a cordon ring.
    pub cordon_calls: usize,
    /// Share of those whose ring was closed within 30 minutes.
    pub cordon_30min_share: Option<f64>,
}

/// Tallies calls by node. Feed it every counted call in the calls table's order, then take
/// [`PlaceResults`].
#[derive(Debug, Clone)]
pub struct PlaceTally {
    nodes: Vec<Tally>,
    /// Whether any call had a cordon ring: the layers then carry the cordon figures.
    cordons: bool,
}

impl PlaceTally {
    /// An empty tally for the nodes of `map`.
    pub fn new(map: &RoadMap) -> Self {
        PlaceTally {
            nodes: vec![Tally::default(); map.node_count()],
            cordons: false,
        }
    }

    /// One call at `node`: its response (none: never reached), whether its reinforcement
    /// came within 10 minutes (none: it needs one unit) and whether its cordon closed within
    /// 30 minutes (none: no ring).
    pub fn add(
        &mut self,
        node: NodeId,
        response_s: Option<f64>,
        reinforcement_10min: Option<bool>,
        cordon_30min: Option<bool>,
    ) {
        let t = &mut self.nodes[node as usize];
        t.calls += 1;
        t.responses.extend(response_s);
        if let Some(met) = reinforcement_10min {
            t.reinforcement_calls += 1;
            t.reinforced_10min += usize::from(met);
        }
        if let Some(met) = cordon_30min {
            self.cordons = true;
            t.cordon_calls += 1;
            t.cordon_30min += usize::from(met);
        }
    }

    /// One call record.
    pub fn add_record(&mut self, call: &CallRecord) {
        self.add(
            call.node,
            call.response_s(),
            call.reinforcement_10min(),
            call.cordon_30min(),
        );
    }

    /// Every call of a calls table (its `node`, `response_s`, `reinforcement_10min` and,
    /// when there, `cordon_30min` columns); nodes are source ids of `map`, and a call at a
    /// node the map lacks is an error.
    pub fn of_calls_table(map: &RoadMap, calls: &DataFrame) -> anyhow::Result<Self> {
        let mut tally = PlaceTally::new(map);
        let nodes = calls.column("node")?.cast(&DataType::Int64)?;
        let responses = calls.column("response_s")?.f64()?;
        let reinforced = calls.column("reinforcement_10min")?.bool()?;
        let cordon = match calls.column("cordon_30min") {
            Ok(c) => Some(c.bool()?),
            Err(_) => None,
        };
        for (i, ((id, r), k)) in nodes
            .i64()?
            .iter()
            .zip(responses.iter())
            .zip(reinforced.iter())
            .enumerate()
        {
            let node = id.and_then(|id| map.node_by_source_id(id)).ok_or_else(|| {
                anyhow::anyhow!("calls row {}: node {id:?} is not on the map", i + 1)
            })?;
            tally.add(node, r, k, cordon.and_then(|c| c.get(i)));
        }
        Ok(tally)
    }

    /// The figures by node and by zone.
    pub fn results(&self, map: &RoadMap) -> PlaceResults {
        let mut zones = vec![(Tally::default(), Vec::new()); map.zones.len()];
        for (n, t) in self.nodes.iter().enumerate() {
            let zone = &mut zones[map.node(n as NodeId).zone as usize];
            zone.0.merge(t);
            zone.1.push(n as NodeId);
        }
        PlaceResults {
            nodes: self
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, t)| t.calls > 0)
                .map(|(n, t)| (n as NodeId, t.figures()))
                .collect(),
            zones: zones
                .into_iter()
                .enumerate()
                .filter(|(_, (_, nodes))| !nodes.is_empty())
                .map(|(z, (t, nodes))| ZoneResult {
                    zone: z as u32,
                    nodes,
                    figures: t.figures(),
                })
                .collect(),
            cordons: self.cordons,
        }
    }
}

/// One zone's figures and nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneResult {
    /// Index into the map's zones.
    pub zone: u32,
    /// Its nodes, ascending.
    pub nodes: Vec<NodeId>,
    pub figures: PlaceFigures,
}

/// The figures by place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceResults {
    /// The nodes with calls, ascending, with their figures.
    pub nodes: Vec<(NodeId, PlaceFigures)>,
    /// The zones that hold nodes, in the map's order (with or without calls).
    pub zones: Vec<ZoneResult>,
    /// Whether the cordon figures apply (some call had a ring).
    pub cordons: bool,
}

/// Seconds as minutes, rounded to 0.01 for the layers.
fn minutes(s: Option<f64>) -> Value {
    json!(s.map(|s| (s / 60.0 * 100.0).round() / 100.0))
}

impl PlaceResults {
    /// The figures as GeoJSON properties.
    fn properties(&self, f: &PlaceFigures) -> serde_json::Map<String, Value> {
        let mut p = serde_json::Map::new();
        p.insert("calls".into(), json!(f.calls));
        p.insert("reached".into(), json!(f.reached));
        p.insert("mean_response_min".into(), minutes(f.mean_response_s));
        p.insert("p90_response_min".into(), minutes(f.p90_response_s));
        p.insert("on_scene_5min_share".into(), json!(f.on_scene_5min_share));
        p.insert("on_scene_10min_share".into(), json!(f.on_scene_10min_share));
        p.insert("reinforcement_calls".into(), json!(f.reinforcement_calls));
        p.insert(
            "reinforcement_10min_share".into(),
            json!(f.reinforcement_10min_share),
        );
        if self.cordons {
            p.insert("cordon_calls".into(), json!(f.cordon_calls));
            p.insert("cordon_30min_share".into(), json!(f.cordon_30min_share));
        }
        p
    }

    /// `results_nodes.geojson`: a Point per node with calls.
    pub fn nodes_geojson(&self, map: &RoadMap) -> Value {
        let features = self
            .nodes
            .iter()
            .map(|(n, f)| {
                let node = map.node(*n);
                let mut p = serde_json::Map::new();
                p.insert("node".into(), json!(node.source_id));
                p.insert("zone".into(), json!(map.zones[node.zone as usize].name));
                p.extend(self.properties(f));
                json!({
                    "type": "Feature",
                    "geometry": {"type": "Point",
                                 "coordinates": map.geojson_position(node.x_m, node.y_m)},
                    "properties": p,
                })
            })
            .collect();
        let mut c = feature_collection(map, "results_nodes", features);
        c["description"] = json!(
            "patrolsim results per node with calls: calls, response to the first unit on \
             scene (minutes), shares of calls meeting each promise"
        );
        c
    }

    /// `results_zones.geojson`: a polygon per zone, the convex hull of its nodes (see
    /// [`zone_hull`]), with the zone's figures.
    pub fn zones_geojson(&self, map: &RoadMap) -> Value {
        let features = self
            .zones
            .iter()
            .map(|z| {
                let zone = &map.zones[z.zone as usize];
                let ring: Vec<Value> = zone_hull(map, &z.nodes)
                    .into_iter()
                    .map(|(x, y)| map.geojson_position(x, y))
                    .collect();
                let mut p = serde_json::Map::new();
                p.insert("zone".into(), json!(zone.name));
                p.insert("population".into(), json!(zone.population));
                p.insert("nodes".into(), json!(z.nodes.len()));
                p.extend(self.properties(&z.figures));
                json!({
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": p,
                })
            })
            .collect();
        let mut c = feature_collection(map, "results_zones", features);
        c["description"] = json!(format!(
            "patrolsim results per zone; each polygon is the convex hull of the zone's road \
             nodes (a zone whose nodes span no area: the hull of {HULL_BUFFER_M} m squares \
             around them), not the zone's boundary"
        ));
        c
    }

    /// Writes both layers into `dir`, each atomically.
    pub fn write(&self, map: &RoadMap, dir: &Path) -> anyhow::Result<()> {
        for (file, layer) in [
            (RESULTS_NODES_FILE, self.nodes_geojson(map)),
            (RESULTS_ZONES_FILE, self.zones_geojson(map)),
        ] {
            atomic_file::write(&dir.join(file), |w| Ok(serde_json::to_writer(w, &layer)?))?;
        }
        Ok(())
    }
}

/// The closed ring (counter-clockwise, first point repeated last) of the convex hull of
/// `nodes`, in the map's metres. Nodes that span no area (one point, or all on one line) are
/// replaced by the corners of a square of half-side [`HULL_BUFFER_M`] around each, so every
/// zone gets a polygon with an area.
pub fn zone_hull(map: &RoadMap, nodes: &[NodeId]) -> Vec<(f64, f64)> {
    let points: Vec<(f64, f64)> = nodes
        .iter()
        .map(|&n| (map.node(n).x_m, map.node(n).y_m))
        .collect();
    let mut hull = convex_hull(points.clone());
    if hull.len() < 3 {
        let b = HULL_BUFFER_M;
        hull = convex_hull(
            points
                .iter()
                .flat_map(|&(x, y)| {
                    [
                        (x - b, y - b),
                        (x + b, y - b),
                        (x + b, y + b),
                        (x - b, y + b),
                    ]
                })
                .collect(),
        );
    }
    hull.push(hull[0]);
    hull
}

/// The convex hull of `points`, counter-clockwise, without repeated or collinear points
/// (Andrew's monotone chain).
fn convex_hull(mut points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let cross = |o: (f64, f64), a: (f64, f64), b: (f64, f64)| {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let mut hull: Vec<(f64, f64)> = Vec::with_capacity(2 * points.len());
    for pass in [
        &points[..],
        &points.iter().rev().copied().collect::<Vec<_>>()[..],
    ] {
        let start = hull.len();
        for &p in pass {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        // The last point of each half is the first of the other.
        hull.pop();
    }
    hull
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};

    #[test]
    fn hulls_are_counter_clockwise_and_buffered_when_flat() {
        let square = convex_hull(vec![
            (0.0, 0.0),
            (1.0, 1.0),
            (1.0, 0.0),
            (0.5, 0.5),
            (0.0, 1.0),
            (0.0, 0.5),
        ]);
        assert_eq!(square, vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]);
        // Collinear points have no area: two points remain.
        assert_eq!(
            convex_hull(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]).len(),
            2
        );
        let map = grid_map(&GridSpec {
            n: 3,
            posts_per_side: 1,
            spacing_m: 100.0,
            speed_kmh: 36.0,
        });
        // One node: the buffer square, closed.
        let b = HULL_BUFFER_M;
        let (x, y) = (map.node(4).x_m, map.node(4).y_m);
        assert_eq!(
            zone_hull(&map, &[4]),
            vec![
                (x - b, y - b),
                (x + b, y - b),
                (x + b, y + b),
                (x - b, y + b),
                (x - b, y - b)
            ]
        );
        // A row of three nodes: a 200 m + 2b by 2b rectangle.
        let ring = zone_hull(&map, &[0, 1, 2]);
        assert_eq!(ring.len(), 5);
    }

    #[test]
    fn figures_by_node_and_zone() {
        let map = grid_map(&GridSpec {
            n: 3,
            posts_per_side: 1,
            spacing_m: 100.0,
            speed_kmh: 36.0,
        });
        let mut tally = PlaceTally::new(&map);
        tally.add(1, Some(100.0), None, None);
        tally.add(1, Some(400.0), Some(true), None);
        tally.add(1, None, Some(false), None);
        tally.add(5, Some(700.0), None, None);
        let r = tally.results(&map);
        assert!(!r.cordons);
        assert_eq!(r.nodes.len(), 2);
        let (n, f) = &r.nodes[0];
        assert_eq!(*n, 1);
        assert_eq!((f.calls, f.reached), (3, 2));
        assert_eq!(f.mean_response_s, Some(250.0));
        assert_eq!(f.on_scene_5min_share, Some(1.0 / 3.0));
        assert_eq!(f.on_scene_10min_share, Some(2.0 / 3.0));
        assert_eq!(f.reinforcement_10min_share, Some(0.5));
        let calls: usize = r.zones.iter().map(|z| z.figures.calls).sum();
        assert_eq!(calls, 4);
        let g = r.nodes_geojson(&map);
        assert_eq!(g["features"][0]["properties"]["node"], 1);
        assert_eq!(g["features"][0]["properties"]["mean_response_min"], 4.17);
        assert!(g["features"][0]["properties"].get("cordon_calls").is_none());
        assert!(
            g["crs"]["properties"]["name"]
                .as_str()
                .unwrap()
                .starts_with("LOCAL_CS")
        );
    }
}

//! The built-in "new area": a city core of four police districts inside a ring road, a
//! university town to the east and a few outlying townships, modelled on a Chinese new-area
//! administration's 2016 public-security plan.
//!
//! Everything random (where side-street nodes sit, which side streets are missing, where the
//! townships lie) comes from the spec's seed, so one spec always builds the same map.
//! Angles are measured anticlockwise from east; coordinates are planar metres with the core
//! centre at the origin.

use std::collections::BTreeSet;
use std::f64::consts::TAU;

use petgraph::graph::NodeIndex;
use petgraph::graphmap::UnGraphMap;
use petgraph::visit::{Bfs, VisitMap};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::{Checkpoint, KeyPoint, KeyPointKind, NodeId, Post, PostKind, RoadClass, RoadMap, Zone};

/// Parameters of the built-in new area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NewAreaSpec {
    /// Seed of every random choice in the layout.
    pub seed: u64,
    /// Blocks per side of the city core grid, which has `core_blocks + 1` streets each way.
    pub core_blocks: u32,
    /// Side of a core block, metres.
    pub block_m: f64,
    /// Every `arterial_every`-th street of the core, counting from its south-west corner, is an
    /// arterial (Primary in the middle half of the core, Secondary outside it).
    pub arterial_every: u32,
    /// Residents of the core, split evenly over its four districts.
    pub core_population: u64,
    /// Residents of the university town.
    pub university_population: u64,
    /// Number of townships (2 or 3 in the plan).
    pub townships: u32,
    /// Residents of each township.
    pub township_population: u64,
    /// Largest random displacement, along each axis, of a core node on no arterial, metres.
    pub jitter_m: f64,
    /// Share (0 to 1) of the core's residential streets removed at random; a street whose
    /// removal would cut the network in two is always kept.
    pub drop_share: f64,
}

impl Default for NewAreaSpec {
    fn default() -> Self {
        NewAreaSpec {
            seed: 2016,
            core_blocks: 20,
            block_m: 200.0,
            arterial_every: 5,
            core_population: 320_000,
            university_population: 40_000,
            townships: 3,
            township_population: 20_000,
            jitter_m: 25.0,
            drop_share: 0.08,
        }
    }
}

/// Names of the four core districts, in zone-index order.
const CORE_DISTRICTS: [&str; 4] = ["core-NE", "core-NW", "core-SW", "core-SE"];
/// Zone index of the university town (right after the core districts).
const UNIVERSITY_ZONE: u32 = 4;
/// Zone index of the first township.
const FIRST_TOWNSHIP_ZONE: u32 = 5;
/// Ring-road radius as a multiple of the core's width.
const RING_RADIUS_PER_CORE_WIDTH: f64 = 0.75;
/// Nodes on the ring road.
const RING_NODES: u32 = 28;
/// Street spacing in the university town and the townships, metres.
const TOWN_SPACING_M: f64 = 150.0;
/// Streets per side of the university town grid.
const UNIVERSITY_SIDE: u32 = 8;
/// Streets per side of a township grid.
const TOWNSHIP_SIDE: u32 = 6;
/// How far beyond the ring road the university town's centre lies, metres.
const UNIVERSITY_BEYOND_RING_M: f64 = 3_000.0;
/// Nearest and farthest a township's centre lies beyond the ring road, metres.
const TOWNSHIP_BEYOND_RING_M: (f64, f64) = (7_000.0, 11_000.0);
/// How far beyond the ring road the area boundary (where checkpoints stand) lies, metres.
const BOUNDARY_BEYOND_RING_M: f64 = 14_000.0;
/// Checkpoint stubs leaving from the ring road.
const RING_CHECKPOINTS: usize = 3;
/// Kiosks at arterial intersections of the core.
const CORE_KIOSKS: usize = 12;
/// Spacing of shape nodes on the links from the core to the ring, metres.
const LINK_STEP_M: f64 = 500.0;
/// Spacing of shape nodes on the university highway, metres.
const UNIVERSITY_HIGHWAY_STEP_M: f64 = 500.0;
/// Spacing of shape nodes on township highways and checkpoint stubs, metres.
const HIGHWAY_STEP_M: f64 = 1_000.0;
/// The eight compass points, anticlockwise from east, for naming checkpoints.
const COMPASS: [&str; 8] = [
    "east",
    "north-east",
    "north",
    "north-west",
    "west",
    "south-west",
    "south",
    "south-east",
];

/// A two-way street between two nodes.
type Street = (NodeId, NodeId, RoadClass);

/// At least as many nodes as [`new_area_map`] builds for `spec`, counted before it is built,
/// and the key of `spec` that drives most of them (`core_blocks`, `block_m` or `townships`)
/// with its value: the core's junctions, the shape nodes of its links to the ring road (one
/// each [`LINK_STEP_M`] of at most the ring's radius), the ring, and each
/// town (the university town and every township) with its highway and checkpoint stub.
pub fn new_area_node_bound(spec: &NewAreaSpec) -> (u64, &'static str, String) {
    let side = u64::from(spec.core_blocks) + 1;
    let arterial_lines = u64::from(spec.core_blocks / spec.arterial_every.max(1)) + 1;
    let core_width_m = f64::from(spec.core_blocks) * spec.block_m;
    // A link runs from an end of an arterial (at least half the core's width from the
    // centre) to the ring node nearest its bearing: well within the ring's radius.
    let link_m = RING_RADIUS_PER_CORE_WIDTH * core_width_m;
    let per_link = (link_m / LINK_STEP_M).ceil().min(u64::MAX as f64) as u64 + 1;
    let stub = (BOUNDARY_BEYOND_RING_M / HIGHWAY_STEP_M).ceil() as u64 + 2;
    let town = |streets: u32, beyond_m: f64, step_m: f64| {
        u64::from(streets).pow(2) + (beyond_m / step_m).ceil() as u64 + 2 + stub
    };
    let university = town(
        UNIVERSITY_SIDE,
        UNIVERSITY_BEYOND_RING_M,
        UNIVERSITY_HIGHWAY_STEP_M,
    );
    let township = town(TOWNSHIP_SIDE, TOWNSHIP_BEYOND_RING_M.1, HIGHWAY_STEP_M);
    let parts = [
        (
            side.saturating_mul(side),
            "core_blocks",
            spec.core_blocks.to_string(),
        ),
        (
            (4 * arterial_lines).saturating_mul(per_link),
            "block_m",
            format!("{:?}", spec.block_m),
        ),
        (
            u64::from(spec.townships).saturating_mul(township),
            "townships",
            spec.townships.to_string(),
        ),
    ];
    let fixed = u64::from(RING_NODES) + RING_CHECKPOINTS as u64 * stub + university;
    let nodes = parts.iter().fold(fixed, |sum, p| sum.saturating_add(p.0));
    let (_, key, value) = parts.into_iter().max_by_key(|p| p.0).expect("three parts");
    (nodes, key, value)
}

/// Whether `a` and `b` are joined in `network`: a search from each end in turn, which stops
/// as soon as the two meet (a detour round a block) or the smaller side is done (the street
/// was a bridge), instead of walking the whole network as a depth-first search from one end
/// may (a core of 600 blocks a side took more than five minutes).
fn joined(network: &UnGraphMap<NodeId, ()>, a: NodeId, b: NodeId) -> bool {
    let mut from_a = Bfs::new(network, a);
    let mut from_b = Bfs::new(network, b);
    loop {
        match from_a.next(network) {
            None => return false,
            Some(n) if from_b.discovered.is_visited(&n) => return true,
            Some(_) => {}
        }
        match from_b.next(network) {
            None => return false,
            Some(n) if from_a.discovered.is_visited(&n) => return true,
            Some(_) => {}
        }
    }
}

/// Builds the new area of `spec`. Zones are the four core districts, the university town and
/// the townships, in that order.
pub fn new_area_map(spec: &NewAreaSpec) -> RoadMap {
    let mut rng = Pcg64Mcg::seed_from_u64(spec.seed);
    let mut map = RoadMap::new("new-area");
    add_zones(&mut map, spec);
    let lines = CoreLines::new(spec);
    let core = add_core(&mut map, spec, lines, &mut rng);
    add_core_places(&mut map, &core, lines);
    let ring = add_ring(
        &mut map,
        RING_RADIUS_PER_CORE_WIDTH * f64::from(spec.core_blocks) * spec.block_m,
    );
    link_core_to_ring(&mut map, &core, lines, &ring);
    add_university(&mut map, &ring);
    let township_angles = add_townships(&mut map, spec, &ring, &mut rng);
    // The university highway leaves the ring due east.
    let taken: Vec<f64> = std::iter::once(0.0).chain(township_angles).collect();
    add_ring_checkpoints(&mut map, &ring, &taken);
    map
}

/// Adds the zones: the core districts share the core population evenly (the first ones take
/// any remainder), then the university town, then the townships.
fn add_zones(map: &mut RoadMap, spec: &NewAreaSpec) {
    let (share, rest) = (spec.core_population / 4, spec.core_population % 4);
    for (q, name) in (0u64..).zip(CORE_DISTRICTS) {
        map.zones.push(Zone {
            name: name.into(),
            population: share + u64::from(q < rest),
        });
    }
    map.zones.push(Zone {
        name: "university-town".into(),
        population: spec.university_population,
    });
    for t in 1..=spec.townships {
        map.zones.push(Zone {
            name: format!("township-{t}"),
            population: spec.township_population,
        });
    }
}

/// Zone index of the core district in the given quadrant.
fn core_zone(east: bool, north: bool) -> u32 {
    match (east, north) {
        (true, true) => 0,
        (false, true) => 1,
        (false, false) => 2,
        (true, false) => 3,
    }
}

/// Which lines (rows or columns) of the core grid are arterials, and their classes.
#[derive(Debug, Clone, Copy)]
struct CoreLines {
    /// Blocks per side; lines are numbered 0..=blocks.
    blocks: u32,
    /// Every `every`-th line is an arterial (at least 1).
    every: u32,
}

impl CoreLines {
    fn new(spec: &NewAreaSpec) -> Self {
        CoreLines {
            blocks: spec.core_blocks,
            every: spec.arterial_every.max(1),
        }
    }

    fn is_arterial(self, line: u32) -> bool {
        line.is_multiple_of(self.every)
    }

    /// Primary for arterials in the middle half of the core, Secondary for the outer ones,
    /// Residential for the rest.
    fn class(self, line: u32) -> RoadClass {
        let off_centre = (2 * i64::from(line) - i64::from(self.blocks)).abs();
        if !self.is_arterial(line) {
            RoadClass::Residential
        } else if 2 * off_centre <= i64::from(self.blocks) {
            RoadClass::Primary
        } else {
            RoadClass::Secondary
        }
    }

    fn arterials(self) -> impl Iterator<Item = u32> {
        (0..=self.blocks).filter(move |&l| self.is_arterial(l))
    }
}

/// A square grid of nodes on the map.
#[derive(Debug)]
struct Grid {
    /// `ids[i][j]` is the node in column `i` (west to east) and row `j` (south to north).
    ids: Vec<Vec<NodeId>>,
    /// Position of node (0, 0) before any jitter, metres.
    x0_m: f64,
    y0_m: f64,
    spacing_m: f64,
}

impl Grid {
    /// Nodes per side.
    fn side(&self) -> u32 {
        self.ids.len() as u32
    }

    fn at(&self, i: u32, j: u32) -> NodeId {
        self.ids[i as usize][j as usize]
    }

    /// The node whose unjittered position is nearest to a point.
    fn nearest(&self, x_m: f64, y_m: f64) -> NodeId {
        let last = f64::from(self.side().saturating_sub(1));
        let index = |d_m: f64| (d_m / self.spacing_m).round().clamp(0.0, last) as u32;
        self.at(index(x_m - self.x0_m), index(y_m - self.y0_m))
    }

    /// Streets between neighbouring nodes; every street on line `l` (row or column) has class
    /// `class_of(l)`.
    fn streets(&self, class_of: impl Fn(u32) -> RoadClass) -> Vec<Street> {
        let side = self.side();
        let mut streets = Vec::new();
        for i in 0..side {
            for j in 0..side {
                if i + 1 < side {
                    streets.push((self.at(i, j), self.at(i + 1, j), class_of(j)));
                }
                if j + 1 < side {
                    streets.push((self.at(i, j), self.at(i, j + 1), class_of(i)));
                }
            }
        }
        streets
    }
}

/// Adds a `side` × `side` grid of nodes `spacing_m` apart centred on `centre`; node (i, j) goes
/// to zone `zone_of(i, j)`. Adds no streets.
fn add_grid(
    map: &mut RoadMap,
    centre: (f64, f64),
    side: u32,
    spacing_m: f64,
    zone_of: impl Fn(u32, u32) -> u32,
) -> Grid {
    let half_m = f64::from(side.saturating_sub(1)) * spacing_m / 2.0;
    let (x0_m, y0_m) = (centre.0 - half_m, centre.1 - half_m);
    let ids = (0..side)
        .map(|i| {
            (0..side)
                .map(|j| {
                    map.add_node(
                        x0_m + f64::from(i) * spacing_m,
                        y0_m + f64::from(j) * spacing_m,
                        zone_of(i, j),
                    )
                })
                .collect()
        })
        .collect();
    Grid {
        ids,
        x0_m,
        y0_m,
        spacing_m,
    }
}

fn add_streets(map: &mut RoadMap, streets: &[Street]) {
    for &(a, b, class) in streets {
        map.add_street(a, b, class);
    }
}

/// Adds a road from `from` to `to` with shape nodes in `zone` about every `step_m` metres.
fn add_highway(
    map: &mut RoadMap,
    from: NodeId,
    to: NodeId,
    step_m: f64,
    class: RoadClass,
    zone: u32,
) {
    let (a, b) = (*map.node(from), *map.node(to));
    let legs = (map.straight_line_m(from, to) / step_m).ceil().max(1.0) as u32;
    let mut previous = from;
    for leg in 1..legs {
        let f = f64::from(leg) / f64::from(legs);
        let node = map.add_node(
            a.x_m + f * (b.x_m - a.x_m),
            a.y_m + f * (b.y_m - a.y_m),
            zone,
        );
        map.add_street(previous, node, class);
        previous = node;
    }
    map.add_street(previous, to, class);
}

/// Adds the city core: the grid centred on the origin, its off-arterial nodes jittered, and its
/// streets less the randomly dropped residential ones.
fn add_core(map: &mut RoadMap, spec: &NewAreaSpec, lines: CoreLines, rng: &mut Pcg64Mcg) -> Grid {
    let n = lines.blocks;
    let core = add_grid(map, (0.0, 0.0), n + 1, spec.block_m, |i, j| {
        core_zone(2 * i >= n, 2 * j >= n)
    });
    for i in (0..=n).filter(|&i| !lines.is_arterial(i)) {
        for j in (0..=n).filter(|&j| !lines.is_arterial(j)) {
            let node = &mut map.graph[NodeIndex::new(core.at(i, j) as usize)];
            node.x_m += (2.0 * rng.random::<f64>() - 1.0) * spec.jitter_m;
            node.y_m += (2.0 * rng.random::<f64>() - 1.0) * spec.jitter_m;
        }
    }
    let streets = drop_streets(core.streets(|l| lines.class(l)), spec.drop_share, rng);
    add_streets(map, &streets);
    core
}

/// Removes about `share` of the residential streets, picked in random order, skipping any
/// whose removal would cut the network in two. Keeps the order of the streets it keeps.
fn drop_streets(streets: Vec<Street>, share: f64, rng: &mut Pcg64Mcg) -> Vec<Street> {
    let mut network: UnGraphMap<NodeId, ()> = streets.iter().map(|&(a, b, _)| (a, b)).collect();
    let mut candidates: Vec<usize> = (0..streets.len())
        .filter(|&s| streets[s].2 == RoadClass::Residential)
        .collect();
    // A NaN share becomes 0 streets.
    let target = (share.clamp(0.0, 1.0) * candidates.len() as f64).round() as usize;
    candidates.shuffle(rng);
    let mut dropped = vec![false; streets.len()];
    let mut count = 0;
    for s in candidates {
        if count == target {
            break;
        }
        let (a, b, _) = streets[s];
        network.remove_edge(a, b);
        if joined(&network, a, b) {
            dropped[s] = true;
            count += 1;
        } else {
            network.add_edge(a, b, ());
        }
    }
    streets
        .into_iter()
        .zip(dropped)
        .filter_map(|(street, gone)| (!gone).then_some(street))
        .collect()
}

fn add_post(map: &mut RoadMap, name: impl Into<String>, kind: PostKind, node: NodeId) {
    map.posts.push(Post {
        name: name.into(),
        kind,
        node,
    });
}

fn add_key_point(map: &mut RoadMap, name: &str, kind: KeyPointKind, node: NodeId) {
    map.key_points.push(KeyPoint {
        name: name.into(),
        kind,
        node,
    });
}

/// Adds the core's posts and key points: the HQ at the centre; in each district a police
/// station at its centre and a service station in the residential streets between that and the
/// HQ; kiosks spread over the free arterial intersections; the rail station on the east edge,
/// the bus station on the west edge and the central square a block north of the centre.
fn add_core_places(map: &mut RoadMap, core: &Grid, lines: CoreLines) {
    let n = lines.blocks;
    let (h, q) = (n / 2, n / 4);
    add_post(map, "hq", PostKind::Hq, core.at(h, h));
    // Column and row of each district's centre, in zone order.
    let centres = [(n - q, n - q), (q, n - q), (q, q), (n - q, q)];
    for (district, (i, j)) in CORE_DISTRICTS.iter().zip(centres) {
        let station = core.at(i, j);
        add_post(
            map,
            format!("station-{district}"),
            PostKind::PoliceStation,
            station,
        );
        let service = core.at(h.midpoint(i), h.midpoint(j));
        add_post(
            map,
            format!("service-station-{district}"),
            PostKind::ServiceStation,
            service,
        );
    }
    let taken: BTreeSet<NodeId> = map.posts.iter().map(|p| p.node).collect();
    let free: Vec<NodeId> = lines
        .arterials()
        .flat_map(|j| lines.arterials().map(move |i| core.at(i, j)))
        .filter(|node| !taken.contains(node))
        .collect();
    let kiosks = CORE_KIOSKS.min(free.len());
    for k in 0..kiosks {
        add_post(
            map,
            format!("kiosk-{}", k + 1),
            PostKind::Kiosk,
            free[k * free.len() / kiosks],
        );
    }
    add_key_point(
        map,
        "rail-station",
        KeyPointKind::RailStation,
        core.at(n, h),
    );
    add_key_point(map, "bus-station", KeyPointKind::BusStation, core.at(0, h));
    add_key_point(
        map,
        "central-square",
        KeyPointKind::Square,
        core.at(h, (h + 1).min(n)),
    );
}

/// The ring road: nodes evenly spaced on a circle round the core, node 0 due east.
#[derive(Debug)]
struct Ring {
    ids: Vec<NodeId>,
    radius_m: f64,
}

impl Ring {
    /// The ring node nearest in angle to `angle` (radians anticlockwise from east).
    fn toward(&self, angle: f64) -> NodeId {
        let step = TAU / self.ids.len() as f64;
        let k = (angle / step).round().rem_euclid(self.ids.len() as f64) as usize;
        // `rem_euclid` of a float may round up to the divisor itself.
        self.ids[k.min(self.ids.len() - 1)]
    }

    /// The point at `distance_m` beyond the ring in direction `angle`.
    fn beyond(&self, angle: f64, distance_m: f64) -> (f64, f64) {
        let r = self.radius_m + distance_m;
        (r * angle.cos(), r * angle.sin())
    }
}

/// Adds the Trunk ring road of `RING_NODES` nodes at `radius_m`; each node belongs to the core
/// district of its quadrant.
fn add_ring(map: &mut RoadMap, radius_m: f64) -> Ring {
    let ids: Vec<NodeId> = (0..RING_NODES)
        .map(|k| {
            let angle = TAU * f64::from(k) / f64::from(RING_NODES);
            let (x, y) = (radius_m * angle.cos(), radius_m * angle.sin());
            map.add_node(x, y, core_zone(x >= 0.0, y >= 0.0))
        })
        .collect();
    for (k, &a) in ids.iter().enumerate() {
        map.add_street(a, ids[(k + 1) % ids.len()], RoadClass::Trunk);
    }
    Ring { ids, radius_m }
}

/// Links both ends of every core arterial to the ring node in its direction by a Primary road.
fn link_core_to_ring(map: &mut RoadMap, core: &Grid, lines: CoreLines, ring: &Ring) {
    let n = lines.blocks;
    let ends: BTreeSet<NodeId> = lines
        .arterials()
        .flat_map(|l| [core.at(0, l), core.at(n, l), core.at(l, 0), core.at(l, n)])
        .collect();
    for end in ends {
        let node = *map.node(end);
        let to = ring.toward(node.y_m.atan2(node.x_m));
        add_highway(map, end, to, LINK_STEP_M, RoadClass::Primary, node.zone);
    }
}

/// Adds the university town due east of the ring, linked to the ring's east node by a Trunk
/// highway; its police station is at its centre and its kiosk at its gate.
fn add_university(map: &mut RoadMap, ring: &Ring) {
    let town = add_grid(
        map,
        ring.beyond(0.0, UNIVERSITY_BEYOND_RING_M),
        UNIVERSITY_SIDE,
        TOWN_SPACING_M,
        |_, _| UNIVERSITY_ZONE,
    );
    add_streets(map, &town.streets(town_street_class(UNIVERSITY_SIDE)));
    let from = ring.toward(0.0);
    let entry = *map.node(from);
    let gate = town.nearest(entry.x_m, entry.y_m);
    add_highway(
        map,
        from,
        gate,
        UNIVERSITY_HIGHWAY_STEP_M,
        RoadClass::Trunk,
        UNIVERSITY_ZONE,
    );
    let centre = UNIVERSITY_SIDE / 2;
    let station = town.at(centre, centre);
    add_post(
        map,
        "station-university-town",
        PostKind::PoliceStation,
        station,
    );
    add_post(map, "kiosk-university-town", PostKind::Kiosk, gate);
}

/// Street classes of a small town: Secondary main streets through the middle, Residential
/// elsewhere.
fn town_street_class(side: u32) -> impl Fn(u32) -> RoadClass {
    move |line| {
        if line == side / 2 {
            RoadClass::Secondary
        } else {
            RoadClass::Residential
        }
    }
}

/// Adds the townships in seeded directions spread round the compass away from the university
/// town (due east), each linked to the ring by a Motorway, with a police station at its centre
/// and a checkpoint stub leading on outward to the area boundary. Returns their directions.
fn add_townships(
    map: &mut RoadMap,
    spec: &NewAreaSpec,
    ring: &Ring,
    rng: &mut Pcg64Mcg,
) -> Vec<f64> {
    let sector = TAU / (f64::from(spec.townships) + 1.0);
    let mut angles = Vec::new();
    for t in 0..spec.townships {
        let zone = FIRST_TOWNSHIP_ZONE + t;
        let name = format!("township-{}", t + 1);
        let angle = sector * (f64::from(t + 1) + 0.4 * (2.0 * rng.random::<f64>() - 1.0));
        let (near, far) = TOWNSHIP_BEYOND_RING_M;
        let distance_m = rng.random_range(near..=far);
        let town = add_grid(
            map,
            ring.beyond(angle, distance_m),
            TOWNSHIP_SIDE,
            TOWN_SPACING_M,
            |_, _| zone,
        );
        add_streets(map, &town.streets(town_street_class(TOWNSHIP_SIDE)));
        let from = ring.toward(angle);
        let entry = *map.node(from);
        let gate = town.nearest(entry.x_m, entry.y_m);
        add_highway(map, from, gate, HIGHWAY_STEP_M, RoadClass::Motorway, zone);
        let centre = TOWNSHIP_SIDE / 2;
        add_post(
            map,
            format!("station-{name}"),
            PostKind::PoliceStation,
            town.at(centre, centre),
        );
        let (x, y) = ring.beyond(angle, BOUNDARY_BEYOND_RING_M);
        let exit = town.nearest(x, y);
        add_checkpoint_stub(map, exit, (x, y), format!("checkpoint-{name}"), zone);
        angles.push(angle);
    }
    angles
}

/// Adds checkpoint stubs from the ring towards the compass points farthest from the directions
/// already `taken` (by the university highway, the townships and earlier stubs).
fn add_ring_checkpoints(map: &mut RoadMap, ring: &Ring, taken: &[f64]) {
    let mut taken = taken.to_vec();
    let mut free: Vec<usize> = (0..COMPASS.len()).collect();
    for _ in 0..RING_CHECKPOINTS {
        let clearance = |p: usize| {
            let angle = TAU * p as f64 / COMPASS.len() as f64;
            taken
                .iter()
                .map(|&t| angular_distance(angle, t))
                .fold(f64::INFINITY, f64::min)
        };
        let Some(best) =
            (0..free.len()).max_by(|&a, &b| clearance(free[a]).total_cmp(&clearance(free[b])))
        else {
            return;
        };
        let point = free.swap_remove(best);
        let angle = TAU * point as f64 / COMPASS.len() as f64;
        taken.push(angle);
        let from = ring.toward(angle);
        let zone = map.node(from).zone;
        let end = ring.beyond(angle, BOUNDARY_BEYOND_RING_M);
        add_checkpoint_stub(
            map,
            from,
            end,
            format!("checkpoint-{}", COMPASS[point]),
            zone,
        );
    }
}

/// Smallest angle between two directions, radians.
fn angular_distance(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(TAU);
    d.min(TAU - d)
}

/// Adds a Trunk stub from `from` to a new node at `end`, with a checkpoint at that node.
fn add_checkpoint_stub(map: &mut RoadMap, from: NodeId, end: (f64, f64), name: String, zone: u32) {
    let node = map.add_node(end.0, end.1, zone);
    add_highway(map, from, node, HIGHWAY_STEP_M, RoadClass::Trunk, zone);
    map.checkpoints.push(Checkpoint { name, node });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Node coordinates and zones, and the edge list with lengths and classes.
    type Fingerprint = (Vec<(f64, f64, u32)>, Vec<(usize, usize, f64, RoadClass)>);

    /// What two maps must share to count as the same map.
    fn fingerprint(map: &RoadMap) -> Fingerprint {
        let nodes = map
            .graph
            .node_weights()
            .map(|n| (n.x_m, n.y_m, n.zone))
            .collect();
        let edges = map
            .graph
            .edge_indices()
            .map(|e| {
                let (a, b) = map.graph.edge_endpoints(e).unwrap();
                (
                    a.index(),
                    b.index(),
                    map.graph[e].length_m,
                    map.graph[e].class,
                )
            })
            .collect();
        (nodes, edges)
    }

    fn with_seed(seed: u64) -> NewAreaSpec {
        NewAreaSpec {
            seed,
            ..NewAreaSpec::default()
        }
    }

    #[test]
    fn default_map_is_valid() {
        let map = new_area_map(&NewAreaSpec::default());
        println!(
            "new area: {} nodes, {} segments, {} zones, {} posts",
            map.node_count(),
            map.graph.edge_count(),
            map.zones.len(),
            map.posts.len()
        );
        assert_eq!(map.name, "new-area");
        map.validate().unwrap();
        assert!(
            (500..=1_500).contains(&map.node_count()),
            "{} nodes",
            map.node_count()
        );
    }

    #[test]
    fn valid_for_many_seeds_and_shapes() {
        for seed in 0..20 {
            new_area_map(&with_seed(seed)).validate().unwrap();
        }
        for townships in [2, 3] {
            for drop_share in [0.0, 0.3] {
                let spec = NewAreaSpec {
                    townships,
                    drop_share,
                    core_blocks: 12,
                    arterial_every: 4,
                    ..with_seed(7)
                };
                new_area_map(&spec).validate().unwrap();
            }
        }
    }

    #[test]
    fn the_node_bound_covers_every_shape() {
        let default = NewAreaSpec::default();
        let shapes = [
            default.clone(),
            NewAreaSpec {
                block_m: 3_000.0,
                arterial_every: 1,
                ..default.clone()
            },
            NewAreaSpec {
                townships: 12,
                core_blocks: 3,
                ..default.clone()
            },
        ];
        for spec in shapes {
            let (built, (bound, _, _)) = (
                new_area_map(&spec).node_count() as u64,
                new_area_node_bound(&spec),
            );
            assert!(
                built <= bound && bound <= 4 * built,
                "{built} nodes, bound {bound}"
            );
        }
    }

    #[test]
    fn same_seed_same_map_other_seed_other_map() {
        let a = new_area_map(&with_seed(42));
        let b = new_area_map(&with_seed(42));
        let c = new_area_map(&with_seed(43));
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(a.posts, b.posts);
        assert_eq!(a.checkpoints, b.checkpoints);
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn population_and_places() {
        let spec = NewAreaSpec::default();
        let map = new_area_map(&spec);
        assert_eq!(map.population(), 320_000 + 40_000 + 3 * 20_000);
        assert_eq!(
            map.zones
                .iter()
                .map(|z| z.name.as_str())
                .collect::<Vec<_>>(),
            [
                "core-NE",
                "core-NW",
                "core-SW",
                "core-SE",
                "university-town",
                "township-1",
                "township-2",
                "township-3"
            ]
        );
        assert_eq!(map.checkpoints.len(), 6);
        let checkpoint_names: HashSet<_> = map.checkpoints.iter().map(|c| &c.name).collect();
        assert_eq!(checkpoint_names.len(), map.checkpoints.len());
        assert_eq!(map.key_points.len(), 3);
        let hqs = map.posts.iter().filter(|p| p.kind == PostKind::Hq).count();
        assert_eq!(hqs, 1);
        let count = |kind| map.posts.iter().filter(|p| p.kind == kind).count();
        assert_eq!(count(PostKind::PoliceStation), 4 + 1 + 3);
        assert_eq!(count(PostKind::ServiceStation), 4);
        assert!(map.post("service-station-core-SW").is_some());
        assert_eq!(count(PostKind::Kiosk), CORE_KIOSKS + 1);
        let names: HashSet<_> = map.posts.iter().map(|p| &p.name).collect();
        assert_eq!(names.len(), map.posts.len());
        for name in [
            "station-core-NE",
            "station-university-town",
            "station-township-3",
            "kiosk-12",
        ] {
            assert!(map.post(name).is_some(), "{name}");
        }
    }

    #[test]
    fn places_are_where_the_plan_puts_them() {
        let map = new_area_map(&NewAreaSpec::default());
        let hq = map.node(map.post("hq").unwrap().node);
        assert!(hq.x_m.hypot(hq.y_m) < 1.0);
        let place =
            |name: &str| map.node(map.key_points.iter().find(|k| k.name == name).unwrap().node);
        assert_eq!(
            (place("rail-station").x_m, place("rail-station").y_m),
            (2_000.0, 0.0)
        );
        assert!(place("bus-station").x_m < -1_500.0);
        let uni = map.post("station-university-town").unwrap().node;
        assert_eq!(
            map.zones[map.node(uni).zone as usize].name,
            "university-town"
        );
        assert!((5_500.0..6_500.0).contains(&map.node(uni).x_m));
        for c in &map.checkpoints {
            let node = map.node(c.node);
            let r = node.x_m.hypot(node.y_m);
            assert!((16_900.0..17_100.0).contains(&r), "{} at {r} m", c.name);
        }
        for t in 1..=3 {
            let node = map.node(map.post(&format!("station-township-{t}")).unwrap().node);
            let r = node.x_m.hypot(node.y_m);
            assert!((10_000.0..=14_000.0).contains(&r), "township-{t} at {r} m");
        }
    }

    #[test]
    fn drops_about_the_asked_share_of_side_streets() {
        let full = new_area_map(&NewAreaSpec {
            drop_share: 0.0,
            ..NewAreaSpec::default()
        });
        let thinned = new_area_map(&NewAreaSpec::default());
        // 20 × 21 × 2 core streets, 200 of them on arterials: 8 % of 640 is 51.
        assert_eq!(full.graph.edge_count() - thinned.graph.edge_count(), 2 * 51);
    }

    #[test]
    fn spec_defaults_from_serde() {
        let spec: NewAreaSpec = serde_json::from_str("{}").unwrap();
        assert_eq!(spec, NewAreaSpec::default());
        let spec: NewAreaSpec = serde_json::from_str(r#"{"townships": 2}"#).unwrap();
        assert_eq!(spec.townships, 2);
        assert!(serde_json::from_str::<NewAreaSpec>(r#"{"town": 2}"#).is_err());
    }
}

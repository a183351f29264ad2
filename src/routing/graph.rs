//! A compact, cache-friendly copy of the road graph for searches: forward and reverse adjacency
//! in compressed-sparse-row form, each arc with its travel time in whole milliseconds and its
//! length, plus the landmark distances that bound travel times from below.

use super::descent;
use super::landmarks::Landmarks;
use crate::map::{NodeId, RoadMap};
use petgraph::visit::EdgeRef;

/// One arc of the search graph.
#[derive(Debug, Clone, Copy)]
pub(super) struct Arc {
    /// The node at the other end (the head going forward, the tail in the reverse graph).
    pub other: NodeId,
    /// Travel time, milliseconds, rounded once per arc so that every search sums the same
    /// integers and finds bit-identical times whatever its order.
    pub travel_ms: u32,
    pub length_m: f64,
}

/// An arc's travel time in whole milliseconds, at least 1 (so every fastest way strictly
/// descends in time to its end). `as` saturates: a huge time becomes `u32::MAX`.
pub fn arc_ms(travel_s: f64) -> u32 {
    ((travel_s * 1000.0).round() as u32).max(1)
}

/// Milliseconds to seconds.
pub(super) fn seconds(ms: u32) -> f64 {
    f64::from(ms) / 1000.0
}

/// The road graph as the searches need it. Built once per scenario and shared by all
/// replications.
#[derive(Debug)]
pub struct TravelGraph {
    forward_start: Vec<u32>,
    forward: Vec<Arc>,
    reverse_start: Vec<u32>,
    reverse: Vec<Arc>,
    pub(super) landmarks: Landmarks,
    /// Whether the landmark bounds were exact on every sampled trip (as on the benchmark grid),
    /// so that routers descend along them before anything else.
    tight_bounds: bool,
}

/// Trips sampled to decide whether a graph's landmark bounds are tight.
const TIGHTNESS_SAMPLES: u32 = 64;

impl TravelGraph {
    /// Builds the search graph from `map`, each segment driven at its free-flow speed times
    /// `speed_factor` (the emergency-driving factor), and chooses its landmarks.
    pub fn new(map: &RoadMap, speed_factor: f64) -> Self {
        let n = map.node_count();
        let arcs: Vec<(NodeId, NodeId, u32, f64)> = map
            .graph
            .edge_references()
            .map(|e| {
                let s = e.weight();
                (
                    e.source().index() as NodeId,
                    e.target().index() as NodeId,
                    arc_ms(s.travel_s(speed_factor)),
                    s.length_m,
                )
            })
            .collect();
        let (forward_start, forward) = csr(n, arcs.iter().map(|&(a, b, t, l)| (a, b, t, l)));
        let (reverse_start, reverse) = csr(n, arcs.iter().map(|&(a, b, t, l)| (b, a, t, l)));
        let mut graph = TravelGraph {
            forward_start,
            forward,
            reverse_start,
            reverse,
            landmarks: Landmarks::default(),
            tight_bounds: false,
        };
        graph.landmarks = Landmarks::choose(&graph);
        graph.tight_bounds = descent::exact_on(&graph, TIGHTNESS_SAMPLES);
        graph
    }

    /// Whether landmark descents found every sampled trip: then routers need neither distance
    /// tables nor anchors, and answer by descent first.
    pub fn tight_bounds(&self) -> bool {
        self.tight_bounds
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.forward_start.len() - 1
    }

    /// Arcs leaving `node`.
    pub(super) fn out_arcs(&self, node: NodeId) -> &[Arc] {
        let i = node as usize;
        &self.forward[self.forward_start[i] as usize..self.forward_start[i + 1] as usize]
    }

    /// Arcs entering `node`, each naming its tail in `other`.
    pub(super) fn in_arcs(&self, node: NodeId) -> &[Arc] {
        let i = node as usize;
        &self.reverse[self.reverse_start[i] as usize..self.reverse_start[i + 1] as usize]
    }
}

/// Compressed sparse rows from (tail, head, travel, length) arcs, in a stable order.
fn csr(
    nodes: usize,
    arcs: impl Iterator<Item = (NodeId, NodeId, u32, f64)> + Clone,
) -> (Vec<u32>, Vec<Arc>) {
    let mut start = vec![0u32; nodes + 1];
    for (tail, ..) in arcs.clone() {
        start[tail as usize + 1] += 1;
    }
    for i in 0..nodes {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut out = vec![
        Arc {
            other: 0,
            travel_ms: 0,
            length_m: 0.0
        };
        start[nodes] as usize
    ];
    for (tail, head, travel_ms, length_m) in arcs {
        let slot = &mut fill[tail as usize];
        out[*slot as usize] = Arc {
            other: head,
            travel_ms,
            length_m,
        };
        *slot += 1;
    }
    (start, out)
}

//! Anchors: nodes where many trips start or end (the posts units wait at and return to), with
//! their exact trees both ways (times from every node to the anchor, and from the anchor to
//! every node) computed once per model and shared by all replications, so those trips are
//! look-ups (and a walk down the row for lengths and routes, cheaper than a landmark descent).
//! Maps whose routers keep a distance table need none.

use super::search::{Search, TABLE_MAX_NODES, uses_table};
use super::{TravelGraph, Trip};
use crate::map::NodeId;

/// Memory all anchors' trees of one model may take: two times of 4 bytes and two lengths of 8
/// per node and anchor.
/// When the anchors do not all fit (very large maps with many posts), there are none: a few
/// would cost their trees' building time and save little, and A* does well there.
const ANCHOR_BYTES: usize = 128 << 20;

/// Exact trees to and from a set of nodes: times (milliseconds) and the lengths of the trees'
/// ways (metres).
#[derive(Debug, Default)]
pub struct Anchors {
    /// Per node: its anchor number, or `u32::MAX`.
    number: Vec<u32>,
    nodes: usize,
    /// Per anchor, a row of n times from each node to it, and the ways' lengths.
    to: Vec<u32>,
    to_m: Vec<f64>,
    /// Per anchor, a row of n times from it to each node, and the ways' lengths.
    from: Vec<u32>,
    from_m: Vec<f64>,
}

impl Anchors {
    /// Anchors at `nodes` (repeats counted once) on `graph`; none when routers on it keep a
    /// distance table, or when their trees would take more than [`ANCHOR_BYTES`]. Where the
    /// landmark bounds are tight, only on maps of table size: there a descent finds a trip to a
    /// post nearly as fast, and on a larger map the trees cost more than they save (grid-city:
    /// 200 trees of 40,000 nodes, 0.8 s to build, 96 MB that crowd the caches; its event loop
    /// took 3.4 s with them and 2.3 s without).
    pub fn new(graph: &TravelGraph, nodes: &[NodeId]) -> Self {
        let small = graph.node_count() <= TABLE_MAX_NODES;
        if uses_table(graph) || (graph.tight_bounds() && !small) {
            return Anchors::default();
        }
        Anchors::build(graph, nodes)
    }

    /// Anchors at `nodes` on `graph` whatever its size or bounds, unless their trees would
    /// take more than [`ANCHOR_BYTES`].
    pub(super) fn build(graph: &TravelGraph, nodes: &[NodeId]) -> Self {
        let n = graph.node_count();
        let room = ANCHOR_BYTES / (24 * n);
        let mut number = vec![u32::MAX; n];
        let mut chosen = Vec::new();
        for &node in nodes {
            if number[node as usize] == u32::MAX {
                number[node as usize] = chosen.len() as u32;
                chosen.push(node);
            }
        }
        if chosen.len() > room {
            return Anchors::default();
        }
        let mut search = Search::new(n);
        let (mut to, mut from) = (vec![0; chosen.len() * n], vec![0; chosen.len() * n]);
        let (mut to_m, mut from_m) = (vec![0.0; chosen.len() * n], vec![0.0; chosen.len() * n]);
        for (a, &node) in chosen.iter().enumerate() {
            let row = a * n..(a + 1) * n;
            let (t, tm) = (&mut to[row.clone()], &mut to_m[row.clone()]);
            search.tree(graph, node, true, t, Some(tm));
            let (f, fm) = (&mut from[row.clone()], &mut from_m[row]);
            search.tree(graph, node, false, f, Some(fm));
        }
        Anchors {
            number,
            nodes: n,
            to,
            to_m,
            from,
            from_m,
        }
    }

    /// The rows of anchor `node` (if it is one) among `rows`.
    fn row<'a, T>(&self, node: NodeId, rows: &'a [T]) -> Option<&'a [T]> {
        let a = *self.number.get(node as usize)? as usize;
        (a != u32::MAX as usize).then(|| &rows[a * self.nodes..(a + 1) * self.nodes])
    }

    /// Times from every node to `node`, if it is an anchor.
    pub(super) fn to(&self, node: NodeId) -> Option<&[u32]> {
        self.row(node, &self.to)
    }

    /// Times from `node` to every node, if it is an anchor.
    pub(super) fn from(&self, node: NodeId) -> Option<&[u32]> {
        self.row(node, &self.from)
    }

    /// The trip from `from` to `to` by a look-up, if either is an anchor.
    pub(super) fn trip(&self, from: NodeId, to: NodeId) -> Option<Trip> {
        self.trip_to(from, to).or_else(|| self.trip_from(from, to))
    }

    /// The trip from `from` to the anchor `to`, if `to` is an anchor.
    fn trip_to(&self, from: NodeId, to: NodeId) -> Option<Trip> {
        let ms = self.row(to, &self.to)?[from as usize];
        Some(Trip::of(ms, self.row(to, &self.to_m)?[from as usize]))
    }

    /// The trip from the anchor `from` to `to`, if `from` is an anchor.
    pub(super) fn trip_from(&self, from: NodeId, to: NodeId) -> Option<Trip> {
        let ms = self.row(from, &self.from)?[to as usize];
        Some(Trip::of(ms, self.row(from, &self.from_m)?[to as usize]))
    }
}

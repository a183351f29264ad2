//! Anchors: nodes where many trips start or end (the posts units wait at and return to), with
//! their exact trees both ways (times from every node to the anchor, and from the anchor to
//! every node) computed once per model and shared by all replications, so those trips are
//! look-ups (and a walk down the row for lengths and routes, cheaper than a landmark descent).
//! Maps whose routers keep a distance table need none.

use super::TravelGraph;
use super::search::{Search, uses_table};
use crate::map::NodeId;

/// Memory all anchors' trees of one model may take: two times of 4 bytes per node and anchor.
/// When the anchors do not all fit (very large maps with many posts), there are none: a few
/// would cost their trees' building time and save little, and A* does well there.
const ANCHOR_BYTES: usize = 128 << 20;

/// Exact trees to and from a set of nodes, milliseconds.
#[derive(Debug, Default)]
pub struct Anchors {
    /// Per node: its anchor number, or `u32::MAX`.
    number: Vec<u32>,
    nodes: usize,
    /// Per anchor, a row of n times from each node to it.
    to: Vec<u32>,
    /// Per anchor, a row of n times from it to each node.
    from: Vec<u32>,
}

impl Anchors {
    /// Anchors at `nodes` (repeats counted once) on `graph`; none when routers on it keep a
    /// distance table, or when their trees would take more than [`ANCHOR_BYTES`].
    pub fn new(graph: &TravelGraph, nodes: &[NodeId]) -> Self {
        if uses_table(graph) {
            return Anchors::default();
        }
        Anchors::build(graph, nodes)
    }

    /// Anchors at `nodes` on `graph` whatever its size or bounds, unless their trees would
    /// take more than [`ANCHOR_BYTES`].
    pub(super) fn build(graph: &TravelGraph, nodes: &[NodeId]) -> Self {
        let n = graph.node_count();
        let room = ANCHOR_BYTES / (8 * n);
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
        let mut to = vec![0; chosen.len() * n];
        let mut from = vec![0; chosen.len() * n];
        for (a, &node) in chosen.iter().enumerate() {
            search.tree(graph, node, true, &mut to[a * n..(a + 1) * n]);
            search.tree(graph, node, false, &mut from[a * n..(a + 1) * n]);
        }
        Anchors {
            number,
            nodes: n,
            to,
            from,
        }
    }

    fn rows<'a>(&self, node: NodeId, rows: &'a [u32]) -> Option<&'a [u32]> {
        let a = *self.number.get(node as usize)? as usize;
        (a != u32::MAX as usize).then(|| &rows[a * self.nodes..(a + 1) * self.nodes])
    }

    /// Times from every node to `node`, if it is an anchor.
    pub(super) fn to(&self, node: NodeId) -> Option<&[u32]> {
        self.rows(node, &self.to)
    }

    /// Times from `node` to every node, if it is an anchor.
    pub(super) fn from(&self, node: NodeId) -> Option<&[u32]> {
        self.rows(node, &self.from)
    }
}

//! Landmarks: a few nodes far apart whose exact travel times to and from every node bound any
//! travel time from below by the triangle inequality, d(v, t) ≥ d(l, t) − d(l, v) and
//! d(v, t) ≥ d(v, l) − d(t, l). On the benchmark grid three corners make the bound exact.

use super::TravelGraph;
use super::search::Search;
use crate::map::NodeId;

/// How many landmarks a graph gets (repeated on graphs with fewer nodes). Eight keep a node's
/// row of times in one 64-byte cache line, and a fixed count lets the bound run in vector
/// registers.
pub(super) const LANDMARKS: usize = 8;

/// One node's times, milliseconds: slots `0..LANDMARKS` from each landmark to the node, slots
/// `LANDMARKS..` from the node to each landmark.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(align(64))]
pub(super) struct Marks(pub [u32; 2 * LANDMARKS]);

impl Marks {
    /// A row that bounds nothing (every bound from it is 0).
    pub const NONE: Marks = Marks([0; 2 * LANDMARKS]);
}

/// Travel times to and from the landmarks. Empty (no bound: plain Dijkstra) when the graph is
/// not strongly connected.
#[derive(Debug, Default)]
pub(super) struct Landmarks {
    rows: Vec<Marks>,
}

impl Landmarks {
    /// Chooses landmarks by farthest point: the node farthest from node 0, then each time the
    /// node farthest from the landmarks so far (ties to the lowest node), and measures them.
    pub(super) fn choose(graph: &TravelGraph) -> Self {
        let n = graph.node_count();
        if n == 0 {
            return Landmarks::default();
        }
        let mut search = Search::new(n);
        let (mut from, mut to) = (vec![0u32; n], vec![0u32; n]);
        let mut nearest_mark = vec![u32::MAX; n];
        let mut rows = vec![Marks::NONE; n];
        search.tree(graph, 0, false, &mut from, None);
        let mut next = farthest(&from);
        for l in 0..LANDMARKS {
            search.tree(graph, next, false, &mut from, None);
            search.tree(graph, next, true, &mut to, None);
            if from.contains(&u32::MAX) || to.contains(&u32::MAX) {
                return Landmarks::default();
            }
            for (v, row) in rows.iter_mut().enumerate() {
                row.0[l] = from[v];
                row.0[LANDMARKS + l] = to[v];
                nearest_mark[v] = nearest_mark[v].min(from[v]);
            }
            next = farthest(&nearest_mark);
        }
        Landmarks { rows }
    }

    /// The row of `node`, for [`Landmarks::bound`] (bounds nothing without landmarks).
    pub(super) fn target(&self, node: NodeId) -> Marks {
        self.rows.get(node as usize).copied().unwrap_or(Marks::NONE)
    }

    /// A lower bound on the travel time from `node` to the target whose row is `target`, ms.
    pub(super) fn bound(&self, node: NodeId, target: &Marks) -> u32 {
        let Some(v) = self.rows.get(node as usize) else {
            return 0;
        };
        let mut bound = 0;
        for l in 0..LANDMARKS {
            bound = bound
                .max(target.0[l].saturating_sub(v.0[l]))
                .max(v.0[LANDMARKS + l].saturating_sub(target.0[LANDMARKS + l]));
        }
        bound
    }

    /// The slot of `node`'s row that gives its [`Landmarks::bound`] to the target `target`
    /// (the lowest such slot).
    pub(super) fn best_slot(&self, node: NodeId, target: &Marks) -> usize {
        let bound = self.bound(node, target);
        (0..2 * LANDMARKS)
            .find(|&slot| self.slot_bound(node, slot, target) == bound)
            .unwrap_or(0)
    }

    /// The bound from `node` to the target `target` by one slot (see [`Marks`]) alone: at most
    /// [`Landmarks::bound`], for a quick test before the whole one.
    pub(super) fn slot_bound(&self, node: NodeId, slot: usize, target: &Marks) -> u32 {
        let Some(v) = self.rows.get(node as usize) else {
            return 0;
        };
        if slot < LANDMARKS {
            target.0[slot].saturating_sub(v.0[slot])
        } else {
            v.0[slot].saturating_sub(target.0[slot])
        }
    }
}

/// The node with the largest value, the lowest such node on ties.
fn farthest(values: &[u32]) -> NodeId {
    let mut best = 0;
    for (v, &d) in values.iter().enumerate() {
        if d > values[best] {
            best = v;
        }
    }
    best as NodeId
}

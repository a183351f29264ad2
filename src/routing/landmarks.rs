//! Landmarks: a few nodes far apart whose exact travel times to and from every node bound any
//! travel time from below by the triangle inequality, d(v, t) ≥ d(l, t) − d(l, v) and
//! d(v, t) ≥ d(v, l) − d(t, l). On the benchmark grid three corners make the bound exact.

use super::TravelGraph;
use super::search::Search;
use crate::map::NodeId;

/// How many landmarks a graph gets (fewer if it has fewer nodes). Eight keep a node's row in
/// one 64-byte cache line.
const LANDMARKS: usize = 8;

/// Travel times to and from the landmarks, milliseconds. Empty (no bound: plain Dijkstra) when
/// the graph is not strongly connected.
#[derive(Debug, Default)]
pub(super) struct Landmarks {
    count: usize,
    /// Per node: the times from each landmark, then the times to each landmark.
    table: Vec<u32>,
}

impl Landmarks {
    /// Chooses landmarks by farthest point: the node farthest from node 0, then each time the
    /// node farthest from the landmarks so far (ties to the lowest node), and measures them.
    pub(super) fn choose(graph: &TravelGraph) -> Self {
        let n = graph.node_count();
        let count = LANDMARKS.min(n);
        if count == 0 {
            return Landmarks::default();
        }
        let mut search = Search::new(n);
        let (mut from, mut to) = (vec![0u32; n], vec![0u32; n]);
        let mut nearest_mark = vec![u32::MAX; n];
        let mut table = vec![0u32; n * 2 * count];
        search.tree(graph, 0, false, &mut from);
        let mut next = farthest(&from);
        for l in 0..count {
            search.tree(graph, next, false, &mut from);
            search.tree(graph, next, true, &mut to);
            if from.contains(&u32::MAX) || to.contains(&u32::MAX) {
                return Landmarks::default();
            }
            for v in 0..n {
                table[v * 2 * count + l] = from[v];
                table[v * 2 * count + count + l] = to[v];
                nearest_mark[v] = nearest_mark[v].min(from[v]);
            }
            next = farthest(&nearest_mark);
        }
        Landmarks { count, table }
    }

    /// Puts the landmark row of `target` in `out`, for [`Landmarks::bound`].
    pub(super) fn target(&self, target: NodeId, out: &mut Vec<u32>) {
        out.clear();
        out.extend_from_slice(self.row(target));
    }

    /// A lower bound on the travel time from `node` to the target whose row is `target`, ms.
    pub(super) fn bound(&self, node: NodeId, target: &[u32]) -> u32 {
        let (from_v, to_v) = self.row(node).split_at(self.count);
        let (from_t, to_t) = target.split_at(self.count);
        let mut bound = 0;
        for l in 0..self.count {
            bound = bound
                .max(from_t[l].saturating_sub(from_v[l]))
                .max(to_v[l].saturating_sub(to_t[l]));
        }
        bound
    }

    fn row(&self, node: NodeId) -> &[u32] {
        let i = node as usize * 2 * self.count;
        &self.table[i..i + 2 * self.count]
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

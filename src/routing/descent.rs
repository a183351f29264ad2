//! Landmark descent: a fastest way found without a search, where the landmark bound is exact.
//!
//! Let h(v) be the landmark lower bound on the time from v to `to` (h(to) = 0). From `from`,
//! keep taking an arc u → v with w(u, v) + h(v) = h(u), the first such arc in the node's arc
//! order. If this reaches `to`, the times telescope: the way takes exactly h(from), and h(from)
//! is a lower bound on every way, so this one is a fastest (its time equals Dijkstra's, bit for
//! bit). If no arc keeps the bound, the bound was not exact there and the descent fails; the
//! caller searches instead. Each step looks at the arcs of one node, with no queue. On the
//! benchmark grid the corner landmarks make the bound exact everywhere, so every descent
//! succeeds, and it takes the way a walk down an exact distance row takes (there, the arcs that
//! keep the bound are exactly those on a fastest way).

use super::TravelGraph;
use crate::map::NodeId;

/// Follows the exact bound from `from` to `to`, calling `visit(node, ms from start, metres from
/// start)` at each node, both ends included. Returns the time (ms) and length (m) of the way,
/// or `None` when the bound is not exact along it (then `visit` may have seen a part of it).
pub(super) fn descend(
    graph: &TravelGraph,
    from: NodeId,
    to: NodeId,
    mut visit: impl FnMut(NodeId, u32, f64),
) -> Option<(u32, f64)> {
    visit(from, 0, 0.0);
    if from == to {
        return Some((0, 0.0));
    }
    let marks = &graph.landmarks;
    let target = marks.target(to);
    let (mut node, mut ms, mut length_m) = (from, 0u32, 0.0);
    let mut left = marks.bound(from, &target);
    // The slot that bounds best at the start rules out most arcs by itself (it bounds from
    // below the whole bound, which is computed only for the arcs it lets through).
    let slot = marks.best_slot(from, &target);
    while node != to {
        if left == 0 {
            return None;
        }
        let keeps = |a: &super::graph::Arc, there: u32| {
            u64::from(a.travel_ms) + u64::from(there) == u64::from(left)
        };
        let (arc, there) = graph.out_arcs(node).iter().find_map(|a| {
            if u64::from(a.travel_ms) + u64::from(marks.slot_bound(a.other, slot, &target))
                > u64::from(left)
            {
                return None;
            }
            let there = marks.bound(a.other, &target);
            keeps(a, there).then_some((a, there))
        })?;
        ms += arc.travel_ms;
        length_m += arc.length_m;
        node = arc.other;
        left = there;
        visit(node, ms, length_m);
    }
    Some((ms, length_m))
}

/// Whether descents succeed on `graph`: on `pairs` pairs of nodes spread by a fixed sequence,
/// every one. Decides only which way a router answers first; answers are exact either way.
pub(super) fn exact_on(graph: &TravelGraph, pairs: u32) -> bool {
    let n = graph.node_count() as u64;
    if n < 2 {
        return false;
    }
    // A Weyl sequence over the nodes: deterministic, and spread over the whole map.
    let step = 0x9E37_79B9_7F4A_7C15u64;
    (0..u64::from(pairs)).all(|i| {
        let a = (i.wrapping_mul(step) >> 11) % n;
        let b = ((i + u64::from(pairs)).wrapping_mul(step) >> 11) % n;
        descend(graph, a as NodeId, b as NodeId, |_, _, _| {}).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};
    use crate::routing::search::Search;

    fn grid(n: u32) -> TravelGraph {
        TravelGraph::new(
            &grid_map(&GridSpec {
                n,
                posts_per_side: 1,
                spacing_m: 200.0,
                speed_kmh: 36.0,
            }),
            1.0,
        )
    }

    #[test]
    fn descents_on_the_grid_equal_dijkstra() {
        let n = 30;
        let graph = grid(n);
        assert!(
            graph.tight_bounds(),
            "the corner landmarks are exact on the grid"
        );
        let mut search = Search::new(graph.node_count());
        let mut tree = vec![0; graph.node_count()];
        for from in (0..n * n).step_by(37) {
            search.tree(&graph, from, false, &mut tree, None);
            for to in (0..n * n).step_by(11) {
                let mut nodes = 0;
                let (ms, m) = descend(&graph, from, to, |_, _, _| nodes += 1).expect("exact");
                assert_eq!(ms, tree[to as usize], "{from} -> {to}");
                assert_eq!(m, f64::from(ms) / 100.0, "200 m per 20 s");
                assert_eq!(nodes, ms / 20_000 + 1, "one node per street, both ends");
            }
        }
    }

    #[test]
    fn on_a_road_map_some_descents_fail_and_the_others_are_exact() {
        // The generated new area: roads of several classes and speeds, where landmark bounds
        // are exact for some trips only.
        let map = crate::map::new_area_map(&crate::map::NewAreaSpec::default());
        let graph = TravelGraph::new(&map, 1.2);
        assert!(!graph.tight_bounds());
        let nodes = graph.node_count() as u32;
        let mut search = Search::new(graph.node_count());
        let mut tree = vec![0; graph.node_count()];
        let (mut exact, mut failed) = (0, 0);
        for from in (0..nodes).step_by(23) {
            search.tree(&graph, from, false, &mut tree, None);
            for to in (0..nodes).step_by(7) {
                match descend(&graph, from, to, |_, _, _| {}) {
                    Some((ms, _)) => {
                        assert_eq!(ms, tree[to as usize], "{from} -> {to}");
                        exact += 1;
                    }
                    None => failed += 1,
                }
            }
        }
        assert!(exact > 0 && failed > 0, "{exact} exact, {failed} failed");
    }
}

//! Which exits make a ring: the nodes a crew must hold so that nothing leaves an area by road.
//! An exit is the first node outside the area on a road segment that leaves it; a crew holding
//! that node holds every segment into it.

use crate::map::{NodeId, RoadMap};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

/// The exits of the area `inside`: every node outside it that a segment from a node inside
/// reaches. Sorted by node id, no repeats. Clears and fills `out`.
pub fn exits_of(map: &RoadMap, inside: impl Fn(NodeId) -> bool, out: &mut Vec<NodeId>) {
    out.clear();
    for node in 0..map.node_count() as NodeId {
        if !inside(node) {
            continue;
        }
        for edge in map.graph.edges(NodeIndex::new(node as usize)) {
            let head = edge.target().index() as NodeId;
            if !inside(head) {
                out.push(head);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// The `reach` ring: the exits of the area a suspect can reach within `limit_s`, given its
/// time to every node (`suspect_s`, from the scene, infinite where it cannot go).
pub fn reach_exits(map: &RoadMap, suspect_s: &[f64], limit_s: f64, out: &mut Vec<NodeId>) {
    exits_of(map, |n| suspect_s[n as usize] <= limit_s, out);
}

/// The `zone` ring: the exits of zone `zone` (district or beat).
pub fn zone_exits(map: &RoadMap, zone: u32) -> Vec<NodeId> {
    let mut out = Vec::new();
    exits_of(map, |n| map.node(n).zone == zone, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};

    #[test]
    fn reach_ring_on_the_grid_is_the_next_diamond() {
        // Suspect at 20 s per street from (10, 10) on a 30 × 30 grid; 60 s reaches Manhattan
        // distance 3, so the exits are the 4 · 4 = 16 nodes at distance 4.
        let n = 30u32;
        let map = grid_map(&GridSpec {
            n,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let d = |a: u32| (a % n).abs_diff(10) + (a / n).abs_diff(10);
        let times: Vec<f64> = (0..n * n).map(|a| 20.0 * f64::from(d(a))).collect();
        let mut out = Vec::new();
        reach_exits(&map, &times, 60.0, &mut out);
        assert_eq!(out.len(), 16);
        assert!(out.iter().all(|&a| d(a) == 4));
    }
}

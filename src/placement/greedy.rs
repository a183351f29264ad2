//! The greedy farthest-point rule for p-centre: quick, within a factor 2 of the best largest
//! time, and the start from which the exact models of this module improve.

use crate::map::{NodeId, Post, PostKind, RoadMap};
use crate::routing::{Router, TravelGraph};
use std::sync::Arc;

/// Chooses `n` more post nodes so that the longest free-flow drive from the nearest post to
/// any node is small: the greedy farthest-point rule (each new post goes to the node that the
/// posts so far reach last; ties to the lowest node), which is within a factor 2 of the best
/// largest time when travel times are symmetric. Existing posts (`fixed`) count as placed; with
/// none, the first post goes to the node nearest the nodes' centroid. Returns the new nodes in
/// the order chosen; fewer than `n` when every node already has a post.
pub fn place_posts_p_centre(map: &RoadMap, fixed: &[NodeId], n: usize) -> Vec<NodeId> {
    let graph = Arc::new(TravelGraph::new(map, 1.0));
    farthest_points(map, graph, fixed, n, |_, _| {})
}

/// The farthest-point rule of [`place_posts_p_centre`] over `graph` (any speed factor), handing
/// each post's tree of travel times (milliseconds to every node, `u32::MAX` where unreachable)
/// to `tree` as it is grown: first the `fixed` posts', then each chosen node's.
pub fn farthest_points(
    map: &RoadMap,
    graph: Arc<TravelGraph>,
    fixed: &[NodeId],
    n: usize,
    mut tree: impl FnMut(NodeId, &[u32]),
) -> Vec<NodeId> {
    let mut router = Router::new(graph);
    let nodes = map.node_count();
    let mut reach_ms = vec![u32::MAX; nodes];
    let mut add = |router: &mut Router, post: NodeId, reach_ms: &mut Vec<u32>| {
        let from_post = router.ms_from(post);
        for (r, &t) in reach_ms.iter_mut().zip(from_post) {
            *r = (*r).min(t);
        }
        tree(post, from_post);
    };
    for &post in fixed {
        add(&mut router, post, &mut reach_ms);
    }
    let mut placed = Vec::with_capacity(n);
    while placed.len() < n {
        let next = if fixed.is_empty() && placed.is_empty() {
            let count = nodes.max(1) as f64;
            let (sx, sy) = map
                .graph
                .node_weights()
                .fold((0.0, 0.0), |(x, y), p| (x + p.x_m, y + p.y_m));
            match map.nearest_node(sx / count, sy / count) {
                Some(node) => node,
                None => break,
            }
        } else {
            // The node reached last, ties to the lowest id; none left when all have a post.
            match (0..nodes)
                .filter(|&i| reach_ms[i] > 0)
                .max_by(|&a, &b| reach_ms[a].cmp(&reach_ms[b]).then(b.cmp(&a)))
            {
                Some(node) => node as NodeId,
                None => break,
            }
        };
        add(&mut router, next, &mut reach_ms);
        placed.push(next);
    }
    placed
}

/// Adds `n` kiosks named `auto-1`, `auto-2`, ... at the nodes [`place_posts_p_centre`] chooses,
/// with the map's own posts fixed. Returns how many were added (fewer when every node has a
/// post).
pub fn add_p_centre_kiosks(map: &mut RoadMap, n: usize) -> usize {
    let fixed: Vec<NodeId> = map.posts.iter().map(|p| p.node).collect();
    let placed = place_posts_p_centre(map, &fixed, n);
    for (i, &node) in placed.iter().enumerate() {
        map.posts.push(Post {
            name: format!("auto-{}", i + 1),
            kind: PostKind::Kiosk,
            node,
        });
    }
    placed.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};

    fn grid(n: u32) -> RoadMap {
        grid_map(&GridSpec {
            n,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        })
    }

    /// The largest time from the nearest of `posts` to any node of a grid, by Manhattan distance
    /// (20 s a block).
    fn worst_s(n: u32, posts: &[NodeId]) -> u32 {
        (0..n * n)
            .map(|v| {
                posts
                    .iter()
                    .map(|&p| 20 * ((v % n).abs_diff(p % n) + (v / n).abs_diff(p / n)))
                    .min()
                    .unwrap()
            })
            .max()
            .unwrap()
    }

    #[test]
    fn one_post_goes_to_the_centre() {
        let placed = place_posts_p_centre(&grid(9), &[], 1);
        assert_eq!(placed, vec![4 * 9 + 4]);
        assert_eq!(worst_s(9, &placed), 20 * 8);
    }

    #[test]
    fn greedy_is_within_twice_the_best_and_improves_with_more_posts() {
        let n = 20;
        let map = grid(n);
        let mut last = u32::MAX;
        for k in [1, 2, 4, 8, 16] {
            let placed = place_posts_p_centre(&map, &[], k);
            assert_eq!(placed.len(), k);
            let worst = worst_s(n, &placed);
            assert!(worst <= last, "{k} posts: {worst} s > {last} s");
            last = worst;
        }
        // Four posts at the quadrant centres reach every node within 20 s × 10 blocks; the
        // greedy rule must be within twice that.
        assert!(worst_s(n, &place_posts_p_centre(&map, &[], 4)) <= 2 * 200);
    }

    #[test]
    fn fixed_posts_are_kept_and_a_full_map_stops_early() {
        let map = grid(3);
        let placed = place_posts_p_centre(&map, &[0], 20);
        assert_eq!(
            placed.len(),
            8,
            "every other node gets a post, then it stops"
        );
        assert!(!placed.contains(&0));
    }
}

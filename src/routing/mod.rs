//! Travel times over the road graph.
//!
//! The engine asks four questions, through the [`TravelTimes`] trait: how long from a node to a
//! node, which of a set of candidates reaches a target first, how long each of them takes, and
//! which way a unit drives. [`Router`] answers them over a compact copy of the graph whose arc
//! times are whole milliseconds: by a distance table on small road maps, by look-ups in the
//! trees of the units' posts ([`Anchors`]), by a landmark descent where the landmark bounds are
//! exact (the benchmark grid), else by A* search with landmark lower bounds; in reusable
//! buffers, so a query allocates nothing once the buffers have grown, and every way's times
//! equal plain Dijkstra's bit for bit.
//!
//! Architecture invariant: routing knows nothing of units, incidents or time of day; a candidate
//! is a key, a node and a lead time.

mod anchors;
mod descent;
mod graph;
mod landmarks;
mod search;

pub use anchors::Anchors;
pub use graph::{TravelGraph, arc_ms};
pub use search::Router;

use crate::map::NodeId;

/// Something that may be sent to a target: a unit, say, identified by `key`, that will be at
/// `node` after `lead_s` seconds (a unit half-way along a road reaches the road's end first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// The caller's identifier; ties in travel time go to the lowest key.
    pub key: u32,
    /// The node the candidate leaves from.
    pub node: NodeId,
    /// Time before the candidate is at `node`, seconds.
    pub lead_s: f64,
}

/// A candidate and its travel time to the target, lead time included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reached {
    pub key: u32,
    pub travel_s: f64,
    /// Length of the fastest way from the candidate's node to the target, metres.
    pub length_m: f64,
}

/// A shortest trip between two nodes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trip {
    pub travel_s: f64,
    pub length_m: f64,
}

impl Trip {
    /// No trip: the target cannot be reached.
    pub const UNREACHABLE: Trip = Trip {
        travel_s: f64::INFINITY,
        length_m: f64::INFINITY,
    };

    /// A trip of `ms` milliseconds over `length_m` metres; unreachable when `ms` is `u32::MAX`
    /// (what the trees hold there).
    fn of(ms: u32, length_m: f64) -> Trip {
        if ms == u32::MAX {
            Trip::UNREACHABLE
        } else {
            Trip {
                travel_s: graph::seconds(ms),
                length_m,
            }
        }
    }
}

/// A node on a route, with the time and the distance from the route's start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waypoint {
    pub node: NodeId,
    pub at_s: f64,
    pub from_start_m: f64,
}

/// The travel-time questions the engine asks.
pub trait TravelTimes: Send + Sync {
    /// The fastest trip from `from` to `to`; infinite time when `to` cannot be reached.
    fn trip(&mut self, from: NodeId, to: NodeId) -> Trip;

    /// The `k` candidates that reach `target` first, fastest first, ties to the lowest key.
    /// Clears `out` and fills it with at most `k` entries.
    fn nearest(
        &mut self,
        target: NodeId,
        candidates: &[Candidate],
        k: usize,
        out: &mut Vec<Reached>,
    );

    /// Every candidate's travel time to `target` (lead time included; infinite where it cannot
    /// get there), in the candidates' order, into `out` (cleared first): what [`nearest`] finds
    /// for all of them, without their lengths.
    ///
    /// [`nearest`]: TravelTimes::nearest
    fn times_to(&mut self, target: NodeId, candidates: &[Candidate], out: &mut Vec<f64>);

    /// Every node one of `sources` reaches within `within_s` (lead times included), each once,
    /// in no particular order, into `out` (cleared first): the area they cover.
    fn reach_within(&mut self, sources: &[Candidate], within_s: f64, out: &mut Vec<NodeId>);

    /// The fastest route from `from` to `to`, both ends included. Clears and fills `out`.
    fn route(&mut self, from: NodeId, to: NodeId, out: &mut Vec<Waypoint>);
}

#[cfg(test)]
mod tests {
    use super::search::Way;
    use super::*;
    use crate::map::{GridSpec, grid_map};
    use rand::{RngExt, SeedableRng};
    use std::sync::Arc;

    /// Routers on an n × n grid: by descent, with a distance table, and by A* alone.
    fn grid_routers(n: u32) -> [Router; 3] {
        let map = grid_map(&GridSpec {
            n,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let graph = Arc::new(TravelGraph::new(&map, 1.0));
        [Way::Descent, Way::Table, Way::Search]
            .map(|way| Router::new(Arc::clone(&graph)).answering_by(way))
    }

    /// `count` candidates keyed 0, 1, … at random nodes of the n × n grid, with leads of 0 to 4
    /// times `lead_step_s`.
    fn random_candidates(
        rng: &mut rand_pcg::Pcg64Mcg,
        n: u32,
        count: u32,
        lead_step_s: f64,
    ) -> Vec<Candidate> {
        (0..count)
            .map(|key| Candidate {
                key,
                node: rng.random_range(0..n * n),
                lead_s: f64::from(rng.random_range(0..5u32)) * lead_step_s,
            })
            .collect()
    }

    fn manhattan_s(n: u32, a: NodeId, b: NodeId) -> f64 {
        let (ax, ay) = (a % n, a / n);
        let (bx, by) = (b % n, b / n);
        20.0 * f64::from(ax.abs_diff(bx) + ay.abs_diff(by))
    }

    #[test]
    fn grid_travel_equals_closed_form_on_random_pairs() {
        let n = 40;
        for mut router in grid_routers(n) {
            let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
            for _ in 0..500 {
                let a = rng.random_range(0..n * n);
                let b = rng.random_range(0..n * n);
                let trip = router.trip(a, b);
                assert_eq!(trip.travel_s, manhattan_s(n, a, b), "{a} -> {b}");
                assert_eq!(trip.length_m, 10.0 * trip.travel_s);
            }
        }
    }

    #[test]
    fn route_times_and_lengths_add_up() {
        let n = 20;
        for mut router in grid_routers(n) {
            let mut route = Vec::new();
            router.route(3, 17 * n + 11, &mut route);
            assert_eq!(route.first().unwrap().node, 3);
            assert_eq!(route.last().unwrap().node, 17 * n + 11);
            assert_eq!(route.len(), 8 + 17 + 1);
            for (i, w) in route.iter().enumerate() {
                assert_eq!(w.at_s, 20.0 * i as f64);
                assert_eq!(w.from_start_m, 200.0 * i as f64);
            }
        }
    }

    #[test]
    fn nearest_ranks_by_time_then_key() {
        let n = 30;
        for mut router in grid_routers(n) {
            let target = 15 * n + 15;
            let candidates = [
                Candidate {
                    key: 4,
                    node: 15 * n + 20,
                    lead_s: 0.0,
                }, // 100 s
                Candidate {
                    key: 2,
                    node: 20 * n + 15,
                    lead_s: 0.0,
                }, // 100 s, lower key
                Candidate {
                    key: 9,
                    node: 15 * n + 16,
                    lead_s: 90.0,
                }, // 20 s + 90 s lead
                Candidate {
                    key: 1,
                    node: 0,
                    lead_s: 0.0,
                }, // 600 s
                Candidate {
                    key: 7,
                    node: 15 * n + 17,
                    lead_s: 0.0,
                }, // 40 s
            ];
            let mut out = Vec::new();
            router.nearest(target, &candidates, 3, &mut out);
            assert_eq!(
                out,
                vec![
                    Reached {
                        key: 7,
                        travel_s: 40.0,
                        length_m: 400.0
                    },
                    Reached {
                        key: 2,
                        travel_s: 100.0,
                        length_m: 1000.0
                    },
                    Reached {
                        key: 4,
                        travel_s: 100.0,
                        length_m: 1000.0
                    },
                ]
            );
            router.nearest(target, &candidates, 10, &mut out);
            assert_eq!(out.len(), 5);
            assert_eq!(out[3].key, 9);
            assert_eq!(out[3].travel_s, 110.0);
            assert_eq!(out[4].key, 1);
            assert_eq!(out[4].travel_s, 600.0);
        }
    }

    #[test]
    fn random_nearest_agrees_with_pairwise_travel() {
        let n = 25;
        for mut router in grid_routers(n) {
            let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(11);
            let mut out = Vec::new();
            for _ in 0..100 {
                let target = rng.random_range(0..n * n);
                let candidates = random_candidates(&mut rng, n, 12, 20.0);
                let mut expected: Vec<Reached> = candidates
                    .iter()
                    .map(|c| {
                        let drive_s = manhattan_s(n, c.node, target);
                        Reached {
                            key: c.key,
                            travel_s: c.lead_s + drive_s,
                            length_m: 10.0 * drive_s,
                        }
                    })
                    .collect();
                expected.sort_by(|a, b| a.travel_s.total_cmp(&b.travel_s).then(a.key.cmp(&b.key)));
                expected.truncate(4);
                router.nearest(target, &candidates, 4, &mut out);
                assert_eq!(out, expected);
            }
        }
    }

    #[test]
    fn times_to_gives_every_candidates_time_in_order() {
        let n = 25;
        for mut router in grid_routers(n) {
            let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(17);
            let mut out = Vec::new();
            for _ in 0..50 {
                let target = rng.random_range(0..n * n);
                let mut candidates = random_candidates(&mut rng, n, 9, 7.0);
                // Keys falling as the order rises: the answer follows the order, not the keys.
                candidates.iter_mut().for_each(|c| c.key = 100 - c.key);
                router.times_to(target, &candidates, &mut out);
                let expected: Vec<f64> = candidates
                    .iter()
                    .map(|c| c.lead_s + manhattan_s(n, c.node, target))
                    .collect();
                assert_eq!(out, expected);
            }
        }
    }

    #[test]
    fn reach_within_gives_each_node_within_the_limit_of_some_candidate_once() {
        let n = 25;
        let [mut router, ..] = grid_routers(n);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(23);
        let mut out = Vec::new();
        for within_s in [0.0, 35.0, 140.0, 300.0] {
            let candidates = random_candidates(&mut rng, n, 6, 7.0);
            router.reach_within(&candidates, within_s, &mut out);
            out.sort_unstable();
            let expected: Vec<NodeId> = (0..n * n)
                .filter(|&v| {
                    candidates
                        .iter()
                        .any(|c| c.lead_s + manhattan_s(n, c.node, v) <= within_s)
                })
                .collect();
            assert_eq!(out, expected, "within {within_s} s");
        }
    }

    #[test]
    fn anchors_give_the_same_answers_as_searching() {
        // 70 × 70 nodes: over the table limit, so anchors are built and A* does the rest.
        let n = 70;
        let map = grid_map(&GridSpec {
            n,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let graph = Arc::new(TravelGraph::new(&map, 1.0));
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(13);
        let posts: Vec<NodeId> = (0..9).map(|_| rng.random_range(0..n * n)).collect();
        let mut anchored =
            Router::with_anchors(Arc::clone(&graph), Arc::new(Anchors::build(&graph, &posts)))
                .answering_by(Way::Search);
        let mut plain = Router::new(graph).answering_by(Way::Search);
        let (mut a_out, mut p_out) = (Vec::new(), Vec::new());
        for _ in 0..200 {
            let post = posts[rng.random_range(0..posts.len())];
            let other = rng.random_range(0..n * n);
            for (from, to) in [(post, other), (other, post)] {
                let trip = anchored.trip(from, to);
                assert_eq!(trip.travel_s, manhattan_s(n, from, to));
                assert_eq!(trip, plain.trip(from, to));
                anchored.route(from, to, &mut a_out);
                plain.route(from, to, &mut p_out);
                assert_eq!(a_out.last(), p_out.last());
                assert_eq!(a_out.len(), p_out.len());
            }
            let candidates: Vec<Candidate> = (0..12)
                .map(|key| Candidate {
                    key,
                    node: if key % 2 == 0 {
                        posts[rng.random_range(0..posts.len())]
                    } else {
                        rng.random_range(0..n * n)
                    },
                    lead_s: f64::from(rng.random_range(0..4u32)) * 20.0,
                })
                .collect();
            let mut anchored_best = Vec::new();
            let mut plain_best = Vec::new();
            anchored.nearest(other, &candidates, 3, &mut anchored_best);
            plain.nearest(other, &candidates, 3, &mut plain_best);
            assert_eq!(anchored_best, plain_best);
        }
    }

    #[test]
    fn anchor_lookups_on_a_road_map_give_the_searched_times_and_lengths() {
        // The generated new area, with roads of mixed speeds: times must be equal, and as its
        // fastest ways are unique, lengths too (but for the order of summing: trees sum from
        // the anchor, the search from the trip's start).
        let map = crate::map::new_area_map(&crate::map::NewAreaSpec::default());
        let graph = Arc::new(TravelGraph::new(&map, 1.2));
        let posts: Vec<NodeId> = map.posts.iter().map(|p| p.node).collect();
        let anchors = Anchors::build(&graph, &posts);
        let mut plain = Router::new(Arc::clone(&graph)).answering_by(Way::Search);
        let n = graph.node_count() as NodeId;
        for &post in &posts {
            for other in (0..n).step_by(17) {
                for (from, to) in [(post, other), (other, post)] {
                    let looked_up = anchors.trip(from, to).expect("an anchor end");
                    let searched = plain.trip(from, to);
                    assert_eq!(looked_up.travel_s, searched.travel_s, "{from} -> {to}");
                    let off_m = (looked_up.length_m - searched.length_m).abs();
                    assert!(
                        off_m <= 1e-9 * searched.length_m,
                        "{from} -> {to}: {off_m} m"
                    );
                }
            }
        }
    }
}

//! Cordons on the SPEC grid, where a street takes exactly 20 s at speed factor 1: the `reach`
//! ring against its closed form, containment in clear-cut cases, and the cost of a cordon to
//! other calls in the simulation.

use patrolsim::cordon::{CordonPlanner, CordonRule, RingRule, reach_exits};
use patrolsim::map::{GridSpec, NodeId, grid_map};
use patrolsim::results::{CordonState, Summary};
use patrolsim::routing::{Candidate, Router, TravelGraph};
use patrolsim::scenario::Scenario;
use patrolsim::sim::{Model, NewCall};
use rand::{RngExt, SeedableRng};
use std::path::Path;
use std::sync::Arc;

fn grid(n: u32, s: u32) -> (patrolsim::map::RoadMap, Arc<TravelGraph>) {
    let map = grid_map(&GridSpec {
        n,
        posts_per_side: s,
        spacing_m: 200.0,
        speed_kmh: 36.0,
    });
    let graph = Arc::new(TravelGraph::new(&map, 1.0));
    (map, graph)
}

fn manhattan(n: u32, a: NodeId, b: NodeId) -> u32 {
    (a % n).abs_diff(b % n) + (a / n).abs_diff(b / n)
}

/// One crew at every post, ready at once.
fn crews_at_posts(map: &patrolsim::map::RoadMap) -> Vec<Candidate> {
    map.posts
        .iter()
        .enumerate()
        .map(|(i, p)| Candidate {
            key: i as u32,
            node: p.node,
            lead_s: 0.0,
        })
        .collect()
}

fn rule(ring: RingRule, suspect_speed_factor: f64, head_start_s: f64) -> CordonRule {
    CordonRule {
        ring,
        suspect_speed_factor,
        head_start_s,
        holding_s: 1800.0,
    }
}

#[test]
fn reach_ring_exits_match_the_closed_form() {
    // Within R minutes at 20 s a street the suspect reaches Manhattan distance k = floor(3R);
    // the exits are the nodes at distance k + 1 that lie on the grid.
    let n = 40;
    let (map, graph) = grid(n, 4);
    let mut router = Router::new(Arc::clone(&graph));
    let mut times = Vec::new();
    let mut exits = Vec::new();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
    for _ in 0..40 {
        let scene = rng.random_range(0..n * n);
        let minutes = f64::from(rng.random_range(1..16u32)) / 2.0;
        router.times_from(scene, &mut times);
        reach_exits(&map, &times, minutes * 60.0, &mut exits);
        let k = (3.0 * minutes).floor() as u32;
        let expected: Vec<NodeId> = (0..n * n)
            .filter(|&a| manhattan(n, scene, a) == k + 1)
            .collect();
        assert_eq!(exits, expected, "scene {scene}, R = {minutes} min");
    }
    // An interior scene: 4 (k + 1) exits. The planner uses the same ring.
    let scene = 20 * n + 20;
    let mut planner = CordonPlanner::new(Arc::clone(&graph));
    let plan = planner.plan(
        &mut Router::new(Arc::clone(&graph)),
        &map,
        &rule(
            RingRule::Reach {
                minutes: Some(2.5),
                search_max_min: 1,
            },
            1.0,
            0.0,
        ),
        &[],
        scene,
        0,
        60.0,
        1.0,
        &crews_at_posts(&map),
    );
    assert_eq!(plan.ring.len(), 4 * (7 + 1));
    // 32 exits, 16 crews: the ring cannot be closed. The crews hold 16 exits, the first 16
    // in the ring's order (the suspect reaches all at once here, so by node), one each.
    assert_eq!(plan.closed_after_s(), None);
    assert!(!plan.contained(60.0));
    assert_eq!(plan.posts.len(), 16);
    let mut held: Vec<u32> = plan.posts.iter().map(|p| p.exit).collect();
    held.sort_unstable();
    assert_eq!(held, (0..16).collect::<Vec<u32>>());
    assert!(plan.ring.windows(2).all(|w| w[0].node < w[1].node));
}

#[test]
fn a_suspect_faster_than_every_crew_is_never_contained() {
    // SPEC grid-small: 16 crews at their home nodes, a 60 s dispatch delay, the suspect at
    // twice the crews' speed with no head start, the radius searched from 1 to 5 minutes (up
    // to 30 streets: wider rings on this bounded grid shrink to a few dead-end corners, which
    // a crew can hold while the suspect crosses the whole map).
    let n = 50;
    let (map, graph) = grid(n, 4);
    let crews = crews_at_posts(&map);
    let mut planner = CordonPlanner::new(Arc::clone(&graph));
    let mut router = Router::new(Arc::clone(&graph));
    let searched = rule(
        RingRule::Reach {
            minutes: None,
            search_max_min: 5,
        },
        2.0,
        0.0,
    );
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(9);
    let mut closed = 0;
    for _ in 0..200 {
        let scene = rng.random_range(0..n * n);
        let plan = planner.plan(
            &mut router,
            &map,
            &searched,
            &[],
            scene,
            0,
            60.0,
            1.0,
            &crews,
        );
        assert!(!plan.contained(60.0), "scene {scene}: {plan:?}");
        assert_eq!(plan.ring_min, None);
        closed += usize::from(plan.closed_after_s().is_some());
    }
    // Rings are closed (too late), so the search really tried assignments.
    assert!(closed > 0);
}

#[test]
fn a_suspect_with_no_head_start_next_to_a_post_is_contained() {
    // A 20 × 20 grid with 10 × 10 posts: a crew on every node (odd, odd). The scene (10, 9) is
    // next to the post (9, 9); no dispatch delay, no head start, suspect as fast as the crews.
    // The 1-minute ring is the 16 nodes at distance 4 (the suspect gets there after 80 s);
    // x + y stays odd on it, so each exit is a street away from two posts: held after 20 s.
    let n = 20;
    let (map, graph) = grid(n, 10);
    let scene = 9 * n + 10;
    assert!(map.posts.iter().any(|p| p.node == 9 * n + 9));
    let mut planner = CordonPlanner::new(Arc::clone(&graph));
    let plan = planner.plan(
        &mut Router::new(Arc::clone(&graph)),
        &map,
        &rule(
            RingRule::Reach {
                minutes: None,
                search_max_min: 5,
            },
            1.0,
            0.0,
        ),
        &[],
        scene,
        0,
        0.0,
        1.0,
        &crews_at_posts(&map),
    );
    assert!(plan.contained(0.0));
    assert_eq!(plan.ring_min, Some(1.0));
    assert_eq!(plan.ring.len(), 16);
    assert_eq!(plan.closed_after_s(), Some(20.0));
    let mut crews: Vec<u32> = plan.posts.iter().map(|p| p.crew).collect();
    crews.sort_unstable();
    crews.dedup();
    assert_eq!(crews.len(), 16, "one crew per exit");
    for p in &plan.posts {
        let exit = plan.ring[p.exit as usize].node;
        assert_eq!(manhattan(n, scene, exit), 4);
        assert_eq!(manhattan(n, map.posts[p.crew as usize].node, exit), 1);
    }
    // With a 3-minute head start the suspect is past the 1-minute ring before the call, and
    // every ring it has not yet left needs more crews than there are near it.
    let late = planner.plan(
        &mut Router::new(Arc::clone(&graph)),
        &map,
        &rule(
            RingRule::Reach {
                minutes: Some(1.0),
                search_max_min: 1,
            },
            1.0,
            180.0,
        ),
        &[],
        scene,
        0,
        0.0,
        1.0,
        &crews_at_posts(&map),
    );
    assert_eq!(late.ring.len(), 16);
    assert!(!late.contained(0.0));
}

/// A 9 × 9 grid with 3 × 3 posts (nodes (1|4|7, 1|4|7)), one crew each; a 60 s dispatch delay.
/// Type 0 "robbery" (every one with a fleeing suspect) needs a cordon on the listed exit (4, 4)
/// (post P4), standing for 30 minutes; type 1 "theft" is plain.
fn cordon_text(extra: &str) -> String {
    format!(
        r#"
name = "cordon"
seed = 1
days = 1
warmup_hours = 0
[map.grid]
n = 9
posts_per_side = 3
[dispatch]
delay_s = 60
returning_position = "on_route"
[demand]
calls_per_hour = 1
placement = "uniform"
[[incident_types]]
name = "robbery"
priority = 1
share = 0.5
on_scene = {{ distribution = "fixed", mean_min = 10 }}
[incident_types.cordon]
{extra}
share = 1
holding_min = 30
[[incident_types]]
name = "theft"
priority = 2
share = 0.5
on_scene = {{ distribution = "fixed", mean_min = 10 }}
[units_per_post]
per_post = 1
"#
    )
}

fn cordon_grid(extra: &str) -> Model {
    Model::new(Scenario::from_toml(&cordon_text(extra), "cordon.toml", Path::new(".")).unwrap())
}

#[test]
fn cordon_crews_are_unavailable_for_other_calls_while_holding() {
    let model = cordon_grid("ring = \"listed\"\nexits = [40]");
    let node = |x: u32, y: u32| y * 9 + x;
    let p4 = model
        .scenario
        .units
        .iter()
        .position(|u| u.home == node(4, 4))
        .unwrap() as u32;
    let call = |call_s: f64, at: NodeId, incident_type: u16| NewCall {
        call_s,
        node: at,
        incident_type,
        on_scene_s: 600.0,
    };
    let out = model.replay(
        0,
        &[
            // A robbery at post P0 (1, 1): P0 goes to the scene, P4 holds (4, 4) at once.
            call(1000.0, node(1, 1), 0),
            // A theft at (4, 4) a minute later: P4 is on the cordon, a neighbour comes 3
            // streets (60 s) away.
            call(1060.0, node(4, 4), 1),
            // Another after the holding time (ordered at 1060 s, over at 2860 s): P4 again.
            call(2900.0, node(4, 4), 1),
        ],
    );
    let robbery = &out.calls[0];
    let cordon = robbery.cordon.expect("robbery has a cordon");
    assert_eq!((cordon.exits, cordon.crews), (1, 1));
    assert_eq!(cordon.closed_s, Some(1060.0));
    assert_eq!(robbery.cordon_closure_s(), Some(60.0));
    // The suspect needs 6 streets (120 s) from (1, 1) to (4, 4).
    assert!(cordon.contained);
    assert_ne!(robbery.first_unit, Some(p4));
    let during = &out.calls[1];
    assert!(during.cordon.is_none());
    assert_ne!(during.first_unit, Some(p4));
    assert_eq!(during.response_s(), Some(60.0 + 60.0));
    let after = &out.calls[2];
    assert_eq!(after.first_unit, Some(p4));
    assert_eq!(after.response_s(), Some(60.0));
    // The cordon shows in P4's time: 30 minutes holding (no drive), then the second theft.
    let ledger = &out.units[p4 as usize];
    assert_eq!(ledger.cordon_s, 1800.0);
    assert_eq!(ledger.cordons, 1);
    assert_eq!(ledger.busy_s(), 1800.0 + 600.0);
}

#[test]
fn a_ring_without_exits_is_no_ring_and_one_with_too_many_is_held_in_part() {
    let robbery_at_p4 = [NewCall {
        call_s: 500.0,
        node: 40,
        incident_type: 0,
        on_scene_s: 600.0,
    }];
    // The grid is one zone: no road leaves it, so there is no ring: nobody is sent, and the
    // call is counted apart, not as a cordon held.
    let model = cordon_grid("ring = \"zone\"");
    let out = model.replay(0, &robbery_at_p4);
    let c = out.calls[0].cordon.unwrap();
    assert_eq!((c.exits, c.crews, c.state()), (0, 0, CordonState::NoRing));
    assert_eq!(out.calls[0].cordon_closure_s(), None);
    let summary = Summary::of(None, &out.calls, &out.units);
    assert_eq!(summary.all.cordon_calls, 0);
    assert_eq!(summary.all.cordon_no_ring_calls, 1);
    assert_eq!(summary.all.cordon_30min_share, None);
    // A 1-minute reach ring (k = 3) from the centre (4, 4) has the 16 nodes at distance 4 as
    // exits, all reached by the suspect at 80 s, so taken in node order: (4, 0), (3, 1), (5, 1),
    // (2, 2), (6, 2), (1, 3), (7, 3), (0, 4) first. 8 crews are free (P4 is at the scene); they
    // hold those 8. P4 clears at 560 + 600 = 1160 s and takes the next open exit, (8, 4), 4
    // streets away: held at 1240 s, before the lift at 560 + 1800 s. Never closed: held in
    // part, and visible as such.
    let model = cordon_grid("ring = \"reach\"\nreach_min = 1");
    let out = model.replay(0, &robbery_at_p4);
    let c = out.calls[0].cordon.unwrap();
    assert_eq!((c.exits, c.crews, c.closed_s), (16, 9, None));
    assert_eq!(
        (c.held, c.held_30min, c.state()),
        (9, 9, CordonState::Partial)
    );
    assert!(!c.contained);
    assert_eq!(out.units.iter().map(|u| u.cordons).sum::<u32>(), 9);
    let p4 = out.cordon_crews.last().unwrap();
    assert_eq!((p4.ordered_s, p4.held_s), (1160.0, Some(1240.0)));
    assert_eq!(p4.released_s, 560.0 + 1800.0);
}

#[test]
fn bad_cordon_values_name_file_key_and_value() {
    let cases = [
        (
            "ring = \"circle\"",
            "cordon.toml: incident_types[0].cordon.ring = \"circle\": must be \"reach\", \"zone\" or \"listed\"",
        ),
        (
            "ring = \"listed\"\nexits = [81]",
            "cordon.toml: incident_types[0].cordon.exits[0] = 81: no node of map `grid-9x9` has that id",
        ),
        (
            "ring = \"listed\"",
            "cordon.toml: incident_types[0].cordon.exits = []: ring = \"listed\" needs at least one exit node",
        ),
        (
            "ring = \"zone\"\nreach_min = 5.0",
            "cordon.toml: incident_types[0].cordon.reach_min = 5: only a ring = \"reach\" has a radius",
        ),
        (
            "ring = \"reach\"\nsuspect_speed_factor = 0",
            "cordon.toml: incident_types[0].cordon.suspect_speed_factor = 0.0: must be > 0",
        ),
        (
            "ring = \"reach\"\nhead_start_min = -1",
            "cordon.toml: incident_types[0].cordon.head_start_min = -1.0: must be >= 0",
        ),
    ];
    for (extra, message) in cases {
        let e =
            Scenario::from_toml(&cordon_text(extra), "cordon.toml", Path::new(".")).unwrap_err();
        assert_eq!(e.to_string(), message);
    }
}

#[test]
fn sealing_ring_is_measured_with_the_crews_free_at_that_moment() {
    // Exits at the corners (0, 0) and (8, 0); measured every hour from time 0 and at each
    // priority-1 (robbery) dispatch.
    let text = cordon_text("ring = \"listed\"\nexits = [40]")
        + "[sealing]\nring = \"listed\"\nexits = [0, 8]\nsample_every_min = 60\n";
    let model = Model::new(Scenario::from_toml(&text, "seal.toml", Path::new(".")).unwrap());
    let out = model.replay(
        0,
        &[NewCall {
            call_s: 1000.0,
            node: 10, // (1, 1), post P0
            incident_type: 0,
            on_scene_s: 600.0,
        }],
    );
    // One sample per hour of the day, and one at the robbery's dispatch.
    assert_eq!(out.sealings.len(), 24 + 1);
    let at_call = out.sealings.iter().find(|r| r.call_id.is_some()).unwrap();
    let sample = &out.sealings[0];
    // At time 0 every crew is at its post: (1, 1) → (0, 0) and (7, 1) → (8, 0), 2 streets.
    assert_eq!((sample.time_s, sample.free_crews), (0.0, 9));
    assert_eq!(sample.sealed_after_s, Some(40.0));
    // At 1060 s P0 is at the robbery and P4 on the cordon: (0, 0) needs P1 (4, 1) or P3
    // (1, 4), 5 streets away.
    assert_eq!((at_call.time_s, at_call.free_crews), (1060.0, 7));
    assert_eq!(at_call.sealed_after_s, Some(100.0));
    let summary = patrolsim::results::SealingFigures::of(&out.sealings);
    assert_eq!((summary.at_calls, summary.at_samples), (1, 24));
    assert_eq!(summary.at_calls_10min_share, Some(1.0));
}

#[test]
fn bad_sealing_values_name_file_key_and_value() {
    let cases = [
        (
            "[sealing]\n",
            "seal.toml: sealing.ring = \"checkpoints\": the map has no checkpoints: use ring = \"zones\" or \"listed\"",
        ),
        (
            "[sealing]\nring = \"zones\"\nzones = [\"downtown\"]\n",
            "seal.toml: sealing.zones[0] = \"downtown\": no such zone in the map",
        ),
        (
            "[sealing]\nring = \"zones\"\nzones = [\"grid\"]\n",
            "seal.toml: sealing.zones = [\"grid\"]: no road leaves these zones",
        ),
        (
            "[sealing]\nring = \"listed\"\nexits = [3, 3]\n",
            "seal.toml: sealing.exits[1] = 3: exit listed twice",
        ),
        (
            "[sealing]\nring = \"listed\"\nexits = [3]\nsample_every_min = 0\n",
            "seal.toml: sealing.sample_every_min = 0.0: must be >= 1 (a minute)",
        ),
        (
            "[sealing]\nring = \"listed\"\nexits = [3]\nsample_every_min = 1e-300\n",
            "seal.toml: sealing.sample_every_min = 1e-300: must be >= 1 (a minute)",
        ),
    ];
    for (extra, message) in cases {
        let text = cordon_text("ring = \"zone\"") + extra;
        let e = Scenario::from_toml(&text, "seal.toml", Path::new(".")).unwrap_err();
        assert_eq!(e.to_string(), message);
    }
}

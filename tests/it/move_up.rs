//! Move-up (`[dispatch.move_up]`) on a case worked out by hand on the SPEC grid, where the
//! travel time between (x1, y1) and (x2, y2) is exactly 20 s × (|x1 − x2| + |y1 − y2|), and
//! switched off on the same case.

use patrolsim::results::{ReplicationOutput, units_table};
use patrolsim::scenario::Scenario;
use patrolsim::sim::{Model, NewCall};
use std::path::Path;

/// A 10 × 10 grid with posts P0 at (2, 2) and P1 at (7, 2) (and P2, P3 further south), crew
/// `a` waiting at P0 and `b` at P1, a 180 s dispatch delay (so a free crew covers the nodes
/// within 120 s, 6 blocks), and `move_up` appended to `[dispatch]`.
fn two_posts(move_up: &str) -> Model {
    let text = format!(
        r#"
name = "move-up"
days = 0.1
warmup_hours = 0
[map.grid]
n = 10
posts_per_side = 2
[dispatch]
delay_s = 180
{move_up}
[demand]
calls_per_hour = 1
placement = "uniform"
[[incident_types]]
name = "call"
priority = 1
share = 1.0
on_scene = {{ distribution = "fixed", mean_min = 10 }}
[[units]]
name = "a"
post = "P0"
[[units]]
name = "b"
post = "P1"
"#
    );
    Model::new(Scenario::from_toml(&text, "move-up.toml", Path::new(".")).unwrap())
}

/// Node (x, y) of the 10 × 10 grid.
fn at(x: u32, y: u32) -> u32 {
    y * 10 + x
}

/// One free crew stands at P0; two at P0 and P1 (node 27, given by its id).
const TABLE: &str = r#"[dispatch.move_up]
threshold = 0.9
table = [["P0"], ["P0", 27]]"#;

/// Call 1 at P0 at t = 0 (an hour on scene), call 2 at (0, 0) at t = 600 s (10 minutes).
fn calls() -> [NewCall; 2] {
    [
        NewCall {
            call_s: 0.0,
            node: at(2, 2),
            incident_type: 0,
            on_scene_s: 3600.0,
        },
        NewCall {
            call_s: 600.0,
            node: at(0, 0),
            incident_type: 0,
            on_scene_s: 600.0,
        },
    ]
}

fn responses(out: &ReplicationOutput) -> Vec<Option<f64>> {
    out.calls.iter().map(|c| c.response_s()).collect()
}

#[test]
fn moving_the_idle_crew_to_the_empty_post_shortens_the_next_response() {
    let model = two_posts(TABLE);
    assert_eq!(model.compliance_table().unwrap(), [vec![22], vec![22, 27]]);
    let out = model.replay(0, &calls());
    // t = 0: both crews free cover all but the far corners within 6 blocks (below 90 %), but
    // they stand at row 2's places already: nobody moves.
    // t = 180: `a` is sent to call 1 (0 blocks; response 180 s). `b` alone covers less than
    // 90 %: row 1 puts it at P0, 5 blocks away (100 s, 1000 m); it stands there from 280 s.
    // t = 780: call 2's dispatch finds `b` at P0, 4 blocks from (0, 0): 180 + 80 = 260 s.
    assert_eq!(responses(&out), [Some(180.0), Some(260.0)]);
    // t = 1460: `b` clears (0, 0); alone free, it goes back to P0 as a move (4 blocks, 80 s).
    // t = 3780: `a` clears at P0; with two free, `a` keeps P0 and `b` goes to P1 (5 blocks).
    let (a, b) = (&out.units[0], &out.units[1]);
    assert_eq!((a.moves, a.move_up_s, a.move_up_m), (0, 0.0, 0.0));
    assert_eq!((b.moves, b.move_up_s, b.move_up_m), (3, 280.0, 2800.0));
    // Its distance: the three moves and the 800 m to call 2.
    assert_eq!(b.distance_m, 2800.0 + 800.0);
    // The move time is part of its time on duty, which still adds up.
    let counted_s = model.scenario.counted_s();
    assert!((b.total_s() - counted_s).abs() < 1e-6);
    assert_eq!(b.en_route_s, 80.0);
    assert_eq!(b.on_scene_s, 600.0);
    assert_eq!(b.idle_s, counted_s - 280.0 - 80.0 - 600.0);
}

#[test]
fn switched_off_nothing_moves_and_the_far_crew_answers() {
    let model = two_posts("");
    assert!(model.compliance_table().is_none());
    let out = model.replay(0, &calls());
    // Call 2 gets `b` from P1, 9 blocks from (0, 0): 180 + 180 = 360 s, past the promise.
    assert_eq!(responses(&out), [Some(180.0), Some(360.0)]);
    for u in &out.units {
        assert_eq!((u.moves, u.move_up_s, u.move_up_m), (0, 0.0, 0.0));
    }
    // No move columns in the units table when move-up is off; with it, there are.
    let columns = |model: &Model, out: &ReplicationOutput| -> Vec<String> {
        units_table(&model.scenario, &out.units)
            .unwrap()
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    assert!(!columns(&model, &out).contains(&"moves".to_string()));
    let on = two_posts(TABLE);
    let on_out = on.replay(0, &calls());
    let with = columns(&on, &on_out);
    for c in ["moves", "move_up_s", "move_up_km"] {
        assert!(with.contains(&c.to_string()), "{c} missing from {with:?}");
    }
}

#[test]
fn a_threshold_coverage_always_meets_changes_nothing() {
    // Any free crew covers some demand: with a tiny threshold move-up is asked but never
    // moves anyone, and every record equals the run without move-up.
    let off = two_posts("").replay(0, &calls());
    let never = two_posts("[dispatch.move_up]\nthreshold = 1e-9").replay(0, &calls());
    assert_eq!(never.calls, off.calls);
    assert_eq!(never.assignments, off.assignments);
    assert_eq!(never.units, off.units);
}

#[test]
fn the_computed_table_covers_the_most_demand_first() {
    // No table given: greedy maximal covering over the four posts. On a uniform grid every post
    // covers as much alone (6 blocks around it, clipped by the edges alike), so row 1 is the
    // first post, P0; the second adds the post that covers most of the rest.
    let model = two_posts("[dispatch.move_up]\nthreshold = 0.9");
    let table = model.compliance_table().unwrap();
    assert_eq!(table[0], [at(2, 2)]);
    assert_eq!(table.len(), 2, "at most one row per movable crew");
    assert_eq!(table[1][0], at(2, 2));
    // P3 at (7, 7), opposite P0, overlaps it least.
    assert_eq!(table[1][1], at(7, 7));
}

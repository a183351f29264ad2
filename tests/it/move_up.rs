//! Move-up (`[dispatch.move_up]`) on a case worked out by hand on the SPEC grid, where the
//! travel time between (x1, y1) and (x2, y2) is exactly 20 s × (|x1 − x2| + |y1 − y2|), and
//! switched off on the same case.

use patrolsim::results::{ReplicationOutput, units_table};
use patrolsim::scenario::Scenario;
use patrolsim::sim::{Model, NewCall};
use std::path::Path;

/// A 10 × 10 grid with 3 × 3 posts (P0 at (1, 1), P1 at (5, 1), ..., P4 at (5, 5), ...), crew
/// `a` waiting at P4 in the middle and `b` at P0 in a corner, a 180 s dispatch delay (so a free
/// crew covers the nodes within 120 s, 6 blocks), and `move_up` appended to `[dispatch]`.
fn two_posts(move_up: &str) -> Model {
    let text = format!(
        r#"
name = "move-up"
days = 0.1
warmup_hours = 0
[map.grid]
n = 10
posts_per_side = 3
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
post = "P4"
[[units]]
name = "b"
post = "P0"
"#
    );
    Model::new(Scenario::from_toml(&text, "move-up.toml", Path::new(".")).unwrap())
}

/// Node (x, y) of the 10 × 10 grid.
fn at(x: u32, y: u32) -> u32 {
    y * 10 + x
}

/// One free crew stands in the middle, at P4; two at P4 and P0 (node 11, given by its id).
const TABLE: &str = r#"[dispatch.move_up]
threshold = 0.9
table = [["P4"], ["P4", 11]]"#;

/// Call 1 at P4 at t = 0 (an hour on scene), call 2 at (8, 7) at t = 600 s (10 minutes).
fn calls() -> [NewCall; 2] {
    [
        NewCall {
            call_s: 0.0,
            node: at(5, 5),
            incident_type: 0,
            on_scene_s: 3600.0,
        },
        NewCall {
            call_s: 600.0,
            node: at(8, 7),
            incident_type: 0,
            on_scene_s: 600.0,
        },
    ]
}

fn responses(out: &ReplicationOutput) -> Vec<Option<f64>> {
    out.calls.iter().map(|c| c.response_s()).collect()
}

#[test]
fn moving_the_idle_crew_to_the_middle_shortens_the_next_response() {
    let model = two_posts(TABLE);
    assert_eq!(model.compliance_table().unwrap(), [vec![55], vec![55, 11]]);
    let out = model.replay(0, &calls());
    // t = 0: both crews free cover 85 % of the nodes within 6 blocks (below 90 %), but they
    // stand at row 2's places already: nobody moves.
    // t = 180: `a` is sent to call 1 (0 blocks; response 180 s). `b` alone, in its corner,
    // covers less than 90 %: row 1 puts it at P4, 8 blocks away (160 s, 1600 m), where it
    // covers more; it stands there from 340 s.
    // t = 780: call 2's dispatch finds `b` at P4, 5 blocks from (8, 7): 180 + 100 = 280 s.
    assert_eq!(responses(&out), [Some(180.0), Some(280.0)]);
    // t = 1480: `b` clears (8, 7); alone free, it goes back to P4 as a move (5 blocks, 100 s).
    // t = 3780: `a` clears at P4; with two free, `a` keeps P4 and `b` goes to P0 (8 blocks).
    let (a, b) = (&out.units[0], &out.units[1]);
    assert_eq!((a.moves, a.move_up_s, a.move_up_m), (0, 0.0, 0.0));
    assert_eq!((b.moves, b.move_up_s, b.move_up_m), (3, 420.0, 4200.0));
    // Its distance: the three moves and the 1000 m to call 2.
    assert_eq!(b.distance_m, 4200.0 + 1000.0);
    // The move time is part of its time on duty, which still adds up.
    let counted_s = model.scenario.counted_s();
    assert!((b.total_s() - counted_s).abs() < 1e-6);
    assert_eq!(b.en_route_s, 100.0);
    assert_eq!(b.on_scene_s, 600.0);
    assert_eq!(b.idle_s, counted_s - 420.0 - 100.0 - 600.0);
}

#[test]
fn switched_off_nothing_moves_and_the_far_crew_answers() {
    let model = two_posts("");
    assert!(model.compliance_table().is_none());
    let out = model.replay(0, &calls());
    // Call 2 gets `b` from P0, 13 blocks from (8, 7): 180 + 260 = 440 s, past the promise.
    assert_eq!(responses(&out), [Some(180.0), Some(440.0)]);
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
fn a_move_that_covers_no_more_is_not_made() {
    // Row 1 puts a lone crew at P8 in the opposite corner, (8, 8), which covers no more than
    // its own corner: when `a` is busy, `b` stays, and call 2 is answered as without move-up.
    let model = two_posts("[dispatch.move_up]\nthreshold = 0.9\ntable = [[\"P8\"], [\"P4\", 11]]");
    let out = model.replay(0, &calls());
    assert_eq!(responses(&out), [Some(180.0), Some(440.0)]);
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
    // No table given: greedy maximal covering over the nine posts, uniform demand. P4 in the
    // middle covers 75 nodes within 6 blocks; then P1 at (5, 1) adds 15, tied with P3 at (1, 5)
    // and taken as the earlier node; two rows, one per movable crew.
    let model = two_posts("[dispatch.move_up]\nthreshold = 0.9");
    let table = model.compliance_table().unwrap();
    assert_eq!(table, [vec![at(5, 5)], vec![at(5, 5), at(5, 1)]]);
}

//! Small cases worked out by hand on the SPEC grid, where the travel time between (x1, y1) and
//! (x2, y2) is exactly 20 s × (|x1 − x2| + |y1 − y2|).

use patrolsim::results::CallState;
use patrolsim::scenario::Scenario;
use patrolsim::sim::{Model, NewCall};
use std::path::Path;

/// A 5 × 5 grid with one unit at its centre (2, 2), one call a day on average, a fixed 10-minute
/// on-scene time and a 60 s dispatch delay.
fn one_unit_grid(returning_position: &str) -> Model {
    let text = r#"
name = "hand"
seed = 3
days = 400
warmup_hours = 0
[map.grid]
n = 5
posts_per_side = 1
[dispatch]
delay_s = 60
returning_position = "POSITION"
[demand]
calls_per_hour = 0.04
placement = "uniform"
[[incident_types]]
name = "call"
priority = 1
share = 1.0
on_scene = { distribution = "fixed", mean_min = 10 }
[units_per_post]
per_post = 1
"#
    .replace("POSITION", returning_position);
    Model::new(Scenario::from_toml(&text, "hand.toml", Path::new(".")).unwrap())
}

#[test]
fn a_unit_at_its_post_answers_in_delay_plus_manhattan_time() {
    let model = one_unit_grid("on_route");
    let out = model.run(0);
    let manhattan = |node: u32| (node % 5).abs_diff(2) + (node / 5).abs_diff(2);
    let mut checked = 0;
    let mut home_again_s = 0.0_f64;
    for call in &out.calls {
        let d = f64::from(manhattan(call.node));
        if call.dispatch_s >= home_again_s {
            // The unit was at its post when the dispatcher looked: all by hand.
            assert_eq!(call.first_assigned_s, Some(call.dispatch_s));
            assert_eq!(
                call.response_s(),
                Some(60.0 + 20.0 * d),
                "call {}",
                call.call_id
            );
            assert_eq!(call.clear_s, Some(call.first_arrival_s.unwrap() + 600.0));
            checked += 1;
        }
        assert_eq!(call.state, CallState::Completed);
        home_again_s = home_again_s.max(call.clear_s.unwrap() + 20.0 * d);
    }
    assert!(
        checked > 300,
        "only {checked} calls found the unit at its post"
    );
    // The unit drove out and back to every scene: 2 × 200 m × Manhattan distance per call.
    let driven: f64 = out
        .calls
        .iter()
        .map(|c| 400.0 * f64::from(manhattan(c.node)))
        .sum();
    let unit = &out.units[0];
    assert!(
        (unit.distance_m - driven).abs() < 1e-6,
        "{} vs {driven}",
        unit.distance_m
    );
    assert_eq!(unit.calls_served as usize, out.calls.len());
    // Busy time is exactly the en-route plus 10 minutes on scene, per call.
    let busy: f64 = out
        .calls
        .iter()
        .map(|c| c.clear_s.unwrap() - c.first_assigned_s.unwrap())
        .sum();
    assert!((unit.busy_s() - busy).abs() < 1e-6);
}

#[test]
fn a_returning_unit_is_sent_from_where_it_is_on_the_route() {
    // Call 1 at (0, 0) at t = 0: the unit drives 4 blocks (80 s) after the 60 s delay, arrives
    // at 140 s, works 600 s, clears at 740 s and heads home to (2, 2) along an 80 s route.
    // Call 2 at (4, 4) at t = 710 s is dispatched at 770 s, 30 s into the drive home: the unit
    // is half-way along its second block and goes on to the node 2 blocks from the scene
    // (10 s more; every such node is 6 blocks from (4, 4)), then 120 s: response 60 + 130 s.
    let calls = [
        NewCall {
            call_s: 0.0,
            node: 0,
            incident_type: 0,
            on_scene_s: 600.0,
        },
        NewCall {
            call_s: 710.0,
            node: 24,
            incident_type: 0,
            on_scene_s: 600.0,
        },
    ];
    let out = one_unit_grid("on_route").replay(0, &calls);
    assert_eq!(out.calls[0].response_s(), Some(140.0));
    assert_eq!(out.calls[0].clear_s, Some(740.0));
    assert_eq!(out.calls[1].response_s(), Some(190.0));
    // Driven: 800 m out, 400 m towards home, 1200 m to call 2, 800 m home again.
    assert_eq!(out.units[0].distance_m, 3200.0);
    assert_eq!(out.units[0].en_route_s, 80.0 + 130.0);
    assert_eq!(out.units[0].on_scene_s, 1200.0);
    assert_eq!(out.units[0].returning_s, 30.0 + 80.0);

    // Under the SPEC rule the unit counts as still at the first scene: 8 blocks, 60 + 160 s.
    let out = one_unit_grid("last_scene").replay(0, &calls);
    assert_eq!(out.calls[1].response_s(), Some(220.0));
}

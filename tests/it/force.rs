//! The force model: shifts, patrol cycles, returning to the route after a call, and
//! reinforcement restricted to layers.

use patrolsim::map::NodeId;
use patrolsim::scenario::{Layer, Scenario};
use patrolsim::sim::{Model, NewCall};
use petgraph::graph::NodeIndex;
use std::path::Path;

#[test]
fn time_on_duty_equals_the_shift_schedule_plus_overtime() {
    let model = Model::new(Scenario::default_scenario());
    let s = &model.scenario;
    let out = model.run(0);
    let mut overtime_units = 0;
    for u in &out.units {
        let spec = &s.units[u.unit as usize];
        let scheduled: f64 = s
            .duty_intervals(spec)
            .iter()
            .map(|&(a, b)| (b.min(s.horizon_s) - a.max(s.warmup_s)).max(0.0))
            .sum();
        assert!(
            (u.on_duty_s() - u.overtime_s - scheduled).abs() < 1e-6,
            "{}: on duty {} - overtime {} vs scheduled {scheduled}",
            spec.name,
            u.on_duty_s(),
            u.overtime_s
        );
        overtime_units += usize::from(u.overtime_s > 0.0);
    }
    assert!(
        overtime_units > 10,
        "calls running past shift end must make overtime"
    );
}

#[test]
fn crews_on_duty_follow_shifts_and_readiness_levels() {
    let s = Scenario::default_scenario();
    let on_duty = |t: f64, layer: Layer| {
        s.units
            .iter()
            .filter(|u| u.layer == layer && s.on_duty_at(u, t))
            .count()
    };
    // An ordinary hour: the staffing table's crews per shift (34 line crews, 5 standby).
    let per_shift = |layer: Layer| -> u32 {
        s.staffing
            .iter()
            .filter(|t| t.layer == layer)
            .map(|t| t.crews_per_shift)
            .sum()
    };
    for h in 0..24 {
        let t = f64::from(h) * 3600.0 + 1.0;
        for layer in [Layer::Line, Layer::Surface, Layer::Standby] {
            assert_eq!(on_duty(t, layer), per_shift(layer) as usize, "hour {h}");
        }
    }
    // Inside the level-1 window (hours 264 to 312, factor 1.5), by hand: 34 + 17 line crews,
    // 5 + round(2.5) = 8 standby crews, whose 3 extra wait at the rail station and the square.
    let t = 265.0 * 3600.0;
    assert_eq!(on_duty(t, Layer::Line), 51);
    assert_eq!(on_duty(t, Layer::Standby), 8);
    let points: Vec<_> = s
        .map
        .key_points
        .iter()
        .filter(|k| k.name == "rail-station" || k.name == "central-square")
        .map(|k| k.node)
        .collect();
    let moved = s
        .units
        .iter()
        .filter(|u| u.layer == Layer::Standby && s.on_duty_at(u, t) && points.contains(&u.home))
        .count();
    assert_eq!(moved, 3);
    // And after it, back to normal.
    assert_eq!(on_duty(313.0 * 3600.0, Layer::Line), 34);
}

#[test]
fn a_large_event_brings_calls_and_crews_to_its_venue() {
    let model = Model::new(Scenario::default_scenario());
    let s = &model.scenario;
    let event = &s.large_events[0];
    let mut at_venue = 0;
    let reps = 4;
    for r in 0..reps {
        let out = model.run(r);
        at_venue += out
            .calls
            .iter()
            .filter(|c| c.node == event.venue && (event.start_s..event.end_s).contains(&c.call_s))
            .count();
        for u in out
            .units
            .iter()
            .filter(|u| s.units[u.unit as usize].team == event.name)
        {
            assert!((u.on_duty_s() - u.overtime_s - (event.end_s - event.start_s)).abs() < 1e-6);
        }
    }
    // 12 extra calls an hour for 5 hours: 60 a replication (Poisson), plus the square's share
    // of ordinary calls (a fraction of one).
    let expected = 60.0 * f64::from(reps);
    assert!(
        (at_venue as f64 - expected).abs() < 5.0 * expected.sqrt() + 2.0,
        "{at_venue} calls at the venue, expected about {expected}"
    );
}

#[test]
fn patrol_cycles_are_drivable_closed_routes_in_the_beat() {
    let model = Model::new(Scenario::default_scenario());
    let s = &model.scenario;
    let map = &s.map;
    let mut patrolling = 0;
    for (i, u) in s.units.iter().enumerate() {
        let cycle = model.patrol_cycle(i);
        match u.layer {
            Layer::Point | Layer::Standby => assert!(cycle.is_none()),
            Layer::Line | Layer::Surface => {
                let c = cycle.unwrap_or_else(|| panic!("{} has no patrol", u.name));
                patrolling += 1;
                let w = &c.waypoints;
                assert_eq!(w.first().unwrap().node, u.home);
                assert_eq!(w.last().unwrap().node, u.home);
                for pair in w.windows(2) {
                    let (a, b) = (pair[0].node as usize, pair[1].node as usize);
                    assert!(
                        map.graph
                            .find_edge(NodeIndex::new(a), NodeIndex::new(b))
                            .is_some(),
                        "{}: {a} -> {b} is not a road",
                        u.name
                    );
                    assert!(pair[1].at_s > pair[0].at_s);
                }
                // At patrol speed.
                let expected = w.last().unwrap().from_start_m * 3.6 / u.patrol_speed_kmh;
                assert!((c.cycle_s - expected).abs() < 1e-6);
                // Every waypoint is in the crew's zones, and a position is always on the cycle.
                for wp in w {
                    assert!(
                        u.zones.contains(&map.node(wp.node).zone),
                        "{} leaves its zones",
                        u.name
                    );
                }
                for k in 0..50 {
                    let (idx, lead) = c.position(c.cycle_s * f64::from(k) / 17.0);
                    assert!(idx < w.len() && lead >= 0.0);
                }
            }
        }
    }
    assert!(patrolling > 50);
}

/// One crew at the centre of a 9 × 9 grid, of the given layer.
fn one_crew(layer: &str) -> Model {
    let text = format!(
        r#"
name = "patrol"
days = 2
warmup_hours = 0
[map.grid]
n = 9
posts_per_side = 1
[demand]
calls_per_hour = 1
[[incident_types]]
name = "call"
priority = 1
share = 1.0
on_scene = {{ distribution = "fixed", mean_min = 10 }}
[[units]]
name = "crew"
post = "P0"
layer = "{layer}"
"#
    );
    Model::new(Scenario::from_toml(&text, "patrol.toml", Path::new(".")).unwrap())
}

#[test]
fn a_patrol_returns_to_its_route_not_to_its_post() {
    let surface = one_crew("surface");
    let cycle = surface
        .patrol_cycle(0)
        .expect("a surface crew on a grid patrols");
    // A scene on the cycle, as far from the base as the cycle goes.
    let base: NodeId = 4 * 9 + 4;
    let scene = cycle
        .waypoints
        .iter()
        .map(|w| w.node)
        .max_by_key(|&n| ((n % 9).abs_diff(4) + (n / 9).abs_diff(4), n))
        .unwrap();
    assert_ne!(scene, base);
    let calls = [NewCall {
        call_s: 3600.0,
        node: scene,
        incident_type: 0,
        on_scene_s: 600.0,
    }];
    let out = surface.replay(0, &calls);
    assert_eq!(out.calls.len(), 1);
    // The scene is on the route: the crew is back on it the moment it clears.
    assert_eq!(out.units[0].returning_s, 0.0);
    assert!(out.units[0].patrol_s > 0.0);

    // A standby crew at the same post drives all the way home instead.
    let standby = one_crew("standby").replay(0, &calls);
    let blocks = (scene % 9).abs_diff(4) + (scene / 9).abs_diff(4);
    assert_eq!(standby.units[0].returning_s, 20.0 * f64::from(blocks));
    assert_eq!(standby.units[0].patrol_s, 0.0);
}

#[test]
fn reinforcement_comes_from_the_backup_layers() {
    let model = Model::new(Scenario::default_scenario());
    let s = &model.scenario;
    let out = model.run(0);
    let violent = s
        .incident_types
        .iter()
        .position(|t| t.name == "violent")
        .unwrap() as u16;
    let allowed = s.incident_types[violent as usize]
        .backup_layers
        .clone()
        .unwrap();
    let mut backups = 0;
    for c in out.calls.iter().filter(|c| c.incident_type == violent) {
        let sent: Vec<_> = out
            .assignments
            .iter()
            .filter(|a| a.call_id == c.call_id)
            .collect();
        for a in sent.iter().skip(1) {
            assert!(allowed.contains(&s.units[a.unit as usize].layer));
            backups += 1;
        }
        if let (Some(first), Some(all)) = (c.first_arrival_s, c.all_arrived_s) {
            assert!(all >= first);
        }
    }
    assert!(backups > 100);
}

#[test]
fn a_priority_one_call_preempts_a_routine_scene_which_is_served_later() {
    // One crew at (4, 4) of a 9 × 9 grid. A routine call at (4, 0) at t = 0: the crew arrives
    // at 60 + 80 = 140 s for an hour's work. An urgent call at (8, 4) at t = 600 s is
    // dispatched at 660 s: the crew leaves the routine scene, drives 8 blocks (160 s), arrives
    // at 820 s, works 600 s, clears at 1420 s and goes back to the routine call: 160 s, arrives
    // at 1580 s, works the full hour, clears at 5180 s.
    let scenario = |preempt: &str| {
        let text = format!(
            r#"
name = "preempt"
days = 1
warmup_hours = 0
[map.grid]
n = 9
posts_per_side = 1
[dispatch]
delay_s = 60
{preempt}
[demand]
calls_per_hour = 1
[[incident_types]]
name = "urgent"
priority = 1
share = 0.5
on_scene = {{ distribution = "fixed", mean_min = 10 }}
[[incident_types]]
name = "routine"
priority = 3
share = 0.5
on_scene = {{ distribution = "fixed", mean_min = 60 }}
[units_per_post]
per_post = 1
"#
        );
        Model::new(Scenario::from_toml(&text, "preempt.toml", Path::new(".")).unwrap())
    };
    let calls = [
        NewCall {
            call_s: 0.0,
            node: 4,
            incident_type: 1,
            on_scene_s: 3600.0,
        },
        NewCall {
            call_s: 600.0,
            node: 44,
            incident_type: 0,
            on_scene_s: 600.0,
        },
    ];
    let out = scenario("preempt_from_priority = 3").replay(0, &calls);
    let (routine, urgent) = (&out.calls[0], &out.calls[1]);
    assert_eq!(urgent.response_s(), Some(220.0));
    assert_eq!(urgent.clear_s, Some(1420.0));
    assert_eq!(routine.preempted, 1);
    assert_eq!(routine.response_s(), Some(140.0));
    assert_eq!(routine.reinforcement_s(), Some(140.0));
    assert_eq!(routine.clear_s, Some(5180.0));
    assert_eq!(routine.state, patrolsim::results::CallState::Completed);
    let a = &out.assignments;
    assert_eq!(a.len(), 3);
    assert!(a[0].preempted && a[0].clear_s == Some(660.0));
    assert_eq!((a[2].call_id, a[2].arrival_s), (0, Some(1580.0)));
    // Busy all the way from 60 s to 5180 s, less nothing: the unit's time adds up.
    assert_eq!(out.units[0].busy_s(), 5180.0 - 60.0);

    // Without pre-emption the urgent call waits for the routine one: 3740 + 160 - 600.
    let out = scenario("").replay(0, &calls);
    assert_eq!(out.calls[1].response_s(), Some(3300.0));
    assert_eq!(out.calls[0].preempted, 0);
}

#[test]
fn a_run_card_sends_its_first_choice_not_the_nearest() {
    // Posts at (2, 2), (6, 2), (2, 6), (6, 6) of a 9 × 9 grid. The card prefers the crew at
    // (6, 6) for every call: a call at (2, 2) gets it (8 blocks, 60 + 160 s) although the crew
    // of (2, 2) stands on the scene; while it is busy, the card's second choice goes.
    let text = r#"
name = "cards"
days = 1
warmup_hours = 0
[map.grid]
n = 9
posts_per_side = 2
[dispatch]
delay_s = 60
run_cards = [{ zone = "grid", units = ["P3/u", "P0/u"] }]
[demand]
calls_per_hour = 1
[[incident_types]]
name = "call"
priority = 1
share = 1.0
on_scene = { distribution = "fixed", mean_min = 30 }
[units_per_post]
per_post = 1
"#;
    let model = Model::new(Scenario::from_toml(text, "cards.toml", Path::new(".")).unwrap());
    let call = |call_s: f64| NewCall {
        call_s,
        node: 2 * 9 + 2,
        incident_type: 0,
        on_scene_s: 1800.0,
    };
    let out = model.replay(0, &[call(0.0), call(100.0)]);
    assert_eq!(out.calls[0].first_unit, Some(3));
    assert_eq!(out.calls[0].response_s(), Some(220.0));
    assert_eq!(out.calls[1].first_unit, Some(0));
    assert_eq!(out.calls[1].response_s(), Some(60.0));
}

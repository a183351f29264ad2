//! Invariants that hold for every run: every call ends in exactly one state, no unit serves two
//! calls at once, each unit's time adds up to the counted period, and the tables agree.

use patrolsim::results::{CallState, ReplicationOutput};
use patrolsim::scenario::{Layer, Scenario};
use patrolsim::sim::Model;
use std::collections::{HashMap, HashSet};
use std::path::Path;

fn check(model: &Model, out: &ReplicationOutput) {
    let s = &model.scenario;
    let counted_s = s.counted_s();
    // Every counted call is reported exactly once, in call order, with one final state.
    let ids: Vec<u64> = out.calls.iter().map(|c| c.call_id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "call ids not unique and ordered"
    );
    for c in &out.calls {
        assert!(c.call_s >= s.warmup_s && c.call_s <= s.horizon_s);
        let state = match (c.units_assigned, c.first_arrival_s, c.clear_s) {
            (0, None, None) => CallState::WaitingAtEnd,
            // A pre-empted call back in the queue keeps its first arrival.
            (0, Some(_), None) if c.preempted > 0 => CallState::WaitingAtEnd,
            (_, None, None) => CallState::EnRouteAtEnd,
            (_, Some(_), None) => CallState::OnSceneAtEnd,
            (n, Some(_), Some(_)) if n == c.units_needed => CallState::Completed,
            other => panic!("call {} in no state: {other:?}", c.call_id),
        };
        assert_eq!(c.state, state, "call {}", c.call_id);
        assert!(c.units_assigned <= c.units_needed);
        if let Some(r) = c.response_s() {
            assert!(
                r >= s.dispatch_delay_s,
                "response {r} below the dispatch delay"
            );
        }
        if let (Some(first), Some(all)) = (c.first_arrival_s, c.all_arrived_s) {
            assert!(all >= first, "last unit before first");
        }
        if c.state == CallState::Completed {
            assert!(c.all_arrived_s.is_some());
            assert!(c.clear_s.unwrap() >= c.all_arrived_s.unwrap());
        }
    }
    // No unit serves two calls at once; its busy time is the sum of its assignments.
    let mut by_unit: HashMap<u32, Vec<(f64, f64)>> = HashMap::new();
    for a in &out.assignments {
        let end = a.clear_s.unwrap_or(s.horizon_s);
        if let Some(arr) = a.arrival_s {
            assert!(arr >= a.assigned_s && end >= arr);
        }
        by_unit.entry(a.unit).or_default().push((a.assigned_s, end));
    }
    for u in &out.units {
        let spans = by_unit.remove(&u.unit).unwrap_or_default();
        for w in spans.windows(2) {
            assert!(
                w[1].0 >= w[0].1,
                "unit {} serves two calls at once: {w:?}",
                u.unit
            );
        }
        let busy: f64 = spans
            .iter()
            .map(|&(a, b)| (b.min(s.horizon_s) - a.max(s.warmup_s)).max(0.0))
            .sum();
        // Cordon duty is busy time too, but not an assignment to a call.
        assert!(
            (u.busy_s() - u.cordon_s - busy).abs() < 1e-6,
            "unit {} busy {} vs {busy}",
            u.unit,
            u.busy_s()
        );
        assert!(
            (u.total_s() - counted_s).abs() < 1e-6,
            "unit {} time does not add up",
            u.unit
        );
        assert!(u.busy_s() <= counted_s + 1e-9);
        assert!(u.distance_m >= 0.0);
    }
    // Assignments of counted calls match the call table.
    let counted: HashSet<u64> = ids.into_iter().collect();
    // (a pre-empted assignment no longer counts as assigned, but as pre-empted).
    let counted_rows = out.assignments.iter().filter(|a| a.call_counted);
    let (preempted, assigned): (Vec<_>, Vec<_>) = counted_rows.partition(|a| a.preempted);
    assert_eq!(
        assigned.len() as u32,
        out.calls.iter().map(|c| c.units_assigned).sum::<u32>()
    );
    assert_eq!(
        preempted.len() as u32,
        out.calls.iter().map(|c| c.preempted).sum::<u32>()
    );
    assert!(
        out.assignments
            .iter()
            .filter(|a| a.call_counted)
            .all(|a| counted.contains(&a.call_id))
    );
}

#[test]
fn default_scenario_keeps_every_invariant() {
    let model = Model::new(Scenario::default_scenario());
    for r in 0..2 {
        let out = model.run(r);
        assert!(out.calls.len() > 5_000);
        check(&model, &out);
    }
}

#[test]
fn overloaded_grid_keeps_every_invariant() {
    // More work than units: the queue grows, calls are open at the end.
    let s = Scenario::load(Path::new("scenarios/bench-grid-small.toml")).unwrap();
    let text = s
        .source_toml
        .replace("calls_per_hour = 20", "calls_per_hour = 40");
    let mut scenario = Scenario::from_toml(&text, "overloaded.toml", Path::new(".")).unwrap();
    scenario.horizon_s = scenario.warmup_s + 20.0 * 86_400.0;
    let model = Model::new(scenario);
    let out = model.run(0);
    check(&model, &out);
    assert!(out.calls.iter().any(|c| c.state == CallState::WaitingAtEnd));
}

#[test]
fn reinforcement_calls_get_all_their_units() {
    let model = Model::new(Scenario::default_scenario());
    let out = model.run(0);
    let violent: Vec<_> = out.calls.iter().filter(|c| c.units_needed == 3).collect();
    assert!(violent.len() > 100);
    for c in violent.iter().filter(|c| c.state == CallState::Completed) {
        let units: HashSet<u32> = out
            .assignments
            .iter()
            .filter(|a| a.call_id == c.call_id)
            .map(|a| a.unit)
            .collect();
        assert_eq!(units.len(), 3, "call {} served by {units:?}", c.call_id);
    }
}

#[test]
fn busy_default_area_with_preemption_keeps_every_invariant() {
    // About four times the calls, and priority-1 calls may take units from routine scenes.
    let base = Scenario::default_scenario();
    let toml = &base.source_toml;
    let profile = toml.find("hourly_profile = [").unwrap();
    let end = profile + toml[profile..].find(']').unwrap() + 1;
    let text = format!("{}calls_per_hour = 70{}", &toml[..profile], &toml[end..])
        .replace("delay_s = 60", "delay_s = 60\npreempt_from_priority = 3");
    let mut scenario = Scenario::from_toml(&text, "busy.toml", Path::new(".")).unwrap();
    scenario.horizon_s = scenario.warmup_s + 7.0 * 86_400.0;
    let model = Model::new(scenario);
    let out = model.run(0);
    check(&model, &out);
    assert!(
        out.calls.iter().any(|c| c.preempted > 0),
        "no pre-emption happened"
    );
    assert!(out.assignments.iter().any(|a| a.preempted));
}

#[test]
fn default_area_with_move_up_keeps_every_invariant() {
    // Move-up on the default area with a computed table: crews are moved, their move time is
    // part of their time on duty, and point crews never move.
    let text = Scenario::default_scenario().source_toml.replace(
        "returning_position = \"on_route\"\n",
        "returning_position = \"on_route\"\n\n[dispatch.move_up]\nthreshold = 0.9\n",
    );
    let mut scenario = Scenario::from_toml(&text, "move-up.toml", Path::new(".")).unwrap();
    scenario.horizon_s = scenario.warmup_s + 7.0 * 86_400.0;
    let model = Model::new(scenario);
    let out = model.run(0);
    check(&model, &out);
    let s = &model.scenario;
    assert!(
        out.units.iter().map(|u| u.moves).sum::<u32>() > 0,
        "nobody moved"
    );
    for u in &out.units {
        assert!(u.move_up_m <= u.distance_m + 1e-6);
        assert!(u.move_up_s <= u.on_duty_s() + 1e-9);
        if s.units[u.unit as usize].layer == Layer::Point {
            assert_eq!((u.moves, u.move_up_s, u.move_up_m), (0, 0.0, 0.0));
        }
    }
}

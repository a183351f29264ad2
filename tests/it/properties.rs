//! Property tests: random small scenarios (a grid, a force on shifts or crews per post, a call
//! rate, a dispatch delay, incident types needing one to three units) written as TOML, compiled
//! by `Scenario::from_toml` and played by `Model::run`. On every one: each call ends in exactly
//! one state, no crew serves two calls at once, time on duty equals the shift schedule (plus
//! overtime), every response is at least the dispatch delay, and every required unit arrives at
//! or after the first. Some scenarios give their first incident type a cordon (a `reach` ring of
//! a given or searched radius, or a `zone` ring): its closure is never negative, is the latest of
//! its crews' times at their exits (every crew's arrival at or before it), and its crews are
//! never on a call or another cordon at the same time.

use patrolsim::results::{CallState, CordonCrewRecord, CordonState, ReplicationOutput};
use patrolsim::scenario::Scenario;
use patrolsim::sim::Model;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// One incident type: weight of its share, units needed, on-scene distribution and mean.
#[derive(Debug, Clone)]
struct TypeSpec {
    weight: u32,
    units_needed: u32,
    distribution: &'static str,
    mean_min: f64,
}

/// The force: crews per post always on duty, or a standby team on "3x8" / "2x12" shifts.
#[derive(Debug, Clone)]
enum ForceSpec {
    PerPost(u32),
    Shifts {
        pattern: &'static str,
        first_shift_h: u32,
        head_count: u32,
    },
}

#[derive(Debug, Clone)]
struct ScenarioSpec {
    seed: u64,
    n: u32,
    posts_per_side: u32,
    spacing_m: f64,
    calls_per_hour: f64,
    delay_s: f64,
    returning: &'static str,
    types: Vec<TypeSpec>,
    force: ForceSpec,
    /// The first incident type's `[incident_types.cordon]` keys, if it needs a cordon.
    cordon: Option<String>,
}

impl ScenarioSpec {
    /// The scenario file.
    fn toml(&self) -> String {
        let mut t = format!(
            "name = \"prop\"\nseed = {}\ndays = 2\nwarmup_hours = 2\n\
             [map.grid]\nn = {}\nposts_per_side = {}\nspacing_m = {}\n\
             [dispatch]\ndelay_s = {}\nreturning_position = \"{}\"\n\
             [demand]\ncalls_per_hour = {}\nplacement = \"uniform\"\n",
            self.seed,
            self.n,
            self.posts_per_side,
            self.spacing_m,
            self.delay_s,
            self.returning,
            self.calls_per_hour
        );
        let total: u32 = self.types.iter().map(|k| k.weight).sum();
        for (i, k) in self.types.iter().enumerate() {
            let sd = if k.distribution == "lognormal" {
                format!(", sd_min = {}", k.mean_min / 2.0)
            } else {
                String::new()
            };
            write!(
                t,
                "[[incident_types]]\nname = \"t{i}\"\npriority = {}\nshare = {:?}\n\
                 units_needed = {}\non_scene = {{ distribution = \"{}\", mean_min = {}{sd} }}\n",
                i + 1,
                f64::from(k.weight) / f64::from(total),
                k.units_needed,
                k.distribution,
                k.mean_min
            )
            .unwrap();
            if let (0, Some(keys)) = (i, &self.cordon) {
                write!(t, "[incident_types.cordon]\n{keys}\n").unwrap();
            }
        }
        match &self.force {
            ForceSpec::PerPost(n) => write!(t, "[units_per_post]\nper_post = {n}\n").unwrap(),
            ForceSpec::Shifts {
                pattern,
                first_shift_h,
                head_count,
            } => write!(
                t,
                "[force]\ncrew_size = 2\npolice_per_crew = 1\navailability = 0.9\n\
                 shifts = \"{pattern}\"\nfirst_shift_h = {first_shift_h}\n\
                 [[force.teams]]\nname = \"standby\"\nlayer = \"standby\"\n\
                 head_count = {head_count}\nposts = [\"P0\"]\n"
            )
            .unwrap(),
        }
        t
    }
}

fn type_spec() -> impl Strategy<Value = TypeSpec> {
    (
        1u32..5,
        1u32..4,
        prop::sample::select(vec!["fixed", "exponential", "lognormal"]),
        5u32..60,
    )
        .prop_map(|(weight, units_needed, distribution, mean)| TypeSpec {
            weight,
            units_needed,
            distribution,
            mean_min: f64::from(mean),
        })
}

fn force_spec() -> impl Strategy<Value = ForceSpec> {
    prop_oneof![
        // At least 3 crews: a type needs up to 3, and a force with fewer is refused.
        (3u32..5).prop_map(ForceSpec::PerPost),
        (
            prop::sample::select(vec!["3x8", "2x12"]),
            0u32..24,
            20u32..60
        )
            .prop_map(|(pattern, first_shift_h, head_count)| ForceSpec::Shifts {
                pattern,
                first_shift_h,
                head_count,
            }),
    ]
}

/// A cordon's keys: a `reach` ring of a given radius or searched, or a `zone` ring; a head start,
/// a holding time, the share of calls with one (1/4 to 1), the layers and whether priority-1
/// calls may take its crews.
fn cordon_spec() -> impl Strategy<Value = Option<String>> {
    let ring = prop_oneof![
        (1u32..8).prop_map(|r| format!("ring = \"reach\"\nreach_min = {r}")),
        (2u32..12).prop_map(|m| format!("ring = \"reach\"\nsearch_max_min = {m}")),
        Just("ring = \"zone\"".to_string()),
    ];
    let layers = prop::sample::select(vec![
        "",
        "layers = [\"standby\"]\n",
        "layers = [\"line\", \"surface\"]\n",
    ]);
    prop::option::of(
        (ring, 0u32..4, 5u32..60, 1u32..5, layers, any::<bool>()).prop_map(
            |(ring, head, hold, quarters, layers, release)| {
                format!(
                    "{ring}\nhead_start_min = {head}\nholding_min = {hold}\nshare = {}\n\
                     {layers}release_for_priority_1 = {release}",
                    f64::from(quarters) / 4.0
                )
            },
        ),
    )
}

fn scenario_spec() -> impl Strategy<Value = ScenarioSpec> {
    (
        any::<u64>(),
        4u32..9,
        1u32..3,
        200u32..600,
        1u32..13,
        0u32..180,
        prop::sample::select(vec!["on_route", "last_scene"]),
        prop::collection::vec(type_spec(), 1..4),
        force_spec(),
        cordon_spec(),
    )
        .prop_map(
            |(seed, n, posts, spacing, rate, delay, returning, types, force, cordon)| {
                ScenarioSpec {
                    seed,
                    n,
                    posts_per_side: posts,
                    spacing_m: f64::from(spacing),
                    calls_per_hour: f64::from(rate) / 2.0,
                    delay_s: f64::from(delay),
                    returning,
                    types,
                    force,
                    cordon,
                }
            },
        )
}

/// Checks the invariants on one replication's records.
fn check(s: &Scenario, out: &ReplicationOutput) -> Result<(), TestCaseError> {
    let mut arrivals: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    for a in &out.assignments {
        if let Some(t) = a.arrival_s {
            arrivals.entry(a.call_id).or_default().push(t);
        }
    }
    for c in &out.calls {
        // Exactly one state: the state's conditions hold and exclude every other state's.
        let assigned = c.units_assigned > 0;
        let (arrived, cleared) = (c.first_arrival_s.is_some(), c.clear_s.is_some());
        let fits = match c.state {
            CallState::Completed => {
                cleared && c.units_assigned == c.units_needed && c.all_arrived_s.is_some()
            }
            CallState::OnSceneAtEnd => assigned && arrived && !cleared,
            CallState::EnRouteAtEnd => assigned && !arrived && !cleared,
            // A pre-empted call back in the queue keeps its first arrival.
            CallState::WaitingAtEnd => !assigned && !cleared && (!arrived || c.preempted > 0),
        };
        prop_assert!(fits, "call {} in state {:?}: {:?}", c.call_id, c.state, c);
        // Response is arrival minus call time, both clock readings near 1e5 s: a call at the
        // post's own node arrives at call + delay, and the subtraction may lose ~1e-11 s.
        if let Some(r) = c.response_s() {
            prop_assert!(
                r >= s.dispatch_delay_s - 1e-6,
                "call {}: response {r} < delay {}",
                c.call_id,
                s.dispatch_delay_s
            );
        }
        if let Some(first) = c.first_arrival_s {
            for &t in arrivals.get(&c.call_id).into_iter().flatten() {
                prop_assert!(
                    t >= first,
                    "call {}: a unit at {t} before {first}",
                    c.call_id
                );
            }
            if let Some(all) = c.all_arrived_s {
                prop_assert!(
                    all >= first,
                    "call {}: all {all} < first {first}",
                    c.call_id
                );
            }
        }
    }
    check_cordons(out)?;
    // No crew serves two calls, or a call and a cordon, at once.
    let mut spans: BTreeMap<u32, Vec<(f64, f64)>> = BTreeMap::new();
    for a in &out.assignments {
        spans
            .entry(a.unit)
            .or_default()
            .push((a.assigned_s, a.clear_s.unwrap_or(s.horizon_s)));
    }
    for c in &out.cordon_crews {
        spans
            .entry(c.unit)
            .or_default()
            .push((c.ordered_s, c.released_s));
    }
    for (unit, mut v) in spans {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        for w in v.windows(2) {
            prop_assert!(w[1].0 >= w[0].1, "unit {unit} on two calls: {w:?}");
        }
    }
    // Each unit's cordon time is the time its cordon crews stood, in the counted period.
    for u in &out.units {
        let stood: f64 = out
            .cordon_crews
            .iter()
            .filter(|c| c.unit == u.unit)
            .map(|c| (c.released_s.min(s.horizon_s) - c.ordered_s.max(s.warmup_s)).max(0.0))
            .sum();
        prop_assert!(
            (u.cordon_s - stood).abs() < 1e-6,
            "unit {}: cordon time {} vs {stood}",
            u.unit,
            u.cordon_s
        );
    }
    // Time on duty is the shift schedule plus overtime.
    for u in &out.units {
        let scheduled: f64 = s
            .duty_intervals(&s.units[u.unit as usize])
            .iter()
            .map(|&(a, b)| (b.min(s.horizon_s) - a.max(s.warmup_s)).max(0.0))
            .sum();
        prop_assert!(
            (u.on_duty_s() - u.overtime_s - scheduled).abs() < 1e-6,
            "unit {}: on duty {} - overtime {} vs scheduled {scheduled}",
            u.unit,
            u.on_duty_s(),
            u.overtime_s
        );
    }
    Ok(())
}

/// Cordons: crews sent after the call, held (if at all) before released; one crew at a time
/// per exit; the record's counts agree with the crews sent and with each other; a closed ring
/// was closed when some crew took its exit, with every exit held then.
fn check_cordons(out: &ReplicationOutput) -> Result<(), TestCaseError> {
    let mut crews: BTreeMap<u64, Vec<&CordonCrewRecord>> = BTreeMap::new();
    for c in &out.cordon_crews {
        prop_assert!(
            c.held_s
                .is_none_or(|h| c.ordered_s <= h && h <= c.released_s),
            "cordon crew {c:?} out of order"
        );
        prop_assert!(
            c.ordered_s <= c.released_s,
            "cordon crew {c:?} out of order"
        );
        crews.entry(c.call_id).or_default().push(c);
    }
    for call in &out.calls {
        let sent = crews.remove(&call.call_id).unwrap_or_default();
        let Some(cordon) = &call.cordon else {
            prop_assert!(
                sent.is_empty(),
                "call {}: crews without a cordon",
                call.call_id
            );
            continue;
        };
        let id = call.call_id;
        prop_assert_eq!(sent.len(), cordon.crews as usize, "call {}", id);
        let taken = sent.iter().filter(|c| c.taken_for_priority_1).count();
        prop_assert_eq!(taken, cordon.released as usize, "call {}", id);
        prop_assert!(cordon.held <= cordon.exits, "call {id}: {cordon:?}");
        prop_assert!(cordon.held_30min <= cordon.held, "call {id}: {cordon:?}");
        prop_assert!(
            cordon.held_before_suspect <= cordon.held,
            "call {id}: {cordon:?}"
        );
        prop_assert_eq!(
            cordon.contained,
            cordon.exits > 0 && cordon.held_before_suspect == cordon.exits,
            "call {}",
            id
        );
        for c in &sent {
            prop_assert!(c.ordered_s >= call.call_s, "call {id}: {c:?}");
        }
        // One crew at a time per exit.
        let mut by_exit: BTreeMap<u32, Vec<(f64, f64)>> = BTreeMap::new();
        for c in &sent {
            by_exit
                .entry(c.exit)
                .or_default()
                .push((c.ordered_s, c.released_s));
        }
        prop_assert!(by_exit.len() <= cordon.exits as usize, "call {id}");
        for spans in by_exit.values_mut() {
            spans.sort_by(|a, b| a.partial_cmp(b).unwrap());
            for w in spans.windows(2) {
                prop_assert!(w[1].0 >= w[0].1, "call {id}: an exit held twice at once");
            }
        }
        let Some(closed) = cordon.closed_s else {
            prop_assert!(cordon.state() != CordonState::Closed, "call {}", id);
            continue;
        };
        prop_assert_eq!(cordon.held, cordon.exits, "call {}", id);
        prop_assert_eq!(by_exit.len(), cordon.exits as usize, "call {}", id);
        prop_assert!(
            sent.iter().any(|c| c.held_s == Some(closed)),
            "call {id}: closed at {closed}, when no crew took an exit"
        );
        for (exit, _) in by_exit {
            prop_assert!(
                sent.iter().any(|c| c.exit == exit
                    && c.held_s.is_some_and(|h| h <= closed)
                    && closed < c.released_s),
                "call {id}: closed at {closed}, exit {exit} not held then"
            );
        }
    }
    // The rest are the crews of warm-up calls (not in the records), numbered before the others.
    let first_counted = out
        .calls
        .iter()
        .map(|c| c.call_id)
        .min()
        .unwrap_or(u64::MAX);
    prop_assert!(
        crews.keys().all(|&id| id < first_counted),
        "cordon crews of unknown calls: {crews:?}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_small_scenarios_keep_the_invariants(spec in scenario_spec()) {
        let text = spec.toml();
        let scenario = Scenario::from_toml(&text, "prop.toml", Path::new("."))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let model = Model::new(scenario);
        for r in 0..2 {
            check(&model.scenario, &model.run(r))?;
        }
    }
}

//! The simulation against queueing theory: with negligible travel, Poisson calls, exponential
//! on-scene times and c units, the dispatch queue is an M/M/c queue, and the share of calls that
//! wait and the mean wait must match the Erlang C formula.

use patrolsim::experiment::run_replications;
use patrolsim::results::{CallRecord, mean};
use patrolsim::scenario::Scenario;
use patrolsim::sim::Model;
use std::path::Path;

/// Erlang C: probability that a call waits, for offered load `a` = λ/μ on `c` servers.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let tail = term * f64::from(c) / (f64::from(c) - a);
    tail / (sum + tail)
}

/// One node, `c` units at its post, no dispatch delay: travel is zero, so a unit's busy time is
/// its on-scene time.
fn mmc_scenario(c: u32, calls_per_hour: f64, mean_min: f64, days: u32, reps: u32) -> Model {
    let text = format!(
        r#"
name = "mmc"
seed = 7
replications = {reps}
days = {days}
warmup_hours = 48
[map.grid]
n = 1
posts_per_side = 1
[dispatch]
delay_s = 0
[demand]
calls_per_hour = {calls_per_hour}
[[incident_types]]
name = "call"
priority = 1
share = 1.0
on_scene = {{ distribution = "exponential", mean_min = {mean_min} }}
[units_per_post]
per_post = {c}
"#
    );
    Model::new(Scenario::from_toml(&text, "mmc.toml", Path::new(".")).unwrap())
}

/// Mean and standard error across replications of a per-replication statistic.
fn across(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let m = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

fn check_load(c: u32, rho: f64) {
    let mean_min = 30.0;
    let mu_per_h = 60.0 / mean_min;
    let lambda_per_h = rho * f64::from(c) * mu_per_h;
    let model = mmc_scenario(c, lambda_per_h, mean_min, 400, 12);
    let run = run_replications(&model);
    let a = lambda_per_h / mu_per_h;
    let p_wait = erlang_c(c, a);
    let wq_s = p_wait / (f64::from(c) * mu_per_h - lambda_per_h) * 3600.0;

    let waited = |calls: &[CallRecord]| {
        calls
            .iter()
            .filter(|c| c.queue_wait_s().unwrap() > 0.0)
            .count() as f64
            / calls.len() as f64
    };
    let waits = |calls: &[CallRecord]| {
        mean(
            &calls
                .iter()
                .map(|c| c.queue_wait_s().unwrap())
                .collect::<Vec<_>>(),
        )
        .unwrap()
    };
    let complete: Vec<Vec<CallRecord>> = run
        .replications
        .iter()
        .map(|r| {
            r.calls
                .iter()
                .filter(|c| c.first_assigned_s.is_some())
                .cloned()
                .collect()
        })
        .collect();
    let (p_sim, p_se) = across(&complete.iter().map(|c| waited(c)).collect::<Vec<_>>());
    let (w_sim, w_se) = across(&complete.iter().map(|c| waits(c)).collect::<Vec<_>>());
    println!(
        "c={c} rho={rho}: P(wait) sim {p_sim:.4} ± {p_se:.4} vs Erlang C {p_wait:.4}; \
         Wq sim {w_sim:.1} s ± {w_se:.1} vs {wq_s:.1} s"
    );
    // Four standard errors of the across-replication mean: fails by chance about 1 in 16,000.
    assert!(
        (p_sim - p_wait).abs() < 4.0 * p_se,
        "P(wait) {p_sim} vs {p_wait} (se {p_se})"
    );
    assert!(
        (w_sim - wq_s).abs() < 4.0 * w_se,
        "Wq {w_sim} vs {wq_s} (se {w_se})"
    );
    // And the run is long enough that the tolerance is tight.
    assert!(
        p_se < 0.02 * p_wait.max(0.1) + 0.005,
        "too short a run: se {p_se}"
    );
}

#[test]
fn erlang_c_formula_itself() {
    // Textbook value: c = 2, a = 1 gives C = 1/3.
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    // A single server: C = rho.
    assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
}

#[test]
fn mmc_at_half_load_matches_erlang_c() {
    check_load(4, 0.5);
}

#[test]
fn mmc_at_high_load_matches_erlang_c() {
    check_load(4, 0.85);
}

#[test]
fn hypercube_assumption_on_a_real_grid_is_mmc() {
    // With the whole busy time drawn as one exponential duration (travel included) and units
    // back at their post at once, dispatch on a 10 × 10 grid with 4 posts is M/M/4 again,
    // whatever the travel times.
    let (c, rho, mean_min) = (4u32, 0.8, 30.0);
    let lambda_per_h = rho * f64::from(c) * 60.0 / mean_min;
    let text = format!(
        r#"
name = "hypercube"
seed = 5
replications = 12
days = 400
warmup_hours = 48
[map.grid]
n = 10
posts_per_side = 2
[dispatch]
delay_s = 0
service_includes_travel = true
[demand]
calls_per_hour = {lambda_per_h}
[[incident_types]]
name = "call"
priority = 1
share = 1.0
on_scene = {{ distribution = "exponential", mean_min = {mean_min} }}
[units_per_post]
per_post = 1
"#
    );
    let model = Model::new(Scenario::from_toml(&text, "hypercube.toml", Path::new(".")).unwrap());
    let run = run_replications(&model);
    let p_wait = erlang_c(c, lambda_per_h * mean_min / 60.0);
    let shares: Vec<f64> = run
        .replications
        .iter()
        .map(|r| {
            let served: Vec<_> = r
                .calls
                .iter()
                .filter_map(CallRecord::queue_wait_s)
                .collect();
            served.iter().filter(|&&w| w > 0.0).count() as f64 / served.len() as f64
        })
        .collect();
    let (p_sim, se) = across(&shares);
    println!("hypercube: P(wait) sim {p_sim:.4} ± {se:.4} vs Erlang C {p_wait:.4}");
    assert!(
        (p_sim - p_wait).abs() < 4.0 * se,
        "{p_sim} vs {p_wait} (se {se})"
    );
    // Travel is real: responses are longer than on a single node.
    let mean_response: f64 = run.pooled().all.mean_response_s.unwrap();
    assert!(mean_response > 60.0);
}

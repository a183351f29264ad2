//! More police never look worse: the first check a planner makes. On the default scenario the
//! urban patrol goes 20 → 50 → 80 police per 100k on the same calls (common random numbers:
//! the same seed gives the same calls, types, places, on-scene times and fleeing suspects,
//! whatever the force), and no promise's share may fall by more than 0.3 percentage points,
//! paired by replication. On random small scenarios one crew more never lowers the pooled
//! 5-minute share by more than the noise of the paired differences.

use patrolsim::results::{CallFigures, Summary};
use patrolsim::scenario::{DEFAULT_SCENARIO_TOML, Scenario};
use patrolsim::sim::Model;
use proptest::prelude::*;
use rayon::prelude::*;
use std::path::Path;

const REPLICATIONS: u32 = 10;
const DAYS: u32 = 10;

/// The default scenario with the urban patrol at `ratio` police per 100k, over `DAYS` days.
fn default_at(ratio: u32) -> Model {
    let text = DEFAULT_SCENARIO_TOML
        .replacen(
            "officers_per_100k = 50",
            &format!("officers_per_100k = {ratio}"),
            1,
        )
        .replacen("days = 28", &format!("days = {DAYS}"), 1);
    assert!(text.contains(&format!("officers_per_100k = {ratio}\n")));
    assert!(text.contains(&format!("days = {DAYS}\n")));
    Model::new(Scenario::from_toml(&text, "default.toml", Path::new(".")).unwrap())
}

/// Each replication's figures over all its calls.
fn figures(model: &Model, replications: u32) -> Vec<CallFigures> {
    (0..replications)
        .into_par_iter()
        .map(|r| {
            let out = model.run(r);
            Summary::of(Some(r), &out.calls, &out.units).all
        })
        .collect()
}

/// One promise's share of a replication's figures.
type Share = fn(&CallFigures) -> Option<f64>;

/// Mean and standard error of the paired differences `b[r] − a[r]` of `share`.
fn paired(
    a: &[CallFigures],
    b: &[CallFigures],
    share: impl Fn(&CallFigures) -> Option<f64>,
) -> (f64, f64) {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| share(b).unwrap() - share(a).unwrap())
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[test]
fn more_urban_police_never_lower_a_promise_on_the_default_scenario() {
    let levels = [20, 50, 80];
    let runs: Vec<Vec<CallFigures>> = levels
        .iter()
        .map(|&ratio| figures(&default_at(ratio), REPLICATIONS))
        .collect();
    let promises: [(&str, Share); 3] = [
        ("on scene <= 5 min", |f| f.on_scene_5min_share),
        ("all units <= 10 min", |f| f.reinforcement_10min_share),
        ("cordon <= 30 min", |f| f.cordon_30min_share),
    ];
    let mut falls = Vec::new();
    for (name, share) in promises {
        for step in 0..levels.len() - 1 {
            let (lo, hi) = (&runs[step], &runs[step + 1]);
            let (mean, se) = paired(lo, hi, share);
            println!(
                "{name}: {} -> {} per 100k: {:+.2} pp (se {:.2} pp; {} replications x {DAYS} days)",
                levels[step],
                levels[step + 1],
                100.0 * mean,
                100.0 * se,
                REPLICATIONS
            );
            if mean < -0.003 {
                falls.push(format!(
                    "{name} falls {:.2} pp from {} to {} per 100k",
                    -100.0 * mean,
                    levels[step],
                    levels[step + 1]
                ));
            }
        }
    }
    assert!(falls.is_empty(), "more police look worse: {falls:?}");
}

/// A grid of `n` × `n` nodes with `s` × `s` posts, one listed crew at each, plus `extra` crews
/// at post `at`; one call type needing `needed` crews, a cordon on a share of them when asked.
fn grid_scenario(
    n: u32,
    s: u32,
    rate: u32,
    needed: u32,
    cordon: bool,
    at: u32,
    extra: u32,
) -> Model {
    let mut text = format!(
        "name = \"one-more\"\nseed = {}\nreplications = 1\ndays = 3\nwarmup_hours = 6\n\
         [map.grid]\nn = {n}\nposts_per_side = {s}\n\
         [dispatch]\ndelay_s = 30\nreturning_position = \"on_route\"\n\
         [demand]\ncalls_per_hour = {rate}\nplacement = \"uniform\"\n\
         [[incident_types]]\nname = \"call\"\npriority = 1\nshare = 1\nunits_needed = {needed}\n\
         on_scene = {{ distribution = \"exponential\", mean_min = 20 }}\n",
        n * 1000 + rate
    );
    if cordon {
        text += "[incident_types.cordon]\nring = \"reach\"\nreach_min = 1\nshare = 0.3\n\
                 holding_min = 20\n";
    }
    text += "[units_per_post]\nper_post = 1\n";
    for k in 0..extra {
        text += &format!("[[units]]\nname = \"extra-{k}\"\npost = \"P{at}\"\n");
    }
    Model::new(Scenario::from_toml(&text, "one-more.toml", Path::new(".")).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn one_crew_more_never_lowers_the_5_minute_share_beyond_noise(
        n in 6u32..11,
        s in 1u32..3,
        rate in 2u32..14,
        needed in 1u32..3,
        cordon in any::<bool>(),
        at in 0u32..4,
    ) {
        let at = at % (s * s);
        let base = figures(&grid_scenario(n, s, rate, needed, cordon, at, 2), 6);
        let more = figures(&grid_scenario(n, s, rate, needed, cordon, at, 3), 6);
        let (mean, se) = paired(&base, &more, |f| f.on_scene_5min_share);
        // Dispatching the nearest free crew is not optimal: a crew more can take a call that a
        // better placed one would have had, and leave its area bare for the next (a known
        // anomaly of greedy dispatch). So the bound is the noise of the paired differences,
        // three standard errors, and no more than half a point.
        prop_assert!(
            mean >= -(3.0 * se).min(0.005),
            "one crew more at P{at}: 5-minute share {:+.3} pp (se {:.3} pp)",
            100.0 * mean,
            100.0 * se
        );
    }
}

//! The readable summary printed at the end of a run.

use crate::results::{CallFigures, Summary};
use crate::scenario::Scenario;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

fn secs(v: Option<f64>) -> String {
    v.map_or("-".into(), |s| format!("{s:.0}"))
}

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |s| format!("{:.1}%", 100.0 * s))
}

fn row(label: String, f: &CallFigures) -> Vec<String> {
    vec![
        label,
        f.calls.to_string(),
        secs(f.mean_response_s),
        secs(f.p50_response_s),
        secs(f.p90_response_s),
        secs(f.p95_response_s),
        secs(f.p99_response_s),
        pct(f.on_scene_5min_share),
        pct(f.reinforcement_10min_share),
        secs(f.mean_queue_wait_s),
    ]
}

/// The pooled summary of a run as text: a table by priority, then utilisation.
pub fn summary_text(scenario: &Scenario, pooled: &Summary) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "calls of",
        "calls",
        "mean s",
        "p50 s",
        "p90 s",
        "p95 s",
        "p99 s",
        "on scene <= 5 min",
        "all units <= 10 min",
        "queue wait s",
    ]);
    for p in &pooled.by_priority {
        table.add_row(row(format!("priority {}", p.priority), &p.figures));
    }
    table.add_row(row("all".into(), &pooled.all));
    format!(
        "{name}: {reps} replication(s) x {days:.1} days counted, {units} units\n\
         response time = first arrival - call time (dispatch delay included)\n{table}\n\
         mean unit utilisation (busy / counted time): {util:.3}\n",
        name = scenario.name,
        reps = scenario.replications,
        days = scenario.counted_s() / 86_400.0,
        units = scenario.units.len(),
        util = pooled.mean_utilisation,
    )
}

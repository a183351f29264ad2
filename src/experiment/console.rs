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

/// The staffing arithmetic of the scenario's force, one team a line, with the plan's warnings.
pub fn staffing_text(scenario: &Scenario) -> String {
    let mut out = String::new();
    if scenario.staffing.is_empty() {
        return out;
    }
    let shifts: Vec<String> = scenario
        .shifts
        .iter()
        .map(|s| {
            format!(
                "{} {:02.0}:00 for {:.0} h",
                s.name,
                s.start_s / 3600.0,
                s.duration_s / 3600.0
            )
        })
        .collect();
    out.push_str(&format!("staffing (shifts: {}):\n", shifts.join(", ")));
    for t in &scenario.staffing {
        out.push_str(&format!(
            "  {} ({}): {}\n",
            t.team,
            t.layer.as_str(),
            t.arithmetic()
        ));
        if let Some(w) = &t.warning {
            out.push_str(&format!("  WARNING {}: {w}\n", t.team));
        }
    }
    out
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
    let mut zones: Vec<_> = pooled.by_zone.iter().collect();
    zones.sort_by(|a, b| {
        let share = |z: &&crate::results::ZoneFigures| z.figures.on_scene_5min_share.unwrap_or(0.0);
        share(a).total_cmp(&share(b)).then(a.zone.cmp(&b.zone))
    });
    let worst: Vec<String> = zones
        .iter()
        .take(3)
        .map(|z| {
            format!(
                "{} {} on scene <= 5 min (p90 {} s, {} calls)",
                scenario.map.zones[z.zone as usize].name,
                pct(z.figures.on_scene_5min_share),
                secs(z.figures.p90_response_s),
                z.figures.calls
            )
        })
        .collect();
    format!(
        "{name}: {reps} replication(s) x {days:.1} days counted, {units} units\n\
         response time = first arrival - call time (dispatch delay included)\n{table}\n\
         worst zones: {worst}\n\
         mean unit utilisation (busy / time on duty): {util:.3}\n",
        worst = worst.join("; "),
        name = scenario.name,
        reps = scenario.replications,
        days = scenario.counted_s() / 86_400.0,
        units = scenario.units.len(),
        util = pooled.mean_utilisation,
    )
}

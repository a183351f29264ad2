//! The readable summaries printed at the end of a run, a sweep and a search.

use super::{Experiment, MeanCi, Method, PointFigures, Promise, SearchOutcome, Sweep};
use crate::results::UnitRecord;
use crate::results::{CallFigures, CallPromise, Summary, worst};
use crate::scenario::{Layer, Scenario};
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

/// How each layer's crews spent their time on duty, over all replications.
pub fn layers_text(scenario: &Scenario, units: &[UnitRecord]) -> String {
    let mut out = String::from("time on duty by layer (busy / on patrol or point / returning):\n");
    for layer in [Layer::Point, Layer::Line, Layer::Surface, Layer::Standby] {
        let of_layer: Vec<&UnitRecord> = units
            .iter()
            .filter(|u| scenario.units[u.unit as usize].layer == layer)
            .collect();
        let on_duty: f64 = of_layer.iter().map(|u| u.on_duty_s()).sum();
        if on_duty <= 0.0 {
            continue;
        }
        let share =
            |f: fn(&UnitRecord) -> f64| of_layer.iter().map(|u| f(u)).sum::<f64>() / on_duty;
        let sum = |f: fn(&UnitRecord) -> f64| of_layer.iter().map(|u| f(u)).sum::<f64>();
        // Move-up's figures, only when the scenario moves crews.
        let moves = match &scenario.move_up {
            Some(_) => format!(
                ", {:.0} moves ({:.0} km, {:.1}% of the time)",
                sum(|u| f64::from(u.moves)),
                sum(|u| u.move_up_m) / 1000.0,
                100.0 * share(|u| u.move_up_s),
            ),
            None => String::new(),
        };
        out.push_str(&format!(
            "  {:<8} {:>5.1}% busy, {:>5.1}% on the street, {:>5.1}% returning, {:.0} h overtime{moves}\n",
            layer.as_str(),
            100.0 * share(UnitRecord::busy_s),
            100.0 * share(|u| u.patrol_s),
            100.0 * share(|u| u.returning_s),
            sum(|u| u.overtime_s) / 3600.0,
        ));
    }
    out
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
    // by_zone is in zone order, so its index orders ties as the zones do.
    let zones = pooled
        .by_zone
        .iter()
        .enumerate()
        .map(|(i, z)| (i, CallPromise::OnScene5min.tally(&z.figures)));
    let worst: Vec<String> = worst(zones, 3)
        .into_iter()
        .map(|(i, _)| {
            let z = &pooled.by_zone[i];
            format!(
                "{} {} on scene <= 5 min (p90 {} s, {} calls)",
                scenario.map.zones[z.zone as usize].name,
                pct(z.figures.on_scene_5min_share),
                secs(z.figures.p90_response_s),
                z.figures.calls
            )
        })
        .collect();
    let a = &pooled.all;
    let no_ring = match a.cordon_no_ring_calls {
        0 => String::new(),
        n => format!("; {n} calls with no ring possible (left out)"),
    };
    let cordon = if a.cordon_calls + a.cordon_no_ring_calls > 0 {
        format!(
            "cordon (30 min): {} calls, closed <= 30 min {} (exits held <= 30 min {}), suspect \
             contained {}, mean closure {} s{no_ring}\n",
            a.cordon_calls,
            pct(a.cordon_30min_share),
            pct(a.cordon_exits_held_30min_share),
            pct(a.cordon_contained_share),
            secs(a.mean_cordon_closure_s)
        )
    } else {
        String::new()
    };
    let sealing = match &pooled.sealing {
        Some(f) => format!(
            "sealing ring (10 min): all exits held <= 10 min at {} of {} priority-1 calls, at {} \
             of {} sampled times; mean {} s\n",
            pct(f.at_calls_10min_share),
            f.at_calls,
            pct(f.at_samples_10min_share),
            f.at_samples,
            secs(f.mean_sealed_s)
        ),
        None => String::new(),
    };
    format!(
        "{name}: {reps} replication(s) x {days:.1} days counted, {units} units\n\
         response time = first arrival - call time (dispatch delay included)\n{table}\n\
         worst zones: {worst}\n{cordon}{sealing}\
         mean unit utilisation (busy incl. cordon duty / time on duty): {util:.3}\n",
        worst = if worst.is_empty() {
            "none (every call on scene <= 5 min)".to_owned()
        } else {
            worst.join("; ")
        },
        name = scenario.name,
        reps = scenario.replications,
        days = scenario.counted_s() / 86_400.0,
        units = scenario.units.len(),
        util = pooled.mean_utilisation,
    )
}

fn interval(m: Option<&MeanCi>, show: fn(Option<f64>) -> String) -> String {
    match m {
        None => "-".into(),
        Some(m) if m.low.is_none() => show(Some(m.mean)),
        Some(m) => format!("{} [{}, {}]", show(Some(m.mean)), show(m.low), show(m.high)),
    }
}

/// The sweep's points as text: for all calls and for priority 1, the 5- and 10-minute promises
/// and the 90th response percentile, mean and 95 % interval across replications.
pub fn points_text(sweep: &Sweep, figures: &[PointFigures]) -> String {
    let mut table = Table::new();
    let mut header = vec!["point".to_string()];
    header.extend(sweep.experiment.axes.iter().map(|a| a.text.clone()));
    header.extend(
        [
            "calls of",
            "on scene <= 5 min",
            "all units <= 10 min",
            "p90 response s",
        ]
        .map(String::from),
    );
    table.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    for f in figures.iter().filter(|f| f.priority.is_none_or(|p| p == 1)) {
        let mut row = vec![f.point.to_string()];
        row.extend(sweep.points[f.point].values.iter().map(|v| v.to_string()));
        row.push(f.priority.map_or("all".into(), |p| format!("priority {p}")));
        row.push(interval(f.metrics[0].as_ref(), pct));
        row.push(interval(f.metrics[1].as_ref(), pct));
        row.push(interval(f.metrics[4].as_ref(), secs));
        table.add_row(row);
    }
    format!(
        "{} points, {} (point, replication) pairs; mean [95 % interval] across replications\n\
         {table}\n",
        sweep.points.len(),
        sweep.pairs().count()
    )
}

/// The values a search ran and its answer, as text: a table of the values run, the answer with
/// the target, the confidence rule and the replications, and the monotonicity warning if any.
pub fn search_text(experiment: &Experiment, outcome: &SearchOutcome) -> String {
    let key = &experiment
        .search_key
        .as_ref()
        .expect("a search has a key")
        .text;
    let s = experiment
        .file
        .search
        .as_ref()
        .expect("a search has a section");
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "order",
        key.as_str(),
        "share [95 % interval]",
        "meets",
    ]);
    for (i, e) in outcome.evaluations.iter().enumerate() {
        table.add_row(vec![
            (i + 1).to_string(),
            e.value.to_string(),
            interval(Some(&e.share), pct),
            if e.meets { "yes" } else { "no" }.to_string(),
        ]);
    }
    let promise = match s.promise {
        Promise::OnScene5min => "a unit on scene within 5 min",
        Promise::Reinforcement10min => "every required unit on scene within 10 min",
    };
    let calls = s
        .priority
        .map_or("calls".to_string(), |p| format!("priority-{p} calls"));
    let replications = outcome.evaluations.first().map_or(0, |e| e.replications);
    let target = format!(
        "target: {promise} for >= {} of {calls}, met where the lower end of the 95 % interval \
         across {replications} replications (the same calls at every value) reaches it",
        pct(Some(s.at_least))
    );
    let how = match outcome.method {
        Method::Bisection => "least",
        Method::Scan => "least (scan: every larger value run meets the target)",
    };
    let answer = match &outcome.answer {
        Some(v) => format!("{how} {key} meeting the target: {v} ({target})"),
        None => format!("the target is not met even at the highest {key} ({target})"),
    };
    let mut text = format!("{table}\n{answer}\n");
    for c in &outcome.contradictions {
        let (a, b) = (
            &outcome.evaluations[c.lower],
            &outcome.evaluations[c.higher],
        );
        text.push_str(&format!(
            "{key} = {} does better than {} ({} vs {}; paired difference {:+.1} points, 95 % \
             interval {:+.1} to {:+.1})\n",
            a.value,
            b.value,
            pct(Some(a.share.mean)),
            pct(Some(b.share.mean)),
            100.0 * c.difference.mean,
            100.0 * c.difference.low.unwrap_or(f64::NAN),
            100.0 * c.difference.high.unwrap_or(f64::NAN),
        ));
    }
    if let Some(warning) = outcome.warning() {
        text.push_str(&format!("warning: {warning}\n"));
    }
    text
}

//! Result tables as polars DataFrames, written as Parquet and CSV.

use super::summary::{ON_SCENE_PROMISE_S, REINFORCEMENT_PROMISE_S};
use super::{Assignment, CallRecord, Summary, UnitRecord};
use crate::atomic_file;
use crate::scenario::Scenario;
use polars::prelude::*;
use std::path::Path;

/// The per-call table: one row per counted call of every replication.
pub fn calls_table(scenario: &Scenario, calls: &[CallRecord]) -> PolarsResult<DataFrame> {
    let col = |name: &str, values: Vec<Option<f64>>| Column::new(name.into(), values);
    let time = |f: fn(&CallRecord) -> Option<f64>| calls.iter().map(f).collect::<Vec<_>>();
    let map = &scenario.map;
    DataFrame::new_infer_height(vec![
        Column::new(
            "replication".into(),
            calls.iter().map(|c| c.replication).collect::<Vec<_>>(),
        ),
        Column::new(
            "call_id".into(),
            calls.iter().map(|c| c.call_id).collect::<Vec<_>>(),
        ),
        Column::new(
            "incident_type".into(),
            calls
                .iter()
                .map(|c| {
                    scenario.incident_types[c.incident_type as usize]
                        .name
                        .as_str()
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "priority".into(),
            calls
                .iter()
                .map(|c| u32::from(c.priority))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "call_s".into(),
            calls.iter().map(|c| c.call_s).collect::<Vec<_>>(),
        ),
        Column::new(
            "node".into(),
            calls.iter().map(|c| c.node).collect::<Vec<_>>(),
        ),
        Column::new(
            "zone".into(),
            calls
                .iter()
                .map(|c| map.zones[c.zone as usize].name.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "units_needed".into(),
            calls.iter().map(|c| c.units_needed).collect::<Vec<_>>(),
        ),
        Column::new(
            "units_assigned".into(),
            calls.iter().map(|c| c.units_assigned).collect::<Vec<_>>(),
        ),
        Column::new(
            "first_unit".into(),
            calls
                .iter()
                .map(|c| {
                    c.first_unit
                        .map(|u| scenario.units[u as usize].name.as_str())
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "dispatch_s".into(),
            calls.iter().map(|c| c.dispatch_s).collect::<Vec<_>>(),
        ),
        col("first_assigned_s", time(|c| c.first_assigned_s)),
        col("first_arrival_s", time(|c| c.first_arrival_s)),
        col("all_arrived_s", time(|c| c.all_arrived_s)),
        col("response_s", time(CallRecord::response_s)),
        col("reinforcement_s", time(CallRecord::reinforcement_s)),
        col("queue_wait_s", time(CallRecord::queue_wait_s)),
        col("clear_s", time(|c| c.clear_s)),
        Column::new(
            "on_scene_5min".into(),
            calls
                .iter()
                .map(|c| c.response_s().is_some_and(|r| r <= ON_SCENE_PROMISE_S))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "reinforcement_10min".into(),
            calls
                .iter()
                .map(|c| {
                    (c.units_needed > 1).then(|| {
                        c.reinforcement_s()
                            .is_some_and(|r| r <= REINFORCEMENT_PROMISE_S)
                    })
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "final_state".into(),
            calls.iter().map(|c| c.state.as_str()).collect::<Vec<_>>(),
        ),
    ])
}

/// The assignment table: one row per unit sent to a call, warm-up calls included.
pub fn assignments_table(scenario: &Scenario, rows: &[Assignment]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "replication".into(),
            rows.iter().map(|a| a.replication).collect::<Vec<_>>(),
        ),
        Column::new(
            "call_id".into(),
            rows.iter().map(|a| a.call_id).collect::<Vec<_>>(),
        ),
        Column::new(
            "call_counted".into(),
            rows.iter().map(|a| a.call_counted).collect::<Vec<_>>(),
        ),
        Column::new(
            "unit".into(),
            rows.iter()
                .map(|a| scenario.units[a.unit as usize].name.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "assigned_s".into(),
            rows.iter().map(|a| a.assigned_s).collect::<Vec<_>>(),
        ),
        Column::new(
            "arrival_s".into(),
            rows.iter().map(|a| a.arrival_s).collect::<Vec<_>>(),
        ),
        Column::new(
            "clear_s".into(),
            rows.iter().map(|a| a.clear_s).collect::<Vec<_>>(),
        ),
    ])
}

/// The per-unit table: one row per unit and replication.
pub fn units_table(
    scenario: &Scenario,
    units: &[UnitRecord],
    counted_s: f64,
) -> PolarsResult<DataFrame> {
    let num = |name: &str, f: fn(&UnitRecord) -> f64| {
        Column::new(name.into(), units.iter().map(f).collect::<Vec<_>>())
    };
    let unit = |u: &UnitRecord| &scenario.units[u.unit as usize];
    DataFrame::new_infer_height(vec![
        Column::new(
            "replication".into(),
            units.iter().map(|u| u.replication).collect::<Vec<_>>(),
        ),
        Column::new(
            "unit".into(),
            units
                .iter()
                .map(|u| unit(u).name.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "post".into(),
            units
                .iter()
                .map(|u| scenario.map.posts[unit(u).post].name.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "crew_size".into(),
            units.iter().map(|u| unit(u).crew_size).collect::<Vec<_>>(),
        ),
        num("idle_s", |u| u.idle_s),
        num("en_route_s", |u| u.en_route_s),
        num("on_scene_s", |u| u.on_scene_s),
        num("returning_s", |u| u.returning_s),
        num("busy_s", UnitRecord::busy_s),
        Column::new(
            "utilisation".into(),
            units
                .iter()
                .map(|u| u.busy_s() / counted_s)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "calls_served".into(),
            units.iter().map(|u| u.calls_served).collect::<Vec<_>>(),
        ),
        num("distance_km", |u| u.distance_m / 1000.0),
    ])
}

/// The summary table: one row per replication, then one pooled row (replication null).
pub fn summary_table(summaries: &[Summary]) -> PolarsResult<DataFrame> {
    let opt = |name: &str, f: fn(&Summary) -> Option<f64>| {
        Column::new(name.into(), summaries.iter().map(f).collect::<Vec<_>>())
    };
    let count = |name: &str, f: fn(&Summary) -> usize| {
        Column::new(
            name.into(),
            summaries.iter().map(|s| f(s) as u64).collect::<Vec<_>>(),
        )
    };
    DataFrame::new_infer_height(vec![
        Column::new(
            "replication".into(),
            summaries.iter().map(|s| s.replication).collect::<Vec<_>>(),
        ),
        count("calls", |s| s.all.calls),
        count("reached", |s| s.all.reached),
        opt("mean_response_s", |s| s.all.mean_response_s),
        opt("p50_response_s", |s| s.all.p50_response_s),
        opt("p90_response_s", |s| s.all.p90_response_s),
        opt("p95_response_s", |s| s.all.p95_response_s),
        opt("p99_response_s", |s| s.all.p99_response_s),
        opt("on_scene_5min_share", |s| s.all.on_scene_5min_share),
        count("reinforcement_calls", |s| s.all.reinforcement_calls),
        opt("reinforcement_10min_share", |s| {
            s.all.reinforcement_10min_share
        }),
        opt("mean_queue_wait_s", |s| s.all.mean_queue_wait_s),
        Column::new(
            "mean_utilisation".into(),
            summaries
                .iter()
                .map(|s| s.mean_utilisation)
                .collect::<Vec<_>>(),
        ),
    ])
}

/// Writes `df` as `<stem>.parquet` and `<stem>.csv` in `dir`, each atomically.
pub fn write_table(df: &mut DataFrame, dir: &Path, stem: &str) -> anyhow::Result<()> {
    atomic_file::write(&dir.join(format!("{stem}.parquet")), |w| {
        ParquetWriter::new(w).finish(df)?;
        Ok(())
    })?;
    atomic_file::write(&dir.join(format!("{stem}.csv")), |w| {
        CsvWriter::new(w).finish(df)?;
        Ok(())
    })
}

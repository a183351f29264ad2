//! Result tables as polars DataFrames, written as Parquet and CSV.

use super::summary::{ON_SCENE_PROMISE_S, REINFORCEMENT_PROMISE_S};
use super::{
    Assignment, CORDON_PROMISE_S, CallRecord, SEALING_PROMISE_S, SealingRecord, Summary, UnitRecord,
};
use crate::atomic_file;
use crate::scenario::{Layer, Scenario, TeamStaffing};
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
            "preempted".into(),
            calls.iter().map(|c| c.preempted).collect::<Vec<_>>(),
        ),
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
        Column::new(
            "cordon_exits".into(),
            calls
                .iter()
                .map(|c| c.cordon.map(|k| k.exits))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "cordon_crews".into(),
            calls
                .iter()
                .map(|c| c.cordon.map(|k| k.crews))
                .collect::<Vec<_>>(),
        ),
        col(
            "cordon_closed_s",
            time(|c| c.cordon.and_then(|k| k.closed_s)),
        ),
        col("cordon_closure_s", time(CallRecord::cordon_closure_s)),
        Column::new(
            "cordon_30min".into(),
            calls
                .iter()
                .map(|c| {
                    c.cordon
                        .map(|_| c.cordon_closure_s().is_some_and(|t| t <= CORDON_PROMISE_S))
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "cordon_contained".into(),
            calls
                .iter()
                .map(|c| c.cordon.map(|k| k.contained))
                .collect::<Vec<_>>(),
        ),
        col(
            "cordon_ring_min",
            time(|c| c.cordon.and_then(|k| k.ring_min)),
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
        Column::new(
            "preempted".into(),
            rows.iter().map(|a| a.preempted).collect::<Vec<_>>(),
        ),
    ])
}

/// The per-unit table: one row per unit and replication.
pub fn units_table(scenario: &Scenario, units: &[UnitRecord]) -> PolarsResult<DataFrame> {
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
            "team".into(),
            units
                .iter()
                .map(|u| unit(u).team.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "layer".into(),
            units
                .iter()
                .map(|u| unit(u).layer.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "base".into(),
            units
                .iter()
                .map(|u| unit(u).base.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "crew_size".into(),
            units.iter().map(|u| unit(u).crew_size).collect::<Vec<_>>(),
        ),
        Column::new(
            "shift".into(),
            units
                .iter()
                .map(|u| unit(u).shift.map(|s| scenario.shifts[s].name.as_str()))
                .collect::<Vec<_>>(),
        ),
        num("off_duty_s", |u| u.off_duty_s),
        num("on_duty_s", UnitRecord::on_duty_s),
        num("idle_s", |u| u.idle_s),
        num("patrol_s", |u| u.patrol_s),
        num("en_route_s", |u| u.en_route_s),
        num("on_scene_s", |u| u.on_scene_s),
        num("returning_s", |u| u.returning_s),
        num("busy_s", UnitRecord::busy_s),
        num("overtime_s", |u| u.overtime_s),
        num("utilisation", UnitRecord::utilisation),
        num("street_presence", UnitRecord::street_presence),
        Column::new(
            "calls_served".into(),
            units.iter().map(|u| u.calls_served).collect::<Vec<_>>(),
        ),
        num("distance_km", |u| u.distance_m / 1000.0),
        num("cordon_s", |u| u.cordon_s),
        Column::new(
            "cordons".into(),
            units.iter().map(|u| u.cordons).collect::<Vec<_>>(),
        ),
    ])
}

/// The staffing table: one row per team, every step of the arithmetic.
pub fn staffing_table(scenario: &Scenario) -> PolarsResult<DataFrame> {
    let s = &scenario.staffing;
    let num = |name: &str, f: fn(&TeamStaffing) -> f64| {
        Column::new(name.into(), s.iter().map(f).collect::<Vec<_>>())
    };
    DataFrame::new_infer_height(vec![
        Column::new(
            "team".into(),
            s.iter().map(|t| t.team.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "layer".into(),
            s.iter().map(|t| t.layer.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "residents".into(),
            s.iter().map(|t| t.residents).collect::<Vec<_>>(),
        ),
        Column::new(
            "officers_per_100k".into(),
            s.iter().map(|t| t.officers_per_100k).collect::<Vec<_>>(),
        ),
        num("police", |t| t.police),
        num("auxiliaries", |t| t.auxiliaries),
        num("people_on_roll", |t| t.people_on_roll),
        num("availability", |t| t.availability),
        num("people_per_day", |t| t.people_per_day),
        Column::new(
            "shifts_per_day".into(),
            s.iter()
                .map(|t| t.shifts_per_day as u32)
                .collect::<Vec<_>>(),
        ),
        num("people_per_shift", |t| t.people_per_shift),
        Column::new(
            "crew_size".into(),
            s.iter().map(|t| t.crew_size).collect::<Vec<_>>(),
        ),
        Column::new(
            "crews_per_shift".into(),
            s.iter().map(|t| t.crews_per_shift).collect::<Vec<_>>(),
        ),
        Column::new(
            "plan_minimum".into(),
            s.iter().map(|t| t.plan_minimum).collect::<Vec<_>>(),
        ),
        Column::new(
            "warning".into(),
            s.iter().map(|t| t.warning.as_deref()).collect::<Vec<_>>(),
        ),
    ])
}

/// Crews scheduled on duty at the start of every hour of the run, by layer (shifts, readiness
/// levels and large events applied; overtime not included).
pub fn on_duty_table(scenario: &Scenario) -> PolarsResult<DataFrame> {
    let layers = [Layer::Point, Layer::Line, Layer::Surface, Layer::Standby];
    let hours = (scenario.horizon_s / 3600.0).ceil() as usize;
    let mut counts = vec![[0u32; 4]; hours];
    for unit in &scenario.units {
        let l = layers
            .iter()
            .position(|&l| l == unit.layer)
            .expect("every layer listed");
        for (a, b) in scenario.duty_intervals(unit) {
            // Hours h with a <= h·3600 < b.
            let first = (a / 3600.0).ceil() as usize;
            let last = ((b / 3600.0).ceil() as usize).min(hours);
            for row in &mut counts[first.min(last)..last] {
                row[l] += 1;
            }
        }
    }
    let rows = (0..hours).flat_map(|h| layers.iter().enumerate().map(move |(l, _)| (h, l)));
    let (hour, layer): (Vec<u32>, Vec<&str>) = rows
        .clone()
        .map(|(h, l)| (h as u32, layers[l].as_str()))
        .unzip();
    DataFrame::new_infer_height(vec![
        Column::new("hour_of_run".into(), hour.clone()),
        Column::new(
            "day".into(),
            hour.iter().map(|h| h / 24).collect::<Vec<_>>(),
        ),
        Column::new(
            "hour".into(),
            hour.iter().map(|h| h % 24).collect::<Vec<_>>(),
        ),
        Column::new("layer".into(), layer),
        Column::new(
            "crews_on_duty".into(),
            rows.map(|(h, l)| counts[h][l]).collect::<Vec<_>>(),
        ),
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
        count("cordon_calls", |s| s.all.cordon_calls),
        opt("cordon_30min_share", |s| s.all.cordon_30min_share),
        opt("cordon_contained_share", |s| s.all.cordon_contained_share),
        opt("mean_cordon_closure_s", |s| s.all.mean_cordon_closure_s),
        opt("sealing_at_calls_10min_share", |s| {
            s.sealing.as_ref().and_then(|f| f.at_calls_10min_share)
        }),
        opt("sealing_at_samples_10min_share", |s| {
            s.sealing.as_ref().and_then(|f| f.at_samples_10min_share)
        }),
    ])
}

/// The sealing table: one row per measurement of the area's sealing ring.
pub fn sealing_table(rows: &[SealingRecord]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "replication".into(),
            rows.iter().map(|r| r.replication).collect::<Vec<_>>(),
        ),
        Column::new(
            "time_s".into(),
            rows.iter().map(|r| r.time_s).collect::<Vec<_>>(),
        ),
        Column::new(
            "call_id".into(),
            rows.iter().map(|r| r.call_id).collect::<Vec<_>>(),
        ),
        Column::new(
            "exits".into(),
            rows.iter().map(|r| r.exits).collect::<Vec<_>>(),
        ),
        Column::new(
            "free_crews".into(),
            rows.iter().map(|r| r.free_crews).collect::<Vec<_>>(),
        ),
        Column::new(
            "sealed_after_s".into(),
            rows.iter().map(|r| r.sealed_after_s).collect::<Vec<_>>(),
        ),
        Column::new(
            "sealed_10min".into(),
            rows.iter()
                .map(|r| r.sealed_after_s.is_some_and(|t| t <= SEALING_PROMISE_S))
                .collect::<Vec<_>>(),
        ),
    ])
}

/// Writes `df` as `<stem>.parquet` and `<stem>.csv` in `dir`, each atomically.
pub fn write_table(df: &mut DataFrame, dir: &Path, stem: &str) -> anyhow::Result<()> {
    write_parquet(df, dir, stem)?;
    write_csv(df, dir, stem)
}

/// Writes `df` as `<stem>.parquet` in `dir`, atomically.
pub fn write_parquet(df: &mut DataFrame, dir: &Path, stem: &str) -> anyhow::Result<()> {
    atomic_file::write(&dir.join(format!("{stem}.parquet")), |w| {
        parquet_writer(w).finish(df)?;
        Ok(())
    })
}

/// Writes `df` as `<stem>.csv` in `dir`, atomically.
pub fn write_csv(df: &mut DataFrame, dir: &Path, stem: &str) -> anyhow::Result<()> {
    atomic_file::write(&dir.join(format!("{stem}.csv")), |w| {
        CsvWriter::new(w).finish(df)?;
        Ok(())
    })
}

/// The Parquet writer of every table: Snappy pages, which every Parquet reader takes (pyarrow's
/// default) and which write about 40 % faster than polars' default Zstd for 15 % more bytes.
fn parquet_writer<W: std::io::Write>(w: W) -> ParquetWriter<W> {
    ParquetWriter::new(w).with_compression(ParquetCompression::Snappy)
}

/// Writes a table that comes in batches of rows as `<stem>.parquet` (a row group per batch) and
/// `<stem>.csv` in `dir`, each atomically and in one pass: `batches` hands every batch in order
/// to the function it is given, and `table` turns a batch into a frame. Only one batch is held.
pub fn write_table_batched<T>(
    dir: &Path,
    stem: &str,
    table: impl Fn(&[T]) -> PolarsResult<DataFrame>,
    batches: impl FnOnce(&mut dyn FnMut(&[T]) -> anyhow::Result<()>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let schema = table(&[])?.schema().as_ref().clone();
    atomic_file::write(&dir.join(format!("{stem}.parquet")), |pw| {
        atomic_file::write(&dir.join(format!("{stem}.csv")), |cw| {
            let mut parquet = parquet_writer(&mut *pw).batched(&schema)?;
            let mut csv = CsvWriter::new(&mut *cw).batched(&schema)?;
            batches(&mut |rows| {
                let df = table(rows)?;
                parquet.write_batch(&df)?;
                csv.write_batch(&df)?;
                Ok(())
            })?;
            parquet.finish()?;
            csv.finish()?;
            Ok(())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rows: &[(u32, Option<f64>, &str)]) -> PolarsResult<DataFrame> {
        DataFrame::new_infer_height(vec![
            Column::new("n".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
            Column::new("t".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            Column::new("s".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        ])
    }

    #[test]
    fn a_table_written_in_batches_reads_back_as_the_whole() {
        let rows = [
            (1, Some(0.1), "a"),
            (2, None, "b,c"),
            (3, Some(1e20), ""),
            (4, Some(-2.5), "d"),
            (5, None, "e"),
        ];
        let tmp = tempfile::tempdir().unwrap();
        let (whole, batched) = (tmp.path().join("whole"), tmp.path().join("batched"));
        write_table(&mut frame(&rows).unwrap(), &whole, "t").unwrap();
        write_table_batched(&batched, "t", frame, |batch| {
            rows.chunks(2).try_for_each(&mut *batch)
        })
        .unwrap();
        let read = |p: &Path| std::fs::read(p).unwrap();
        assert_eq!(read(&whole.join("t.csv")), read(&batched.join("t.csv")));
        let parquet = |p: &Path| {
            ParquetReader::new(std::fs::File::open(p).unwrap())
                .finish()
                .unwrap()
        };
        let (a, b) = (
            parquet(&whole.join("t.parquet")),
            parquet(&batched.join("t.parquet")),
        );
        assert!(a.equals_missing(&b), "{a} != {b}");
        assert_eq!(b.height(), 5);
    }

    #[test]
    fn an_empty_batched_table_has_its_header() {
        let tmp = tempfile::tempdir().unwrap();
        write_table_batched(tmp.path(), "t", frame, |_| Ok(())).unwrap();
        let csv = std::fs::read_to_string(tmp.path().join("t.csv")).unwrap();
        assert_eq!(csv, "n,t,s\n");
    }
}

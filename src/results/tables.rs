//! Result tables as polars DataFrames, written as Parquet and CSV.

use super::summary::ON_SCENE_PROMISE_S;
use super::{Assignment, CallRecord, SEALING_PROMISE_S, SealingRecord, Summary, UnitRecord};
use crate::atomic_file;
use crate::scenario::{Layer, Scenario};
use polars::prelude::*;
use std::path::Path;

/// A frame of one row per item of `rows`, built in one pass over them: each column is named
/// after its variable and typed, with the value it takes from the row `r` (the column
/// variables shadow any outer name they share).
macro_rules! frame {
    ($rows:expr, |$r:ident| { $($name:ident : $ty:ty = $value:expr),+ $(,)? }) => {{
        let rows = $rows;
        $(let mut $name: Vec<$ty> = Vec::with_capacity(rows.len());)+
        for $r in rows {
            $($name.push($value);)+
        }
        DataFrame::new_infer_height(vec![$(Column::new(stringify!($name).into(), $name)),+])
    }};
}

/// The per-call table: one row per counted call of every replication.
pub fn calls_table(scenario: &Scenario, calls: &[CallRecord]) -> PolarsResult<DataFrame> {
    let map = &scenario.map;
    let promise = |t: Option<f64>, within_s: f64| t.is_some_and(|t| t <= within_s);
    frame!(calls, |c| {
        replication: u32 = c.replication,
        call_id: u64 = c.call_id,
        incident_type: &str = scenario.incident_types[c.incident_type as usize].name.as_str(),
        priority: u32 = u32::from(c.priority),
        call_s: f64 = c.call_s,
        node: i64 = map.source_id(c.node),
        zone: &str = map.zones[c.zone as usize].name.as_str(),
        x_m: f64 = map.node(c.node).x_m,
        y_m: f64 = map.node(c.node).y_m,
        lon: Option<f64> = map.lon_lat(c.node).map(|p| p.0),
        lat: Option<f64> = map.lon_lat(c.node).map(|p| p.1),
        units_needed: u32 = c.units_needed,
        units_assigned: u32 = c.units_assigned,
        first_unit: Option<&str> = c.first_unit.map(|u| scenario.units[u as usize].name.as_str()),
        dispatch_s: f64 = c.dispatch_s,
        first_assigned_s: Option<f64> = c.first_assigned_s,
        first_arrival_s: Option<f64> = c.first_arrival_s,
        all_arrived_s: Option<f64> = c.all_arrived_s,
        response_s: Option<f64> = c.response_s(),
        reinforcement_s: Option<f64> = c.reinforcement_s(),
        queue_wait_s: Option<f64> = c.queue_wait_s(),
        clear_s: Option<f64> = c.clear_s,
        preempted: u32 = c.preempted,
        on_scene_5min: bool = promise(c.response_s(), ON_SCENE_PROMISE_S),
        reinforcement_10min: Option<bool> = c.reinforcement_10min(),
        final_state: &str = c.state.as_str(),
        cordon_exits: Option<u32> = c.cordon.map(|k| k.exits),
        cordon_crews: Option<u32> = c.cordon.map(|k| k.crews),
        cordon_closed_s: Option<f64> = c.cordon.and_then(|k| k.closed_s),
        cordon_closure_s: Option<f64> = c.cordon_closure_s(),
        cordon_30min: Option<bool> = c.cordon_30min(),
        cordon_contained: Option<bool> = c.cordon.map(|k| k.contained),
        cordon_ring_min: Option<f64> = c.cordon.and_then(|k| k.ring_min),
        cordon_state: Option<&str> = c.cordon.map(|k| k.state().as_str()),
        cordon_held_30min: Option<u32> = c.cordon.map(|k| k.held_30min),
        cordon_held_before_suspect_share: Option<f64> =
            c.cordon.and_then(|k| k.held_before_suspect_share()),
        cordon_released: Option<u32> = c.cordon.map(|k| k.released),
    })
}

/// The assignment table: one row per unit sent to a call, warm-up calls included.
pub fn assignments_table(scenario: &Scenario, rows: &[Assignment]) -> PolarsResult<DataFrame> {
    frame!(rows, |a| {
        replication: u32 = a.replication,
        call_id: u64 = a.call_id,
        call_counted: bool = a.call_counted,
        unit: &str = scenario.units[a.unit as usize].name.as_str(),
        assigned_s: f64 = a.assigned_s,
        arrival_s: Option<f64> = a.arrival_s,
        clear_s: Option<f64> = a.clear_s,
        preempted: bool = a.preempted,
    })
}

/// The per-unit table: one row per unit and replication; with move-up (`[dispatch.move_up]`),
/// also each unit's moves, their driving time and their distance.
pub fn units_table(scenario: &Scenario, units: &[UnitRecord]) -> PolarsResult<DataFrame> {
    let spec = |u: &UnitRecord| &scenario.units[u.unit as usize];
    let mut table = frame!(units, |u| {
        replication: u32 = u.replication,
        unit: &str = spec(u).name.as_str(),
        team: &str = spec(u).team.as_str(),
        layer: &str = spec(u).layer.as_str(),
        base: &str = spec(u).base.as_str(),
        crew_size: u32 = spec(u).crew_size,
        shift: Option<&str> = spec(u).shift.map(|s| scenario.shifts[s].name.as_str()),
        off_duty_s: f64 = u.off_duty_s,
        on_duty_s: f64 = u.on_duty_s(),
        idle_s: f64 = u.idle_s,
        patrol_s: f64 = u.patrol_s,
        en_route_s: f64 = u.en_route_s,
        on_scene_s: f64 = u.on_scene_s,
        returning_s: f64 = u.returning_s,
        busy_s: f64 = u.busy_s(),
        overtime_s: f64 = u.overtime_s,
        utilisation: f64 = u.utilisation(),
        street_presence: f64 = u.street_presence(),
        calls_served: u32 = u.calls_served,
        distance_km: f64 = u.distance_m / 1000.0,
        cordon_s: f64 = u.cordon_s,
        cordons: u32 = u.cordons,
    })?;
    if scenario.move_up.is_some() {
        let moves = frame!(units, |u| {
            moves: u32 = u.moves,
            move_up_s: f64 = u.move_up_s,
            move_up_km: f64 = u.move_up_m / 1000.0,
        })?;
        table.hstack_mut(moves.columns())?;
    }
    Ok(table)
}

/// The staffing table: one row per team, every step of the arithmetic.
pub fn staffing_table(scenario: &Scenario) -> PolarsResult<DataFrame> {
    frame!(&scenario.staffing, |t| {
        team: &str = t.team.as_str(),
        layer: &str = t.layer.as_str(),
        residents: Option<u64> = t.residents,
        officers_per_100k: Option<f64> = t.officers_per_100k,
        police: f64 = t.police,
        auxiliaries: f64 = t.auxiliaries,
        people_on_roll: f64 = t.people_on_roll,
        availability: f64 = t.availability,
        people_per_day: f64 = t.people_per_day,
        shifts_per_day: u32 = t.shifts_per_day as u32,
        people_per_shift: f64 = t.people_per_shift,
        crew_size: u32 = t.crew_size,
        crews_per_shift: u32 = t.crews_per_shift,
        plan_minimum: Option<f64> = t.plan_minimum,
        warning: Option<&str> = t.warning.as_deref(),
    })
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
    let sealing =
        |s: &Summary, f: fn(&super::SealingFigures) -> Option<f64>| s.sealing.as_ref().and_then(f);
    frame!(summaries, |s| {
        replication: Option<u32> = s.replication,
        calls: u64 = s.all.calls as u64,
        reached: u64 = s.all.reached as u64,
        mean_response_s: Option<f64> = s.all.mean_response_s,
        p50_response_s: Option<f64> = s.all.p50_response_s,
        p90_response_s: Option<f64> = s.all.p90_response_s,
        p95_response_s: Option<f64> = s.all.p95_response_s,
        p99_response_s: Option<f64> = s.all.p99_response_s,
        on_scene_5min_share: Option<f64> = s.all.on_scene_5min_share,
        reinforcement_calls: u64 = s.all.reinforcement_calls as u64,
        reinforcement_10min_share: Option<f64> = s.all.reinforcement_10min_share,
        mean_queue_wait_s: Option<f64> = s.all.mean_queue_wait_s,
        mean_utilisation: f64 = s.mean_utilisation,
        cordon_calls: u64 = s.all.cordon_calls as u64,
        cordon_no_ring_calls: u64 = s.all.cordon_no_ring_calls as u64,
        cordon_30min_share: Option<f64> = s.all.cordon_30min_share,
        cordon_contained_share: Option<f64> = s.all.cordon_contained_share,
        mean_cordon_closure_s: Option<f64> = s.all.mean_cordon_closure_s,
        cordon_exits_held_30min_share: Option<f64> = s.all.cordon_exits_held_30min_share,
        sealing_at_calls_10min_share: Option<f64> = sealing(s, |f| f.at_calls_10min_share),
        sealing_at_samples_10min_share: Option<f64> = sealing(s, |f| f.at_samples_10min_share),
    })
}

/// The sealing table: one row per measurement of the area's sealing ring.
pub fn sealing_table(rows: &[SealingRecord]) -> PolarsResult<DataFrame> {
    frame!(rows, |r| {
        replication: u32 = r.replication,
        time_s: f64 = r.time_s,
        call_id: Option<u64> = r.call_id,
        exits: u32 = r.exits,
        free_crews: u32 = r.free_crews,
        sealed_after_s: Option<f64> = r.sealed_after_s,
        sealed_10min: bool = r.sealed_after_s.is_some_and(|t| t <= SEALING_PROMISE_S),
    })
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

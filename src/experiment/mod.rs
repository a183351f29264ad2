//! Experiments: replications of a scenario run in parallel, summarised, and written to disk;
//! sweeps over the scenario's keys (`sweep`, with shards and `merge`), and the least-value
//! search (`search`).
//!
//! Replication r always uses the streams of (seed, r) and results are collected in replication
//! order, so the outputs are the same for any number of threads. Replication r of every point of
//! a sweep sees the same calls (common random numbers).
//!
//! Architecture invariant: experiments only call the simulation through [`Model::run`] and the
//! results module's tables; they know nothing of events or units.

mod console;
mod plan;
mod search;
mod stats;
mod stream;
mod sweep;

pub use console::{layers_text, points_text, search_text, staffing_text, summary_text};
pub use plan::{AxisSection, Experiment, ExperimentFile, KeyPath, Point, Promise, SearchSection};
pub use search::{
    Contradiction, Evaluation, Method, SearchOutcome, contradictions, least_from_which_all_meet,
    run_search, write_search,
};
pub use stats::{MeanCi, t_quantile};
pub use stream::{StreamedRun, run_streamed};
pub use sweep::{
    PairResult, PointFigures, RunCounts, Shard, Sweep, SweepError, gather, point_figures,
    points_table, replications_table, run_sweep, saved_pairs, write_sweep,
};

use crate::atomic_file;
use crate::results::{
    Assignment, CallOutcome, CallRecord, PlaceTally, ReplicationOutput, SealingRecord, Summary,
    UnitRecord, assignments_table, calls_table, on_duty_table, sealing_table, staffing_table,
    summary_table, units_table, write_table, write_table_batched,
};
use crate::sim::Model;
use rayon::prelude::*;
use std::path::Path;

/// The file a run writes with its map data's attribution (e.g. OpenStreetMap's ODbL notice),
/// when the map has one.
pub const ATTRIBUTION_FILE: &str = "ATTRIBUTION.txt";

/// The copy of the run's map (a `.pmap` file) a run writes, so its report can draw the map
/// without the scenario's map sources.
pub const MAP_FILE: &str = "map.pmap";

/// Everything a run of a scenario produced.
pub struct RunOutput {
    pub replications: Vec<ReplicationOutput>,
    /// One summary per replication, then the pooled summary.
    pub summaries: Vec<Summary>,
}

impl RunOutput {
    /// The summary over all replications.
    pub fn pooled(&self) -> &Summary {
        self.summaries
            .last()
            .expect("the pooled summary is always there")
    }

    /// The records `part` picks from every replication, in replication order.
    pub fn concat<T: Clone>(&self, part: fn(&ReplicationOutput) -> &[T]) -> Vec<T> {
        concat(&self.replications, part)
    }
}

fn concat<T: Clone>(outputs: &[ReplicationOutput], part: fn(&ReplicationOutput) -> &[T]) -> Vec<T> {
    outputs
        .iter()
        .flat_map(|o| part(o).iter().cloned())
        .collect()
}

/// Runs every replication of `model` on rayon's thread pool and summarises them.
pub fn run_replications(model: &Model) -> RunOutput {
    let replications: Vec<ReplicationOutput> = (0..model.scenario.replications)
        .into_par_iter()
        .map(|r| model.run(r))
        .collect();
    let outcomes: Vec<Vec<CallOutcome>> = replications
        .iter()
        .map(|o| o.calls.iter().map(CallOutcome::of).collect())
        .collect();
    let parts: Vec<Parts> = replications
        .iter()
        .zip(&outcomes)
        .map(|(o, outcomes)| Parts {
            outcomes,
            units: &o.units,
            sealings: &o.sealings,
        })
        .collect();
    let summaries = summarise(model.scenario.sealing.is_some(), &parts);
    RunOutput {
        replications,
        summaries,
    }
}

/// What the summaries need of one replication.
struct Parts<'a> {
    outcomes: &'a [CallOutcome],
    units: &'a [UnitRecord],
    sealings: &'a [SealingRecord],
}

/// One summary per replication, then the pooled summary (with sealing figures when the
/// scenario measures a sealing ring). With one replication the pooled figures are that
/// replication's, so they are not worked out twice.
fn summarise(sealed: bool, replications: &[Parts]) -> Vec<Summary> {
    let mut summaries: Vec<Summary> = replications
        .iter()
        .enumerate()
        .map(|(r, p)| {
            Summary::of_outcomes(Some(r as u32), p.outcomes, p.units)
                .with_sealing(sealed, p.sealings)
        })
        .collect();
    let pooled = match summaries.as_slice() {
        [only] => Summary {
            replication: None,
            ..only.clone()
        },
        _ => {
            let outcomes: Vec<CallOutcome> = replications
                .iter()
                .flat_map(|p| p.outcomes.iter().copied())
                .collect();
            let units: Vec<UnitRecord> = replications
                .iter()
                .flat_map(|p| p.units.iter().cloned())
                .collect();
            let sealings: Vec<SealingRecord> = replications
                .iter()
                .flat_map(|p| p.sealings.iter().cloned())
                .collect();
            Summary::of_outcomes(None, &outcomes, &units).with_sealing(sealed, &sealings)
        }
    };
    summaries.push(pooled);
    summaries
}

/// Rows per batch (and Parquet row group) of the calls and assignments tables; batches never
/// span two replications, so the files do not depend on how the rows were held.
const BATCH_ROWS: usize = 65_536;

/// Hands each batch of rows to a table writer, in order.
type Batches<'a, T> = &'a mut dyn FnMut(&[T]) -> anyhow::Result<()>;

/// Writes the tables of `run` into `dir`: calls, units and summary as Parquet and CSV, the
/// summary as JSON, the assignments, the map copy, the GIS layers of the results by node and
/// zone, and the scenario text. Each file appears whole or not at all.
pub fn write_run(model: &Model, run: &RunOutput, dir: &Path) -> anyhow::Result<()> {
    write_files(
        model,
        dir,
        &run.summaries,
        &run.concat(|o| &o.units),
        &run.concat(|o| &o.sealings),
        |batch| in_batches(run, |o| &o.calls, batch),
        |batch| in_batches(run, |o| &o.assignments, batch),
    )
}

/// Hands `batch` the records `part` picks, replication by replication, in batches.
fn in_batches<T>(
    run: &RunOutput,
    part: fn(&ReplicationOutput) -> &[T],
    batch: Batches<'_, T>,
) -> anyhow::Result<()> {
    run.replications
        .iter()
        .try_for_each(|o| part(o).chunks(BATCH_ROWS).try_for_each(&mut *batch))
}

/// Writes a run's files into `dir`; `calls` and `assignments` hand their tables' rows over in
/// batches. summary.json comes last.
fn write_files(
    model: &Model,
    dir: &Path,
    summaries: &[Summary],
    units: &[UnitRecord],
    sealings: &[SealingRecord],
    calls: impl FnOnce(Batches<'_, CallRecord>) -> anyhow::Result<()>,
    assignments: impl FnOnce(Batches<'_, Assignment>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let scenario = &model.scenario;
    // summary.json marks a finished run: it goes first and comes back last, so a folder whose
    // writing stopped part-way (a full disk) is never read as a finished run.
    let summary = dir.join("summary.json");
    match std::fs::remove_file(&summary) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(anyhow::Error::new(e).context(summary.display().to_string()));
        }
        _ => {}
    }
    // The per-place figures are tallied from the calls as their table is written.
    let mut places = PlaceTally::new(&scenario.map);
    write_table_batched(
        dir,
        "calls",
        |rows| calls_table(scenario, rows),
        |batch| {
            calls(&mut |rows: &[CallRecord]| {
                rows.iter().for_each(|c| places.add_record(c));
                batch(rows)
            })
        },
    )?;
    write_table_batched(
        dir,
        "assignments",
        |rows| assignments_table(scenario, rows),
        assignments,
    )?;
    write_table(&mut units_table(scenario, units)?, dir, "units")?;
    write_table(&mut summary_table(summaries)?, dir, "summary")?;
    write_table(&mut on_duty_table(scenario)?, dir, "on_duty")?;
    if !scenario.staffing.is_empty() {
        write_table(&mut staffing_table(scenario)?, dir, "staffing")?;
    }
    if scenario.sealing.is_some() {
        write_table(&mut sealing_table(sealings)?, dir, "sealing")?;
    }
    if let Some(a) = &scenario.map.attribution {
        atomic_file::write_str(&dir.join(ATTRIBUTION_FILE), &format!("{a}\n"))?;
    }
    crate::map::write_binary_map(&scenario.map, None, &dir.join(MAP_FILE))?;
    places.results(&scenario.map).write(&scenario.map, dir)?;
    atomic_file::write_str(&dir.join("scenario.toml"), &scenario.source_toml)?;
    atomic_file::write(&summary, |w| {
        Ok(serde_json::to_writer_pretty(w, summaries)?)
    })
}

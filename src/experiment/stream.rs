//! A run whose call and assignment records go to disk while the replications play: each
//! replication spills its final records to temporary files beside the outputs and
//! keeps only compact call figures for its summary; the tables are then written batch by batch
//! in replication order. Memory no longer grows with the records' size, only by 40 bytes a call.

use super::{BATCH_ROWS, Parts, summarise, write_files};
use crate::progress;
use crate::results::{
    Assignment, CallOutcome, CallRecord, CordonCrewRecord, RecordSink, SealingRecord, Summary,
    UnitRecord,
};
use crate::sim::Model;
use anyhow::Context;
use indicatif::ProgressBar;
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// What a streamed run keeps in memory: the figures, not the records.
pub struct StreamedRun {
    /// One summary per replication, then the pooled summary.
    pub summaries: Vec<Summary>,
    /// Every replication's unit records, in replication order.
    pub units: Vec<UnitRecord>,
    /// Counted calls over all replications.
    pub calls: usize,
}

impl StreamedRun {
    /// The summary over all replications.
    pub fn pooled(&self) -> &Summary {
        self.summaries
            .last()
            .expect("the pooled summary is always there")
    }
}

/// Runs every replication of `model` on rayon's thread pool and writes the run's files into
/// `dir` (the same bytes as [`super::run_replications`] then [`super::write_run`]), holding
/// one batch of records at a time instead of all of them.
pub fn run_streamed(model: &Model, dir: &Path) -> anyhow::Result<StreamedRun> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create output folder", dir.display()))?;
    let days = simulated_days(model);
    let replications = model.scenario.replications;
    let bar = progress::bar(
        days * u64::from(replications),
        &format!("simulated days ({replications} replications of {days})"),
    );
    let spills: Vec<Spill> = (0..replications)
        .into_par_iter()
        .map(|r| Spill::run(model, r, dir, &bar))
        .collect::<anyhow::Result<_>>()?;
    bar.finish_and_clear();
    let parts: Vec<Parts> = spills
        .iter()
        .map(|s| Parts {
            outcomes: &s.outcomes,
            units: &s.units,
            sealings: &s.sealings,
        })
        .collect();
    let summaries = summarise(model.scenario.sealing.is_some(), &parts);
    let counted = spills.iter().map(|s| s.outcomes.len()).sum();
    let (mut units, mut sealings) = (Vec::new(), Vec::new());
    let (mut calls, mut assignments) = (Vec::new(), Vec::new());
    for mut s in spills {
        units.append(&mut s.units);
        sealings.append(&mut s.sealings);
        calls.push(s.calls);
        assignments.push(s.assignments);
    }
    write_files(
        model,
        dir,
        &summaries,
        &units,
        &sealings,
        |batch| calls.into_iter().try_for_each(|f| f.read(&mut *batch)),
        |batch| {
            assignments
                .into_iter()
                .try_for_each(|f| f.read(&mut *batch))
        },
    )?;
    Ok(StreamedRun {
        summaries,
        units,
        calls: counted,
    })
}

/// Seconds in a simulated day, the step of a run's progress bar.
const DAY_S: f64 = 86_400.0;

/// The days a replication of `model` simulates, warm-up included (a part day counts as one).
fn simulated_days(model: &Model) -> u64 {
    (model.scenario.horizon_s / DAY_S).ceil() as u64
}

/// One replication's records as it left them.
struct Spill<'b> {
    calls: SpillFile<CallRecord>,
    assignments: SpillFile<Assignment>,
    outcomes: Vec<CallOutcome>,
    units: Vec<UnitRecord>,
    sealings: Vec<SealingRecord>,
    /// The run's progress, in simulated days of all replications.
    bar: &'b ProgressBar,
    /// Days of this replication counted on `bar` so far: those before the last final call.
    days_shown: u64,
}

impl<'b> Spill<'b> {
    /// Plays replication `replication` of `model`, spilling into temporary files in `dir` and
    /// counting its simulated days on `bar` as its calls become final (one look at a call's
    /// time per record; the event loop is not touched).
    fn run(
        model: &Model,
        replication: u32,
        dir: &Path,
        bar: &'b ProgressBar,
    ) -> anyhow::Result<Self> {
        let mut spill = Spill {
            calls: SpillFile::new(dir, "calls", replication)?,
            assignments: SpillFile::new(dir, "assignments", replication)?,
            outcomes: Vec::with_capacity(model.expected_records().0),
            units: Vec::new(),
            sealings: Vec::new(),
            bar,
            days_shown: 0,
        };
        model.run_into(replication, &mut spill);
        spill.show_days(simulated_days(model));
        Ok(spill)
    }

    /// Counts this replication's days up to `days` on the bar.
    fn show_days(&mut self, days: u64) {
        if days > self.days_shown {
            self.bar.inc(days - self.days_shown);
            self.days_shown = days;
        }
    }
}

impl RecordSink for Spill<'_> {
    fn call(&mut self, record: CallRecord) {
        self.show_days(record.call_s.div_euclid(DAY_S) as u64);
        self.outcomes.push(CallOutcome::of(&record));
        self.calls.push(&record);
    }

    fn assignment(&mut self, record: Assignment) {
        self.assignments.push(&record);
    }

    /// Cordon crews are no output table (the per-call cordon columns are); they are dropped.
    fn finish(
        &mut self,
        units: Vec<UnitRecord>,
        sealings: Vec<SealingRecord>,
        _cordon_crews: Vec<CordonCrewRecord>,
    ) {
        self.units = units;
        self.sealings = sealings;
    }
}

/// Records of one kind written to a temporary file, read back once in batches. Its name is
/// removed as soon as it is open (where the system allows; else when it is dropped), so nothing
/// is left behind even if the process dies.
struct SpillFile<T> {
    writer: BufWriter<File>,
    /// The file's name, while it still has one.
    path: Option<PathBuf>,
    rows: usize,
    /// The first write error; the sink cannot return it, so reading reports it.
    error: Option<anyhow::Error>,
    kind: std::marker::PhantomData<T>,
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard()
}

impl<T: Serialize + DeserializeOwned> SpillFile<T> {
    /// A new file in `dir`, named `.<kind>.r<replication>.<pid>.spill`.
    fn new(dir: &Path, kind: &str, replication: u32) -> anyhow::Result<Self> {
        let path = dir.join(format!(
            ".{kind}.r{replication}.{}.spill",
            std::process::id()
        ));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .with_context(|| format!("{}: cannot create file", path.display()))?;
        let path = std::fs::remove_file(&path).is_err().then_some(path);
        Ok(SpillFile {
            writer: BufWriter::new(file),
            path,
            rows: 0,
            error: None,
            kind: std::marker::PhantomData,
        })
    }

    fn push(&mut self, record: &T) {
        if self.error.is_none() {
            match bincode::serde::encode_into_std_write(record, &mut self.writer, config()) {
                Ok(_) => self.rows += 1,
                Err(e) => self.error = Some(e.into()),
            }
        }
    }

    /// Hands `batch` the records in the order they were pushed, at most [`BATCH_ROWS`] at once.
    fn read(mut self, batch: &mut dyn FnMut(&[T]) -> anyhow::Result<()>) -> anyhow::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e.context("writing a temporary file of records"));
        }
        self.writer.flush()?;
        let mut reader = BufReader::new(self.writer.get_mut());
        reader.seek(SeekFrom::Start(0))?;
        let mut rows = Vec::with_capacity(self.rows.min(BATCH_ROWS));
        for _ in 0..self.rows {
            rows.push(bincode::serde::decode_from_std_read(&mut reader, config())?);
            if rows.len() == BATCH_ROWS {
                batch(&rows)?;
                rows.clear();
            }
        }
        if !rows.is_empty() {
            batch(&rows)?;
        }
        Ok(())
    }
}

impl<T> Drop for SpillFile<T> {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

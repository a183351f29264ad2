//! Sweeps: every point of an experiment's axes × its replications, run in parallel, each
//! finished (point, replication) saved at once, and tables built from the saved results.
//!
//! A pair's result is a file `pairs/p<point>-r<replication>.json` in the output folder, written
//! atomically when the pair finishes. A sweep started again loads the pairs already there and
//! runs only the others; a shard runs only its share; `merge` gathers the pairs of several
//! folders. The tables are always built from the saved pairs, in (point, replication) order, so
//! they are byte-identical however the pairs were run.

use super::plan::{Experiment, Point};
use super::stats::MeanCi;
use crate::atomic_file;
use crate::memory;
use crate::output_folder::{SWEEP_PAIRS, remove_temporaries};
use crate::results::{CallFigures, Summary, write_table};
use crate::scenario::ScenarioError;
use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Saved results that do not make one whole sweep.
#[derive(Debug, Error)]
pub enum SweepError {
    #[error(
        "{file}: a result of another scenario for point {point} (its scenario changed): use another output folder"
    )]
    Foreign { file: String, point: usize },
    #[error("point {point}, replication {replication}: in both {first} and {second}")]
    Duplicate {
        point: usize,
        replication: u32,
        first: String,
        second: String,
    },
    #[error(
        "{missing} of {total} (point, replication) pairs have no result, first point {point} replication {replication}: run the missing shards first"
    )]
    Incomplete {
        missing: usize,
        total: usize,
        point: usize,
        replication: u32,
    },
    #[error("{0}: no such folder")]
    NoFolder(String),
    #[error("--shard {0}: must be I/N with 0 <= I < N")]
    BadShard(String),
}

/// A share of the (point, replication) pairs: pair k (counting replications fastest) belongs to
/// shard k mod `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// All pairs.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Shard, SweepError> {
        let bad = || SweepError::BadShard(text.to_string());
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (i.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
        if index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// A sweep ready to run: the experiment and its compiled points.
pub struct Sweep {
    pub experiment: Experiment,
    /// The product of the axes, the last axis changing fastest.
    pub points: Vec<Point>,
}

/// The estimate of a sweep of `total` points each like `point`, its models held at once.
fn sweep_estimate(point: &Point, total: usize) -> memory::Estimate {
    let scenario = &point.model.scenario;
    scenario.footprint().in_memory(
        total as u64,
        scenario.replications,
        rayon::current_num_threads(),
    )
}

/// Refuses a sweep of `total` points (axes of `sizes` values) of `replications` each whose
/// models and pair results, as `estimate` has them, would need more memory than the limit,
/// naming the axes or the replications, whichever weighs most.
fn refuse_over_memory(
    experiment: &Experiment,
    estimate: &memory::Estimate,
    replications: u32,
    sizes: &[usize],
    total: usize,
) -> Result<(), ScenarioError> {
    let Some(rule) = estimate.refusal() else {
        return Ok(());
    };
    let (key, value) = if estimate.largest().what == memory::RESULTS {
        ("replications".to_string(), replications.to_string())
    } else {
        let sizes: Vec<String> = sizes.iter().map(usize::to_string).collect();
        (
            "axis".to_string(),
            format!("{} = {total} points", sizes.join(" x ")),
        )
    };
    Err(ScenarioError::Invalid {
        file: experiment.label.clone(),
        key,
        value,
        rule,
    })
}

/// The result of one (point, replication) pair, as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairResult {
    /// The point's scenario fingerprint.
    pub scenario: String,
    pub point: usize,
    pub replication: u32,
    pub summary: Summary,
}

/// What a call to [`run_sweep`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCounts {
    /// Pairs of the shard whose results were already saved.
    pub already_done: usize,
    /// Pairs run now.
    pub ran: usize,
}

impl Sweep {
    /// Compiles every point of `experiment`'s axes; the first bad point is an error and nothing
    /// has run.
    pub fn plan(experiment: Experiment) -> Result<Sweep, ScenarioError> {
        if experiment.axes.is_empty() {
            return Err(ScenarioError::Invalid {
                file: experiment.label.clone(),
                key: "axis".into(),
                value: "[]".into(),
                rule: "a sweep needs at least one [[axis]] with a key and values".into(),
            });
        }
        let sizes: Vec<usize> = experiment
            .file
            .axis
            .iter()
            .map(|a| a.values.len())
            .collect();
        let total = sizes
            .iter()
            .try_fold(1usize, |product, &size| product.checked_mul(size))
            .unwrap_or(usize::MAX);
        let point = |p: usize| {
            // Odometer order: the last axis changes fastest.
            let mut rest = p;
            let mut picks = vec![0; sizes.len()];
            for (a, &size) in sizes.iter().enumerate().rev() {
                picks[a] = rest % size;
                rest /= size;
            }
            let settings: Vec<_> = experiment
                .axes
                .iter()
                .zip(&experiment.file.axis)
                .zip(&picks)
                .map(|((path, axis), &i)| (path, &axis.values[i]))
                .collect();
            experiment.point(&settings)
        };
        // Every point's model is held for the whole sweep: the largest point made so far,
        // times the points, must fit before more are made. Compiled in parallel (maps and
        // search graphs take time), one batch of a point a thread at a time, so that a later,
        // larger point is refused before the rest are made; the first bad point in order is
        // the one reported.
        let first = point(0)?;
        let replications = first.model.scenario.replications;
        let mut largest = sweep_estimate(&first, total);
        let mut points = vec![first];
        loop {
            refuse_over_memory(&experiment, &largest, replications, &sizes, total)?;
            if points.len() == total {
                return Ok(Sweep { experiment, points });
            }
            let batch = points.len()..total.min(points.len() + rayon::current_num_threads());
            let made = batch
                .into_par_iter()
                .map(&point)
                .collect::<Result<Vec<_>, _>>()?;
            for p in &made {
                let estimate = sweep_estimate(p, total);
                if estimate.total() > largest.total() {
                    largest = estimate;
                }
            }
            points.extend(made);
        }
    }

    /// Every (point, replication) pair, replications fastest.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.points
            .iter()
            .enumerate()
            .flat_map(|(p, point)| (0..point.model.scenario.replications).map(move |r| (p, r)))
    }

    /// The pairs of `shard`.
    pub fn shard_pairs(&self, shard: Shard) -> Vec<(usize, u32)> {
        self.pairs()
            .enumerate()
            .filter(|(k, _)| k % shard.count == shard.index)
            .map(|(_, pair)| pair)
            .collect()
    }
}

fn pair_path(dir: &Path, point: usize, replication: u32) -> PathBuf {
    dir.join(SWEEP_PAIRS)
        .join(format!("p{point:05}-r{replication:05}.json"))
}

/// The saved results in `dir` for pairs of `sweep`, checked to belong to its points. Files of
/// pairs beyond the sweep (more replications than asked) are left alone.
pub fn saved_pairs(
    sweep: &Sweep,
    dir: &Path,
) -> anyhow::Result<BTreeMap<(usize, u32), PairResult>> {
    let mut found = BTreeMap::new();
    if !dir.join(SWEEP_PAIRS).is_dir() {
        return Ok(found);
    }
    for (p, r) in sweep.pairs() {
        let path = pair_path(dir, p, r);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(anyhow::Error::new(e).context(path.display().to_string())),
        };
        let pair: PairResult = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: not a saved pair result: {e}", path.display()))?;
        if pair.scenario != sweep.points[p].fingerprint || (pair.point, pair.replication) != (p, r)
        {
            return Err(SweepError::Foreign {
                file: path.display().to_string(),
                point: p,
            }
            .into());
        }
        found.insert((p, r), pair);
    }
    Ok(found)
}

/// Runs the pairs of `shard` that have no saved result in `dir`, in parallel on rayon's pool,
/// saving each as it finishes; shows a progress bar with ETA when stderr is a terminal.
pub fn run_sweep(sweep: &Sweep, dir: &Path, shard: Shard) -> anyhow::Result<RunCounts> {
    // The caller holds `dir` locked: temporaries in it are an interrupted sweep's.
    remove_temporaries(&dir.join(SWEEP_PAIRS))?;
    let saved = saved_pairs(sweep, dir)?;
    let mine = sweep.shard_pairs(shard);
    let already_done = mine.iter().filter(|pair| saved.contains_key(pair)).count();
    let todo: Vec<(usize, u32)> = mine
        .into_iter()
        .filter(|pair| !saved.contains_key(pair))
        .collect();
    let bar = crate::progress::bar(todo.len() as u64, "(point, replication) pairs");
    todo.par_iter().try_for_each(|&(p, r)| {
        let point = &sweep.points[p];
        let pair = PairResult {
            scenario: point.fingerprint.clone(),
            point: p,
            replication: r,
            summary: summarise_replication(point, r),
        };
        atomic_file::write(&pair_path(dir, p, r), |w| {
            Ok(serde_json::to_writer(w, &pair)?)
        })?;
        bar.inc(1);
        anyhow::Ok(())
    })?;
    bar.finish_and_clear();
    Ok(RunCounts {
        already_done,
        ran: todo.len(),
    })
}

/// Runs replication `r` of `point` and summarises it.
pub(crate) fn summarise_replication(point: &Point, r: u32) -> Summary {
    let out = point.model.run(r);
    Summary::of(Some(r), &out.calls, &out.units)
        .with_sealing(point.model.scenario.sealing.is_some(), &out.sealings)
}

/// Every pair's result, gathered from the saved results in `dirs`: each pair must be there
/// exactly once. In (point, replication) order.
pub fn gather(sweep: &Sweep, dirs: &[PathBuf]) -> anyhow::Result<Vec<PairResult>> {
    let mut all: BTreeMap<(usize, u32), (PairResult, &Path)> = BTreeMap::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(SweepError::NoFolder(dir.display().to_string()).into());
        }
        for (key, pair) in saved_pairs(sweep, dir)? {
            if let Some((_, first)) = all.get(&key) {
                return Err(SweepError::Duplicate {
                    point: key.0,
                    replication: key.1,
                    first: first.display().to_string(),
                    second: dir.display().to_string(),
                }
                .into());
            }
            all.insert(key, (pair, dir));
        }
    }
    let total = sweep.pairs().count();
    if let Some((point, replication)) = sweep.pairs().find(|k| !all.contains_key(k)) {
        return Err(SweepError::Incomplete {
            missing: total - all.len(),
            total,
            point,
            replication,
        }
        .into());
    }
    Ok(all.into_values().map(|(pair, _)| pair).collect())
}

/// The call figures of one group of calls in one pair: all calls (priority none) or one
/// priority, with the replication's utilisation for the group of all calls.
struct Row<'a> {
    point: usize,
    replication: u32,
    priority: Option<u8>,
    figures: &'a CallFigures,
    utilisation: Option<f64>,
}

/// How a figure is read from a row.
type Metric = fn(&Row) -> Option<f64>;

/// The figures of the sweep tables: per replication as they are, per point with a 95 % interval.
const METRICS: [(&str, Metric); 9] = [
    ("on_scene_5min_share", |r| r.figures.on_scene_5min_share),
    ("reinforcement_10min_share", |r| {
        r.figures.reinforcement_10min_share
    }),
    ("mean_response_s", |r| r.figures.mean_response_s),
    ("p50_response_s", |r| r.figures.p50_response_s),
    ("p90_response_s", |r| r.figures.p90_response_s),
    ("p95_response_s", |r| r.figures.p95_response_s),
    ("p99_response_s", |r| r.figures.p99_response_s),
    ("mean_queue_wait_s", |r| r.figures.mean_queue_wait_s),
    ("mean_utilisation", |r| r.utilisation),
];

fn rows(pairs: &[PairResult]) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for pair in pairs {
        let s = &pair.summary;
        let row = |priority, figures, utilisation| Row {
            point: pair.point,
            replication: pair.replication,
            priority,
            figures,
            utilisation,
        };
        rows.push(row(None, &s.all, Some(s.mean_utilisation)));
        for p in &s.by_priority {
            rows.push(row(Some(p.priority), &p.figures, None));
        }
    }
    rows
}

/// A column of the points' axis values: integers, numbers, booleans or strings when the values
/// are all of one of these kinds, else their TOML text.
pub(crate) fn axis_column(name: &str, values: Vec<&toml::Value>) -> Column {
    use toml::Value as V;
    let name = name.into();
    if values.iter().all(|v| matches!(v, V::Integer(_))) {
        Column::new(
            name,
            values.iter().map(|v| v.as_integer()).collect::<Vec<_>>(),
        )
    } else if values
        .iter()
        .all(|v| matches!(v, V::Integer(_) | V::Float(_)))
    {
        let num = |v: &&toml::Value| v.as_float().or(v.as_integer().map(|i| i as f64));
        Column::new(name, values.iter().map(num).collect::<Vec<_>>())
    } else if values.iter().all(|v| matches!(v, V::Boolean(_))) {
        Column::new(name, values.iter().map(|v| v.as_bool()).collect::<Vec<_>>())
    } else {
        let text = |v: &&toml::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        Column::new(name, values.iter().map(text).collect::<Vec<_>>())
    }
}

/// The point, axis and group columns of `rows`.
fn key_columns(sweep: &Sweep, keys: &[(usize, Option<u8>)]) -> Vec<Column> {
    let mut columns = vec![Column::new(
        "point".into(),
        keys.iter().map(|k| k.0 as u32).collect::<Vec<_>>(),
    )];
    for (a, axis) in sweep.experiment.axes.iter().enumerate() {
        let values = keys.iter().map(|k| &sweep.points[k.0].values[a]).collect();
        columns.push(axis_column(&axis.text, values));
    }
    columns.push(Column::new(
        "priority".into(),
        keys.iter().map(|k| k.1.map(u32::from)).collect::<Vec<_>>(),
    ));
    columns
}

/// One row per point × replication × group of calls (all calls: priority null; then each
/// priority), with the replication's figures.
pub fn replications_table(sweep: &Sweep, pairs: &[PairResult]) -> PolarsResult<DataFrame> {
    let rows = rows(pairs);
    let keys: Vec<_> = rows.iter().map(|r| (r.point, r.priority)).collect();
    let mut columns = key_columns(sweep, &keys);
    columns.insert(
        sweep.experiment.axes.len() + 1,
        Column::new(
            "replication".into(),
            rows.iter().map(|r| r.replication).collect::<Vec<_>>(),
        ),
    );
    let count = |name: &str, f: fn(&CallFigures) -> usize| {
        Column::new(
            name.into(),
            rows.iter().map(|r| f(r.figures) as u64).collect::<Vec<_>>(),
        )
    };
    columns.push(count("calls", |f| f.calls));
    columns.push(count("reached", |f| f.reached));
    columns.push(count("reinforcement_calls", |f| f.reinforcement_calls));
    for (name, metric) in METRICS {
        columns.push(Column::new(
            name.into(),
            rows.iter().map(metric).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new_infer_height(columns)
}

/// The figures of one point and group across its replications.
pub struct PointFigures {
    pub point: usize,
    pub priority: Option<u8>,
    /// Replications with calls of this group.
    pub replications: usize,
    /// Mean counted calls per replication.
    pub mean_calls: f64,
    /// Mean and 95 % interval of each figure of the tables (share on scene in 5 min, in 10 min,
    /// response mean, p50, p90, p95, p99, queue wait, utilisation), in that order.
    pub metrics: Vec<Option<MeanCi>>,
}

/// Mean and 95 % interval across replications of every figure, per point and group of calls
/// (all calls first, then by priority).
pub fn point_figures(pairs: &[PairResult]) -> Vec<PointFigures> {
    let mut groups: BTreeMap<(usize, Option<u8>), Vec<Row>> = BTreeMap::new();
    for row in rows(pairs) {
        groups
            .entry((row.point, row.priority))
            .or_default()
            .push(row);
    }
    groups
        .into_iter()
        .map(|((point, priority), rows)| {
            let calls: Vec<f64> = rows.iter().map(|r| r.figures.calls as f64).collect();
            PointFigures {
                point,
                priority,
                replications: rows.len(),
                mean_calls: crate::results::mean(&calls).unwrap_or(0.0),
                metrics: METRICS
                    .iter()
                    .map(|(_, metric)| {
                        MeanCi::of(&rows.iter().filter_map(metric).collect::<Vec<_>>())
                    })
                    .collect(),
            }
        })
        .collect()
}

/// One row per point × group of calls: the mean and 95 % interval (`_mean`, `_ci_low`,
/// `_ci_high`) of every figure across replications.
pub fn points_table(sweep: &Sweep, figures: &[PointFigures]) -> PolarsResult<DataFrame> {
    let keys: Vec<_> = figures.iter().map(|f| (f.point, f.priority)).collect();
    let mut columns = key_columns(sweep, &keys);
    columns.push(Column::new(
        "replications".into(),
        figures
            .iter()
            .map(|f| f.replications as u32)
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "mean_calls".into(),
        figures.iter().map(|f| f.mean_calls).collect::<Vec<_>>(),
    ));
    for (i, (name, _)) in METRICS.iter().enumerate() {
        let part = |suffix: &str, f: fn(&MeanCi) -> Option<f64>| {
            Column::new(
                format!("{name}_{suffix}").into(),
                figures
                    .iter()
                    .map(|p| p.metrics[i].as_ref().and_then(f))
                    .collect::<Vec<_>>(),
            )
        };
        columns.push(part("mean", |m| Some(m.mean)));
        columns.push(part("ci_low", |m| m.low));
        columns.push(part("ci_high", |m| m.high));
    }
    DataFrame::new_infer_height(columns)
}

/// Writes the sweep's tables into `dir`: `replications` and `points` as Parquet and CSV, the
/// experiment file as `experiment.toml`, and the map data's attribution if it has one. Returns the point figures.
pub fn write_sweep(
    sweep: &Sweep,
    pairs: &[PairResult],
    dir: &Path,
) -> anyhow::Result<Vec<PointFigures>> {
    let figures = point_figures(pairs);
    write_table(&mut replications_table(sweep, pairs)?, dir, "replications")?;
    write_table(&mut points_table(sweep, &figures)?, dir, "points")?;
    atomic_file::write_str(&dir.join("experiment.toml"), &sweep.experiment.text)?;
    if let Some(a) = sweep
        .points
        .first()
        .and_then(|p| p.model.scenario.map.attribution.as_ref())
    {
        atomic_file::write_str(&dir.join(super::ATTRIBUTION_FILE), &format!("{a}\n"))?;
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse() {
        assert_eq!(Shard::parse("2/3").unwrap(), Shard { index: 2, count: 3 });
        for bad in ["3/3", "1", "a/2", "1/0", "-1/2", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad:?}");
        }
    }
}

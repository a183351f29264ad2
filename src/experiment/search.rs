//! The least-value search: the smallest value of a numeric key (crews per post, officers per
//! 100k) at which a promise holds with confidence, by bisection.
//!
//! Every value is run with the same replications, so the same calls (common random numbers):
//! the comparison between two values is paired, and a monotone key stays monotone in the
//! results far more often than with independent draws.

use super::plan::{Experiment, Promise, SearchSection};
use super::stats::MeanCi;
use super::sweep::{axis_column, summarise_replication};
use crate::atomic_file;
use crate::progress;
use crate::results::{CallFigures, Summary, write_parquet};
use crate::scenario::ScenarioError;
use polars::prelude::*;
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

/// One value the search ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub value: toml::Value,
    pub replications: u32,
    /// Mean counted calls of the target's group per replication.
    pub mean_calls: f64,
    /// The target share across replications.
    pub share: MeanCi,
    /// The target share in each replication, in replication order; none where no call of the
    /// group came.
    pub shares: Vec<Option<f64>>,
    /// Whether the lower end of the 95 % interval reaches the target.
    pub meets: bool,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOutcome {
    /// The least value found that meets the target; none if even the highest does not.
    pub answer: Option<toml::Value>,
    /// Every value run, in the order it was run.
    pub evaluations: Vec<Evaluation>,
    /// How the values were chosen.
    pub method: Method,
    /// The pairs of values run that contradict monotonicity; empty when none do.
    pub contradictions: Vec<Contradiction>,
}

/// The key's range: integers bisect on integers, anything else on numbers.
#[derive(Debug, Clone, Copy)]
enum Range {
    Integer(i64, i64),
    Number(f64, f64),
}

impl Range {
    fn width(self) -> f64 {
        match self {
            Range::Integer(lo, hi) => (hi - lo) as f64,
            Range::Number(lo, hi) => hi - lo,
        }
    }

    fn ends(self) -> (toml::Value, toml::Value) {
        match self {
            Range::Integer(lo, hi) => (lo.into(), hi.into()),
            Range::Number(lo, hi) => (lo.into(), hi.into()),
        }
    }

    fn middle(self) -> toml::Value {
        match self {
            Range::Integer(lo, hi) => (lo + (hi - lo) / 2).into(),
            Range::Number(lo, hi) => (0.5 * (lo + hi)).into(),
        }
    }

    /// The most middles bisection runs before the range is `tolerance` wide (the upper half
    /// is never narrower than the lower one).
    fn most_middles(mut self, tolerance: f64) -> u64 {
        let mut middles = 0;
        while self.width() > tolerance {
            self = self.keep(false);
            middles += 1;
        }
        middles
    }

    /// The half that still holds the answer, given whether the middle meets the target.
    fn keep(self, middle_meets: bool) -> Range {
        match (self, self.middle()) {
            (Range::Integer(lo, hi), toml::Value::Integer(m)) => {
                if middle_meets {
                    Range::Integer(lo, m)
                } else {
                    Range::Integer(m, hi)
                }
            }
            (Range::Number(lo, hi), toml::Value::Float(m)) => {
                if middle_meets {
                    Range::Number(lo, m)
                } else {
                    Range::Number(m, hi)
                }
            }
            _ => unreachable!("the middle has the range's kind"),
        }
    }
}

/// Checks the `[search]` section and returns the range and the tolerance.
fn check(experiment: &Experiment, s: &SearchSection) -> Result<(Range, f64), ScenarioError> {
    let invalid = |key: &str, value: &dyn std::fmt::Display, rule: &str| ScenarioError::Invalid {
        file: experiment.label.clone(),
        key: format!("search.{key}"),
        value: value.to_string(),
        rule: rule.to_string(),
    };
    let number = |key: &str, v: &toml::Value| {
        v.as_float()
            .or(v.as_integer().map(|i| i as f64))
            .filter(|x| x.is_finite())
            .ok_or_else(|| invalid(key, v, "must be a number"))
    };
    let (low, high) = (number("low", &s.low)?, number("high", &s.high)?);
    if low >= high {
        return Err(invalid("high", &s.high, "must be above search.low"));
    }
    let range = match (&s.low, &s.high) {
        (toml::Value::Integer(lo), toml::Value::Integer(hi)) => Range::Integer(*lo, *hi),
        _ => Range::Number(low, high),
    };
    let tolerance = match (s.tolerance, range) {
        (Some(t), _) if t.is_finite() && t > 0.0 => t,
        (Some(t), _) => return Err(invalid("tolerance", &t, "must be > 0")),
        (None, Range::Integer(..)) => 1.0,
        (None, Range::Number(..)) => {
            return Err(invalid(
                "tolerance",
                &"(none)",
                "give the bracket width to stop at when search.low or search.high is not an integer",
            ));
        }
    };
    if !(s.at_least > 0.0 && s.at_least <= 1.0) {
        return Err(invalid(
            "at_least",
            &s.at_least,
            "must be a share in (0, 1]",
        ));
    }
    if let Some(p) = s.priority.filter(|p| !(1..=9).contains(p)) {
        return Err(invalid("priority", &p, "must be 1 to 9"));
    }
    Ok((range, tolerance))
}

/// The calls of the target's group (a priority, or all) in one replication's summary.
fn group(summary: &Summary, priority: Option<u8>) -> Option<&CallFigures> {
    match priority {
        None => Some(&summary.all),
        Some(p) => summary
            .by_priority
            .iter()
            .find(|f| f.priority == p)
            .map(|f| &f.figures),
    }
}

/// How the values to run are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Bisection between `low` and `high`: few values, right when compliance never falls as the
    /// key rises.
    Bisection,
    /// Every value from `low` to `high` in steps of the tolerance (`high` included): for keys
    /// that may not be monotone. The answer is the least value from which every larger value
    /// run meets the target.
    Scan,
}

/// Two values run whose results contradict monotonicity: the lower value's share is above the
/// higher value's beyond the 95 % interval of their paired difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contradiction {
    /// Index in [`SearchOutcome::evaluations`] of the lower value.
    pub lower: usize,
    /// Index of the higher value.
    pub higher: usize,
    /// The lower value's share minus the higher value's, paired by replication (the same calls),
    /// with its 95 % interval; its lower end is above zero.
    pub difference: MeanCi,
}

/// The key's value as a number (checked numeric before any value is run).
fn numeric(v: &toml::Value) -> f64 {
    v.as_float()
        .or(v.as_integer().map(|i| i as f64))
        .expect("search values are numbers")
}

/// Every pair of values run that contradicts monotonicity (compliance never falls as the key
/// rises), lower value first, in the order of the lower then the higher value. Two values are
/// compared replication by replication (every value runs the same replications, so the same
/// calls): the pair contradicts when the 95 % interval of the mean paired difference, the lower
/// value's share minus the higher value's, lies wholly above zero.
pub fn contradictions(evaluations: &[Evaluation]) -> Vec<Contradiction> {
    let mut order: Vec<usize> = (0..evaluations.len()).collect();
    order.sort_by(|&a, &b| {
        numeric(&evaluations[a].value).total_cmp(&numeric(&evaluations[b].value))
    });
    let mut found = Vec::new();
    for (i, &lower) in order.iter().enumerate() {
        for &higher in &order[i + 1..] {
            let (a, b) = (&evaluations[lower], &evaluations[higher]);
            if numeric(&a.value) == numeric(&b.value) {
                continue;
            }
            let paired: Vec<f64> = a
                .shares
                .iter()
                .zip(&b.shares)
                .filter_map(|(x, y)| Some((*x)? - (*y)?))
                .collect();
            if let Some(difference) = MeanCi::of(&paired)
                && difference.low.is_some_and(|low| low > 0.0)
            {
                found.push(Contradiction {
                    lower,
                    higher,
                    difference,
                });
            }
        }
    }
    found
}

/// The least value run from which every larger value run meets the target; none if the
/// highest value run does not.
pub fn least_from_which_all_meet(evaluations: &[Evaluation]) -> Option<toml::Value> {
    let mut by_value: Vec<&Evaluation> = evaluations.iter().collect();
    by_value.sort_by(|a, b| numeric(&a.value).total_cmp(&numeric(&b.value)));
    by_value
        .iter()
        .rev()
        .take_while(|e| e.meets)
        .last()
        .map(|e| e.value.clone())
}

/// The most values a scan may run: each is a run of every replication, so more would take
/// days (and their list alone would fill the memory at a billion).
pub const MAX_SCAN_VALUES: u64 = 10_000;

/// How many values a scan of `range` in steps of `step` runs (as [`grid`] makes them), refused
/// above [`MAX_SCAN_VALUES`] before the list is made.
fn scan_length(experiment: &Experiment, range: Range, step: f64) -> Result<u64, ScenarioError> {
    let steps = match range {
        Range::Integer(..) => range.width() / step.round().max(1.0),
        Range::Number(..) => range.width() / step - 1e-3,
    };
    let values = steps.ceil().max(0.0) + 1.0;
    if values > MAX_SCAN_VALUES as f64 {
        return Err(ScenarioError::Invalid {
            file: experiment.label.clone(),
            key: "search.tolerance".into(),
            value: step.to_string(),
            rule: format!(
                "a scan from search.low to search.high in these steps runs {values:.0} values; \
                 at most {MAX_SCAN_VALUES} (raise the tolerance)"
            ),
        });
    }
    Ok(values as u64)
}

/// The values a scan runs: `low`, `low + step`, … below `high`, then `high`.
fn grid(range: Range, step: f64) -> Vec<toml::Value> {
    match range {
        Range::Integer(lo, hi) => {
            let step = (step.round() as i64).max(1);
            let mut values: Vec<toml::Value> =
                (lo..hi).step_by(step as usize).map(Into::into).collect();
            values.push(hi.into());
            values
        }
        Range::Number(lo, hi) => {
            // Values closer to `high` than a thousandth of a step are `high` itself.
            let count = ((hi - lo) / step - 1e-3).ceil().max(0.0) as u64;
            let mut values: Vec<toml::Value> =
                (0..count).map(|i| (lo + i as f64 * step).into()).collect();
            values.push(hi.into());
            values
        }
    }
}

/// Runs the search of `experiment`'s `[search]` section by `method`. Bad settings, a value the
/// scenario refuses, or a target group with no calls are a [`ScenarioError`].
pub fn run_search(experiment: &Experiment, method: Method) -> Result<SearchOutcome, ScenarioError> {
    let Some(s) = &experiment.file.search else {
        return Err(ScenarioError::Invalid {
            file: experiment.label.clone(),
            key: "search".into(),
            value: "(none)".into(),
            rule: "a search needs a [search] section (key, low, high, promise, at_least)".into(),
        });
    };
    let (mut range, tolerance) = check(experiment, s)?;
    let key = experiment.search_key.as_ref().expect("checked with search");
    // The low end is compiled here and the high end before it runs: a bad value at either end
    // is reported before anything runs.
    let (low, high) = range.ends();
    let replications = experiment
        .point(&[(key, &low)])?
        .model
        .scenario
        .replications;
    if replications < 2 {
        return Err(ScenarioError::Invalid {
            file: experiment.label.clone(),
            key: "replications".into(),
            value: replications.to_string(),
            rule: "a search needs >= 2 replications for a confidence interval".into(),
        });
    }
    let most_values = match method {
        Method::Scan => scan_length(experiment, range, tolerance)?,
        Method::Bisection => 2 + range.most_middles(tolerance),
    };
    let bar = progress::bar(
        most_values * u64::from(replications),
        &format!("replications (at most {most_values} values x {replications})"),
    );
    let mut evaluations = Vec::new();
    let mut evaluate = |value: toml::Value| -> Result<bool, ScenarioError> {
        let point = experiment.point(&[(key, &value)])?;
        point
            .model
            .scenario
            .footprint()
            .in_memory(1, replications, rayon::current_num_threads())
            .check(&point.label)?;
        let summaries: Vec<Summary> = (0..replications)
            .into_par_iter()
            .map(|r| {
                let summary = summarise_replication(&point, r);
                bar.inc(1);
                summary
            })
            .collect();
        let groups: Vec<Option<&CallFigures>> =
            summaries.iter().map(|m| group(m, s.priority)).collect();
        let shares: Vec<Option<f64>> = groups
            .iter()
            .map(|&f| match s.promise {
                Promise::OnScene5min => f?.on_scene_5min_share,
                Promise::Reinforcement10min => f?.reinforcement_10min_share,
            })
            .collect();
        let Some(share) = MeanCi::of(&shares.iter().flatten().copied().collect::<Vec<_>>()) else {
            return Err(no_such_calls(experiment, s, replications, &value));
        };
        let meets = share.low.is_some_and(|low| low >= s.at_least);
        let calls: f64 = groups.iter().flatten().map(|f| f.calls as f64).sum();
        evaluations.push(Evaluation {
            value,
            replications,
            mean_calls: calls / f64::from(replications),
            share,
            shares,
            meets,
        });
        Ok(meets)
    };
    let answer = match method {
        Method::Scan => {
            for value in grid(range, tolerance) {
                evaluate(value)?;
            }
            least_from_which_all_meet(&evaluations)
        }
        Method::Bisection => {
            if !evaluate(high)? {
                None
            } else if evaluate(low.clone())? {
                Some(low)
            } else {
                // The answer is above the range's low end (fails) and at most its high end
                // (meets).
                while range.width() > tolerance {
                    let meets = evaluate(range.middle())?;
                    range = range.keep(meets);
                }
                Some(range.ends().1)
            }
        }
    };
    bar.finish_and_clear();
    Ok(SearchOutcome {
        answer,
        contradictions: contradictions(&evaluations),
        evaluations,
        method,
    })
}

/// The error for a target group that had no calls at `value`: nothing to search.
fn no_such_calls(
    experiment: &Experiment,
    s: &SearchSection,
    replications: u32,
    value: &toml::Value,
) -> ScenarioError {
    let key = &experiment
        .search_key
        .as_ref()
        .expect("checked with search")
        .text;
    let of_priority = s
        .priority
        .map_or(String::new(), |p| format!(" of priority {p}"));
    let at = format!("in the {replications} replications at {key} = {value}: nothing to search");
    let (field, shown, rule) = match s.promise {
        Promise::Reinforcement10min => (
            "promise",
            "\"reinforcement_10min\"".to_string(),
            format!("no call{of_priority} needed more than one unit {at}"),
        ),
        Promise::OnScene5min => match s.priority {
            Some(p) => (
                "priority",
                p.to_string(),
                format!("no call{of_priority} came {at}"),
            ),
            None => (
                "promise",
                "\"on_scene_5min\"".to_string(),
                format!("no call came {at}"),
            ),
        },
    };
    ScenarioError::Invalid {
        file: experiment.label.clone(),
        key: format!("search.{field}"),
        value: shown,
        rule,
    }
}

impl SearchOutcome {
    /// The warning when the values run contradict monotonicity, naming every contradicting
    /// pair; none when they do not.
    pub fn warning(&self) -> Option<String> {
        if self.contradictions.is_empty() {
            return None;
        }
        let pairs: Vec<String> = self
            .contradictions
            .iter()
            .map(|c| {
                format!(
                    "{} and {}",
                    self.evaluations[c.lower].value, self.evaluations[c.higher].value
                )
            })
            .collect();
        Some(format!(
            "not monotone between {}: the answer may be wrong",
            pairs.join(", ")
        ))
    }

    /// For each value run, the values it contradicts monotonicity with.
    fn contradicted_by(&self, index: usize) -> Vec<&toml::Value> {
        self.contradictions
            .iter()
            .filter_map(|c| match (c.lower == index, c.higher == index) {
                (true, _) => Some(&self.evaluations[c.higher].value),
                (_, true) => Some(&self.evaluations[c.lower].value),
                _ => None,
            })
            .collect()
    }
}

/// Writes the evaluated values as `search.parquet` and `search.csv` (one row per value run, in
/// order; a column `not_monotone_with` names the values each contradicts monotonicity with, and
/// when there are such, the CSV ends with the warning line) and the experiment file as
/// `experiment.toml` into `dir`.
pub fn write_search(
    experiment: &Experiment,
    outcome: &SearchOutcome,
    dir: &Path,
) -> anyhow::Result<()> {
    let evals = &outcome.evaluations;
    let key = experiment.search_key.as_ref().expect("checked with search");
    let share = |name: &str, f: fn(&MeanCi) -> Option<f64>| {
        Column::new(
            name.into(),
            evals.iter().map(|e| f(&e.share)).collect::<Vec<_>>(),
        )
    };
    let not_monotone_with: Vec<Option<String>> = (0..evals.len())
        .map(|i| {
            let values = outcome.contradicted_by(i);
            (!values.is_empty()).then(|| {
                values
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(";")
            })
        })
        .collect();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("order".into(), (1..=evals.len() as u32).collect::<Vec<_>>()),
        axis_column(&key.text, evals.iter().map(|e| &e.value).collect()),
        Column::new(
            "replications".into(),
            evals.iter().map(|e| e.replications).collect::<Vec<_>>(),
        ),
        Column::new(
            "mean_calls".into(),
            evals.iter().map(|e| e.mean_calls).collect::<Vec<_>>(),
        ),
        share("share_mean", |m| Some(m.mean)),
        share("share_ci_low", |m| m.low),
        share("share_ci_high", |m| m.high),
        Column::new(
            "meets".into(),
            evals.iter().map(|e| e.meets).collect::<Vec<_>>(),
        ),
        Column::new("not_monotone_with".into(), not_monotone_with),
    ])?;
    write_parquet(&mut df, dir, "search")?;
    atomic_file::write(&dir.join("search.csv"), |w| {
        CsvWriter::new(&mut *w).finish(&mut df)?;
        if let Some(warning) = outcome.warning() {
            writeln!(w, "{warning}")?;
        }
        Ok(())
    })?;
    atomic_file::write_str(&dir.join("experiment.toml"), &experiment.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An evaluation of `value` with these per-replication shares, meeting a target of 90 %.
    fn evaluation(value: i64, shares: &[f64]) -> Evaluation {
        let share = MeanCi::of(shares).unwrap();
        Evaluation {
            value: value.into(),
            replications: shares.len() as u32,
            mean_calls: 100.0,
            share,
            shares: shares.iter().map(|s| Some(*s)).collect(),
            meets: share.low.unwrap() >= 0.9,
        }
    }

    fn pairs(evaluations: &[Evaluation]) -> Vec<(i64, i64)> {
        contradictions(evaluations)
            .iter()
            .map(|c| {
                let v = |i: usize| evaluations[i].value.as_integer().unwrap();
                (v(c.lower), v(c.higher))
            })
            .collect()
    }

    #[test]
    fn a_lower_value_doing_better_beyond_the_interval_is_flagged() {
        // The sequence: 16 does better than 27 in every replication (paired differences
        // 1.5, 1.5, 2.5, 2 points: mean 1.875, 95 % interval about 1.1 to 2.6 points).
        let run = [
            evaluation(50, &[0.93, 0.92, 0.94, 0.93]),
            evaluation(27, &[0.915, 0.905, 0.915, 0.90]),
            evaluation(16, &[0.93, 0.92, 0.94, 0.92]),
            evaluation(13, &[0.90, 0.89, 0.91, 0.90]),
            evaluation(10, &[0.80, 0.82, 0.81, 0.79]),
        ];
        assert_eq!(pairs(&run), vec![(16, 27)]);
        let c = contradictions(&run)[0];
        assert!((c.difference.mean - 0.01875).abs() < 1e-12);
        assert!(c.difference.low.unwrap() > 0.0);
        let outcome = SearchOutcome {
            answer: Some(13.into()),
            evaluations: run.to_vec(),
            method: Method::Bisection,
            contradictions: contradictions(&run),
        };
        assert_eq!(
            outcome.warning().as_deref(),
            Some("not monotone between 16 and 27: the answer may be wrong")
        );
        assert_eq!(outcome.contradicted_by(1), vec![&toml::Value::from(16)]);
        assert_eq!(outcome.contradicted_by(2), vec![&toml::Value::from(27)]);
        assert!(outcome.contradicted_by(0).is_empty());
    }

    #[test]
    fn a_monotone_run_is_not_flagged() {
        // Rising shares; and a lower value ahead in the mean only by noise (paired differences
        // +2, -2, +2, -1 points: mean +0.25, 95 % interval about -3 to +3.5 points).
        let rising = [
            evaluation(10, &[0.80, 0.82, 0.81, 0.79]),
            evaluation(20, &[0.90, 0.91, 0.89, 0.90]),
            evaluation(30, &[0.95, 0.94, 0.96, 0.95]),
        ];
        assert!(pairs(&rising).is_empty());
        let noisy = [
            evaluation(16, &[0.94, 0.90, 0.94, 0.91]),
            evaluation(27, &[0.92, 0.92, 0.92, 0.92]),
        ];
        assert!(noisy[0].share.mean > noisy[1].share.mean);
        assert!(pairs(&noisy).is_empty());
        let outcome = SearchOutcome {
            answer: Some(20.into()),
            evaluations: rising.to_vec(),
            method: Method::Bisection,
            contradictions: contradictions(&rising),
        };
        assert_eq!(outcome.warning(), None);
    }

    #[test]
    fn the_comparison_is_paired_by_replication() {
        // Replications differ a lot (busy and quiet weeks), so the two values' own intervals
        // overlap widely; but with the same calls 16 is a point ahead of 27 in every one.
        let run = [
            evaluation(16, &[0.95, 0.85, 0.90, 0.80]),
            evaluation(27, &[0.94, 0.84, 0.89, 0.79]),
        ];
        assert!(run[0].share.low.unwrap() < run[1].share.high.unwrap());
        assert_eq!(pairs(&run), vec![(16, 27)]);
        // A replication with no call of the group is left out of the pairs, not counted as 0.
        let mut gap = run.to_vec();
        gap[1].shares[3] = None;
        assert_eq!(pairs(&gap), vec![(16, 27)]);
    }

    #[test]
    fn the_scan_answer_is_the_least_value_from_which_all_larger_meet() {
        let meets = |flags: &[bool]| -> Vec<Evaluation> {
            flags
                .iter()
                .enumerate()
                .map(|(i, &m)| {
                    let mut e = evaluation(i as i64 + 1, &[0.5, 0.5]);
                    e.meets = m;
                    e
                })
                .collect()
        };
        let answer = |flags: &[bool]| {
            least_from_which_all_meet(&meets(flags)).map(|v| v.as_integer().unwrap())
        };
        // 2 meets but 3 does not: the answer is 4, not 2.
        assert_eq!(answer(&[false, true, false, true, true]), Some(4));
        assert_eq!(answer(&[true, true, true]), Some(1));
        assert_eq!(answer(&[true, true, false]), None);
        // The order values were run in does not matter.
        let mut shuffled = meets(&[false, true, false, true, true]);
        shuffled.reverse();
        shuffled.swap(0, 2);
        assert_eq!(
            least_from_which_all_meet(&shuffled).and_then(|v| v.as_integer()),
            Some(4)
        );
    }

    #[test]
    fn the_scan_grid_steps_by_the_tolerance_and_ends_at_high() {
        let ints = |lo, hi, step| -> Vec<i64> {
            grid(Range::Integer(lo, hi), step)
                .iter()
                .map(|v| v.as_integer().unwrap())
                .collect()
        };
        assert_eq!(
            ints(5, 50, 5.0),
            vec![5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
        );
        assert_eq!(ints(1, 10, 4.0), vec![1, 5, 9, 10]);
        assert_eq!(ints(1, 3, 1.0), vec![1, 2, 3]);
        let floats = |lo, hi, step| -> Vec<f64> {
            grid(Range::Number(lo, hi), step)
                .iter()
                .map(|v| v.as_float().unwrap())
                .collect()
        };
        assert_eq!(floats(0.0, 1.0, 0.25), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(
            floats(0.0, 1.0, 0.3),
            vec![0.0, 0.3, 0.6, 0.8999999999999999, 1.0]
        );
    }
}

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
use crate::results::{CallFigures, Summary, write_table};
use crate::scenario::ScenarioError;
use polars::prelude::*;
use rayon::prelude::*;
use std::path::Path;

/// One value the search ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub value: toml::Value,
    pub replications: u32,
    /// Mean counted calls of the target's group per replication.
    pub mean_calls: f64,
    /// The target share across replications; none if no call of the group came.
    pub share: Option<MeanCi>,
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

/// Runs the search of `experiment`'s `[search]` section. Bad settings, or a value the scenario
/// refuses, are a [`ScenarioError`].
pub fn run_search(experiment: &Experiment) -> Result<SearchOutcome, ScenarioError> {
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
    let mut evaluations = Vec::new();
    let mut evaluate = |value: toml::Value| -> Result<bool, ScenarioError> {
        let point = experiment.point(&[(key, &value)])?;
        let summaries: Vec<Summary> = (0..replications)
            .into_par_iter()
            .map(|r| summarise_replication(&point, r))
            .collect();
        let groups: Vec<&CallFigures> = summaries
            .iter()
            .filter_map(|m| group(m, s.priority))
            .collect();
        let shares: Vec<f64> = groups
            .iter()
            .filter_map(|f| match s.promise {
                Promise::OnScene5min => f.on_scene_5min_share,
                Promise::Reinforcement10min => f.reinforcement_10min_share,
            })
            .collect();
        let share = MeanCi::of(&shares);
        let meets = share
            .and_then(|c| c.low)
            .is_some_and(|low| low >= s.at_least);
        let calls: f64 = groups.iter().map(|f| f.calls as f64).sum();
        evaluations.push(Evaluation {
            value,
            replications,
            mean_calls: calls / f64::from(replications),
            share,
            meets,
        });
        Ok(meets)
    };
    if !evaluate(high)? {
        return Ok(SearchOutcome {
            answer: None,
            evaluations,
        });
    }
    if evaluate(low.clone())? {
        return Ok(SearchOutcome {
            answer: Some(low),
            evaluations,
        });
    }
    // The answer is above the range's low end (fails) and at most its high end (meets).
    while range.width() > tolerance {
        let meets = evaluate(range.middle())?;
        range = range.keep(meets);
    }
    Ok(SearchOutcome {
        answer: Some(range.ends().1),
        evaluations,
    })
}

/// Writes the evaluated values as `search.parquet` and `search.csv` (one row per value run, in
/// order) and the experiment file as `experiment.toml` into `dir`.
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
            evals
                .iter()
                .map(|e| e.share.as_ref().and_then(f))
                .collect::<Vec<_>>(),
        )
    };
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
    ])?;
    write_table(&mut df, dir, "search")?;
    atomic_file::write_str(&dir.join("experiment.toml"), &experiment.text)
}

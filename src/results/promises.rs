//! The plan's promises as the summaries measure them, and where they break: how many calls (or
//! moments) each promise applies to and holds for, per group (all calls, a priority, a zone, an
//! hour of day), and the groups where it holds least. The console and the report both use these.

use super::{CallFigures, SealingFigures, Summary};

/// A promise the plan makes for each call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallPromise {
    /// First unit on scene within 5 minutes of the call (of all calls).
    OnScene5min,
    /// Every required unit on scene within 10 minutes (of the calls that need more than one).
    Reinforcement10min,
    /// Every exit of the cordon held within 30 minutes (of the calls whose type orders one).
    Cordon30min,
}

impl CallPromise {
    /// The three promises, in the plan's order.
    pub const ALL: [CallPromise; 3] = [
        CallPromise::OnScene5min,
        CallPromise::Reinforcement10min,
        CallPromise::Cordon30min,
    ];

    /// The calls table's column saying whether the promise held for a call (null where it
    /// does not apply).
    pub fn column(self) -> &'static str {
        match self {
            CallPromise::OnScene5min => "on_scene_5min",
            CallPromise::Reinforcement10min => "reinforcement_10min",
            CallPromise::Cordon30min => "cordon_30min",
        }
    }

    /// The calls of `f` the promise applies to and those it held for.
    pub fn tally(self, f: &CallFigures) -> Tally {
        match self {
            CallPromise::OnScene5min => Tally::of_share(f.calls, f.on_scene_5min_share),
            CallPromise::Reinforcement10min => {
                Tally::of_share(f.reinforcement_calls, f.reinforcement_10min_share)
            }
            CallPromise::Cordon30min => Tally::of_share(f.cordon_calls, f.cordon_30min_share),
        }
    }
}

/// What one row of the promise table measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// A promise per call.
    Call(CallPromise),
    /// The 10-minute sealing ring, measured at the dispatch of priority-1 calls.
    SealingAtCalls,
    /// The 10-minute sealing ring, measured at sampled times.
    SealingAtSamples,
}

impl Measure {
    /// The measurements of `s` this row counts and those within the promise; none when the
    /// summary has no sealing figures and the row is the sealing ring's.
    pub fn tally(self, s: &Summary) -> Option<Tally> {
        let sealing = |f: fn(&SealingFigures) -> Tally| s.sealing.as_ref().map(f);
        match self {
            Measure::Call(p) => Some(p.tally(&s.all)),
            Measure::SealingAtCalls => {
                sealing(|f| Tally::of_share(f.at_calls, f.at_calls_10min_share))
            }
            Measure::SealingAtSamples => {
                sealing(|f| Tally::of_share(f.at_samples, f.at_samples_10min_share))
            }
        }
    }
}

/// How many calls (or moments) a promise applied to and how many it held for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub applies: usize,
    pub held: usize,
}

impl Tally {
    /// The tally behind a summary's `share` of `applies`. The share is `held / applies`
    /// computed in f64, so rounding its product with `applies` gives `held` back exactly.
    pub fn of_share(applies: usize, share: Option<f64>) -> Tally {
        Tally {
            applies,
            held: share.map_or(0, |s| (s * applies as f64).round() as usize),
        }
    }

    /// Counts one more call (or moment), held or not.
    pub fn add(&mut self, held: bool) {
        self.applies += 1;
        self.held += usize::from(held);
    }

    /// Share held; none when the promise applied to nothing.
    pub fn share(self) -> Option<f64> {
        (self.applies > 0).then(|| self.held as f64 / self.applies as f64)
    }

    /// Calls (or moments) the promise did not hold for.
    pub fn breaks(self) -> usize {
        self.applies - self.held
    }
}

/// Up to `n` groups where the promise breaks, worst first: least share held, then most
/// breaks, then the groups' order. Groups without a break are left out.
pub fn worst<K: Ord>(groups: impl IntoIterator<Item = (K, Tally)>, n: usize) -> Vec<(K, Tally)> {
    let mut breaking: Vec<(K, Tally)> =
        groups.into_iter().filter(|(_, t)| t.breaks() > 0).collect();
    breaking.sort_by(|(ka, a), (kb, b)| {
        let share = |t: &Tally| t.share().unwrap_or(0.0);
        share(a)
            .total_cmp(&share(b))
            .then(b.breaks().cmp(&a.breaks()))
            .then(ka.cmp(kb))
    });
    breaking.truncate(n);
    breaking
}

/// One row of the promise table: a promise over all calls or one priority's, pooled over the
/// replications, with each replication's share for the interval across them.
#[derive(Clone, Debug, PartialEq)]
pub struct PromiseRow {
    pub measure: Measure,
    /// The priority, or none for all calls.
    pub priority: Option<u8>,
    /// Pooled over all replications.
    pub pooled: Tally,
    /// Each replication's share (replications where the promise applied to nothing left out).
    pub per_replication: Vec<f64>,
}

/// The promise table of a run from its per-replication summaries and the pooled one: each
/// call promise over all calls, then over each priority it applies to (when it applies to more
/// than one); then the sealing ring at priority-1 dispatches and at sampled times, when it was
/// measured. Rows that apply to nothing are left out.
pub fn promise_rows(replications: &[Summary], pooled: &Summary) -> Vec<PromiseRow> {
    let per_replication = |figure: &dyn Fn(&Summary) -> Option<Tally>| -> Vec<f64> {
        replications
            .iter()
            .filter_map(|s| figure(s)?.share())
            .collect()
    };
    let mut rows = Vec::new();
    let mut push = |measure, priority, figure: &dyn Fn(&Summary) -> Option<Tally>| {
        if let Some(t) = figure(pooled).filter(|t| t.applies > 0) {
            rows.push(PromiseRow {
                measure,
                priority,
                pooled: t,
                per_replication: per_replication(figure),
            });
        }
    };
    for promise in CallPromise::ALL {
        push(Measure::Call(promise), None, &|s| {
            Some(promise.tally(&s.all))
        });
        // By priority only where the promise applies to more than one: else the one
        // priority's row would repeat the row of all calls.
        let priorities: Vec<u8> = pooled
            .by_priority
            .iter()
            .filter(|p| promise.tally(&p.figures).applies > 0)
            .map(|p| p.priority)
            .collect();
        if priorities.len() > 1 {
            for priority in priorities {
                push(Measure::Call(promise), Some(priority), &|s| {
                    let f = s.by_priority.iter().find(|f| f.priority == priority)?;
                    Some(promise.tally(&f.figures))
                });
            }
        }
    }
    for measure in [Measure::SealingAtCalls, Measure::SealingAtSamples] {
        push(measure, None, &|s| measure.tally(s));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_comes_back_from_its_share() {
        for applies in [1, 3, 7, 1000, 123_457] {
            for held in [0, 1, applies / 3, applies - 1, applies] {
                let t = Tally { applies, held };
                assert_eq!(Tally::of_share(applies, t.share()), t);
            }
        }
        assert_eq!(Tally::of_share(0, None), Tally::default());
    }

    #[test]
    fn worst_groups_hold_least_and_break_most() {
        let t = |applies, held| Tally { applies, held };
        let groups = [
            ("a", t(10, 9)),
            ("b", t(4, 2)),
            ("c", t(8, 8)),
            ("d", t(20, 10)),
            ("e", t(3, 0)),
        ];
        let worst = worst(groups, 3);
        let keys: Vec<&str> = worst.iter().map(|(k, _)| *k).collect();
        // e holds none; b and d hold half, d with more breaks; c never breaks.
        assert_eq!(keys, ["e", "d", "b"]);
        assert_eq!(worst[1].1.breaks(), 10);
    }
}

//! Summaries of call and unit records: response percentiles, the share of calls that meet each
//! promise, queue waits and utilisation; per replication and over all replications.

use super::{CORDON_PROMISE_S, CallRecord, SEALING_PROMISE_S, SealingRecord, UnitRecord};
use serde::{Deserialize, Serialize};

/// The 5-minute promise: first unit on scene within this many seconds of the call.
pub const ON_SCENE_PROMISE_S: f64 = 300.0;
/// The 10-minute promise: every required unit on scene within this many seconds of the call.
pub const REINFORCEMENT_PROMISE_S: f64 = 600.0;

/// Figures for one set of calls (all, or one priority).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallFigures {
    /// Counted calls.
    pub calls: usize,
    /// Calls a unit reached before the run ended.
    pub reached: usize,
    pub mean_response_s: Option<f64>,
    pub p50_response_s: Option<f64>,
    pub p90_response_s: Option<f64>,
    pub p95_response_s: Option<f64>,
    pub p99_response_s: Option<f64>,
    /// Share of calls with a unit on scene within 5 minutes; a call no unit reached fails.
    pub on_scene_5min_share: Option<f64>,
    /// Calls that need reinforcement (more than one unit).
    pub reinforcement_calls: usize,
    /// Share of those with every required unit on scene within 10 minutes.
    pub reinforcement_10min_share: Option<f64>,
    /// Mean wait in the queue for the first unit, after the dispatch delay.
    pub mean_queue_wait_s: Option<f64>,
    /// Calls with a cordon ring (a suspect fled; the ring has exits).
    #[serde(default)]
    pub cordon_calls: usize,
    /// Calls whose suspect fled but whose ring has no exit (no cordon possible): left out of
    /// the cordon shares.
    #[serde(default)]
    pub cordon_no_ring_calls: usize,
    /// Share of the cordon calls whose every exit was held within 30 minutes of the call; a
    /// ring held only in part fails.
    #[serde(default)]
    pub cordon_30min_share: Option<f64>,
    /// Share of those where every exit was held before the suspect could reach it.
    #[serde(default)]
    pub cordon_contained_share: Option<f64>,
    /// Mean time from the call until the last exit was held, over the rings that closed.
    #[serde(default)]
    pub mean_cordon_closure_s: Option<f64>,
    /// Exits held within 30 minutes of the call ÷ exits, over the cordon calls: how much of
    /// the rings was held, closed or not.
    #[serde(default)]
    pub cordon_exits_held_30min_share: Option<f64>,
}

/// Figures for the calls of one priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityFigures {
    pub priority: u8,
    #[serde(flatten)]
    pub figures: CallFigures,
}

/// A summary of one replication, or of all of them pooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The replication, or none for all of them pooled.
    pub replication: Option<u32>,
    #[serde(flatten)]
    pub all: CallFigures,
    pub by_priority: Vec<PriorityFigures>,
    /// Mean over units of busy time (assignment to clear) ÷ time on duty.
    pub mean_utilisation: f64,
    /// Figures by zone, in the map's zone order (zones with no calls left out).
    pub by_zone: Vec<ZoneFigures>,
    /// The sealing ring's measurements, when the scenario has one.
    #[serde(default)]
    pub sealing: Option<SealingFigures>,
}

/// How often the free crews could hold every boundary exit within 10 minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealingFigures {
    /// Measurements at the dispatch of priority-1 calls.
    pub at_calls: usize,
    /// Share of those within 10 minutes (a ring the free crews cannot hold fails).
    pub at_calls_10min_share: Option<f64>,
    /// Measurements at sampled times.
    pub at_samples: usize,
    pub at_samples_10min_share: Option<f64>,
    /// Mean time to hold every exit over all measurements that could.
    pub mean_sealed_s: Option<f64>,
}

impl SealingFigures {
    /// Figures over `records`.
    pub fn of(records: &[SealingRecord]) -> Self {
        let within = |r: &&&SealingRecord| r.sealed_after_s.is_some_and(|t| t <= SEALING_PROMISE_S);
        let (calls, samples): (Vec<&SealingRecord>, Vec<&SealingRecord>) =
            records.iter().partition(|r| r.call_id.is_some());
        let sealed: Vec<f64> = records.iter().filter_map(|r| r.sealed_after_s).collect();
        SealingFigures {
            at_calls: calls.len(),
            at_calls_10min_share: share(calls.iter().filter(within).count(), calls.len()),
            at_samples: samples.len(),
            at_samples_10min_share: share(samples.iter().filter(within).count(), samples.len()),
            mean_sealed_s: mean(&sealed),
        }
    }
}

/// Figures for the calls in one zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneFigures {
    /// Index into the map's zones.
    pub zone: u32,
    #[serde(flatten)]
    pub figures: CallFigures,
}

/// What the summaries need of one counted call: 40 bytes against a whole record's 150 or so,
/// so a long run keeps these instead of its records and its percentiles stay exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallOutcome {
    /// First arrival − call time; NaN when no unit arrived.
    response_s: f64,
    /// Queue wait for the first unit; NaN when none was assigned.
    queue_wait_s: f64,
    /// Last exit held − call time; NaN when there is no cordon or it did not close.
    cordon_closure_s: f64,
    zone: u32,
    priority: u8,
    /// More than one unit needed.
    reinforcement: bool,
    /// Every required unit on scene within 10 minutes.
    reinforced_10min: bool,
    /// The call has a cordon ring.
    cordon: bool,
    /// The call's suspect fled but no ring was possible.
    no_ring: bool,
    /// Every exit held before the suspect could reach it.
    contained: bool,
    /// The ring's exits, and those held within 30 minutes.
    cordon_exits: u32,
    cordon_held_30min: u32,
}

impl CallOutcome {
    /// The figures of `call`.
    pub fn of(call: &CallRecord) -> Self {
        let or_nan = |v: Option<f64>| v.unwrap_or(f64::NAN);
        CallOutcome {
            response_s: or_nan(call.response_s()),
            queue_wait_s: or_nan(call.queue_wait_s()),
            cordon_closure_s: or_nan(call.cordon_closure_s()),
            zone: call.zone,
            priority: call.priority,
            reinforcement: call.units_needed > 1,
            reinforced_10min: call
                .reinforcement_s()
                .is_some_and(|r| r <= REINFORCEMENT_PROMISE_S),
            cordon: call.cordon.is_some_and(|k| k.exits > 0),
            no_ring: call.cordon.is_some_and(|k| k.exits == 0),
            contained: call.cordon.is_some_and(|k| k.contained),
            cordon_exits: call.cordon.map_or(0, |k| k.exits),
            cordon_held_30min: call.cordon.map_or(0, |k| k.held_30min),
        }
    }

    fn response_s(&self) -> Option<f64> {
        (!self.response_s.is_nan()).then_some(self.response_s)
    }

    fn queue_wait_s(&self) -> Option<f64> {
        (!self.queue_wait_s.is_nan()).then_some(self.queue_wait_s)
    }

    fn cordon_closure_s(&self) -> Option<f64> {
        (!self.cordon_closure_s.is_nan()).then_some(self.cordon_closure_s)
    }
}

impl CallFigures {
    /// Figures over `calls`.
    pub fn of<'a>(calls: impl Iterator<Item = &'a CallOutcome> + Clone) -> Self {
        let mut responses: Vec<f64> = calls.clone().filter_map(|c| c.response_s()).collect();
        // Values equal by `total_cmp` are equal bit for bit, so an unstable sort gives the
        // same order.
        responses.sort_unstable_by(f64::total_cmp);
        let n = calls.clone().count();
        let met_5 = calls
            .clone()
            .filter(|c| c.response_s().is_some_and(|r| r <= ON_SCENE_PROMISE_S))
            .count();
        let reinforcement = calls.clone().filter(|c| c.reinforcement);
        let reinforcement_calls = reinforcement.clone().count();
        let met_10 = reinforcement.filter(|c| c.reinforced_10min).count();
        let cordons = calls.clone().filter(|c| c.cordon);
        let cordon_calls = cordons.clone().count();
        let closures: Vec<f64> = cordons
            .clone()
            .filter_map(|c| c.cordon_closure_s())
            .collect();
        let closed_30 = closures.iter().filter(|&&t| t <= CORDON_PROMISE_S).count();
        let contained = cordons.clone().filter(|c| c.contained).count();
        let exits: u32 = cordons.clone().map(|c| c.cordon_exits).sum();
        let held_30min: u32 = cordons.map(|c| c.cordon_held_30min).sum();
        let no_ring = calls.clone().filter(|c| c.no_ring).count();
        let waits: Vec<f64> = calls.filter_map(|c| c.queue_wait_s()).collect();
        CallFigures {
            calls: n,
            reached: responses.len(),
            mean_response_s: mean(&responses),
            p50_response_s: percentile(&responses, 50.0),
            p90_response_s: percentile(&responses, 90.0),
            p95_response_s: percentile(&responses, 95.0),
            p99_response_s: percentile(&responses, 99.0),
            on_scene_5min_share: share(met_5, n),
            reinforcement_calls,
            reinforcement_10min_share: share(met_10, reinforcement_calls),
            mean_queue_wait_s: mean(&waits),
            cordon_calls,
            cordon_no_ring_calls: no_ring,
            cordon_30min_share: share(closed_30, cordon_calls),
            cordon_contained_share: share(contained, cordon_calls),
            mean_cordon_closure_s: mean(&closures),
            cordon_exits_held_30min_share: share(held_30min as usize, exits as usize),
        }
    }
}

impl Summary {
    /// Summarises `calls` and `units` (already restricted to one replication, or pooled).
    pub fn of(replication: Option<u32>, calls: &[CallRecord], units: &[UnitRecord]) -> Self {
        let outcomes: Vec<CallOutcome> = calls.iter().map(CallOutcome::of).collect();
        Self::of_outcomes(replication, &outcomes, units)
    }

    /// Summarises the calls' `outcomes` and `units`, like [`Summary::of`] their records.
    pub fn of_outcomes(
        replication: Option<u32>,
        calls: &[CallOutcome],
        units: &[UnitRecord],
    ) -> Self {
        let distinct = |values: &mut dyn Iterator<Item = u32>| -> Vec<u32> {
            values
                .collect::<std::collections::BTreeSet<u32>>()
                .into_iter()
                .collect()
        };
        let priorities = distinct(&mut calls.iter().map(|c| u32::from(c.priority)));
        let zones = distinct(&mut calls.iter().map(|c| c.zone));
        let utilisation: Vec<f64> = units.iter().map(UnitRecord::utilisation).collect();
        let all = CallFigures::of(calls.iter());
        // A group that holds every call has the figures of all calls.
        let figures = |groups: usize, of: &dyn Fn() -> CallFigures| {
            if groups == 1 { all.clone() } else { of() }
        };
        Summary {
            replication,
            by_priority: priorities
                .iter()
                .map(|&p| PriorityFigures {
                    priority: p as u8,
                    figures: figures(priorities.len(), &|| {
                        CallFigures::of(calls.iter().filter(|c| u32::from(c.priority) == p))
                    }),
                })
                .collect(),
            mean_utilisation: mean(&utilisation).unwrap_or(0.0),
            by_zone: zones
                .iter()
                .map(|&z| ZoneFigures {
                    zone: z,
                    figures: figures(zones.len(), &|| {
                        CallFigures::of(calls.iter().filter(|c| c.zone == z))
                    }),
                })
                .collect(),
            sealing: None,
            all,
        }
    }

    /// The summary with the figures of the sealing-ring measurements `records` (none when
    /// the scenario measures none).
    pub fn with_sealing(mut self, measured: bool, records: &[SealingRecord]) -> Self {
        self.sealing = measured.then(|| SealingFigures::of(records));
        self
    }
}

/// Arithmetic mean; none for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The `p`-th percentile of sorted values, interpolating linearly between closest ranks (the
/// default of numpy and R type 7); none for no values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p / 100.0 * last as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64))
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(percentile(&v, 50.0), Some(3.0));
        assert!((percentile(&v, 90.0).unwrap() - 7.6).abs() < 1e-12);
        assert_eq!(percentile(&v, 100.0), Some(10.0));
        assert_eq!(percentile(&[], 50.0), None);
    }
}

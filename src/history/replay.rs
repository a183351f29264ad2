//! A history as a scenario's demand: its calls at their historical times, places and types,
//! placed on the simulated clock (time 0 is local midnight of the start date).

use super::{CallHistory, HistoryError, ImportReport};
use crate::map::NodeId;
use crate::sim::NewCall;
use chrono::{NaiveDate, TimeZone};

/// One historical call on the simulated clock.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ReplayedCall {
    call_s: f64,
    node: NodeId,
    incident_type: u16,
    on_scene_s: Option<f64>,
}

/// The calls a scenario replays, with what was left out and why.
#[derive(Debug, Clone)]
pub struct HistoryReplay {
    /// The history file, as named in messages.
    pub file: String,
    /// The local date whose midnight is simulated time 0.
    pub start: NaiveDate,
    /// Calls of the history before time 0, and after the horizon: not replayed.
    pub before_start: usize,
    pub after_end: usize,
    /// What the import skipped or corrected.
    pub report: ImportReport,
    /// Replayed calls, sorted by time.
    calls: Vec<ReplayedCall>,
}

impl HistoryReplay {
    /// Places `history` on the simulated clock from local midnight of `start` (the first
    /// call's date when `None`) to `horizon_s`. `spec_file` and `key` name the start date in
    /// errors.
    pub fn new(
        history: CallHistory,
        start: Option<&str>,
        horizon_s: f64,
        spec_file: &str,
        key: &str,
    ) -> Result<HistoryReplay, HistoryError> {
        let start = match start {
            Some(text) => {
                NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| HistoryError::Invalid {
                    file: spec_file.to_string(),
                    key: key.to_string(),
                    value: format!("{text:?}"),
                    rule: "not a date YYYY-MM-DD".into(),
                })?
            }
            None => history
                .calls
                .iter()
                .map(|c| c.local.date())
                .min()
                .expect("an imported history has calls"),
        };
        let zero = history
            .time_zone
            .from_local_datetime(&start.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .earliest()
            .expect("local midnight exists in every IANA zone on the dates of police records")
            .with_timezone(&chrono::Utc);
        let mut calls = Vec::with_capacity(history.calls.len());
        let (mut before_start, mut after_end) = (0, 0);
        for c in &history.calls {
            let call_s = (c.utc - zero).as_seconds_f64();
            if call_s < 0.0 {
                before_start += 1;
            } else if call_s > horizon_s {
                after_end += 1;
            } else {
                calls.push(ReplayedCall {
                    call_s,
                    node: c.node,
                    incident_type: c.incident_type,
                    on_scene_s: c.on_scene_s,
                });
            }
        }
        calls.sort_by(|a, b| a.call_s.total_cmp(&b.call_s));
        Ok(HistoryReplay {
            file: history.file,
            start,
            before_start,
            after_end,
            report: history.report,
            calls,
        })
    }

    /// Number of calls replayed.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call falls in the simulated period.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The calls of one replication: on-scene times from the records, or from `draw(type)`
    /// where a record has none.
    pub fn new_calls(&self, mut draw: impl FnMut(u16) -> f64) -> Vec<NewCall> {
        self.calls
            .iter()
            .map(|c| NewCall {
                call_s: c.call_s,
                node: c.node,
                incident_type: c.incident_type,
                on_scene_s: c.on_scene_s.unwrap_or_else(|| draw(c.incident_type)),
            })
            .collect()
    }

    /// Calls per hour for each hour of the day, averaged over `days` simulated days.
    pub fn hourly_calls(&self, days: f64) -> [f64; 24] {
        let mut out = [0.0; 24];
        for c in &self.calls {
            out[((c.call_s / 3600.0).floor() as usize) % 24] += 1.0 / days;
        }
        out
    }

    /// A few lines for the console: the import report and what is replayed.
    pub fn text(&self) -> String {
        format!(
            "{}replaying {} calls from {} (local midnight = time 0); {} before it and {} after \
             the horizon left out\n",
            self.report.text(&self.file),
            self.calls.len(),
            self.start,
            self.before_start,
            self.after_end
        )
    }
}

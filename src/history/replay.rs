//! A history as a scenario's demand: its calls at their historical times, places and types,
//! placed on the simulated clock. Time 0 is the first instant of the local start date: its
//! midnight, or, where the clocks skip midnight (put forward at 00:00, as in America/Sao_Paulo
//! on 2018-11-04), the end of the gap (01:00 there); where midnight happens twice, the first.
//! From there the simulated clock counts elapsed seconds: a day of the simulation is 24 hours,
//! whatever the local clocks do.

use super::{CallHistory, HistoryError, ImportReport};
use crate::map::NodeId;
use crate::sim::NewCall;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

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
    /// The local date whose first instant (see [`day_start`]) is simulated time 0.
    pub start: NaiveDate,
    /// Calls of the history before time 0, and after the horizon: not replayed.
    pub before_start: usize,
    pub after_end: usize,
    /// What the import skipped or corrected.
    pub report: ImportReport,
    /// Replayed calls, sorted by time.
    calls: Vec<ReplayedCall>,
}

/// The first instant of the local date `date` in `zone`: its midnight; where the clocks skip
/// midnight, the end of the gap; where midnight happens twice, the first. None for a date the
/// zone skipped entirely (Pacific/Apia, 2011-12-30).
pub fn day_start(zone: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = date.and_hms_opt(0, 0, 0)?;
    // Clocks change on whole minutes, so the first local minute that exists begins the day.
    (0..24 * 60).find_map(|minute| {
        zone.from_local_datetime(&(midnight + chrono::Duration::minutes(minute)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    })
}

impl HistoryReplay {
    /// Places `history` on the simulated clock from the first instant of the local date `start`
    /// (the first call's date when `None`) to `horizon_s`. `spec_file` and `key` name the start date in
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
        let zero = day_start(history.time_zone, start).ok_or_else(|| HistoryError::Invalid {
            file: spec_file.to_string(),
            key: key.to_string(),
            value: format!("\"{start}\""),
            rule: format!(
                "no such date in {}: its clocks skipped the whole day",
                history.time_zone
            ),
        })?;
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
            "{}replaying {} calls from {} (its first instant = time 0); {} before it and {} after \
             the horizon left out\n",
            self.report.text(&self.file),
            self.calls.len(),
            self.start,
            self.before_start,
            self.after_end
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_day_starts_at_its_first_instant_whatever_the_clocks_do() {
        // An ordinary day: midnight (UTC+1 in Berlin in January).
        let berlin = chrono_tz::Europe::Berlin;
        assert_eq!(
            day_start(berlin, date("2024-01-10")),
            Some(utc("2024-01-09T23:00:00Z"))
        );
        // Clocks put forward at midnight: 00:00-00:59 never happen; the day starts at 01:00
        // (UTC-2), the instant the gap ends.
        let sao_paulo = chrono_tz::America::Sao_Paulo;
        assert_eq!(
            day_start(sao_paulo, date("2018-11-04")),
            Some(utc("2018-11-04T03:00:00Z"))
        );
        // Clocks put back at 02:00 (01:00-01:59 happen twice): midnight happens once, in EDT.
        let new_york = chrono_tz::America::New_York;
        assert_eq!(
            day_start(new_york, date("2021-11-07")),
            Some(utc("2021-11-07T04:00:00Z"))
        );
        // Clocks put back from 01:00 to 00:00 (Havana, 2023-11-05): the first midnight.
        let havana = chrono_tz::America::Havana;
        assert_eq!(
            day_start(havana, date("2023-11-05")),
            Some(utc("2023-11-05T04:00:00Z"))
        );
        // Samoa skipped 2011-12-30 entirely.
        assert_eq!(
            day_start(chrono_tz::Pacific::Apia, date("2011-12-30")),
            None
        );
    }
}

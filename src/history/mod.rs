//! Call history: real dispatch records as the source of demand.
//!
//! - `import.rs` reads a CSV of calls through a column mapping ([`HistorySpec`]): times in any
//!   of several formats and a time zone, positions (lat/lon, x/y or node) snapped to the nearest
//!   road node within `max_snap_m`, types mapped to the scenario's incident types, optional
//!   on-scene minutes. Bad rows are counted and reported with their line numbers, never dropped
//!   silently ([`ImportReport`]); `strict` makes the first one an error.
//! - `replay.rs` turns a history into the calls of a scenario (`[demand.history]`), played
//!   through [`crate::sim::Model::replay`].
//! - `calibrate.rs` fits a scenario's demand to a history: hourly and weekday rates, zone
//!   weights, type mix, log-normal on-scene times, with goodness of fit and a chart.
//!
//! Architecture invariant: a history is read once, checked row by row, and becomes plain
//! typed calls; nothing downstream sees the CSV or guesses about its quirks.

mod calibrate;
mod import;
mod replay;

pub use calibrate::{Calibration, HourFit, OnSceneFit, TypeFit, calibrate, chi_square_upper_tail};
pub use import::{BadKind, BadRow, CallHistory, HistoricalCall, ImportReport, import_history};
pub use replay::HistoryReplay;

use crate::scenario::{ScenarioError, syntax_error};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// How a history file's columns are read: a scenario's `[demand.history]` section, or the
/// mapping file of `patrolsim calibrate --columns`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistorySpec {
    /// The CSV of calls, relative to the scenario's folder (a scenario must give it; for
    /// `calibrate` the file comes from the command line).
    pub file: Option<PathBuf>,
    /// Column with the time of the call.
    #[serde(default = "default_time_column")]
    pub time_column: String,
    /// chrono `strftime` formats tried in order; a format with `%z` takes the offset from the
    /// value, one without reads the time as local time in `time_zone`.
    #[serde(default = "default_time_formats")]
    pub time_formats: Vec<String>,
    /// IANA time zone of the area (e.g. `America/Los_Angeles`): hours of the day and weekdays
    /// are counted in it.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// Latitude and longitude columns (degrees); the map must be geographic.
    pub lat_column: Option<String>,
    pub lon_column: Option<String>,
    /// x and y columns, metres in the map's plane.
    pub x_column: Option<String>,
    pub y_column: Option<String>,
    /// Column with a node's id (its id in the map's source data).
    pub node_column: Option<String>,
    /// Column with the call's type.
    #[serde(default = "default_type_column")]
    pub type_column: String,
    /// Record type → incident type name; when absent, the record's names are used as they are.
    pub types: Option<BTreeMap<String, String>>,
    /// Column with the time on scene, minutes (`on_scene_min` is used when present and this is
    /// not given).
    pub on_scene_column: Option<String>,
    /// Largest distance from a call to its road node, metres.
    #[serde(default = "default_max_snap_m")]
    pub max_snap_m: f64,
    /// Column numbering calls in the order they were taken (e.g. an incident number); used to
    /// find "12:xx PM" times that belong to the midnight hour.
    pub sequence_column: Option<String>,
    /// What to do with a "12:xx PM" time that the sequence shows is 00:xx.
    #[serde(default)]
    pub midnight_pm: MidnightPm,
    /// Replay: the local date whose midnight is simulated time 0 (`YYYY-MM-DD`); the date of
    /// the first call when absent.
    pub start: Option<String>,
    /// Fail on the first bad row instead of skipping bad rows.
    #[serde(default)]
    pub strict: bool,
}

/// What to do with a "12:xx PM" time found to be a midnight-hour call written as PM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MidnightPm {
    /// Count it as a bad row and skip it.
    #[default]
    Skip,
    /// Read it as 00:xx of the same day, and report it as corrected.
    Fix,
}

fn default_time_column() -> String {
    "time".into()
}
fn default_time_formats() -> Vec<String> {
    vec!["%Y-%m-%dT%H:%M:%S%z".into(), "%Y-%m-%d %H:%M:%S".into()]
}
fn default_time_zone() -> String {
    "UTC".into()
}
fn default_type_column() -> String {
    "type".into()
}
fn default_max_snap_m() -> f64 {
    250.0
}

impl HistorySpec {
    /// Reads a column mapping file: the keys of `[demand.history]` at the top level.
    pub fn load(path: &Path) -> Result<HistorySpec, ScenarioError> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: label.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| syntax_error(&text, &label, &e))
    }
}

impl Default for HistorySpec {
    fn default() -> Self {
        toml::from_str("").expect("every key of a history spec has a default")
    }
}

/// A history that cannot be used.
#[derive(Debug, Error)]
pub enum HistoryError {
    #[error("{file}: cannot read: {message}")]
    Read { file: String, message: String },
    /// A header line written for another reader (`;` or tab separators), shown cut.
    #[error("{file}: line {line}: header `{header}`: {problem}")]
    Header {
        file: String,
        line: usize,
        header: String,
        problem: String,
    },
    /// A mapping key with a bad value (`file: key = value: rule`).
    #[error("{file}: {key} = {value}: {rule}")]
    Invalid {
        file: String,
        key: String,
        value: String,
        rule: String,
    },
    /// A bad row under `strict` (`file: line N: column: value: reason`).
    #[error("{file}: {row}")]
    Row { file: String, row: BadRow },
    /// Not one usable call.
    #[error("{file}: no usable calls in {rows} rows{first}")]
    NoCalls {
        file: String,
        rows: usize,
        first: String,
    },
}

//! Reading a CSV of calls (one record a line, as the map tables) through a [`HistorySpec`]: every row becomes a [`HistoricalCall`] or
//! a [`BadRow`] with its line number and reason.
//!
//! Times: the formats are tried in order on the trimmed value. A value with hour 24 ("T24:22")
//! is a bad row of its own kind, since 24:xx is no time of day. "12:xx PM" times are checked
//! against the calls just before and after them in the sequence column (when one is given): a
//! time out of order whose 00:xx reading is in order is a midnight call written as PM, skipped
//! or corrected as `midnight_pm` says.

use super::{HistoryError, HistorySpec, MidnightPm};
use crate::bad_input::{cut, cut_quoted};
use crate::map::{NodeId, RoadMap, separator_problem, split_line};
use crate::progress;
use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// One usable call of a history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoricalCall {
    /// Line of the file it was read from (the header is line 1).
    pub line: usize,
    /// When the call came.
    pub utc: DateTime<Utc>,
    /// The same instant as the clock on the wall in the history's time zone.
    pub local: NaiveDateTime,
    /// The road node it was snapped to.
    pub node: NodeId,
    /// Index into [`CallHistory::type_names`].
    pub incident_type: u16,
    /// Time on scene from the record, seconds.
    pub on_scene_s: Option<f64>,
}

/// What was wrong with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BadKind {
    /// Not as many fields as the header, or not UTF-8.
    Fields,
    /// A time that matches none of the formats.
    Time,
    /// A time with hour 24.
    Hour24,
    /// A "12:xx PM" time the sequence shows is 00:xx.
    MidnightPm,
    /// A position or node that is not a number or not on the map.
    Position,
    /// A position farther than `max_snap_m` from every road node.
    FarFromRoad,
    /// A type with no incident type to map to.
    Type,
    /// An on-scene time that is not a number of minutes >= 0.
    OnScene,
}

impl BadKind {
    /// Short name for counts.
    pub fn name(self) -> &'static str {
        match self {
            BadKind::Fields => "fields",
            BadKind::Time => "unreadable time",
            BadKind::Hour24 => "hour 24",
            BadKind::MidnightPm => "midnight written as PM",
            BadKind::Position => "position",
            BadKind::FarFromRoad => "far from any road",
            BadKind::Type => "type",
            BadKind::OnScene => "on-scene time",
        }
    }
}

/// A row that was not used (or was corrected), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRow {
    pub line: usize,
    pub column: String,
    pub value: String,
    pub reason: String,
    pub kind: BadKind,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {}: {:?}: {}",
            self.line,
            self.column,
            cut(&self.value),
            self.reason
        )
    }
}

/// What the import did with the file's rows. Every data row is a call, a bad row or both (a
/// corrected row is a call).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// Data rows read (the header not counted).
    pub rows: usize,
    /// Rows skipped, in line order.
    pub bad: Vec<BadRow>,
    /// Rows used after a correction (midnight written as PM, with `midnight_pm = "fix"`).
    pub corrected: Vec<BadRow>,
}

/// Bad rows shown in full in a report.
const SHOWN: usize = 5;

impl ImportReport {
    /// Bad rows of each kind, in kind order.
    pub fn bad_by_kind(&self) -> Vec<(BadKind, usize)> {
        let mut counts = std::collections::BTreeMap::new();
        for b in &self.bad {
            *counts.entry(b.kind).or_insert(0) += 1;
        }
        counts.into_iter().collect()
    }

    /// A few lines for the console: counts by kind and the first bad rows.
    pub fn text(&self, file: &str) -> String {
        let mut out = format!(
            "{file}: {} rows: {} calls, {} bad rows skipped",
            self.rows,
            self.rows - self.bad.len(),
            self.bad.len()
        );
        let kinds: Vec<String> = self
            .bad_by_kind()
            .iter()
            .map(|(k, n)| format!("{n} {}", k.name()))
            .collect();
        if !kinds.is_empty() {
            out += &format!(" ({})", kinds.join(", "));
        }
        if !self.corrected.is_empty() {
            out += &format!(", {} corrected", self.corrected.len());
        }
        out.push('\n');
        for (what, rows) in [("skipped", &self.bad), ("corrected", &self.corrected)] {
            for b in rows.iter().take(SHOWN) {
                out += &format!("  {what}: {file}: {b}\n");
            }
            if rows.len() > SHOWN {
                out += &format!("  ... and {} more {what}\n", rows.len() - SHOWN);
            }
        }
        out
    }
}

/// A history read from a file.
#[derive(Debug, Clone)]
pub struct CallHistory {
    /// The file, as named in messages.
    pub file: String,
    pub time_zone: Tz,
    /// Incident type names; a call's `incident_type` indexes them.
    pub type_names: Vec<String>,
    /// The usable calls, in file order.
    pub calls: Vec<HistoricalCall>,
    pub report: ImportReport,
}

/// Where a call's position is in a row.
enum Position {
    LatLon(usize, usize),
    Plane(usize, usize),
    Node(usize),
}

/// The spec resolved against the file's header.
struct Columns {
    time: usize,
    position: Position,
    kind: usize,
    on_scene: Option<usize>,
    sequence: Option<usize>,
    names: Vec<String>,
}

/// Builds mapping errors that name the mapping file and key.
struct Keys<'a> {
    file: &'a str,
    prefix: &'a str,
}

impl Keys<'_> {
    fn invalid(&self, key: &str, value: impl fmt::Debug, rule: impl Into<String>) -> HistoryError {
        HistoryError::Invalid {
            file: self.file.to_string(),
            key: format!("{}{key}", self.prefix),
            value: cut_quoted(&format!("{value:?}")).into_owned(),
            rule: rule.into(),
        }
    }
}

impl Columns {
    fn resolve(
        spec: &HistorySpec,
        header: &[String],
        data: &str,
        keys: &Keys,
    ) -> Result<Columns, HistoryError> {
        let find = |key: &str, name: &str| {
            header.iter().position(|h| h == name).ok_or_else(|| {
                keys.invalid(
                    key,
                    name,
                    format!("no such column in {data} (columns: {})", header.join(", ")),
                )
            })
        };
        let has = |name: &str| header.iter().any(|h| h == name);
        let given = |v: &Option<String>| v.is_some() as u8;
        let position = match (
            (&spec.lat_column, &spec.lon_column),
            (&spec.x_column, &spec.y_column),
            &spec.node_column,
        ) {
            ((Some(lat), Some(lon)), (None, None), None) => {
                Position::LatLon(find("lat_column", lat)?, find("lon_column", lon)?)
            }
            ((None, None), (Some(x), Some(y)), None) => {
                Position::Plane(find("x_column", x)?, find("y_column", y)?)
            }
            ((None, None), (None, None), Some(n)) => Position::Node(find("node_column", n)?),
            ((None, None), (None, None), None) if has("lat") && has("lon") => {
                Position::LatLon(find("lat_column", "lat")?, find("lon_column", "lon")?)
            }
            ((None, None), (None, None), None) if has("x_m") && has("y_m") => {
                Position::Plane(find("x_column", "x_m")?, find("y_column", "y_m")?)
            }
            ((None, None), (None, None), None) if has("node") => {
                Position::Node(find("node_column", "node")?)
            }
            _ => {
                let count = given(&spec.lat_column)
                    + given(&spec.lon_column)
                    + given(&spec.x_column)
                    + given(&spec.y_column)
                    + given(&spec.node_column);
                let rule = "give lat_column and lon_column, or x_column and y_column, or \
                            node_column (or name the columns lat/lon, x_m/y_m or node)";
                if count == 0 {
                    // Nothing given and no column of a default name: say what the file has.
                    return Err(HistoryError::Invalid {
                        file: keys.file.to_string(),
                        key: format!("{}lat_column", keys.prefix),
                        value: "(not given)".into(),
                        rule: format!(
                            "no position columns in {data} (columns: {}): {rule}",
                            header.join(", ")
                        ),
                    });
                }
                return Err(keys.invalid(
                    "lat_column",
                    format!("{count} position columns given"),
                    rule,
                ));
            }
        };
        let on_scene = match &spec.on_scene_column {
            Some(c) => Some(find("on_scene_column", c)?),
            None => header.iter().position(|h| h == "on_scene_min"),
        };
        Ok(Columns {
            time: find("time_column", &spec.time_column)?,
            position,
            kind: find("type_column", &spec.type_column)?,
            on_scene,
            sequence: spec
                .sequence_column
                .as_ref()
                .map(|c| find("sequence_column", c))
                .transpose()?,
            names: header.to_vec(),
        })
    }
}

/// A parsed time: the instant and whether it was written "12:xx PM".
struct ParsedTime {
    utc: DateTime<Utc>,
    noon_pm: bool,
}

/// The time formats and zone of a spec.
struct Clock<'a> {
    formats: &'a [String],
    zone: Tz,
}

impl Clock<'_> {
    fn parse(&self, value: &str) -> Result<ParsedTime, (BadKind, String)> {
        if value.is_empty() {
            return Err((BadKind::Time, "empty".into()));
        }
        for format in self.formats {
            let ampm = format.contains("%p");
            let pm = |hour: u32| ampm && hour == 12 && value.to_ascii_uppercase().contains("PM");
            if format.contains("%z") || format.contains("%:z") {
                if let Ok(t) = DateTime::parse_from_str(value, format) {
                    return Ok(ParsedTime {
                        utc: t.with_timezone(&Utc),
                        noon_pm: pm(t.hour()),
                    });
                }
            } else if let Ok(naive) = NaiveDateTime::parse_from_str(value, format) {
                return match self.zone.from_local_datetime(&naive).earliest() {
                    Some(t) => Ok(ParsedTime {
                        utc: t.with_timezone(&Utc),
                        noon_pm: pm(naive.hour()),
                    }),
                    None => Err((
                        BadKind::Time,
                        format!("no such local time in {} (clocks went forward)", self.zone),
                    )),
                };
            }
        }
        if value.contains("T24:") || value.contains(" 24:") || value.starts_with("24:") {
            return Err((
                BadKind::Hour24,
                "hour 24 is not a time of day (hours are 00 to 23)".into(),
            ));
        }
        Err((
            BadKind::Time,
            format!("matches none of the time formats {:?}", self.formats),
        ))
    }
}

/// A row read so far: the call, its sequence key, and its time text if written "12:xx PM".
struct Pending {
    call: HistoricalCall,
    sequence: Option<String>,
    noon_pm: Option<String>,
}

/// Reads the history at `path` through `spec` and snaps its calls to `map`.
///
/// `spec_file` and `key_prefix` name the mapping in errors (`scenario.toml`,
/// `demand.history.`). With `known_types`, each call's type (after `spec.types`) must be one of
/// them and indexes them; without, the type names are those met, in order of first appearance.
pub fn import_history(
    path: &Path,
    spec: &HistorySpec,
    spec_file: &str,
    key_prefix: &str,
    map: &RoadMap,
    known_types: Option<&[String]>,
) -> Result<CallHistory, HistoryError> {
    let data = path.display().to_string();
    let keys = Keys {
        file: spec_file,
        prefix: key_prefix,
    };
    let zone: Tz = spec.time_zone.parse().map_err(|_| {
        keys.invalid(
            "time_zone",
            &spec.time_zone,
            "not an IANA time zone (e.g. \"UTC\", \"America/Los_Angeles\")",
        )
    })?;
    if spec.time_formats.is_empty() {
        return Err(keys.invalid("time_formats", "[]", "give at least one format"));
    }
    if !(spec.max_snap_m.is_finite() && spec.max_snap_m >= 0.0) {
        return Err(keys.invalid("max_snap_m", spec.max_snap_m, "must be >= 0"));
    }
    let read_error = |e: &dyn fmt::Display| HistoryError::Read {
        file: data.clone(),
        message: e.to_string(),
    };
    let bytes = std::fs::read(path).map_err(|e| read_error(&e))?;
    // One record a line (the map tables' reader: fields trimmed, "quoted" with "" for a quote).
    // Each line with its number and the bytes read up to its end (for the progress bar).
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .scan(0, |end, l| {
            *end += l.len() + 1;
            Some((*end, l))
        })
        .enumerate()
        .map(|(i, (end, l))| (i + 1, end, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, _, l)| !l.iter().all(u8::is_ascii_whitespace));
    let (header_line, _, first) = lines
        .next()
        .ok_or_else(|| read_error(&"empty: no header line"))?;
    let header = std::str::from_utf8(first)
        .map_err(|e| read_error(&format!("header line: {e}")))
        .and_then(|h| {
            split_line(h.trim_start_matches('\u{feff}'))
                .map_err(|e| read_error(&format!("header line: {e}")))
        })?;
    let raw = String::from_utf8_lossy(first);
    if let Some(problem) = separator_problem(&raw, header.len()) {
        return Err(HistoryError::Header {
            file: data.clone(),
            line: header_line,
            header: cut(raw.trim()).into_owned(),
            problem,
        });
    }
    let columns = Columns::resolve(spec, &header, &data, &keys)?;
    if matches!(columns.position, Position::LatLon(..)) && map.origin.is_none() {
        return Err(keys.invalid(
            "lat_column",
            spec.lat_column.as_deref().unwrap_or("lat"),
            format!(
                "map `{}` has no geographic origin: give x/y or node columns, or use a map \
                 made from lat/lon data",
                map.name
            ),
        ));
    }
    let mut rows = Rows {
        spec,
        columns: &columns,
        clock: Clock {
            formats: &spec.time_formats,
            zone,
        },
        map,
        known_types,
        type_names: known_types.map_or_else(Vec::new, <[String]>::to_vec),
        snapped: HashMap::new(),
    };
    let mut report = ImportReport::default();
    let skip = |bad: BadRow, report: &mut ImportReport| {
        if spec.strict {
            return Err(HistoryError::Row {
                file: data.clone(),
                row: bad,
            });
        }
        report.bad.push(bad);
        Ok(())
    };
    let mut pending = Vec::new();
    let bar = progress::bytes_bar(bytes.len() as u64, &format!("of {data} read"));
    for (line, end, raw) in lines {
        bar.set_position(end as u64);
        report.rows += 1;
        let fields = std::str::from_utf8(raw)
            .map_err(|_| "not UTF-8 text".to_string())
            .and_then(split_line)
            .map_err(|reason| BadRow {
                line,
                column: "row".into(),
                value: String::from_utf8_lossy(raw).chars().take(80).collect(),
                reason,
                kind: BadKind::Fields,
            });
        match fields.and_then(|f| rows.read(line, &f)) {
            Ok(p) => pending.push(p),
            Err(bad) => skip(bad, &mut report)?,
        }
    }
    bar.finish_and_clear();
    let mut dropped = vec![false; pending.len()];
    for (i, bad) in midnight_pm(&mut pending, spec, &columns, zone) {
        match spec.midnight_pm {
            MidnightPm::Skip => {
                dropped[i] = true;
                skip(bad, &mut report)?;
            }
            MidnightPm::Fix => report.corrected.push(bad),
        }
    }
    report.bad.sort_by_key(|b| b.line);
    report.corrected.sort_by_key(|b| b.line);
    let calls: Vec<HistoricalCall> = pending
        .into_iter()
        .zip(dropped)
        .filter(|(_, dropped)| !dropped)
        .map(|(p, _)| p.call)
        .collect();
    if calls.is_empty() {
        return Err(HistoryError::NoCalls {
            file: data,
            rows: report.rows,
            first: report
                .bad
                .first()
                .map_or(String::new(), |b| format!("; first bad row: {b}")),
        });
    }
    Ok(CallHistory {
        file: data,
        time_zone: zone,
        type_names: rows.type_names,
        calls,
        report,
    })
}

/// Reads rows into calls.
struct Rows<'a> {
    spec: &'a HistorySpec,
    columns: &'a Columns,
    clock: Clock<'a>,
    map: &'a RoadMap,
    known_types: Option<&'a [String]>,
    type_names: Vec<String>,
    /// Snapping results by position (records repeat the same places).
    snapped: HashMap<(u64, u64), Result<NodeId, f64>>,
}

impl Rows<'_> {
    fn read(&mut self, line: usize, record: &[String]) -> Result<Pending, BadRow> {
        let c = self.columns;
        let bad = |column: usize, kind: BadKind, reason: String| BadRow {
            line,
            column: c.names[column].clone(),
            value: record.get(column).map_or("", String::as_str).to_string(),
            reason,
            kind,
        };
        if record.len() != c.names.len() {
            return Err(BadRow {
                line,
                column: "row".into(),
                value: format!("{} fields", record.len()),
                reason: format!("the header has {}", c.names.len()),
                kind: BadKind::Fields,
            });
        }
        let time_text = &record[c.time];
        let time = self
            .clock
            .parse(time_text)
            .map_err(|(kind, reason)| bad(c.time, kind, reason))?;
        let number = |i: usize| {
            if record[i].is_empty() {
                return Err(bad(i, BadKind::Position, "empty: no position".into()));
            }
            record[i]
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| bad(i, BadKind::Position, "not a number".into()))
        };
        let (point, column) = match c.position {
            Position::Node(i) => {
                let node = self.map.parse_node(&record[i]).ok_or_else(|| {
                    bad(
                        i,
                        BadKind::Position,
                        format!("no node of map `{}` has that id", self.map.name),
                    )
                })?;
                (Ok(node), i)
            }
            Position::LatLon(lat, lon) => {
                let origin = self.map.origin.expect("checked: the map is geographic");
                let (x, y) = origin.project(number(lat)?, number(lon)?);
                (self.snap(x, y), lat)
            }
            Position::Plane(x, y) => (self.snap(number(x)?, number(y)?), x),
        };
        let node = point.map_err(|off_m| {
            bad(
                column,
                BadKind::FarFromRoad,
                format!(
                    "{off_m:.0} m from the nearest road node; max_snap_m = {}",
                    self.spec.max_snap_m
                ),
            )
        })?;
        let incident_type = self
            .incident_type(&record[c.kind])
            .map_err(|reason| bad(c.kind, BadKind::Type, reason))?;
        let on_scene_s = match c.on_scene {
            Some(i) if !record[i].is_empty() => Some(
                record[i]
                    .parse::<f64>()
                    .ok()
                    .filter(|m| m.is_finite() && *m >= 0.0)
                    .map(|m| m * 60.0)
                    .ok_or_else(|| {
                        bad(i, BadKind::OnScene, "not a number of minutes >= 0".into())
                    })?,
            ),
            _ => None,
        };
        Ok(Pending {
            call: HistoricalCall {
                line,
                utc: time.utc,
                local: time.utc.with_timezone(&self.clock.zone).naive_local(),
                node,
                incident_type,
                on_scene_s,
            },
            sequence: c
                .sequence
                .map(|i| record[i].to_string())
                .filter(|s| !s.is_empty()),
            noon_pm: time.noon_pm.then(|| time_text.to_string()),
        })
    }

    fn snap(&mut self, x: f64, y: f64) -> Result<NodeId, f64> {
        let (map, max) = (self.map, self.spec.max_snap_m);
        *self
            .snapped
            .entry((x.to_bits(), y.to_bits()))
            .or_insert_with(|| map.snap(x, y, max))
    }

    /// The index of a record's type, mapped through `types`.
    fn incident_type(&mut self, written: &str) -> Result<u16, String> {
        let name = match &self.spec.types {
            Some(table) => table.get(written).ok_or_else(|| {
                format!(
                    "not in the types table (record types: {})",
                    table.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            })?,
            None => written,
        };
        if name.is_empty() {
            return Err("empty".into());
        }
        if let Some(i) = self.type_names.iter().position(|t| t == name) {
            return Ok(i as u16);
        }
        match self.known_types {
            Some(known) => Err(format!(
                "{:?} is no incident type of the scenario (types: {})",
                cut(name),
                known.join(", ")
            )),
            None => {
                self.type_names.push(name.to_string());
                Ok((self.type_names.len() - 1) as u16)
            }
        }
    }
}

/// Finds the "12:xx PM" calls that the sequence column shows are 00:xx: out of order with the
/// calls just before and after them in the sequence, and in order when read as 00:xx. With
/// `midnight_pm = "fix"` their times are corrected here. Returns them (index into `pending`)
/// as rows to report.
fn midnight_pm(
    pending: &mut [Pending],
    spec: &HistorySpec,
    columns: &Columns,
    zone: Tz,
) -> Vec<(usize, BadRow)> {
    let Some(seq_column) = columns.sequence else {
        return Vec::new();
    };
    let mut order: Vec<usize> = (0..pending.len())
        .filter(|&i| pending[i].sequence.is_some())
        .collect();
    // Numbers as text: shorter is smaller, then by characters.
    let key = |i: usize| {
        let s = pending[i].sequence.as_deref().expect("filtered");
        (s.len(), s)
    };
    order.sort_by(|&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
    let half_day = TimeDelta::hours(12);
    let mut found = Vec::new();
    for w in order.windows(3) {
        let (prev, this, next) = (&pending[w[0]], &pending[w[1]], &pending[w[2]]);
        let Some(text) = &this.noon_pm else { continue };
        let (a, b, t) = (prev.call.utc, next.call.utc, this.call.utc);
        let midnight = t - half_day;
        if !(a <= t && t <= b) && a <= midnight && midnight <= b {
            let reason = format!(
                "out of order between {} {:?} and {:?}; read as 00:xx it is in order: \
                 midnight written as PM",
                columns.names[seq_column],
                prev.sequence.as_deref().unwrap_or(""),
                next.sequence.as_deref().unwrap_or(""),
            );
            found.push((w[1], text.clone(), reason));
        }
    }
    found
        .into_iter()
        .map(|(i, text, reason)| {
            let call = &mut pending[i].call;
            if spec.midnight_pm == MidnightPm::Fix {
                call.utc -= half_day;
                call.local = call.utc.with_timezone(&zone).naive_local();
            }
            let bad = BadRow {
                line: call.line,
                column: spec.time_column.clone(),
                value: text,
                reason,
                kind: BadKind::MidnightPm,
            };
            (i, bad)
        })
        .collect()
}

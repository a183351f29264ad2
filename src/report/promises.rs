//! The report's promise table (each promise and the sealing ring: share held, 95 % interval
//! across replications, by priority) and "where the promises break" (each promise's worst
//! zones and hours of the day, with counts), for report.html and report.md alike.

use super::labels::Labels;
use super::page::{escape, html_table, md_table, pct};
use super::{RunData, promise_label};
use crate::experiment::MeanCi;
use crate::results::{CallPromise, Measure, PromiseRow, Tally, promise_rows, worst};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Worst zones and worst hours shown per promise.
const SHOWN: usize = 5;

/// Where one promise breaks, pooled over the replications.
pub struct Breaks {
    /// The promise, as the report names it.
    pub label: String,
    /// Up to five zones, worst first; none for a promise not measured by zone (the sealing
    /// ring is the whole area's).
    pub zones: Option<Vec<(String, Tally)>>,
    /// Up to five hours of the day (0–23), worst first.
    pub hours: Vec<(usize, Tally)>,
}

/// The hour of day (0–23) of each time, in seconds from the start of the run.
pub(super) fn hours_of_day(times_s: &Float64Chunked) -> Vec<usize> {
    times_s
        .iter()
        .map(|s| ((s.unwrap_or(0.0) / 3600.0).floor() as i64).rem_euclid(24) as usize)
        .collect()
}

/// Each group's tally of a promise column (null where the promise does not apply); `keys`
/// holds each row's group.
pub(super) fn tally_by<K: Ord + Clone>(held: &BooleanChunked, keys: &[K]) -> BTreeMap<K, Tally> {
    let mut groups: BTreeMap<K, Tally> = BTreeMap::new();
    for (k, h) in keys.iter().zip(held.iter()) {
        if let Some(h) = h {
            groups.entry(k.clone()).or_default().add(h);
        }
    }
    groups
}

impl Breaks {
    /// Where each promise of the calls table breaks (a promise that applies to no call left
    /// out), then the sealing ring's hours from the sealing table when the run measured one.
    pub(super) fn read(dir: &Path, calls: &DataFrame, t: &Labels) -> anyhow::Result<Vec<Breaks>> {
        let hours = hours_of_day(calls.column("call_s")?.f64()?);
        let zones: Vec<&str> = calls
            .column("zone")?
            .str()?
            .iter()
            .map(|z| z.unwrap_or("?"))
            .collect();
        let mut breaks = Vec::new();
        for promise in CallPromise::ALL {
            // Folders of older runs may lack a promise's column.
            let Ok(column) = calls.column(promise.column()) else {
                continue;
            };
            let held = column.bool()?;
            let by_zone = tally_by(held, &zones);
            if by_zone.is_empty() {
                continue;
            }
            breaks.push(Breaks {
                label: promise_label(promise.column(), t),
                zones: Some(
                    worst(by_zone, SHOWN)
                        .into_iter()
                        .map(|(z, t)| (z.to_owned(), t))
                        .collect(),
                ),
                hours: worst(tally_by(held, &hours), SHOWN),
            });
        }
        let sealing = dir.join("sealing.parquet");
        if sealing.exists() {
            let sealing = super::read_parquet(dir, "sealing")?;
            let hours = hours_of_day(sealing.column("time_s")?.f64()?);
            breaks.push(Breaks {
                label: t.sealing_10min.to_owned(),
                zones: None,
                hours: worst(
                    tally_by(sealing.column("sealed_10min")?.bool()?, &hours),
                    SHOWN,
                ),
            });
        }
        Ok(breaks)
    }
}

/// Cordon calls whose ring (with exits) was not closed, by priority, from the calls table;
/// empty for a folder whose calls table has no cordon columns.
pub(super) fn cordons_not_closed(calls: &DataFrame) -> anyhow::Result<BTreeMap<u32, usize>> {
    let mut open = BTreeMap::new();
    let (Ok(exits), Ok(closed)) = (
        calls.column("cordon_exits"),
        calls.column("cordon_closed_s"),
    ) else {
        return Ok(open);
    };
    for ((p, exits), closed) in calls
        .column("priority")?
        .u32()?
        .iter()
        .zip(exits.u32()?.iter())
        .zip(closed.f64()?.iter())
    {
        if exits.is_some_and(|e| e > 0) && closed.is_none() {
            *open.entry(p.unwrap_or(0)).or_insert(0) += 1;
        }
    }
    Ok(open)
}

/// A piece of a report section, written the same way to HTML and Markdown.
enum Block {
    /// A third-level heading.
    Heading(String),
    Paragraph(String),
    Table(Vec<String>, Vec<Vec<String>>),
}

fn to_html(blocks: &[Block]) -> String {
    let mut h = String::new();
    for b in blocks {
        match b {
            Block::Heading(s) => {
                let _ = writeln!(h, "<h3>{}</h3>", escape(s));
            }
            Block::Paragraph(s) => {
                let _ = writeln!(h, "<p>{}</p>", escape(s));
            }
            Block::Table(header, rows) => h.push_str(&html_table(header, rows)),
        }
    }
    h
}

fn to_markdown(blocks: &[Block]) -> String {
    let mut m = String::new();
    for b in blocks {
        match b {
            Block::Heading(s) => {
                let _ = writeln!(m, "### {s}\n");
            }
            Block::Paragraph(s) => {
                let _ = writeln!(m, "{s}\n");
            }
            Block::Table(header, rows) => {
                m.push_str(&md_table(header, rows));
                m.push('\n');
            }
        }
    }
    m
}

/// The 95 % interval of a row's per-replication shares, clipped to 0–100 %; a dash with one
/// replication.
fn interval_text(row: &PromiseRow, t: &Labels) -> String {
    match MeanCi::of(&row.per_replication) {
        Some(MeanCi {
            low: Some(l),
            high: Some(h),
            ..
        }) => format!(
            "{} – {}",
            pct(Some(l.clamp(0.0, 1.0))),
            pct(Some(h.clamp(0.0, 1.0)))
        ),
        _ => t.one_replication.to_owned(),
    }
}

/// The note of a row: rings not closed and suspects contained for the cordon; what the
/// sealing ring counts.
fn note(data: &RunData, row: &PromiseRow, t: &Labels) -> String {
    match row.measure {
        Measure::Call(CallPromise::Cordon30min) => {
            let figures = match row.priority {
                None => Some(&data.pooled.all),
                Some(p) => data
                    .pooled
                    .by_priority
                    .iter()
                    .find(|f| f.priority == p)
                    .map(|f| &f.figures),
            };
            let not_closed: usize = data
                .cordons_not_closed
                .iter()
                .filter(|(p, _)| row.priority.is_none_or(|r| u32::from(r) == **p))
                .map(|(_, n)| n)
                .sum();
            format!(
                "{not_closed} {}; {} {}; {} {}",
                t.not_closed,
                t.exits_held_30min,
                pct(figures.and_then(|f| f.cordon_exits_held_30min_share)),
                t.contained,
                pct(figures.and_then(|f| f.cordon_contained_share))
            )
        }
        Measure::Call(_) => String::new(),
        Measure::SealingAtCalls | Measure::SealingAtSamples => t.measured_moments.to_owned(),
    }
}

/// The name of what a row measures.
fn measure_label(measure: Measure, t: &Labels) -> String {
    match measure {
        Measure::Call(p) => promise_label(p.column(), t),
        Measure::SealingAtCalls => t.sealing_at_calls.to_owned(),
        Measure::SealingAtSamples => t.sealing_at_samples.to_owned(),
    }
}

/// The promise table's rows as text.
fn table_rows(data: &RunData, rows: &[PromiseRow], t: &Labels) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| {
            vec![
                measure_label(row.measure, t),
                match (row.measure, row.priority) {
                    // The sealing ring is measured at moments, not over a group of calls.
                    (Measure::SealingAtCalls | Measure::SealingAtSamples, _) => "—".to_owned(),
                    (_, None) => t.all_calls.to_owned(),
                    (_, Some(p)) => format!("{} {p}", t.priority),
                },
                row.pooled.applies.to_string(),
                pct(row.pooled.share()),
                interval_text(row, t),
                note(data, row, t),
            ]
        })
        .collect()
}

fn promise_blocks(data: &RunData, t: &Labels) -> Vec<Block> {
    let rows = promise_rows(&data.replications, &data.pooled);
    vec![
        Block::Table(
            t.promise_header.map(str::to_owned).to_vec(),
            table_rows(data, &rows, t),
        ),
        Block::Paragraph(format!(
            "{} {}: {}.",
            t.interval_note,
            t.replications,
            data.replications.len()
        )),
    ]
}

/// "08–09": the hour of day `h` as the hour it spans.
fn hour_span(h: usize) -> String {
    format!("{h:02}–{:02}", h + 1)
}

fn breaks_blocks(breaks: &[Breaks], t: &Labels) -> Vec<Block> {
    let cells = |name: String, tally: &Tally| {
        vec![
            name,
            tally.applies.to_string(),
            tally.breaks().to_string(),
            pct(tally.share()),
        ]
    };
    let table = |header: &[&str; 4], rows: Vec<Vec<String>>| {
        if rows.is_empty() {
            Block::Paragraph(t.no_breaks.to_owned())
        } else {
            Block::Table(header.map(str::to_owned).to_vec(), rows)
        }
    };
    let mut blocks = vec![Block::Paragraph(t.breaks_note.to_owned())];
    for b in breaks {
        blocks.push(Block::Heading(b.label.clone()));
        match &b.zones {
            Some(zones) => blocks.push(table(
                &t.zone_header,
                zones.iter().map(|(z, n)| cells(z.clone(), n)).collect(),
            )),
            None => blocks.push(Block::Paragraph(t.area_wide.to_owned())),
        }
        blocks.push(table(
            &t.hour_header,
            b.hours
                .iter()
                .map(|(h, n)| cells(hour_span(*h), n))
                .collect(),
        ));
    }
    blocks
}

/// The promise table and its note, as HTML.
pub(super) fn promises_html(data: &RunData, t: &Labels) -> String {
    format!(
        "<div id=\"promises\">\n{}</div>\n",
        to_html(&promise_blocks(data, t))
    )
}

/// The promise table and its note, as Markdown.
pub(super) fn promises_markdown(data: &RunData, t: &Labels) -> String {
    to_markdown(&promise_blocks(data, t))
}

/// "Where the promises break", heading and section, as HTML.
pub(super) fn breaks_html(data: &RunData, t: &Labels) -> String {
    format!(
        "<h2 id=\"breaks\">{}</h2>\n{}",
        escape(t.breaks_heading),
        to_html(&breaks_blocks(&data.breaks, t))
    )
}

/// "Where the promises break", heading and section, as Markdown.
pub(super) fn breaks_markdown(data: &RunData, t: &Labels) -> String {
    format!(
        "## {}\n\n{}",
        t.breaks_heading,
        to_markdown(&breaks_blocks(&data.breaks, t))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_span_and_tallies_group_by_key() {
        assert_eq!(hour_span(8), "08–09");
        assert_eq!(hour_span(23), "23–24");
        let held = BooleanChunked::new(
            "x".into(),
            [Some(true), Some(false), None, Some(false), Some(true)],
        );
        let groups = tally_by(&held, &["a", "b", "a", "b", "a"]);
        assert_eq!(
            groups["a"],
            Tally {
                applies: 2,
                held: 2
            }
        );
        assert_eq!(
            groups["b"],
            Tally {
                applies: 2,
                held: 0
            }
        );
        let times = Float64Chunked::new("t".into(), [Some(3599.0), Some(86_400.0 + 3600.0)]);
        assert_eq!(hours_of_day(&times), [0, 1]);
    }
}

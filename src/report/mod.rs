//! Reports: charts (PNG and SVG) and a self-contained report.html / report.md made from the
//! tables a finished run wrote into its output folder.
//!
//! Architecture invariant: the report never runs the engine. It reads only the run folder
//! (calls, units, summary.json, staffing, scenario.toml), so `patrolsim report DIR` works on any
//! run folder, old or new.

mod charts;

pub use charts::{Cdf, LayerBars};

use crate::atomic_file;
use crate::bad_input::bad_input;
use crate::results::Summary;
use anyhow::Context;
use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::*;
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The data a report is drawn from, read from a run folder.
pub struct RunData {
    /// Response-time CDF per priority, ascending priority.
    pub cdfs: Vec<Cdf>,
    /// Crew time shares per layer, in first-seen order.
    pub layers: Vec<LayerBars>,
    /// The pooled summary from summary.json.
    pub pooled: Summary,
    /// The scenario text the run used.
    pub scenario_toml: String,
    /// staffing.csv as read, if the run wrote one.
    pub staffing: Option<DataFrame>,
    /// The map data's attribution (ATTRIBUTION.txt), e.g. OpenStreetMap's ODbL notice.
    pub attribution: Option<String>,
}

fn read_parquet(dir: &Path, stem: &str) -> anyhow::Result<DataFrame> {
    let path = dir.join(format!("{stem}.parquet"));
    let file = File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    ParquetReader::new(file)
        .finish()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot read {}", path.display()))
}

impl RunData {
    /// Reads the tables of the run folder `dir`.
    pub fn read(dir: &Path) -> anyhow::Result<RunData> {
        let calls = read_parquet(dir, "calls")?;
        let priorities = calls.column("priority")?.u32()?;
        let responses = calls.column("response_s")?.f64()?;
        let mut by_priority: std::collections::BTreeMap<u32, Vec<Option<f64>>> = Default::default();
        for (p, r) in priorities.iter().zip(responses.iter()) {
            by_priority.entry(p.unwrap_or(0)).or_default().push(r);
        }
        let cdfs = by_priority
            .into_iter()
            .map(|(p, r)| Cdf::of(p, &r))
            .collect();

        let units = read_parquet(dir, "units")?;
        let mut layers: Vec<(String, f64, f64, usize)> = Vec::new();
        for ((layer, u), s) in units
            .column("layer")?
            .str()?
            .iter()
            .zip(units.column("utilisation")?.f64()?.iter())
            .zip(units.column("street_presence")?.f64()?.iter())
        {
            let layer = layer.unwrap_or("?");
            let i = match layers.iter().position(|l| l.0 == layer) {
                Some(i) => i,
                None => {
                    layers.push((layer.to_owned(), 0.0, 0.0, 0));
                    layers.len() - 1
                }
            };
            layers[i].1 += u.unwrap_or(0.0);
            layers[i].2 += s.unwrap_or(0.0);
            layers[i].3 += 1;
        }
        let layers = layers
            .into_iter()
            .map(|(layer, u, s, n)| LayerBars {
                layer,
                utilisation: u / n as f64,
                street_presence: s / n as f64,
            })
            .collect();

        let summary_path = dir.join("summary.json");
        let summaries: Vec<Summary> = serde_json::from_reader(
            File::open(&summary_path)
                .with_context(|| format!("cannot open {}", summary_path.display()))?,
        )
        .with_context(|| format!("cannot read {}", summary_path.display()))?;
        let pooled = summaries
            .into_iter()
            .last()
            .context("summary.json holds no summary")?;
        let scenario_path = dir.join("scenario.toml");
        let scenario_toml = std::fs::read_to_string(&scenario_path)
            .with_context(|| format!("cannot read {}", scenario_path.display()))?;
        let staffing_path = dir.join("staffing.csv");
        let staffing = if staffing_path.exists() {
            Some(
                CsvReadOptions::default()
                    .with_has_header(true)
                    .try_into_reader_with_file_path(Some(staffing_path.clone()))?
                    .finish()
                    .map_err(anyhow::Error::from)
                    .with_context(|| format!("cannot read {}", staffing_path.display()))?,
            )
        } else {
            None
        };
        let attribution = std::fs::read_to_string(dir.join(crate::experiment::ATTRIBUTION_FILE))
            .ok()
            .map(|a| a.trim().to_owned());
        Ok(RunData {
            cdfs,
            layers,
            pooled,
            scenario_toml,
            staffing,
            attribution,
        })
    }
}

/// The charts of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Response-time CDF per priority.
    ResponseCdf,
    /// Utilisation and street presence per layer.
    Crews,
}

impl ChartKind {
    /// Every chart, in report order.
    pub const ALL: [ChartKind; 2] = [ChartKind::ResponseCdf, ChartKind::Crews];

    /// File stem of the chart's PNG and SVG.
    pub fn stem(self) -> &'static str {
        match self {
            ChartKind::ResponseCdf => "chart_response_cdf",
            ChartKind::Crews => "chart_crews",
        }
    }

    /// Section heading in the report.
    pub fn heading(self) -> &'static str {
        match self {
            ChartKind::ResponseCdf => "Response times",
            ChartKind::Crews => "Crews",
        }
    }

    fn draw<DB: DrawingBackend>(
        self,
        data: &RunData,
        area: &DrawingArea<DB, Shift>,
    ) -> anyhow::Result<()> {
        match self {
            ChartKind::ResponseCdf => charts::draw_cdf(area, &data.cdfs),
            ChartKind::Crews => charts::draw_layers(area, &data.layers),
        }
    }

    /// Draws the chart as `<stem>.svg` and `<stem>.png` in `dir`; returns the SVG text.
    fn render(self, data: &RunData, dir: &Path) -> anyhow::Result<String> {
        let mut svg = String::new();
        self.draw(
            data,
            &SVGBackend::with_string(&mut svg, charts::SIZE).into_drawing_area(),
        )?;
        atomic_file::write_str(&dir.join(format!("{}.svg", self.stem())), &svg)?;
        // The bitmap backend writes the file itself (when the drawing area is dropped).
        atomic_file::write_via(&dir.join(format!("{}.png", self.stem())), |tmp| {
            self.draw(
                data,
                &BitMapBackend::new(tmp, charts::SIZE).into_drawing_area(),
            )
        })?;
        Ok(svg)
    }
}

/// Writes the charts, report.html and report.md of the run folder `dir` into it. Returns the
/// path of report.html.
pub fn write_report(dir: &Path) -> anyhow::Result<PathBuf> {
    charts::register_fonts();
    let data = bad_input(RunData::read(dir))?;
    let mut svgs = Vec::new();
    for kind in ChartKind::ALL {
        svgs.push((kind, kind.render(&data, dir)?));
    }
    atomic_file::write_str(&dir.join("report.md"), &markdown(&data))?;
    let html = dir.join("report.html");
    atomic_file::write_str(&html, &html_page(&data, &svgs))?;
    Ok(html)
}

fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{:.1} %", s * 100.0))
}

fn minutes(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "–".to_owned(), |s| format!("{:.1}", s / 60.0))
}

/// Rows of the summary table: label, calls, 5-min share, 10-min share, mean and p90 minutes.
fn summary_rows(data: &RunData) -> Vec<[String; 6]> {
    let row = |label: String, f: &crate::results::CallFigures| {
        [
            label,
            f.calls.to_string(),
            pct(f.on_scene_5min_share),
            pct(f.reinforcement_10min_share),
            minutes(f.mean_response_s),
            minutes(f.p90_response_s),
        ]
    };
    let mut rows = vec![row("All calls".to_owned(), &data.pooled.all)];
    for p in &data.pooled.by_priority {
        rows.push(row(format!("Priority {}", p.priority), &p.figures));
    }
    rows
}

const SUMMARY_HEADER: [&str; 6] = [
    "Calls",
    "Count",
    "First unit ≤ 5 min",
    "All units ≤ 10 min",
    "Mean response (min)",
    "90th percentile (min)",
];

/// A data frame's cells as text, header first.
fn frame_rows(df: &DataFrame) -> Vec<Vec<String>> {
    let mut rows = vec![
        df.get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>(),
    ];
    for i in 0..df.height() {
        rows.push(
            df.columns()
                .iter()
                .map(|c| match c.get(i) {
                    Ok(AnyValue::Null) | Err(_) => String::new(),
                    Ok(AnyValue::String(s)) => s.to_owned(),
                    Ok(AnyValue::StringOwned(s)) => s.to_string(),
                    Ok(AnyValue::Float64(v)) => format!("{v:.2}"),
                    Ok(v) => v.to_string(),
                })
                .collect(),
        );
    }
    rows
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html_table<S: AsRef<str>>(header: &[S], rows: &[impl AsRef<[String]>]) -> String {
    let mut t = String::from("<table>\n<tr>");
    for h in header {
        let _ = write!(t, "<th>{}</th>", escape(h.as_ref()));
    }
    t.push_str("</tr>\n");
    for r in rows {
        t.push_str("<tr>");
        for c in r.as_ref() {
            let _ = write!(t, "<td>{}</td>", escape(c));
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

fn md_table<S: AsRef<str>>(header: &[S], rows: &[impl AsRef<[String]>]) -> String {
    let line = |cells: Vec<&str>| format!("| {} |\n", cells.join(" | "));
    let mut t = line(header.iter().map(AsRef::as_ref).collect());
    t.push_str(&line(header.iter().map(|_| "---").collect()));
    for r in rows {
        t.push_str(&line(r.as_ref().iter().map(String::as_str).collect()));
    }
    t
}

fn scenario_name(data: &RunData) -> String {
    toml::from_str::<toml::Table>(&data.scenario_toml)
        .ok()
        .and_then(|t| t.get("name")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "scenario".to_owned())
}

fn html_page(data: &RunData, svgs: &[(ChartKind, String)]) -> String {
    let name = escape(&scenario_name(data));
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>patrolsim report: {name}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 960px; margin: 2em auto; color: #222; }}\n\
         table {{ border-collapse: collapse; margin: 1em 0; display: block; overflow-x: auto; }}\n\
         th, td {{ border: 1px solid #bbb; padding: 4px 8px; text-align: right; }}\n\
         th {{ background: #eee; }}\n\
         figure {{ margin: 1em 0; }}\n\
         pre {{ background: #f6f6f6; padding: 1em; overflow-x: auto; }}\n\
         </style>\n</head>\n<body>\n<h1>Response promises: {name}</h1>\n<h2>Summary</h2>\n"
    );
    h.push_str(&html_table(&SUMMARY_HEADER, &summary_rows(data)));
    let _ = writeln!(
        h,
        "<p>Mean crew utilisation: {}.</p>",
        pct(Some(data.pooled.mean_utilisation))
    );
    for (kind, svg) in svgs {
        let _ = write!(
            h,
            "<h2>{}</h2>\n<figure class=\"chart\" id=\"{}\">\n{svg}\n</figure>\n",
            kind.heading(),
            kind.stem()
        );
    }
    if let Some(staffing) = &data.staffing {
        let rows = frame_rows(staffing);
        h.push_str("<h2>Staffing arithmetic</h2>\n");
        h.push_str(&html_table(&rows[0], &rows[1..]));
    }
    if let Some(a) = &data.attribution {
        let _ = writeln!(h, "<p class=\"attribution\">Map data: {}</p>", escape(a));
    }
    let _ = write!(
        h,
        "<h2>Scenario parameters</h2>\n<pre>{}</pre>\n</body>\n</html>\n",
        escape(&data.scenario_toml)
    );
    h
}

fn markdown(data: &RunData) -> String {
    let mut m = format!(
        "# Response promises: {}\n\n## Summary\n\n",
        scenario_name(data)
    );
    m.push_str(&md_table(&SUMMARY_HEADER, &summary_rows(data)));
    let _ = writeln!(
        m,
        "\nMean crew utilisation: {}.\n",
        pct(Some(data.pooled.mean_utilisation))
    );
    for kind in ChartKind::ALL {
        let _ = writeln!(
            m,
            "## {}\n\n![{}]({}.png)\n",
            kind.heading(),
            kind.heading(),
            kind.stem()
        );
    }
    if let Some(staffing) = &data.staffing {
        let rows = frame_rows(staffing);
        m.push_str("## Staffing arithmetic\n\n");
        m.push_str(&md_table(&rows[0], &rows[1..]));
        m.push('\n');
    }
    if let Some(a) = &data.attribution {
        let _ = writeln!(m, "Map data: {a}\n");
    }
    let _ = write!(
        m,
        "## Scenario parameters\n\n```toml\n{}\n```\n",
        data.scenario_toml.trim_end()
    );
    m
}

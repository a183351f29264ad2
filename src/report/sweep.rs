//! The sweep report: a promise's share of calls against the swept axis with its 95 % band, the
//! target line and the least value that meets it; the points table; the experiment file.
//!
//! Read from the sweep folder alone (points.parquet, experiment.toml). The target is the
//! experiment's `[search]` (promise, priority, `at_least`) when it has one, else the 5-minute
//! promise over all calls at [`DEFAULT_TARGET`].

use super::charts::{GREY, Mark, PALETTE, Style, err, frame};
use super::labels::Labels;
use super::page::{self, html_table, md_table};
use super::{Drawing, Lang, promise_label, read_attribution, read_parquet, render};
use crate::atomic_file;
use crate::experiment::{ExperimentFile, Promise};
use anyhow::Context;
use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The target share drawn when the experiment file has no `[search]`.
pub const DEFAULT_TARGET: f64 = 0.9;

/// Stem of the sweep chart's files.
const STEM: &str = "chart_sweep";

/// One line of the sweep chart: the points that share the values of the other axes.
pub struct SweepSeries {
    /// The other axes' values, `key = value, ...`; empty with one axis.
    pub label: String,
    /// (x, mean, low, high) shares, the interval clipped to [0, 1]; ascending x.
    pub points: Vec<(f64, f64, f64, f64)>,
    /// The least x whose interval's lower end reaches the target.
    pub least: Option<f64>,
}

/// What the sweep chart draws.
pub struct SweepChart {
    pub title: String,
    /// The swept key.
    pub x_desc: String,
    /// Names of the x positions when the swept values are not numbers.
    pub categories: Option<Vec<String>>,
    pub series: Vec<SweepSeries>,
    pub target: f64,
}

/// The value of `column` at `row` as text (numbers as written).
fn cell(df: &DataFrame, column: &str, row: usize) -> anyhow::Result<String> {
    Ok(match df.column(column)?.get(row)? {
        AnyValue::String(s) => s.to_owned(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Null => String::new(),
        v => v.to_string(),
    })
}

fn float(df: &DataFrame, column: &str, row: usize) -> anyhow::Result<Option<f64>> {
    Ok(df.column(column)?.get(row)?.extract::<f64>())
}

impl SweepChart {
    /// Builds the chart from the points table; `axes` are the swept keys in file order.
    fn of(
        points: &DataFrame,
        axes: &[String],
        experiment: &ExperimentFile,
        t: &Labels,
    ) -> anyhow::Result<SweepChart> {
        let search = experiment.search.as_ref();
        let (metric, priority, target) = match search {
            Some(s) => (
                match s.promise {
                    Promise::OnScene5min => "on_scene_5min",
                    Promise::Reinforcement10min => "reinforcement_10min",
                },
                s.priority.map(u32::from),
                s.at_least,
            ),
            None => ("on_scene_5min", None, DEFAULT_TARGET),
        };
        // The swept axis: the search key if it is swept, else the first numeric axis.
        let numeric = |a: &String| {
            points
                .column(a)
                .is_ok_and(|c| c.dtype().is_primitive_numeric())
        };
        let x_axis = search
            .map(|s| &s.key)
            .filter(|k| axes.contains(k))
            .or_else(|| axes.iter().find(|a| numeric(a)))
            .or(axes.first())
            .context("points.parquet: no axis columns")?;
        let x_numeric = numeric(x_axis);
        let mut categories: Vec<String> = Vec::new();
        let mut series: Vec<SweepSeries> = Vec::new();
        let priorities = points.column("priority")?.u32()?;
        for row in 0..points.height() {
            if priorities.get(row) != priority {
                continue;
            }
            let x = if x_numeric {
                float(points, x_axis, row)?.unwrap_or(0.0)
            } else {
                let name = cell(points, x_axis, row)?;
                match categories.iter().position(|c| *c == name) {
                    Some(i) => i as f64,
                    None => {
                        categories.push(name);
                        (categories.len() - 1) as f64
                    }
                }
            };
            let mut label = Vec::new();
            for a in axes.iter().filter(|a| *a != x_axis) {
                label.push(format!("{a} = {}", cell(points, a, row)?));
            }
            let label = label.join(", ");
            let get = |suffix: &str| float(points, &format!("{metric}_share_{suffix}"), row);
            let Some(mean) = get("mean")? else { continue };
            // Student t intervals of shares can pass 0 or 1: clip them to what a share can be.
            let low = get("ci_low")?.unwrap_or(mean).clamp(0.0, 1.0);
            let high = get("ci_high")?.unwrap_or(mean).clamp(0.0, 1.0);
            let i = match series.iter().position(|s| s.label == label) {
                Some(i) => i,
                None => {
                    series.push(SweepSeries {
                        label,
                        points: Vec::new(),
                        least: None,
                    });
                    series.len() - 1
                }
            };
            series[i].points.push((x, mean, low, high));
        }
        for s in &mut series {
            s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
            s.least = s.points.iter().find(|p| p.2 >= target).map(|p| p.0);
        }
        let mut promise = promise_label(metric, t);
        if let Some(p) = priority {
            let _ = write!(promise, ", {} {p}", t.priority);
        }
        Ok(SweepChart {
            title: format!("{promise}: {}", t.sweep_title),
            x_desc: x_axis.clone(),
            categories: (!x_numeric).then_some(categories),
            series,
            target,
        })
    }

    /// A sentence per line: the least value meeting the target, or that none does.
    fn findings(&self, t: &Labels) -> Vec<String> {
        self.series
            .iter()
            .map(|s| {
                let prefix = if s.label.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", s.label)
                };
                match s.least {
                    Some(x) => format!(
                        "{prefix}{} ({} {:.0} %): {} = {}",
                        t.least_meeting,
                        t.target,
                        self.target * 100.0,
                        self.x_desc,
                        self.x_text(x)
                    ),
                    None => format!("{prefix}{}", t.none_meets),
                }
            })
            .collect()
    }

    fn x_text(&self, x: f64) -> String {
        match &self.categories {
            Some(c) => c.get(x as usize).cloned().unwrap_or_default(),
            None => format!("{x}"),
        }
    }
}

impl Drawing for SweepChart {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: Style,
    ) -> anyhow::Result<()> {
        let t = style.t;
        let colour = |i: usize| PALETTE[i % PALETTE.len()];
        let mut legend: Vec<(String, Mark)> = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            let name = if s.label.is_empty() {
                t.sweep_heading.to_owned()
            } else {
                s.label.clone()
            };
            legend.push((name, Mark::Line(colour(i))));
        }
        legend.push((t.ci_band.to_owned(), Mark::Box(GREY.mix(0.3))));
        legend.push((
            format!("{} {:.0} %", t.target, self.target * 100.0),
            Mark::Dashed(RED),
        ));
        if self.series.iter().any(|s| s.least.is_some()) {
            legend.push((t.least_meeting.to_owned(), Mark::Square(BLACK)));
        }
        let area = frame(root, style, &self.title, &legend)?;
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
        let (x0, x1) = if x0 > x1 { (0.0, 1.0) } else { (x0, x1) };
        let pad = ((x1 - x0) * 0.06).max(0.5);
        // Zoom on the part of the scale that matters, but keep the target in view.
        let lowest = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.2))
            .fold(self.target, f64::min);
        let y0 = ((lowest * 100.0 - 5.0) / 10.0).floor().max(0.0) * 10.0;
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(55)
            .y_label_area_size(70)
            .build_cartesian_2d(x0 - pad..x1 + pad, y0..100.0)
            .map_err(err)?;
        // Swept integers (crews, officers) get only whole-number ticks; categories their names.
        let whole = self
            .series
            .iter()
            .all(|s| s.points.iter().all(|p| p.0.fract() == 0.0));
        let categories = self.categories.clone();
        let x_label = move |v: &f64| {
            let on_whole = (v - v.round()).abs() < 1e-9;
            match &categories {
                Some(c) if on_whole && *v >= 0.0 => c.get(*v as usize).cloned().unwrap_or_default(),
                Some(_) => String::new(),
                None if whole && !on_whole => String::new(),
                None => {
                    let text = format!("{v:.3}");
                    text.trim_end_matches('0').trim_end_matches('.').to_owned()
                }
            }
        };
        chart
            .configure_mesh()
            .x_desc(&self.x_desc)
            .y_desc(t.compare_y)
            .light_line_style(TRANSPARENT)
            .x_label_formatter(&x_label)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .axis_desc_style(style.text(18))
            .label_style(style.text(14))
            .draw()
            .map_err(err)?;
        for (i, s) in self.series.iter().enumerate() {
            let band: Vec<(f64, f64)> = s
                .points
                .iter()
                .map(|p| (p.0, p.3 * 100.0))
                .chain(s.points.iter().rev().map(|p| (p.0, p.2 * 100.0)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(band, colour(i).mix(0.18))))
                .map_err(err)?;
        }
        chart
            .draw_series(DashedLineSeries::new(
                vec![
                    (x0 - pad, self.target * 100.0),
                    (x1 + pad, self.target * 100.0),
                ],
                8,
                5,
                RED.stroke_width(2),
            ))
            .map_err(err)?;
        for (i, s) in self.series.iter().enumerate() {
            let line: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0, p.1 * 100.0)).collect();
            chart
                .draw_series(LineSeries::new(line.clone(), colour(i).stroke_width(2)))
                .map_err(err)?;
            chart
                .draw_series(
                    line.into_iter()
                        .map(|p| Circle::new(p, 4, colour(i).filled())),
                )
                .map_err(err)?;
            if let Some(least) = s.least {
                let mean = s.points.iter().find(|p| p.0 == least).map_or(0.0, |p| p.1);
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((least, mean * 100.0))
                            + Rectangle::new([(-7, -7), (7, 7)], BLACK.stroke_width(2)),
                    ))
                    .map_err(err)?;
            }
        }
        root.present().map_err(err)
    }
}

/// Writes the sweep chart (PNG, SVG), report.html and report.md into the sweep folder `dir`,
/// from its points table and experiment file. Returns the path of report.html.
pub fn write_sweep_report(dir: &Path, lang: Lang) -> anyhow::Result<PathBuf> {
    let style = super::style(lang)?;
    let t = style.t;
    let points = read_parquet(dir, "points")?;
    let experiment_path = dir.join("experiment.toml");
    let experiment_text = std::fs::read_to_string(&experiment_path)
        .with_context(|| format!("cannot read {}", experiment_path.display()))?;
    let experiment: ExperimentFile = toml::from_str(&experiment_text)
        .with_context(|| format!("cannot read {}", experiment_path.display()))?;
    let axes: Vec<String> = experiment.axis.iter().map(|a| a.key.clone()).collect();
    let chart = SweepChart::of(&points, &axes, &experiment, t)?;
    let svg = render(&chart, STEM, super::charts::SIZE, style, dir)?;

    // The points table: all calls, each point's axis values and its intervals.
    let mut header: Vec<String> = vec![t.sweep_header[0].to_owned()];
    header.extend(axes.iter().cloned());
    header.extend(t.sweep_header[1..].iter().map(|h| h.to_string()));
    let mut rows = Vec::new();
    let priorities = points.column("priority")?.u32()?;
    let share_ci = |metric: &str, row: usize| -> anyhow::Result<String> {
        let get = |s: &str| float(&points, &format!("{metric}_{s}"), row);
        Ok(match (get("mean")?, get("ci_low")?, get("ci_high")?) {
            (Some(m), Some(l), Some(h)) => format!(
                "{} ({} – {})",
                page::pct(Some(m)),
                page::pct(Some(l.clamp(0.0, 1.0))),
                page::pct(Some(h.clamp(0.0, 1.0)))
            ),
            (m, _, _) => page::pct(m),
        })
    };
    for row in (0..points.height()).filter(|&r| priorities.get(r).is_none()) {
        let mut cells = vec![cell(&points, "point", row)?];
        for a in &axes {
            cells.push(cell(&points, a, row)?);
        }
        cells.push(cell(&points, "replications", row)?);
        cells.push(share_ci("on_scene_5min_share", row)?);
        cells.push(share_ci("reinforcement_10min_share", row)?);
        cells.push(page::pct(float(&points, "mean_utilisation_mean", row)?));
        rows.push(cells);
    }
    let findings = chart.findings(t);
    let heading = format!("{}: {}", t.sweep_heading, experiment.base.display());

    let mut h = page::html_start(t, &heading);
    h.push_str(&page::html_figure(&chart.title, STEM, &svg));
    let _ = writeln!(h, "<p>{}</p>", page::escape(t.ci_note));
    h.push_str("<ul>\n");
    for f in &findings {
        let _ = writeln!(h, "<li>{}</li>", page::escape(f));
    }
    h.push_str("</ul>\n");
    let _ = writeln!(h, "<h2>{}</h2>", t.points);
    h.push_str(&html_table(&header, &rows));
    let attribution = read_attribution(dir);
    if let Some(a) = &attribution {
        h.push_str(&page::html_attribution(t, a));
    }
    h.push_str(&page::html_end(t.parameters, &experiment_text));

    let mut m = format!(
        "# {heading}\n\n![{}]({STEM}.png)\n\n{}\n\n",
        chart.title, t.ci_note
    );
    for f in &findings {
        let _ = writeln!(m, "- {f}");
    }
    let _ = writeln!(m, "\n## {}\n", t.points);
    m.push_str(&md_table(&header, &rows));
    if let Some(a) = &attribution {
        let _ = writeln!(m, "\n{}: {a}", t.map_data);
    }
    m.push('\n');
    m.push_str(&page::md_parameters(t, &experiment_text));
    atomic_file::write_str(&dir.join("report.md"), &m)?;
    let html = dir.join("report.html");
    atomic_file::write_str(&html, &h)?;
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_value_uses_the_clipped_lower_bound() {
        let axis = "force.teams[0].officers_per_100k".to_owned();
        let points = DataFrame::new_infer_height(vec![
            Column::new("point".into(), vec![0u32, 1, 2, 3]),
            Column::new(axis.as_str().into(), vec![40i64, 30, 50, 30]),
            Column::new("priority".into(), vec![None, None, None, Some(1u32)]),
            Column::new(
                "on_scene_5min_share_mean".into(),
                vec![0.93, 0.88, 0.99, 0.5],
            ),
            Column::new(
                "on_scene_5min_share_ci_low".into(),
                vec![0.91, 0.84, 0.97, 0.4],
            ),
            Column::new(
                "on_scene_5min_share_ci_high".into(),
                vec![0.95, 0.92, 1.02, 0.6],
            ),
        ])
        .unwrap();
        let experiment: ExperimentFile = toml::from_str("base = \"x.toml\"").unwrap();
        let chart = SweepChart::of(&points, &[axis], &experiment, &super::super::EN).unwrap();
        assert_eq!(chart.target, DEFAULT_TARGET);
        assert_eq!(chart.series.len(), 1);
        let s = &chart.series[0];
        // All calls only, ascending, the interval above 1 clipped.
        assert_eq!(
            s.points,
            vec![
                (30.0, 0.88, 0.84, 0.92),
                (40.0, 0.93, 0.91, 0.95),
                (50.0, 0.99, 0.97, 1.0)
            ]
        );
        assert_eq!(s.least, Some(40.0));
    }
}

//! Comparison of two or more finished runs (e.g. today's force against a proposal): the
//! promises each keeps, with 95 % intervals across replications, and their response-time
//! curves side by side; a table of the figures; the scenario values that differ.
//!
//! Read from the run folders alone; the comparison is written to its own folder.

use super::charts::{GREY, Mark, PALETTE, Style, err, frame};
use super::labels::Labels;
use super::page::{self, html_table, md_table, minutes, pct};
use super::{Drawing, Lang, RunData, render};
use crate::atomic_file;
use crate::bad_input::bad_input;
use crate::experiment::MeanCi;
use crate::results::Summary;
use anyhow::Context;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Size of the comparison chart in pixels.
const COMPARE_SIZE: (u32, u32) = (1100, 580);

/// Stem of the comparison chart's files.
const STEM: &str = "chart_compare";

/// Minutes shown on the comparison's response-time curves.
const CDF_MAX_MIN: f64 = 30.0;

/// A promise figure of a summary.
type Figure = Box<dyn Fn(&Summary) -> Option<f64>>;

/// One group of bars: the promise (two lines of label) and how to read it from a summary.
struct Group {
    label: (String, String),
    figure: Figure,
}

/// The groups compared: each promise over all calls, and the 5-minute promise for the most
/// urgent priority when there is more than one.
fn groups(first: &RunData, t: &Labels) -> Vec<Group> {
    let mut groups = vec![Group {
        label: (t.on_scene_5min.to_owned(), t.all_calls.to_owned()),
        figure: Box::new(|s: &Summary| s.all.on_scene_5min_share),
    }];
    if first.pooled.by_priority.len() > 1 {
        let p = first.pooled.by_priority[0].priority;
        groups.push(Group {
            label: (t.on_scene_5min.to_owned(), format!("{} {p}", t.priority)),
            figure: Box::new(move |s: &Summary| {
                s.by_priority
                    .iter()
                    .find(|f| f.priority == p)
                    .and_then(|f| f.figures.on_scene_5min_share)
            }),
        });
    }
    groups.push(Group {
        label: (t.reinforcement_10min.to_owned(), t.all_calls.to_owned()),
        figure: Box::new(|s: &Summary| s.all.reinforcement_10min_share),
    });
    groups
}

/// A run's share for a group: pooled, with the 95 % interval across replications clipped to
/// [0, 1].
struct Bar {
    pooled: Option<f64>,
    interval: Option<(f64, f64)>,
}

impl Bar {
    fn of(run: &RunData, figure: &Figure) -> Bar {
        let per_rep: Vec<f64> = run.replications.iter().filter_map(figure).collect();
        let interval = MeanCi::of(&per_rep)
            .and_then(|ci| Some((ci.low?.clamp(0.0, 1.0), ci.high?.clamp(0.0, 1.0))));
        Bar {
            pooled: figure(&run.pooled),
            interval,
        }
    }

    fn text(&self) -> String {
        match self.interval {
            Some((l, h)) => format!("{} ({} – {})", pct(self.pooled), pct(Some(l)), pct(Some(h))),
            None => pct(self.pooled),
        }
    }
}

/// What the comparison draws and tabulates.
struct Comparison {
    names: Vec<String>,
    runs: Vec<RunData>,
    groups: Vec<Group>,
    /// bars[group][run].
    bars: Vec<Vec<Bar>>,
}

impl Drawing for Comparison {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: Style,
    ) -> anyhow::Result<()> {
        let t = style.t;
        let colour = |i: usize| PALETTE[i % PALETTE.len()];
        let mut legend: Vec<(String, Mark)> = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), Mark::Box(colour(i).to_rgba())))
            .collect();
        legend.push((t.ci_band.to_owned(), Mark::Line(BLACK)));
        let area = frame(root, style, t.compare_title, &legend)?;
        let (w, _) = area.dim_in_pixel();
        let (left, right) = area.split_horizontally(w as i32 * 56 / 100);

        let n_groups = self.groups.len();
        let mut bars = ChartBuilder::on(&left)
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..n_groups as f64, 0.0..100.0)
            .map_err(err)?;
        bars.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(t.compare_y)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(TRANSPARENT)
            .axis_desc_style(style.text(17))
            .label_style(style.text(14))
            .draw()
            .map_err(err)?;
        let runs = self.names.len() as f64;
        let width = 0.8 / runs;
        for (g, group) in self.bars.iter().enumerate() {
            for (r, bar) in group.iter().enumerate() {
                let x = g as f64 + 0.1 + width * r as f64;
                if let Some(v) = bar.pooled {
                    bars.draw_series(std::iter::once(Rectangle::new(
                        [(x + 0.05 * width, 0.0), (x + 0.95 * width, v * 100.0)],
                        colour(r).filled(),
                    )))
                    .map_err(err)?;
                }
                if let Some((lo, hi)) = bar.interval {
                    let mid = x + 0.5 * width;
                    let cap = 0.2 * width;
                    let whisker = [
                        vec![(mid, lo * 100.0), (mid, hi * 100.0)],
                        vec![(mid - cap, lo * 100.0), (mid + cap, lo * 100.0)],
                        vec![(mid - cap, hi * 100.0), (mid + cap, hi * 100.0)],
                    ];
                    bars.draw_series(
                        whisker
                            .into_iter()
                            .map(|p| PathElement::new(p, BLACK.stroke_width(2))),
                    )
                    .map_err(err)?;
                }
            }
        }
        // Each group's promise under its bars, on two lines.
        let name_style = style.text(14).pos(Pos::new(HPos::Center, VPos::Top));
        for (g, group) in self.groups.iter().enumerate() {
            let (x, y) = bars.backend_coord(&(g as f64 + 0.5, 0.0));
            for (line, text) in [&group.label.0, &group.label.1].into_iter().enumerate() {
                root.draw(&Text::new(
                    text.clone(),
                    (x, y + 8 + 20 * line as i32),
                    name_style.clone(),
                ))
                .map_err(err)?;
            }
        }

        let mut curves = ChartBuilder::on(&right)
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..CDF_MAX_MIN, 0.0..100.0)
            .map_err(err)?;
        curves
            .configure_mesh()
            .x_desc(t.compare_cdf)
            .y_desc(t.cdf_y)
            .light_line_style(TRANSPARENT)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .axis_desc_style(style.text(17))
            .label_style(style.text(14))
            .draw()
            .map_err(err)?;
        for m in [5.0, 10.0] {
            curves
                .draw_series(DashedLineSeries::new(
                    vec![(m, 0.0), (m, 100.0)],
                    6,
                    4,
                    GREY.stroke_width(1),
                ))
                .map_err(err)?;
        }
        for (r, run) in self.runs.iter().enumerate() {
            curves
                .draw_series(LineSeries::new(
                    run.cdf_all.steps(CDF_MAX_MIN),
                    colour(r).stroke_width(2),
                ))
                .map_err(err)?;
        }
        root.present().map_err(err)
    }
}

/// `key = value` for every leaf of a TOML table (arrays of tables by index).
fn flatten(prefix: &str, value: &toml::Value, out: &mut BTreeMap<String, String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::Array(a) if a.iter().any(toml::Value::is_table) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        v => {
            out.insert(prefix.to_owned(), v.to_string());
        }
    }
}

/// The scenario keys whose values differ between the runs: (key, value per run; empty where
/// a run does not set it).
fn differences(runs: &[RunData]) -> Vec<Vec<String>> {
    let flat: Vec<BTreeMap<String, String>> = runs
        .iter()
        .map(|r| {
            let mut out = BTreeMap::new();
            if let Ok(v) = toml::from_str::<toml::Value>(&r.scenario_toml) {
                flatten("", &v, &mut out);
            }
            out
        })
        .collect();
    let keys: std::collections::BTreeSet<&String> = flat.iter().flat_map(|f| f.keys()).collect();
    keys.into_iter()
        .filter(|k| flat.iter().any(|f| f.get(*k) != flat[0].get(*k)))
        .map(|k| {
            let mut row = vec![k.clone()];
            row.extend(flat.iter().map(|f| f.get(k).cloned().unwrap_or_default()));
            row
        })
        .collect()
}

/// Reads the run folders `dirs` (two or more) and writes the comparison chart (PNG, SVG),
/// report.html and report.md into `out`. Returns the path of report.html.
pub fn write_comparison(dirs: &[PathBuf], out: &Path, lang: Lang) -> anyhow::Result<PathBuf> {
    anyhow::ensure!(
        dirs.len() >= 2,
        "compare needs two or more run folders, got {}",
        dirs.len()
    );
    let style = super::style(lang)?;
    let t = style.t;
    let runs = dirs
        .iter()
        .map(|d| bad_input(RunData::read(d, t)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // Runs are named by their scenario; a name used twice gets its folder added.
    let names: Vec<String> = runs
        .iter()
        .zip(dirs)
        .map(|(r, d)| {
            let name = r.name();
            if runs.iter().filter(|o| o.name() == name).count() > 1 {
                format!("{name} ({})", d.display())
            } else {
                name
            }
        })
        .collect();
    let groups = groups(&runs[0], t);
    let bars = groups
        .iter()
        .map(|g| runs.iter().map(|r| Bar::of(r, &g.figure)).collect())
        .collect();
    let comparison = Comparison {
        names,
        runs,
        groups,
        bars,
    };
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let svg = render(&comparison, STEM, COMPARE_SIZE, style, out)?;

    let mut header = vec![t.run.to_owned(), t.folder.to_owned()];
    header.extend(
        comparison
            .groups
            .iter()
            .map(|g| format!("{}, {}", g.label.0, g.label.1)),
    );
    header.extend([
        t.summary_header[4].to_owned(),
        t.summary_header[5].to_owned(),
        t.mean_utilisation.to_owned(),
    ]);
    let rows: Vec<Vec<String>> = comparison
        .runs
        .iter()
        .enumerate()
        .map(|(r, run)| {
            let mut row = vec![comparison.names[r].clone(), dirs[r].display().to_string()];
            row.extend(comparison.bars.iter().map(|g| g[r].text()));
            row.extend([
                minutes(run.pooled.all.mean_response_s),
                minutes(run.pooled.all.p90_response_s),
                pct(Some(run.pooled.mean_utilisation)),
            ]);
            row
        })
        .collect();
    let diff = differences(&comparison.runs);
    let mut diff_header = vec![t.parameter.to_owned()];
    diff_header.extend(comparison.names.iter().cloned());
    let mut attributions: Vec<&String> = comparison
        .runs
        .iter()
        .filter_map(|r| r.attribution.as_ref())
        .collect();
    attributions.dedup();
    let heading = format!("{}: {}", t.compare_heading, comparison.names.join(" · "));

    let mut h = page::html_start(t, &heading);
    h.push_str(&html_table(&header, &rows));
    h.push_str(&page::html_figure(t.compare_title, STEM, &svg));
    let _ = writeln!(h, "<p>{}</p>", page::escape(t.compare_note));
    let _ = writeln!(h, "<h2>{}</h2>", t.differences);
    if diff.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", t.no_differences);
    } else {
        h.push_str(&html_table(&diff_header, &diff));
    }
    for a in &attributions {
        h.push_str(&page::html_attribution(t, a));
    }
    h.push_str("</body>\n</html>\n");

    let mut m = format!("# {heading}\n\n");
    m.push_str(&md_table(&header, &rows));
    let _ = write!(
        m,
        "\n![{}]({STEM}.png)\n\n{}\n\n## {}\n\n",
        t.compare_title, t.compare_note, t.differences
    );
    if diff.is_empty() {
        let _ = writeln!(m, "{}", t.no_differences);
    } else {
        m.push_str(&md_table(&diff_header, &diff));
    }
    for a in &attributions {
        let _ = writeln!(m, "\n{}: {a}", t.map_data);
    }
    atomic_file::write_str(&out.join("report.md"), &m)?;
    let html = out.join("report.html");
    atomic_file::write_str(&html, &h)?;
    Ok(html)
}

//! Reports: charts (PNG and SVG) and a self-contained report.html / report.md made from the
//! files a finished run, sweep or set of runs wrote into their output folders.
//!
//! Architecture invariant: the report never runs the engine. It reads only output folders
//! (calls, units, on_duty, summary.json, staffing, scenario.toml, the map copy; a sweep's
//! points table and experiment.toml), so `patrolsim report DIR` works on any finished folder.

mod charts;
mod compare;
mod interactive_map;
mod labels;
mod map_chart;
mod page;
mod placement_chart;
mod promises;
mod sweep;

pub(crate) use charts::err as chart_err;
pub use charts::{Cdf, Hourly, HourlyPromise, LayerBars, SIZE as CHART_SIZE, Style};
pub use compare::write_comparison;
pub use labels::{EN, Labels, Lang, ZH};
pub use map_chart::{MapDrawing, MapFigures};
pub use placement_chart::{LayoutPanel, PLACEMENT_CHART, write_placement_chart};
pub use promises::Breaks;
pub use sweep::write_sweep_report;

use crate::atomic_file;
use crate::bad_input::bad_input;
use crate::output_folder::{SWEEP_PAIRS, run_files};
use crate::results::Summary;
use crate::scenario::ScenarioFile;
use anyhow::{Context, bail};
use page::{frame_rows, html_table, md_table, pct};
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
    /// Response-time CDF of all calls.
    pub cdf_all: Cdf,
    /// Calls, crews and promises by hour of day.
    pub hourly: Hourly,
    /// The map with mean response per node, if the run folder holds the map.
    pub map: Option<MapFigures>,
    /// Crew time shares per layer, in first-seen order.
    pub layers: Vec<LayerBars>,
    /// One summary per replication, from summary.json.
    pub replications: Vec<Summary>,
    /// The pooled summary from summary.json.
    pub pooled: Summary,
    /// The scenario text the run used.
    pub scenario_toml: String,
    /// staffing.csv as read, if the run wrote one.
    pub staffing: Option<DataFrame>,
    /// The map data's attribution (ATTRIBUTION.txt), e.g. OpenStreetMap's ODbL notice.
    pub attribution: Option<String>,
    /// Where each promise breaks: worst zones and hours, from the calls and sealing tables.
    pub breaks: Vec<Breaks>,
    /// Cordon calls whose ring was not closed, by priority, from the calls table.
    pub cordons_not_closed: std::collections::BTreeMap<u32, usize>,
}

pub(crate) fn read_parquet(dir: &Path, stem: &str) -> anyhow::Result<DataFrame> {
    let path = dir.join(format!("{stem}.parquet"));
    let file = File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    ParquetReader::new(file)
        .finish()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot read {}", path.display()))
}

/// The attribution file of an output folder, if there is one.
pub(crate) fn read_attribution(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(crate::experiment::ATTRIBUTION_FILE))
        .ok()
        .map(|a| a.trim().to_owned())
}

/// The label of a promise column of the calls table (`on_scene_5min`, ...).
fn promise_label(column: &str, t: &Labels) -> String {
    match column {
        "on_scene_5min" => t.on_scene_5min.to_owned(),
        "reinforcement_10min" => t.reinforcement_10min.to_owned(),
        "cordon_30min" => t.cordon_30min.to_owned(),
        other => other.replace('_', " "),
    }
}

/// Hours of the counted period [warmup, horizon) that fall in each hour of run `k`, as a
/// fraction of an hour.
fn counted_fraction(k: usize, warmup_s: f64, horizon_s: f64) -> f64 {
    let (a, b) = (k as f64 * 3600.0, (k + 1) as f64 * 3600.0);
    ((b.min(horizon_s) - a.max(warmup_s)) / 3600.0).max(0.0)
}

impl Hourly {
    /// Averages by hour of day over the counted period and the replications: calls from the
    /// calls table, crews from the on-duty table, and each boolean promise column's share.
    fn read(
        calls: &DataFrame,
        on_duty: &DataFrame,
        scenario: &ScenarioFile,
        replications: usize,
        t: &Labels,
    ) -> anyhow::Result<Hourly> {
        let warmup_s = scenario.warmup_hours * 3600.0;
        let horizon_s = warmup_s + scenario.days * 86_400.0;
        let hours_of_run = (horizon_s / 3600.0).ceil() as usize;
        let mut exposure = [0.0; 24];
        for k in 0..hours_of_run {
            exposure[k % 24] += counted_fraction(k, warmup_s, horizon_s);
        }
        let call_hours = promises::hours_of_day(calls.column("call_s")?.f64()?);
        let mut counts = [0.0; 24];
        for &h in &call_hours {
            counts[h] += 1.0;
        }
        let per_hour = |total: [f64; 24], per: f64| {
            std::array::from_fn(|h| {
                if exposure[h] > 0.0 {
                    total[h] / (exposure[h] * per)
                } else {
                    0.0
                }
            })
        };
        let calls_per_hour = per_hour(counts, replications.max(1) as f64);

        let mut crews_total = [0.0; 24];
        let run_hours = on_duty.column("hour_of_run")?.u32()?;
        let crews = on_duty.column("crews_on_duty")?.u32()?;
        for (k, c) in run_hours.iter().zip(crews.iter()) {
            let k = k.unwrap_or(0) as usize;
            crews_total[k % 24] +=
                f64::from(c.unwrap_or(0)) * counted_fraction(k, warmup_s, horizon_s);
        }
        let crews_on_duty = per_hour(crews_total, 1.0);

        let mut promises = Vec::new();
        for column in calls.columns() {
            let Ok(met) = column.bool() else { continue };
            if !column.name().ends_with("min") {
                continue;
            }
            let tally = promises::tally_by(met, &call_hours);
            promises.push(HourlyPromise {
                label: promise_label(column.name(), t),
                shares: std::array::from_fn(|h| tally.get(&h).and_then(|t| t.share())),
            });
        }
        Ok(Hourly {
            calls: calls_per_hour,
            crews: crews_on_duty,
            promises,
        })
    }
}

/// Refuses a folder that holds no finished run, saying what it holds instead: a sweep's saved
/// pair results without its points table (a shard, or a sweep that stopped), a run that stopped
/// before writing summary.json (which a run writes last), or nothing of a run.
fn check_finished_run(dir: &Path) -> anyhow::Result<()> {
    if dir.join("summary.json").is_file() {
        return Ok(());
    }
    let pairs = dir.join(SWEEP_PAIRS);
    if pairs.is_dir() {
        let saved = std::fs::read_dir(&pairs)
            .with_context(|| format!("cannot read {}", pairs.display()))?
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension() == Some("json".as_ref()))
            })
            .count();
        bail!(
            "{}: holds {saved} saved (point, replication) results of a sweep in {SWEEP_PAIRS}/ \
             but no points table: a shard of a sweep (gather the shards with `patrolsim merge \
             SWEEP SHARD_DIR...`) or a sweep that stopped (run it again to finish it)",
            dir.display()
        );
    }
    if run_files().iter().any(|f| dir.join(f).exists()) {
        bail!(
            "{}: an unfinished run: no summary.json, which a run writes last (the run stopped \
             part-way; run it again)",
            dir.display()
        );
    }
    bail!(
        "{}: no run in this folder (no summary.json, which a finished run has)",
        dir.display()
    )
}

impl RunData {
    /// Reads the tables of the run folder `dir`; a folder holding no finished run is an error
    /// saying what it holds.
    pub fn read(dir: &Path, t: &Labels) -> anyhow::Result<RunData> {
        check_finished_run(dir)?;
        let calls = read_parquet(dir, "calls")?;
        let priorities = calls.column("priority")?.u32()?;
        let responses = calls.column("response_s")?.f64()?;
        let mut by_priority: std::collections::BTreeMap<u32, Vec<Option<f64>>> = Default::default();
        for (p, r) in priorities.iter().zip(responses.iter()) {
            by_priority.entry(p.unwrap_or(0)).or_default().push(r);
        }
        let cdf_all = Cdf::of(0, &responses.iter().collect::<Vec<_>>());
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
        let mut replications: Vec<Summary> = serde_json::from_reader(
            File::open(&summary_path)
                .with_context(|| format!("cannot open {}", summary_path.display()))?,
        )
        .with_context(|| format!("cannot read {}", summary_path.display()))?;
        let pooled = replications
            .pop()
            .context("summary.json holds no summary")?;
        let scenario_path = dir.join("scenario.toml");
        let scenario_toml = std::fs::read_to_string(&scenario_path)
            .with_context(|| format!("cannot read {}", scenario_path.display()))?;
        let scenario: ScenarioFile = toml::from_str(&scenario_toml)
            .with_context(|| format!("cannot read {}", scenario_path.display()))?;
        let hourly = Hourly::read(
            &calls,
            &read_parquet(dir, "on_duty")?,
            &scenario,
            replications.len(),
            t,
        )?;
        let map = MapFigures::read(dir, &calls)?;
        let breaks = Breaks::read(dir, &calls, t)?;
        let cordons_not_closed = promises::cordons_not_closed(&calls)?;
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
        Ok(RunData {
            cdfs,
            cdf_all,
            hourly,
            map,
            layers,
            replications,
            pooled,
            scenario_toml,
            staffing,
            attribution: read_attribution(dir),
            breaks,
            cordons_not_closed,
        })
    }

    /// The charts this run's data can draw, in report order (the map needs the map copy).
    pub fn charts(&self) -> Vec<ChartKind> {
        ChartKind::ALL
            .into_iter()
            .filter(|k| *k != ChartKind::Map || self.map.is_some())
            .collect()
    }

    /// The scenario's name, from its parameters.
    pub fn name(&self) -> String {
        toml::from_str::<toml::Table>(&self.scenario_toml)
            .ok()
            .and_then(|t| t.get("name")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| "scenario".to_owned())
    }
}

/// The charts of a run's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Response-time CDF per priority.
    ResponseCdf,
    /// Calls, crews on duty and promises kept by hour of day.
    Hourly,
    /// Roads coloured by mean response, with posts and checkpoints.
    Map,
    /// Utilisation and street presence per layer.
    Crews,
}

impl ChartKind {
    /// Every chart, in report order.
    pub const ALL: [ChartKind; 4] = [
        ChartKind::ResponseCdf,
        ChartKind::Hourly,
        ChartKind::Map,
        ChartKind::Crews,
    ];

    /// File stem of the chart's PNG and SVG.
    pub fn stem(self) -> &'static str {
        match self {
            ChartKind::ResponseCdf => "chart_response_cdf",
            ChartKind::Hourly => "chart_by_hour",
            ChartKind::Map => "chart_map",
            ChartKind::Crews => "chart_crews",
        }
    }

    /// Section heading in the report.
    pub fn heading(self, t: &Labels) -> &'static str {
        match self {
            ChartKind::ResponseCdf => t.cdf_heading,
            ChartKind::Hourly => t.hourly_heading,
            ChartKind::Map => t.map_heading,
            ChartKind::Crews => t.crews_heading,
        }
    }

    fn size(self) -> (u32, u32) {
        match self {
            ChartKind::Hourly => charts::HOURLY_SIZE,
            ChartKind::Map => map_chart::MAP_SIZE,
            ChartKind::ResponseCdf | ChartKind::Crews => charts::SIZE,
        }
    }
}

/// Something drawn as a chart, to any plotters backend.
pub(crate) trait Drawing {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        style: Style,
    ) -> anyhow::Result<()>;
}

/// One chart of a run's report.
struct RunChart<'a>(ChartKind, &'a RunData);

impl Drawing for RunChart<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        style: Style,
    ) -> anyhow::Result<()> {
        let RunChart(kind, data) = self;
        match kind {
            ChartKind::ResponseCdf => charts::draw_cdf(area, style, &data.cdfs),
            ChartKind::Hourly => charts::draw_hourly(area, style, &data.hourly),
            ChartKind::Map => match &data.map {
                Some(map) => map_chart::draw_map(
                    area,
                    style,
                    &map.drawing,
                    style.t.map_title,
                    style.t.map_colour,
                ),
                None => Ok(()),
            },
            ChartKind::Crews => charts::draw_layers(area, style, &data.layers),
        }
    }
}

/// Draws `chart` as `<stem>.svg` and `<stem>.png` in `dir`; returns the SVG text.
pub(crate) fn render(
    chart: &impl Drawing,
    stem: &str,
    size: (u32, u32),
    style: Style,
    dir: &Path,
) -> anyhow::Result<String> {
    let mut svg = String::new();
    chart.draw(
        &SVGBackend::with_string(&mut svg, size).into_drawing_area(),
        style,
    )?;
    atomic_file::write_str(&dir.join(format!("{stem}.svg")), &svg)?;
    charts::write_png(chart, size, style, &dir.join(format!("{stem}.png")))?;
    Ok(svg)
}

/// The style of a report in `lang`: its font (registered with plotters) and words.
pub fn style(lang: Lang) -> anyhow::Result<Style> {
    Ok(Style {
        family: lang.font_family()?,
        t: lang.labels(),
    })
}

/// Writes the charts, report.html and report.md of the run folder `dir` into it, in `lang`.
/// Returns the path of report.html.
pub fn write_report(dir: &Path, lang: Lang) -> anyhow::Result<PathBuf> {
    let style = style(lang)?;
    let data = bad_input(RunData::read(dir, style.t))?;
    let mut svgs = Vec::new();
    for kind in data.charts() {
        let svg = render(&RunChart(kind, &data), kind.stem(), kind.size(), style, dir)?;
        svgs.push((kind, svg));
    }
    atomic_file::write_str(&dir.join("report.md"), &markdown(&data, style.t))?;
    let html = dir.join("report.html");
    atomic_file::write_str(&html, &html_page(&data, style.t, &svgs))?;
    Ok(html)
}

fn html_page(data: &RunData, t: &Labels, svgs: &[(ChartKind, String)]) -> String {
    let mut h = page::html_start(t, &format!("{}: {}", t.report_title, data.name()));
    let _ = writeln!(h, "<h2>{}</h2>", t.summary);
    h.push_str(&promises::promises_html(data, t));
    h.push_str(&html_table(
        &t.summary_header,
        &page::summary_rows(&data.pooled, t),
    ));
    let _ = writeln!(
        h,
        "<p>{}: {}.</p>",
        t.mean_utilisation,
        pct(Some(data.pooled.mean_utilisation))
    );
    h.push_str(&promises::breaks_html(data, t));
    for (kind, svg) in svgs {
        h.push_str(&page::html_figure(kind.heading(t), kind.stem(), svg));
        if *kind == ChartKind::Map
            && let Some(map) = &data.map
        {
            h.push_str(&interactive_map::html(map, t));
        }
    }
    if let Some(staffing) = &data.staffing {
        let rows = frame_rows(staffing);
        let _ = writeln!(h, "<h2>{}</h2>", t.staffing);
        h.push_str(&html_table(&rows[0], &rows[1..]));
    }
    if let Some(a) = &data.attribution {
        h.push_str(&page::html_attribution(t, a));
    }
    h.push_str(&page::html_end(t.parameters, &data.scenario_toml));
    h
}

fn markdown(data: &RunData, t: &Labels) -> String {
    let mut m = format!(
        "# {}: {}\n\n## {}\n\n",
        t.report_title,
        data.name(),
        t.summary
    );
    m.push_str(&promises::promises_markdown(data, t));
    m.push_str(&md_table(
        &t.summary_header,
        &page::summary_rows(&data.pooled, t),
    ));
    let _ = writeln!(
        m,
        "\n{}: {}.\n",
        t.mean_utilisation,
        pct(Some(data.pooled.mean_utilisation))
    );
    m.push_str(&promises::breaks_markdown(data, t));
    for kind in data.charts() {
        let heading = kind.heading(t);
        let _ = writeln!(m, "## {heading}\n\n![{heading}]({}.png)\n", kind.stem());
    }
    if let Some(staffing) = &data.staffing {
        let rows = frame_rows(staffing);
        let _ = writeln!(m, "## {}\n", t.staffing);
        m.push_str(&md_table(&rows[0], &rows[1..]));
        m.push('\n');
    }
    if let Some(a) = &data.attribution {
        let _ = writeln!(m, "{}: {a}\n", t.map_data);
    }
    m.push_str(&page::md_parameters(t, &data.scenario_toml));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hourly_figures_average_over_counted_days_and_replications() {
        // tiny-grid: 3 days counted after a 2-hour warm-up, so every hour of day is counted
        // three times.
        let scenario: ScenarioFile =
            toml::from_str(include_str!("../../tests/data/tiny-grid.toml")).unwrap();
        assert_eq!(counted_fraction(1, 7200.0, 7200.0 + 3.0 * 86_400.0), 0.0);
        assert_eq!(counted_fraction(2, 7200.0, 7200.0 + 3.0 * 86_400.0), 1.0);
        // Six calls at 05:00-06:00 over two replications: one an hour; 4 of 6 on scene in
        // 5 minutes; the one reinforcement call met.
        let calls = DataFrame::new_infer_height(vec![
            Column::new("call_s".into(), vec![5.0 * 3600.0 + 10.0; 6]),
            Column::new(
                "on_scene_5min".into(),
                vec![true, true, false, true, false, true],
            ),
            Column::new(
                "reinforcement_10min".into(),
                vec![None, Some(true), None, None, None, None],
            ),
        ])
        .unwrap();
        let hours: Vec<u32> = (0..74).collect();
        let on_duty = DataFrame::new_infer_height(vec![
            Column::new("hour_of_run".into(), hours.clone()),
            Column::new(
                "crews_on_duty".into(),
                hours
                    .iter()
                    .map(|h| if h % 24 < 12 { 4 } else { 2 })
                    .collect::<Vec<u32>>(),
            ),
        ])
        .unwrap();
        let h = Hourly::read(&calls, &on_duty, &scenario, 2, &EN).unwrap();
        assert_eq!(h.calls[5], 1.0);
        assert_eq!(h.calls[6], 0.0);
        assert_eq!((h.crews[0], h.crews[11], h.crews[12]), (4.0, 4.0, 2.0));
        assert_eq!(h.promises.len(), 2);
        assert_eq!(h.promises[0].label, EN.on_scene_5min);
        assert_eq!(h.promises[0].shares[5], Some(4.0 / 6.0));
        assert_eq!(h.promises[0].shares[4], None);
        assert_eq!(h.promises[1].shares[5], Some(1.0));
    }
}

//! Charts drawn with plotters, to any backend (PNG file or SVG text), and the frame every chart
//! shares: the title, a legend row under it (so no legend covers data) and the fonts.

use super::Drawing;
use super::labels::Labels;
use crate::atomic_file;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Chart size in pixels (width, height).
pub const SIZE: (u32, u32) = (900, 540);

/// Minutes of the promises marked on the response-time chart.
const MARKS_MIN: [f64; 3] = [5.0, 10.0, 30.0];

/// How a chart is written: the font family to draw with and the words to use.
#[derive(Clone, Copy)]
pub struct Style {
    pub family: &'static str,
    pub t: &'static Labels,
}

impl Style {
    /// The text style of `size` pixels in this style's font.
    pub fn text(&self, size: u32) -> TextStyle<'static> {
        TextStyle::from((self.family, size).into_font())
    }
}

/// One priority's empirical CDF: (minutes, share of all calls reached by then), ascending.
pub struct Cdf {
    pub priority: u32,
    pub points: Vec<(f64, f64)>,
}

impl Cdf {
    /// The CDF of `responses_s` (None: never reached) over all calls, so calls no unit reached
    /// keep the curve below 1.
    pub fn of(priority: u32, responses_s: &[Option<f64>]) -> Cdf {
        let total = responses_s.len().max(1) as f64;
        let mut mins: Vec<f64> = responses_s.iter().flatten().map(|s| s / 60.0).collect();
        mins.sort_by(f64::total_cmp);
        let mut points = vec![(0.0, 0.0)];
        for (i, m) in mins.iter().enumerate() {
            points.push((*m, (i + 1) as f64 / total));
        }
        Cdf { priority, points }
    }

    /// The curve as a step function in percent up to `x_max` minutes: each reached call lifts
    /// it at its response time.
    pub fn steps(&self, x_max: f64) -> Vec<(f64, f64)> {
        let mut steps = Vec::with_capacity(self.points.len() * 2 + 1);
        let mut last = 0.0;
        for &(x, y) in self.points.iter().take_while(|p| p.0 <= x_max) {
            steps.push((x, last * 100.0));
            steps.push((x, y * 100.0));
            last = y;
        }
        steps.push((x_max, last * 100.0));
        steps
    }
}

/// Mean utilisation and street presence of the crews of one layer (shares, 0..1).
pub struct LayerBars {
    pub layer: String,
    pub utilisation: f64,
    pub street_presence: f64,
}

/// A promise's share of calls met per hour of day (none: no such call in that hour).
pub struct HourlyPromise {
    pub label: String,
    pub shares: [Option<f64>; 24],
}

/// Figures by hour of day, averaged over the counted days and replications.
pub struct Hourly {
    /// Mean calls per hour.
    pub calls: [f64; 24],
    /// Mean crews on duty.
    pub crews: [f64; 24],
    pub promises: Vec<HourlyPromise>,
}

pub(crate) fn err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart: {e}")
}

/// Draws `chart` of `size` pixels into memory and writes it to `path` as a PNG, atomically.
/// The bitmap is encoded here rather than saved by the bitmap backend, which reports a failed
/// write as a Rust debug structure and loses its last buffered bytes unreported: here a full
/// disk is the file's error with the system's words ("No space left on device").
pub(crate) fn write_png(
    chart: &impl Drawing,
    (width, height): (u32, u32),
    style: Style,
    path: &Path,
) -> anyhow::Result<()> {
    let mut rgb = vec![0; width as usize * height as usize * 3];
    chart.draw(
        &BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area(),
        style,
    )?;
    atomic_file::write(path, |file| {
        let mut encoder = png::Encoder::new(file, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut png = encoder.write_header()?;
        png.write_image_data(&rgb)?;
        Ok(png.finish()?)
    })
}

pub(crate) const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

pub(crate) const GREY: RGBColor = RGBColor(120, 120, 120);

/// How an entry of a legend row is drawn.
#[derive(Clone, Copy)]
pub enum Mark {
    Line(RGBColor),
    Dashed(RGBColor),
    Box(RGBAColor),
    Triangle(RGBColor),
    Square(RGBColor),
    Cross(RGBColor),
}

impl Mark {
    /// Draws the mark centred vertically at `y`, from `x` to `x + 22`.
    pub(crate) fn draw<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        (x, y): (i32, i32),
    ) -> anyhow::Result<()> {
        let line = |c: RGBColor| PathElement::new(vec![(x, y), (x + 22, y)], c.stroke_width(3));
        match self {
            Mark::Line(c) => area.draw(&line(c)),
            Mark::Dashed(c) => [(x, x + 8), (x + 14, x + 22)]
                .into_iter()
                .try_for_each(|(a, b)| {
                    area.draw(&PathElement::new(vec![(a, y), (b, y)], c.stroke_width(2)))
                }),
            Mark::Box(c) => area.draw(&Rectangle::new(
                [(x + 3, y - 7), (x + 19, y + 7)],
                c.filled(),
            )),
            Mark::Triangle(c) => area.draw(&TriangleMarker::new((x + 11, y), 7, c.filled())),
            Mark::Square(c) => area.draw(&Rectangle::new(
                [(x + 5, y - 6), (x + 17, y + 6)],
                c.filled(),
            )),
            Mark::Cross(c) => area.draw(&Cross::new((x + 11, y), 6, c.stroke_width(3))),
        }
        .map_err(err)
    }
}

const LEGEND_ROW_PX: i32 = 28;
const LEGEND_FONT: u32 = 14;

/// Fills `root` white, writes `title` at the top and the `legend` entries in rows under it, and
/// returns the area left for the plot. A legend outside the plot never hides data.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: Style,
    title: &str,
    legend: &[(String, Mark)],
) -> anyhow::Result<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).map_err(err)?;
    let below_title = root.titled(title, style.text(24)).map_err(err)?;
    let (width, _) = below_title.dim_in_pixel();
    // An even size: plotters' bitmap text truncates each glyph's half-size offset, which lifts a
    // full stop off the baseline at odd sizes.
    let text = style.text(LEGEND_FONT).pos(Pos::new(HPos::Left, VPos::Top));
    // Lay the entries out in rows that fit the width, each row centred.
    let mut rows: Vec<Vec<(i32, &(String, Mark))>> = vec![Vec::new()];
    let mut x = 0;
    for entry in legend {
        let (w, _) = below_title
            .estimate_text_size(&entry.0, &text)
            .map_err(err)?;
        let entry_w = 28 + w as i32 + 24;
        if x + entry_w > width as i32 - 40 && x > 0 {
            rows.push(Vec::new());
            x = 0;
        }
        rows.last_mut().expect("one row at least").push((x, entry));
        x += entry_w;
    }
    let rows: Vec<_> = rows.into_iter().filter(|r| !r.is_empty()).collect();
    let height = LEGEND_ROW_PX * rows.len() as i32 + 4;
    let (strip, plot) = below_title.split_vertically(height);
    for (r, row) in rows.iter().enumerate() {
        let used = row
            .last()
            .map(|(x, e)| {
                let w = below_title
                    .estimate_text_size(&e.0, &text)
                    .map_or(0, |s| s.0 as i32);
                x + 28 + w
            })
            .unwrap_or(0);
        let left = (width as i32 - used) / 2;
        let y = LEGEND_ROW_PX * r as i32 + LEGEND_ROW_PX / 2;
        for (x, (label, mark)) in row {
            mark.draw(&strip, (left + x, y))?;
            strip
                .draw_text(
                    label,
                    &text,
                    (left + x + 28, y - LEGEND_FONT as i32 / 2 + 3),
                )
                .map_err(err)?;
        }
    }
    Ok(plot)
}

/// Draws the response-time CDF per priority with the 5/10/30-minute marks.
pub fn draw_cdf<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: Style,
    cdfs: &[Cdf],
) -> anyhow::Result<()> {
    let t = style.t;
    let legend: Vec<_> = cdfs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                format!("{} {}", t.priority, c.priority),
                Mark::Line(PALETTE[i % PALETTE.len()]),
            )
        })
        .collect();
    let area = frame(root, style, t.cdf_title, &legend)?;
    let x_max = 40.0;
    let mut chart = ChartBuilder::on(&area)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, 0.0..100.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(t.cdf_x)
        .y_desc(t.cdf_y)
        .light_line_style(TRANSPARENT)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .axis_desc_style(style.text(18))
        .label_style(style.text(14))
        .draw()
        .map_err(err)?;
    for (i, m) in MARKS_MIN.iter().enumerate() {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(*m, 0.0), (*m, 100.0)],
                6,
                4,
                GREY.stroke_width(1),
            ))
            .map_err(err)?;
        // Staggered heights keep the labels of close marks apart.
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{m:.0} {}", t.minutes_short),
                (*m + 0.4, 8.0 + 6.0 * i as f64),
                style.text(14).color(&GREY),
            )))
            .map_err(err)?;
    }
    for (i, cdf) in cdfs.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(cdf.steps(x_max), colour.stroke_width(2)))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

/// A bar series of the crews chart: legend label, value, offset in the layer's slot, colour.
type BarSeries = (&'static str, fn(&LayerBars) -> f64, f64, RGBColor);

/// Draws mean utilisation and street presence per layer as paired bars.
pub fn draw_layers<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: Style,
    layers: &[LayerBars],
) -> anyhow::Result<()> {
    let t = style.t;
    let series: [BarSeries; 2] = [
        (t.utilisation, |l| l.utilisation, 0.1, PALETTE[0]),
        (t.street_presence, |l| l.street_presence, 0.5, PALETTE[1]),
    ];
    let legend: Vec<_> = series
        .iter()
        .map(|s| (s.0.to_owned(), Mark::Box(s.3.to_rgba())))
        .collect();
    let area = frame(root, style, t.crews_title, &legend)?;
    let n = layers.len().max(1);
    let mut chart = ChartBuilder::on(&area)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..n as f64, 0.0..100.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(t.layer)
        .y_desc(t.crews_y)
        .x_labels(0)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(TRANSPARENT)
        .axis_desc_style(style.text(18))
        .label_style(style.text(14))
        .draw()
        .map_err(err)?;
    for (_, value, offset, colour) in series {
        chart
            .draw_series(layers.iter().enumerate().map(|(i, l)| {
                let left = i as f64 + offset;
                Rectangle::new(
                    [(left, 0.0), (left + 0.4, value(l) * 100.0)],
                    colour.filled(),
                )
            }))
            .map_err(err)?;
    }
    // Layer names under their pair of bars (the axis has no numeric labels).
    let name_style = style.text(14).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, l) in layers.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(
            t.layer_name(&l.layer).to_owned(),
            (x, y + 8),
            name_style.clone(),
        ))
        .map_err(err)?;
    }
    root.present().map_err(err)
}

/// Size of the hour-of-day chart: three panels one above the other.
pub const HOURLY_SIZE: (u32, u32) = (900, 760);

/// Draws, by hour of day, the mean calls, the crews on duty and the share of calls meeting each
/// promise, in three panels over one hour axis.
pub fn draw_hourly<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: Style,
    hourly: &Hourly,
) -> anyhow::Result<()> {
    let t = style.t;
    let mut legend = vec![
        (t.calls_per_hour.to_owned(), Mark::Box(GREY.mix(0.6))),
        (t.crews_on_duty.to_owned(), Mark::Line(PALETTE[4])),
    ];
    for (i, p) in hourly.promises.iter().enumerate() {
        legend.push((p.label.clone(), Mark::Line(PALETTE[i % PALETTE.len()])));
    }
    let area = frame(root, style, t.hourly_title, &legend)?;
    let (_, h) = area.dim_in_pixel();
    let panel = (h as i32 - 40) / 3;
    let (top, rest) = area.split_vertically(panel);
    let (middle, bottom) = rest.split_vertically(panel);
    let max_of = |v: &[f64; 24]| v.iter().copied().fold(0.0, f64::max).max(1.0) * 1.15;
    let panel_chart = |on: &DrawingArea<DB, Shift>, y_max: f64, y_desc: &str, x_desc: bool| {
        let mut chart = ChartBuilder::on(on)
            .margin_left(16)
            .margin_right(24)
            .margin_top(8)
            .x_label_area_size(if x_desc { 56 } else { 28 })
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..24.0, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(13)
            .y_labels(5)
            .x_desc(if x_desc { t.hour_x } else { "" })
            .y_desc(y_desc)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(TRANSPARENT)
            .axis_desc_style(style.text(16))
            .label_style(style.text(14))
            .draw()
            .map_err(err)?;
        anyhow::Ok(chart)
    };
    let mut calls = panel_chart(&top, max_of(&hourly.calls), t.calls_per_hour, false)?;
    calls
        .draw_series(hourly.calls.iter().enumerate().map(|(h, c)| {
            let h = h as f64;
            Rectangle::new([(h + 0.1, 0.0), (h + 0.9, *c)], GREY.mix(0.6).filled())
        }))
        .map_err(err)?;
    let mut crews = panel_chart(&middle, max_of(&hourly.crews), t.crews_on_duty, false)?;
    let steps: Vec<(f64, f64)> = hourly
        .crews
        .iter()
        .enumerate()
        .flat_map(|(h, c)| [(h as f64, *c), (h as f64 + 1.0, *c)])
        .collect();
    crews
        .draw_series(LineSeries::new(steps, PALETTE[4].stroke_width(3)))
        .map_err(err)?;
    let mut shares = panel_chart(&bottom, 100.0, t.promise_share, true)?;
    for (i, p) in hourly.promises.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let points: Vec<(f64, f64)> = p
            .shares
            .iter()
            .enumerate()
            .filter_map(|(h, s)| Some((h as f64 + 0.5, (*s)? * 100.0)))
            .collect();
        shares
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
            .map_err(err)?;
        shares
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(err)?;
    }
    root.present().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_is_monotone_and_counts_unreached_calls() {
        let cdf = Cdf::of(1, &[Some(600.0), None, Some(120.0), Some(120.0)]);
        assert_eq!(cdf.points.first(), Some(&(0.0, 0.0)));
        assert!(
            cdf.points
                .windows(2)
                .all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1)
        );
        // 3 of 4 calls reached: the curve ends at 75 %, at 10 minutes.
        assert_eq!(cdf.points.last(), Some(&(10.0, 0.75)));
    }
}

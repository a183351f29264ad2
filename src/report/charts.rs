//! Charts drawn with plotters, to any backend (PNG file or SVG text).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

/// Chart size in pixels (width, height).
pub const SIZE: (u32, u32) = (900, 540);

/// Minutes of the promises marked on the response-time chart.
const MARKS_MIN: [f64; 3] = [5.0, 10.0, 30.0];

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
}

/// Mean utilisation and street presence of the crews of one layer (shares, 0..1).
pub struct LayerBars {
    pub layer: String,
    pub utilisation: f64,
    pub street_presence: f64,
}

/// Registers the embedded DejaVu Sans as plotters' "sans-serif" (once per process).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .unwrap_or_else(|_| panic!("the embedded DejaVu Sans font is valid"));
    });
}

fn err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart: {e}")
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// Draws the response-time CDF per priority with the 5/10/30-minute marks.
pub fn draw_cdf<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cdfs: &[Cdf],
) -> anyhow::Result<()> {
    root.fill(&WHITE).map_err(err)?;
    let x_max = 40.0;
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Time to first unit on scene, by priority",
            ("sans-serif", 26),
        )
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, 0.0..100.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("Minutes from call to first unit on scene")
        .y_desc("Calls reached by then (%)")
        .light_line_style(TRANSPARENT)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .axis_desc_style(("sans-serif", 18))
        .label_style(("sans-serif", 15))
        .draw()
        .map_err(err)?;
    for (i, m) in MARKS_MIN.iter().enumerate() {
        let grey = RGBColor(120, 120, 120);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(*m, 0.0), (*m, 100.0)],
                6,
                4,
                grey.stroke_width(1),
            ))
            .map_err(err)?;
        // Staggered heights keep the mark labels off the curves' legend box.
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{m:.0} min"),
                (*m + 0.4, 8.0 + 6.0 * i as f64),
                ("sans-serif", 15).into_font().color(&grey),
            )))
            .map_err(err)?;
    }
    for (i, cdf) in cdfs.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        // A step function: each reached call lifts the curve at its response time.
        let mut steps = Vec::with_capacity(cdf.points.len() * 2 + 1);
        let mut last = 0.0;
        for &(x, y) in cdf.points.iter().take_while(|p| p.0 <= x_max) {
            steps.push((x, last * 100.0));
            steps.push((x, y * 100.0));
            last = y;
        }
        steps.push((x_max, last * 100.0));
        chart
            .draw_series(LineSeries::new(steps, colour.stroke_width(2)))
            .map_err(err)?
            .label(format!("Priority {}", cdf.priority))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 15))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// A bar series of the crews chart: legend label, value, offset in the layer's slot, colour.
type BarSeries = (&'static str, fn(&LayerBars) -> f64, f64, RGBColor);

/// Draws mean utilisation and street presence per layer as paired bars.
pub fn draw_layers<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layers: &[LayerBars],
) -> anyhow::Result<()> {
    root.fill(&WHITE).map_err(err)?;
    let n = layers.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Crews: time busy and time on the street, by layer",
            ("sans-serif", 26),
        )
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..n as f64, 0.0..125.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("Layer")
        .y_desc("Share of time on duty (%)")
        .x_labels(0)
        // Room above 100 % keeps the legend off the bars; no labels there.
        .y_label_formatter(&|v| {
            if *v <= 100.0 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        })
        .light_line_style(TRANSPARENT)
        .axis_desc_style(("sans-serif", 18))
        .label_style(("sans-serif", 15))
        .draw()
        .map_err(err)?;
    let series: [BarSeries; 2] = [
        (
            "Utilisation (busy with calls)",
            |l| l.utilisation,
            0.1,
            PALETTE[0],
        ),
        (
            "Street presence (on patrol, available)",
            |l| l.street_presence,
            0.5,
            PALETTE[1],
        ),
    ];
    for (label, value, offset, colour) in series {
        chart
            .draw_series(layers.iter().enumerate().map(|(i, l)| {
                let left = i as f64 + offset;
                Rectangle::new(
                    [(left, 0.0), (left + 0.4, value(l) * 100.0)],
                    colour.filled(),
                )
            }))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled()));
    }
    // Layer names under their pair of bars (the axis has no numeric labels).
    let name_style = ("sans-serif", 15)
        .into_font()
        .into_text_style(root)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (i, l) in layers.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(l.layer.clone(), (x, y + 8), name_style.clone()))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 15))
        .draw()
        .map_err(err)?;
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

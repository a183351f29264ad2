//! The map chart: roads drawn from the run's copy of the map, coloured by the mean time to the
//! first unit on scene of the calls at their ends; posts, stations and checkpoints marked; a
//! colour scale and a scale bar.

use super::charts::{GREY, Mark, PALETTE, Style, err, frame};
use crate::map::{OLDEST_BINARY_MAP_VERSION, RoadMap, binary_map_version, read_binary_map};
use crate::results::{PlaceResults, PlaceTally};
use anyhow::Context;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use polars::prelude::*;
use std::path::Path;

/// Size of the map chart in pixels.
pub const MAP_SIZE: (u32, u32) = (900, 760);

/// Minutes at the top of the colour scale; longer means are drawn in its last colour.
const SCALE_MAX_MIN: f64 = 15.0;

/// What a map chart draws: the roads, a time in minutes at each node, the posts and the
/// checkpoints.
pub struct MapDrawing {
    /// Node positions (east, north), metres.
    pub nodes: Vec<(f64, f64)>,
    /// Roads as pairs of node indices, each pair once whatever its directions.
    pub roads: Vec<(usize, usize)>,
    /// Minutes at each node (none: nothing to show there, drawn grey as "no calls").
    pub node_minutes: Vec<Option<f64>>,
    /// Posts: node and whether it is a police station or HQ.
    pub posts: Vec<(usize, bool)>,
    /// Checkpoint nodes.
    pub checkpoints: Vec<usize>,
}

impl MapDrawing {
    /// The roads and checkpoints of `map` with `node_minutes` and `posts` (node, whether a
    /// station or HQ).
    pub fn new(
        map: &RoadMap,
        node_minutes: Vec<Option<f64>>,
        posts: Vec<(usize, bool)>,
    ) -> MapDrawing {
        let nodes: Vec<(f64, f64)> = map.graph.node_weights().map(|n| (n.x_m, n.y_m)).collect();
        let mut roads: Vec<(usize, usize)> = map
            .graph
            .raw_edges()
            .iter()
            .map(|e| {
                let (a, b) = (e.source().index(), e.target().index());
                (a.min(b), a.max(b))
            })
            .collect();
        roads.sort_unstable();
        roads.dedup();
        MapDrawing {
            nodes,
            roads,
            node_minutes,
            posts,
            checkpoints: map.checkpoints.iter().map(|c| c.node as usize).collect(),
        }
    }

    /// The mean minutes of a road: the mean of its ends that had calls.
    fn road_minutes(&self, (a, b): (usize, usize)) -> Option<f64> {
        match (self.node_minutes[a], self.node_minutes[b]) {
            (Some(x), Some(y)) => Some(0.5 * (x + y)),
            (x, y) => x.or(y),
        }
    }
}

/// What the run's map chart and interactive map draw, read from the run folder.
pub struct MapFigures {
    /// The chart: each node's mean minutes to the first unit on scene.
    pub drawing: MapDrawing,
    /// The figures by node and zone, for the interactive map.
    pub places: PlaceResults,
    /// The run's map copy.
    pub map: RoadMap,
}

impl MapFigures {
    /// Reads the run's map copy and the calls' responses per node (the calls name their nodes
    /// by source id, as the map does); none for a run folder written before runs kept their
    /// map, or whose map is of an older format (said on stderr).
    pub fn read(dir: &Path, calls: &DataFrame) -> anyhow::Result<Option<MapFigures>> {
        let path = dir.join(crate::experiment::MAP_FILE);
        if !path.exists() {
            return Ok(None);
        }
        if let Some(v) = std::fs::read(&path)
            .ok()
            .and_then(|bytes| binary_map_version(&bytes))
            .filter(|&v| v < OLDEST_BINARY_MAP_VERSION)
        {
            eprintln!(
                "note: {}: map format version {v}, from an older patrolsim: the report has no \
                 map chart (run the scenario again for one)",
                path.display()
            );
            return Ok(None);
        }
        let (map, _) = read_binary_map(&path)?;
        let places = PlaceTally::of_calls_table(&map, calls)
            .with_context(|| format!("{}: the calls do not fit the map", path.display()))?
            .results(&map);
        let mut node_minutes = vec![None; map.node_count()];
        for (n, f) in &places.nodes {
            node_minutes[*n as usize] = f.mean_response_s.map(|s| s / 60.0);
        }
        let posts = map
            .posts
            .iter()
            .map(|p| (p.node as usize, p.kind.is_station()))
            .collect();
        Ok(Some(MapFigures {
            drawing: MapDrawing::new(&map, node_minutes, posts),
            places,
            map,
        }))
    }
}

/// The colour of `minutes`: green well inside the 5-minute promise, yellow at 5, red from 10.
fn colour_of(minutes: f64) -> RGBColor {
    const STOPS: [(f64, (f64, f64, f64)); 4] = [
        (0.0, (26.0, 152.0, 80.0)),
        (5.0, (254.0, 224.0, 100.0)),
        (10.0, (215.0, 48.0, 39.0)),
        (SCALE_MAX_MIN, (120.0, 0.0, 40.0)),
    ];
    let m = minutes.clamp(0.0, SCALE_MAX_MIN);
    let i = STOPS.iter().rposition(|s| s.0 <= m).unwrap_or(0).min(2);
    let ((m0, c0), (m1, c1)) = (STOPS[i], STOPS[i + 1]);
    let f = (m - m0) / (m1 - m0);
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    RGBColor(mix(c0.0, c1.0), mix(c0.1, c1.1), mix(c0.2, c1.2))
}

/// The longest round length (metres) no longer than a quarter of `width_m`.
fn scale_bar_m(width_m: f64) -> f64 {
    let mut best = 10.0;
    for exp in 1..6 {
        for lead in [1.0, 2.0, 5.0] {
            let l = lead * 10f64.powi(exp);
            if l <= width_m / 4.0 {
                best = l;
            }
        }
    }
    best
}

const STATION: RGBColor = RGBColor(20, 40, 120);
const NO_CALLS: RGBColor = RGBColor(200, 200, 200);

/// Draws a map chart titled `title`, its colour scale headed `colour`.
pub fn draw_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: Style,
    map: &MapDrawing,
    title: &str,
    colour: &str,
) -> anyhow::Result<()> {
    let t = style.t;
    // Only what the map holds goes in the legend.
    let legend: Vec<_> = [
        (
            t.no_calls,
            Mark::Line(NO_CALLS),
            map.roads.iter().any(|&r| map.road_minutes(r).is_none()),
        ),
        (
            t.post,
            Mark::Triangle(PALETTE[0]),
            map.posts.iter().any(|p| !p.1),
        ),
        (
            t.station,
            Mark::Square(STATION),
            map.posts.iter().any(|p| p.1),
        ),
        (
            t.checkpoint,
            Mark::Cross(BLACK),
            !map.checkpoints.is_empty(),
        ),
    ]
    .into_iter()
    .filter(|e| e.2)
    .map(|(label, mark, _)| (label.to_owned(), mark))
    .collect();
    let area = frame(root, style, title, &legend)?;
    let (w, _) = area.dim_in_pixel();
    let (plot_area, scale_area) = area.split_horizontally(w as i32 - 170);

    // Equal metres per pixel on both axes: pad the shorter extent.
    let (mut x0, mut x1, mut y0, mut y1) = map.nodes.iter().fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
    );
    let pad = 0.04 * (x1 - x0).max(y1 - y0).max(100.0);
    (x0, x1, y0, y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
    let build = |xr: (f64, f64), yr: (f64, f64)| {
        ChartBuilder::on(&plot_area)
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(xr.0 / 1000.0..xr.1 / 1000.0, yr.0 / 1000.0..yr.1 / 1000.0)
            .map_err(err)
    };
    let (pw, ph) = build((x0, x1), (y0, y1))?.plotting_area().dim_in_pixel();
    let m_per_px = ((x1 - x0) / f64::from(pw)).max((y1 - y0) / f64::from(ph));
    let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
    let (hw, hh) = (
        0.5 * m_per_px * f64::from(pw),
        0.5 * m_per_px * f64::from(ph),
    );
    let mut chart = build((cx - hw, cx + hw), (cy - hh, cy + hh))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(t.east_km)
        .y_desc(t.north_km)
        .x_label_formatter(&|v| format!("{v:.1}"))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .axis_desc_style(style.text(16))
        .label_style(style.text(14))
        .draw()
        .map_err(err)?;
    let km = |i: usize| (map.nodes[i].0 / 1000.0, map.nodes[i].1 / 1000.0);
    let (plain, coloured): (Vec<_>, Vec<_>) = map
        .roads
        .iter()
        .partition(|&&r| map.road_minutes(r).is_none());
    chart
        .draw_series(
            plain
                .iter()
                .map(|&&(a, b)| PathElement::new(vec![km(a), km(b)], NO_CALLS.stroke_width(1))),
        )
        .map_err(err)?;
    // Thinner roads on bigger maps keep dense centres readable.
    let width = match map.roads.len() {
        0..400 => 3,
        400..3000 => 2,
        _ => 1,
    };
    chart
        .draw_series(coloured.iter().map(|&&r| {
            let minutes = map.road_minutes(r).expect("partitioned on it");
            PathElement::new(
                vec![km(r.0), km(r.1)],
                colour_of(minutes).stroke_width(width),
            )
        }))
        .map_err(err)?;
    chart
        .draw_series(
            map.checkpoints
                .iter()
                .map(|&n| Cross::new(km(n), 7, BLACK.stroke_width(3))),
        )
        .map_err(err)?;
    chart
        .draw_series(map.posts.iter().filter(|p| p.1).map(|&(n, _)| {
            EmptyElement::at(km(n)) + Rectangle::new([(-7, -7), (7, 7)], STATION.filled())
        }))
        .map_err(err)?;
    chart
        .draw_series(
            map.posts
                .iter()
                .filter(|p| !p.1)
                .map(|&(n, _)| TriangleMarker::new(km(n), 8, PALETTE[0].filled())),
        )
        .map_err(err)?;

    // Scale bar, bottom left inside the plot.
    let plot = chart.plotting_area();
    let (_, plot_h) = plot.dim_in_pixel();
    let bar_m = scale_bar_m(2.0 * hw);
    let bar_px = (bar_m / m_per_px).round() as i32;
    let (bx, by) = (16, plot_h as i32 - 22);
    let bar_label = if bar_m >= 1000.0 {
        format!("{} {}", bar_m / 1000.0, t.kilometres)
    } else {
        format!("{bar_m} {}", t.metres)
    };
    let root_of_plot = plot.strip_coord_spec();
    root_of_plot
        .draw(&Rectangle::new(
            [(bx - 6, by - 28), (bx + bar_px + 6, by + 10)],
            WHITE.mix(0.85).filled(),
        ))
        .map_err(err)?;
    root_of_plot
        .draw(&PathElement::new(
            vec![
                (bx, by - 6),
                (bx, by),
                (bx + bar_px, by),
                (bx + bar_px, by - 6),
            ],
            BLACK.stroke_width(2),
        ))
        .map_err(err)?;
    root_of_plot
        .draw_text(
            &bar_label,
            &style.text(14).pos(Pos::new(HPos::Center, VPos::Bottom)),
            (bx + bar_px / 2, by - 6),
        )
        .map_err(err)?;
    draw_colour_scale(&scale_area, style, colour)
}

/// The colour scale beside the map: minutes from 0 to [`SCALE_MAX_MIN`] and more.
fn draw_colour_scale<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: Style,
    colour: &str,
) -> anyhow::Result<()> {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (70, h as i32 - 80);
    let (left, right) = (20, 44);
    area.draw_text(
        colour,
        &style.text(14).pos(Pos::new(HPos::Left, VPos::Bottom)),
        (4, top - 16),
    )
    .map_err(err)?;
    let y_of = |m: f64| bottom - ((m / SCALE_MAX_MIN) * f64::from(bottom - top)).round() as i32;
    for step in 0..60 {
        let (m0, m1) = (
            SCALE_MAX_MIN * f64::from(step) / 60.0,
            SCALE_MAX_MIN * f64::from(step + 1) / 60.0,
        );
        area.draw(&Rectangle::new(
            [(left, y_of(m1)), (right, y_of(m0))],
            colour_of(0.5 * (m0 + m1)).filled(),
        ))
        .map_err(err)?;
    }
    area.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        GREY.stroke_width(1),
    ))
    .map_err(err)?;
    let label = style.text(14).pos(Pos::new(HPos::Left, VPos::Center));
    for m in [0.0, 5.0, 10.0, SCALE_MAX_MIN] {
        let y = y_of(m);
        area.draw(&PathElement::new(
            vec![(right, y), (right + 6, y)],
            BLACK.stroke_width(1),
        ))
        .map_err(err)?;
        let text = if m == SCALE_MAX_MIN {
            format!("≥ {m:.0} {}", style.t.minutes_short)
        } else {
            format!("{m:.0} {}", style.t.minutes_short)
        };
        area.draw_text(&text, &label, (right + 10, y))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_scale_bar() {
        assert_eq!(colour_of(0.0), RGBColor(26, 152, 80));
        assert_eq!(colour_of(5.0), RGBColor(254, 224, 100));
        assert_eq!(colour_of(10.0), RGBColor(215, 48, 39));
        assert_eq!(colour_of(99.0), colour_of(SCALE_MAX_MIN));
        // A 4.4 km wide map gets a 1 km bar; 900 m wide, 200 m.
        assert_eq!(scale_bar_m(4400.0), 1000.0);
        assert_eq!(scale_bar_m(900.0), 200.0);
    }
}

//! The placement chart of `patrolsim place` (`placement_map.png`/`.svg`): the travel time from
//! the nearest post at every node with calls, the map's own posts beside the layout placed.

use super::map_chart::{MAP_SIZE, MapDrawing, draw_map};
use super::{Drawing, Lang, Style, render, style};
use crate::analyze::NearestPosts;
use crate::map::{NodeId, RoadMap};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The file stem of the placement chart.
pub const PLACEMENT_CHART: &str = "placement_map";

/// One map of the chart: its title and what it draws (minutes: travel time from the nearest
/// post; none at nodes without calls).
pub struct LayoutPanel {
    pub title: String,
    pub drawing: MapDrawing,
}

impl LayoutPanel {
    /// The panel of a layout: `posts` (node, whether placed new) with `nearest`, their times
    /// to every node. A new post is drawn as a kiosk, any other as the map's post at its node
    /// is (a station or HQ, or a kiosk); the title is `label` with the posts' count, the call-weighted mean
    /// time and the share of calls within `threshold_min`, over the nodes of positive
    /// `weights` that a post reaches.
    pub fn new(
        map: &RoadMap,
        label: &str,
        posts: &[(NodeId, bool)],
        nearest: &NearestPosts,
        weights: &[f64],
        threshold_min: f64,
    ) -> LayoutPanel {
        let (mut weight, mut time, mut within) = (0.0, 0.0, 0.0);
        let minutes = nearest
            .time_s
            .iter()
            .zip(weights)
            .map(|(&t, &w)| {
                (w > 0.0 && t.is_finite()).then(|| {
                    weight += w;
                    time += w * t;
                    if t <= threshold_min * 60.0 {
                        within += w;
                    }
                    t / 60.0
                })
            })
            .collect();
        let title = format!(
            "{label}: {} posts, mean {:.1} min, {:.1} % within {threshold_min} min",
            posts.len(),
            time / weight.max(f64::MIN_POSITIVE) / 60.0,
            100.0 * within / weight.max(f64::MIN_POSITIVE),
        );
        let station = |node: NodeId| {
            map.posts
                .iter()
                .any(|p| p.node == node && p.kind.is_station())
        };
        let marks = posts
            .iter()
            .map(|&(node, new)| (node as usize, !new && station(node)))
            .collect();
        LayoutPanel {
            title,
            drawing: MapDrawing::new(map, minutes, marks),
        }
    }
}

struct PlacementChart<'a>(&'a [LayoutPanel]);

impl Drawing for PlacementChart<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        style: Style,
    ) -> anyhow::Result<()> {
        let panels = area.split_evenly((1, self.0.len()));
        for (panel, area) in self.0.iter().zip(&panels) {
            draw_map(
                area,
                style,
                &panel.drawing,
                &panel.title,
                style.t.place_colour,
            )?;
        }
        Ok(())
    }
}

/// Writes the panels side by side, in English, as `placement_map.svg` and `.png` in `dir`.
pub fn write_placement_chart(panels: &[LayoutPanel], dir: &Path) -> anyhow::Result<()> {
    let size = (MAP_SIZE.0 * panels.len().max(1) as u32, MAP_SIZE.1);
    render(
        &PlacementChart(panels),
        PLACEMENT_CHART,
        size,
        style(Lang::En)?,
        dir,
    )?;
    Ok(())
}

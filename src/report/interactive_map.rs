//! The interactive map of report.html: the roads drawn light, a circle at each node with calls
//! coloured by its share of calls with a unit on scene within 5 minutes (sized by its calls),
//! posts, stations and checkpoints, and a legend, in inline SVG; a small inline script draws
//! the circles from the figures embedded as JSON and shows a node's figures when the pointer
//! is over it (or on a click or tap). Nothing is fetched, no library is used.
//!
//! The page stays bounded on a city map: positions are rounded to a 1,000-unit-wide plane
//! (about 10 m a unit on a 10 km city), roads that shrink to a point there are left out and a
//! road drawn twice (both directions) once, and only nodes with calls get a circle, with
//! their figures rounded (0.1 minute, 0.1 %). The figures are those of the GIS layers
//! ([`crate::results::PlaceResults`]).

use super::labels::Labels;
use super::map_chart::MapFigures;
use super::page::escape;
use serde_json::json;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Width of the map's plane, SVG units.
const WIDTH: f64 = 1000.0;

/// Height of the legend band under the map, SVG units.
const LEGEND_H: f64 = 64.0;

/// The colour classes of the 5-minute share: the least share of each class, its colour.
const CLASSES: [(f64, &str); 5] = [
    (0.95, "#1a9850"),
    (0.90, "#91cf60"),
    (0.80, "#fee08b"),
    (0.50, "#fc8d59"),
    (0.0, "#d73027"),
];

/// The script: circles from the JSON figures, the tooltip on hover, click or tap.
const SCRIPT: &str = r#"(function () {
  var fig = document.getElementById("imap");
  var d = JSON.parse(document.getElementById("imap-data").textContent);
  var svg = fig.querySelector("svg"), g = svg.querySelector(".imap-nodes");
  var tip = document.getElementById("imap-tip"), ns = "http://www.w3.org/2000/svg";
  function colour(s) {
    for (var k = 0; k < d.classes.length; k++) if (s >= d.classes[k][0]) return d.classes[k][1];
    return d.classes[d.classes.length - 1][1];
  }
  var most = 1;
  d.nodes.forEach(function (n) { most = Math.max(most, n[3]); });
  d.nodes.forEach(function (n, i) {
    var c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", n[0]); c.setAttribute("cy", n[1]);
    c.setAttribute("r", (1.5 + 3.5 * Math.sqrt(n[3] / most)).toFixed(1));
    c.setAttribute("fill", colour(n[5] / 1000));
    c.setAttribute("class", "imap-node");
    c.setAttribute("data-i", i);
    g.appendChild(c);
  });
  function show(e) {
    var i = e.target.getAttribute && e.target.getAttribute("data-i");
    if (i === null || i === undefined) { tip.hidden = true; return; }
    var n = d.nodes[+i], t = d.t;
    tip.textContent = t.node + " " + n[2] + " (" + d.zones[n[6]] + ")\n" +
      t.calls + ": " + n[3] + "\n" +
      t.mean + ": " + (n[4] === null ? "–" : (n[4] / 10).toFixed(1) + " " + t.min) + "\n" +
      t.within5 + ": " + (n[5] / 10).toFixed(1) + " %";
    var box = fig.getBoundingClientRect();
    tip.style.left = (e.clientX - box.left + 12) + "px";
    tip.style.top = (e.clientY - box.top + 12) + "px";
    tip.hidden = false;
  }
  svg.addEventListener("pointerover", show);
  svg.addEventListener("click", show);
  svg.addEventListener("pointerleave", function () { tip.hidden = true; });
})();"#;

/// The interactive map section of report.html.
pub fn html(map: &MapFigures, t: &Labels) -> String {
    let m = &map.map;
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for n in m.graph.node_weights() {
        (x0, x1, y0, y1) = (x0.min(n.x_m), x1.max(n.x_m), y0.min(n.y_m), y1.max(n.y_m));
    }
    let pad = 0.03 * (x1 - x0).max(y1 - y0).max(100.0);
    (x0, x1, y0, y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
    let scale = WIDTH / (x1 - x0);
    let height = ((y1 - y0) * scale).round().clamp(200.0, 1400.0);
    // A node's position in the plane, whole units, north up.
    let at = |n: usize| -> (i64, i64) {
        let node = m.node(n as u32);
        (
            ((node.x_m - x0) * scale).round() as i64,
            ((y1 - node.y_m) * scale).round() as i64,
        )
    };
    let positions: Vec<(i64, i64)> = (0..m.node_count()).map(at).collect();

    let mut roads = BTreeSet::new();
    for &(a, b) in &map.drawing.roads {
        let (p, q) = (positions[a], positions[b]);
        if p != q {
            roads.insert((p.min(q), p.max(q)));
        }
    }
    let mut road_path = String::with_capacity(14 * roads.len());
    for ((ax, ay), (bx, by)) in &roads {
        let _ = write!(road_path, "M{ax} {ay}L{bx} {by}");
    }

    let mut marks = String::new();
    for p in &m.posts {
        let (x, y) = positions[p.node as usize];
        if p.kind.is_station() {
            let _ = writeln!(
                marks,
                "<rect class=\"imap-station\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"/>",
                x - 5,
                y - 5
            );
        } else {
            let _ = writeln!(
                marks,
                "<path class=\"imap-post\" d=\"M{x} {}l6 10h-12z\"/>",
                y - 6
            );
        }
    }
    for c in &m.checkpoints {
        let (x, y) = positions[c.node as usize];
        let _ = writeln!(
            marks,
            "<path class=\"imap-checkpoint\" d=\"M{} {}l10 10m0 -10l-10 10\"/>",
            x - 5,
            y - 5
        );
    }

    let nodes: Vec<serde_json::Value> = map
        .places
        .nodes
        .iter()
        .map(|(n, f)| {
            let (x, y) = positions[*n as usize];
            let node = m.node(*n);
            json!([
                x,
                y,
                node.source_id,
                f.calls,
                f.mean_response_s.map(|s| (s / 6.0).round() as i64),
                (f.on_scene_5min_share.unwrap_or(0.0) * 1000.0).round() as i64,
                node.zone,
            ])
        })
        .collect();
    let data = json!({
        "nodes": nodes,
        "zones": m.zones.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(),
        "classes": CLASSES,
        "t": {"node": t.imap_node, "calls": t.imap_calls, "mean": t.imap_mean,
              "within5": t.on_scene_5min, "min": t.minutes_short},
    });
    // JSON inside a script element: no "<" may end it early.
    let data = data.to_string().replace('<', "\\u003c");

    let stations = m.posts.iter().filter(|p| p.kind.is_station()).count();
    let legend = legend(
        t,
        height,
        [
            m.posts.len() > stations,
            stations > 0,
            !m.checkpoints.is_empty(),
        ],
    );
    format!(
        "<h2>{heading}</h2>\n<p>{text}</p>\n<figure class=\"imap\" id=\"imap\">\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>\n\
         <path class=\"imap-roads\" d=\"{road_path}\"/>\n<g class=\"imap-nodes\"></g>\n\
         {marks}{legend}</svg>\n<div id=\"imap-tip\" hidden></div>\n\
         <script type=\"application/json\" id=\"imap-data\">{data}</script>\n\
         <script>{SCRIPT}</script>\n</figure>\n",
        heading = escape(t.imap_heading),
        text = escape(t.imap_text),
        w = WIDTH,
        h = height + LEGEND_H,
    )
}

/// The legend band under the map: the colour classes, then the marks the map holds (posts,
/// stations, checkpoints).
fn legend(t: &Labels, top: f64, holds: [bool; 3]) -> String {
    let y = top + 22.0;
    let mut s = format!(
        "<g class=\"imap-legend\" font-size=\"13\">\n<text x=\"10\" y=\"{}\">{}</text>\n",
        y + 4.0,
        escape(t.imap_colour)
    );
    let mut x = 330.0;
    for (i, (least, colour)) in CLASSES.iter().enumerate() {
        let label = if i == 0 {
            format!("≥ {:.0} %", least * 100.0)
        } else {
            format!("{:.0}–{:.0} %", least * 100.0, CLASSES[i - 1].0 * 100.0)
        };
        let _ = writeln!(
            s,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"6\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\">{label}</text>",
            x + 10.0,
            y + 4.0
        );
        x += 130.0;
    }
    let y = y + 26.0;
    let _ = writeln!(
        s,
        "<path class=\"imap-roads\" d=\"M10 {y}h30\"/><text x=\"48\" y=\"{}\">{}</text>",
        y + 4.0,
        escape(t.imap_roads)
    );
    let marks = [
        (
            format!(
                "<path class=\"imap-post\" d=\"M{{x}} {}l6 10h-12z\"/>",
                y - 6.0
            ),
            t.post,
        ),
        (
            format!(
                "<rect class=\"imap-station\" x=\"{{x5}}\" y=\"{}\" width=\"10\" height=\"10\"/>",
                y - 5.0
            ),
            t.station,
        ),
        (
            format!(
                "<path class=\"imap-checkpoint\" d=\"M{{x5}} {}l10 10m0 -10l-10 10\"/>",
                y - 5.0
            ),
            t.checkpoint,
        ),
    ];
    let mut x = 206.0;
    for ((mark, label), held) in marks.into_iter().zip(holds) {
        if held {
            let mark = mark
                .replace("{x}", &x.to_string())
                .replace("{x5}", &(x - 5.0).to_string());
            let _ = writeln!(
                s,
                "{mark}<text x=\"{}\" y=\"{}\">{}</text>",
                x + 16.0,
                y + 4.0,
                escape(label)
            );
            x += 200.0;
        }
    }
    s.push_str("</g>\n");
    s
}

/// The map's style rules, for the page's style sheet.
pub const CSS: &str = "\
.imap { position: relative; }\n\
.imap svg { width: 100%; height: auto; border: 1px solid #ddd; }\n\
.imap-roads { stroke: #c8c8c8; stroke-width: 0.8; fill: none; }\n\
.imap-node { stroke: #333; stroke-width: 0.4; fill-opacity: 0.9; cursor: pointer; }\n\
.imap-node:hover { stroke-width: 2; }\n\
.imap-post { fill: #1f77b4; stroke: #fff; stroke-width: 0.6; }\n\
.imap-station { fill: #142878; stroke: #fff; stroke-width: 0.6; }\n\
.imap-checkpoint { stroke: #000; stroke-width: 2.5; fill: none; }\n\
.imap-post, .imap-station, .imap-checkpoint { pointer-events: none; }\n\
#imap-tip { position: absolute; background: #fff; border: 1px solid #888; padding: 4px 8px; \
white-space: pre; font-size: 13px; pointer-events: none; box-shadow: 1px 1px 4px #0003; }\n";

//! Where to put posts (`patrolsim place`): location models over the road network's travel
//! times. The p-median (least call-weighted mean time from the nearest post) by fast
//! interchange from the greedy layout with a Lagrangian lower bound; the p-centre (least
//! largest time) exactly, by binary search over the travel times with a set-cover check;
//! maximal covering (most calls within T) by interchange with a Lagrangian upper bound. And the
//! greedy farthest-point rule that `auto_posts` and `map import --posts` use.
//!
//! Architecture invariant: no simulation and no random numbers; the same inputs give the same
//! layout whatever the thread count (parallel parts compute independent rows and are reduced
//! in a fixed order).

mod center;
mod fewest;
mod greedy;
mod instance;
mod interchange;
mod lagrange;

pub use center::{Centre, solve_centre};
pub use fewest::{Fewest, fewest_posts};
pub use greedy::{add_p_centre_kiosks, farthest_points, place_posts_p_centre};
pub use instance::{Figures, Instance, InstanceSpec, MAX_TABLE_ENTRIES};
pub use interchange::{Goal, interchange};
pub use lagrange::{Bound, cover_bound, median_bound};

use crate::analyze::NearestPosts;
use crate::atomic_file;
use crate::map::{NodeId, PostKind, RoadMap, SourceId, feature_collection};
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use thiserror::Error;

/// A placement that cannot be asked.
#[derive(Debug, Error)]
pub enum PlaceError {
    #[error("{what} = {value}: {rule}")]
    Option {
        what: String,
        value: String,
        rule: String,
    },
    #[error("map `{map}` has no demand to place posts for: {why}")]
    NoDemand { map: String, why: String },
}

/// What the layout should achieve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Least call-weighted mean travel time from the nearest post (p-median).
    Median,
    /// Least largest travel time to any node with calls (p-centre).
    Center,
    /// Most calls within the threshold (maximal covering), ties by the mean time.
    Cover,
}

impl Objective {
    /// The name on the command line and in `placement.json`.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Median => "median",
            Objective::Center => "center",
            Objective::Cover => "cover",
        }
    }
}

/// How far past the value (relative) a bound may come from rounding alone.
const ROUNDING_SLACK: f64 = 1e-9;

/// A bound is said to meet the value when the relative gap is at most this.
pub const OPTIMALITY_TOLERANCE: f64 = 1e-6;

/// A layout with its figures and how far from optimal it can be.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Open sites, fixed ones first.
    pub open: Vec<usize>,
    pub figures: Figures,
    /// The objective's value (mean or largest time in seconds, or the share covered).
    pub value: f64,
    /// The bound of the objective in its unit: a lower bound for median and center, an upper
    /// bound for cover.
    pub bound: f64,
    /// The greedy start's value of the objective.
    pub greedy_value: f64,
    /// Swaps the interchange made, subgradient iterations run.
    pub swaps: usize,
    pub iterations: usize,
}

impl Solution {
    /// The fixed sites alone as a covering layout: its share is exact, so it is its own bound.
    pub fn of_fixed(inst: &Instance, threshold_ms: u32) -> Solution {
        let open: Vec<usize> = (0..inst.fixed).collect();
        let figures = inst.evaluate(&open, threshold_ms);
        let value = value_of(inst, Objective::Cover, &figures);
        Solution {
            open,
            figures,
            value,
            bound: value,
            greedy_value: value,
            swaps: 0,
            iterations: 0,
        }
    }

    /// |value − bound| relative to the value (0 when both are 0).
    pub fn gap(&self) -> f64 {
        let d = (self.value - self.bound).abs();
        if d == 0.0 {
            0.0
        } else {
            d / self.value.abs().max(f64::MIN_POSITIVE)
        }
    }

    /// Whether the bound meets the value within [`OPTIMALITY_TOLERANCE`].
    pub fn proven_optimal(&self) -> bool {
        self.gap() <= OPTIMALITY_TOLERANCE
    }
}

/// The objective's value of `figures` (seconds, or the share covered).
fn value_of(inst: &Instance, objective: Objective, f: &Figures) -> f64 {
    match objective {
        Objective::Median => f.cost / inst.total_weight / 1000.0,
        Objective::Center => f64::from(f.max_ms) / 1000.0,
        Objective::Cover => f.covered / inst.total_weight,
    }
}

/// Whether `a` is a better layout than `b` for `objective` (ties of cover by the mean time).
fn better(objective: Objective, a: &Figures, b: &Figures) -> bool {
    match objective {
        Objective::Median => a.cost < b.cost,
        Objective::Center => (a.max_ms, a.cost) < (b.max_ms, b.cost),
        Objective::Cover => a.covered > b.covered || (a.covered == b.covered && a.cost < b.cost),
    }
}

/// The farthest-point rule on the table: each post goes to the free site nearest the demand
/// node reached last (ties to the lowest index); the first, with no fixed sites, to the site
/// of least largest time.
pub fn farthest_on_table(inst: &Instance, posts: usize) -> Vec<usize> {
    let mut open: Vec<usize> = (0..inst.fixed).collect();
    let mut is_open = vec![false; inst.site_count()];
    open.iter().for_each(|&s| is_open[s] = true);
    let mut reach = inst.nearest_ms(&open);
    for _ in 0..posts {
        let next = if open.is_empty() {
            inst.free()
                .min_by_key(|&s| (inst.row(s).iter().max().copied().unwrap_or(0), s))
        } else {
            let far = (0..reach.len())
                .max_by(|&a, &b| reach[a].cmp(&reach[b]).then(b.cmp(&a)))
                .unwrap_or(0);
            inst.free()
                .filter(|&s| !is_open[s])
                .min_by_key(|&s| (inst.row(s)[far], s))
        };
        let Some(s) = next else { break };
        is_open[s] = true;
        open.push(s);
        for (r, &t) in reach.iter_mut().zip(inst.row(s)) {
            *r = (*r).min(t);
        }
    }
    open
}

/// Adds free sites to `open` one at a time, each the one that lowers the weighted sum of
/// times most, until `posts` free sites are open.
fn fill(inst: &Instance, open: &mut Vec<usize>, posts: usize) {
    while open.len() < inst.fixed + posts {
        let closed: Vec<usize> = inst.free().filter(|s| !open.contains(s)).collect();
        let best = closed
            .into_iter()
            .map(|s| {
                open.push(s);
                let cost = inst.evaluate(open, 0).cost;
                open.pop();
                (cost, s)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        match best {
            Some((_, s)) => open.push(s),
            None => return,
        }
    }
}

/// Places `posts` posts beside the fixed sites of `inst` for `objective`; `threshold_ms` is
/// the cover's T (and where `covered` is counted for every objective).
pub fn solve(inst: &Instance, objective: Objective, posts: usize, threshold_ms: u32) -> Solution {
    let figures = |open: &[usize]| inst.evaluate(open, threshold_ms);
    let mut starts = vec![farthest_on_table(inst, posts)];
    if let Some(g) = inst.greedy.as_ref().filter(|g| g.len() >= posts) {
        starts.push((0..inst.fixed).chain(g[..posts].iter().copied()).collect());
    }
    let mut start = starts[0].clone();
    for s in &starts[1..] {
        if better(objective, &figures(s), &figures(&start)) {
            start = s.clone();
        }
    }
    let greedy_value = value_of(inst, objective, &figures(&start));
    let goal = match objective {
        Objective::Cover => Goal::Cover { threshold_ms },
        _ => Goal::Cost,
    };
    let mut open = start;
    let (mut swaps, mut iterations) = (0, 0);
    let bound = match objective {
        Objective::Median | Objective::Cover => {
            swaps += interchange(inst, &mut open, goal);
            let f = figures(&open);
            let relaxed = if objective == Objective::Median {
                median_bound(inst, posts, f.cost, &inst.nearest_ms(&open))
            } else {
                cover_bound(inst, posts, threshold_ms, f.covered)
            };
            iterations = relaxed.iterations;
            // The relaxation's layout is another start; keep whichever ends better.
            let mut other = relaxed.open.clone();
            if other.len() == inst.fixed + posts && other != open {
                swaps += interchange(inst, &mut other, goal);
                if better(objective, &figures(&other), &f) {
                    open = other;
                }
            }
            let total = inst.total_weight;
            if objective == Objective::Median {
                relaxed.value / total / 1000.0
            } else {
                (relaxed.value / total).min(1.0)
            }
        }
        Objective::Center => {
            let centre = solve_centre(inst, posts, &open);
            open = centre.open;
            fill(inst, &mut open, posts);
            f64::from(centre.bound_ms) / 1000.0
        }
    };
    let figures = figures(&open);
    let value = value_of(inst, objective, &figures);
    // A bound never passes the value it bounds; rounding in the relaxation's sums may put it
    // a hair past, which is taken back. A larger overshoot is left as it is (a wrong bound
    // must show, and the brute-force test looks for it).
    let slack = ROUNDING_SLACK * value.abs().max(1.0);
    let bound = match objective {
        Objective::Cover if bound < value && value - bound <= slack => value,
        Objective::Median | Objective::Center if bound > value && bound - value <= slack => value,
        _ => bound,
    };
    Solution {
        open,
        figures,
        value,
        bound,
        greedy_value,
        swaps,
        iterations,
    }
}

/// One post of the layout, by the map's own node id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedPost {
    pub node: SourceId,
    /// Whether the post is one of those placed (not a post kept).
    pub new: bool,
}

/// What `placement.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacementReport {
    pub map: String,
    pub objective: Objective,
    pub posts: Vec<PlacedPost>,
    pub mean_time_s: f64,
    pub max_time_s: f64,
    pub threshold_min: f64,
    pub covered_share: f64,
    /// Lower bound of the objective (median: mean seconds; center: largest seconds); none for
    /// cover.
    pub lower_bound: Option<f64>,
    /// Upper bound of the share covered (cover only).
    pub upper_bound: Option<f64>,
    /// |value − bound| / value.
    pub gap: f64,
    pub proven_optimal: bool,
    /// The objective's value of the greedy farthest-point start.
    pub greedy_value: f64,
    /// Sites that could get a post (fixed ones included), demand nodes, and whether the sites
    /// are a farthest-point sample of the nodes; bounds hold over these sites.
    pub candidate_sites: usize,
    pub demand_nodes: usize,
    pub candidates_sampled: bool,
    /// Nodes with calls that no site reaches (left out).
    pub unreached_nodes: usize,
    pub speed_factor: f64,
    /// For `--min-posts`: the share asked for and how sure the count is the least.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_posts: Option<MinPostsReport>,
    pub seconds: f64,
}

/// What `placement.json` says of a `--min-posts` search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MinPostsReport {
    /// The share of the calls to have within the threshold.
    pub cover_share: f64,
    /// New posts found (the layout's `new` posts).
    pub posts: usize,
    /// Whether no layout with one post fewer can reach the share.
    pub proven_fewest: bool,
    /// Upper bound of the share covered with one post fewer (none when none was needed).
    pub cover_bound_one_fewer: Option<f64>,
}

impl MinPostsReport {
    /// The report of `fewest` for `share`.
    pub fn new(fewest: &Fewest, share: f64) -> MinPostsReport {
        MinPostsReport {
            cover_share: share,
            posts: fewest.posts,
            proven_fewest: fewest.proven_fewest(share),
            cover_bound_one_fewer: fewest.bound_one_fewer,
        }
    }

    /// One line for the terminal.
    pub fn text(&self, threshold_min: f64) -> String {
        let bound = match self.cover_bound_one_fewer {
            Some(b) => format!(
                "with {} the bound is {:.3} %",
                self.posts.saturating_sub(1),
                b * 100.0
            ),
            None => "the kept posts already reach it".into(),
        };
        format!(
            "fewest new posts for {:.2} % within {threshold_min} min: {}{} ({bound})\n",
            self.cover_share * 100.0,
            self.posts,
            if self.proven_fewest {
                ", proven least"
            } else {
                ", not proven least"
            },
        )
    }
}

impl PlacementReport {
    /// The report of `solution` on `inst`.
    pub fn new(
        map: &RoadMap,
        inst: &Instance,
        objective: Objective,
        solution: &Solution,
        threshold_min: f64,
        speed_factor: f64,
        seconds: f64,
    ) -> PlacementReport {
        let f = &solution.figures;
        let cover = objective == Objective::Cover;
        PlacementReport {
            map: map.name.clone(),
            objective,
            posts: solution
                .open
                .iter()
                .map(|&s| PlacedPost {
                    node: map.source_id(inst.sites[s]),
                    new: s >= inst.fixed,
                })
                .collect(),
            mean_time_s: f.cost / inst.total_weight / 1000.0,
            max_time_s: f64::from(f.max_ms) / 1000.0,
            threshold_min,
            covered_share: f.covered / inst.total_weight,
            lower_bound: (!cover).then_some(solution.bound),
            upper_bound: cover.then_some(solution.bound),
            gap: solution.gap(),
            proven_optimal: solution.proven_optimal(),
            greedy_value: solution.greedy_value,
            candidate_sites: inst.site_count(),
            demand_nodes: inst.demand.len(),
            candidates_sampled: inst.sampled,
            unreached_nodes: inst.unreached,
            speed_factor,
            min_posts: None,
            seconds,
        }
    }

    /// A few lines for the terminal.
    pub fn text(&self) -> String {
        let (value, unit, bound) = match self.objective {
            Objective::Median => (self.mean_time_s, "s mean", self.lower_bound),
            Objective::Center => (self.max_time_s, "s largest", self.lower_bound),
            Objective::Cover => (
                self.covered_share * 100.0,
                "% covered",
                self.upper_bound.map(|b| b * 100.0),
            ),
        };
        let new = self.posts.iter().filter(|p| p.new).count();
        let fewest = self
            .min_posts
            .as_ref()
            .map_or(String::new(), |m| m.text(self.threshold_min));
        format!(
            "{fewest}{}: {:?} with {new} new posts ({} kept) over {} candidate sites{} and {} demand nodes\n\
             value {value:.3} {unit}; bound {:.3}; gap {:.4} %{}; greedy start {:.3}\n\
             mean {:.1} s, largest {:.1} s, {:.1} % within {} min; {:.2} s\n",
            self.map,
            self.objective,
            self.posts.len() - new,
            self.candidate_sites,
            if self.candidates_sampled {
                " (farthest-point sample)"
            } else {
                ""
            },
            self.demand_nodes,
            bound.unwrap_or(f64::NAN),
            self.gap * 100.0,
            if self.proven_optimal {
                ", proven optimal"
            } else {
                ""
            },
            self.greedy_value
                * if self.objective == Objective::Cover {
                    100.0
                } else {
                    1.0
                },
            self.mean_time_s,
            self.max_time_s,
            self.covered_share * 100.0,
            self.threshold_min,
            self.seconds,
        )
    }
}

/// The name and kind of each post of `report`: kept posts under their names, new ones
/// `place-1`, `place-2`, … as kiosks.
fn post_names(report: &PlacementReport, map: &RoadMap) -> Vec<(String, PostKind)> {
    let mut placed = 0;
    report
        .posts
        .iter()
        .map(|p| {
            let kept = (!p.new)
                .then(|| map.posts.iter().find(|q| map.source_id(q.node) == p.node))
                .flatten();
            match kept {
                Some(q) => (q.name.clone(), q.kind),
                None => {
                    placed += 1;
                    (format!("place-{placed}"), PostKind::Kiosk)
                }
            }
        })
        .collect()
}

/// `placement.geojson`: a Point per post (`node`, `name`, `kind`, `new`) and one per node
/// with calls (`node`, `zone`, `weight`, `travel_min` from the nearest post, its
/// `nearest_post` node, `within_threshold`), from `nearest`: the layout's posts' times.
pub fn placement_geojson(
    report: &PlacementReport,
    map: &RoadMap,
    nearest: &NearestPosts,
    weights: &[f64],
) -> Value {
    let point = |node: NodeId| {
        let n = map.node(node);
        json!({"type": "Point", "coordinates": map.geojson_position(n.x_m, n.y_m)})
    };
    let names = post_names(report, map);
    let post_node = |p: &PlacedPost| map.node_by_source_id(p.node);
    let mut features: Vec<Value> = report
        .posts
        .iter()
        .zip(&names)
        .filter_map(|(p, (name, kind))| {
            Some(json!({
                "type": "Feature",
                "geometry": point(post_node(p)?),
                "properties": {"role": "post", "node": p.node, "name": name,
                               "kind": kind.name(), "new": p.new},
            }))
        })
        .collect();
    let threshold_s = report.threshold_min * 60.0;
    for v in (0..map.node_count()).filter(|&v| weights[v] > 0.0) {
        let t = nearest.time_s[v];
        let node = map.node(v as NodeId);
        features.push(json!({
            "type": "Feature",
            "geometry": point(v as NodeId),
            "properties": {
                "role": "calls",
                "node": node.source_id,
                "zone": map.zones[node.zone as usize].name,
                "weight": weights[v],
                "travel_min": t.is_finite().then(|| (t / 60.0 * 100.0).round() / 100.0),
                "nearest_post": t.is_finite().then(|| report.posts[nearest.post[v]].node),
                "within_threshold": t <= threshold_s,
            },
        }));
    }
    let mut c = feature_collection(map, "placement", features);
    c["description"] = json!(format!(
        "patrolsim place: the {} layout's posts, and each node with calls with its travel \
         time from the nearest post (minutes) and whether it is within {} min",
        report.objective.name(),
        report.threshold_min
    ));
    c
}

/// The GIS layer of a placement.
pub const PLACEMENT_GEOJSON: &str = "placement.geojson";

/// Writes `placement.json`, `posts.csv` (`name,kind,node`, as a CSV map's posts table: see
/// [`post_names`]) and [`PLACEMENT_GEOJSON`] (see [`placement_geojson`]) into `dir`, each
/// atomically.
pub fn write_placement(
    report: &PlacementReport,
    map: &RoadMap,
    nearest: &NearestPosts,
    weights: &[f64],
    dir: &Path,
) -> anyhow::Result<()> {
    atomic_file::write(&dir.join("posts.csv"), |w| {
        writeln!(w, "name,kind,node")?;
        for (p, (name, kind)) in report.posts.iter().zip(post_names(report, map)) {
            writeln!(w, "{name},{},{}", kind.name(), p.node)?;
        }
        Ok(())
    })?;
    let layer = placement_geojson(report, map, nearest, weights);
    atomic_file::write(&dir.join(PLACEMENT_GEOJSON), |w| {
        Ok(serde_json::to_writer(w, &layer)?)
    })?;
    atomic_file::write_str(
        &dir.join("placement.json"),
        &(serde_json::to_string_pretty(report)? + "\n"),
    )
}

/// The map's posts' nodes, each once.
pub fn post_nodes(map: &RoadMap) -> Vec<NodeId> {
    let mut nodes: Vec<NodeId> = Vec::new();
    for p in &map.posts {
        if !nodes.contains(&p.node) {
            nodes.push(p.node);
        }
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};
    use rand::{RngExt, SeedableRng};

    /// A random connected graph of `n` nodes (a random tree plus `extra` chords, 1–9 s an arc,
    /// two-way) as the table of its shortest times (Floyd–Warshall), with weights 1–4.
    fn random_instance(seed: u64, n: usize, extra: usize, fixed: usize) -> Instance {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let mut d = vec![u32::MAX / 4; n * n];
        (0..n).for_each(|i| d[i * n + i] = 0);
        let arc = |a: usize, b: usize, t: u32, d: &mut Vec<u32>| {
            d[a * n + b] = d[a * n + b].min(t);
            d[b * n + a] = d[b * n + a].min(t);
        };
        for v in 1..n {
            let u = rng.random_range(0..v);
            arc(u, v, 1000 * rng.random_range(1..10u32), &mut d);
        }
        for _ in 0..extra {
            let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
            arc(a, b, 1000 * rng.random_range(1..10u32), &mut d);
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    d[i * n + j] = d[i * n + j].min(d[i * n + k] + d[k * n + j]);
                }
            }
        }
        let weight = (0..n)
            .map(|_| f64::from(rng.random_range(1..5u32)))
            .collect();
        Instance::from_table(fixed, weight, d)
    }

    /// Every layout of the fixed sites and `posts` free ones.
    fn layouts(inst: &Instance, posts: usize) -> Vec<Vec<usize>> {
        let free: Vec<usize> = inst.free().collect();
        let mut out = Vec::new();
        for mask in 0u32..1 << free.len() {
            if mask.count_ones() as usize == posts {
                let chosen = free.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1);
                out.push((0..inst.fixed).chain(chosen.map(|(_, &s)| s)).collect());
            }
        }
        out
    }

    #[test]
    fn every_objective_against_all_subsets_on_random_graphs() {
        for seed in 0..24 {
            let fixed = (seed % 3) as usize;
            let inst = random_instance(seed, 13, 6, fixed);
            let threshold_ms = 6000;
            for posts in 1..=4 {
                let all = layouts(&inst, posts);
                let figures: Vec<Figures> =
                    all.iter().map(|l| inst.evaluate(l, threshold_ms)).collect();
                for objective in [Objective::Median, Objective::Center, Objective::Cover] {
                    let best = figures.iter().map(|f| value_of(&inst, objective, f)).fold(
                        if objective == Objective::Cover {
                            0.0
                        } else {
                            f64::INFINITY
                        },
                        |a, b| {
                            if objective == Objective::Cover {
                                a.max(b)
                            } else {
                                a.min(b)
                            }
                        },
                    );
                    let s = solve(&inst, objective, posts, threshold_ms);
                    let at =
                        format!("seed {seed}, {posts} posts, {objective:?}: {s:?}, best {best}");
                    assert_eq!(s.open.len(), fixed + posts, "{at}");
                    assert!((0..fixed).all(|f| s.open[f] == f), "{at}");
                    let eps = 1e-9 * best.abs().max(1.0);
                    match objective {
                        Objective::Median => {
                            assert!(s.value <= best * 1.001 + eps, "{at}");
                            assert!(s.bound <= best + eps && best <= s.value + eps, "{at}");
                        }
                        Objective::Center => {
                            assert_eq!(s.value, best, "{at}");
                            assert_eq!(s.bound, best, "{at}");
                            assert!(s.proven_optimal(), "{at}");
                        }
                        Objective::Cover => {
                            assert!(s.value >= best * 0.999 - eps, "{at}");
                            assert!(s.bound >= best - eps && best >= s.value - eps, "{at}");
                        }
                    }
                    if s.proven_optimal() {
                        assert!((s.value - best).abs() <= 1e-6 * best.abs().max(1.0), "{at}");
                    }
                }
            }
        }
    }

    /// A path of 7 nodes 1 s apart, one call weight each.
    fn path() -> Instance {
        let n: usize = 7;
        let ms = (0..n * n)
            .map(|k| 1000 * (k / n).abs_diff(k % n) as u32)
            .collect();
        Instance::from_table(0, vec![1.0; n], ms)
    }

    #[test]
    fn a_path_by_hand() {
        let inst = path();
        // Two posts: at nodes 1 and 4 (or 2 and 5) the seven nodes are 0+1+1 + 1+0+1+2 = 6 s
        // away in all; the largest time is at best 2 s (two stretches of five nodes); within
        // 1 s a post reaches three nodes, so two reach six of seven.
        let median = solve(&inst, Objective::Median, 2, 1000);
        assert!((median.value - 6.0 / 7.0).abs() < 1e-12, "{median:?}");
        assert!(median.proven_optimal(), "{median:?}");
        let centre = solve(&inst, Objective::Center, 2, 1000);
        assert_eq!((centre.value, centre.bound), (2.0, 2.0));
        let cover = solve(&inst, Objective::Cover, 2, 1000);
        assert!((cover.value - 6.0 / 7.0).abs() < 1e-12, "{cover:?}");
        assert!(cover.proven_optimal(), "{cover:?}");
        // One post: the middle node, 12 s in all, 3 s the largest.
        let one = solve(&inst, Objective::Median, 1, 1000);
        assert_eq!(one.open, vec![3]);
        assert!((one.value - 12.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn the_fewest_posts_on_the_path_by_hand() {
        let inst = path();
        // Within 1 s a post reaches three nodes: one post covers 3/7, two 6/7, three all seven.
        for (share, posts) in [(3.0 / 7.0, 1), (0.5, 2), (6.0 / 7.0, 2), (1.0, 3)] {
            let f = fewest_posts(&inst, share, 1000, 6).unwrap();
            assert_eq!(f.posts, posts, "share {share}: {f:?}");
            assert!(f.solution.value >= share, "{f:?}");
            // The relaxation of covering on a path is exact (an interval matrix): one post
            // fewer is bounded at (3 × (posts − 1))/7 < share.
            assert!(f.proven_fewest(share), "share {share}: {f:?}");
        }
        // No layout of at most one post covers half.
        assert_eq!(fewest_posts(&inst, 0.5, 1000, 1), Err(3.0 / 7.0));
        // Fixed posts at both ends cover 4/7 already; half needs no new post.
        let ms = [0, 6, 1, 2, 3, 4, 5]
            .iter()
            .flat_map(|&site: &usize| (0..7).map(move |j: usize| 1000 * site.abs_diff(j) as u32))
            .collect();
        let ends = Instance::from_table(2, vec![1.0; 7], ms);
        let f = fewest_posts(&ends, 0.5, 1000, 4).unwrap();
        assert_eq!((f.posts, f.bound_one_fewer), (0, None));
        assert!(f.proven_fewest(0.5));
    }

    #[test]
    fn the_fewest_posts_against_all_subsets() {
        for seed in 0..16 {
            let fixed = (seed % 2) as usize;
            let inst = random_instance(seed, 11, 5, fixed);
            let threshold_ms = 5000;
            let best_with = |posts: usize| {
                layouts(&inst, posts)
                    .iter()
                    .map(|l| inst.evaluate(l, threshold_ms).covered / inst.total_weight)
                    .fold(0.0, f64::max)
            };
            for share in [0.3, 0.6, 0.9, 1.0] {
                let at = format!("seed {seed}, share {share}");
                let Ok(f) = fewest_posts(&inst, share, threshold_ms, 8) else {
                    assert!(best_with(8) < share, "{at}");
                    continue;
                };
                assert!(f.solution.value >= share, "{at}: {f:?}");
                assert_eq!(f.solution.open.len(), fixed + f.posts, "{at}");
                if f.posts > 0 {
                    let optimum = best_with(f.posts - 1);
                    // The bound bounds; and when it proves the count, no smaller one reaches.
                    let bound = f.bound_one_fewer.unwrap();
                    assert!(bound >= optimum - 1e-9, "{at}: bound {bound} < {optimum}");
                    if f.proven_fewest(share) {
                        assert!(optimum < share, "{at}: {f:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn never_worse_than_the_greedy_layout_and_fixed_posts_stay() {
        let map = grid_map(&GridSpec {
            n: 10,
            posts_per_side: 2,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let weights = vec![1.0; map.node_count()];
        for keep in [false, true] {
            let fixed = if keep { post_nodes(&map) } else { Vec::new() };
            let greedy = place_posts_p_centre(&map, &fixed, 5);
            let inst = Instance::build(&InstanceSpec {
                map: &map,
                speed_factor: 1.0,
                fixed: &fixed,
                candidates: None,
                weights: &weights,
                posts: 5,
                max_entries: MAX_TABLE_ENTRIES,
            })
            .unwrap();
            let greedy_open: Vec<usize> = (0..inst.fixed)
                .chain(
                    greedy
                        .iter()
                        .map(|g| inst.sites.iter().position(|s| s == g).unwrap()),
                )
                .collect();
            let g = inst.evaluate(&greedy_open, 60_000);
            for objective in [Objective::Median, Objective::Center, Objective::Cover] {
                let s = solve(&inst, objective, 5, 60_000);
                let f = &s.figures;
                match objective {
                    Objective::Median => assert!(f.cost <= g.cost),
                    Objective::Center => assert!(f.max_ms <= g.max_ms),
                    Objective::Cover => assert!(f.covered >= g.covered),
                }
                let kept: Vec<NodeId> = s.open[..inst.fixed]
                    .iter()
                    .map(|&o| inst.sites[o])
                    .collect();
                assert_eq!(kept, fixed);
                assert!(s.open[inst.fixed..].iter().all(|&o| o >= inst.fixed));
            }
        }
    }

    #[test]
    fn a_sampled_table_keeps_the_greedy_layout_and_says_so() {
        let map = grid_map(&GridSpec {
            n: 12,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let weights = vec![1.0; map.node_count()];
        let inst = Instance::build(&InstanceSpec {
            map: &map,
            speed_factor: 1.0,
            fixed: &[],
            candidates: None,
            weights: &weights,
            posts: 4,
            max_entries: 144 * 20,
        })
        .unwrap();
        assert!(inst.sampled);
        assert_eq!(inst.site_count(), 20);
        assert!(inst.greedy.is_some());
        let s = solve(&inst, Objective::Median, 4, 60_000);
        assert!(s.value <= s.greedy_value);
    }

    #[test]
    fn no_demand_and_too_many_posts_are_refused() {
        let map = grid_map(&GridSpec {
            n: 3,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let spec = |weights: &'static [f64], posts| InstanceSpec {
            map: &map,
            speed_factor: 1.0,
            fixed: &[],
            candidates: None,
            weights,
            posts,
            max_entries: MAX_TABLE_ENTRIES,
        };
        let e = Instance::build(&spec(&[0.0; 9], 2))
            .unwrap_err()
            .to_string();
        assert!(e.contains("has no demand"), "{e}");
        let e = Instance::build(&spec(&[1.0; 9], 9))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "--posts = 9: must be >= 1 and less than the 9 candidate sites without a post"
        );
    }
}

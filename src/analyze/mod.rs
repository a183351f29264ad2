//! Static analysis (`patrolsim analyze`): without randomness, for a map, a set of posts (one
//! crew each) and optionally a set of exits, how far each node is from the nearest post
//! (coverage) and how fast the posts can hold every exit (blockade: the same bottleneck
//! assignment the simulation uses for cordons).
//!
//! Architecture invariant: no simulation and no random numbers; the same inputs give the same
//! tables.

use crate::atomic_file;
use crate::cordon::{BottleneckSolver, CannotClose, crew_times};
use crate::map::{NodeId, RoadMap, SourceId};
use crate::routing::{Candidate, Router, TravelGraph};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use thiserror::Error;

/// A node list that cannot be used.
#[derive(Debug, Error)]
pub enum AnalyzeError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: line {line}: {field} = {value:?}: {rule}")]
    Invalid {
        file: String,
        line: usize,
        field: String,
        value: String,
        rule: String,
    },
    #[error("{what} = {value}: {rule}")]
    Option {
        what: String,
        value: String,
        rule: String,
    },
}

/// Reads a CSV list of nodes: a header with a `node` column, then one row per node, named by
/// its id in the map's source data (other columns are ignored). Every node must exist in
/// `map`; none may repeat.
pub fn read_node_list(path: &Path, map: &RoadMap) -> Result<Vec<NodeId>, AnalyzeError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| AnalyzeError::Read {
        file: file.clone(),
        source,
    })?;
    let invalid = |line: usize, field: &str, value: &str, rule: String| AnalyzeError::Invalid {
        file: file.clone(),
        line,
        field: field.into(),
        value: value.into(),
        rule,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(invalid(
            1,
            "header",
            "",
            "empty file; expected a `node` column".into(),
        ));
    };
    let column = header
        .split(',')
        .position(|c| c.trim() == "node")
        .ok_or_else(|| invalid(1, "header", header, "needs a `node` column".into()))?;
    let mut nodes = Vec::new();
    for (i, line) in lines {
        let value = line.split(',').nth(column).unwrap_or("").trim();
        let node = map.parse_node(value).ok_or_else(|| {
            invalid(
                i + 1,
                "node",
                value,
                format!("no node of map `{}` has that id", map.name),
            )
        })?;
        if nodes.contains(&node) {
            return Err(invalid(i + 1, "node", value, "listed twice".into()));
        }
        nodes.push(node);
    }
    if nodes.is_empty() {
        return Err(invalid(1, "node", "", "the list has no nodes".into()));
    }
    Ok(nodes)
}

/// Coverage of one zone (or of the whole map).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneCoverage {
    pub zone: String,
    pub nodes: usize,
    /// Nodes farther than the threshold from every post.
    pub beyond: usize,
    /// Largest travel time from the nearest post to a node, seconds.
    pub max_s: f64,
}

/// One row of the blockade table: an exit and the post that holds it, by source id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockadePost {
    pub exit: SourceId,
    pub post_node: SourceId,
    pub travel_s: f64,
}

/// The blockade: one post per exit, the last exit held as early as possible.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blockade {
    pub exits: usize,
    /// The largest travel time of the assignment; none when it cannot close.
    pub bottleneck_s: Option<f64>,
    /// Why the exits cannot all be held, if so.
    pub cannot_close: Option<String>,
    pub posts: Vec<BlockadePost>,
}

/// Everything `analyze` finds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub map: String,
    pub speed_factor: f64,
    pub threshold_s: f64,
    /// The posts' nodes, by source id.
    pub posts: Vec<SourceId>,
    /// Per node: travel time from the nearest post, seconds.
    #[serde(skip)]
    pub node_time_s: Vec<f64>,
    /// Per node: index of the nearest post (lowest index on ties).
    #[serde(skip)]
    pub node_post: Vec<usize>,
    pub zones: Vec<ZoneCoverage>,
    pub all: ZoneCoverage,
    pub blockade: Option<Blockade>,
}

/// Every node's travel time from the nearest of some posts.
#[derive(Debug, Clone, PartialEq)]
pub struct NearestPosts {
    /// Per node: seconds from the nearest post (infinite where none reaches).
    pub time_s: Vec<f64>,
    /// Per node: index of the nearest post (lowest index on ties; 0 where none reaches).
    pub post: Vec<usize>,
}

/// The travel time from the nearest of `posts` to each of the `n` nodes of `router`'s graph.
pub fn nearest_posts(router: &mut Router, n: usize, posts: &[NodeId]) -> NearestPosts {
    let mut nearest = NearestPosts {
        time_s: vec![f64::INFINITY; n],
        post: vec![0; n],
    };
    let mut times = Vec::new();
    for (p, &post) in posts.iter().enumerate() {
        router.times_from(post, &mut times);
        for (v, &t) in times.iter().enumerate() {
            if t < nearest.time_s[v] {
                nearest.time_s[v] = t;
                nearest.post[v] = p;
            }
        }
    }
    nearest
}

/// Analyses `map` with one crew at each of `posts` driving at `speed_factor` times free-flow
/// speed; nodes farther than `threshold_s` are counted; `exits`, when given, are blockaded.
pub fn analyze(
    map: &RoadMap,
    posts: &[NodeId],
    exits: Option<&[NodeId]>,
    speed_factor: f64,
    threshold_s: f64,
) -> Analysis {
    let graph = Arc::new(TravelGraph::new(map, speed_factor));
    let mut router = Router::new(graph);
    let n = map.node_count();
    let NearestPosts {
        time_s: node_time_s,
        post: node_post,
    } = nearest_posts(&mut router, n, posts);
    let coverage = |name: &str, nodes: &mut dyn Iterator<Item = usize>| {
        let mut c = ZoneCoverage {
            zone: name.into(),
            nodes: 0,
            beyond: 0,
            max_s: 0.0,
        };
        for v in nodes {
            c.nodes += 1;
            c.beyond += usize::from(node_time_s[v] > threshold_s);
            c.max_s = c.max_s.max(node_time_s[v]);
        }
        c
    };
    let zones = map
        .zones
        .iter()
        .enumerate()
        .map(|(z, zone)| {
            coverage(
                &zone.name,
                &mut (0..n).filter(|&v| map.node(v as NodeId).zone == z as u32),
            )
        })
        .collect();
    let all = coverage("all", &mut (0..n));
    let blockade = exits.map(|exits| blockade(&mut router, map, posts, exits));
    Analysis {
        map: map.name.clone(),
        speed_factor,
        threshold_s,
        posts: posts.iter().map(|&p| map.source_id(p)).collect(),
        node_time_s,
        node_post,
        zones,
        all,
        blockade,
    }
}

/// The min-max assignment of posts to `exits`, one post per exit.
fn blockade(router: &mut Router, map: &RoadMap, posts: &[NodeId], exits: &[NodeId]) -> Blockade {
    let crews: Vec<Candidate> = posts
        .iter()
        .enumerate()
        .map(|(i, &node)| Candidate {
            key: i as u32,
            node,
            lead_s: 0.0,
        })
        .collect();
    let mut times = Vec::new();
    crew_times(router, &crews, exits, &mut Vec::new(), &mut times);
    let solved: Result<_, CannotClose> =
        BottleneckSolver::default().solve(&times, posts.len(), exits.len());
    match solved {
        Ok(closure) => Blockade {
            exits: exits.len(),
            bottleneck_s: Some(closure.bottleneck_s),
            cannot_close: None,
            posts: closure
                .crew_of_exit
                .iter()
                .enumerate()
                .map(|(e, &p)| BlockadePost {
                    exit: map.source_id(exits[e]),
                    post_node: map.source_id(posts[p as usize]),
                    travel_s: times[p as usize * exits.len() + e],
                })
                .collect(),
        },
        Err(e) => Blockade {
            exits: exits.len(),
            bottleneck_s: None,
            cannot_close: Some(e.to_string()),
            posts: Vec::new(),
        },
    }
}

/// The analysis as readable text: coverage by zone, then the blockade table.
pub fn analysis_text(a: &Analysis) -> String {
    use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "zone".to_string(),
        "nodes".into(),
        format!("beyond {:.1} min", a.threshold_s / 60.0),
        "largest time s".into(),
    ]);
    for z in a.zones.iter().chain([&a.all]) {
        table.add_row(vec![
            z.zone.clone(),
            z.nodes.to_string(),
            z.beyond.to_string(),
            format!("{:.0}", z.max_s),
        ]);
    }
    let mut out = format!(
        "{}: {} posts, speed factor {}\ncoverage (travel time from the nearest post):\n{table}\n",
        a.map,
        a.posts.len(),
        a.speed_factor
    );
    if let Some(b) = &a.blockade {
        match (&b.cannot_close, b.bottleneck_s) {
            (Some(why), _) => out.push_str(&format!("blockade of {} exits: {why}\n", b.exits)),
            (None, Some(t)) => {
                let mut table = Table::new();
                table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
                    "exit node",
                    "post node",
                    "travel s",
                ]);
                for p in &b.posts {
                    table.add_row(vec![
                        p.exit.to_string(),
                        p.post_node.to_string(),
                        format!("{:.0}", p.travel_s),
                    ]);
                }
                out.push_str(&format!(
                    "blockade of {} exits (one post each): every exit held after {t:.0} s \
                     ({:.1} min)\n{table}\n",
                    b.exits,
                    t / 60.0
                ));
            }
            (None, None) => unreachable!("a blockade closes or says why not"),
        }
    }
    out
}

/// Writes `coverage.csv` (one row per node: its id, zone, the node of its nearest post, the
/// time), `coverage_zones.csv`, `blockade.csv` (when exits were given) and `analysis.json` into
/// `dir`, each atomically. Nodes are named by their source ids.
pub fn write_analysis(a: &Analysis, map: &RoadMap, dir: &Path) -> anyhow::Result<()> {
    atomic_file::write(&dir.join("coverage.csv"), |w| {
        writeln!(w, "node,zone,nearest_post,time_s,beyond_threshold")?;
        for (v, &t) in a.node_time_s.iter().enumerate() {
            let node = map.node(v as NodeId);
            writeln!(
                w,
                "{},{},{},{t},{}",
                node.source_id,
                map.zones[node.zone as usize].name,
                a.posts[a.node_post[v]],
                t > a.threshold_s
            )?;
        }
        Ok(())
    })?;
    atomic_file::write(&dir.join("coverage_zones.csv"), |w| {
        writeln!(w, "zone,nodes,beyond_threshold,max_s")?;
        for z in a.zones.iter().chain([&a.all]) {
            writeln!(w, "{},{},{},{}", z.zone, z.nodes, z.beyond, z.max_s)?;
        }
        Ok(())
    })?;
    if let Some(b) = &a.blockade {
        atomic_file::write(&dir.join("blockade.csv"), |w| {
            writeln!(w, "exit,post_node,travel_s")?;
            for p in &b.posts {
                writeln!(w, "{},{},{}", p.exit, p.post_node, p.travel_s)?;
            }
            Ok(())
        })?;
    }
    atomic_file::write_str(
        &dir.join("analysis.json"),
        &(serde_json::to_string_pretty(a)? + "\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};

    fn grid(n: u32) -> RoadMap {
        grid_map(&GridSpec {
            n,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        })
    }

    #[test]
    fn coverage_and_blockade_on_a_small_grid_by_hand() {
        // 7 × 7 grid, posts at (0, 0) and (6, 6): node (x, y) is min(x + y, 12 − x − y)
        // streets from the nearest post, at most 6 (120 s) on the anti-diagonal x + y = 6,
        // whose 7 nodes are the only ones beyond 100 s.
        let map = grid(7);
        let posts = [0, 48];
        // Exits (3, 0) and (6, 3): (0,0) → (3,0) 60 s, (6,6) → (6,3) 60 s.
        let exits = [3, 3 * 7 + 6];
        let a = analyze(&map, &posts, Some(&exits), 1.0, 100.0);
        assert_eq!(a.all.nodes, 49);
        assert_eq!(a.all.beyond, 7);
        assert_eq!(a.all.max_s, 120.0);
        let b = a.blockade.unwrap();
        assert_eq!(b.bottleneck_s, Some(60.0));
        assert_eq!(b.posts[0].post_node, 0);
        assert_eq!(b.posts[1].post_node, 48);
        // Three exits, two posts: a clear "cannot close".
        let a = analyze(&map, &posts, Some(&[3, 4, 5]), 1.0, 100.0);
        let b = a.blockade.as_ref().unwrap();
        assert_eq!(b.bottleneck_s, None);
        assert_eq!(
            b.cannot_close.as_deref(),
            Some("cannot close: 3 exits but only 2 crews (one crew per exit)")
        );
        assert!(analysis_text(&a).contains("blockade of 3 exits: cannot close"));
    }
}

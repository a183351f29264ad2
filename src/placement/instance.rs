//! A location problem as the solvers see it: candidate sites (the fixed posts first), demand
//! nodes with weights, and the travel time from every site to every demand node, in whole
//! milliseconds, from the routing's shortest-path trees.

use super::PlaceError;
use super::greedy::farthest_points;
use crate::map::{NodeId, RoadMap};
use crate::routing::{Router, TravelGraph};
use rayon::prelude::*;
use std::sync::Arc;

/// The largest site × demand table built (4 bytes an entry: 64 MB). Over it, the candidate
/// sites are the first ones of the farthest-point sequence that fit.
pub const MAX_TABLE_ENTRIES: usize = 16 << 20;

/// Sites, demand and the travel times between them.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The sites' nodes: the `fixed` posts first (always open), then the free candidates.
    pub sites: Vec<NodeId>,
    /// How many of `sites` are fixed posts.
    pub fixed: usize,
    /// The demand nodes (weight > 0 and reached from some site).
    pub demand: Vec<NodeId>,
    /// Each demand node's weight.
    pub weight: Vec<f64>,
    /// Sum of `weight`.
    pub total_weight: f64,
    /// Whether the free candidates are a farthest-point sample of the nodes (the table of every
    /// node would be over [`MAX_TABLE_ENTRIES`]).
    pub sampled: bool,
    /// Nodes of positive weight that no site reaches (left out of the demand).
    pub unreached: usize,
    /// The farthest-point sequence of the posts to add (its first k are the k posts
    /// `auto_posts` chooses, at this speed), as site indices, when all its nodes are candidate
    /// sites.
    pub greedy: Option<Vec<usize>>,
    /// `ms[s * demand.len() + j]`: from site `s` to demand node `j`, `u32::MAX` unreachable.
    ms: Vec<u32>,
}

/// What to build an instance from.
pub struct InstanceSpec<'a> {
    pub map: &'a RoadMap,
    pub speed_factor: f64,
    /// Posts that stay (each node once).
    pub fixed: &'a [NodeId],
    /// The nodes that may get a post; every node when absent.
    pub candidates: Option<&'a [NodeId]>,
    /// One weight per node of the map (any scale).
    pub weights: &'a [f64],
    /// Posts to add.
    pub posts: usize,
    /// Table size limit (normally [`MAX_TABLE_ENTRIES`]).
    pub max_entries: usize,
}

impl Instance {
    /// Builds the table: one tree per site, on all cores (each tree is computed alone, so the
    /// table does not depend on the thread count).
    pub fn build(spec: &InstanceSpec) -> Result<Instance, PlaceError> {
        let map = spec.map;
        let graph = Arc::new(TravelGraph::new(map, spec.speed_factor));
        let demand_all: Vec<NodeId> = (0..map.node_count() as NodeId)
            .filter(|&v| spec.weights[v as usize] > 0.0)
            .collect();
        if demand_all.is_empty() {
            return Err(PlaceError::NoDemand {
                map: map.name.clone(),
                why: "no node has a positive call weight".into(),
            });
        }
        let free: Vec<NodeId> = match spec.candidates {
            Some(c) => c
                .iter()
                .copied()
                .filter(|v| !spec.fixed.contains(v))
                .collect(),
            None => (0..map.node_count() as NodeId)
                .filter(|v| !spec.fixed.contains(v))
                .collect(),
        };
        if spec.posts == 0 || spec.posts >= free.len() {
            return Err(PlaceError::Option {
                what: "--posts".into(),
                value: spec.posts.to_string(),
                rule: format!(
                    "must be >= 1 and less than the {} candidate sites without a post",
                    free.len()
                ),
            });
        }
        let column =
            |tree: &[u32]| -> Vec<u32> { demand_all.iter().map(|&v| tree[v as usize]).collect() };
        let site_cap = (spec.max_entries / demand_all.len()).max(spec.posts + spec.fixed.len() + 1);
        let sampled = spec.candidates.is_none() && free.len() + spec.fixed.len() > site_cap;
        let (sites, rows, greedy_nodes) = if sampled {
            let mut sites = Vec::new();
            let mut rows = Vec::new();
            let chosen = farthest_points(
                map,
                Arc::clone(&graph),
                spec.fixed,
                site_cap - spec.fixed.len(),
                |node, tree| {
                    sites.push(node);
                    rows.push(column(tree));
                },
            );
            let greedy = chosen[..spec.posts.min(chosen.len())].to_vec();
            (sites, rows, greedy)
        } else {
            let greedy =
                farthest_points(map, Arc::clone(&graph), spec.fixed, spec.posts, |_, _| {});
            let sites: Vec<NodeId> = spec.fixed.iter().copied().chain(free).collect();
            let rows: Vec<Vec<u32>> = sites
                .par_iter()
                .map_init(
                    || Router::new(Arc::clone(&graph)),
                    |router, &site| column(router.ms_from(site)),
                )
                .collect();
            (sites, rows, greedy)
        };
        let reached: Vec<bool> = (0..demand_all.len())
            .map(|j| rows.iter().any(|r| r[j] != u32::MAX))
            .collect();
        let keep: Vec<usize> = (0..demand_all.len()).filter(|&j| reached[j]).collect();
        if keep.is_empty() {
            return Err(PlaceError::NoDemand {
                map: map.name.clone(),
                why: "no candidate site reaches a node with calls".into(),
            });
        }
        let demand: Vec<NodeId> = keep.iter().map(|&j| demand_all[j]).collect();
        let weight: Vec<f64> = demand.iter().map(|&v| spec.weights[v as usize]).collect();
        let mut ms = Vec::with_capacity(sites.len() * keep.len());
        for row in &rows {
            ms.extend(keep.iter().map(|&j| row[j]));
        }
        let greedy = greedy_nodes
            .iter()
            .map(|node| sites.iter().position(|s| s == node))
            .collect::<Option<Vec<usize>>>()
            .filter(|g| g.len() == spec.posts);
        Ok(Instance {
            fixed: spec.fixed.len(),
            total_weight: weight.iter().sum(),
            unreached: demand_all.len() - demand.len(),
            sampled,
            greedy,
            sites,
            demand,
            weight,
            ms,
        })
    }

    /// An instance from a table given directly (`ms[s * demand + j]`), for tests and benchmarks.
    pub fn from_table(fixed: usize, weight: Vec<f64>, ms: Vec<u32>) -> Instance {
        let demand = weight.len();
        let sites = ms.len() / demand;
        Instance {
            sites: (0..sites as NodeId).collect(),
            fixed,
            demand: (0..demand as NodeId).collect(),
            total_weight: weight.iter().sum(),
            weight,
            sampled: false,
            unreached: 0,
            greedy: None,
            ms,
        }
    }

    /// The times from site `s` to every demand node.
    pub fn row(&self, s: usize) -> &[u32] {
        let n = self.demand.len();
        &self.ms[s * n..(s + 1) * n]
    }

    /// Number of sites, fixed ones included.
    pub fn site_count(&self) -> usize {
        self.sites.len()
    }

    /// The free sites' indices.
    pub fn free(&self) -> std::ops::Range<usize> {
        self.fixed..self.sites.len()
    }

    /// Per demand node, the time from the nearest of `open` (`u32::MAX` when none reaches it).
    pub fn nearest_ms(&self, open: &[usize]) -> Vec<u32> {
        let mut best = vec![u32::MAX; self.demand.len()];
        for &s in open {
            for (b, &t) in best.iter_mut().zip(self.row(s)) {
                *b = (*b).min(t);
            }
        }
        best
    }

    /// The weighted sum of times (ms) from the nearest of `open`, the largest such time, and the
    /// weight within `threshold_ms`.
    pub fn evaluate(&self, open: &[usize], threshold_ms: u32) -> Figures {
        let best = self.nearest_ms(open);
        let mut f = Figures::default();
        for (&t, &w) in best.iter().zip(&self.weight) {
            f.cost += w * f64::from(t);
            f.max_ms = f.max_ms.max(t);
            if t <= threshold_ms {
                f.covered += w;
            }
        }
        f
    }
}

/// A layout's figures on an instance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Weighted sum of the times from the nearest post, weight × ms.
    pub cost: f64,
    /// The largest time from the nearest post, ms.
    pub max_ms: u32,
    /// Weight within the threshold.
    pub covered: f64,
}

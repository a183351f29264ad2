//! Move-up by a compliance table (as JEMSS and LiveMUM model it): for each number of free
//! crews, the places where they should stand. When a crew becomes busy or free and the share
//! of the demand that some free crew reaches within the coverage time falls below the
//! threshold, the free movable crews are sent to the places of their number's row: first every
//! crew standing at (or bound for) one of them keeps it, then each place left, in the row's
//! order, gets the nearest crew left (one already at the place, with no lead time, is left as
//! it is). Crews beyond the row's places keep what they do. The moves are made only if, with
//! the crews at their new places, more of the demand is covered than now: a patrolling crew
//! may cover more where it is than at a post.
//!
//! The table is the scenario's, or computed by greedy maximal covering ([`CoveragePlan::new`]):
//! row k + 1 is row k plus the candidate site that covers the most demand not yet covered, so
//! the rows are nested and a crew freed or sent away changes as few places as possible.

use super::{CallView, DispatchPolicy, MovableCrew, Move};
use crate::map::NodeId;
use crate::routing::{Candidate, Reached, TravelTimes};
use std::sync::Arc;

/// What move-up knows of the area, built once per model and shared by its replications.
#[derive(Debug, Clone, PartialEq)]
pub struct CoveragePlan {
    /// Share of the demand below which crews are moved.
    pub threshold: f64,
    /// A node is covered when a free crew reaches it within this time, seconds.
    pub within_s: f64,
    /// Demand weight per node (by node index).
    pub weights: Vec<f64>,
    /// The sum of `weights`.
    pub total_weight: f64,
    /// Row k − 1: the k places where k free crews stand (a computed table stops where another
    /// place would cover nothing more; more crews than rows use the last row).
    pub table: Vec<Vec<NodeId>>,
}

impl CoveragePlan {
    /// A plan with the compliance table `table`, or, when none is given, the greedy maximal
    /// covering table over `sites` (ties to the earlier site) with at most `max_rows` rows.
    pub fn new(
        threshold: f64,
        within_s: f64,
        weights: Vec<f64>,
        table: Option<Vec<Vec<NodeId>>>,
        sites: &[NodeId],
        max_rows: usize,
        travel: &mut dyn TravelTimes,
    ) -> Self {
        let total_weight = weights.iter().sum();
        let table =
            table.unwrap_or_else(|| covering_table(&weights, within_s, sites, max_rows, travel));
        CoveragePlan {
            threshold,
            within_s,
            weights,
            total_weight,
            table,
        }
    }

    /// The row for `free` movable crews (none when there are none).
    fn row(&self, free: usize) -> Option<&[NodeId]> {
        let k = free.min(self.table.len());
        (k > 0).then(|| self.table[k - 1].as_slice())
    }
}

/// The nested greedy maximal-covering table: each row adds to the last the site that covers
/// the most weight not yet covered within `within_s`, until no site adds any or there are
/// `max_rows` rows.
fn covering_table(
    weights: &[f64],
    within_s: f64,
    sites: &[NodeId],
    max_rows: usize,
    travel: &mut dyn TravelTimes,
) -> Vec<Vec<NodeId>> {
    let reach: Vec<Vec<NodeId>> = sites
        .iter()
        .map(|&site| {
            let mut out = Vec::new();
            let standing = Candidate {
                key: 0,
                node: site,
                lead_s: 0.0,
            };
            travel.reach_within(&[standing], within_s, &mut out);
            out
        })
        .collect();
    let mut covered = vec![false; weights.len()];
    let mut rows: Vec<Vec<NodeId>> = Vec::new();
    while rows.len() < max_rows {
        let gain = |s: usize| -> f64 {
            reach[s]
                .iter()
                .filter(|&&v| !covered[v as usize])
                .map(|&v| weights[v as usize])
                .sum()
        };
        // The first site of the largest gain.
        let Some((best, best_gain)) = (0..sites.len()).map(|s| (s, gain(s))).fold(
            None,
            |best: Option<(usize, f64)>, (s, g)| match best {
                Some((_, bg)) if bg >= g => best,
                _ => Some((s, g)),
            },
        ) else {
            break;
        };
        if best_gain <= 0.0 {
            break;
        }
        for &v in &reach[best] {
            covered[v as usize] = true;
        }
        let mut row = rows.last().cloned().unwrap_or_default();
        row.push(sites[best]);
        rows.push(row);
    }
    rows
}

/// Another policy, plus move-up: dispatch questions go to the inner policy.
pub struct MoveUp {
    inner: Box<dyn DispatchPolicy>,
    plan: Arc<CoveragePlan>,
    /// Scratch buffers, reused from moment to moment so the event loop does not allocate: the
    /// nodes the free crews cover, the crews not yet placed, the places of the row already
    /// held, the nearest crew to a place.
    reached: Vec<NodeId>,
    left: Vec<Candidate>,
    held: Vec<bool>,
    nearest: Vec<Reached>,
    /// The free crews as they would stand after the moves.
    after: Vec<Candidate>,
}

impl MoveUp {
    pub fn new(inner: Box<dyn DispatchPolicy>, plan: Arc<CoveragePlan>) -> Self {
        MoveUp {
            inner,
            plan,
            reached: Vec::new(),
            left: Vec::new(),
            held: Vec::new(),
            nearest: Vec::with_capacity(1),
            after: Vec::new(),
        }
    }

    /// The share of the demand that one of `free` reaches within the coverage time.
    fn coverage(&mut self, free: &[Candidate], travel: &mut dyn TravelTimes) -> f64 {
        travel.reach_within(free, self.plan.within_s, &mut self.reached);
        let covered: f64 = self
            .reached
            .iter()
            .map(|&v| self.plan.weights[v as usize])
            .sum();
        covered / self.plan.total_weight
    }
}

impl DispatchPolicy for MoveUp {
    fn choose(
        &mut self,
        call: &CallView,
        free: &[Candidate],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Reached>,
    ) {
        self.inner.choose(call, free, travel, out);
    }

    fn may_take(&self, call: &CallView, unit: u32) -> bool {
        self.inner.may_take(call, unit)
    }

    fn may_preempt(&self, call: &CallView) -> bool {
        self.inner.may_preempt(call)
    }

    fn preempt(
        &mut self,
        call: &CallView,
        busy: &[super::BusyCrew],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Reached>,
    ) {
        self.inner.preempt(call, busy, travel, out);
    }

    fn move_up(
        &mut self,
        free: &[Candidate],
        movable: &[MovableCrew],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Move>,
    ) {
        out.clear();
        let now = self.coverage(free, travel);
        if now >= self.plan.threshold {
            return;
        }
        let plan = Arc::clone(&self.plan);
        let Some(row) = plan.row(movable.len()) else {
            return;
        };
        // Crews standing at or bound for a place of the row keep it.
        self.held.clear();
        self.held.resize(row.len(), false);
        self.left.clear();
        for m in movable {
            let kept = row
                .iter()
                .zip(self.held.iter_mut())
                .find(|(place, held)| !**held && m.post == Some(**place));
            match kept {
                Some((_, held)) => *held = true,
                None => self.left.push(m.crew),
            }
        }
        // Each place left, in the row's order, gets the nearest crew left.
        for (&place, &held) in row.iter().zip(&self.held) {
            if held {
                continue;
            }
            travel.nearest(place, &self.left, 1, &mut self.nearest);
            let Some(r) = self.nearest.first() else {
                break;
            };
            let i = self
                .left
                .iter()
                .position(|c| c.key == r.key)
                .expect("the nearest crew is one of those left");
            let crew = self.left.swap_remove(i);
            // A crew already there is left as it is.
            if crew.node != place || crew.lead_s > 0.0 {
                out.push(Move { crew, to: place });
            }
        }
        if out.is_empty() {
            return;
        }
        // Only moves that restore coverage: with the crews at their new places, more of the
        // demand must be covered than now.
        self.after.clear();
        self.after.extend_from_slice(free);
        for m in out.iter() {
            if let Some(c) = self.after.iter_mut().find(|c| c.key == m.crew.key) {
                *c = Candidate {
                    key: c.key,
                    node: m.to,
                    lead_s: 0.0,
                };
            }
        }
        let after = std::mem::take(&mut self.after);
        if self.coverage(&after, travel) <= now {
            out.clear();
        }
        self.after = after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};
    use crate::routing::{Router, TravelGraph};

    /// A router on a 9 × 9 grid (20 s a block).
    fn grid_router() -> Router {
        let map = grid_map(&GridSpec {
            n: 9,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        Router::new(Arc::new(TravelGraph::new(&map, 1.0)))
    }

    /// Node (x, y) of the 9 × 9 grid.
    fn at(x: u32, y: u32) -> NodeId {
        y * 9 + x
    }

    #[test]
    fn the_covering_table_is_nested_and_takes_the_site_covering_most_first() {
        let mut router = grid_router();
        // Demand only in the left column: the left-middle site covers it all, within 80 s.
        let mut weights = vec![0.0; 81];
        for y in 0..9 {
            weights[at(0, y) as usize] = 1.0;
        }
        let sites = [at(8, 4), at(0, 4), at(0, 0)];
        let plan = CoveragePlan::new(0.5, 80.0, weights, None, &sites, 5, &mut router);
        assert_eq!(plan.table, vec![vec![at(0, 4)]], "one site covers all");
        // Uniform demand: the middle covers most; rows nest and stop at max_rows.
        let sites = [at(0, 0), at(4, 4), at(8, 8), at(8, 0)];
        let plan = CoveragePlan::new(0.5, 80.0, vec![1.0; 81], None, &sites, 3, &mut router);
        assert_eq!(plan.table.len(), 3);
        assert_eq!(plan.table[0], vec![at(4, 4)]);
        for k in 1..3 {
            assert_eq!(plan.table[k][..k], plan.table[k - 1][..]);
        }
    }

    /// A crew keyed `key` at `node`, standing at `post` if given.
    fn crew(key: u32, node: NodeId, post: Option<NodeId>) -> MovableCrew {
        MovableCrew {
            crew: Candidate {
                key,
                node,
                lead_s: 0.0,
            },
            post,
        }
    }

    #[test]
    fn crews_move_only_when_coverage_is_short_and_keep_places_they_hold() {
        let mut router = grid_router();
        let table = vec![vec![at(2, 4)], vec![at(2, 4), at(6, 4)]];
        let plan = Arc::new(CoveragePlan::new(
            0.9,
            60.0,
            vec![1.0; 81],
            Some(table),
            &[],
            0,
            &mut router,
        ));
        let mut policy = MoveUp::new(Box::new(super::super::nearest::Nearest), plan);
        let mut out = Vec::new();
        // Two crews in the left corner cover little: the one at the first place keeps it, the
        // other goes to the second place.
        let movable = [crew(0, at(2, 4), Some(at(2, 4))), crew(1, at(0, 0), None)];
        let free: Vec<Candidate> = movable.iter().map(|m| m.crew).collect();
        policy.move_up(&free, &movable, &mut router, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].crew.key, out[0].to), (1, at(6, 4)));
        // Every node covered (a free crew at each node): nobody moves.
        let everywhere: Vec<Candidate> = (0..81)
            .map(|v| Candidate {
                key: v,
                node: v,
                lead_s: 0.0,
            })
            .collect();
        policy.move_up(&everywhere, &movable, &mut router, &mut out);
        assert!(out.is_empty());
    }
}

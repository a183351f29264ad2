//! Cordons (包围圈): after a crime whose suspect flees by car, crews hold every road out of an
//! area around the scene. One crew per exit, chosen by the exact bottleneck assignment so that
//! the last exit is held as early as possible; the suspect is contained when every exit is held
//! before it can get there.
//!
//! - `bottleneck.rs`: the min-max assignment of crews to exits (also used by `analyze`).
//! - `ring.rs`: which nodes are the exits of a ring (`reach`, `zone`, or a listed set).
//!
//! [`CordonPlanner`] puts them together for one call: the suspect's times from the scene, the
//! ring (searching its radius when asked), the crews' times to the exits and the assignment.
//!
//! A ring is held in the order the suspect can reach its exits: with fewer crews than exits,
//! the crews take the exits the suspect reaches first ([`CordonPlanner::post_crews`]), and the
//! caller sends crews that come free later to the rest the same way.
//!
//! Architecture invariant: the cordon code knows nothing of the event loop, of layers or of
//! calls; it takes crews as routing candidates and answers with who goes where and when.

mod bottleneck;
mod ring;

pub use bottleneck::{BottleneckSolver, CannotClose, Closure};
pub use ring::{exits_of, reach_exits, zone_exits};

use crate::map::{NodeId, RoadMap};
use crate::routing::{Candidate, Router, TravelGraph, TravelTimes};
use std::sync::Arc;

/// How a cordon's ring is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum RingRule {
    /// The exits of the area the suspect can reach in `minutes` of driving from the scene; when
    /// `minutes` is none, the least whole number of minutes, 1 to `search_max_min`, whose ring
    /// the free crews close before the suspect gets there; if none does, the widest ring with
    /// no more exits than free crews, or else the narrowest ring (held in part).
    Reach {
        minutes: Option<f64>,
        search_max_min: u32,
    },
    /// The roads that leave the incident's zone.
    Zone,
    /// These exits, whatever the scene.
    Listed(Vec<NodeId>),
}

/// What an incident type's cordon needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CordonRule {
    pub ring: RingRule,
    /// The suspect's speed as a multiple of each road's free-flow speed.
    pub suspect_speed_factor: f64,
    /// How long before the call the suspect left the scene, seconds.
    pub head_start_s: f64,
    /// How long the cordon stands from its order, seconds: crews hold their exits until then.
    pub holding_s: f64,
}

/// One exit of a ring and when the suspect can first be there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RingExit {
    pub node: NodeId,
    /// Seconds after the call (infinite where the suspect cannot go).
    pub suspect_s: f64,
}

/// One crew's post in a cordon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CordonPost {
    /// Index into the candidates given to the planner.
    pub crew: u32,
    /// Index into the exits given (for [`CordonPlanner::plan`], the plan's ring).
    pub exit: u32,
    /// Time from the order until the crew holds the exit, lead time included, seconds.
    pub travel_s: f64,
    /// Length of the drive, metres.
    pub length_m: f64,
}

/// The cordon of one call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CordonPlan {
    /// The ring's exits, in the order the suspect can reach them (then by node).
    pub ring: Vec<RingExit>,
    /// For a searched `reach` ring, the radius that contains the suspect (none if no radius
    /// does); for a given radius, that radius.
    pub ring_min: Option<f64>,
    /// Who goes where: one crew for each of as many exits as there are crews, the exits the
    /// suspect reaches first (see [`CordonPlanner::post_crews`]).
    pub posts: Vec<CordonPost>,
}

impl CordonPlan {
    /// Time from the order until every exit is held; none when the crews cannot hold them all
    /// (or there is no exit).
    pub fn closed_after_s(&self) -> Option<f64> {
        (!self.ring.is_empty() && self.posts.len() == self.ring.len())
            .then(|| self.posts.iter().map(|p| p.travel_s).fold(0.0, f64::max))
    }

    /// Whether every exit is held no later than the suspect can reach it, the order given
    /// `order_after_s` after the call.
    pub fn contained(&self, order_after_s: f64) -> bool {
        self.closed_after_s().is_some()
            && self
                .posts
                .iter()
                .all(|p| order_after_s + p.travel_s <= self.ring[p.exit as usize].suspect_s)
    }
}

/// Plans cordons. One per thread; holds a search of its own for the suspect's times (one
/// source to every node) and reusable buffers.
pub struct CordonPlanner {
    suspect_router: Router,
    suspect_s: Vec<f64>,
    exits: Vec<NodeId>,
    /// The crews' times to one exit, and to all exits (crews × exits, row-major).
    column: Vec<f64>,
    times: Vec<f64>,
    solver: BottleneckSolver,
}

impl CordonPlanner {
    /// A planner over `graph` (the crews' search graph, at emergency speed).
    pub fn new(graph: Arc<TravelGraph>) -> Self {
        CordonPlanner {
            suspect_router: Router::new(graph),
            suspect_s: Vec::new(),
            exits: Vec::new(),
            column: Vec::new(),
            times: Vec::new(),
            solver: BottleneckSolver::default(),
        }
    }

    /// Plans the cordon of a call at `scene` (in zone `zone`), ordered `order_after_s` after the
    /// call, with `crews` available: the ring, and crews for as many of its exits as they can
    /// hold. `emergency_speed_factor` is the factor of the search graph, so that the suspect's
    /// times scale to its own speed. `zone_rings[z]` are the exits of zone `z` (for the `zone`
    /// rule).
    #[allow(clippy::too_many_arguments)]
    pub fn plan(
        &mut self,
        travel: &mut dyn TravelTimes,
        map: &RoadMap,
        rule: &CordonRule,
        zone_rings: &[Vec<NodeId>],
        scene: NodeId,
        zone: u32,
        order_after_s: f64,
        emergency_speed_factor: f64,
        crews: &[Candidate],
    ) -> CordonPlan {
        self.suspect_router.times_from(scene, &mut self.suspect_s);
        let scale = emergency_speed_factor / rule.suspect_speed_factor;
        for t in &mut self.suspect_s {
            // Seconds after the call the suspect can be at the node.
            *t = *t * scale - rule.head_start_s;
        }
        match &rule.ring {
            RingRule::Reach {
                minutes: Some(m), ..
            } => {
                let limit = m * 60.0 - rule.head_start_s;
                reach_exits(map, &self.suspect_s, limit, &mut self.exits);
                let mut plan = self.close(travel, crews);
                plan.ring_min = Some(*m);
                plan
            }
            RingRule::Reach {
                minutes: None,
                search_max_min,
            } => {
                let (mut widest, mut narrowest) = (None, None);
                for m in 1..=*search_max_min {
                    let limit = f64::from(m) * 60.0 - rule.head_start_s;
                    reach_exits(map, &self.suspect_s, limit, &mut self.exits);
                    if self.exits.is_empty() {
                        continue;
                    }
                    if self.exits.len() > crews.len() {
                        narrowest.get_or_insert(m);
                        continue;
                    }
                    let plan = self.close(travel, crews);
                    if plan.contained(order_after_s) {
                        return CordonPlan {
                            ring_min: Some(f64::from(m)),
                            ..plan
                        };
                    }
                    widest = Some(plan);
                }
                if let Some(plan) = widest {
                    return plan;
                }
                let Some(m) = narrowest else {
                    return CordonPlan::default();
                };
                let limit = f64::from(m) * 60.0 - rule.head_start_s;
                reach_exits(map, &self.suspect_s, limit, &mut self.exits);
                self.close(travel, crews)
            }
            RingRule::Zone => {
                self.exits.clone_from(&zone_rings[zone as usize]);
                self.close(travel, crews)
            }
            RingRule::Listed(nodes) => {
                self.exits.clone_from(nodes);
                self.close(travel, crews)
            }
        }
    }

    /// The ring of `self.exits` in the suspect's order, and crews for its first exits.
    fn close(&mut self, travel: &mut dyn TravelTimes, crews: &[Candidate]) -> CordonPlan {
        let suspect_s = &self.suspect_s;
        let mut ring: Vec<RingExit> = self
            .exits
            .iter()
            .map(|&node| RingExit {
                node,
                suspect_s: suspect_s[node as usize],
            })
            .collect();
        ring.sort_by(|a, b| {
            a.suspect_s
                .total_cmp(&b.suspect_s)
                .then(a.node.cmp(&b.node))
        });
        self.exits.clear();
        self.exits.extend(ring.iter().map(|e| e.node));
        let exits = std::mem::take(&mut self.exits);
        let posts = self.post_crews(travel, crews, &exits);
        self.exits = exits;
        CordonPlan {
            ring,
            ring_min: None,
            posts,
        }
    }

    /// Crews for the first `min(crews, exits)` of `exits` (given in the order they should be
    /// held), one each, by the exact bottleneck assignment: the last of them is held as early as
    /// possible. None when some of those exits no crew can reach. Used when a cordon is ordered
    /// and, for the exits still open, each time crews come free while it stands.
    pub fn post_crews(
        &mut self,
        travel: &mut dyn TravelTimes,
        crews: &[Candidate],
        exits: &[NodeId],
    ) -> Vec<CordonPost> {
        let held = &exits[..exits.len().min(crews.len())];
        if held.is_empty() {
            return Vec::new();
        }
        crew_times(travel, crews, held, &mut self.column, &mut self.times);
        let m = held.len();
        let Ok(closure) = self.solver.solve(&self.times, crews.len(), m) else {
            return Vec::new();
        };
        closure
            .crew_of_exit
            .iter()
            .enumerate()
            .map(|(e, &c)| CordonPost {
                crew: c,
                exit: e as u32,
                travel_s: self.times[c as usize * m + e],
                length_m: travel.trip(crews[c as usize].node, held[e]).length_m,
            })
            .collect()
    }
}

impl CordonPlanner {
    /// How long `crews` take to hold every one of `exits`, one crew each (the bottleneck
    /// time), or none when they cannot. Nobody is sent: for measuring a sealing ring.
    pub fn hold_all(
        &mut self,
        travel: &mut dyn TravelTimes,
        crews: &[Candidate],
        exits: &[NodeId],
    ) -> Option<f64> {
        if exits.len() > crews.len() {
            return None;
        }
        crew_times(travel, crews, exits, &mut self.column, &mut self.times);
        self.solver
            .solve(&self.times, crews.len(), exits.len())
            .ok()
            .map(|c| c.bottleneck_s)
    }
}

/// The crews × exits matrix of travel times (lead time included), row-major, infinite where a
/// crew cannot reach an exit: one [`TravelTimes::times_to`] per exit (no lengths; the caller
/// asks for those of the crews it posts). `column` is a scratch buffer.
pub fn crew_times(
    travel: &mut dyn TravelTimes,
    crews: &[Candidate],
    exits: &[NodeId],
    column: &mut Vec<f64>,
    times: &mut Vec<f64>,
) {
    let m = exits.len();
    times.clear();
    times.resize(crews.len() * m, f64::INFINITY);
    for (e, &exit) in exits.iter().enumerate() {
        travel.times_to(exit, crews, column);
        for (c, &t) in column.iter().enumerate() {
            times[c * m + e] = t;
        }
    }
}

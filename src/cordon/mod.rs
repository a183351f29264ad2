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
//! Architecture invariant: the cordon code knows nothing of the event loop; it takes crews as
//! routing candidates and answers with who goes where and when the ring is closed.

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
    /// the force closes before the suspect gets there; if none does, the widest ring with no
    /// more exits than free crews (or, if there is none, no ring: nobody is sent).
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
    /// How long cordon crews hold their exits once there, seconds.
    pub holding_s: f64,
}

/// One crew's post in a cordon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CordonPost {
    /// Index into the candidates given to [`CordonPlanner::plan`].
    pub crew: u32,
    pub exit: NodeId,
    /// Time from the order until the crew holds the exit, lead time included, seconds.
    pub travel_s: f64,
    /// Length of the drive, metres.
    pub length_m: f64,
}

/// The cordon of one call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CordonPlan {
    /// Number of exits of the ring used.
    pub exits: u32,
    /// Time from the order until the last exit is held; none when the ring cannot be closed.
    pub closed_after_s: Option<f64>,
    /// Every exit held no later than the suspect can reach it.
    pub contained: bool,
    /// For a searched `reach` ring, the radius that contains the suspect (none if no radius
    /// does); for a given radius, that radius.
    pub ring_min: Option<f64>,
    /// Who goes where; empty when the ring cannot be closed.
    pub posts: Vec<CordonPost>,
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
    /// call, with `crews` available. `emergency_speed_factor` is the factor of the search graph,
    /// so that the suspect's times scale to its own speed. `zone_rings[z]` are the exits of zone
    /// `z` (for the `zone` rule).
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
                let mut plan = self.close(travel, crews, order_after_s);
                plan.ring_min = Some(*m);
                plan
            }
            RingRule::Reach {
                minutes: None,
                search_max_min,
            } => {
                let mut last = CordonPlan::default();
                for m in 1..=*search_max_min {
                    let limit = f64::from(m) * 60.0 - rule.head_start_s;
                    reach_exits(map, &self.suspect_s, limit, &mut self.exits);
                    if self.exits.is_empty() {
                        continue;
                    }
                    if self.exits.len() > crews.len() {
                        // Too many exits to close; recorded only if no ring can be tried.
                        if last.exits == 0 {
                            last.exits = self.exits.len() as u32;
                        }
                        continue;
                    }
                    last = self.close(travel, crews, order_after_s);
                    if last.contained {
                        last.ring_min = Some(f64::from(m));
                        return last;
                    }
                }
                last
            }
            RingRule::Zone => {
                self.exits.clone_from(&zone_rings[zone as usize]);
                self.close(travel, crews, order_after_s)
            }
            RingRule::Listed(nodes) => {
                self.exits.clone_from(nodes);
                self.close(travel, crews, order_after_s)
            }
        }
    }

    /// Assigns crews to `self.exits` and judges containment against `self.suspect_s`.
    fn close(
        &mut self,
        travel: &mut dyn TravelTimes,
        crews: &[Candidate],
        order_after_s: f64,
    ) -> CordonPlan {
        let m = self.exits.len();
        let mut plan = CordonPlan {
            exits: m as u32,
            ..CordonPlan::default()
        };
        if m > crews.len() {
            return plan;
        }
        crew_times(
            travel,
            crews,
            &self.exits,
            &mut self.column,
            &mut self.times,
        );
        let Ok(closure) = self.solver.solve(&self.times, crews.len(), m) else {
            return plan;
        };
        plan.closed_after_s = Some(closure.bottleneck_s);
        plan.contained = true;
        for (e, &c) in closure.crew_of_exit.iter().enumerate() {
            let i = c as usize * m + e;
            let exit = self.exits[e];
            if order_after_s + self.times[i] > self.suspect_s[exit as usize] {
                plan.contained = false;
            }
            plan.posts.push(CordonPost {
                crew: c,
                exit,
                travel_s: self.times[i],
                length_m: travel.trip(crews[c as usize].node, exit).length_m,
            });
        }
        plan
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

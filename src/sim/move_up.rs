//! Move-up in the engine: at the moments a crew becomes busy or free, the policy is asked
//! which free crews to re-post ([`crate::dispatch::DispatchPolicy::move_up`]), and the engine
//! sends them. A moving crew stays available: dispatch takes it from the next node on its
//! route, as it does a returning one; once there it waits (`Duty::Standing`) until it is sent
//! to a call or moved again, and after a call it goes back to its own patrol or post.
//!
//! Only crews of the scenario's move-up layers that are on duty and free are moved; point
//! crews never are. Each move is counted (`UnitRecord::moves`), its driving time booked as
//! `move_up_s` and its distance as `move_up_m` (and in `distance_m`).

use super::components::{Duty, Rejoin, UnitDataItem};
use super::{Event, Replication, unit_in};
use crate::dispatch::{CoveragePlan, MovableCrew, Move};
use crate::map::NodeId;
use crate::routing::{Router, TravelGraph};
use crate::scenario::{Layer, Scenario};
use bevy_ecs::entity::Entity;
use std::sync::Arc;

/// The coverage plan of `scenario`'s move-up, if it has one: its table, or the greedy covering
/// table over the map's posts and the movable crews' bases (at most one row per movable
/// crew), the demand weighted as calls are placed (large events' extra calls left out), and as
/// coverage time the 5-minute promise less the dispatch delay.
pub(super) fn coverage_plan(
    scenario: &Scenario,
    graph: &Arc<TravelGraph>,
) -> Option<Arc<CoveragePlan>> {
    let m = scenario.move_up.as_ref()?;
    let movable = |layer: Layer| m.layers.contains(&layer);
    let mut sites: Vec<NodeId> = scenario.map.posts.iter().map(|p| p.node).collect();
    sites.extend(
        scenario
            .units
            .iter()
            .filter(|u| movable(u.layer))
            .map(|u| u.home),
    );
    sites.sort_unstable();
    sites.dedup();
    let crews = scenario.units.iter().filter(|u| movable(u.layer)).count();
    let within_s = (crate::results::ON_SCENE_PROMISE_S - scenario.dispatch_delay_s).max(0.0);
    Some(Arc::new(CoveragePlan::new(
        m.threshold,
        within_s,
        super::demand::call_weights(&scenario.map, scenario.placement),
        m.table.clone(),
        &sites,
        crews,
        &mut Router::new(Arc::clone(graph)),
    )))
}

impl UnitDataItem<'_, '_> {
    /// Adds the distance of a move-up leg at `now_s`, if in the counted period.
    pub(super) fn add_move_distance(&mut self, metres: f64, now_s: f64, scenario: &Scenario) {
        if now_s >= scenario.warmup_s {
            self.ledger.0.distance_m += metres;
            self.ledger.0.move_up_m += metres;
        }
    }
}

impl Replication<'_> {
    /// A crew has just become busy or free: asks the policy which free crews to re-post (only
    /// when the scenario moves crews) and sends them.
    pub(super) fn move_up(&mut self) {
        let Some(m) = &self.scenario().move_up else {
            return;
        };
        self.collect_candidates(None);
        self.movable.clear();
        for c in &self.candidates {
            let unit = self.units[c.key as usize];
            if !m
                .layers
                .contains(&self.scenario().units[c.key as usize].layer)
            {
                continue;
            }
            let post = match self.unit(unit).state.duty {
                Duty::AtPost
                | Duty::Returning {
                    rejoin: Rejoin::Post,
                    ..
                } => Some(self.scenario().units[c.key as usize].home),
                Duty::MovingUp { to } => Some(to),
                Duty::Standing { node } => Some(node),
                _ => None,
            };
            self.movable.push(MovableCrew { crew: *c, post });
        }
        self.policy.move_up(
            &self.candidates,
            &self.movable,
            &mut *self.router,
            &mut self.moves,
        );
        for i in 0..self.moves.len() {
            let m = self.moves[i];
            self.send_to_post(m);
        }
    }

    /// Sends the crew of `m` from where it is to stand at `m.to`, available on the way.
    fn send_to_post(&mut self, m: Move) {
        let (now, scenario) = (self.now_s(), self.scenario());
        let unit = self.units[m.crew.key as usize];
        let mut u = unit_in(&mut self.unit_query, &mut self.world, unit);
        super::dispatch::call_away(&mut u, now, scenario);
        let route = &mut u.route.0;
        self.router.route(m.crew.node, m.to, route);
        // It reaches the route's first node after its lead time.
        for w in route.iter_mut() {
            w.at_s += m.crew.lead_s;
        }
        let travel_s = route.last().map_or(m.crew.lead_s, |w| w.at_s);
        u.begin_duty(Duty::MovingUp { to: m.to }, now, scenario);
        u.state.trip += 1;
        if now >= scenario.warmup_s {
            u.ledger.0.moves += 1;
        }
        let trip = u.state.trip;
        self.agenda
            .schedule(now + travel_s, Event::MovedUp { unit, trip });
    }

    /// A re-posted crew reaches its place, unless it was sent elsewhere since it set off.
    pub(super) fn on_moved_up(&mut self, unit: Entity, trip: u32) {
        let (now, scenario) = (self.now_s(), self.scenario());
        let mut u = self.unit_mut(unit);
        let Duty::MovingUp { to } = u.state.duty else {
            return;
        };
        if u.state.trip != trip {
            return;
        }
        let route_m = u.route.0.last().map_or(0.0, |w| w.from_start_m);
        u.add_move_distance(route_m, now, scenario);
        u.begin_duty(Duty::Standing { node: to }, now, scenario);
    }
}

//! The 110 command centre's engine: after the dispatch delay, the scenario's dispatch policy
//! ([`crate::dispatch`]) chooses among the available units (reinforcement only from the type's
//! backup layers), and the engine books and schedules what it chose. When too few are free, the
//! call waits in a queue ordered by priority, then call time; a unit that frees up takes the
//! first waiting call the policy lets it serve.

use super::components::{Duty, Incident, UnitDataItem};
use super::{Event, Replication};
use crate::dispatch::{BusyCrew, CallView};
use crate::results::Assignment;
use crate::routing::{Candidate, Waypoint};
use crate::scenario::{Layer, ReturnPosition, Scenario};
use bevy_ecs::entity::Entity;
use std::collections::BTreeSet;

/// Calls waiting for units: most urgent priority first, then the earliest call, then the lowest
/// call id.
#[derive(Default)]
pub(super) struct WaitingCalls {
    queue: BTreeSet<(u8, u64, u64, Entity)>,
}

impl WaitingCalls {
    /// The waiting priority-1 calls, in queue order.
    pub(super) fn priority_1(&self) -> impl Iterator<Item = Entity> + '_ {
        self.queue
            .iter()
            .take_while(|&&(priority, ..)| priority == 1)
            .map(|&(.., call)| call)
    }

    fn key(incident: &Incident, call: Entity) -> (u8, u64, u64, Entity) {
        let r = &incident.record;
        (r.priority, r.call_s.to_bits(), r.call_id, call)
    }
}

/// Where a unit driving `route` is after `elapsed_s`: the index of the next node it reaches (it
/// does not turn round mid-street).
pub(super) fn next_waypoint(route: &[Waypoint], elapsed_s: f64) -> usize {
    route
        .partition_point(|w| w.at_s < elapsed_s)
        .min(route.len().saturating_sub(1))
}

impl Replication<'_> {
    /// The layers that may serve `call` next: any for its first unit, else its type's backup
    /// layers.
    fn layers_for(&self, incident: &Incident) -> Option<&'_ [Layer]> {
        if incident.record.units_assigned == 0 {
            return None;
        }
        self.scenario().incident_types[incident.record.incident_type as usize]
            .backup_layers
            .as_deref()
    }

    /// The dispatch delay of `call` is over: send the units that reach it first.
    pub(super) fn on_dispatch(&mut self, call: Entity) {
        // The first unit may come from any layer; reinforcement from the type's backup layers.
        while self.lacking(call) > 0 {
            let incident = self.incident(call);
            let first_only = incident.record.units_assigned == 0
                && self.scenario().incident_types[incident.record.incident_type as usize]
                    .backup_layers
                    .is_some();
            let wanted = if first_only { 1 } else { incident.lacking() };
            let layers = self.layers_for(incident).map(<[Layer]>::to_vec);
            let view = call_view(incident, wanted);
            self.collect_candidates(layers.as_deref());
            self.policy.choose(
                &view,
                &self.candidates,
                &mut *self.router,
                &mut self.reached,
            );
            if self.reached.is_empty() {
                break;
            }
            for i in 0..self.reached.len() {
                let r = self.reached[i];
                self.assign(r.key, call, r.travel_s, r.length_m);
            }
            if !first_only {
                break;
            }
        }
        self.release_cordon_crews_for(call);
        self.preempt_for(call);
        if self.lacking(call) > 0 {
            self.wait(call);
        }
        self.order_cordon(call);
        let r = &self.incident(call).record;
        if r.priority == 1 {
            let call_id = r.call_id;
            self.measure_sealing(Some(call_id));
        }
        self.move_up();
    }

    /// Puts `call` in the queue (once).
    fn wait(&mut self, call: Entity) {
        let key = WaitingCalls::key(self.incident(call), call);
        self.waiting.queue.insert(key);
    }

    /// A call still short of units takes units working other scenes, if the policy lets it
    /// and chooses some; their calls go back to the queue.
    fn preempt_for(&mut self, call: Entity) {
        let incident = self.incident(call);
        let view = call_view(incident, incident.lacking());
        if view.wanted == 0 || !self.policy.may_preempt(&view) {
            return;
        }
        let layers = self.layers_for(incident).map(<[Layer]>::to_vec);
        self.busy.clear();
        for u in self.unit_query.iter_manual(&self.world) {
            let Duty::OnScene {
                call: serving,
                scene,
                ..
            } = u.state.duty
            else {
                continue;
            };
            let index = u.index;
            let layer = self.model.scenario.units[index.0 as usize].layer;
            if layers.as_ref().is_none_or(|l| l.contains(&layer)) {
                self.busy.push(BusyCrew {
                    crew: Candidate {
                        key: index.0,
                        node: scene,
                        lead_s: 0.0,
                    },
                    serving_priority: self.incident(serving).record.priority,
                });
            }
        }
        self.policy
            .preempt(&view, &self.busy, &mut *self.router, &mut self.reached);
        for i in 0..self.reached.len() {
            let r = self.reached[i];
            let unit = self.units[r.key as usize];
            let Duty::OnScene {
                call: serving,
                assignment,
                ..
            } = self.unit(unit).state.duty
            else {
                unreachable!("candidates are on scene");
            };
            let now = self.now_s();
            let a = self.books.assignment_mut(assignment);
            a.clear_s = Some(now);
            a.preempted = true;
            self.books.close_assignment(assignment);
            let mut incident = self.incident_mut(serving);
            incident.arrived -= 1;
            incident.record.units_assigned -= 1;
            incident.record.preempted += 1;
            self.wait(serving);
            self.assign(r.key, call, r.travel_s, r.length_m);
        }
    }

    fn lacking(&self, call: Entity) -> u32 {
        self.incident(call).lacking()
    }

    /// If a waiting call may take `unit` (free at `from`), sends it to the first such call and
    /// returns true.
    pub(super) fn take_waiting_call(&mut self, unit: Entity, from: u32) -> bool {
        let index = self.unit(unit).index.0 as usize;
        let layer = self.scenario().units[index].layer;
        let eligible = self
            .waiting
            .queue
            .iter()
            .copied()
            .find(|&(.., call)| self.may_serve(call, index as u32, layer));
        let Some(key) = eligible else {
            return false;
        };
        let call = key.3;
        let target = self.incident(call).record.node;
        let trip = self.router.trip(from, target);
        self.assign(index as u32, call, trip.travel_s, trip.length_m);
        if self.lacking(call) == 0 {
            self.waiting.queue.remove(&key);
        }
        true
    }

    /// Whether the policy and the call's layers let unit number `unit` (of `layer`) serve
    /// `call` next.
    pub(super) fn may_serve(&self, call: Entity, unit: u32, layer: Layer) -> bool {
        let incident = self.incident(call);
        self.policy
            .may_take(&call_view(incident, incident.lacking()), unit)
            && self.layers_for(incident).is_none_or(|l| l.contains(&layer))
    }

    /// Fills `self.candidates` with every available unit (of `layers`, when given) and where it
    /// leaves from.
    pub(super) fn collect_candidates(&mut self, layers: Option<&[Layer]>) {
        let now = self.now_s();
        let scenario = self.scenario();
        self.candidates.clear();
        for u in self.unit_query.iter_manual(&self.world) {
            let (index, state, route, patrol) = (u.index, u.state, u.route, u.patrol);
            let unit = &scenario.units[index.0 as usize];
            if !state.duty.is_available() || layers.is_some_and(|l| !l.contains(&unit.layer)) {
                continue;
            }
            let (node, lead_s) = match state.duty {
                Duty::Patrolling => {
                    let cycle = patrol
                        .cycle
                        .as_ref()
                        .expect("a patrolling unit has a cycle");
                    let (i, lead) = cycle.position(state.phase_s + now - state.since_s);
                    (cycle.waypoints[i].node, lead)
                }
                Duty::Returning { scene, .. } => match scenario.returning_position {
                    ReturnPosition::LastScene => (scene, 0.0),
                    ReturnPosition::OnRoute => on_route(&route.0, now - state.since_s),
                },
                Duty::MovingUp { .. } => on_route(&route.0, now - state.since_s),
                Duty::Standing { node } => (node, 0.0),
                _ => (unit.home, 0.0),
            };
            self.candidates.push(Candidate {
                key: index.0,
                node,
                lead_s,
            });
        }
    }

    /// Books the part of its way back that `unit` has driven when it is called away: up to the
    /// next node on its route, or (under the SPEC rule) none, as it counts as still at the scene.
    pub(super) fn call_away(&mut self, unit: Entity) {
        let (now, scenario) = (self.now_s(), self.scenario());
        call_away(&mut self.unit_mut(unit), now, scenario);
    }

    /// Sends unit number `index` to `call`, arriving after `travel_s` over `length_m` from
    /// where it leaves.
    pub(super) fn assign(&mut self, index: u32, call: Entity, travel_s: f64, length_m: f64) {
        let (now, scenario) = (self.now_s(), self.scenario());
        let mut incident = self.incident_mut(call);
        let counted = incident.counted;
        let r = &mut incident.record;
        r.units_assigned += 1;
        r.first_unit.get_or_insert(index);
        r.first_assigned_s.get_or_insert(now);
        let call_id = r.call_id;
        let assignment = self.books.assignments.open(Some(Assignment {
            replication: self.index,
            call_id,
            call_counted: counted,
            unit: index,
            assigned_s: now,
            arrival_s: None,
            clear_s: None,
            preempted: false,
        })) as u32;
        let unit = self.units[index as usize];
        let mut u = self.unit_mut(unit);
        call_away(&mut u, now, scenario);
        u.begin_duty(
            Duty::EnRoute {
                call,
                length_m,
                assignment,
            },
            now,
            scenario,
        );
        self.agenda.schedule(
            now + travel_s,
            Event::Arrive {
                unit,
                call,
                assignment,
            },
        );
    }
}

/// What the policy sees of `incident`, wanting `wanted` more units.
fn call_view(incident: &Incident, wanted: u32) -> CallView {
    let r = &incident.record;
    CallView {
        node: r.node,
        zone: r.zone,
        priority: r.priority,
        wanted: wanted as usize,
    }
}

/// Where a unit `elapsed_s` into driving `route` leaves from: the next node it reaches, and
/// the time until it does.
fn on_route(route: &[Waypoint], elapsed_s: f64) -> (u32, f64) {
    let w = route[next_waypoint(route, elapsed_s)];
    (w.node, w.at_s - elapsed_s)
}

/// Books the part of its way back (or of its move-up) that the unit `u` has driven when it is
/// called away at `now_s`: up to the next node on its route, or (under the SPEC rule, on its
/// way back) none, as it counts as still at the scene.
pub(super) fn call_away(u: &mut UnitDataItem<'_, '_>, now_s: f64, scenario: &Scenario) {
    let driven_m = |u: &UnitDataItem<'_, '_>| {
        let route = &u.route.0;
        route[next_waypoint(route, now_s - u.state.since_s)].from_start_m
    };
    match u.state.duty {
        Duty::Returning { .. } if scenario.returning_position == ReturnPosition::OnRoute => {
            let metres = driven_m(u);
            u.add_distance(metres, now_s, scenario);
        }
        Duty::MovingUp { .. } => {
            let metres = driven_m(u);
            u.add_move_distance(metres, now_s, scenario);
        }
        _ => {}
    }
}

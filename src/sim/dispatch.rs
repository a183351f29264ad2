//! The 110 command centre: after the dispatch delay, send the available units that reach the
//! scene first (ties to the lowest unit index); when too few are free, the call waits in a queue
//! ordered by priority, then call time, and units take its head as they clear.

use super::components::{Duty, Incident, Ledger, ReturnRoute, UnitIndex, UnitState};
use super::{Event, Replication};
use crate::results::Assignment;
use crate::routing::{Candidate, Waypoint};
use crate::scenario::ReturnPosition;
use bevy_ecs::entity::Entity;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Calls waiting for units: most urgent priority first, then the earliest call, then the lowest
/// call id.
#[derive(Default)]
pub(super) struct WaitingCalls {
    heap: BinaryHeap<Reverse<(u8, u64, u64, Entity)>>,
}

impl WaitingCalls {
    fn push(&mut self, incident: &Incident, call: Entity) {
        let r = &incident.record;
        self.heap
            .push(Reverse((r.priority, r.call_s.to_bits(), r.call_id, call)));
    }

    fn head(&self) -> Option<Entity> {
        self.heap.peek().map(|Reverse((.., call))| *call)
    }

    fn pop(&mut self) {
        self.heap.pop();
    }
}

/// Where a returning unit is after `elapsed_s` on its route home: the index of the next node it
/// reaches (it does not turn round mid-street).
pub(super) fn next_waypoint(route: &[Waypoint], elapsed_s: f64) -> usize {
    route
        .partition_point(|w| w.at_s < elapsed_s)
        .min(route.len().saturating_sub(1))
}

impl Replication<'_> {
    /// The dispatch delay of `call` is over: send the units that reach it first.
    pub(super) fn on_dispatch(&mut self, call: Entity) {
        let incident = self.world.get::<Incident>(call).expect("call exists");
        let (target, lacking) = (incident.record.node, incident.lacking());
        self.collect_candidates();
        self.router.nearest(
            target,
            &self.candidates,
            lacking as usize,
            &mut self.reached,
        );
        for i in 0..self.reached.len() {
            let r = self.reached[i];
            self.assign(self.units[r.key as usize], call, r.travel_s, r.length_m);
        }
        let incident = self.world.get::<Incident>(call).expect("call exists");
        if incident.lacking() > 0 {
            self.waiting.push(incident, call);
        }
    }

    /// If calls are waiting, sends `unit` (just cleared at `scene`) to the head of the queue and
    /// returns true.
    pub(super) fn take_waiting_call(&mut self, unit: Entity, scene: u32) -> bool {
        let Some(call) = self.waiting.head() else {
            return false;
        };
        let target = self
            .world
            .get::<Incident>(call)
            .expect("call exists")
            .record
            .node;
        let trip = self.router.trip(scene, target);
        self.assign(unit, call, trip.travel_s, trip.length_m);
        if self
            .world
            .get::<Incident>(call)
            .expect("call exists")
            .lacking()
            == 0
        {
            self.waiting.pop();
        }
        true
    }

    /// Fills `self.candidates` with every available unit and where it leaves from.
    fn collect_candidates(&mut self) {
        let now = self.now_s();
        let mode = self.scenario().returning_position;
        self.candidates.clear();
        for (index, home, state, route) in self.unit_query.iter(&self.world) {
            let (node, lead_s) = match state.duty {
                Duty::AtPost => (home.0, 0.0),
                Duty::Returning { scene } => match mode {
                    ReturnPosition::LastScene => (scene, 0.0),
                    ReturnPosition::OnRoute => {
                        let w = route.0[next_waypoint(&route.0, now - state.since_s)];
                        (w.node, w.at_s - (now - state.since_s))
                    }
                },
                Duty::EnRoute { .. } | Duty::OnScene { .. } => continue,
            };
            self.candidates.push(Candidate {
                key: index.0,
                node,
                lead_s,
            });
        }
    }

    /// Sends `unit` to `call`, arriving after `travel_s` over `length_m` from where it leaves.
    fn assign(&mut self, unit: Entity, call: Entity, travel_s: f64, length_m: f64) {
        let now = self.now_s();
        // A unit called away on its way home has driven part of the route: up to the next node
        // on it, or (under the SPEC rule) none, as it counts as still at the scene.
        let state = *self.world.get::<UnitState>(unit).expect("unit exists");
        if let Duty::Returning { .. } = state.duty {
            let route = &self.world.get::<ReturnRoute>(unit).expect("unit exists").0;
            let w = route[next_waypoint(route, now - state.since_s)];
            let driven_m = match self.scenario().returning_position {
                ReturnPosition::OnRoute => w.from_start_m,
                ReturnPosition::LastScene => 0.0,
            };
            if now >= self.scenario().warmup_s {
                self.world
                    .get_mut::<Ledger>(unit)
                    .expect("unit exists")
                    .0
                    .distance_m += driven_m;
            }
        }
        let assignment = self.assignments.len() as u32;
        self.begin_duty(
            unit,
            Duty::EnRoute {
                call,
                length_m,
                assignment,
            },
        );
        let index = self.world.get::<UnitIndex>(unit).expect("unit exists").0;
        let mut incident = self.world.get_mut::<Incident>(call).expect("call exists");
        let counted = incident.counted;
        let r = &mut incident.record;
        r.units_assigned += 1;
        r.first_unit.get_or_insert(index);
        r.first_assigned_s.get_or_insert(now);
        self.assignments.push(Assignment {
            replication: self.index,
            call_id: r.call_id,
            call_counted: counted,
            unit: index,
            assigned_s: now,
            arrival_s: None,
            clear_s: None,
        });
        self.agenda
            .schedule(now + travel_s, Event::Arrive { unit, call });
    }
}

//! Units on the move: arriving at a scene, clearing it, and driving back to their patrol or post
//! (available on the way), with each unit's time booked to exactly one duty at a time.

use super::components::{Duty, Rejoin, UnitDataItem};
use super::{Event, Replication, overlap_s, unit_in};
use crate::results::CallState;
use crate::routing::{Candidate, Waypoint};
use crate::scenario::{Layer, ReturnPosition, Scenario};
use bevy_ecs::entity::Entity;

impl UnitDataItem<'_, '_> {
    /// Books the time since the duty began, up to `now_s`, to that duty (only the part in the
    /// counted period); a patrol also books the distance it drove.
    fn book_duty(&mut self, now_s: f64, scenario: &Scenario) {
        let (window_start, window_end) = (scenario.warmup_s, scenario.horizon_s);
        let spec = &scenario.units[self.index.0 as usize];
        let (state, ledger) = (&*self.state, &mut self.ledger.0);
        let dt = overlap_s(state.since_s, now_s, window_start, window_end);
        match state.duty {
            Duty::OffShift => ledger.off_duty_s += dt,
            // A point crew at its key point is on the street.
            Duty::AtPost if spec.layer == Layer::Point => ledger.patrol_s += dt,
            Duty::AtPost | Duty::Standing { .. } => ledger.idle_s += dt,
            Duty::MovingUp { .. } => ledger.move_up_s += dt,
            Duty::Patrolling => {
                ledger.patrol_s += dt;
                ledger.distance_m += dt * spec.patrol_speed_kmh / 3.6;
            }
            Duty::EnRoute { .. } => ledger.en_route_s += dt,
            Duty::OnScene { .. } => ledger.on_scene_s += dt,
            Duty::Returning { .. } => ledger.returning_s += dt,
            Duty::Cordon { .. } => ledger.cordon_s += dt,
        }
        if let Some(ended) = state.shift_ended_s {
            ledger.overtime_s +=
                overlap_s(state.since_s.max(ended), now_s, window_start, window_end);
        }
    }

    /// Books the duty so far and starts `duty` at `now_s`.
    pub(super) fn begin_duty(&mut self, duty: Duty, now_s: f64, scenario: &Scenario) {
        self.book_duty(now_s, scenario);
        self.state.duty = duty;
        self.state.since_s = now_s;
    }

    /// Starts the patrol at `phase_s` of the cycle at `now_s`.
    fn start_patrol(&mut self, phase_s: f64, now_s: f64, scenario: &Scenario) {
        self.begin_duty(Duty::Patrolling, now_s, scenario);
        self.state.phase_s = phase_s;
    }

    /// Adds driven distance at `now_s`, if in the counted period.
    pub(super) fn add_distance(&mut self, metres: f64, now_s: f64, scenario: &Scenario) {
        if now_s >= scenario.warmup_s {
            self.ledger.0.distance_m += metres;
        }
    }
}

impl Replication<'_> {
    /// Books the time since the unit's duty began, up to `now_s`, to that duty (only the part in
    /// the counted period); a patrol also books the distance it drove.
    pub(super) fn close_duty(&mut self, unit: Entity, now_s: f64) {
        let scenario = self.scenario();
        self.unit_mut(unit).book_duty(now_s, scenario);
    }

    /// Starts a new duty at the current time.
    pub(super) fn begin_duty(&mut self, unit: Entity, duty: Duty) {
        let (now, scenario) = (self.now_s(), self.scenario());
        self.unit_mut(unit).begin_duty(duty, now, scenario);
    }

    /// Adds driven distance, if in the counted period.
    pub(super) fn add_distance(&mut self, unit: Entity, metres: f64) {
        let (now, scenario) = (self.now_s(), self.scenario());
        self.unit_mut(unit).add_distance(metres, now, scenario);
    }

    /// A unit reaches the scene and starts working it (unless it was sent elsewhere since).
    pub(super) fn on_arrive(&mut self, unit: Entity, call: Entity, assignment: u32) {
        let now = self.now_s();
        let Duty::EnRoute {
            length_m,
            assignment: current,
            ..
        } = self.unit(unit).state.duty
        else {
            return;
        };
        if current != assignment {
            return;
        }
        self.books.assignment_mut(assignment).arrival_s = Some(now);
        let mut incident = self.incident_mut(call);
        incident.arrived += 1;
        let on_scene_s = incident.on_scene_s;
        let (arrived, needed, scene) = (
            incident.arrived,
            incident.record.units_needed,
            incident.record.node,
        );
        let r = &mut incident.record;
        r.first_arrival_s.get_or_insert(now);
        if arrived == needed {
            r.all_arrived_s.get_or_insert(now);
        }
        let scenario = self.scenario();
        let mut u = self.unit_mut(unit);
        u.add_distance(length_m, now, scenario);
        u.begin_duty(
            Duty::OnScene {
                call,
                scene,
                assignment,
            },
            now,
            scenario,
        );
        // Under the hypercube's assumption the on-scene draw is the whole busy time.
        let clear_s = if self.scenario().service_includes_travel {
            now.max(self.books.assignment_mut(assignment).assigned_s + on_scene_s)
        } else {
            now + on_scene_s
        };
        self.agenda.schedule(
            clear_s,
            Event::Clear {
                unit,
                call,
                assignment,
            },
        );
    }

    /// A unit clears the scene (unless it was pre-empted since): the call ends when its last
    /// unit clears; the unit goes off duty if its shift is over, else takes a waiting call, else
    /// drives back.
    pub(super) fn on_clear(&mut self, unit: Entity, call: Entity, assignment: u32) {
        let now = self.now_s();
        let state = *self.unit(unit).state;
        if !matches!(state.duty, Duty::OnScene { assignment: a, .. } if a == assignment) {
            return;
        }
        self.books.assignment_mut(assignment).clear_s = Some(now);
        self.books.close_assignment(assignment);
        let counted_period = now >= self.scenario().warmup_s;
        let mut incident = self.incident_mut(call);
        incident.cleared += 1;
        let scene = incident.record.node;
        if incident.state() == CallState::Completed {
            incident.record.clear_s = Some(now);
            incident.record.state = CallState::Completed;
            if !incident.cordon_standing {
                self.close_incident(call);
            }
        }
        if counted_period {
            self.unit_mut(unit).ledger.0.calls_served += 1;
        }
        self.free_at(unit, scene, state.shift_ended_s.is_some());
    }

    /// The completed incident `call` is over: its record is final (if counted).
    pub(super) fn close_incident(&mut self, call: Entity) {
        let incident = self.incident(call);
        let (counted, record) = (incident.counted, incident.record.clone());
        self.world.despawn(call);
        if counted {
            self.books.close_call(record.call_id, Some(record));
        }
    }

    /// `unit` is done at `node`: off duty if its shift has ended, else the first waiting call
    /// it may serve, else back to its patrol or post (and free for a standing cordon's open
    /// exits); then move-up, if the scenario moves crews.
    pub(super) fn free_at(&mut self, unit: Entity, node: u32, shift_ended: bool) {
        if shift_ended {
            self.go_off_duty(unit);
        } else if !self.take_waiting_call(unit, node) {
            self.drive_back(unit, node);
            self.fill_cordons();
        }
        self.move_up();
    }

    /// Sends `unit` from `scene` back to the nearest node of its patrol cycle, or to its post;
    /// it is available on the way.
    fn drive_back(&mut self, unit: Entity, scene: u32) {
        if self.scenario().service_includes_travel {
            self.settle_at_base(unit);
            return;
        }
        let u = self.unit(unit);
        let (index, patrol) = (u.index.0, u.patrol.cycle.clone());
        let (to, rejoin) = match patrol {
            Some(cycle) => {
                // The node of the cycle closest to the scene (by time from it to the scene).
                self.candidates.clear();
                self.candidates
                    .extend(cycle.waypoints.iter().enumerate().map(|(i, w)| Candidate {
                        key: i as u32,
                        node: w.node,
                        lead_s: 0.0,
                    }));
                self.router
                    .nearest(scene, &self.candidates, 1, &mut self.reached);
                let w = cycle.waypoints[self.reached[0].key as usize];
                (w.node, Rejoin::Cycle(w.at_s))
            }
            None => (self.scenario().units[index as usize].home, Rejoin::Post),
        };
        let (now, scenario) = (self.now_s(), self.scenario());
        let mut u = unit_in(&mut self.unit_query, &mut self.world, unit);
        let route = &mut u.route.0;
        match scenario.returning_position {
            ReturnPosition::OnRoute => self.router.route(scene, to, route),
            // Counted as at the scene until it is back, the unit needs only its way's end.
            ReturnPosition::LastScene => {
                let trip = self.router.trip(scene, to);
                route.clear();
                route.push(Waypoint {
                    node: to,
                    at_s: trip.travel_s,
                    from_start_m: trip.length_m,
                });
            }
        }
        let travel_s = route.last().map_or(0.0, |w| w.at_s);
        u.begin_duty(Duty::Returning { scene, rejoin }, now, scenario);
        u.state.trip += 1;
        let trip = u.state.trip;
        self.agenda
            .schedule(now + travel_s, Event::BackOnBeat { unit, trip });
    }

    /// A unit reaches its patrol or post, unless it was sent elsewhere since it set off.
    pub(super) fn on_back_on_beat(&mut self, unit: Entity, trip: u32) {
        let (now, scenario) = (self.now_s(), self.scenario());
        let mut u = self.unit_mut(unit);
        let Duty::Returning { rejoin, .. } = u.state.duty else {
            return;
        };
        if u.state.trip != trip {
            return;
        }
        let route_m = u.route.0.last().map_or(0.0, |w| w.from_start_m);
        u.add_distance(route_m, now, scenario);
        match rejoin {
            Rejoin::Post => u.begin_duty(Duty::AtPost, now, scenario),
            Rejoin::Cycle(phase_s) => u.start_patrol(phase_s, now, scenario),
        }
    }

    /// Puts `unit` on its patrol cycle at `phase_s`.
    pub(super) fn start_patrol(&mut self, unit: Entity, phase_s: f64) {
        let (now, scenario) = (self.now_s(), self.scenario());
        self.unit_mut(unit).start_patrol(phase_s, now, scenario);
    }

    /// Puts `unit` at its base: on its patrol cycle from the start, or waiting at its post.
    pub(super) fn settle_at_base(&mut self, unit: Entity) {
        let patrol = self.unit(unit).patrol;
        if patrol.cycle.is_some() {
            let phase = patrol.start_phase_s;
            self.start_patrol(unit, phase);
        } else {
            self.begin_duty(unit, Duty::AtPost);
        }
    }

    /// Takes `unit` off duty (its shift is over and it is free).
    pub(super) fn go_off_duty(&mut self, unit: Entity) {
        self.begin_duty(unit, Duty::OffShift);
        self.unit_mut(unit).state.shift_ended_s = None;
    }
}

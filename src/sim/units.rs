//! Units on the move: arriving at a scene, clearing it, and driving home (available on the way),
//! with each unit's time booked to exactly one duty at a time.

use super::components::{Duty, Home, Incident, Ledger, ReturnRoute, UnitState};
use super::{Event, Replication, overlap_s};
use crate::results::CallState;
use bevy_ecs::entity::Entity;

impl Replication<'_> {
    /// Books the time since the unit's duty began, up to `now_s`, to that duty (only the part in
    /// the counted period).
    pub(super) fn close_duty(&mut self, unit: Entity, now_s: f64) {
        let (window_start, window_end) = (self.scenario().warmup_s, self.scenario().horizon_s);
        let state = *self.world.get::<UnitState>(unit).expect("unit exists");
        let dt = overlap_s(state.since_s, now_s, window_start, window_end);
        let ledger = &mut self.world.get_mut::<Ledger>(unit).expect("unit exists").0;
        match state.duty {
            Duty::AtPost => ledger.idle_s += dt,
            Duty::EnRoute { .. } => ledger.en_route_s += dt,
            Duty::OnScene { .. } => ledger.on_scene_s += dt,
            Duty::Returning { .. } => ledger.returning_s += dt,
        }
    }

    /// Starts a new duty at the current time.
    pub(super) fn begin_duty(&mut self, unit: Entity, duty: Duty) {
        let now = self.now_s();
        self.close_duty(unit, now);
        let mut state = self.world.get_mut::<UnitState>(unit).expect("unit exists");
        state.duty = duty;
        state.since_s = now;
    }

    fn in_counted_period(&self) -> bool {
        self.now_s() >= self.scenario().warmup_s
    }

    /// A unit reaches the scene and starts working it.
    pub(super) fn on_arrive(&mut self, unit: Entity, call: Entity) {
        let now = self.now_s();
        let Duty::EnRoute {
            length_m,
            assignment,
            ..
        } = self.world.get::<UnitState>(unit).expect("unit exists").duty
        else {
            unreachable!("only a unit en route arrives");
        };
        if self.in_counted_period() {
            self.world
                .get_mut::<Ledger>(unit)
                .expect("unit exists")
                .0
                .distance_m += length_m;
        }
        self.assignments[assignment as usize].arrival_s = Some(now);
        let mut incident = self.world.get_mut::<Incident>(call).expect("call exists");
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
            r.all_arrived_s = Some(now);
        }
        self.begin_duty(
            unit,
            Duty::OnScene {
                call,
                scene,
                assignment,
            },
        );
        self.agenda
            .schedule(now + on_scene_s, Event::Clear { unit, call });
    }

    /// A unit clears the scene: the call ends when its last unit clears; the unit takes the
    /// head of the queue, or drives home.
    pub(super) fn on_clear(&mut self, unit: Entity, call: Entity) {
        let now = self.now_s();
        if let Duty::OnScene { assignment, .. } =
            self.world.get::<UnitState>(unit).expect("unit exists").duty
        {
            self.assignments[assignment as usize].clear_s = Some(now);
        }
        let counted_period = self.in_counted_period();
        let mut incident = self.world.get_mut::<Incident>(call).expect("call exists");
        incident.cleared += 1;
        let scene = incident.record.node;
        if incident.state() == CallState::Completed {
            let counted = incident.counted;
            let mut record = incident.record.clone();
            record.clear_s = Some(now);
            record.state = CallState::Completed;
            self.world.despawn(call);
            if counted {
                self.calls.push(record);
            }
        }
        if counted_period {
            self.world
                .get_mut::<Ledger>(unit)
                .expect("unit exists")
                .0
                .calls_served += 1;
        }
        if !self.take_waiting_call(unit, scene) {
            self.drive_home(unit, scene);
        }
    }

    /// Sends `unit` from `scene` back to its post; it is available on the way.
    fn drive_home(&mut self, unit: Entity, scene: u32) {
        let home = self.world.get::<Home>(unit).expect("unit exists").0;
        let mut route = std::mem::take(
            &mut self
                .world
                .get_mut::<ReturnRoute>(unit)
                .expect("unit exists")
                .0,
        );
        self.router.route(scene, home, &mut route);
        let travel_s = route.last().map_or(0.0, |w| w.at_s);
        self.world
            .get_mut::<ReturnRoute>(unit)
            .expect("unit exists")
            .0 = route;
        self.begin_duty(unit, Duty::Returning { scene });
        let mut state = self.world.get_mut::<UnitState>(unit).expect("unit exists");
        state.trip += 1;
        let trip = state.trip;
        self.agenda
            .schedule(self.now_s() + travel_s, Event::BackAtPost { unit, trip });
    }

    /// A unit reaches its post, unless it was sent elsewhere since it set off (a stale trip).
    pub(super) fn on_back_at_post(&mut self, unit: Entity, trip: u32) {
        let state = *self.world.get::<UnitState>(unit).expect("unit exists");
        if state.trip != trip || !matches!(state.duty, Duty::Returning { .. }) {
            return;
        }
        if self.in_counted_period() {
            let route_m = self
                .world
                .get::<ReturnRoute>(unit)
                .expect("unit exists")
                .0
                .last()
                .map_or(0.0, |w| w.from_start_m);
            self.world
                .get_mut::<Ledger>(unit)
                .expect("unit exists")
                .0
                .distance_m += route_m;
        }
        self.begin_duty(unit, Duty::AtPost);
    }
}

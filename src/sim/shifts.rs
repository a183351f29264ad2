//! Shifts: crews come on duty at their base at the start of their shift, and go off at its end;
//! a crew busy at the end of its shift finishes its call first (overtime).

use super::components::{Duty, Patrol, UnitIndex, UnitState};
use super::{Event, Replication};
use bevy_ecs::entity::Entity;

const DAY_S: f64 = 86_400.0;

impl Replication<'_> {
    /// Puts every unit in its state at time 0 and schedules its first shift change.
    pub(super) fn start_shifts(&mut self) {
        for i in 0..self.units.len() {
            let unit = self.units[i];
            match self.scenario().units[i].shift {
                None => self.come_on_duty(unit),
                Some(s) => {
                    let shift = &self.scenario().shifts[s];
                    let into = (-shift.start_s).rem_euclid(DAY_S);
                    if into < shift.duration_s {
                        self.come_on_duty(unit);
                        let end = shift.duration_s - into;
                        self.agenda.schedule(end, Event::ShiftEnd { unit });
                    }
                    self.agenda
                        .schedule(DAY_S - into, Event::ShiftStart { unit });
                }
            }
        }
    }

    /// A unit's shift begins: it takes a waiting call, or starts its patrol, or waits at base.
    pub(super) fn on_shift_start(&mut self, unit: Entity) {
        let now = self.now_s();
        let index = self.world.get::<UnitIndex>(unit).expect("unit exists").0 as usize;
        let spec = &self.scenario().units[index];
        let shift = &self.scenario().shifts[spec.shift.expect("a unit on shifts")];
        self.agenda
            .schedule(now + shift.duration_s, Event::ShiftEnd { unit });
        self.agenda
            .schedule(now + DAY_S, Event::ShiftStart { unit });
        let state = *self.world.get::<UnitState>(unit).expect("unit exists");
        if state.duty == Duty::OffShift {
            self.come_on_duty(unit);
        } else {
            // Still busy from yesterday's overtime into today's shift: no longer overtime.
            self.close_duty(unit, now);
            let mut s = self.world.get_mut::<UnitState>(unit).expect("unit exists");
            s.since_s = now;
            s.shift_ended_s = None;
        }
    }

    /// A unit's shift ends: off duty now if free, else after its call.
    pub(super) fn on_shift_end(&mut self, unit: Entity) {
        let now = self.now_s();
        let state = *self.world.get::<UnitState>(unit).expect("unit exists");
        if state.duty.is_available() {
            self.go_off_duty(unit);
        } else if state.duty != Duty::OffShift {
            self.close_duty(unit, now);
            let mut s = self.world.get_mut::<UnitState>(unit).expect("unit exists");
            s.since_s = now;
            s.shift_ended_s = Some(now);
        }
    }

    /// `unit` starts its duty at its base.
    fn come_on_duty(&mut self, unit: Entity) {
        let index = self.world.get::<UnitIndex>(unit).expect("unit exists").0 as usize;
        let home = self.scenario().units[index].home;
        if self.take_waiting_call(unit, home) {
            return;
        }
        let patrol = self.world.get::<Patrol>(unit).expect("unit exists");
        if patrol.cycle.is_some() {
            let phase = patrol.start_phase_s;
            self.start_patrol(unit, phase);
        } else {
            self.begin_duty(unit, Duty::AtPost);
        }
    }
}

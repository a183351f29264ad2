//! Shifts: crews come on duty at their base at the start of their shift, and go off at its end;
//! a crew busy at the end of its shift finishes its call first (overtime).

use super::components::Duty;
use super::{Event, Replication};
use bevy_ecs::entity::Entity;

impl Replication<'_> {
    /// Puts every unit in its state at time 0 and schedules the start and end of each of its
    /// duty intervals (shifts, within readiness or event windows).
    pub(super) fn start_shifts(&mut self) {
        for i in 0..self.units.len() {
            let unit = self.units[i];
            for (start, end) in self.scenario().duty_intervals(&self.scenario().units[i]) {
                if start <= 0.0 {
                    self.come_on_duty(unit);
                } else {
                    self.agenda.schedule(start, Event::ShiftStart { unit });
                }
                if end < self.scenario().horizon_s {
                    self.agenda.schedule(end, Event::ShiftEnd { unit });
                }
            }
        }
        self.move_up();
    }

    /// A unit's duty begins: it takes a waiting call, or starts its patrol, or waits at base.
    pub(super) fn on_shift_start(&mut self, unit: Entity) {
        let now = self.now_s();
        let state = *self.unit(unit).state;
        if state.duty == Duty::OffShift {
            self.come_on_duty(unit);
            self.move_up();
        } else {
            // Still busy from the last shift's overtime into this one: no longer overtime.
            self.close_duty(unit, now);
            let s = &mut self.unit_mut(unit).state;
            s.since_s = now;
            s.shift_ended_s = None;
        }
    }

    /// A unit's shift ends: off duty now if free, else after its call.
    pub(super) fn on_shift_end(&mut self, unit: Entity) {
        let now = self.now_s();
        let state = *self.unit(unit).state;
        if state.duty.is_available() {
            self.go_off_duty(unit);
            self.move_up();
        } else if state.duty != Duty::OffShift {
            self.close_duty(unit, now);
            let s = &mut self.unit_mut(unit).state;
            s.since_s = now;
            s.shift_ended_s = Some(now);
        }
    }

    /// `unit` starts its duty at its base.
    fn come_on_duty(&mut self, unit: Entity) {
        let index = self.unit(unit).index.0 as usize;
        let home = self.scenario().units[index].home;
        if !self.take_waiting_call(unit, home) {
            self.settle_at_base(unit);
            self.fill_cordons();
        }
    }
}

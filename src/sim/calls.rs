//! Call arrival: a call becomes an incident entity, and the dispatcher looks at it after the
//! dispatch delay. The next call is drawn as this one arrives.

use super::components::Incident;
use super::{CallSource, Event, Replication};
use crate::results::{CallRecord, CallState};

impl Replication<'_> {
    /// Schedules the next call after `after_s`, unless there is none before the horizon.
    pub(super) fn schedule_next_call(&mut self, after_s: f64) {
        let call = match &mut self.calls_from {
            CallSource::Drawn(streams) => self.model.demand.next_call(after_s, streams),
            CallSource::Listed(calls) => match calls.next() {
                Some(call) => *call,
                None => return,
            },
        };
        if call.call_s <= self.scenario().horizon_s {
            self.next_call = Some(call);
            self.agenda.schedule(call.call_s, Event::Call);
        }
    }

    /// The next call reaches the command centre.
    pub(super) fn on_call(&mut self) {
        let call = self.next_call.take().expect("a Call event has its call");
        let scenario = self.scenario();
        let kind = &scenario.incident_types[call.incident_type as usize];
        let dispatch_s = call.call_s + scenario.dispatch_delay_s;
        let incident = Incident {
            record: CallRecord {
                replication: self.index,
                call_id: self.next_call_id,
                incident_type: call.incident_type,
                priority: kind.priority,
                call_s: call.call_s,
                node: call.node,
                zone: scenario.map.node(call.node).zone,
                units_needed: kind.units_needed,
                units_assigned: 0,
                first_unit: None,
                dispatch_s,
                first_assigned_s: None,
                first_arrival_s: None,
                all_arrived_s: None,
                clear_s: None,
                preempted: 0,
                state: CallState::WaitingAtEnd,
                cordon: None,
            },
            on_scene_s: call.on_scene_s,
            arrived: 0,
            cleared: 0,
            counted: call.call_s >= scenario.warmup_s,
            cordon_standing: false,
        };
        let call_id = self.books.calls.open(None);
        debug_assert_eq!(call_id, self.next_call_id, "one slot per call");
        if !incident.counted {
            self.books.close_call(call_id, None);
        }
        self.next_call_id += 1;
        let entity = self.world.spawn(incident).id();
        self.incident_query.update_archetypes(&self.world);
        self.agenda.schedule(dispatch_s, Event::Dispatch(entity));
        self.schedule_next_call(call.call_s);
    }
}

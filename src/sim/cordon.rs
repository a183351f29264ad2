//! Cordons in the simulation: when a call whose type needs a cordon is dispatched, the
//! available crews (not those sent to the scene) are assigned one per exit by the bottleneck
//! assignment of [`crate::cordon`]; each is busy from the order until its holding time at the
//! exit is over, so a cordon takes force away from other calls.
//!
//! The area's sealing ring is only measured: at the dispatch of each priority-1 call and at
//! sampled times, how long the free crews would take to hold every boundary exit.

use super::components::Duty;
use super::{Event, Replication};
use crate::cordon::{RingRule, zone_exits};
use crate::map::NodeId;
use crate::results::{CordonCrewRecord, CordonRecord, SealingRecord};
use crate::scenario::Scenario;
use bevy_ecs::entity::Entity;

/// The exits of every zone when some incident type draws `zone` rings; else none.
pub(super) fn zone_rings(scenario: &Scenario) -> Vec<Vec<NodeId>> {
    let needed = scenario
        .incident_types
        .iter()
        .any(|t| t.cordon.as_ref().is_some_and(|c| c.ring == RingRule::Zone));
    if !needed {
        return Vec::new();
    }
    (0..scenario.map.zones.len() as u32)
        .map(|z| zone_exits(&scenario.map, z))
        .collect()
}

impl Replication<'_> {
    /// Orders the cordon of `call`, if its type needs one: plans it, records it on the call and
    /// sends the crews.
    pub(super) fn order_cordon(&mut self, call: Entity) {
        let model = self.model;
        let scenario = &model.scenario;
        let incident = self.incident(call);
        let r = &incident.record;
        let Some(rule) = &scenario.incident_types[r.incident_type as usize].cordon else {
            return;
        };
        let (scene, zone, call_s, call_id) = (r.node, r.zone, r.call_s, r.call_id);
        let now = self.now_s();
        self.free_crews_by_index();
        let plan = self.cordons.plan(
            &mut *self.router,
            &scenario.map,
            rule,
            &model.zone_rings,
            scene,
            zone,
            now - call_s,
            scenario.emergency_speed_factor,
            &self.candidates,
        );
        self.incident_mut(call).record.cordon = Some(CordonRecord {
            exits: plan.exits,
            crews: plan.posts.len() as u32,
            closed_s: plan.closed_after_s.map(|b| now + b),
            contained: plan.contained,
            ring_min: plan.ring_min,
        });
        for post in &plan.posts {
            let index = self.candidates[post.crew as usize].key;
            let unit = self.units[index as usize];
            self.call_away(unit);
            self.begin_duty(
                unit,
                Duty::Cordon {
                    exit: post.exit,
                    length_m: post.length_m,
                },
            );
            let (held_s, released_s) = (now + post.travel_s, now + post.travel_s + rule.holding_s);
            self.books.cordon_crews.push(CordonCrewRecord {
                replication: self.index,
                call_id,
                unit: index,
                exit: post.exit,
                ordered_s: now,
                held_s,
                released_s,
            });
            self.agenda.schedule(released_s, Event::CordonEnd { unit });
        }
    }

    /// A cordon crew's holding time is over: it is free at its exit.
    pub(super) fn on_cordon_end(&mut self, unit: Entity) {
        let state = *self.unit(unit).state;
        let Duty::Cordon { exit, length_m } = state.duty else {
            unreachable!("only cordon crews get a cordon end, and nothing takes them away");
        };
        self.add_distance(unit, length_m);
        if self.now_s() >= self.scenario().warmup_s {
            self.unit_mut(unit).ledger.0.cordons += 1;
        }
        self.free_at(unit, exit, state.shift_ended_s.is_some());
    }
}

impl Replication<'_> {
    /// Measures the sealing ring now with the crews free, for the priority-1 call `call_id` or
    /// at a sampled time; only in the counted period.
    pub(super) fn measure_sealing(&mut self, call_id: Option<u64>) {
        let scenario = &self.model.scenario;
        let Some(sealing) = &scenario.sealing else {
            return;
        };
        if self.now_s() < scenario.warmup_s {
            return;
        }
        self.free_crews_by_index();
        let sealed_after_s =
            self.cordons
                .hold_all(&mut *self.router, &self.candidates, &sealing.exits);
        self.books.sealings.push(SealingRecord {
            replication: self.index,
            time_s: self.now_s(),
            call_id,
            exits: sealing.exits.len() as u32,
            free_crews: self.candidates.len() as u32,
            sealed_after_s,
        });
    }

    /// Fills `self.candidates` with every free crew in unit order, so that ties between equally
    /// good assignments go to the lowest unit indices.
    fn free_crews_by_index(&mut self) {
        self.collect_candidates(None);
        self.candidates.sort_unstable_by_key(|c| c.key);
    }

    /// A sampled time: measure, and schedule the next sample before the horizon.
    pub(super) fn on_sealing_sample(&mut self) {
        self.measure_sealing(None);
        let every_s = self
            .scenario()
            .sealing
            .as_ref()
            .expect("samples only with a sealing ring")
            .sample_every_s;
        let next_s = self.now_s() + every_s;
        if next_s < self.scenario().horizon_s {
            self.agenda.schedule(next_s, Event::SealingSample);
        }
    }
}

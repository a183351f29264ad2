//! Cordons in the simulation. A call of a type with a cordon gets one when its suspect flees
//! (a draw per call, at the type's `cordon.share`). At the call's dispatch the cordon is
//! ordered and stands for its holding time; who holds its exits, in this order:
//! 1. the free crews based at checkpoints, alone, if they can close the ring within 30 minutes
//!    of the call;
//! 2. else those and the free crews of the type's `cordon.layers` together,
//!
//! never a crew that a waiting priority-1 call may take. The exits are taken in the order the
//! suspect can reach them, as many as there are such crews, by the exact bottleneck
//! assignment; crews that come free while the cordon stands take the exits still open, the
//! same way, if they can be there before it is lifted. A priority-1 call that would otherwise
//! wait takes cordon crews (when the type's `release_for_priority_1` says so); their exits are
//! open again. When the cordon is lifted every crew on it is free at its exit, and the call's
//! [`CordonRecord`] says what was held when.
//!
//! The area's sealing ring is only measured: at the dispatch of each priority-1 call and at
//! sampled times, how long the free crews would take to hold every boundary exit.

use super::components::Duty;
use super::streams::{Purpose, draw};
use super::{Event, Replication};
use crate::cordon::{RingExit, RingRule, zone_exits};
use crate::map::NodeId;
use crate::results::{CORDON_PROMISE_S, CordonCrewRecord, CordonRecord, SealingRecord};
use crate::routing::Candidate;
use crate::scenario::{Cordon, Scenario};
use bevy_ecs::entity::Entity;

/// The exits of every zone when some incident type draws `zone` rings; else none.
pub(super) fn zone_rings(scenario: &Scenario) -> Vec<Vec<NodeId>> {
    let needed = scenario.incident_types.iter().any(|t| {
        t.cordon
            .as_ref()
            .is_some_and(|c| c.rule.ring == RingRule::Zone)
    });
    if !needed {
        return Vec::new();
    }
    (0..scenario.map.zones.len() as u32)
        .map(|z| zone_exits(&scenario.map, z))
        .collect()
}

/// Whether unit `i` is based at one of the map's checkpoints, for every unit.
pub(super) fn checkpoint_crews(scenario: &Scenario) -> Vec<bool> {
    let checkpoints = &scenario.map.checkpoints;
    scenario
        .units
        .iter()
        .map(|u| {
            u.post.is_none()
                && checkpoints
                    .iter()
                    .any(|c| c.node == u.home && c.name == u.base)
        })
        .collect()
}

/// A cordon from its order until it is lifted.
pub(super) struct StandingCordon {
    call: Entity,
    call_id: u64,
    call_s: f64,
    incident_type: usize,
    /// When it is lifted and its crews are free again.
    lift_s: f64,
    ring_min: Option<f64>,
    /// The exits, in the order the suspect can reach them.
    ring: Vec<RingExit>,
    /// Per exit (ring order): the cordon-crew record of the crew holding it or on its way.
    holder: Vec<Option<u32>>,
    /// The cordon-crew records of every crew sent to it, in order.
    crews: Vec<u32>,
}

impl StandingCordon {
    /// Whether some exit has no crew while there is still time to send one.
    fn is_open(&self, now_s: f64) -> bool {
        now_s < self.lift_s && self.holder.iter().any(Option::is_none)
    }
}

impl Replication<'_> {
    /// Orders the cordon of `call`, if its type has one and its suspect flees: plans it, sends
    /// the crews and schedules its lifting.
    pub(super) fn order_cordon(&mut self, call: Entity) {
        let model = self.model;
        let scenario = &model.scenario;
        let r = &self.incident(call).record;
        let t = r.incident_type as usize;
        let Some(cordon) = &scenario.incident_types[t].cordon else {
            return;
        };
        let (scene, zone, call_s, call_id) = (r.node, r.zone, r.call_s, r.call_id);
        let flees =
            draw(scenario.seed, self.index, Purpose::FleeingSuspect, call_id) < cordon.share;
        if !flees {
            return;
        }
        let now = self.now_s();
        let at_checkpoints = self.cordon_candidates(cordon);
        let plan = |crews: &[Candidate], this: &mut Self| {
            this.cordons.plan(
                &mut *this.router,
                &scenario.map,
                &cordon.rule,
                &model.zone_rings,
                scene,
                zone,
                now - call_s,
                scenario.emergency_speed_factor,
                crews,
            )
        };
        let candidates = std::mem::take(&mut self.candidates);
        let checkpoints_close = |p: &crate::cordon::CordonPlan| {
            p.closed_after_s()
                .is_some_and(|b| now + b - call_s <= CORDON_PROMISE_S)
        };
        let by_checkpoints = (at_checkpoints > 0)
            .then(|| plan(&candidates[..at_checkpoints], self))
            .filter(checkpoints_close);
        let plan = by_checkpoints.unwrap_or_else(|| plan(&candidates, self));
        self.candidates = candidates;
        if plan.ring.is_empty() {
            self.incident_mut(call).record.cordon = Some(CordonRecord {
                exits: 0,
                crews: 0,
                closed_s: None,
                contained: false,
                ring_min: plan.ring_min,
                held: 0,
                held_30min: 0,
                held_before_suspect: 0,
                released: 0,
            });
            return;
        }
        let lift_s = now + cordon.rule.holding_s;
        self.standing.push(StandingCordon {
            call,
            call_id,
            call_s,
            incident_type: t,
            lift_s,
            ring_min: plan.ring_min,
            holder: vec![None; plan.ring.len()],
            ring: plan.ring,
            crews: Vec::new(),
        });
        let standing = self.standing.len() - 1;
        for post in &plan.posts {
            if now + post.travel_s < lift_s {
                let unit = self.candidates[post.crew as usize].key;
                self.send_to_exit(
                    standing,
                    post.exit as usize,
                    unit,
                    post.travel_s,
                    post.length_m,
                );
            }
        }
        self.incident_mut(call).cordon_standing = true;
        self.agenda.schedule(lift_s, Event::CordonLift { call_id });
    }

    /// Fills `self.candidates` with the free crews that may hold exits of `cordon`: those based
    /// at checkpoints first, then those of its layers, each group in unit order; none that a
    /// waiting priority-1 call may take. Returns how many are based at checkpoints.
    fn cordon_candidates(&mut self, cordon: &Cordon) -> usize {
        self.collect_candidates(None);
        let mut candidates = std::mem::take(&mut self.candidates);
        let (units, at_checkpoint) = (&self.scenario().units, &self.model.checkpoint_crews);
        candidates.retain(|c| {
            let i = c.key as usize;
            (at_checkpoint[i] || cordon.layers.contains(&units[i].layer))
                && !self.waiting_priority_1_may_take(c.key)
        });
        candidates.sort_unstable_by_key(|c| (!at_checkpoint[c.key as usize], c.key));
        let first = candidates
            .iter()
            .take_while(|c| at_checkpoint[c.key as usize])
            .count();
        self.candidates = candidates;
        first
    }

    /// Sends unit number `unit` to exit `exit` of standing cordon `standing`, holding it after
    /// `travel_s` over `length_m`.
    fn send_to_exit(
        &mut self,
        standing: usize,
        exit: usize,
        unit: u32,
        travel_s: f64,
        length_m: f64,
    ) {
        let now = self.now_s();
        let c = &mut self.standing[standing];
        let (call_id, node, lift_s) = (c.call_id, c.ring[exit].node, c.lift_s);
        let record = self.books.cordon_crews.len() as u32;
        c.holder[exit] = Some(record);
        c.crews.push(record);
        self.books.cordon_crews.push(CordonCrewRecord {
            replication: self.index,
            call_id,
            unit,
            exit: node,
            ordered_s: now,
            held_s: Some(now + travel_s),
            released_s: lift_s,
            taken_for_priority_1: false,
        });
        let entity = self.units[unit as usize];
        self.call_away(entity);
        self.begin_duty(
            entity,
            Duty::Cordon {
                call_id,
                exit: node,
                length_m,
                record,
            },
        );
    }

    /// Crews have come free: each standing cordon with open exits (oldest first) takes the
    /// free crews it may, for the open exits the suspect reaches first, by the same assignment
    /// as at its order; only crews that are there before it is lifted go.
    pub(super) fn fill_cordons(&mut self) {
        let now = self.now_s();
        for standing in 0..self.standing.len() {
            if !self.standing[standing].is_open(now) {
                continue;
            }
            let t = self.standing[standing].incident_type;
            let cordon = self.scenario().incident_types[t]
                .cordon
                .as_ref()
                .expect("a standing cordon's type has one");
            self.cordon_candidates(cordon);
            if self.candidates.is_empty() {
                continue;
            }
            let c = &self.standing[standing];
            let (open, nodes): (Vec<usize>, Vec<NodeId>) = c
                .holder
                .iter()
                .enumerate()
                .filter(|(_, h)| h.is_none())
                .map(|(e, _)| (e, c.ring[e].node))
                .unzip();
            let lift_s = c.lift_s;
            let posts = self
                .cordons
                .post_crews(&mut *self.router, &self.candidates, &nodes);
            for post in posts {
                if now + post.travel_s < lift_s {
                    let unit = self.candidates[post.crew as usize].key;
                    let exit = open[post.exit as usize];
                    self.send_to_exit(standing, exit, unit, post.travel_s, post.length_m);
                }
            }
        }
    }

    /// Whether a waiting priority-1 call may take unit number `unit`.
    fn waiting_priority_1_may_take(&self, unit: u32) -> bool {
        let layer = self.scenario().units[unit as usize].layer;
        self.waiting
            .priority_1()
            .any(|call| self.may_serve(call, unit, layer))
    }

    /// For the priority-1 call `call`, still short of units: the nearest crews of standing
    /// cordons that let them go (of the layers the call may take), taken off their exits and
    /// sent to it.
    pub(super) fn release_cordon_crews_for(&mut self, call: Entity) {
        let incident = self.incident(call);
        let (wanted, scene) = (incident.lacking() as usize, incident.record.node);
        if incident.record.priority != 1 || wanted == 0 || self.standing.is_empty() {
            return;
        }
        let now = self.now_s();
        self.candidates.clear();
        for c in &self.standing {
            let releasable = self.scenario().incident_types[c.incident_type]
                .cordon
                .as_ref()
                .is_some_and(|k| k.release_for_priority_1);
            if !releasable {
                continue;
            }
            for &r in c.holder.iter().flatten() {
                let rec = &self.books.cordon_crews[r as usize];
                let layer = self.scenario().units[rec.unit as usize].layer;
                if self.may_serve(call, rec.unit, layer) {
                    self.candidates.push(Candidate {
                        key: rec.unit,
                        node: rec.exit,
                        lead_s: rec.held_s.map_or(0.0, |h| (h - now).max(0.0)),
                    });
                }
            }
        }
        self.candidates.sort_unstable_by_key(|c| c.key);
        self.router
            .nearest(scene, &self.candidates, wanted, &mut self.reached);
        for i in 0..self.reached.len() {
            let r = self.reached[i];
            self.take_off_cordon(r.key);
            self.assign(r.key, call, r.travel_s, r.length_m);
        }
    }

    /// Takes unit number `unit` off its cordon for a priority-1 call: its exit is open again.
    fn take_off_cordon(&mut self, unit: u32) {
        let now = self.now_s();
        let entity = self.units[unit as usize];
        let Duty::Cordon {
            call_id,
            length_m,
            record,
            ..
        } = self.unit(entity).state.duty
        else {
            unreachable!("only crews on a cordon are taken off one");
        };
        let rec = &mut self.books.cordon_crews[record as usize];
        rec.released_s = now;
        rec.taken_for_priority_1 = true;
        // The part of the drive done (all of it once there).
        let held_s = rec.held_s.expect("set when sent");
        let driven = if held_s <= now {
            1.0
        } else {
            rec.held_s = None;
            (now - rec.ordered_s) / (held_s - rec.ordered_s)
        };
        self.end_cordon_duty(entity, length_m * driven);
        let c = self
            .standing
            .iter_mut()
            .find(|c| c.call_id == call_id)
            .expect("a cordon crew's cordon stands");
        for h in &mut c.holder {
            if *h == Some(record) {
                *h = None;
            }
        }
    }

    /// Books a cordon duty's drive and counts it in the unit's ledger.
    fn end_cordon_duty(&mut self, unit: Entity, driven_m: f64) {
        self.add_distance(unit, driven_m);
        if self.now_s() >= self.scenario().warmup_s {
            self.unit_mut(unit).ledger.0.cordons += 1;
        }
    }

    /// The cordon of call `call_id` is lifted: its crews are free at their exits, and the call's
    /// record says what was held when.
    pub(super) fn on_cordon_lift(&mut self, call_id: u64) {
        let now = self.now_s();
        let i = self
            .standing
            .iter()
            .position(|c| c.call_id == call_id)
            .expect("a lifted cordon stands");
        let c = self.standing.remove(i);
        let record = self.cordon_record(&c, now);
        let mut incident = self.incident_mut(c.call);
        incident.record.cordon = Some(record);
        incident.cordon_standing = false;
        if incident.state() == crate::results::CallState::Completed {
            self.close_incident(c.call);
        }
        for &h in c.holder.iter().flatten() {
            let rec = &self.books.cordon_crews[h as usize];
            let (unit, exit) = (self.units[rec.unit as usize], rec.exit);
            let state = *self.unit(unit).state;
            let Duty::Cordon { length_m, .. } = state.duty else {
                unreachable!("a crew holding an exit is on cordon duty");
            };
            self.end_cordon_duty(unit, length_m);
            self.free_at(unit, exit, state.shift_ended_s.is_some());
        }
    }

    /// The record of cordon `c` as it stands at `end_s` (its lifting, or the horizon).
    fn cordon_record(&self, c: &StandingCordon, end_s: f64) -> CordonRecord {
        let crews: Vec<&CordonCrewRecord> = c
            .crews
            .iter()
            .map(|&r| &self.books.cordon_crews[r as usize])
            .collect();
        // When each exit was held: [held, released) per crew, up to `end_s`.
        let holds = |node: NodeId| {
            crews.iter().filter_map(move |k| {
                let held = k.held_s.filter(|&h| k.exit == node && h <= end_s)?;
                Some((held, k.released_s))
            })
        };
        let first_held: Vec<Option<f64>> = c
            .ring
            .iter()
            .map(|e| holds(e.node).map(|(h, _)| h).reduce(f64::min))
            .collect();
        let count = |f: &dyn Fn(usize, f64) -> bool| {
            first_held
                .iter()
                .enumerate()
                .filter(|&(e, h)| h.is_some_and(|h| f(e, h)))
                .count() as u32
        };
        let held_before_suspect = count(&|e, h| h <= c.call_s + c.ring[e].suspect_s);
        // Closed at the first moment a crew took an exit and every exit was held.
        let mut moments: Vec<f64> = first_held.iter().flatten().copied().collect();
        moments.extend(
            crews
                .iter()
                .filter_map(|k| k.held_s.filter(|&h| h <= end_s)),
        );
        moments.sort_unstable_by(f64::total_cmp);
        let closed_s = moments.into_iter().find(|&t| {
            c.ring
                .iter()
                .all(|e| holds(e.node).any(|(h, r)| h <= t && t < r))
        });
        CordonRecord {
            exits: c.ring.len() as u32,
            crews: crews.len() as u32,
            closed_s,
            contained: held_before_suspect == c.ring.len() as u32,
            ring_min: c.ring_min,
            held: count(&|_, _| true),
            held_30min: count(&|_, h| h <= c.call_s + CORDON_PROMISE_S),
            held_before_suspect,
            released: crews.iter().filter(|k| k.taken_for_priority_1).count() as u32,
        }
    }

    /// At the horizon: the records of the cordons still standing, as they stand.
    pub(super) fn record_standing_cordons(&mut self, horizon_s: f64) {
        for c in std::mem::take(&mut self.standing) {
            let record = self.cordon_record(&c, horizon_s);
            self.incident_mut(c.call).record.cordon = Some(record);
        }
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

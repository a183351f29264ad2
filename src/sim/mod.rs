//! The simulation of one replication: incidents and units on the road graph, driven by events.
//!
//! A [`Model`] is a compiled scenario with its demand tables and search graph, built once and
//! shared by every replication. [`Model::run`] plays one replication: a bevy_ecs `World` holds
//! the units and incidents, an [`agenda::Agenda`] hands out events in time order, and the
//! handlers in `calls`, `dispatch` and `units` change the world and schedule what follows.
//! Time jumps from event to event; where a returning unit is, is computed when it is asked.
//!
//! Architecture invariant: the simulation reads no files and writes none; it turns a scenario
//! and a replication number into records, and the same inputs always give the same records.

mod agenda;
mod calls;
mod components;
mod cordon;
mod demand;
mod dispatch;
mod in_order;
mod move_up;
mod patrol;
mod shifts;
mod streams;
mod units;

pub use demand::{DemandModel, NewCall, call_weights};
pub use patrol::PatrolCycle;
pub use streams::{Purpose, Stream, Streams, stream};

use crate::cordon::CordonPlanner;
use crate::dispatch::{BusyCrew, CoveragePlan, DispatchPolicy, MovableCrew, Move, PolicyInputs};
use crate::map::NodeId;
use crate::results::{
    Assignment, CallRecord, CordonCrewRecord, RecordSink, ReplicationOutput, SealingRecord,
};
use crate::routing::{Anchors, Candidate, Reached, Router, TravelGraph, TravelTimes};
use crate::scenario::Scenario;
use agenda::Agenda;
use bevy_ecs::change_detection::Mut;
use bevy_ecs::entity::Entity;
use bevy_ecs::query::QueryState;
use bevy_ecs::world::World;
use components::{
    Duty, Incident, Ledger, Patrol, ReturnRoute, UnitData, UnitDataItem, UnitDataReadOnlyItem,
    UnitIndex, UnitState,
};
use dispatch::WaitingCalls;
use in_order::InOrder;
use std::sync::Arc;

/// A scenario made ready to run: demand tables, the search graph and the patrol cycles, shared
/// by replications.
pub struct Model {
    pub scenario: Scenario,
    demand: DemandModel,
    graph: Arc<TravelGraph>,
    /// Trees to and from the units' posts, where most trips start or end.
    anchors: Arc<Anchors>,
    /// Each unit's patrol cycle (if it patrols) and starting phase, seconds.
    patrols: Vec<(Option<Arc<PatrolCycle>>, f64)>,
    /// The exits of each zone, when an incident type's cordon uses `zone` rings; else empty.
    zone_rings: Vec<Vec<NodeId>>,
    /// Per unit, whether it is based at a checkpoint (such crews hold cordon exits first).
    checkpoint_crews: Vec<bool>,
    /// Move-up's compliance table and demand, when the scenario moves crews.
    coverage: Option<Arc<CoveragePlan>>,
}

impl Model {
    /// Prepares `scenario` for running.
    pub fn new(scenario: Scenario) -> Self {
        let graph = Arc::new(TravelGraph::new(
            &scenario.map,
            scenario.emergency_speed_factor,
        ));
        let patrols = patrol::build_patrols(&scenario, &mut Router::new(Arc::clone(&graph)));
        let zone_rings = cordon::zone_rings(&scenario);
        let checkpoint_crews = cordon::checkpoint_crews(&scenario);
        let homes: Vec<u32> = scenario.units.iter().map(|u| u.home).collect();
        let coverage = move_up::coverage_plan(&scenario, &graph);
        Model {
            demand: DemandModel::new(&scenario),
            anchors: Arc::new(Anchors::new(&graph, &homes)),
            graph,
            patrols,
            zone_rings,
            checkpoint_crews,
            coverage,
            scenario,
        }
    }

    /// Move-up's compliance table: row k − 1 holds where k free crews stand (none when the
    /// scenario moves no crews).
    pub fn compliance_table(&self) -> Option<&[Vec<NodeId>]> {
        self.coverage.as_ref().map(|c| c.table.as_slice())
    }

    /// The patrol cycle of unit `unit`, if it patrols.
    pub fn patrol_cycle(&self, unit: usize) -> Option<&PatrolCycle> {
        self.patrols[unit].0.as_deref()
    }

    /// Plays replication `replication` (streams seeded by the scenario's seed and this number)
    /// from time 0 to the horizon and returns its records.
    pub fn run(&self, replication: u32) -> ReplicationOutput {
        let (calls, assignments) = self.expected_records();
        let mut out = ReplicationOutput::with_capacity(calls, assignments);
        self.run_into(replication, &mut out);
        out
    }

    /// Room for the call and assignment records a replication will most likely make: the
    /// expected numbers of drawn calls (counted ones; all, times the mean units a call needs)
    /// plus four standard deviations (at most 2^20 each), so that the records are rarely moved
    /// as they grow.
    pub fn expected_records(&self) -> (usize, usize) {
        const MAX_RESERVED: f64 = (1 << 20) as f64;
        let s = &self.scenario;
        if s.history.is_some() {
            return (0, 0);
        }
        let units_per_call: f64 = s
            .incident_types
            .iter()
            .map(|t| t.share * f64::from(t.units_needed))
            .sum();
        // Room for most replications; a replication with more records grows its vectors.
        let room = |mean: f64| (mean + 4.0 * mean.sqrt()).ceil().min(MAX_RESERVED) as usize;
        let counted = self.demand.expected_calls(s.warmup_s, s.horizon_s);
        let all = self.demand.expected_calls(0.0, s.horizon_s);
        (room(counted), room(all * units_per_call))
    }

    /// Plays replication `replication` like [`Model::run`], handing each record to `sink` as
    /// soon as it is final, so memory does not grow with the horizon.
    /// A scenario with a `[demand.history]` replays its history,
    /// drawing on-scene times the records lack from the replication's on-scene stream.
    pub fn run_into(&self, replication: u32, sink: &mut dyn RecordSink) {
        let mut streams = Streams::new(self.scenario.seed, replication);
        if let Some(history) = &self.scenario.history {
            let calls = history.new_calls(|kind| {
                self.demand
                    .on_scene_s(usize::from(kind), &mut streams.on_scene_times)
            });
            return self.play(replication, CallSource::listed(&calls), sink);
        }
        self.play(replication, CallSource::Drawn(streams), sink)
    }

    /// Plays replication `replication` with exactly `calls` (sorted by call time) instead of
    /// drawn ones: for replaying a history, and for cases worked out by hand.
    pub fn replay(&self, replication: u32, calls: &[NewCall]) -> ReplicationOutput {
        let mut out = ReplicationOutput::default();
        self.play(replication, CallSource::listed(calls), &mut out);
        out
    }

    fn play(&self, replication: u32, source: CallSource, sink: &mut dyn RecordSink) {
        let mut router = Router::with_anchors(Arc::clone(&self.graph), Arc::clone(&self.anchors));
        Replication::new(self, &mut router, replication, source, sink).run()
    }
}

/// Where a replication's calls come from.
enum CallSource<'c> {
    /// Drawn from the scenario's demand with these streams.
    Drawn(Streams),
    /// Given in advance.
    Listed(std::slice::Iter<'c, NewCall>),
}

impl<'c> CallSource<'c> {
    /// The calls `calls`, which must be sorted by call time.
    fn listed(calls: &'c [NewCall]) -> Self {
        assert!(
            calls.windows(2).all(|w| w[0].call_s <= w[1].call_s),
            "replayed calls must be sorted by time"
        );
        CallSource::Listed(calls.iter())
    }
}

/// What happens, and to whom.
#[derive(Debug, Clone, Copy)]
enum Event {
    /// The next call (`Replication::next_call`) reaches the command centre.
    Call,
    /// The dispatch delay of a call is over: look for units.
    Dispatch(Entity),
    /// A unit reaches the scene.
    Arrive {
        unit: Entity,
        call: Entity,
        assignment: u32,
    },
    /// A unit clears the scene.
    Clear {
        unit: Entity,
        call: Entity,
        assignment: u32,
    },
    /// A unit is back on its patrol or at its post, if it is still on trip `trip`.
    BackOnBeat { unit: Entity, trip: u32 },
    /// A unit re-posted by move-up reaches its place, if it is still on trip `trip`.
    MovedUp { unit: Entity, trip: u32 },
    /// A unit's shift begins.
    ShiftStart { unit: Entity },
    /// A unit's shift ends.
    ShiftEnd { unit: Entity },
    /// The cordon of a call is lifted: its crews are free.
    CordonLift { call_id: u64 },
    /// Measure the area's sealing ring.
    SealingSample,
}

/// One running replication.
struct Replication<'m> {
    model: &'m Model,
    router: &'m mut dyn TravelTimes,
    index: u32,
    world: World,
    agenda: Agenda<Event>,
    calls_from: CallSource<'m>,
    /// The call the agenda's one `Call` event is for (calls are drawn one ahead).
    next_call: Option<NewCall>,
    waiting: WaitingCalls,
    /// Unit entities by unit index.
    units: Vec<Entity>,
    next_call_id: u64,
    /// Every unit's components (see [`Replication::unit_mut`]).
    unit_query: QueryState<UnitData>,
    /// Every incident (see [`Replication::incident_mut`]); it learns the incidents' archetype
    /// when the first one is spawned.
    incident_query: QueryState<&'static mut Incident>,
    /// Chooses the crews; the replication books and schedules what it chooses.
    policy: Box<dyn DispatchPolicy>,
    /// Scratch buffers for dispatch, reused so the event loop does not allocate.
    candidates: Vec<Candidate>,
    busy: Vec<BusyCrew>,
    reached: Vec<Reached>,
    movable: Vec<MovableCrew>,
    moves: Vec<Move>,
    books: Books<'m>,
    /// Plans cordons (its own search for the suspect's times).
    cordons: CordonPlanner,
    /// The cordons standing now, in the order they were ordered.
    standing: Vec<cordon::StandingCordon>,
}

/// A replication's records until they are final, and where they go then.
struct Books<'m> {
    /// Call records by call id (warm-up calls leave none), until they are final.
    calls: InOrder<CallRecord>,
    /// Assignments by number, until they are final.
    assignments: InOrder<Assignment>,
    sealings: Vec<SealingRecord>,
    cordon_crews: Vec<CordonCrewRecord>,
    /// Where final records go.
    sink: &'m mut dyn RecordSink,
}

impl<'m> Replication<'m> {
    fn new(
        model: &'m Model,
        router: &'m mut dyn TravelTimes,
        index: u32,
        calls_from: CallSource<'m>,
        sink: &'m mut dyn RecordSink,
    ) -> Self {
        let scenario = &model.scenario;
        let mut world = World::new();
        let units = scenario
            .units
            .iter()
            .enumerate()
            .map(|(i, _)| {
                world
                    .spawn((
                        UnitIndex(i as u32),
                        UnitState {
                            duty: Duty::OffShift,
                            since_s: 0.0,
                            trip: 0,
                            phase_s: 0.0,
                            shift_ended_s: None,
                        },
                        Patrol {
                            cycle: model.patrols[i].0.clone(),
                            start_phase_s: model.patrols[i].1,
                        },
                        ReturnRoute::default(),
                        Ledger(crate::results::UnitRecord {
                            replication: index,
                            unit: i as u32,
                            ..Default::default()
                        }),
                    ))
                    .id()
            })
            .collect();
        let unit_query = world.query();
        let incident_query = world.query();
        Replication {
            model,
            router,
            index,
            world,
            agenda: Agenda::default(),
            calls_from,
            next_call: None,
            waiting: WaitingCalls::default(),
            units,
            next_call_id: 0,
            unit_query,
            incident_query,
            policy: crate::dispatch::build(
                scenario.dispatch_policy,
                &PolicyInputs {
                    run_cards: &scenario.run_cards,
                    preempt_from_priority: scenario.preempt_from_priority,
                    move_up: model.coverage.as_ref(),
                },
            ),
            candidates: Vec::with_capacity(scenario.units.len()),
            busy: Vec::with_capacity(scenario.units.len()),
            reached: Vec::with_capacity(8),
            movable: Vec::with_capacity(scenario.units.len()),
            moves: Vec::with_capacity(scenario.units.len()),
            books: Books {
                calls: InOrder::default(),
                assignments: InOrder::default(),
                sealings: Vec::new(),
                cordon_crews: Vec::new(),
                sink,
            },
            cordons: CordonPlanner::new(Arc::clone(&model.graph)),
            standing: Vec::new(),
        }
    }

    fn scenario(&self) -> &'m Scenario {
        &self.model.scenario
    }

    /// The components of `unit`, to change.
    fn unit_mut(&mut self, unit: Entity) -> UnitDataItem<'_, '_> {
        unit_in(&mut self.unit_query, &mut self.world, unit)
    }

    /// The incident `call`.
    fn incident(&self, call: Entity) -> &Incident {
        self.incident_query
            .get_manual(&self.world, call)
            .expect("call exists")
    }

    /// The incident `call`, to change.
    fn incident_mut(&mut self, call: Entity) -> Mut<'_, Incident> {
        self.incident_query
            .get_mut(&mut self.world, call)
            .expect("call exists")
    }

    /// The components of `unit` (units are spawned before the query is made, so its archetype
    /// is known to it).
    fn unit(&self, unit: Entity) -> UnitDataReadOnlyItem<'_, '_> {
        self.unit_query
            .get_manual(&self.world, unit)
            .expect("unit exists")
    }

    fn now_s(&self) -> f64 {
        self.agenda.now_s()
    }

    /// Runs to the horizon, then closes the books.
    fn run(mut self) {
        let horizon_s = self.scenario().horizon_s;
        self.start_shifts();
        self.schedule_next_call(0.0);
        if self.scenario().sealing.is_some() {
            self.agenda
                .schedule(self.scenario().warmup_s, Event::SealingSample);
        }
        while let Some(event) = self.agenda.next_until(horizon_s) {
            match event {
                Event::Call => self.on_call(),
                Event::Dispatch(call) => self.on_dispatch(call),
                Event::Arrive {
                    unit,
                    call,
                    assignment,
                } => self.on_arrive(unit, call, assignment),
                Event::Clear {
                    unit,
                    call,
                    assignment,
                } => self.on_clear(unit, call, assignment),
                Event::BackOnBeat { unit, trip } => self.on_back_on_beat(unit, trip),
                Event::MovedUp { unit, trip } => self.on_moved_up(unit, trip),
                Event::ShiftStart { unit } => self.on_shift_start(unit),
                Event::ShiftEnd { unit } => self.on_shift_end(unit),
                Event::CordonLift { call_id } => self.on_cordon_lift(call_id),
                Event::SealingSample => self.on_sealing_sample(),
            }
        }
        self.finish(horizon_s)
    }

    /// Records the calls still open and every unit's ledger at the horizon.
    fn finish(mut self, horizon_s: f64) {
        self.record_standing_cordons(horizon_s);
        let mut open = self.world.query::<&Incident>();
        for incident in open.iter(&self.world) {
            if incident.counted {
                let mut record = incident.record.clone();
                record.state = incident.state();
                let call_id = record.call_id;
                *self.books.calls.get_mut(call_id) = Some(record);
            }
        }
        let books = &mut self.books;
        let sink = &mut *books.sink;
        books.calls.drain(|c| sink.call(c));
        books.assignments.drain(|a| sink.assignment(a));
        let units = std::mem::take(&mut self.units);
        let units = units
            .into_iter()
            .map(|unit| {
                self.close_duty(unit, horizon_s);
                self.unit(unit).ledger.0.clone()
            })
            .collect();
        let books = &mut self.books;
        books.sink.finish(
            units,
            std::mem::take(&mut books.sealings),
            std::mem::take(&mut books.cordon_crews),
        );
    }
}

impl Books<'_> {
    /// Records call `call_id` as final (`record`, or none for a warm-up call) and hands on
    /// every call record that is now final in call-id order.
    fn close_call(&mut self, call_id: u64, record: Option<CallRecord>) {
        *self.calls.get_mut(call_id) = record;
        let sink = &mut *self.sink;
        self.calls.close(call_id, |c| sink.call(c));
    }

    /// The open assignment `assignment`.
    fn assignment_mut(&mut self, assignment: u32) -> &mut Assignment {
        self.assignments
            .get_mut(u64::from(assignment))
            .as_mut()
            .expect("an open assignment has its record")
    }

    /// Makes assignment `assignment` final (it has cleared or been pre-empted) and hands on
    /// every assignment that is now final in order.
    fn close_assignment(&mut self, assignment: u32) {
        let sink = &mut *self.sink;
        self.assignments
            .close(u64::from(assignment), |a| sink.assignment(a));
    }
}

/// The components of `unit` in `world`, to change: borrows only the query and the world, so
/// the router and the agenda stay free to use meanwhile.
fn unit_in<'a>(
    query: &'a mut QueryState<UnitData>,
    world: &'a mut World,
    unit: Entity,
) -> UnitDataItem<'a, 'a> {
    query.get_mut(world, unit).expect("unit exists")
}

/// Length of the part of [from, to] inside [window_start, window_end].
fn overlap_s(from: f64, to: f64, window_start: f64, window_end: f64) -> f64 {
    (to.min(window_end) - from.max(window_start)).max(0.0)
}

//! What a replication reports: one record per counted call and one per unit.

use crate::map::NodeId;
use serde::{Deserialize, Serialize};

/// How a call stood when the run ended. Every counted call ends in exactly one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallState {
    /// Every required unit arrived and cleared the scene.
    Completed,
    /// At least one unit was on scene or had been, but the call was not finished.
    OnSceneAtEnd,
    /// Units were assigned, none had arrived yet.
    EnRouteAtEnd,
    /// No unit had been assigned yet (waiting for dispatch or in the queue).
    WaitingAtEnd,
}

impl CallState {
    /// The name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Completed => "completed",
            CallState::OnSceneAtEnd => "on_scene_at_end",
            CallState::EnRouteAtEnd => "en_route_at_end",
            CallState::WaitingAtEnd => "waiting_at_end",
        }
    }
}

/// One counted call, from its arrival to its end. Times are simulated seconds since the start
/// of the run (warm-up included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    pub replication: u32,
    /// Sequence number of the call in its replication (warm-up calls included).
    pub call_id: u64,
    /// Index into the scenario's incident types.
    pub incident_type: u16,
    pub priority: u8,
    pub call_s: f64,
    pub node: NodeId,
    pub zone: u32,
    pub units_needed: u32,
    pub units_assigned: u32,
    /// Index of the first unit assigned.
    pub first_unit: Option<u32>,
    /// When the dispatcher first looked for units (call time + dispatch delay).
    pub dispatch_s: f64,
    /// When the first unit was assigned.
    pub first_assigned_s: Option<f64>,
    pub first_arrival_s: Option<f64>,
    /// When the last required unit arrived (the reinforcement promise).
    pub all_arrived_s: Option<f64>,
    pub clear_s: Option<f64>,
    /// Times a unit was taken from this call for a more urgent one.
    pub preempted: u32,
    pub state: CallState,
    /// The call's cordon, for incident types that need one.
    pub cordon: Option<CordonRecord>,
}

/// How the cordon of one call went: ordered at dispatch for a call whose suspect flees, its
/// exits taken in the order the suspect can reach them, by as many crews as were free then and
/// by crews that came free while it stood.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CordonRecord {
    /// Exits of the ring used (0: no ring could be drawn, see [`CordonState::NoRing`]).
    pub exits: u32,
    /// Crews sent to it, in all.
    pub crews: u32,
    /// When every exit was first held at once; none when that never happened.
    pub closed_s: Option<f64>,
    /// Every exit held no later than the suspect could reach it.
    pub contained: bool,
    /// Radius of a `reach` ring, minutes: given, or found by the search (none if no radius
    /// contains the suspect).
    pub ring_min: Option<f64>,
    /// Exits held at some time while the cordon stood.
    pub held: u32,
    /// Exits held within 30 minutes of the call.
    pub held_30min: u32,
    /// Exits held no later than the suspect could reach them.
    pub held_before_suspect: u32,
    /// Crews taken off the cordon for priority-1 calls that would otherwise have waited.
    pub released: u32,
}

/// How far a cordon got. Every cordon ends in exactly one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CordonState {
    /// Every exit was held at once.
    Closed,
    /// Some exits were held, never all at once.
    Partial,
    /// No exit was ever held (no crew could be sent before it was lifted).
    Unmanned,
    /// The ring has no exit (it covers the whole map): no cordon is possible; left out of the
    /// cordon shares and counted apart.
    NoRing,
}

impl CordonState {
    /// The name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            CordonState::Closed => "closed",
            CordonState::Partial => "partial",
            CordonState::Unmanned => "unmanned",
            CordonState::NoRing => "no_ring",
        }
    }
}

impl CordonRecord {
    /// The state the cordon ended in.
    pub fn state(&self) -> CordonState {
        if self.exits == 0 {
            CordonState::NoRing
        } else if self.closed_s.is_some() {
            CordonState::Closed
        } else if self.held > 0 {
            CordonState::Partial
        } else {
            CordonState::Unmanned
        }
    }

    /// Share of the exits held no later than the suspect could reach them; none without a ring.
    pub fn held_before_suspect_share(&self) -> Option<f64> {
        (self.exits > 0).then(|| f64::from(self.held_before_suspect) / f64::from(self.exits))
    }
}

/// One crew sent to hold one exit of a call's cordon: busy from the order until released.
#[derive(Debug, Clone, PartialEq)]
pub struct CordonCrewRecord {
    pub replication: u32,
    pub call_id: u64,
    /// Index into the scenario's units.
    pub unit: u32,
    /// The exit's road node.
    pub exit: u32,
    /// When the crew was sent.
    pub ordered_s: f64,
    /// When the crew reached its exit and held it; none if it was taken off before.
    pub held_s: Option<f64>,
    /// When it left the exit: the cordon was lifted, the run ended, or a priority-1 call took
    /// it.
    pub released_s: f64,
    /// Whether a priority-1 call took it.
    pub taken_for_priority_1: bool,
}

/// The 30-minute cordon promise: every exit held within this many seconds of the call.
pub const CORDON_PROMISE_S: f64 = 1800.0;

impl CallRecord {
    /// First arrival − call time: the 5-minute promise's measure.
    pub fn response_s(&self) -> Option<f64> {
        self.first_arrival_s.map(|t| t - self.call_s)
    }

    /// Arrival of the last required unit − call time: the 10-minute promise's measure.
    pub fn reinforcement_s(&self) -> Option<f64> {
        self.all_arrived_s.map(|t| t - self.call_s)
    }

    /// Time the call waited in the queue for its first unit after the dispatch delay.
    pub fn queue_wait_s(&self) -> Option<f64> {
        self.first_assigned_s.map(|t| t - self.dispatch_s)
    }

    /// Last exit held − call time: the 30-minute promise's measure.
    pub fn cordon_closure_s(&self) -> Option<f64> {
        self.cordon?.closed_s.map(|t| t - self.call_s)
    }

    /// Whether every required unit was on scene within 10 minutes; none for a call that
    /// needs one unit (the `reinforcement_10min` column).
    pub fn reinforcement_10min(&self) -> Option<bool> {
        (self.units_needed > 1).then(|| {
            self.reinforcement_s()
                .is_some_and(|t| t <= super::REINFORCEMENT_PROMISE_S)
        })
    }

    /// Whether the cordon ring was closed within 30 minutes; none for a call without a ring
    /// (the `cordon_30min` column).
    pub fn cordon_30min(&self) -> Option<bool> {
        self.cordon.filter(|k| k.exits > 0).map(|_| {
            self.cordon_closure_s()
                .is_some_and(|t| t <= CORDON_PROMISE_S)
        })
    }
}

/// One unit sent to one call: when it was assigned, arrived and cleared. Kept for every call,
/// warm-up calls included, so a unit's whole day can be checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub replication: u32,
    pub call_id: u64,
    /// Whether the call is counted (came after the warm-up).
    pub call_counted: bool,
    /// Index into the scenario's units.
    pub unit: u32,
    pub assigned_s: f64,
    pub arrival_s: Option<f64>,
    /// When it cleared the scene, or left it for a more urgent call.
    pub clear_s: Option<f64>,
    /// Whether it left for a more urgent call.
    pub preempted: bool,
}

/// One unit's time over the counted period. Its duty times add up to the counted period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitRecord {
    pub replication: u32,
    /// Index into the scenario's units.
    pub unit: u32,
    /// Not on shift.
    pub off_duty_s: f64,
    /// At its post (or a place move-up sent it to), available.
    pub idle_s: f64,
    /// On the street and available: driving its patrol cycle, or at its key point.
    pub patrol_s: f64,
    /// Driving to a scene (busy).
    pub en_route_s: f64,
    /// Working a scene (busy).
    pub on_scene_s: f64,
    /// Driving back to its patrol or post (available).
    pub returning_s: f64,
    /// Busy after its shift ended (part of en route, on scene and cordon).
    pub overtime_s: f64,
    /// Calls whose scene it cleared in the counted period.
    pub calls_served: u32,
    /// Distance of the legs it finished in the counted period, metres.
    pub distance_m: f64,
    /// Driving to and holding a cordon exit (busy).
    pub cordon_s: f64,
    /// Cordon exits it held, finished in the counted period.
    pub cordons: u32,
    /// Driving to a place move-up sent it to (available).
    pub move_up_s: f64,
    /// Move-ups it was sent on in the counted period.
    pub moves: u32,
    /// Distance of the move-up legs it finished in the counted period (part of
    /// `distance_m`), metres.
    pub move_up_m: f64,
}

impl UnitRecord {
    /// From assignment until the scene is cleared (the SPEC's busy time), plus cordon duty.
    pub fn busy_s(&self) -> f64 {
        self.en_route_s + self.on_scene_s + self.cordon_s
    }

    /// Time on duty (everything but off duty), overtime included.
    pub fn on_duty_s(&self) -> f64 {
        self.idle_s + self.patrol_s + self.busy_s() + self.returning_s + self.move_up_s
    }

    /// Busy share of the time on duty (for a unit always on duty: busy ÷ counted time).
    pub fn utilisation(&self) -> f64 {
        if self.on_duty_s() > 0.0 {
            self.busy_s() / self.on_duty_s()
        } else {
            0.0
        }
    }

    /// Share of the time on duty on the street and available (patrol or point duty).
    pub fn street_presence(&self) -> f64 {
        if self.on_duty_s() > 0.0 {
            self.patrol_s / self.on_duty_s()
        } else {
            0.0
        }
    }

    /// Sum of all duty times; equals the counted period.
    pub fn total_s(&self) -> f64 {
        self.off_duty_s + self.on_duty_s()
    }
}

/// One measurement of the area's sealing ring: how long the crews free at that moment would
/// take to hold every boundary exit, one crew each (nobody is sent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SealingRecord {
    pub replication: u32,
    pub time_s: f64,
    /// The priority-1 call at whose dispatch it was measured; none at a sampled time.
    pub call_id: Option<u64>,
    pub exits: u32,
    /// Crews free (on duty and available) at that moment.
    pub free_crews: u32,
    /// Time until the last exit would be held; none when the free crews cannot hold them all.
    pub sealed_after_s: Option<f64>,
}

/// The 10-minute sealing promise: every boundary exit held within this many seconds.
pub const SEALING_PROMISE_S: f64 = 600.0;

/// Everything one replication reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplicationOutput {
    pub calls: Vec<CallRecord>,
    pub assignments: Vec<Assignment>,
    pub units: Vec<UnitRecord>,
    /// Sealing-ring measurements in the counted period, in time order.
    pub sealings: Vec<SealingRecord>,
    /// Every crew sent to a cordon exit, warm-up calls included, in order of the orders.
    pub cordon_crews: Vec<CordonCrewRecord>,
}

impl ReplicationOutput {
    /// An empty output with room for `calls` call and `assignments` assignment records.
    pub fn with_capacity(calls: usize, assignments: usize) -> Self {
        ReplicationOutput {
            calls: Vec::with_capacity(calls),
            assignments: Vec::with_capacity(assignments),
            ..ReplicationOutput::default()
        }
    }
}

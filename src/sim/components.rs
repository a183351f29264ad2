//! The state of the world's entities, as bevy_ecs components: units and incidents. Plain data;
//! the behaviour lives in the handlers of `calls`, `dispatch` and `units`.

use crate::map::NodeId;
use crate::results::{CallRecord, CallState};
use crate::routing::Waypoint;
use bevy_ecs::component::Component;
use bevy_ecs::entity::Entity;
use bevy_ecs::query::QueryData;

/// A unit (one crew in one vehicle); the index is its place in the scenario's unit list, and
/// the lowest index wins ties in dispatch.
#[derive(Component, Debug, Clone, Copy)]
pub struct UnitIndex(pub u32);

/// Where a returning unit is heading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rejoin {
    /// Back to its post.
    Post,
    /// Back onto its patrol cycle, at this phase of it, seconds.
    Cycle(f64),
}

/// What a unit is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duty {
    /// Not on shift.
    OffShift,
    /// Waiting at its post or key point; available.
    AtPost,
    /// Driving its patrol cycle (see [`UnitState::phase_s`]); available.
    Patrolling,
    /// Driving to the scene of `call`, a trip of `length_m`, as assignment number
    /// `assignment` of the replication; busy.
    EnRoute {
        call: Entity,
        length_m: f64,
        assignment: u32,
    },
    /// Working the scene of `call` at `scene`; busy.
    OnScene {
        call: Entity,
        scene: NodeId,
        assignment: u32,
    },
    /// Driving from `scene` along [`ReturnRoute`] back to its post or patrol; available.
    Returning { scene: NodeId, rejoin: Rejoin },
    /// Re-posted by move-up: driving along [`ReturnRoute`] to `to`; available.
    MovingUp { to: NodeId },
    /// Re-posted by move-up: waiting at `node`; available.
    Standing { node: NodeId },
    /// Driving to and holding exit `exit` of the cordon of call `call_id` (busy until it is
    /// lifted or a priority-1 call takes the crew); `length_m` is the drive's length, `record`
    /// the crew's index in the replication's cordon-crew records.
    Cordon {
        call_id: u64,
        exit: NodeId,
        length_m: f64,
        record: u32,
    },
}

impl Duty {
    /// Whether the dispatcher may send the unit.
    pub fn is_available(&self) -> bool {
        matches!(
            self,
            Duty::AtPost
                | Duty::Patrolling
                | Duty::Returning { .. }
                | Duty::MovingUp { .. }
                | Duty::Standing { .. }
        )
    }
}

/// A unit's duty and since when; the number of its current trip back (to spot stale events);
/// its patrol phase when the duty began; and, while it works past the end of its shift, when
/// the shift ended.
#[derive(Component, Debug, Clone, Copy)]
pub struct UnitState {
    pub duty: Duty,
    pub since_s: f64,
    pub trip: u32,
    pub phase_s: f64,
    pub shift_ended_s: Option<f64>,
}

/// A unit's patrol cycle (none for crews that wait at their base) and where on it the crew
/// starts its shift.
#[derive(Component, Debug, Clone)]
pub struct Patrol {
    pub cycle: Option<std::sync::Arc<super::patrol::PatrolCycle>>,
    pub start_phase_s: f64,
}

/// The route home of a returning unit (only its end under the SPEC's `last_scene` rule, where
/// the way itself does not matter), or the route of a move-up; its buffer is reused from trip
/// to trip.
#[derive(Component, Debug, Clone, Default)]
pub struct ReturnRoute(pub Vec<Waypoint>);

/// All of a unit's components, fetched together by one look-up of the entity. Its read-only
/// form serves the dispatcher's scan over all units.
#[derive(QueryData)]
#[query_data(mutable)]
pub struct UnitData {
    pub index: &'static UnitIndex,
    pub state: &'static mut UnitState,
    pub patrol: &'static Patrol,
    pub route: &'static mut ReturnRoute,
    pub ledger: &'static mut Ledger,
}

/// An incident and the response to it, written as the call's record while it goes on.
#[derive(Component, Debug, Clone)]
pub struct Incident {
    pub record: CallRecord,
    /// Time each unit works the scene, seconds.
    pub on_scene_s: f64,
    /// Units that arrived so far.
    pub arrived: u32,
    /// Units that cleared the scene so far.
    pub cleared: u32,
    /// Whether the call counts (it came after the warm-up).
    pub counted: bool,
    /// Its cordon stands: the record is final only when it is lifted.
    pub cordon_standing: bool,
}

impl Incident {
    /// Units still to be assigned.
    pub fn lacking(&self) -> u32 {
        self.record.units_needed - self.record.units_assigned
    }

    /// The state the call is in now.
    pub fn state(&self) -> CallState {
        if self.cleared == self.record.units_needed {
            CallState::Completed
        } else if self.arrived > 0 {
            CallState::OnSceneAtEnd
        } else if self.record.units_assigned > 0 {
            CallState::EnRouteAtEnd
        } else {
            CallState::WaitingAtEnd
        }
    }
}

/// A unit's time and distance over the counted period.
#[derive(Component, Debug, Clone, Default)]
pub struct Ledger(pub crate::results::UnitRecord);

//! The state of the world's entities, as bevy_ecs components: units and incidents. Plain data;
//! the behaviour lives in the handlers of `calls`, `dispatch` and `units`.

use crate::map::NodeId;
use crate::results::{CallRecord, CallState};
use crate::routing::Waypoint;
use bevy_ecs::component::Component;
use bevy_ecs::entity::Entity;

/// A unit (one crew in one vehicle); the index is its place in the scenario's unit list, and
/// the lowest index wins ties in dispatch.
#[derive(Component, Debug, Clone, Copy)]
pub struct UnitIndex(pub u32);

/// Where a unit is based.
#[derive(Component, Debug, Clone, Copy)]
pub struct Home(pub NodeId);

/// What a unit is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duty {
    /// Waiting at its post; available.
    AtPost,
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
    /// Driving from `scene` back to its post along [`ReturnRoute`]; available.
    Returning { scene: NodeId },
}

/// A unit's duty, since when, and the number of its current trip home (to spot stale events).
#[derive(Component, Debug, Clone, Copy)]
pub struct UnitState {
    pub duty: Duty,
    pub since_s: f64,
    pub trip: u32,
}

/// The route home of a returning unit; its buffer is reused from trip to trip.
#[derive(Component, Debug, Clone, Default)]
pub struct ReturnRoute(pub Vec<Waypoint>);

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

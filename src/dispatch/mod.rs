//! Dispatch policies: which crews go to a call. The seam between the 110 command centre's
//! decisions and the engine that carries them out.
//!
//! A policy is asked questions in the engine's moments and answers with ranked crews; it never
//! books, schedules or changes a unit. The engine (`sim`) keeps the queue, the assignments and
//! the events, and gives a policy only what it needs to decide:
//! - [`DispatchPolicy::choose`]: a call ([`CallView`]: where, which zone, how urgent, how many
//!   crews still wanted) and the free crews with their times (routing [`Candidate`]s: where
//!   each leaves from and its lead time; [`TravelTimes`] answers the rest) in; the crews to
//!   send, best first, each with its travel time, out.
//! - [`DispatchPolicy::may_take`]: whether a crew that just came free may take a waiting call
//!   (the engine offers the queue in its order: priority, then call time).
//! - [`DispatchPolicy::preempt`]: for a call still short of crews, which crews working other
//!   scenes to take ([`BusyCrew`]s in, ranked crews out).
//!
//! - [`DispatchPolicy::move_up`]: a coverage moment (a crew just became busy or free) with the
//!   free crews and those that may be moved ([`MovableCrew`]s) in; moves (crew → node) out.
//!   Only [`move_up::MoveUp`] moves anyone (`[dispatch.move_up]`).
//!
//! A policy is one file here plus one line in [`POLICIES`]; the scenario names it
//! (`[dispatch] policy = "..."`), and [`build`] makes one per replication (a policy may keep
//! scratch buffers). Pre-emption (`[dispatch] preempt_from_priority`) and move-up
//! (`[dispatch.move_up]`) wrap whichever policy the scenario names.
//!
//! Architecture invariant: policies know nothing of the event loop, the world or the records;
//! they see crews as routing candidates, keyed by unit index, and answer only through their
//! outputs, so the same inputs give the same answer (ties to the lowest unit index).

mod move_up;
mod nearest;
mod preemption;
mod run_cards;

pub use move_up::CoveragePlan;

use crate::map::NodeId;
use crate::routing::{Candidate, Reached, TravelTimes};
use std::sync::Arc;

/// A call as a policy sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallView {
    /// The scene.
    pub node: NodeId,
    /// The scene's zone (index into the map's zones).
    pub zone: u32,
    /// 1 = most urgent.
    pub priority: u8,
    /// Crews still wanted in this round of the dispatch.
    pub wanted: usize,
}

/// A crew working the scene of another call: a candidate at that scene (no lead time), and the
/// priority of the call it works.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BusyCrew {
    pub crew: Candidate,
    pub serving_priority: u8,
}

/// A free crew that move-up may send elsewhere: where it leaves from, and the post it stands at
/// or is bound for (its own, or one move-up sent it to; none while it patrols or drives back
/// to its patrol).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MovableCrew {
    pub crew: Candidate,
    pub post: Option<NodeId>,
}

/// A crew to re-post: it leaves as `crew` says and stands at `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Move {
    pub crew: Candidate,
    pub to: NodeId,
}

/// Decides which crews go. See the module documentation for when the engine asks what.
pub trait DispatchPolicy: Send {
    /// Fills `out` (cleared first) with at most `call.wanted` of the `free` crews to send to
    /// `call`, best first, each with its travel time to the scene, lead time included.
    fn choose(
        &mut self,
        call: &CallView,
        free: &[Candidate],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Reached>,
    );

    /// Whether crew `unit` (its unit index), just free, may take the waiting call `call`.
    fn may_take(&self, call: &CallView, unit: u32) -> bool {
        let _ = (call, unit);
        true
    }

    /// Whether `call`, still short of crews after [`DispatchPolicy::choose`], may take crews
    /// from other scenes (the engine then lists them for [`DispatchPolicy::preempt`]).
    fn may_preempt(&self, call: &CallView) -> bool {
        let _ = call;
        false
    }

    /// Fills `out` (cleared first) with at most `call.wanted` of the `busy` crews to take from
    /// their calls for `call`, best first, with their travel times.
    fn preempt(
        &mut self,
        call: &CallView,
        busy: &[BusyCrew],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Reached>,
    ) {
        let _ = (call, busy, travel);
        out.clear();
    }

    /// Fills `out` (cleared first) with the moves that restore coverage, now that a crew has
    /// become busy or free: `free` are every free crew, `movable` those of them that may be
    /// moved. None by default.
    fn move_up(
        &mut self,
        free: &[Candidate],
        movable: &[MovableCrew],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Move>,
    ) {
        let _ = (free, movable, travel);
        out.clear();
    }
}

/// What the scenario tells the policies.
#[derive(Debug, Clone, Copy)]
pub struct PolicyInputs<'s> {
    /// Per zone (by index), the run card: unit indices in order of preference.
    pub run_cards: &'s [Option<Vec<u32>>],
    /// Priority-1 calls may take crews from scenes of calls of at least this priority number.
    pub preempt_from_priority: Option<u8>,
    /// Move-up's table and demand, when the scenario moves crews.
    pub move_up: Option<&'s Arc<CoveragePlan>>,
}

/// A policy the scenario can name.
#[derive(Debug)]
pub struct Registration {
    /// The name in `[dispatch] policy`.
    pub name: &'static str,
    /// What it does, in a few words (for error messages).
    pub about: &'static str,
    /// Whether it needs `[dispatch] run_cards`.
    pub needs_run_cards: bool,
    /// Makes one for a replication.
    pub build: fn(&PolicyInputs<'_>) -> Box<dyn DispatchPolicy>,
}

/// Every policy a scenario can name.
pub const POLICIES: &[Registration] = &[nearest::REGISTRATION, run_cards::REGISTRATION];

/// The policy named `name`, if there is one.
pub fn policy(name: &str) -> Option<&'static Registration> {
    POLICIES.iter().find(|p| p.name == name)
}

/// The policy a scenario gets when it names none: run cards when it gives some, else the
/// nearest crews.
pub fn default_policy(has_run_cards: bool) -> &'static Registration {
    if has_run_cards {
        &run_cards::REGISTRATION
    } else {
        &nearest::REGISTRATION
    }
}

/// The names of every policy, quoted, for messages: `"nearest", "run_cards"`.
pub fn policy_names() -> String {
    POLICIES
        .iter()
        .map(|p| format!("{:?}", p.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A policy `registration` for one replication, wrapped in pre-emption and move-up when the
/// scenario asks for them.
pub fn build(registration: &Registration, inputs: &PolicyInputs<'_>) -> Box<dyn DispatchPolicy> {
    let policy = (registration.build)(inputs);
    let policy: Box<dyn DispatchPolicy> = match inputs.preempt_from_priority {
        Some(from_priority) => Box::new(preemption::Preemption::new(from_priority, policy)),
        None => policy,
    };
    match inputs.move_up {
        Some(plan) => Box::new(move_up::MoveUp::new(policy, Arc::clone(plan))),
        None => policy,
    }
}

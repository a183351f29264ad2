//! The nearest crews: the free crews that reach the scene first (ties to the lowest unit index).

use super::{CallView, DispatchPolicy, PolicyInputs, Registration};
use crate::routing::{Candidate, Reached, TravelTimes};

pub(super) const REGISTRATION: Registration = Registration {
    name: "nearest",
    about: "the free crews that reach the scene first",
    needs_run_cards: false,
    build,
};

fn build(_: &PolicyInputs<'_>) -> Box<dyn DispatchPolicy> {
    Box::new(Nearest)
}

/// Sends the free crews that reach the scene first; any free crew may take a waiting call.
pub struct Nearest;

impl DispatchPolicy for Nearest {
    fn choose(
        &mut self,
        call: &CallView,
        free: &[Candidate],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Reached>,
    ) {
        travel.nearest(call.node, free, call.wanted, out);
    }
}

//! Pre-emption: a priority-1 call still short of crews takes the nearest crews working scenes of
//! calls of the scenario's pre-emptible priority or less urgent ones (`[dispatch]
//! preempt_from_priority`). Wraps the policy that chooses among free crews.

use super::{BusyCrew, CallView, DispatchPolicy};
use crate::routing::{Candidate, Reached, TravelTimes};

/// Another policy, plus pre-emption for priority-1 calls.
pub struct Preemption {
    /// Crews on calls of this priority number or higher may be taken.
    from_priority: u8,
    inner: Box<dyn DispatchPolicy>,
    /// The busy crews that may be taken, reused from call to call.
    takeable: Vec<Candidate>,
}

impl Preemption {
    pub fn new(from_priority: u8, inner: Box<dyn DispatchPolicy>) -> Self {
        Preemption {
            from_priority,
            inner,
            takeable: Vec::new(),
        }
    }
}

impl DispatchPolicy for Preemption {
    fn choose(
        &mut self,
        call: &CallView,
        free: &[Candidate],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Reached>,
    ) {
        self.inner.choose(call, free, travel, out);
    }

    fn may_take(&self, call: &CallView, unit: u32) -> bool {
        self.inner.may_take(call, unit)
    }

    fn may_preempt(&self, call: &CallView) -> bool {
        call.priority == 1
    }

    fn preempt(
        &mut self,
        call: &CallView,
        busy: &[BusyCrew],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Reached>,
    ) {
        self.takeable.clear();
        self.takeable.extend(
            busy.iter()
                .filter(|b| b.serving_priority >= self.from_priority)
                .map(|b| b.crew),
        );
        travel.nearest(call.node, &self.takeable, call.wanted, out);
    }
}

//! Run cards: in a zone with a card, the free crews in the card's order of preference (as
//! dispatch centres and Larson's hypercube model do), and only crews on the card take its
//! waiting calls; in zones without one, the nearest crews.

use super::nearest::Nearest;
use super::{CallView, DispatchPolicy, PolicyInputs, Registration};
use crate::routing::{Candidate, Reached, TravelTimes};

pub(super) const REGISTRATION: Registration = Registration {
    name: "run_cards",
    about: "each zone's run card in order, the nearest crews where a zone has none",
    needs_run_cards: true,
    build,
};

fn build(inputs: &PolicyInputs<'_>) -> Box<dyn DispatchPolicy> {
    Box::new(RunCards {
        cards: inputs.run_cards.to_vec(),
    })
}

/// Sends crews in the order of the call's zone's run card.
pub struct RunCards {
    /// Per zone, unit indices in order of preference; none: the nearest crews.
    cards: Vec<Option<Vec<u32>>>,
}

impl DispatchPolicy for RunCards {
    fn choose(
        &mut self,
        call: &CallView,
        free: &[Candidate],
        travel: &mut dyn TravelTimes,
        out: &mut Vec<Reached>,
    ) {
        let Some(card) = &self.cards[call.zone as usize] else {
            return Nearest.choose(call, free, travel, out);
        };
        out.clear();
        for &unit in card {
            if out.len() == call.wanted {
                break;
            }
            if let Some(c) = free.iter().find(|c| c.key == unit) {
                let trip = travel.trip(c.node, call.node);
                out.push(Reached {
                    key: unit,
                    travel_s: c.lead_s + trip.travel_s,
                    length_m: trip.length_m,
                });
            }
        }
    }

    fn may_take(&self, call: &CallView, unit: u32) -> bool {
        self.cards[call.zone as usize]
            .as_ref()
            .is_none_or(|card| card.contains(&unit))
    }
}

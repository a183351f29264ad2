//! The engine core: a clock and a time-ordered agenda of events. It knows nothing of police.
//! Events at the same time come out in the order they were scheduled (a sequence number breaks
//! ties), so a run is a pure function of its inputs.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A scheduled event. `key` packs the time's bits (which order like the times, as times are
/// never negative) above the sequence number, so one integer comparison orders entries.
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn at_s(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, so the max-heap pops the earliest time, then the lowest sequence number.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Clock plus pending events. Time only moves forward, from one event to the next.
pub struct Agenda<E> {
    now_s: f64,
    next_seq: u64,
    pending: BinaryHeap<Entry<E>>,
}

impl<E> Default for Agenda<E> {
    fn default() -> Self {
        Agenda {
            now_s: 0.0,
            next_seq: 0,
            pending: BinaryHeap::new(),
        }
    }
}

impl<E> Agenda<E> {
    /// The current simulated time, seconds.
    pub fn now_s(&self) -> f64 {
        self.now_s
    }

    /// Schedules `event` at `at_s`, which must not be in the past.
    pub fn schedule(&mut self, at_s: f64, event: E) {
        debug_assert!(at_s >= self.now_s, "event scheduled in the past");
        // `+ 0.0` turns a negative zero into zero, whose bits order first.
        let bits = (at_s + 0.0).to_bits();
        self.pending.push(Entry {
            key: (u128::from(bits) << 64) | u128::from(self.next_seq),
            event,
        });
        self.next_seq += 1;
    }

    /// Takes the next event if it is due no later than `until_s`, and moves the clock to it.
    pub fn next_until(&mut self, until_s: f64) -> Option<E> {
        if self.pending.peek()?.at_s() > until_s {
            return None;
        }
        let entry = self.pending.pop()?;
        self.now_s = entry.at_s();
        Some(entry.event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_in_time_then_schedule_order() {
        let mut a = Agenda::default();
        a.schedule(5.0, "c");
        a.schedule(1.0, "a");
        a.schedule(5.0, "d");
        a.schedule(1.0, "b");
        a.schedule(9.0, "late");
        let mut seen = Vec::new();
        while let Some(e) = a.next_until(6.0) {
            seen.push((a.now_s(), e));
        }
        assert_eq!(seen, vec![(1.0, "a"), (1.0, "b"), (5.0, "c"), (5.0, "d")]);
        assert_eq!(a.next_until(10.0), Some("late"));
    }
}

//! Records handed on in the order they were opened, each as soon as it and every earlier one
//! is final. Keys are consecutive from 0; only the open stretch is held.

use std::collections::VecDeque;

/// A queue of slots numbered 0, 1, 2, … in opening order.
pub(super) struct InOrder<T> {
    /// Key of the first slot held.
    first: u64,
    /// The slots from `first` on: a value (if any) and whether it is final.
    slots: VecDeque<(Option<T>, bool)>,
}

impl<T> Default for InOrder<T> {
    fn default() -> Self {
        InOrder {
            first: 0,
            slots: VecDeque::new(),
        }
    }
}

impl<T> InOrder<T> {
    /// Opens the next slot with `value` (or none yet) and returns its key.
    pub(super) fn open(&mut self, value: Option<T>) -> u64 {
        self.slots.push_back((value, false));
        self.first + self.slots.len() as u64 - 1
    }

    /// The value of open slot `key`.
    pub(super) fn get_mut(&mut self, key: u64) -> &mut Option<T> {
        &mut self.slots[(key - self.first) as usize].0
    }

    /// Makes slot `key` final, and hands `out` every final value at the front, in key order.
    pub(super) fn close(&mut self, key: u64, mut out: impl FnMut(T)) {
        self.slots[(key - self.first) as usize].1 = true;
        while self.slots.front().is_some_and(|s| s.1) {
            let (value, _) = self.slots.pop_front().expect("front exists");
            self.first += 1;
            value.into_iter().for_each(&mut out);
        }
    }

    /// Hands `out` every value still held, final or not, in key order.
    pub(super) fn drain(&mut self, out: impl FnMut(T)) {
        self.first += self.slots.len() as u64;
        self.slots.drain(..).filter_map(|s| s.0).for_each(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_leave_in_key_order_once_every_earlier_one_is_final() {
        let mut q = InOrder::default();
        let mut out = Vec::new();
        let a = q.open(Some('a'));
        let b = q.open(None);
        let c = q.open(Some('c'));
        let d = q.open(Some('d'));
        assert_eq!((a, b, c, d), (0, 1, 2, 3));
        q.close(c, |v| out.push(v));
        assert!(out.is_empty(), "c waits for a and b");
        *q.get_mut(b) = Some('b');
        q.close(b, |v| out.push(v));
        assert!(out.is_empty(), "a is still open");
        q.close(a, |v| out.push(v));
        assert_eq!(out, ['a', 'b', 'c']);
        assert_eq!(q.open(None), 4, "keys go on after what left");
        q.drain(|v| out.push(v));
        assert_eq!(out, ['a', 'b', 'c', 'd']);
        assert_eq!(q.open(Some('f')), 5);
    }
}

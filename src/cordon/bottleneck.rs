//! The bottleneck assignment: one crew per exit, chosen so that the last exit is held as early
//! as possible. Exact: a binary search over the distinct crew-to-exit times, each threshold
//! checked by a maximum bipartite matching (augmenting paths, Kuhn's algorithm) of exits to the
//! crews that reach them within it.

use std::fmt;

/// Why a ring cannot be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CannotClose {
    /// More exits than crews.
    TooFewCrews { exits: usize, crews: usize },
    /// Some exit no crew can reach (infinite travel time for every crew), or too many exits
    /// share the few crews that reach them.
    NoMatching { exits: usize, crews: usize },
}

impl fmt::Display for CannotClose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CannotClose::TooFewCrews { exits, crews } => write!(
                f,
                "cannot close: {exits} exits but only {crews} crews (one crew per exit)"
            ),
            CannotClose::NoMatching { exits, crews } => write!(
                f,
                "cannot close: the {crews} crews cannot reach all {exits} exits, one crew each"
            ),
        }
    }
}

impl std::error::Error for CannotClose {}

/// A solved assignment: `crew_of_exit[e]` is the crew (row) holding exit `e`; the last exit is
/// held after `bottleneck_s`.
#[derive(Debug, Clone, PartialEq)]
pub struct Closure {
    pub crew_of_exit: Vec<u32>,
    /// The largest time of an assigned crew to its exit: the least possible over all
    /// assignments.
    pub bottleneck_s: f64,
}

const FREE: u32 = u32::MAX;

/// Solver with reusable buffers. `times` is a crews × exits matrix in row-major order:
/// `times[c * exits + e]` is when crew `c` can hold exit `e` (infinite if never).
#[derive(Debug, Default)]
pub struct BottleneckSolver {
    thresholds: Vec<f64>,
    exit_of_crew: Vec<u32>,
    crew_of_exit: Vec<u32>,
    visited: Vec<u32>,
    stamp: u32,
}

impl BottleneckSolver {
    /// The assignment of one crew per exit that minimises the largest time, or why there is
    /// none. Ties between equally good assignments are settled by crew order (deterministic).
    pub fn solve(
        &mut self,
        times: &[f64],
        crews: usize,
        exits: usize,
    ) -> Result<Closure, CannotClose> {
        assert_eq!(times.len(), crews * exits, "times is crews × exits");
        if exits == 0 {
            return Ok(Closure {
                crew_of_exit: Vec::new(),
                bottleneck_s: 0.0,
            });
        }
        if exits > crews {
            return Err(CannotClose::TooFewCrews { exits, crews });
        }
        self.thresholds.clear();
        self.thresholds
            .extend(times.iter().copied().filter(|t| t.is_finite()));
        self.thresholds.sort_by(f64::total_cmp);
        self.thresholds.dedup();
        // Lowest index whose threshold admits a full matching.
        let (mut lo, mut hi) = (0usize, self.thresholds.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.matches_all(times, crews, exits, self.thresholds[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if lo == self.thresholds.len() {
            return Err(CannotClose::NoMatching { exits, crews });
        }
        let bottleneck_s = self.thresholds[lo];
        let ok = self.matches_all(times, crews, exits, bottleneck_s);
        debug_assert!(ok);
        Ok(Closure {
            crew_of_exit: self.crew_of_exit.clone(),
            bottleneck_s,
        })
    }

    /// Whether every exit can get its own crew within `limit`; leaves the matching in
    /// `crew_of_exit`.
    fn matches_all(&mut self, times: &[f64], crews: usize, exits: usize, limit: f64) -> bool {
        self.exit_of_crew.clear();
        self.exit_of_crew.resize(crews, FREE);
        self.crew_of_exit.clear();
        self.crew_of_exit.resize(exits, FREE);
        self.visited.resize(crews, 0);
        for e in 0..exits {
            self.stamp = self.stamp.wrapping_add(1);
            if self.stamp == 0 {
                self.visited.fill(0);
                self.stamp = 1;
            }
            if !self.augment(times, crews, exits, limit, e) {
                return false;
            }
        }
        true
    }

    /// Looks for an augmenting path from exit `e` (depth-first, crews in index order).
    fn augment(&mut self, times: &[f64], crews: usize, exits: usize, limit: f64, e: usize) -> bool {
        for c in 0..crews {
            if times[c * exits + e] > limit || self.visited[c] == self.stamp {
                continue;
            }
            self.visited[c] = self.stamp;
            let other = self.exit_of_crew[c];
            if other == FREE || self.augment(times, crews, exits, limit, other as usize) {
                self.exit_of_crew[c] = e as u32;
                self.crew_of_exit[e] = c as u32;
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    fn solve(times: &[f64], crews: usize, exits: usize) -> Result<Closure, CannotClose> {
        BottleneckSolver::default().solve(times, crews, exits)
    }

    /// Exhaustive minimum over all injective assignments, for checking.
    fn brute(times: &[f64], crews: usize, exits: usize) -> Option<f64> {
        fn go(t: &[f64], crews: usize, exits: usize, e: usize, used: &mut Vec<bool>) -> f64 {
            if e == exits {
                return f64::NEG_INFINITY;
            }
            let mut best = INF;
            for c in 0..crews {
                if !used[c] {
                    used[c] = true;
                    let rest = go(t, crews, exits, e + 1, used);
                    used[c] = false;
                    best = best.min(rest.max(t[c * exits + e]));
                }
            }
            best
        }
        let v = go(times, crews, exits, 0, &mut vec![false; crews]);
        v.is_finite().then_some(v)
    }

    #[test]
    fn hand_worked_three_by_three() {
        // Rows are crews, columns exits (seconds).
        //        e0   e1   e2
        // c0:   100  200  900
        // c1:   150  800  300
        // c2:   700  250  400
        // Best: c0→e0 (100), c2→e1 (250), c1→e2 (300): bottleneck 300.
        let t = [
            100.0, 200.0, 900.0, 150.0, 800.0, 300.0, 700.0, 250.0, 400.0,
        ];
        let c = solve(&t, 3, 3).unwrap();
        assert_eq!(c.bottleneck_s, 300.0);
        assert_eq!(c.crew_of_exit, vec![0, 2, 1]);
    }

    #[test]
    fn exact_assignment_beats_greedy_nearest_first() {
        // Greedy takes the globally nearest pair first: c0→e0 (60 s), leaving c1 for e1 at
        // 1200 s. The exact assignment sends c0 to e1 (120 s) and c1 to e0 (180 s).
        let t = [60.0, 120.0, 180.0, 1200.0];
        let greedy_s = 60f64.max(1200.0);
        let c = solve(&t, 2, 2).unwrap();
        assert_eq!(c.bottleneck_s, 180.0);
        assert_eq!(c.crew_of_exit, vec![1, 0]);
        assert!(c.bottleneck_s < greedy_s);
    }

    #[test]
    fn more_exits_than_crews_cannot_close() {
        let e = solve(&[10.0, 20.0, 30.0], 1, 3).unwrap_err();
        assert_eq!(e, CannotClose::TooFewCrews { exits: 3, crews: 1 });
        assert_eq!(
            e.to_string(),
            "cannot close: 3 exits but only 1 crews (one crew per exit)"
        );
    }

    #[test]
    fn unreachable_exits_cannot_close() {
        // Both crews reach only exit 0.
        let e = solve(&[10.0, INF, 20.0, INF], 2, 2).unwrap_err();
        assert_eq!(e, CannotClose::NoMatching { exits: 2, crews: 2 });
    }

    #[test]
    fn no_exits_close_at_once() {
        assert_eq!(solve(&[], 3, 0).unwrap().bottleneck_s, 0.0);
    }

    #[test]
    fn agrees_with_exhaustive_search_on_random_matrices() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let mut solver = BottleneckSolver::default();
        for _ in 0..300 {
            let crews = rng.random_range(1..7usize);
            let exits = rng.random_range(1..=crews);
            let t: Vec<f64> = (0..crews * exits)
                .map(|_| {
                    if rng.random_range(0..10u32) == 0 {
                        INF
                    } else {
                        f64::from(rng.random_range(0..40u32)) * 20.0
                    }
                })
                .collect();
            let expected = brute(&t, crews, exits);
            match solver.solve(&t, crews, exits) {
                Ok(c) => {
                    assert_eq!(Some(c.bottleneck_s), expected);
                    let mut used = c.crew_of_exit.clone();
                    used.sort_unstable();
                    used.dedup();
                    assert_eq!(used.len(), exits, "one crew per exit");
                    for (e, &crew) in c.crew_of_exit.iter().enumerate() {
                        assert!(t[crew as usize * exits + e] <= c.bottleneck_s);
                    }
                }
                Err(_) => assert_eq!(expected, None),
            }
        }
    }
}

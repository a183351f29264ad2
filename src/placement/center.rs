//! The p-centre exactly: binary search over the distinct travel times of the table, each
//! answered by an exact set-cover check (can `posts` free sites reach every demand node the
//! fixed ones do not within T?) by branch and bound, with a node budget; when a check runs out
//! of budget the answer is the best layout found and the bound the check could prove.

use super::instance::Instance;

/// Work one check may do before it gives up, in 64-bit word operations (a node of the search
/// costs about sites × demand / 64 of them).
pub const CHECK_WORK: usize = 1 << 30;

/// The result of the binary search.
#[derive(Debug, Clone, PartialEq)]
pub struct Centre {
    /// Open sites (fixed first) of the best layout found; its largest time is `value_ms`.
    pub open: Vec<usize>,
    pub value_ms: u32,
    /// No layout has a largest time below this.
    pub bound_ms: u32,
}

/// A set of demand nodes as bits.
#[derive(Clone, PartialEq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, j: usize) {
        self.0[j / 64] |= 1 << (j % 64);
    }
    fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
    fn count_and(&self, other: &Bits) -> usize {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }
    fn minus(&self, other: &Bits) -> Bits {
        let mut b = self.clone();
        b.remove(other);
        b
    }
    fn remove(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= !b);
    }
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &w)| {
            (0..64)
                .filter(move |b| w >> b & 1 == 1)
                .map(move |b| i * 64 + b)
        })
    }
}

/// What a check found.
enum Check {
    Feasible(Vec<usize>),
    Infeasible,
    OutOfBudget,
}

/// The set-cover check at `threshold_ms`: free sites (at most `posts`) that with the fixed
/// ones reach every demand node within it.
fn check(inst: &Instance, posts: usize, threshold_ms: u32) -> Check {
    let n = inst.demand.len();
    let fixed: Vec<usize> = (0..inst.fixed).collect();
    let by_fixed = inst.nearest_ms(&fixed);
    let mut need = Bits::empty(n);
    (0..n)
        .filter(|&j| by_fixed[j] > threshold_ms)
        .for_each(|j| need.set(j));
    let free: Vec<usize> = inst.free().collect();
    let covers: Vec<Bits> = free
        .iter()
        .map(|&s| {
            let mut b = Bits::empty(n);
            inst.row(s)
                .iter()
                .enumerate()
                .filter(|&(j, &t)| t <= threshold_ms && by_fixed[j] > threshold_ms)
                .for_each(|(j, _)| b.set(j));
            b
        })
        .collect();
    // Who covers each node, and how many: branching on the node with the fewest.
    let mut by_node: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (k, c) in covers.iter().enumerate() {
        for j in c.ones() {
            by_node[j].push(k as u32);
        }
    }
    if need.ones().any(|j| by_node[j].is_empty()) {
        return Check::Infeasible;
    }
    let mut search = Search {
        covers: &covers,
        by_node: &by_node,
        budget: (CHECK_WORK / (covers.len() * n.div_ceil(64)).max(1)).max(1000),
        chosen: Vec::new(),
        spread: Bits::empty(n),
    };
    match search.cover(&need, posts) {
        Some(true) => Check::Feasible(
            (0..inst.fixed)
                .chain(search.chosen.iter().map(|&k| free[k]))
                .collect(),
        ),
        Some(false) => Check::Infeasible,
        None => Check::OutOfBudget,
    }
}

struct Search<'a> {
    covers: &'a [Bits],
    by_node: &'a [Vec<u32>],
    budget: usize,
    /// The sites chosen on the current branch (indices into `covers`).
    chosen: Vec<usize>,
    /// Scratch set of the spread-out bound.
    spread: Bits,
}

impl Search<'_> {
    /// Whether `left` posts can cover `need`: `Some(true)` leaving the sites in `chosen`,
    /// `None` when the budget ran out.
    fn cover(&mut self, need: &Bits, left: usize) -> Option<bool> {
        let missing = need.count();
        if missing == 0 {
            return Some(true);
        }
        if left == 0 {
            return Some(false);
        }
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        // Bound: the `left` largest covers of what is missing must add up to it.
        let mut gains: Vec<usize> = self.covers.iter().map(|c| c.count_and(need)).collect();
        gains.sort_unstable_by(|a, b| b.cmp(a));
        if gains.iter().take(left).sum::<usize>() < missing {
            return Some(false);
        }
        // Bound: missing nodes no two of which share a covering site each need a post of
        // their own; picked greedily, fewest covering sites first.
        self.spread.clone_from(need);
        let mut apart = 0;
        while let Some(j) = self
            .spread
            .ones()
            .min_by_key(|&j| (self.by_node[j].len(), j))
        {
            apart += 1;
            if apart > left {
                return Some(false);
            }
            for &k in &self.by_node[j] {
                self.spread.remove(&self.covers[k as usize]);
            }
        }
        // Branch on the missing node with the fewest covering sites; try the sites covering
        // the most of what is missing first.
        let j = need
            .ones()
            .min_by_key(|&j| (self.by_node[j].len(), j))
            .expect("something is missing");
        let mut options: Vec<(usize, usize)> = self.by_node[j]
            .iter()
            .map(|&k| (self.covers[k as usize].count_and(need), k as usize))
            .collect();
        options.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out_of_budget = false;
        for (_, k) in options {
            self.chosen.push(k);
            match self.cover(&need.minus(&self.covers[k]), left - 1) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => out_of_budget = true,
            }
            self.chosen.pop();
            if out_of_budget {
                return None;
            }
        }
        Some(false)
    }
}

/// The least largest time of the fixed sites and `posts` free ones, starting from the layout
/// `start` (fixed first).
pub fn solve_centre(inst: &Instance, posts: usize, start: &[usize]) -> Centre {
    let mut best = Centre {
        open: start.to_vec(),
        value_ms: inst.evaluate(start, 0).max_ms,
        bound_ms: 0,
    };
    // Every node needs some site: no layout beats the largest of the nearest-site times.
    let all: Vec<usize> = (0..inst.site_count()).collect();
    best.bound_ms = inst.nearest_ms(&all).into_iter().max().unwrap_or(0);
    let mut times: Vec<u32> = (0..inst.site_count())
        .flat_map(|s| inst.row(s).iter().copied())
        .filter(|&t| t >= best.bound_ms && t < best.value_ms)
        .collect();
    times.sort_unstable();
    times.dedup();
    // times[lo..hi] are the values still open: below them no layout (proven), the layout found
    // has value_ms above them.
    let (mut lo, mut hi) = (0, times.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match check(inst, posts, times[mid]) {
            Check::Feasible(open) => {
                best.value_ms = inst.evaluate(&open, 0).max_ms;
                best.open = open;
                hi = mid;
            }
            Check::Infeasible => {
                let next = times.get(mid + 1).copied().unwrap_or(best.value_ms);
                best.bound_ms = best.bound_ms.max(next);
                lo = mid + 1;
            }
            Check::OutOfBudget => lo = mid + 1,
        }
    }
    best.bound_ms = best.bound_ms.min(best.value_ms);
    best
}

//! Vertex substitution (Teitz and Bart) in Whitaker's fast-interchange form: for each closed
//! site, one pass over the demand gives the change of every swap that opens it, so the whole
//! neighbourhood costs one pass of the table; the best swap is made until none improves.

use super::instance::Instance;
use rayon::prelude::*;

/// What a swap must improve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// The weighted sum of times (p-median).
    Cost,
    /// The weight within `threshold_ms` (maximal covering), ties by the weighted sum of times.
    Cover { threshold_ms: u32 },
}

/// Nearest and second-nearest open site of every demand node.
struct Nearest {
    d1: Vec<u32>,
    d2: Vec<u32>,
    /// Index in `open` of the nearest.
    c1: Vec<u32>,
}

impl Nearest {
    fn of(inst: &Instance, open: &[usize]) -> Nearest {
        let n = inst.demand.len();
        let mut near = Nearest {
            d1: vec![u32::MAX; n],
            d2: vec![u32::MAX; n],
            c1: vec![0; n],
        };
        for (k, &s) in open.iter().enumerate() {
            for (j, &t) in inst.row(s).iter().enumerate() {
                if t < near.d1[j] {
                    near.d2[j] = near.d1[j];
                    near.d1[j] = t;
                    near.c1[j] = k as u32;
                } else if t < near.d2[j] {
                    near.d2[j] = t;
                }
            }
        }
        near
    }
}

/// The change a swap makes: of the weighted sum of times, and of the weight covered.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Swap {
    site: usize,
    /// Index in `open` of the site closed.
    out: usize,
    cost: f64,
    covered: f64,
}

/// Improves `open` (the fixed sites and the free ones open; the fixed ones never move) by the
/// best swap of a free open site for a closed one, until no swap improves `goal` by more than
/// a relative 1e-12. Returns the number of swaps made.
pub fn interchange(inst: &Instance, open: &mut [usize], goal: Goal) -> usize {
    let threshold_ms = match goal {
        Goal::Cost => u32::MAX,
        Goal::Cover { threshold_ms } => threshold_ms,
    };
    let scale_cost = inst.evaluate(open, threshold_ms).cost.max(1.0);
    let scale_weight = inst.total_weight;
    let better = |s: &Swap| match goal {
        Goal::Cost => s.cost < -1e-12 * scale_cost,
        Goal::Cover { .. } => {
            s.covered > 1e-12 * scale_weight
                || (s.covered >= -1e-12 * scale_weight && s.cost < -1e-12 * scale_cost)
        }
    };
    let rank = |s: &Swap| match goal {
        Goal::Cost => (0.0, s.cost),
        Goal::Cover { .. } => (-s.covered, s.cost),
    };
    let mut is_open = vec![false; inst.site_count()];
    let mut swaps = 0;
    loop {
        is_open.iter_mut().for_each(|o| *o = false);
        open.iter().for_each(|&s| is_open[s] = true);
        let near = Nearest::of(inst, open);
        let candidates: Vec<usize> = inst.free().filter(|&s| !is_open[s]).collect();
        let best: Vec<Option<Swap>> = candidates
            .par_iter()
            .map_init(
                || (vec![0.0; open.len()], vec![0.0; open.len()]),
                |(loss, lost), &site| {
                    best_swap(inst, open, &near, site, threshold_ms, loss, lost, &rank)
                },
            )
            .collect();
        let mut chosen: Option<Swap> = None;
        for s in best.into_iter().flatten() {
            if better(&s) && chosen.is_none_or(|c| rank(&s) < rank(&c)) {
                chosen = Some(s);
            }
        }
        match chosen {
            Some(s) => {
                open[s.out] = s.site;
                swaps += 1;
            }
            None => return swaps,
        }
    }
}

/// The best swap that opens `site`, by `rank`, over the free open sites (Whitaker's pass).
#[allow(clippy::too_many_arguments)]
fn best_swap(
    inst: &Instance,
    open: &[usize],
    near: &Nearest,
    site: usize,
    threshold_ms: u32,
    loss: &mut [f64],
    lost: &mut [f64],
    rank: &impl Fn(&Swap) -> (f64, f64),
) -> Option<Swap> {
    loss.iter_mut().for_each(|l| *l = 0.0);
    lost.iter_mut().for_each(|l| *l = 0.0);
    let (mut gain, mut won) = (0.0, 0.0);
    for (j, &t) in inst.row(site).iter().enumerate() {
        let (d1, d2, w) = (near.d1[j], near.d2[j], inst.weight[j]);
        let c1 = near.c1[j] as usize;
        if t < d1 {
            gain += w * (f64::from(d1) - f64::from(t));
        } else {
            loss[c1] += w * (f64::from(t.min(d2)) - f64::from(d1));
        }
        if t <= threshold_ms {
            if d1 > threshold_ms {
                won += w;
            }
        } else if d1 <= threshold_ms && d2 > threshold_ms {
            lost[c1] += w;
        }
    }
    (0..open.len())
        .filter(|&k| open[k] >= inst.fixed)
        .map(|k| Swap {
            site,
            out: k,
            cost: loss[k] - gain,
            covered: won - lost[k],
        })
        .min_by(|a, b| rank(a).partial_cmp(&rank(b)).expect("finite changes"))
}

//! Bounds by Lagrangian relaxation of the assignment (p-median) or covering (maximal covering)
//! constraints, the multipliers tuned by subgradient optimisation (Held–Wolfe–Crowder steps,
//! Polyak's step length towards the best layout known).

use super::instance::Instance;
use rayon::prelude::*;

/// Subgradient iterations at most; the step factor halves after [`PATIENCE`] iterations
/// without a better bound and the search ends when it is below [`MIN_STEP`].
const MAX_ITERATIONS: usize = 1000;
const PATIENCE: usize = 25;
const MIN_STEP: f64 = 1e-4;

/// A bound and the layout of the relaxation where it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// For the p-median a lower bound of the weighted sum of times (weight × ms); for maximal
    /// covering an upper bound of the weight covered.
    pub value: f64,
    /// The open sites of the relaxation at the best multipliers (fixed ones first): a layout
    /// worth improving by local search.
    pub open: Vec<usize>,
    pub iterations: usize,
}

/// Maximises a concave dual function φ(λ) by subgradient steps from `lambda`. `dual` gives
/// φ, fills the subgradient and returns the relaxation's open sites; `target` is an upper bound
/// of φ (the best layout's value); `project` keeps λ ≥ 0.
fn maximise(
    mut lambda: Vec<f64>,
    target: f64,
    project: bool,
    mut dual: impl FnMut(&[f64], &mut [f64]) -> (f64, Vec<usize>),
) -> (f64, Vec<usize>, usize) {
    let mut grad = vec![0.0; lambda.len()];
    let mut best = (f64::NEG_INFINITY, Vec::new());
    let (mut step, mut stale, mut iterations) = (2.0, 0, 0);
    let closed = |phi: f64| target - phi <= 1e-12 * target.abs().max(1.0);
    while iterations < MAX_ITERATIONS && step >= MIN_STEP {
        iterations += 1;
        let (phi, open) = dual(&lambda, &mut grad);
        if phi > best.0 {
            best = (phi, open);
            stale = 0;
        } else {
            stale += 1;
            if stale >= PATIENCE {
                step /= 2.0;
                stale = 0;
            }
        }
        let norm: f64 = grad.iter().map(|g| g * g).sum();
        if closed(best.0) || norm == 0.0 {
            break;
        }
        let length = step * (target - phi).max(0.0) / norm;
        for (l, g) in lambda.iter_mut().zip(&grad) {
            *l += length * g;
            if project {
                *l = l.max(0.0);
            }
        }
    }
    (best.0, best.1, iterations)
}

/// The fixed sites and the `posts` free sites of least `score` (ties to the lowest index).
fn open_least(inst: &Instance, score: &[f64], posts: usize) -> Vec<usize> {
    let mut free: Vec<usize> = inst.free().collect();
    free.sort_by(|&a, &b| score[a].total_cmp(&score[b]).then(a.cmp(&b)));
    (0..inst.fixed)
        .chain(free.into_iter().take(posts))
        .collect()
}

/// A lower bound of the p-median's weighted sum of times with `posts` free sites open, given
/// the best known sum `best_cost`. Relaxing Σᵢ xᵢⱼ = 1 with λⱼ leaves
/// L(λ) = Σⱼ λⱼ + Σ_open ρᵢ, ρᵢ = Σⱼ min(0, wⱼ tᵢⱼ − λⱼ), the open sites being the fixed
/// ones and the `posts` free ones of least ρ.
pub fn median_bound(inst: &Instance, posts: usize, best_cost: f64, start: &[u32]) -> Bound {
    let lambda: Vec<f64> = start
        .iter()
        .zip(&inst.weight)
        .map(|(&t, &w)| w * f64::from(t))
        .collect();
    let sites = inst.site_count();
    let (value, open, iterations) = maximise(lambda, best_cost, false, |lambda, grad| {
        let rho: Vec<f64> = (0..sites)
            .into_par_iter()
            .map(|s| {
                inst.row(s)
                    .iter()
                    .zip(&inst.weight)
                    .zip(lambda)
                    .map(|((&t, &w), &l)| (w * f64::from(t) - l).min(0.0))
                    .sum()
            })
            .collect();
        let open = open_least(inst, &rho, posts);
        let phi = lambda.iter().sum::<f64>() + open.iter().map(|&s| rho[s]).sum::<f64>();
        grad.iter_mut().for_each(|g| *g = 1.0);
        for &s in &open {
            for ((g, (&t, &w)), &l) in grad
                .iter_mut()
                .zip(inst.row(s).iter().zip(&inst.weight))
                .zip(lambda)
            {
                if w * f64::from(t) < l {
                    *g -= 1.0;
                }
            }
        }
        (phi, open)
    });
    Bound {
        value,
        open,
        iterations,
    }
}

/// An upper bound of the weight within `threshold_ms` of `posts` free sites and the fixed ones,
/// given the best known covered weight `best_covered`. The demand the fixed sites cover counts
/// whole; relaxing zⱼ ≤ Σ_{i covers j} yᵢ for the rest with λⱼ ≥ 0 leaves
/// U(λ) = Σⱼ max(0, wⱼ − λⱼ) + Σ_open σᵢ, σᵢ = Σ_{i covers j} λⱼ, the open sites being the
/// `posts` free ones of largest σ. Starts at λ = w, where U is the sum of the `posts` largest
/// single-site covers.
pub fn cover_bound(inst: &Instance, posts: usize, threshold_ms: u32, best_covered: f64) -> Bound {
    let fixed: Vec<usize> = (0..inst.fixed).collect();
    let by_fixed = inst.nearest_ms(&fixed);
    let rest: Vec<usize> = (0..inst.demand.len())
        .filter(|&j| by_fixed[j] > threshold_ms)
        .collect();
    let fixed_covered: f64 = (0..inst.demand.len())
        .filter(|&j| by_fixed[j] <= threshold_ms)
        .map(|j| inst.weight[j])
        .sum();
    let lambda: Vec<f64> = rest.iter().map(|&j| inst.weight[j]).collect();
    let sites = inst.site_count();
    let (value, open, iterations) = maximise(
        lambda,
        -(best_covered - fixed_covered),
        true,
        |lambda, grad| {
            // Minus the score: open_least opens the largest σ.
            let minus_sigma: Vec<f64> = (0..sites)
                .into_par_iter()
                .map(|s| {
                    let row = inst.row(s);
                    -rest
                        .iter()
                        .zip(lambda)
                        .filter(|&(&j, _)| row[j] <= threshold_ms)
                        .map(|(_, &l)| l)
                        .sum::<f64>()
                })
                .collect();
            let open = open_least(inst, &minus_sigma, posts);
            let mut upper = 0.0;
            for (k, (&j, &l)) in rest.iter().zip(lambda).enumerate() {
                let w = inst.weight[j];
                let z = if w > l { 1.0 } else { 0.0 };
                upper += (w - l).max(0.0);
                grad[k] = z;
            }
            for &s in open.iter().skip(inst.fixed) {
                upper -= minus_sigma[s];
                let row = inst.row(s);
                for (g, &j) in grad.iter_mut().zip(&rest) {
                    if row[j] <= threshold_ms {
                        *g -= 1.0;
                    }
                }
            }
            (-upper, open)
        },
    );
    Bound {
        value: fixed_covered - value,
        open,
        iterations,
    }
}

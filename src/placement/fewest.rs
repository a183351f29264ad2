//! The fewest posts so that a share of the calls is within the threshold (`place --min-posts`):
//! a search over the number of posts, each count solved as a maximal covering, and a proof
//! from the covering's upper bound with one post fewer.

use super::{Instance, Objective, Solution, solve};

/// The fewest new posts found that cover the share, and how sure that is.
#[derive(Debug, Clone, PartialEq)]
pub struct Fewest {
    /// New posts (beside the fixed ones).
    pub posts: usize,
    /// The covering layout with that many (for no new posts: the fixed ones, its bound their
    /// own share).
    pub solution: Solution,
    /// An upper bound of the share any layout with one post fewer covers; none when no
    /// new post is needed.
    pub bound_one_fewer: Option<f64>,
}

impl Fewest {
    /// Whether no layout with one post fewer can cover `share`: the count is the least.
    pub fn proven_fewest(&self, share: f64) -> bool {
        self.bound_one_fewer.is_none_or(|b| b < share)
    }
}

/// Searches the fewest new posts, at most `max_posts`, whose covering layout has at least
/// `share` of the calls within `threshold_ms`: counts 1, 2, 4, … until one covers, then the
/// halving search between the last that did not and the first that did. Each count is solved
/// by [`solve`] for cover, which is not guaranteed optimal, so the count is the least *found*;
/// it is proven least when the upper bound with one post fewer is below `share`. When even
/// `max_posts` do not cover it, the error is the best share found.
pub fn fewest_posts(
    inst: &Instance,
    share: f64,
    threshold_ms: u32,
    max_posts: usize,
) -> Result<Fewest, f64> {
    let covers = |s: &Solution| s.value >= share;
    let solved = |posts: usize| solve(inst, Objective::Cover, posts, threshold_ms);
    let kept = Solution::of_fixed(inst, threshold_ms);
    if inst.fixed > 0 && covers(&kept) {
        return Ok(Fewest {
            posts: 0,
            solution: kept,
            bound_one_fewer: None,
        });
    }
    // `low` posts are known not to cover (with that count's solution, when solved), `high`
    // posts to cover.
    let (mut low, mut low_solution) = (0, (inst.fixed > 0).then_some(kept));
    let mut high = 1.min(max_posts);
    let mut high_solution = loop {
        let s = solved(high);
        if covers(&s) {
            break s;
        }
        if high == max_posts {
            return Err(s.value);
        }
        (low, low_solution) = (high, Some(s));
        high = (high * 2).min(max_posts);
    };
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        let s = solved(mid);
        if covers(&s) {
            (high, high_solution) = (mid, s);
        } else {
            (low, low_solution) = (mid, Some(s));
        }
    }
    // Here `low` is `high` − 1; with no solution, no post and no fixed one cover nothing.
    let bound_one_fewer = Some(low_solution.map_or(0.0, |s| s.bound));
    Ok(Fewest {
        posts: high,
        solution: high_solution,
        bound_one_fewer,
    })
}

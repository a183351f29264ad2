//! Confidence intervals across replications: the mean and a 95 % Student t interval.

use serde::Serialize;

/// The mean of values from independent replications and its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanCi {
    /// Replications the figure was measured in.
    pub n: usize,
    pub mean: f64,
    /// Lower end of the 95 % interval (Student t, n − 1 degrees of freedom); none when n < 2.
    pub low: Option<f64>,
    /// Upper end of the 95 % interval; none when n < 2.
    pub high: Option<f64>,
}

impl MeanCi {
    /// Mean and 95 % interval of `values`; none for no values.
    pub fn of(values: &[f64]) -> Option<MeanCi> {
        let n = values.len();
        let mean = crate::results::mean(values)?;
        if n < 2 {
            return Some(MeanCi {
                n,
                mean,
                low: None,
                high: None,
            });
        }
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half = t_quantile(0.975, (n - 1) as f64) * (var / n as f64).sqrt();
        Some(MeanCi {
            n,
            mean,
            low: Some(mean - half),
            high: Some(mean + half),
        })
    }
}

/// The `p` quantile (0.5 < p < 1) of Student's t distribution with `df` degrees of freedom,
/// by bisection on the distribution function.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    assert!(p > 0.5 && p < 1.0 && df > 0.0, "t_quantile({p}, {df})");
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while t_cdf(hi, df) < p {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// P(T ≤ t) for t ≥ 0: 1 − ½ I_x(df/2, ½) with x = df / (df + t²).
fn t_cdf(t: f64, df: f64) -> f64 {
    1.0 - 0.5 * incomplete_beta(df / (df + t * t), 0.5 * df, 0.5)
}

/// The regularised incomplete beta function I_x(a, b), by its continued fraction (modified
/// Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where that converges faster.
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    d = 1.0 / if d.abs() < TINY { TINY } else { d };
    let mut h = d;
    for m in 1..500 {
        let m = f64::from(m);
        for num in [
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + num * d;
            d = 1.0 / if d.abs() < TINY { TINY } else { d };
            c = 1.0 + num / c;
            if c.abs() < TINY {
                c = TINY;
            }
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum = G[1..]
        .iter()
        .enumerate()
        .fold(G[0], |s, (i, g)| s + g / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // Two-sided 95 %: t(0.975, df) from any statistics table.
        for (df, t) in [
            (1.0, 12.7062),
            (2.0, 4.3027),
            (4.0, 2.7764),
            (9.0, 2.2622),
            (29.0, 2.0452),
            (120.0, 1.9799),
        ] {
            assert!((t_quantile(0.975, df) - t).abs() < 1e-4, "df {df}");
        }
        assert!((t_quantile(0.95, 10.0) - 1.8125).abs() < 1e-4);
    }

    #[test]
    fn interval_of_known_values() {
        // Mean 3, sd sqrt(2.5), n 5: half-width 2.7764 * sqrt(2.5 / 5).
        let ci = MeanCi::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        let half = 2.776_445 * 0.5_f64.sqrt();
        assert_eq!((ci.n, ci.mean), (5, 3.0));
        assert!((ci.low.unwrap() - (3.0 - half)).abs() < 1e-5);
        assert!((ci.high.unwrap() - (3.0 + half)).abs() < 1e-5);
        let one = MeanCi::of(&[0.7]).unwrap();
        assert_eq!((one.mean, one.low, one.high), (0.7, None, None));
        assert_eq!(MeanCi::of(&[]), None);
    }
}

//! Confidence intervals across replications: the mean and a 95 % Student t interval.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

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

/// The `p` quantile (0.5 < p < 1) of Student's t distribution with `df` degrees of freedom.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    assert!(p > 0.5 && p < 1.0 && df > 0.0, "t_quantile({p}, {df})");
    StudentsT::new(0.0, 1.0, df)
        .expect("df > 0 is a valid Student t")
        .inverse_cdf(p)
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

//! Calibration: a scenario's demand fitted to a history.
//!
//! - Call rate by hour of the day: the mean count per local clock hour over the observed days
//!   (first to last call's date, days without calls included): the maximum-likelihood rate of
//!   a Poisson count per hour and day. Goodness of fit per hour: the Poisson dispersion test,
//!   chi² = Σ_days (n − mean)² / mean with days − 1 degrees of freedom, its p-value (upper tail)
//!   and the dispersion index chi² / (days − 1) (1 for Poisson counts; above 1 means the rate
//!   varies from day to day beyond what a fixed hourly profile allows).
//! - Call rate by weekday and hour, zone shares of calls, type shares.
//! - On-scene times per type: log-normal fit by maximum likelihood (μ, σ of ln minutes),
//!   written as the mean and standard deviation the scenario takes.
//!
//! The fragment is TOML that a scenario accepts in place of its `[demand]` and
//! `[[incident_types]]`; the chart shows observed against fitted hourly rates.

use super::{CallHistory, HistoryError, HistorySpec, import_history};
use crate::atomic_file;
use crate::map::RoadMap;
use crate::report::{self, Drawing, Lang, Style, chart_err};
use crate::scenario::MAX_DAYS;
use chrono::{Datelike, NaiveDate, Timelike};
use plotters::coord::Shift;
use plotters::prelude::*;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use std::fmt::Write as _;
use std::path::Path;

/// Goodness of fit of the Poisson model for one hour of the day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HourFit {
    /// Fitted rate: mean calls in this hour per day.
    pub mean: f64,
    /// Sample variance of the daily counts in this hour.
    pub variance: f64,
    /// Σ (n − mean)² / mean over the days.
    pub chi_square: f64,
    /// Degrees of freedom: days − 1.
    pub df: f64,
    /// Upper tail of chi²(df) at `chi_square`.
    pub p_value: f64,
}

impl HourFit {
    /// chi² / df: about 1 for Poisson counts.
    pub fn dispersion(&self) -> f64 {
        self.chi_square / self.df
    }
}

/// Log-normal fit of one type's on-scene times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnSceneFit {
    /// Records with an on-scene time > 0 that were fitted.
    pub n: usize,
    /// Mean and standard deviation of ln(minutes) (maximum likelihood).
    pub mu: f64,
    pub sigma: f64,
}

impl OnSceneFit {
    /// Mean of the fitted log-normal, minutes.
    pub fn mean_min(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }

    /// Standard deviation of the fitted log-normal, minutes.
    pub fn sd_min(&self) -> f64 {
        self.mean_min() * (self.sigma * self.sigma).exp_m1().sqrt()
    }
}

/// One incident type of a history.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeFit {
    pub name: String,
    pub calls: usize,
    pub share: f64,
    pub on_scene: Option<OnSceneFit>,
}

/// What a history says about demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub file: String,
    pub time_zone: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Days observed, first to last date inclusive.
    pub days: usize,
    pub calls: usize,
    pub bad_rows: usize,
    /// Per hour of the day (local): fitted rate and goodness of fit.
    pub hours: Vec<HourFit>,
    /// Calls per hour by weekday (Monday first) and hour.
    pub weekday_hourly: [[f64; 24]; 7],
    /// Share of the calls in each zone of the map (zone name, share).
    pub zone_shares: Vec<(String, f64)>,
    pub types: Vec<TypeFit>,
}

impl Calibration {
    /// Fits `history` (whose calls are on `map`).
    pub fn of(history: &CallHistory, map: &RoadMap) -> Calibration {
        let calls = &history.calls;
        let first_day = calls.iter().map(|c| c.local.date()).min().expect("calls");
        let last_day = calls.iter().map(|c| c.local.date()).max().expect("calls");
        let days = (last_day - first_day).num_days() as usize + 1;
        let mut counts = vec![[0u32; 24]; days];
        let mut zones = vec![0usize; map.zones.len()];
        let mut types = vec![0usize; history.type_names.len()];
        let mut log_minutes = vec![Vec::new(); history.type_names.len()];
        for c in calls {
            let day = (c.local.date() - first_day).num_days() as usize;
            counts[day][c.local.hour() as usize] += 1;
            zones[map.node(c.node).zone as usize] += 1;
            types[usize::from(c.incident_type)] += 1;
            if let Some(s) = c.on_scene_s.filter(|&s| s > 0.0) {
                log_minutes[usize::from(c.incident_type)].push((s / 60.0).ln());
            }
        }
        let hours = (0..24)
            .map(|h| hour_fit(counts.iter().map(|d| f64::from(d[h]))))
            .collect();
        let mut weekday_hourly = [[0.0; 24]; 7];
        let mut weekdays = [0.0f64; 7];
        for (d, day) in counts.iter().enumerate() {
            let w = (first_day + chrono::Days::new(d as u64))
                .weekday()
                .num_days_from_monday() as usize;
            weekdays[w] += 1.0;
            for h in 0..24 {
                weekday_hourly[w][h] += f64::from(day[h]);
            }
        }
        for (row, n) in weekday_hourly.iter_mut().zip(weekdays) {
            row.iter_mut().for_each(|x| *x /= n.max(1.0));
        }
        let total = calls.len() as f64;
        Calibration {
            file: history.file.clone(),
            time_zone: history.time_zone.to_string(),
            first_day,
            last_day,
            days,
            calls: calls.len(),
            bad_rows: history.report.bad.len(),
            hours,
            weekday_hourly,
            zone_shares: map
                .zones
                .iter()
                .zip(zones)
                .map(|(z, n)| (z.name.clone(), n as f64 / total))
                .collect(),
            types: history
                .type_names
                .iter()
                .zip(types)
                .zip(log_minutes)
                .map(|((name, n), logs)| TypeFit {
                    name: name.clone(),
                    calls: n,
                    share: n as f64 / total,
                    on_scene: lognormal_fit(&logs),
                })
                .collect(),
        }
    }

    /// The fitted calls per hour for each hour of the day.
    pub fn hourly_profile(&self) -> Vec<f64> {
        self.hours.iter().map(|h| h.mean).collect()
    }

    /// The scenario fragment: `[demand]` and `[[incident_types]]`, with the fit in comments.
    pub fn fragment_toml(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "# Demand calibrated by patrolsim from {}:\n# {} calls on {} days ({} to {}, hours in \
             {}); {} bad rows skipped.\n# Paste in place of a scenario's [demand] and \
             [[incident_types]].\n#\n# Goodness of fit per hour of the day (Poisson count per \
             hour and day): chi2 = sum over days\n# of (n - mean)^2 / mean, df = days - 1, p = \
             upper tail of chi2(df); dispersion = chi2 / df\n# (1 for Poisson counts).\n# hour  \
             calls/h   variance  dispersion  p-value",
            self.file,
            self.calls,
            self.days,
            self.first_day,
            self.last_day,
            self.time_zone,
            self.bad_rows
        );
        for (h, f) in self.hours.iter().enumerate() {
            let _ = writeln!(
                t,
                "# {h:4}  {:8.4}  {:8.4}  {:10.3}  {:7.4}",
                f.mean,
                f.variance,
                f.dispersion(),
                f.p_value
            );
        }
        let _ = writeln!(
            t,
            "#\n# Calls per hour by weekday (hours 0 to 23); the scenario's profile is one day:"
        );
        for (name, row) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            .iter()
            .zip(&self.weekday_hourly)
        {
            let _ = writeln!(t, "# {name}: {}", list(row, 3));
        }
        let _ = writeln!(t, "#\n# Share of calls by zone of the map:");
        for (zone, share) in &self.zone_shares {
            let _ = writeln!(t, "#   {zone}: {share:.4}");
        }
        let _ = writeln!(
            t,
            "\n[demand]\nhourly_profile = [{}]\n",
            list(&self.hourly_profile(), 6)
        );
        for ty in &self.types {
            let _ = writeln!(
                t,
                "[[incident_types]]\nname = {}\npriority = 1  # not in the history: set it\n\
                 share = {:.9}  # {} calls\nunits_needed = 1  # not in the history: set it",
                toml::Value::String(ty.name.clone()),
                ty.share,
                ty.calls
            );
            let _ = match ty.on_scene {
                Some(f) => writeln!(
                    t,
                    "on_scene = {{ distribution = \"lognormal\", mean_min = {:.4}, sd_min = {:.4} \
                     }}  # ML fit of {} records: ln(minutes) mean {:.4}, sd {:.4}\n",
                    f.mean_min(),
                    f.sd_min(),
                    f.n,
                    f.mu,
                    f.sigma
                ),
                None => writeln!(
                    t,
                    "on_scene = {{ distribution = \"exponential\", mean_min = 30.0 }}  # no \
                     on-scene times in the history: set it\n"
                ),
            };
        }
        t
    }

    /// A few lines for the console.
    pub fn text(&self) -> String {
        let busiest = self.hours.iter().map(|h| h.mean).fold(0.0, f64::max);
        let over = self.hours.iter().filter(|h| h.p_value < 0.05).count();
        format!(
            "{} calls on {} days ({} to {}, {}): {:.2} calls/day, busiest hour {:.3} calls/h; \
             {} of 24 hours over-dispersed at p < 0.05\n",
            self.calls,
            self.days,
            self.first_day,
            self.last_day,
            self.time_zone,
            self.calls as f64 / self.days as f64,
            busiest,
            over
        )
    }

    /// Writes `demand.toml` (the fragment) and `hourly-profile.png` / `.svg` into `dir`.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        atomic_file::write_str(&dir.join("demand.toml"), &self.fragment_toml())?;
        let style = report::style(Lang::En)?;
        report::render(
            &HourlyProfile(self),
            "hourly-profile",
            report::CHART_SIZE,
            style,
            dir,
        )?;
        Ok(())
    }
}

/// The observed vs fitted hourly profile, as a report chart.
struct HourlyProfile<'a>(&'a Calibration);

impl Drawing for HourlyProfile<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        _style: Style,
    ) -> anyhow::Result<()> {
        draw_hourly(area, self.0)
    }
}

/// Reads `csv` through `spec` (named `spec_file` in errors), fits it on `map` and writes the
/// fragment and chart into `dir`. Returns the fit and the import's report text.
pub fn calibrate(
    csv: &Path,
    spec: &HistorySpec,
    spec_file: &str,
    map: &RoadMap,
    dir: &Path,
) -> anyhow::Result<(Calibration, String)> {
    let history = import_history(csv, spec, spec_file, "", map, None)?;
    refuse_long_span(&history)?;
    let calibration = Calibration::of(&history, map);
    calibration.write(dir)?;
    Ok((calibration, history.report.text(&history.file)))
}

/// Refuses a history whose calls span more than [`MAX_DAYS`] (100 years): the fit counts calls
/// by day and hour over the whole span, so two rows dated 200,000 years apart would fill the
/// memory; such dates are typos.
fn refuse_long_span(history: &CallHistory) -> Result<(), HistoryError> {
    let dates = history.calls.iter().map(|c| c.local.date());
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return Ok(());
    };
    let days = (last - first).num_days();
    if days as f64 > MAX_DAYS {
        return Err(HistoryError::Invalid {
            file: history.file.clone(),
            key: "dates".into(),
            value: format!("{first} to {last}"),
            rule: format!(
                "the calls span {days} days, at most 36500 (100 years): look for a mistyped year"
            ),
        });
    }
    Ok(())
}

/// Values as a TOML list with `decimals` places.
fn list(values: &[f64], decimals: usize) -> String {
    values
        .iter()
        .map(|v| format!("{v:.decimals$}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Poisson dispersion test of one hour's daily counts.
fn hour_fit(counts: impl Iterator<Item = f64> + Clone) -> HourFit {
    let n = counts.clone().count() as f64;
    let mean = counts.clone().sum::<f64>() / n;
    let ss: f64 = counts.map(|x| (x - mean).powi(2)).sum();
    let df = (n - 1.0).max(1.0);
    let chi_square = if mean > 0.0 { ss / mean } else { 0.0 };
    HourFit {
        mean,
        variance: ss / df,
        chi_square,
        df,
        p_value: chi_square_upper_tail(chi_square, df),
    }
}

/// Maximum-likelihood log-normal fit of the logs of on-scene minutes; none without records.
fn lognormal_fit(logs: &[f64]) -> Option<OnSceneFit> {
    if logs.is_empty() {
        return None;
    }
    let n = logs.len() as f64;
    let mu = logs.iter().sum::<f64>() / n;
    let sigma = (logs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / n).sqrt();
    Some(OnSceneFit {
        n: logs.len(),
        mu,
        sigma,
    })
}

/// P(X > x) for X ~ chi²(df), df > 0.
pub fn chi_square_upper_tail(x: f64, df: f64) -> f64 {
    ChiSquared::new(df)
        .expect("df > 0 is a valid chi-square")
        .sf(x)
}

/// Observed calls per hour (mean of the daily counts, with its 95 % interval from the counts'
/// own spread) against the fitted Poisson profile (the rate, with the 95 % interval a Poisson
/// count would give).
fn draw_hourly<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Calibration,
) -> anyhow::Result<()> {
    root.fill(&WHITE).map_err(chart_err)?;
    let days = c.days as f64;
    let observed: Vec<(f64, f64, f64)> = c
        .hours
        .iter()
        .map(|h| {
            let half = 1.96 * (h.variance / days).sqrt();
            (h.mean, h.mean - half, h.mean + half)
        })
        .collect();
    let y_max = observed.iter().map(|o| o.2).fold(0.0, f64::max).max(1e-9) * 1.15;
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "Calls per hour by hour of day: {} calls, {} days ({})",
                c.calls, c.days, c.time_zone
            ),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..24.0, 0.0..y_max)
        .map_err(chart_err)?;
    chart
        .configure_mesh()
        .x_desc("hour of day (local)")
        .y_desc("calls per hour")
        .x_labels(13)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(chart_err)?;
    let fitted = RGBColor(31, 119, 180);
    let band: Vec<(f64, f64)> = c
        .hours
        .iter()
        .enumerate()
        .flat_map(|(h, f)| {
            let half = 1.96 * (f.mean / days).sqrt();
            [(h as f64, f.mean + half), (h as f64 + 1.0, f.mean + half)]
        })
        .chain(c.hours.iter().enumerate().rev().flat_map(|(h, f)| {
            let half = 1.96 * (f.mean / days).sqrt();
            [(h as f64 + 1.0, f.mean - half), (h as f64, f.mean - half)]
        }))
        .collect();
    chart
        .draw_series(std::iter::once(Polygon::new(band, fitted.mix(0.2))))
        .map_err(chart_err)?
        .label("fitted: Poisson 95 % interval")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], fitted.mix(0.2)));
    let steps: Vec<(f64, f64)> = c
        .hours
        .iter()
        .enumerate()
        .flat_map(|(h, f)| [(h as f64, f.mean), (h as f64 + 1.0, f.mean)])
        .collect();
    chart
        .draw_series(LineSeries::new(steps, fitted.stroke_width(2)))
        .map_err(chart_err)?
        .label("fitted hourly rate")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], fitted.stroke_width(2)));
    let seen = RGBColor(214, 39, 40);
    chart
        .draw_series(observed.iter().enumerate().map(|(h, &(_, lo, hi))| {
            let x = h as f64 + 0.5;
            PathElement::new([(x, lo.max(0.0)), (x, hi)], seen.stroke_width(1))
        }))
        .map_err(chart_err)?;
    chart
        .draw_series(
            observed
                .iter()
                .enumerate()
                .map(|(h, &(m, ..))| Circle::new((h as f64 + 0.5, m), 4, seen.filled())),
        )
        .map_err(chart_err)?
        .label("observed: mean of daily counts, 95 % interval")
        .legend(move |(x, y)| Circle::new((x + 8, y), 4, seen.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(chart_err)?;
    root.present().map_err(chart_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_tail_matches_tables() {
        // Closed form for 2 degrees of freedom: exp(-x/2).
        for x in [0.5, 2.0, 7.0, 30.0] {
            assert!((chi_square_upper_tail(x, 2.0) - (-x / 2.0).exp()).abs() < 1e-12);
        }
        // Table values: 95th percentiles of chi² with 1, 10 and 100 degrees of freedom.
        assert!((chi_square_upper_tail(3.841_459, 1.0) - 0.05).abs() < 1e-6);
        assert!((chi_square_upper_tail(18.307_038, 10.0) - 0.05).abs() < 1e-6);
        assert!((chi_square_upper_tail(124.342_113, 100.0) - 0.05).abs() < 1e-6);
    }

    #[test]
    fn lognormal_fit_by_hand() {
        // ln minutes 1, 2, 3: mu 2, sigma sqrt(2/3).
        let f = lognormal_fit(&[1.0, 2.0, 3.0]).unwrap();
        assert!((f.mu - 2.0).abs() < 1e-12);
        assert!((f.sigma - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((f.mean_min() - (2.0 + 1.0 / 3.0f64).exp()).abs() < 1e-9);
    }

    #[test]
    fn poisson_dispersion_by_hand() {
        // Counts 1, 3 over two days: mean 2, chi² = (1 + 1) / 2 = 1, df 1.
        let f = hour_fit([1.0, 3.0].into_iter());
        assert_eq!(
            (f.mean, f.chi_square, f.df, f.variance),
            (2.0, 1.0, 1.0, 2.0)
        );
        assert!((f.p_value - 0.317_310_5).abs() < 1e-6);
    }
}

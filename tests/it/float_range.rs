//! Numeric keys across the whole float range (issue 22's property test, exhaustive): every numeric key of the tiny grid scenario set to
//! values from the edges of `f64` (zero, negative zero, the smallest subnormal, tiny, huge, the
//! largest finite, infinities, NaN, negative) and to large whole numbers. Each value is either
//! refused by the scenario check with a `ScenarioError` or accepted, and an accepted scenario
//! plays without a panic (six simulated hours of it, to keep the test short). `check` and `run`
//! read a scenario through the same `Scenario::load`, so this is also `check` and `run` agreeing.
//! The grid's `n` is among them: its memory is estimated before the map is made.

use patrolsim::scenario::Scenario;
use patrolsim::sim::Model;
use std::path::Path;

const TINY: &str = include_str!("../data/tiny-grid.toml");

/// The numeric lines of the tiny grid, each with its value left out.
const FLOAT_KEYS: [&str; 13] = [
    "days = ",
    "warmup_hours = ",
    "spacing_m = ",
    "speed_kmh = ",
    "emergency_speed_factor = ",
    "delay_s = ",
    "calls_per_hour = ",
    "share = ",
    "mean_min = ",
    "sd_min = ",
    "start_h = ",
    "hours = ",
    "extra_calls_per_hour = ",
];

/// Values from the edges of the float range, as TOML writes them.
const FLOATS: [&str; 16] = [
    "0.0",
    "-0.0",
    "5e-324",
    "1e-300",
    "1e-9",
    "-1.0",
    "0.5",
    "23.999",
    "24.0",
    "86400.0",
    "1e9",
    "1e308",
    "1.7976931348623157e308",
    "inf",
    "-inf",
    "nan",
];

/// Whole-number keys and values (too large for their type is a TOML error).
const INT_KEYS: [&str; 6] = [
    "replications = ",
    "units_needed = ",
    "per_post = ",
    "crew_size = ",
    "posts_per_side = ",
    "n = ",
];
const INTS: [&str; 7] = ["0", "1", "3", "400", "401", "4294967295", "4294967296"];

/// The tiny grid with the value of the first line starting with `key` replaced by `value`; a
/// `start_h` is written in a large event.
fn with_value(key: &str, value: &str) -> String {
    let text = TINY.replace(
        "[units_per_post]",
        "[[large_events]]\nname = \"fair\"\nvenue = \"P0\"\nstart_h = 5\nhours = 4\n\
         extra_calls_per_hour = 2\n\n[units_per_post]",
    );
    let start = text
        .find(&format!("\n{key}"))
        .or_else(|| text.find(&format!(" {key}")))
        .unwrap_or_else(|| panic!("test bug: no {key:?}"))
        + 1
        + key.len();
    let end = start + text[start..].find(['\n', ',', ' ']).unwrap();
    format!("{}{value}{}", &text[..start], &text[end..])
}

/// Compiles `text`; if accepted, plays six simulated hours of replication 0. Fails on a panic.
fn accepted_or_refused(text: &str) {
    let played = std::panic::catch_unwind(|| {
        if let Ok(mut scenario) = Scenario::from_toml(text, "f.toml", Path::new(".")) {
            scenario.horizon_s = scenario.horizon_s.min(scenario.warmup_s + 6.0 * 3600.0);
            Model::new(scenario).run(0);
        }
    });
    assert!(played.is_ok(), "panicked on\n{text}");
}

/// Every key with every value: 250 scenarios.
#[test]
fn every_key_and_edge_value() {
    for key in FLOAT_KEYS {
        for value in FLOATS {
            accepted_or_refused(&with_value(key, value));
        }
    }
    for key in INT_KEYS {
        for value in INTS {
            accepted_or_refused(&with_value(key, value));
        }
    }
}

//! Any text as a scenario file: `Scenario::from_toml` returns a scenario or a `ScenarioError`,
//! never panics. Map files it names are looked up in an empty folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = patrolsim::scenario::Scenario::from_toml(text, "fuzz.toml", &std::env::temp_dir());
    }
});

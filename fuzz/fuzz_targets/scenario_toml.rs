//! Any text as a scenario file: `Scenario::from_toml` returns a scenario or a `ScenarioError`,
//! never panics. Map files it names are looked up in an empty folder. The memory limit the
//! scenario's estimate is checked against is 512 MiB (not the machine's), so that what the
//! estimate accepts fits under libFuzzer's 2 GB `-rss_limit_mb` with the sanitizer's overhead:
//! a run out of memory there is a scenario the estimate let through.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    patrolsim::memory::set_max_memory(512 << 20);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = patrolsim::scenario::Scenario::from_toml(text, "fuzz.toml", &std::env::temp_dir());
    }
});

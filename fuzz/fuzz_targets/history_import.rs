//! Any bytes as a call history: written to a file and read by `import_history` with the default
//! columns onto a fixed 5 × 5 grid with a geographic origin (so lat/lon, x/y and node columns all
//! apply), which returns a history or an error, never panics. The first byte's low bit chooses
//! `strict`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patrolsim::history::{HistorySpec, import_history};
use patrolsim::map::{GeoOrigin, GridSpec, RoadMap, grid_map};
use std::sync::OnceLock;

fn map() -> &'static RoadMap {
    static MAP: OnceLock<RoadMap> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = grid_map(&GridSpec {
            n: 5,
            posts_per_side: 1,
            spacing_m: 400.0,
            speed_kmh: 36.0,
        });
        map.origin = Some(GeoOrigin {
            lat_deg: 47.6,
            lon_deg: -122.3,
        });
        map
    })
}

fuzz_target!(|data: &[u8]| {
    let path =
        std::env::temp_dir().join(format!("patrolsim-fuzz-history-{}.csv", std::process::id()));
    std::fs::write(&path, data).unwrap();
    let spec = HistorySpec {
        strict: data.first().is_some_and(|b| b & 1 == 1),
        ..HistorySpec::default()
    };
    let _ = import_history(&path, &spec, "fuzz", "", map(), None);
});

//! Replays the inputs kept from fuzzing (`tests/data/fuzz-regressions/<target>/`) through the
//! same readers as the cargo-fuzz targets in `fuzz/`: each must give a value or an error, never
//! a panic. Fuzzing commands: docs/fuzzing.md.

use patrolsim::history::{HistorySpec, import_history};
use patrolsim::map::osm::{OsmOptions, import_osm_bytes};
use patrolsim::map::{CsvMapSpec, GeoOrigin, GridSpec, grid_map, read_csv_map};
use patrolsim::scenario::Scenario;
use std::path::{Path, PathBuf};

/// The kept inputs of `target`, by file name.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz-regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn scenario_inputs_do_not_panic() {
    for (path, bytes) in inputs("scenario_toml") {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let dir = tempfile::tempdir().unwrap();
            let result = Scenario::from_toml(text, "fuzz.toml", dir.path());
            eprintln!(
                "{}: {}",
                path.display(),
                result.err().map_or("ok".into(), |e| e.to_string())
            );
        }
    }
}

#[test]
fn csv_map_inputs_do_not_panic() {
    for (path, bytes) in inputs("csv_map") {
        let dir = tempfile::tempdir().unwrap();
        let mut parts = bytes.splitn(3, |&b| b == 0);
        for name in ["nodes.csv", "edges.csv", "posts.csv"] {
            std::fs::write(dir.path().join(name), parts.next().unwrap_or_default()).unwrap();
        }
        let spec = CsvMapSpec {
            name: None,
            nodes: "nodes.csv".into(),
            edges: "edges.csv".into(),
            posts: Some("posts.csv".into()),
            key_points: None,
            checkpoints: None,
            population: 1000,
            max_snap_m: 250.0,
            attribution: None,
        };
        let result = read_csv_map(&spec, dir.path());
        eprintln!(
            "{}: {}",
            path.display(),
            result.err().map_or("ok".into(), |e| e.to_string())
        );
    }
}

#[test]
fn osm_inputs_do_not_panic() {
    for (path, bytes) in inputs("osm_import") {
        let result = import_osm_bytes(&bytes, "fuzz", "fuzz.osm", &OsmOptions::default())
            .map(|import| import.map.validate());
        eprintln!(
            "{}: {}",
            path.display(),
            result.err().map_or("ok".into(), |e| e.to_string())
        );
    }
}

#[test]
fn history_inputs_do_not_panic() {
    // The fuzz target's map: a 5 × 5 grid with a geographic origin.
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
    for (path, bytes) in inputs("history_import") {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("history.csv");
        std::fs::write(&csv, &bytes).unwrap();
        // Both ways, whatever the first byte chooses in the fuzz target.
        for strict in [false, true] {
            let spec = HistorySpec {
                strict,
                ..HistorySpec::default()
            };
            let result = import_history(&csv, &spec, "fuzz", "", &map, None);
            eprintln!(
                "{} (strict {strict}): {}",
                path.display(),
                result.map_or_else(|e| e.to_string(), |h| h.report.text(&h.file))
            );
        }
    }
}

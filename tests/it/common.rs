//! Helpers shared by the end-to-end tests: running the binary, checking bad-input failures, the
//! test data, and comparing sweep tables byte for byte.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `patrolsim` binary with `args` in `cwd`.
pub fn patrolsim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patrolsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// Checks that `out` is a bad-input failure: exit code 2, no panic, and one line of stderr
/// containing each of `expect`.
pub fn assert_bad_input(out: &Output, expect: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    for e in expect {
        assert!(stderr.contains(e), "expected {e:?} in: {stderr}");
    }
}

/// A file of `tests/data`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A file of `maps/`: the OpenStreetMap extracts (© OpenStreetMap contributors, ODbL 1.0; see
/// `tests/data/PROVENANCE.md`).
pub fn map_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("maps")
        .join(name)
}

/// The files a finished sweep (or merge) writes.
pub const SWEEP_TABLES: [&str; 5] = [
    "replications.parquet",
    "replications.csv",
    "points.parquet",
    "points.csv",
    "experiment.toml",
];

/// Checks that the sweep tables in `a` and `b` are byte-identical.
pub fn assert_same_tables(a: &Path, b: &Path) {
    for name in SWEEP_TABLES {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        assert!(
            x == y,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

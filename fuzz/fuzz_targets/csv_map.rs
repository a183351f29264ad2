//! Any bytes as a CSV map: split at the first two NUL bytes into the node, edge and post tables,
//! written to files and read by `read_csv_map`, which returns a map or an error, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patrolsim::map::{CsvMapSpec, read_csv_map};
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("patrolsim-fuzz-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut parts = data.splitn(3, |&b| b == 0);
    let names = ["nodes.csv", "edges.csv", "posts.csv"];
    for name in names {
        std::fs::write(dir.join(name), parts.next().unwrap_or_default()).unwrap();
    }
    let spec = CsvMapSpec {
        name: None,
        nodes: PathBuf::from(names[0]),
        edges: PathBuf::from(names[1]),
        posts: Some(PathBuf::from(names[2])),
        key_points: None,
        checkpoints: None,
        population: 1000,
        max_snap_m: 250.0,
        attribution: None,
    };
    let _ = read_csv_map(&spec, &dir);
});

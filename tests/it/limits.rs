//! Memory and time with an upper bound (issue 22): the sizes that would fill the memory or run
//! for days are refused with exit code 2 and one line before anything large is made. Each case
//! of the issue runs the real binary under an address-space limit of 4 GiB, so an attempt to
//! allocate what was asked for would abort (or be killed) instead of exiting 2; the machine's
//! own memory is the limit (no `--max-memory`), as a planner would run it.

use crate::common;

use common::{assert_bad_input, data};
use std::path::Path;
use std::process::{Command, Output};

const TINY: &str = include_str!("../data/tiny-grid.toml");

/// Runs `patrolsim ARGS` in `dir` with at most 4 GiB of address space.
fn bounded(args: &str, dir: &Path) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 4194304 && exec {} {args}",
            env!("CARGO_BIN_EXE_patrolsim")
        ))
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The tiny grid with each `(from, to)` replaced, as `s.toml` in a new folder.
fn tiny(edits: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = TINY.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "test bug: {from:?}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    std::fs::copy(data("tiny-grid.toml"), tmp.path().join("tiny-grid.toml")).unwrap();
    tmp
}

const FAIR: &str = "[[large_events]]\nname = \"fair\"\nvenue = \"P0\"\nstart_h = 5\nhours = 876000\n\
                    extra_calls_per_hour = EXTRA\n\n[units_per_post]";

#[test]
fn a_grid_of_100000_by_100000_is_refused_by_its_memory() {
    let tmp = tiny(&[("n = 12", "n = 100000")]);
    for command in ["check s.toml", "run s.toml -o out"] {
        let out = bounded(command, tmp.path());
        assert_bad_input(
            &out,
            &[
                "s.toml: map.grid.n = 100000: needs about ",
                "for its 10000000000 nodes alone",
                "more than ",
            ],
        );
    }
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn call_rates_and_days_beyond_the_memory_are_refused() {
    // Beyond the rate's bound: the bound's message.
    let tmp = tiny(&[
        ("days = 3", "days = 365"),
        ("calls_per_hour = 3", "calls_per_hour = 1e7"),
    ]);
    assert_bad_input(
        &bounded("run s.toml -o out", tmp.path()),
        &["s.toml: demand.calls_per_hour = 10000000.0: must be <= 10000"],
    );
    // Within every bound, but 100 years at the highest rate: the estimate's.
    let tmp = tiny(&[
        ("days = 3", "days = 36500"),
        ("calls_per_hour = 3", "calls_per_hour = 10000"),
    ]);
    assert_bad_input(
        &bounded("run s.toml -o out", tmp.path()),
        &[
            "s.toml: demand.calls_per_hour = 10000: needs about ",
            "calls ",
            "more than ",
        ],
    );
    // A large event's extra calls, named by their key.
    for (extra, expect) in [
        (
            "1e9",
            "s.toml: large_events[0].extra_calls_per_hour = 1000000000.0: must be <= 10000",
        ),
        (
            "10000",
            "s.toml: large_events[0].extra_calls_per_hour = 10000: needs about ",
        ),
    ] {
        let tmp = tiny(&[
            ("days = 3", "days = 36500"),
            ("[units_per_post]", &FAIR.replace("EXTRA", extra)),
        ]);
        assert_bad_input(&bounded("check s.toml", tmp.path()), &[expect]);
    }
    // Crews: a ratio of 1e308 would make four billion crews.
    let tmp = tempfile::tempdir().unwrap();
    let default = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml"),
    )
    .unwrap();
    let first_ratio = default.find("officers_per_100k = ").unwrap();
    let end = first_ratio + default[first_ratio..].find('\n').unwrap();
    let text = format!(
        "{}officers_per_100k = 1e308{}",
        &default[..first_ratio],
        &default[end..]
    );
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    assert_bad_input(
        &bounded("check s.toml", tmp.path()),
        &[
            "officers_per_100k = 1e308: makes ",
            " crews, which need about ",
            "more than ",
        ],
    );
}

#[test]
fn crews_replications_and_searches_past_their_bounds_exit_2_at_once() {
    let tmp = tiny(&[("per_post = 1", "per_post = 100000000")]);
    assert_bad_input(
        &bounded("check s.toml", tmp.path()),
        &["s.toml: units_per_post.per_post = 100000000: must be <= 1000"],
    );
    let tmp = tiny(&[]);
    let sweep = std::fs::read_to_string(data("tiny-sweep.toml"))
        .unwrap()
        .replace("replications = 4", "replications = 1000000000");
    std::fs::write(tmp.path().join("w.toml"), sweep).unwrap();
    assert_bad_input(
        &bounded("sweep w.toml -o out", tmp.path()),
        &["w.toml: replications = 1000000000: must be <= 400"],
    );
    let search = std::fs::read_to_string(data("tiny-search.toml"))
        .unwrap()
        .replace("high = 9", "high = 1000000000");
    std::fs::write(tmp.path().join("q.toml"), &search).unwrap();
    assert_bad_input(
        &bounded("search q.toml -o out", tmp.path()),
        &["units_per_post.per_post = 1000000000", "must be <= 1000"],
    );
    // A scan of a billion values is refused before its list is made.
    assert_bad_input(
        &bounded("search q.toml --scan -o out", tmp.path()),
        &[
            "q.toml: search.tolerance = 1: a scan from search.low to search.high in these steps runs 1000000000 values; at most 10000",
        ],
    );
}

#[test]
fn a_sweep_of_a_million_points_is_refused_before_its_points_are_made() {
    let tmp = tiny(&[]);
    let values = |scale: f64| {
        (0..1000)
            .map(|i| format!("{}", f64::from(i) * scale))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sweep = format!(
        "base = \"tiny-grid.toml\"\nreplications = 2\n\n[[axis]]\nkey = \"dispatch.delay_s\"\n\
         values = [{}]\n\n[[axis]]\nkey = \"demand.calls_per_hour\"\nvalues = [{}]\n",
        values(0.5),
        values(0.001).replacen("0, ", "0.0005, ", 1)
    );
    std::fs::write(tmp.path().join("w.toml"), sweep).unwrap();
    assert_bad_input(
        &bounded("sweep w.toml -o out", tmp.path()),
        &[
            "w.toml: axis = 1000 x 1000 = 1000000 points: needs about ",
            "a sweep of 1000000 points x 2 replications",
            "more than ",
        ],
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn a_sweep_is_sized_from_its_largest_point_not_its_first() {
    // A 3 x 3 grid first, then 30 grids of 250 x 250 to 279 x 279: each point fits under
    // 1 GiB, the 31 held at once do not.
    let tmp = tiny(&[]);
    let values = std::iter::once(3)
        .chain(250..280)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let sweep = format!(
        "base = \"tiny-grid.toml\"\nreplications = 2\n\n[[axis]]\nkey = \"map.grid.n\"\n\
         values = [{values}]\n"
    );
    std::fs::write(tmp.path().join("w.toml"), sweep).unwrap();
    assert_bad_input(
        &bounded(
            "sweep w.toml --threads 1 --max-memory 1G -o out",
            tmp.path(),
        ),
        &[
            "w.toml: axis = 31 = 31 points: needs about ",
            "a sweep of 31 points x 2 replications",
            "more than --max-memory 1.0 GiB",
        ],
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn check_prints_the_estimate_and_max_memory_sets_the_limit() {
    let tmp = tiny(&[]);
    let out = bounded("check s.toml --max-memory 1G", tmp.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("memory: about ") && stdout.contains("limit: --max-memory 1.0 GiB"),
        "{stdout}"
    );
    // The same scenario under a limit below its estimate.
    assert_bad_input(
        &bounded("run s.toml --max-memory 1M -o out", tmp.path()),
        &["s.toml: ", "more than --max-memory 1.0 MiB"],
    );
    assert_bad_input(
        &bounded("check s.toml --max-memory lots", tmp.path()),
        &["--max-memory lots: give a size like 8G, 512M or 2GiB"],
    );
}

#[test]
fn a_gzip_bomb_is_refused_at_forty_times_its_size() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    // 200 MB of one repeated node line packs into a few hundred kilobytes.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"<?xml version='1.0'?>\n<osm>\n").unwrap();
    let line = b"<!-- padding padding padding padding padding padding padding padding -->\n";
    for _ in 0..(200_000_000 / line.len()) {
        gz.write_all(line).unwrap();
    }
    gz.write_all(b"</osm>\n").unwrap();
    let bytes = gz.finish().unwrap();
    std::fs::write(tmp.path().join("b.osm.gz"), &bytes).unwrap();
    let cap = bytes.len() as u64 * 40;
    assert_bad_input(
        &bounded("map import b.osm.gz -o b.pmap", tmp.path()),
        &[&format!(
            "b.osm.gz: the gzip stream expands beyond {cap} bytes, 40 times its {} bytes: OpenStreetMap XML compresses about 10 to 1",
            bytes.len()
        )],
    );
    // A real extract (9.3 to 1) is read.
    let out = bounded(
        &format!(
            "map import {} -o m.pmap",
            common::map_file("monaco.osm.gz").display()
        ),
        tmp.path(),
    );
    assert!(out.status.success(), "{out:?}");
}

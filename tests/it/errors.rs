//! The bad-input matrix: every row is a bad input (scenario, sweep, CSV map, OpenStreetMap data,
//! map file, call history, output folder), the command that reads it, the exit code and the exact error line.
//! Each row runs the real binary in a fresh folder holding only the row's files, and must give
//! exactly that line, no panic, and no new file (no half-written output).
//!
//! `docs/errors.md` is generated from this table: `rows_are_documented` fails when the doc
//! differs; `PATROLSIM_BLESS=1 cargo test --release --test it -- errors::` rewrites it. To add a row,
//! add it to [`rows`] and bless.

use crate::common;

use common::patrolsim;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One bad input.
struct Row {
    /// What kind of input.
    area: &'static str,
    /// What is wrong with it, for the doc.
    case: &'static str,
    /// Files written into the row's folder before the command runs.
    files: Vec<(&'static str, Vec<u8>)>,
    /// Arguments to `patrolsim`, run in that folder.
    args: &'static [&'static str],
    /// Expected exit code.
    code: i32,
    /// The whole of stderr, without the `error: ` prefix.
    error: &'static str,
}

const TINY: &str = include_str!("../data/tiny-grid.toml");

/// The tiny grid scenario with `from` replaced by `to`, as `s.toml`.
fn scenario(from: &str, to: &str) -> Vec<(&'static str, Vec<u8>)> {
    assert!(
        TINY.contains(from),
        "test bug: {from:?} not in tiny-grid.toml"
    );
    vec![("s.toml", TINY.replacen(from, to, 1).into_bytes())]
}

/// The tiny grid scenario with a `[dispatch.move_up]` table of `keys`, as `s.toml`.
fn move_up(keys: &str) -> Vec<(&'static str, Vec<u8>)> {
    scenario(
        "returning_position = \"on_route\"\n",
        &format!("returning_position = \"on_route\"\n\n[dispatch.move_up]\n{keys}\n"),
    )
}

/// A file with this text.
fn file(name: &'static str, text: &str) -> (&'static str, Vec<u8>) {
    (name, text.as_bytes().to_vec())
}

/// A scenario on the CSV map of `nodes.csv`, `edges.csv` and `posts.csv`, one crew per post.
const CSV_SCENARIO: &str = r#"name = "csv"
days = 1
[map.csv]
nodes = "nodes.csv"
edges = "edges.csv"
posts = "posts.csv"
[demand]
calls_per_hour = 2
placement = "uniform"
[[incident_types]]
name = "any"
priority = 1
share = 1.0
units_needed = 1
on_scene = { distribution = "fixed", mean_min = 20 }
[units_per_post]
per_post = 1
"#;
const NODES: &str = "id,x_m,y_m\n1,0,0\n2,300,0\n3,300,400\n";
const EDGES: &str = "from,to\n1,2\n2,3\n3,1\n";
const POSTS: &str = "name,kind,node\nkiosk,kiosk,1\n";

/// The CSV scenario with the tables given (`None`: the good one).
fn csv_map(
    nodes: Option<&str>,
    edges: Option<&str>,
    posts: Option<&str>,
) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        file("s.toml", CSV_SCENARIO),
        file("nodes.csv", nodes.unwrap_or(NODES)),
        file("edges.csv", edges.unwrap_or(EDGES)),
        file("posts.csv", posts.unwrap_or(POSTS)),
    ]
}

/// A JSON map segment of 100 m.
fn segment(from: u32, to: u32, oneway: bool) -> String {
    format!(
        r#"{{"from":{from},"to":{to},"length_m":100.0,"class":"residential","speed_kmh":36.0,"oneway":{oneway}}}"#
    )
}

/// A JSON map file of a triangle of nodes 100 m apart, with `from` replaced by `to`.
fn json_map(from: &str, to: &str) -> Vec<(&'static str, Vec<u8>)> {
    let good = format!(
        r#"{{"name":"tri","zones":[{{"name":"z","population":100}}],"nodes":[{{"x_m":0.0,"y_m":0.0,"zone":0}},{{"x_m":100.0,"y_m":0.0,"zone":0}},{{"x_m":0.0,"y_m":100.0,"zone":0}}],"segments":[{},{},{}],"posts":[{{"name":"P0","kind":"kiosk","node":0}}],"key_points":[],"checkpoints":[]}}"#,
        segment(0, 1, false),
        segment(1, 2, false),
        segment(2, 0, false)
    );
    assert!(good.contains(from), "test bug: {from:?} not in the map");
    vec![("m.json", good.replacen(from, to, 1).into_bytes())]
}

/// An experiment file over the tiny grid (its text `text`, named `name` in messages) with `from`
/// replaced by `to`, as `w.toml` beside `tiny-grid.toml`.
fn experiment(text: &str, name: &str, from: &str, to: &str) -> Vec<(&'static str, Vec<u8>)> {
    assert!(text.contains(from), "test bug: {from:?} not in {name}");
    vec![
        file("tiny-grid.toml", TINY),
        ("w.toml", text.replacen(from, to, 1).into_bytes()),
    ]
}

/// The tiny sweep over the tiny grid, with `from` replaced by `to`.
fn sweep(from: &str, to: &str) -> Vec<(&'static str, Vec<u8>)> {
    let text = include_str!("../data/tiny-sweep.toml");
    experiment(text, "tiny-sweep.toml", from, to)
}

/// The tiny search over the tiny grid, with `from` replaced by `to`.
fn search(from: &str, to: &str) -> Vec<(&'static str, Vec<u8>)> {
    let text = include_str!("../data/tiny-search.toml");
    experiment(text, "tiny-search.toml", from, to)
}

/// The bytes of an OpenStreetMap extract in `maps/`.
fn osm_extract(name: &str) -> Vec<u8> {
    let path = common::map_file(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A call history on the tiny grid (x/y in metres, types of tiny-grid.toml), as `h.csv`.
const HISTORY: &str = "time,type,x_m,y_m\n2024-01-01T10:00:00+0000,violent,10,10\n\
                       2024-01-01T11:00:00+0000,routine,900,5\n";

/// The tiny grid scenario replaying `h.csv` (`history`, or [`HISTORY`] when `None`) through a
/// `[demand.history]` section with `keys` added, as `s.toml`.
fn history_scenario(keys: &str, history: Option<&str>) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = scenario(
        "calls_per_hour = 3\nplacement = \"uniform\"\n",
        &format!("\n[demand.history]\nfile = \"h.csv\"\n{keys}"),
    );
    files.push(file("h.csv", history.unwrap_or(HISTORY)));
    files
}

/// A call history `h.csv` with the JSON map `m.json`, and the column mapping `c.toml`, for
/// `patrolsim calibrate`.
fn calibration(history: &str, columns: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = json_map("", "");
    files.push(file("h.csv", history));
    files.push(file("c.toml", columns));
    files
}

/// The tiny grid with a `[force]` of the shift line `shifts` and a team named `team` (and a
/// second named `second`, unless empty) instead of its crews per post, as `s.toml`.
fn force_scenario(shifts: &str, team: &str, second: &str) -> Vec<(&'static str, Vec<u8>)> {
    let standby = |name: &str| {
        format!(
            "[[force.teams]]\nname = \"{name}\"\nlayer = \"standby\"\nhead_count = 8\nposts = [\"P0\"]\n"
        )
    };
    let mut force = format!("[force]\navailability = 0.9\n{shifts}\n{}", standby(team));
    if !second.is_empty() {
        force.push_str(&standby(second));
    }
    scenario("[units_per_post]\nper_post = 1\ncrew_size = 2\n", &force)
}

/// The tiny grid's map as a binary map file.
fn tiny_grid_pmap() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.pmap");
    let map = patrolsim::map::grid_map(&patrolsim::map::GridSpec {
        n: 12,
        posts_per_side: 2,
        spacing_m: 400.0,
        speed_kmh: 36.0,
    });
    patrolsim::map::write_map(&map, &path, None).unwrap();
    std::fs::read(path).unwrap()
}

/// An error line made at run time, as the rows keep them.
fn leak(error: String) -> &'static str {
    Box::leak(error.into_boxed_str())
}

/// The folder that [`in_use_rows`] run while another process holds it locked.
const IN_USE: &str = "out";

/// Rows run while the folder [`IN_USE`] (made by the row's files) is held locked, as a
/// patrolsim command writing there holds it.
fn in_use_rows() -> Vec<Row> {
    let busy = || file("out/calls.csv", "");
    vec![
        Row {
            area: "output",
            case: "a run into a folder another command is writing (held locked)",
            files: scenario("", "").into_iter().chain([busy()]).collect(),
            args: &["run", "s.toml", "-o", "out"],
            code: 2,
            error: "out: output folder in use by another patrolsim command; wait for it to end or give another folder",
        },
        Row {
            area: "output",
            case: "a sweep into a folder another command is writing (held locked)",
            files: sweep("", "").into_iter().chain([busy()]).collect(),
            args: &["sweep", "w.toml", "-o", "out"],
            code: 2,
            error: "out: output folder in use by another patrolsim command; wait for it to end or give another folder",
        },
    ]
}

/// Every row, each with the folder held locked while it runs.
fn all_rows() -> Vec<(Row, Option<&'static str>)> {
    let free = rows().into_iter().map(|r| (r, None));
    free.chain(in_use_rows().into_iter().map(|r| (r, Some(IN_USE))))
        .chain(memory_rows().into_iter().map(|r| (r, None)))
        .collect()
}

/// A gzip file of OSM XML padded with 20 MB of one comment line: a gzip bomb (about 1000 to 1).
fn gzip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"<?xml version='1.0'?>\n<osm>\n").unwrap();
    let line = b"<!-- padding padding padding padding padding padding padding padding -->\n";
    for _ in 0..(20_000_000 / line.len()) {
        gz.write_all(line).unwrap();
    }
    gz.write_all(b"</osm>\n").unwrap();
    gz.finish().unwrap()
}

/// Sizes beyond the memory (issue 22): refused before anything large is made, against a fixed
/// `--max-memory` so that the estimate's message does not depend on the machine (one thread
/// where the threads count).
fn memory_rows() -> Vec<Row> {
    let bomb = gzip_bomb();
    let bomb_error = leak(format!(
        "b.osm.gz: the gzip stream expands beyond {} bytes, 40 times its {} bytes: \
         OpenStreetMap XML compresses about 10 to 1, so this is no plausible extract (a gzip \
         bomb?); if it is real, unpack it and import the .osm file",
        bomb.len() * 40,
        bomb.len()
    ));
    let values = |from: u32| {
        (from..from + 1000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let million = format!(
        "base = \"tiny-grid.toml\"\nreplications = 2\n\n[[axis]]\nkey = \"dispatch.delay_s\"\n\
         values = [{}]\n\n[[axis]]\nkey = \"demand.calls_per_hour\"\nvalues = [{}]\n",
        values(0),
        values(1)
    );
    vec![
        Row {
            area: "scenario",
            case: "a grid of 100000 x 100000 (its memory estimated before it is made)",
            files: scenario("n = 12", "n = 100000"),
            args: &["check", "s.toml", "--max-memory", "1G"],
            code: 2,
            error: "s.toml: map.grid.n = 100000: needs about 6.6 TiB for its 10000000000 nodes alone (the map and its routing 6.6 TiB), more than --max-memory 1.0 GiB",
        },
        Row {
            area: "scenario",
            case: "100 years at 10000 calls an hour (each within its bound, together beyond the memory)",
            files: {
                let text = TINY.replacen("days = 3", "days = 36500", 1).replacen(
                    "calls_per_hour = 3",
                    "calls_per_hour = 10000",
                    1,
                );
                vec![("s.toml", text.into_bytes())]
            },
            args: &["run", "s.toml", "--threads", "1", "--max-memory", "1G"],
            code: 2,
            error: "s.toml: demand.calls_per_hour = 10000: needs about 1.5 TiB for a run of 2 replications on 1 thread (calls 1.5 TiB, the program 48 MiB, the GIS layers 720 KiB, replications' scratch 95 KiB, the map and its routing 83 KiB, crews 16 KiB), more than --max-memory 1.0 GiB",
        },
        Row {
            area: "scenario",
            case: "a large event of 10000 extra calls an hour for 100 years",
            files: {
                let text = TINY.replacen("days = 3", "days = 36500", 1).replacen(
                    "[units_per_post]",
                    "[[large_events]]\nname = \"fair\"\nvenue = \"P0\"\nstart_h = 5\nhours = 876000\n\
                     extra_calls_per_hour = 10000\n\n[units_per_post]",
                    1,
                );
                vec![("s.toml", text.into_bytes())]
            },
            args: &["run", "s.toml", "--threads", "1", "--max-memory", "1G"],
            code: 2,
            error: "s.toml: large_events[0].extra_calls_per_hour = 10000: needs about 1.5 TiB for a run of 2 replications on 1 thread (calls 1.5 TiB, the program 48 MiB, the GIS layers 720 KiB, replications' scratch 95 KiB, the map and its routing 83 KiB, crews 16 KiB), more than --max-memory 1.0 GiB",
        },
        Row {
            area: "scenario",
            case: "a team of 1e308 officers per 100k (its crews counted before they are made)",
            files: {
                let force = "[force]\navailability = 0.9\nshifts = \"3x8\"\n[[force.teams]]\nname = \"t\"\n\
                             layer = \"standby\"\nofficers_per_100k = 1e308\nposts = [\"P0\"]\n";
                scenario("[units_per_post]\nper_post = 1\ncrew_size = 2\n", force)
            },
            args: &["check", "s.toml", "--max-memory", "1G"],
            code: 2,
            error: "s.toml: force.teams[0].officers_per_100k = 1e308: makes 12884901885 crews, which need about 24 TiB of memory, more than --max-memory 1.0 GiB",
        },
        Row {
            area: "scenario",
            case: "a run above `--max-memory`",
            files: scenario("", ""),
            args: &["run", "s.toml", "--threads", "1", "--max-memory", "1M"],
            code: 2,
            error: "s.toml: map.grid.n = 12: needs about 49 MiB for a run of 2 replications on 1 thread (the program 48 MiB, the GIS layers 720 KiB, replications' scratch 95 KiB, the map and its routing 83 KiB, calls 53 KiB, crews 16 KiB), more than --max-memory 1.0 MiB",
        },
        Row {
            area: "command line",
            case: "`--max-memory` that is not a size",
            files: scenario("", ""),
            args: &["check", "s.toml", "--max-memory", "lots"],
            code: 2,
            error: "--max-memory lots: give a size like 8G, 512M or 2GiB",
        },
        Row {
            area: "sweep",
            case: "a sweep of 1000 x 1000 points (refused before the points are made)",
            files: vec![file("tiny-grid.toml", TINY), file("w.toml", &million)],
            args: &["sweep", "w.toml", "--threads", "1", "--max-memory", "1G"],
            code: 2,
            error: "w.toml: axis = 1000 x 1000 = 1000000 points: needs about 102 GiB for a sweep of 1000000 points x 2 replications on 1 thread (the map and its routing 79 GiB, pair results 15 GiB, crews 7.6 GiB, the program 48 MiB, replications' scratch 99 KiB, calls 29 KiB), more than --max-memory 1.0 GiB",
        },
        Row {
            area: "search",
            case: "a scan of a billion values",
            files: search("high = 9", "high = 1000000000"),
            args: &["search", "w.toml", "--scan"],
            code: 2,
            error: "w.toml: search.tolerance = 1: a scan from search.low to search.high in these steps runs 1000000000 values; at most 10000 (raise the tolerance)",
        },
        Row {
            area: "history",
            case: "two calls dated 200,000 years apart (the fit counts every day between)",
            files: calibration(
                "time,type,x_m,y_m\n-200000-01-01T00:00:00+0000,a,0,0\n\
                 +200000-01-01T00:00:00+0000,a,100,0\n",
                "",
            ),
            args: &["calibrate", "h.csv", "--map", "m.json"],
            code: 2,
            error: "h.csv: dates = -200000-01-01 to +200000-01-01: the calls span 146097000 days, at most 36500 (100 years): look for a mistyped year",
        },
        Row {
            area: "OSM",
            case: "a gzip bomb (20 MB of XML packed 1000 to 1)",
            files: vec![("b.osm.gz", bomb)],
            args: &["map", "import", "b.osm.gz", "-o", "b.pmap"],
            code: 2,
            error: bomb_error,
        },
        Row {
            area: "scenario",
            case: "a team of ten million people (4.5 million crews: each call would look through them all)",
            files: {
                let force = "[force]\navailability = 0.9\nshifts = \"3x8\"\n[[force.teams]]\nname = \"t\"\n\
                             layer = \"standby\"\nhead_count = 10000000\nposts = [\"P0\"]\n";
                scenario("[units_per_post]\nper_post = 1\ncrew_size = 2\n", force)
            },
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: force.teams[0].head_count = 10000000: makes 4500000 crews, more than the 100000 a scenario may have (every call looks through the free crews)",
        },
        Row {
            area: "scenario",
            case: "a readiness window of 1e308 times the crews on duty (its crews counted before they are made)",
            files: {
                let force = "[force]\navailability = 0.9\nshifts = \"3x8\"\n[[force.teams]]\nname = \"t\"\n\
                             layer = \"standby\"\nhead_count = 20\nposts = [\"P0\"]\n\n[[readiness]]\n\
                             name = \"alert\"\nlevel = 1\nstart_h = 5\nhours = 24\non_duty_factor = 1e308\n";
                scenario("[units_per_post]\nper_post = 1\ncrew_size = 2\n", force)
            },
            args: &["check", "s.toml", "--max-memory", "1G"],
            code: 2,
            error: "s.toml: readiness[0].on_duty_factor = 1e308: makes 18446744073709551615 crews, which need about 16384 PiB of memory, more than --max-memory 1.0 GiB",
        },
        Row {
            area: "scenario",
            case: "the sealing ring sampled every 0.001 minutes (each sample routes every free crew)",
            files: scenario(
                "[units_per_post]",
                "[sealing]\nring = \"listed\"\nexits = [0]\nsample_every_min = 0.001\n\n[units_per_post]",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: sealing.sample_every_min = 0.001: must be >= 1 (a minute)",
        },
        Row {
            area: "scenario",
            case: "the sealing ring sampled every minute for 100 years (its measurements in the estimate)",
            files: {
                let text = TINY.replacen("days = 3", "days = 36500", 1).replacen(
                    "[units_per_post]",
                    "[sealing]\nring = \"listed\"\nexits = [0]\nsample_every_min = 1\n\n[units_per_post]",
                    1,
                );
                vec![("s.toml", text.into_bytes())]
            },
            args: &["run", "s.toml", "--threads", "1", "--max-memory", "1G"],
            code: 2,
            error: "s.toml: sealing.sample_every_min = 1: needs about 17 GiB for a run of 2 replications on 1 thread (sealing measurements 17 GiB, calls 482 MiB, the program 48 MiB, the GIS layers 720 KiB, replications' scratch 95 KiB, the map and its routing 83 KiB, crews 16 KiB), more than --max-memory 1.0 GiB",
        },
        Row {
            area: "scenario",
            case: "a new area of 4294967295 townships (its nodes counted before it is made)",
            files: scenario(
                "[map.grid]\nn = 12\nposts_per_side = 2\nspacing_m = 400\nspeed_kmh = 36\n",
                "[map.new_area]\ntownships = 4294967295\n",
            ),
            args: &["check", "s.toml", "--max-memory", "1G"],
            code: 2,
            error: "s.toml: map.new_area.townships = 4294967295: needs about 184 TiB for its 279172874920 nodes alone (the map and its routing 184 TiB), more than --max-memory 1.0 GiB",
        },
        Row {
            area: "scenario",
            case: "a new area of blocks 1e308 m long",
            files: scenario(
                "[map.grid]\nn = 12\nposts_per_side = 2\nspacing_m = 400\nspeed_kmh = 36\n",
                "[map.new_area]\nblock_m = 1e308\n",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map.new_area.block_m = 1e308: must be > 0 and <= 10000 (metres)",
        },
    ]
}

/// The matrix.
fn rows() -> Vec<Row> {
    vec![
        // Scenario TOML.
        Row {
            area: "scenario",
            case: "file does not exist",
            files: vec![],
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: cannot read: No such file or directory (os error 2)",
        },
        Row {
            area: "scenario",
            case: "empty file",
            files: vec![file("s.toml", "")],
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: missing field `name`",
        },
        Row {
            area: "scenario",
            case: "not UTF-8 text",
            files: vec![("s.toml", vec![0xff, 0xfe, 0x00, 0x41])],
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: cannot read: stream did not contain valid UTF-8",
        },
        Row {
            area: "scenario",
            case: "malformed TOML: a section header not closed",
            files: scenario("[dispatch]", "[dispatch"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: line 18: `[dispatch`: unclosed table, expected `]`",
        },
        Row {
            area: "scenario",
            case: "unknown key in a section (`delay` for `delay_s`)",
            files: scenario("delay_s = 60", "delay = 60"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: line 19: `delay = 60`: unknown field `delay`, expected one of `delay_s`, `returning_position`, `preempt_from_priority`, `run_cards`, `service_includes_travel`, `policy`, `move_up`",
        },
        Row {
            area: "scenario",
            case: "a dispatch policy that is not registered",
            files: scenario("delay_s = 60", "delay_s = 60\npolicy = \"closest\""),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.policy = \"closest\": no such policy (there are \"nearest\", \"run_cards\")",
        },
        Row {
            area: "scenario",
            case: "the run-card policy without run cards",
            files: scenario("delay_s = 60", "delay_s = 60\npolicy = \"run_cards\""),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.policy = \"run_cards\": needs dispatch.run_cards",
        },
        Row {
            area: "scenario",
            case: "a move-up threshold above 1",
            files: move_up("threshold = 1.5"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.move_up.threshold = 1.5: must be > 0 and <= 1 (the share of the demand a free crew reaches within 5 minutes)",
        },
        Row {
            area: "scenario",
            case: "move-up told to move point crews",
            files: move_up("threshold = 0.8\nlayers = [\"point\", \"line\"]"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.move_up.layers = [\"point\", \"line\"]: point crews stay at their key points: move line, surface or standby crews",
        },
        Row {
            area: "scenario",
            case: "move-up layers the force has no unit of",
            files: move_up("threshold = 0.8\nlayers = [\"line\"]"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.move_up.layers = [\"line\"]: the force has no unit of these layers: there is nobody to move",
        },
        Row {
            area: "scenario",
            case: "a compliance-table row of the wrong length",
            files: move_up("threshold = 0.8\ntable = [[\"P0\", \"P1\"]]"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.move_up.table[0] = 2 places: must list 1 (row k lists where k free crews stand)",
        },
        Row {
            area: "scenario",
            case: "a compliance table naming a post the map lacks",
            files: move_up("threshold = 0.8\ntable = [[\"P0\"], [\"P0\", \"P9\"]]"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.move_up.table[1][1] = \"P9\": no such post on map `grid-12x12`",
        },
        Row {
            area: "scenario",
            case: "a compliance table naming a node id the map lacks",
            files: move_up("threshold = 0.8\ntable = [[99999]]"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.move_up.table[0][0] = 99999: no node of map `grid-12x12` has that id",
        },
        Row {
            area: "scenario",
            case: "wrong type: a string where a number goes",
            files: scenario("days = 3", "days = \"three\""),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: line 6: `days = \"three\"`: invalid type: string \"three\", expected f64",
        },
        Row {
            area: "scenario",
            case: "a required key missing (`days`)",
            files: scenario("days = 3\n", ""),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: missing field `days`",
        },
        Row {
            area: "scenario",
            case: "zero days",
            files: scenario("days = 3", "days = 0"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: days = 0.0: must be > 0",
        },
        Row {
            area: "scenario",
            case: "days beyond 100 years (a typo that would make a run never end)",
            files: scenario("days = 3", "days = 1e308"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: days = 1e308: must be <= 36500 (100 years)",
        },
        Row {
            area: "scenario",
            case: "not a number (`nan`) for days",
            files: scenario("days = 3", "days = nan"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: days = NaN: must be > 0",
        },
        Row {
            area: "scenario",
            case: "zero replications",
            files: scenario("replications = 2", "replications = 0"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: replications = 0: must be >= 1",
        },
        Row {
            area: "scenario",
            case: "negative call rate",
            files: scenario("calls_per_hour = 3", "calls_per_hour = -3"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: demand.calls_per_hour = -3.0: must be > 0",
        },
        Row {
            area: "scenario",
            case: "negative dispatch delay",
            files: scenario("delay_s = 60", "delay_s = -1"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.delay_s = -1.0: must be >= 0",
        },
        Row {
            area: "scenario",
            case: "incident type shares not summing to 1",
            files: scenario("share = 0.8", "share = 0.7"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[*].share = \"sum 0.9\": shares must sum to 1",
        },
        Row {
            area: "scenario",
            case: "no incident types",
            files: vec![file("s.toml", &{
                let (start, end) = (
                    TINY.find("[[incident_types]]").unwrap(),
                    TINY.find("[units_per_post]").unwrap(),
                );
                format!("incident_types = []\n{}{}", &TINY[..start], &TINY[end..])
            })],
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types = \"[]\": must list at least one type",
        },
        Row {
            area: "scenario",
            case: "an incident type needing zero units",
            files: scenario("units_needed = 2", "units_needed = 0"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[0].units_needed = 0: must be >= 1",
        },
        Row {
            area: "scenario",
            case: "negative on-scene spread",
            files: scenario("sd_min = 20", "sd_min = -20"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[0].on_scene.sd_min = -20.0: must be > 0",
        },
        Row {
            area: "scenario",
            case: "unknown on-scene distribution",
            files: scenario("\"lognormal\", mean_min = 40", "\"weibull\", mean_min = 40"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: line 31: `on_scene = { distribution = \"weibull\", mean_min = 40, sd_min = 20 }`: unknown variant `weibull`, expected one of `lognormal`, `exponential`, `fixed`",
        },
        Row {
            area: "scenario",
            case: "unknown choice for `returning_position`",
            files: scenario("\"on_route\"", "\"teleport\""),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: line 20: `returning_position = \"teleport\"`: unknown variant `teleport`, expected `on_route` or `last_scene`",
        },
        Row {
            area: "scenario",
            case: "a grid of zero intersections",
            files: scenario("n = 12", "n = 0"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map.grid.n = 0: must be >= 1",
        },
        Row {
            area: "scenario",
            case: "zero grid spacing",
            files: scenario("spacing_m = 400", "spacing_m = 0"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map.grid.spacing_m = 0.0: must be > 0",
        },
        Row {
            area: "scenario",
            case: "zero emergency speed factor",
            files: scenario("emergency_speed_factor = 1.0", "emergency_speed_factor = 0"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: routing.emergency_speed_factor = 0.0: must be > 0",
        },
        Row {
            area: "scenario",
            case: "zero crews per post",
            files: scenario("per_post = 1", "per_post = 0"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: units = 0 units: the force has no units: list [[units]], set [units_per_post] per_post >= 1, or give a [force] whose teams have at least one crew per shift",
        },
        Row {
            area: "scenario",
            case: "a cordon share above 1",
            files: scenario(
                "sd_min = 20 }",
                "sd_min = 20 }\n[incident_types.cordon]\nring = \"reach\"\nreach_min = 2\n\
                 holding_min = 30\nshare = 1.5",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[0].cordon.share = 1.5: must be in 0 to 1",
        },
        Row {
            area: "scenario",
            case: "a cordon with an empty list of layers",
            files: scenario(
                "sd_min = 20 }",
                "sd_min = 20 }\n[incident_types.cordon]\nring = \"reach\"\nreach_min = 2\n\
                 holding_min = 30\nlayers = []",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[0].cordon.layers = []: name at least one layer (or leave the key out for all)",
        },
        Row {
            area: "scenario",
            case: "a team based at a checkpoint the map lacks",
            files: scenario(
                "[units_per_post]\nper_post = 1\ncrew_size = 2",
                "[force]\navailability = 1\nshifts = \"3x8\"\n[[force.teams]]\nname = \"gates\"\n\
                 layer = \"point\"\nhead_count = 24\ncheckpoints = [\"gate-north\"]",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: force.teams[0].checkpoints[0] = \"gate-north\": no such checkpoint on map `grid-12x12`",
        },
        Row {
            area: "scenario",
            case: "two map sources (a grid and a file)",
            files: scenario("[map.grid]", "[map]\nfile = \"m.json\"\n[map.grid]"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map = {file, grid}: give exactly one of map.file, [map.csv], [map.grid] or [map.new_area]",
        },
        Row {
            area: "scenario",
            case: "a map file that does not exist",
            files: scenario(
                "[map.grid]\nn = 12\nposts_per_side = 2\nspacing_m = 400\nspeed_kmh = 36\n",
                "[map]\nfile = \"nowhere.json\"\n",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nowhere.json: cannot read map file: No such file or directory (os error 2)",
        },
        Row {
            area: "scenario",
            case: "`--replications 0` on the command line",
            files: scenario("", ""),
            args: &["run", "s.toml", "--replications", "0"],
            code: 2,
            error: "--replications 0: must be >= 1",
        },
        // Sweep / experiment TOML.
        Row {
            area: "sweep",
            case: "an axis key the scenario does not have",
            files: sweep("dispatch.delay_s", "dispatch.delay_z"),
            args: &["sweep", "w.toml"],
            code: 2,
            error: "w.toml: axis[1].key = \"dispatch.delay_z\": no such key in the base scenario tiny-grid.toml (write it there first)",
        },
        Row {
            area: "sweep",
            case: "an axis with no values",
            files: sweep("values = [1, 2]", "values = []"),
            args: &["sweep", "w.toml"],
            code: 2,
            error: "w.toml: axis[0].values = []: must list at least one value",
        },
        Row {
            area: "sweep",
            case: "an axis value the scenario refuses (negative delay)",
            files: sweep("values = [30, 60.5, 90]", "values = [30, -5]"),
            args: &["sweep", "w.toml"],
            code: 2,
            error: "w.toml (point units_per_post.per_post = 1, dispatch.delay_s = -5; base tiny-grid.toml): dispatch.delay_s = -5.0: must be >= 0",
        },
        Row {
            area: "sweep",
            case: "an axis value of the wrong type",
            files: sweep("values = [30, 60.5, 90]", "values = [30, \"soon\"]"),
            args: &["sweep", "w.toml"],
            code: 2,
            error: "w.toml (point units_per_post.per_post = 1, dispatch.delay_s = \"soon\"; base tiny-grid.toml): line 12: `delay_s = \"soon\"`: invalid type: string \"soon\", expected f64",
        },
        Row {
            area: "sweep",
            case: "the base scenario does not exist",
            files: vec![file(
                "w.toml",
                &include_str!("../data/tiny-sweep.toml").replace("tiny-grid.toml", "gone.toml"),
            )],
            args: &["sweep", "w.toml"],
            code: 2,
            error: "gone.toml: cannot read: No such file or directory (os error 2)",
        },
        Row {
            area: "sweep",
            case: "unknown key in the sweep file",
            files: sweep("replications = 4", "replication = 4"),
            args: &["sweep", "w.toml"],
            code: 2,
            error: "w.toml: line 3: `replication = 4`: unknown field `replication`, expected one of `base`, `replications`, `output_dir`, `axis`, `search`",
        },
        Row {
            area: "sweep",
            case: "a shard outside the count (`--shard 3/2`)",
            files: sweep("", ""),
            args: &["sweep", "w.toml", "--shard", "3/2"],
            code: 2,
            error: "--shard 3/2: must be I/N with 0 <= I < N",
        },
        Row {
            area: "sweep",
            case: "merging a folder with no results",
            files: sweep("", ""),
            args: &["merge", "w.toml", "empty-shard"],
            code: 2,
            error: "empty-shard: no such folder",
        },
        Row {
            area: "search",
            case: "a search for a priority no call has",
            files: search("priority = 1", "priority = 3"),
            args: &["search", "w.toml"],
            code: 2,
            error: "w.toml: search.priority = 3: no call of priority 3 came in the 4 replications at units_per_post.per_post = 9: nothing to search",
        },
        Row {
            area: "search",
            case: "a search of the reinforcement promise where no call needs reinforcement",
            files: search(
                "promise = \"on_scene_5min\"\npriority = 1",
                "promise = \"reinforcement_10min\"\npriority = 2",
            ),
            args: &["search", "w.toml"],
            code: 2,
            error: "w.toml: search.promise = \"reinforcement_10min\": no call of priority 2 needed more than one unit in the 4 replications at units_per_post.per_post = 9: nothing to search",
        },
        // Node lists and listed exits: ids of the map's source data.
        Row {
            area: "node ids",
            case: "`analyze --posts` naming a node id the map lacks",
            files: json_map("", "")
                .into_iter()
                .chain([file("p.csv", "node\n0\n3\n")])
                .collect(),
            args: &["analyze", "m.json", "--posts", "p.csv"],
            code: 2,
            error: "p.csv: line 3: node = \"3\": no node of map `tri` has that id",
        },
        Row {
            area: "node ids",
            case: "`place --candidates` naming a node id the map lacks",
            files: json_map("", "")
                .into_iter()
                .chain([file("c.csv", "node\n0\n3\n")])
                .collect(),
            args: &["place", "m.json", "--objective", "median", "--posts", "1", "--candidates", "c.csv"],
            code: 2,
            error: "c.csv: line 3: node = \"3\": no node of map `tri` has that id",
        },
        Row {
            area: "place",
            case: "`place --posts 0`",
            files: json_map("", ""),
            args: &["place", "m.json", "--objective", "median", "--posts", "0"],
            code: 2,
            error: "--posts = 0: must be >= 1",
        },
        Row {
            area: "place",
            case: "`place --posts` as many as the candidate sites",
            files: json_map("", ""),
            args: &["place", "m.json", "--objective", "center", "--posts", "3"],
            code: 2,
            error: "--posts = 3: must be >= 1 and less than the 3 candidate sites without a post",
        },
        Row {
            area: "place",
            case: "`place --threshold-min 0`",
            files: json_map("", ""),
            args: &["place", "m.json", "--objective", "cover", "--posts", "1", "--threshold-min", "0"],
            code: 2,
            error: "--threshold-min = 0: must be > 0",
        },
        Row {
            area: "place",
            case: "`place --min-posts --cover-share 1.5`",
            files: json_map("", ""),
            args: &["place", "m.json", "--min-posts", "--cover-share", "1.5"],
            code: 2,
            error: "--cover-share = 1.5: must be > 0 and <= 1",
        },
        Row {
            area: "place",
            case: "`place --min-posts` for a share no layout reaches",
            files: json_map("", ""),
            args: &["place", "m.json", "--min-posts", "--cover-share", "1", "--threshold-min", "0.01"],
            code: 2,
            error: "--cover-share = 1: no layout found of up to 2 new posts puts that share within 0.01 min (best found 66.67 %)",
        },
        Row {
            area: "node ids",
            case: "a listed sealing exit at a node id the map lacks",
            files: scenario(
                "[units_per_post]",
                "[sealing]\nring = \"listed\"\nexits = [0, 144]\n\n[units_per_post]",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: sealing.exits[1] = 144: no node of map `grid-12x12` has that id",
        },
        // CSV maps.
        Row {
            area: "CSV map",
            case: "a coordinate that is not a number",
            files: csv_map(Some("id,x_m,y_m\n1,0,0\n2,east,0\n3,300,400\n"), None, None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nodes.csv: line 3: x_m = \"east\": not a number",
        },
        Row {
            area: "CSV map",
            case: "a node table without coordinates",
            files: csv_map(Some("id,zone\n1,z\n2,z\n3,z\n"), None, None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nodes.csv: line 2: node 1: give x_m and y_m, or lat and lon",
        },
        Row {
            area: "CSV map",
            case: "a node id that is not a whole number",
            files: csv_map(
                Some("id,x_m,y_m\nA1,0,0\nA2,300,0\nA3,300,400\n"),
                None,
                None,
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nodes.csv: line 2: id = \"A1\": node ids are whole numbers",
        },
        Row {
            area: "CSV map",
            case: "a node id used twice",
            files: csv_map(Some("id,x_m,y_m\n1,0,0\n1,300,0\n3,300,400\n"), None, None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nodes.csv: line 3: node id 1 used twice",
        },
        Row {
            area: "CSV map",
            case: "an edge to a node that does not exist",
            files: csv_map(None, Some("from,to\n1,2\n2,3\n3,0\n"), None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: edges.csv: line 4: to = \"0\": no node has that id",
        },
        Row {
            area: "CSV map",
            case: "a negative edge length",
            files: csv_map(None, Some("from,to,length_m\n1,2,-5\n2,3,\n3,1,\n"), None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: edges.csv: line 2: length_m = -5: must be >= 0",
        },
        Row {
            area: "CSV map",
            case: "a zero speed",
            files: csv_map(None, Some("from,to,speed_kmh\n1,2,0\n2,3,\n3,1,\n"), None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: edges.csv: line 2: speed_kmh = 0: must be > 0",
        },
        Row {
            area: "CSV map",
            case: "a disconnected map (a one-way edge leaves no way back)",
            files: csv_map(None, Some("from,to,oneway\n1,2,\n2,3,yes\n"), None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nodes.csv: invalid map: road graph is not strongly connected: 1 of 3 nodes cannot reach or be reached from node 1 (first: node 3)",
        },
        Row {
            area: "CSV map",
            case: "a post off the map (farther than max_snap_m from every node)",
            files: csv_map(
                None,
                None,
                Some("name,kind,x_m,y_m\nkiosk,kiosk,5000,5000\n"),
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: posts.csv: line 2: \"kiosk\" is 6576 m from the nearest node; max_snap_m = 250",
        },
        Row {
            area: "CSV map",
            case: "an unknown post kind",
            files: csv_map(None, None, Some("name,kind,node\nkiosk,castle,1\n")),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: posts.csv: line 2: kind = \"castle\": unknown variant `castle`, expected one of `kiosk`, `service_station`, `police_station`, `hq`",
        },
        Row {
            area: "CSV map",
            case: "an unclosed quote",
            files: csv_map(None, None, Some("name,kind,node\n\"kiosk,kiosk,1\n")),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: posts.csv: line 2: a quoted field is not closed",
        },
        // OpenStreetMap data.
        Row {
            area: "OSM",
            case: "an empty file",
            files: vec![file("a.osm", "")],
            args: &["map", "import", "a.osm", "-o", "a.pmap"],
            code: 2,
            error: "a.osm: empty file (0 bytes)",
        },
        Row {
            area: "OSM",
            case: "a truncated PBF (first 20,000 bytes of andorra.osm.pbf)",
            files: vec![(
                "a.osm.pbf",
                osm_extract("andorra.osm.pbf")[..20_000].to_vec(),
            )],
            args: &["map", "import", "a.osm.pbf", "-o", "a.pmap"],
            code: 2,
            error: "a.osm.pbf: not a valid OSM PBF file (truncated or corrupt?): protobuf error at 'blob content': Unexpected end of file",
        },
        Row {
            area: "OSM",
            case: "malformed XML (an element not closed)",
            files: vec![file(
                "a.osm",
                "<?xml version=\"1.0\"?>\n<osm version=\"0.6\">\n<node id=\"1\" lat=\"43.7\" lon=\"7.4\">\n</osm>\n",
            )],
            args: &["map", "import", "a.osm", "-o", "a.pmap"],
            code: 2,
            error: "a.osm: not valid OSM XML at byte 77: ill-formed document: expected `</node>`, but `</osm>` was found",
        },
        Row {
            area: "OSM",
            case: "well-formed XML with no drivable road",
            files: vec![file(
                "a.osm",
                "<?xml version=\"1.0\"?>\n<osm version=\"0.6\">\n<node id=\"1\" lat=\"43.7\" lon=\"7.4\"/>\n<node id=\"2\" lat=\"43.71\" lon=\"7.4\"/>\n<way id=\"3\"><nd ref=\"1\"/><nd ref=\"2\"/><tag k=\"highway\" v=\"footway\"/></way>\n</osm>\n",
            )],
            args: &["map", "import", "a.osm", "-o", "a.pmap"],
            code: 2,
            error: "a.osm: no drivable roads (ways tagged highway=motorway, trunk, primary, secondary, tertiary, unclassified, residential, living_street, service or a _link)",
        },
        Row {
            area: "OSM",
            case: "a gzip file cut short (first 10,000 bytes of monaco.osm.gz)",
            files: vec![("a.osm.gz", osm_extract("monaco.osm.gz")[..10_000].to_vec())],
            args: &["map", "import", "a.osm.gz", "-o", "a.pmap"],
            code: 2,
            error: "a.osm.gz: not valid OSM XML at byte 77303: I/O error: incomplete deflate stream",
        },
        Row {
            area: "OSM",
            case: "a way referring to a node that is not in the file",
            files: vec![file(
                "a.osm",
                "<?xml version=\"1.0\"?>\n<osm version=\"0.6\">\n<node id=\"1\" lat=\"43.7\" lon=\"7.4\"/>\n<way id=\"3\"><nd ref=\"1\"/><nd ref=\"2\"/><tag k=\"highway\" v=\"residential\"/></way>\n</osm>\n",
            )],
            args: &["map", "import", "a.osm", "-o", "a.pmap"],
            code: 2,
            error: "a.osm: no drivable roads left: the 1 drivable ways name 1 nodes the file does not have (an extract cut without complete ways?)",
        },
        // Map files.
        Row {
            area: "map file",
            case: "a JSON map that is not JSON",
            files: vec![file("m.json", "{\"name\": \"tri\", ")],
            args: &["map", "info", "m.json"],
            code: 2,
            error: "m.json: not a patrolsim map file: EOF while parsing a value at line 1 column 16",
        },
        Row {
            area: "map file",
            case: "a JSON map with a post at a node id the map lacks (node 7; nodes without ids are 0, 1, 2)",
            files: json_map("\"node\":0", "\"node\":7"),
            args: &["map", "info", "m.json"],
            code: 2,
            error: "m.json: invalid map: post `P0` is at node 7, but no node has that id",
        },
        Row {
            area: "map file",
            case: "a JSON map where two nodes have one id",
            files: json_map("{\"x_m\":100.0", "{\"id\":0,\"x_m\":100.0"),
            args: &["map", "info", "m.json"],
            code: 2,
            error: "m.json: invalid map: two nodes have the id 0",
        },
        Row {
            area: "map file",
            case: "a JSON map that is disconnected (node 2 has only one-way roads out)",
            files: json_map(
                &format!("{},{}", segment(1, 2, false), segment(2, 0, false)),
                &format!("{},{}", segment(2, 1, true), segment(2, 0, true)),
            ),
            args: &["map", "info", "m.json"],
            code: 2,
            error: "m.json: invalid map: road graph is not strongly connected: 2 of 3 nodes cannot reach or be reached from node 0 (first: node 1)",
        },
        Row {
            area: "map file",
            case: "a JSON map with a negative segment length",
            files: json_map("\"length_m\":100.0", "\"length_m\":-100.0"),
            args: &["map", "info", "m.json"],
            code: 2,
            error: "m.json: invalid map: segment 0 -> 1 has length_m = -100: must be finite and >= 0",
        },
        Row {
            area: "map file",
            case: "a binary map that is not one",
            files: vec![file("m.pmap", "PK\u{3}\u{4} not a map")],
            args: &["map", "info", "m.pmap"],
            code: 2,
            error: "m.pmap: not a usable binary map file: it does not start with [80, 83, 73, 77, 77, 65, 80, 0]",
        },
        Row {
            area: "map file",
            case: "a binary map of an older format (version 1 kept no node ids)",
            files: vec![file(
                "m.pmap",
                "PSIMMAP\0\u{1}\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
            )],
            args: &["map", "info", "m.pmap"],
            code: 2,
            error: "m.pmap: not a usable binary map file: format version 1; this patrolsim reads versions 2 to 3 (write the map again from its source)",
        },
        Row {
            area: "map file",
            case: "a map file of unknown kind",
            files: vec![file("m.txt", "a,b\n")],
            args: &["map", "info", "m.txt"],
            code: 2,
            error: "m.txt: unknown kind of map file; the name must end with one of .json, .pmap, .osm.pbf, .pbf, .osm, .osm.gz",
        },
        // Call histories.
        Row {
            area: "history",
            case: "`[demand.history]` with `calls_per_hour` as well",
            files: {
                let mut f = scenario(
                    "placement = \"uniform\"\n",
                    "[demand.history]\nfile = \"h.csv\"\n",
                );
                f.push(file("h.csv", HISTORY));
                f
            },
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: demand.calls_per_hour = 3: not used with [demand.history]: the history gives the calls",
        },
        Row {
            area: "history",
            case: "unknown key in `[demand.history]` (`tz` for `time_zone`)",
            files: history_scenario("tz = \"UTC\"\n", None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: line 26: `tz = \"UTC\"`: unknown field `tz`, expected one of `file`, `time_column`, `time_formats`, `time_zone`, `lat_column`, `lon_column`, `x_column`, `y_column`, `node_column`, `type_column`, `types`, `on_scene_column`, `max_snap_m`, `sequence_column`, `midnight_pm`, `start`, `strict`",
        },
        Row {
            area: "history",
            case: "not an IANA time zone",
            files: history_scenario("time_zone = \"Europe/Atlantis\"\n", None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: demand.history.time_zone = \"Europe/Atlantis\": not an IANA time zone (e.g. \"UTC\", \"America/Los_Angeles\")",
        },
        Row {
            area: "history",
            case: "the history file does not exist",
            files: history_scenario("", None)
                .into_iter()
                .filter(|(n, _)| *n != "h.csv")
                .collect(),
            args: &["check", "s.toml"],
            code: 2,
            error: "h.csv: cannot read: No such file or directory (os error 2)",
        },
        Row {
            area: "history",
            case: "a type that is no incident type of the scenario, under `strict`",
            files: history_scenario(
                "strict = true\n",
                Some(&HISTORY.replacen("violent", "burglary", 1)),
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "h.csv: line 2: type: \"burglary\": \"burglary\" is no incident type of the scenario (types: violent, routine)",
        },
        Row {
            area: "history",
            case: "empty history file",
            files: calibration("", ""),
            args: &["calibrate", "h.csv", "--map", "m.json"],
            code: 2,
            error: "h.csv: cannot read: empty: no header line",
        },
        Row {
            area: "history",
            case: "no position column",
            files: calibration("time,type\n2024-01-01T10:00:00+0000,a\n", ""),
            args: &["calibrate", "h.csv", "--map", "m.json"],
            code: 2,
            error: "default columns: lat_column = (not given): no position columns in h.csv (columns: time, type): give lat_column and lon_column, or x_column and y_column, or node_column (or name the columns lat/lon, x_m/y_m or node)",
        },
        Row {
            area: "history",
            case: "a column named in the mapping is missing",
            files: calibration(HISTORY, "type_column = \"kind\"\n"),
            args: &[
                "calibrate",
                "h.csv",
                "--map",
                "m.json",
                "--columns",
                "c.toml",
            ],
            code: 2,
            error: "c.toml: type_column = \"kind\": no such column in h.csv (columns: time, type, x_m, y_m)",
        },
        Row {
            area: "history",
            case: "unknown key in the column mapping",
            files: calibration(HISTORY, "timezone = \"UTC\"\n"),
            args: &[
                "calibrate",
                "h.csv",
                "--map",
                "m.json",
                "--columns",
                "c.toml",
            ],
            code: 2,
            error: "c.toml: line 1: `timezone = \"UTC\"`: unknown field `timezone`, expected one of `file`, `time_column`, `time_formats`, `time_zone`, `lat_column`, `lon_column`, `x_column`, `y_column`, `node_column`, `type_column`, `types`, `on_scene_column`, `max_snap_m`, `sequence_column`, `midnight_pm`, `start`, `strict`",
        },
        Row {
            area: "history",
            case: "no time format",
            files: calibration(HISTORY, "time_formats = []\n"),
            args: &[
                "calibrate",
                "h.csv",
                "--map",
                "m.json",
                "--columns",
                "c.toml",
            ],
            code: 2,
            error: "c.toml: time_formats = \"[]\": give at least one format",
        },
        Row {
            area: "history",
            case: "negative `max_snap_m`",
            files: calibration(HISTORY, "max_snap_m = -1\n"),
            args: &[
                "calibrate",
                "h.csv",
                "--map",
                "m.json",
                "--columns",
                "c.toml",
            ],
            code: 2,
            error: "c.toml: max_snap_m = -1.0: must be >= 0",
        },
        Row {
            area: "history",
            case: "lat/lon columns on a map without a geographic origin",
            files: calibration(
                "time,type,lat,lon\n2024-01-01T10:00:00+0000,a,1,1\n",
                "lat_column = \"lat\"\nlon_column = \"lon\"\n",
            ),
            args: &[
                "calibrate",
                "h.csv",
                "--map",
                "m.json",
                "--columns",
                "c.toml",
            ],
            code: 2,
            error: "c.toml: lat_column = \"lat\": map `tri` has no geographic origin: give x/y or node columns, or use a map made from lat/lon data",
        },
        Row {
            area: "history",
            case: "a time in no format given, under `--strict`",
            files: calibration(
                &HISTORY.replacen("2024-01-01T10:00:00+0000", "yesterday", 1),
                "",
            ),
            args: &["calibrate", "h.csv", "--map", "m.json", "--strict"],
            code: 2,
            error: "h.csv: line 2: time: \"yesterday\": matches none of the time formats [\"%Y-%m-%dT%H:%M:%S%z\", \"%Y-%m-%d %H:%M:%S\"]",
        },
        Row {
            area: "history",
            case: "hour 24, under `--strict`",
            files: calibration(&HISTORY.replacen("T10:", "T24:", 1), ""),
            args: &["calibrate", "h.csv", "--map", "m.json", "--strict"],
            code: 2,
            error: "h.csv: line 2: time: \"2024-01-01T24:00:00+0000\": hour 24 is not a time of day (hours are 00 to 23)",
        },
        Row {
            area: "history",
            case: "a call farther than `max_snap_m` from every road node, under `--strict`",
            files: calibration(&HISTORY.replacen(",10,10", ",5000,10", 1), ""),
            args: &["calibrate", "h.csv", "--map", "m.json", "--strict"],
            code: 2,
            error: "h.csv: line 2: x_m: \"5000\": 4900 m from the nearest road node; max_snap_m = 250",
        },
        Row {
            area: "history",
            case: "no usable calls (every row bad)",
            files: calibration("time,type,x_m,y_m\nyesterday,a,10,10\n,b,5,5\n", ""),
            args: &["calibrate", "h.csv", "--map", "m.json"],
            code: 2,
            error: "h.csv: no usable calls in 2 rows; first bad row: line 2: time: \"yesterday\": matches none of the time formats [\"%Y-%m-%dT%H:%M:%S%z\", \"%Y-%m-%d %H:%M:%S\"]",
        },
        Row {
            area: "history",
            case: "a call at a node id the map lacks, under `--strict`",
            files: calibration("time,type,node\n2024-01-01T10:00:00+0000,violent,3\n", ""),
            args: &["calibrate", "h.csv", "--map", "m.json", "--strict"],
            code: 2,
            error: "h.csv: line 2: node: \"3\": no node of map `tri` has that id",
        },
        Row {
            area: "history",
            case: "a history that is not UTF-8 text",
            files: calibration("", "")
                .into_iter()
                .map(|(n, b)| {
                    if n == "h.csv" {
                        (n, vec![0xff, 0xfe, b'\n'])
                    } else {
                        (n, b)
                    }
                })
                .collect(),
            args: &["calibrate", "h.csv", "--map", "m.json"],
            code: 2,
            error: "h.csv: cannot read: header line: invalid utf-8 sequence of 1 bytes from index 0",
        },
        Row {
            area: "history",
            case: "a quoted field not closed, under `--strict`",
            files: calibration(&HISTORY.replacen(",violent,", ",\"violent,", 1), ""),
            args: &["calibrate", "h.csv", "--map", "m.json", "--strict"],
            code: 2,
            error: "h.csv: line 2: row: \"2024-01-01T10:00:00+0000,\\\"violent,10,10\": a quoted field is not closed",
        },
        Row {
            area: "output",
            case: "`calibrate` into a folder inside a file",
            files: calibration(HISTORY, "")
                .into_iter()
                .chain([file("out", "")])
                .collect(),
            args: &["calibrate", "h.csv", "--map", "m.json", "-o", "out/cal"],
            code: 2,
            error: "out/cal: cannot write in this output folder: out is not a folder",
        },
        Row {
            area: "output",
            case: "`analyze` into a folder inside a file",
            files: json_map("", "")
                .into_iter()
                .chain([file("out", "")])
                .collect(),
            args: &["analyze", "m.json", "-o", "out/a"],
            code: 2,
            error: "out/a: cannot write in this output folder: out is not a folder",
        },
        Row {
            area: "output",
            case: "`compare` into a folder inside a file",
            files: vec![file("out", "")],
            args: &["compare", "r1", "r2", "-o", "out/c"],
            code: 2,
            error: "out/c: cannot write in this output folder: out is not a folder",
        },
        Row {
            area: "output",
            case: "`compare` of a folder with no run in it",
            files: vec![file("r1/readme.txt", ""), file("r2/readme.txt", "")],
            args: &["compare", "r1", "r2", "-o", "c"],
            code: 2,
            error: "r1: no run in this folder (no summary.json, which a finished run has)",
        },
        // Output folders.
        Row {
            area: "output",
            case: "the output folder is an existing file",
            files: scenario("", "")
                .into_iter()
                .chain([file("out", "")])
                .collect(),
            args: &["run", "s.toml", "-o", "out"],
            code: 2,
            error: "out: cannot write in this output folder: out is not a folder",
        },
        Row {
            area: "output",
            case: "the output folder is inside a file",
            files: sweep("", "").into_iter().chain([file("out", "")]).collect(),
            args: &["sweep", "w.toml", "-o", "out/sweep"],
            code: 2,
            error: "out/sweep: cannot write in this output folder: out is not a folder",
        },
        Row {
            area: "output",
            case: "a map written into a folder that is a file",
            files: json_map("", "")
                .into_iter()
                .chain([file("out", "")])
                .collect(),
            args: &["map", "export", "m.json", "-o", "out/m.pmap"],
            code: 2,
            error: "out: cannot write in this output folder: out is not a folder",
        },
        Row {
            area: "output",
            case: "`report` on a folder with no run in it",
            files: vec![file("run/readme.txt", "")],
            args: &["report", "run"],
            code: 2,
            error: "run: no run in this folder (no summary.json, which a finished run has)",
        },
        // Outputs never replace inputs.
        Row {
            area: "output",
            case: "`[map] cache` naming the map's source itself",
            files: scenario(
                "[map.grid]\nn = 12\nposts_per_side = 2\nspacing_m = 400\nspeed_kmh = 36\n",
                "[map]\nfile = \"a.osm\"\ncache = \"a.osm\"\n",
            )
            .into_iter()
            .chain([file("a.osm", "<osm/>")])
            .collect(),
            args: &["run", "s.toml"],
            code: 2,
            error: "s.toml: map.cache = \"a.osm\": must name a binary map file ending .pmap (it is written over, so it is never the map's source)",
        },
        Row {
            area: "output",
            case: "a run into the folder holding the scenario's map `map.pmap` (the run writes its own `map.pmap`)",
            files: scenario(
                "[map.grid]\nn = 12\nposts_per_side = 2\nspacing_m = 400\nspeed_kmh = 36\n",
                "[map]\nfile = \"map.pmap\"\n",
            )
            .into_iter()
            .chain([("map.pmap", tiny_grid_pmap())])
            .collect(),
            args: &["run", "s.toml", "-o", "."],
            code: 2,
            error: "./map.pmap: would replace s.toml's map.file (map.pmap); choose another output",
        },
        Row {
            area: "output",
            case: "a run into the folder holding the scenario file `scenario.toml`",
            files: vec![file("scenario.toml", TINY)],
            args: &["run", "scenario.toml", "-o", "."],
            code: 2,
            error: "./scenario.toml: would replace the scenario file (scenario.toml); choose another output",
        },
        Row {
            area: "output",
            case: "a run into a sweep's output folder",
            files: scenario("", "")
                .into_iter()
                .chain([file("out/pairs/p00000-r00000.json", "{}")])
                .collect(),
            args: &["run", "s.toml", "-o", "out"],
            code: 2,
            error: "out: holds a sweep's results (pairs/); give a run another folder",
        },
        Row {
            area: "output",
            case: "`map export` writing the map file it reads",
            files: json_map("", ""),
            args: &["map", "export", "m.json", "-o", "m.json"],
            code: 2,
            error: "m.json: would replace the map read (m.json); choose another output",
        },
        Row {
            area: "output",
            case: "`map export` with `-o` and `--geojson` the same file",
            files: json_map("", ""),
            args: &[
                "map",
                "export",
                "m.json",
                "-o",
                "out.json",
                "--geojson",
                "out.json",
            ],
            code: 2,
            error: "out.json: would replace the -o map file (out.json); choose another output",
        },
        Row {
            area: "output",
            case: "`map import` writing over its `--zones` file",
            files: vec![file("a.osm", "<osm/>"), file("z.json", "{}")],
            args: &[
                "map", "import", "a.osm", "--zones", "z.json", "-o", "z.json",
            ],
            code: 2,
            error: "z.json: would replace --zones (z.json); choose another output",
        },
        Row {
            area: "output",
            case: "`map import` into OpenStreetMap data (its own source)",
            files: vec![file("a.osm", "<osm/>")],
            args: &["map", "import", "a.osm", "-o", "a.osm"],
            code: 2,
            error: "a.osm: patrolsim writes .json or .pmap map files, not OpenStreetMap data",
        },
        Row {
            area: "output",
            case: "`map import` into a file of no map kind",
            files: vec![file("a.osm", "<osm/>")],
            args: &["map", "import", "a.osm", "-o", "x.txt"],
            code: 2,
            error: "x.txt: unknown kind of map file; the name must end with one of .json, .pmap, .osm.pbf, .pbf, .osm, .osm.gz",
        },
        Row {
            area: "output",
            case: "`compare` into one of the compared runs",
            files: vec![file("r1/readme.txt", ""), file("r2/readme.txt", "")],
            args: &["compare", "r1", "r2", "-o", "r1"],
            code: 2,
            error: "r1: would replace a compared run (r1); choose another output",
        },
        // A scenario's name names its output folder.
        Row {
            area: "scenario",
            case: "a name that is a path out of `outputs/`",
            files: scenario("name = \"tiny-grid\"", "name = \"../../escaped\""),
            args: &["run", "s.toml"],
            code: 2,
            error: "s.toml: name = \"../../escaped\": is a name, not a path: no / or \\ (set output_dir to choose the output folder)",
        },
        Row {
            area: "scenario",
            case: "the name `..`",
            files: scenario("name = \"tiny-grid\"", "name = \"..\""),
            args: &["run", "s.toml"],
            code: 2,
            error: "s.toml: name = \"..\": is a name, not a path: not . or ..",
        },
        Row {
            area: "scenario",
            case: "a name with a NUL character",
            files: scenario("name = \"tiny-grid\"", "name = \"a\\u0000b\""),
            args: &["run", "s.toml"],
            code: 2,
            error: "s.toml: name = \"a\\0b\": must not contain control characters (NUL, newline, tab)",
        },
        Row {
            area: "scenario",
            case: "a name of 101 characters",
            files: scenario(
                "name = \"tiny-grid\"",
                &format!("name = \"{}\"", "x".repeat(101)),
            ),
            args: &["run", "s.toml"],
            code: 2,
            error: leak(format!(
                "s.toml: name = \"{}… (101 characters)\": must be at most 100 characters (and 255 bytes)",
                "x".repeat(80)
            )),
        },
        // Values that overflowed inside the simulation: refused by check, and so by run.
        Row {
            area: "scenario",
            case: "a call rate of 1e308 an hour (the records' reserve overflowed)",
            files: scenario("calls_per_hour = 3", "calls_per_hour = 1e308"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: demand.calls_per_hour = 1e308: must be <= 10000 (calls an hour)",
        },
        Row {
            area: "scenario",
            case: "one hour of the profile at 1e308 calls",
            files: scenario(
                "calls_per_hour = 3",
                "hourly_profile = [3, 3, 3, 3, 3, 1e308, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: demand.hourly_profile[5] = 1e308: must be <= 10000 (calls an hour)",
        },
        Row {
            area: "scenario",
            case: "a large event with 1e308 extra calls an hour",
            files: scenario(
                "[units_per_post]",
                "[[large_events]]\nname = \"fair\"\nvenue = \"P0\"\nstart_h = 5\nhours = 4\nextra_calls_per_hour = 1e308\n\n[units_per_post]",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: large_events[0].extra_calls_per_hour = 1e308: must be <= 10000 (calls an hour)",
        },
        Row {
            area: "scenario",
            case: "a log-normal on-scene spread of 1e308 minutes",
            files: scenario("sd_min = 20", "sd_min = 1e308"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[0].on_scene.sd_min = 1e308: must be <= 52560000 (100 years)",
        },
        Row {
            area: "scenario",
            case: "a log-normal spread a million times its mean (its parameters overflow)",
            files: scenario(
                "mean_min = 40, sd_min = 20",
                "mean_min = 1e-300, sd_min = 20",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[0].on_scene.sd_min = 20.0: must be <= 1000 x on_scene.mean_min",
        },
        // Accepted before without comment, giving wrong results.
        Row {
            area: "scenario",
            case: "a type needing more units than the force has (100 of 4)",
            files: scenario("units_needed = 2", "units_needed = 100"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[0].units_needed = 100: the force has 4 units in all: a call of this type could never have them all",
        },
        Row {
            area: "scenario",
            case: "a dispatch delay of 1e308 s",
            files: scenario("delay_s = 60", "delay_s = 1e308"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: dispatch.delay_s = 1e308: must be <= 86400 (a day)",
        },
        Row {
            area: "OSM",
            case: "a node at latitude 95",
            files: vec![file(
                "a.osm",
                "<?xml version=\"1.0\"?>\n<osm version=\"0.6\">\n<node id=\"1\" lat=\"95\" lon=\"7\"/>\n</osm>\n",
            )],
            args: &["map", "import", "a.osm", "-o", "a.pmap"],
            code: 2,
            error: "a.osm: node 1: latitude 95 / longitude 7: not on the globe (latitude -90 to 90, longitude -180 to 180)",
        },
        Row {
            area: "OSM",
            case: "a node id given twice",
            files: vec![file(
                "a.osm",
                "<?xml version=\"1.0\"?>\n<osm version=\"0.6\">\n<node id=\"1\" lat=\"43.7\" lon=\"7\"/>\n<node id=\"1\" lat=\"43.8\" lon=\"7\"/>\n</osm>\n",
            )],
            args: &["map", "import", "a.osm", "-o", "a.pmap"],
            code: 2,
            error: "a.osm: node 1: given twice in the file",
        },
        Row {
            area: "CSV map",
            case: "a latitude of 91",
            files: csv_map(Some("id,lat,lon\n1,43.7,7\n2,91,7\n3,43.8,7.1\n"), None, None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nodes.csv: line 3: lat = 91: must be in -90 to 90 degrees",
        },
        Row {
            area: "CSV map",
            case: "a longitude of 200",
            files: csv_map(Some("id,lat,lon\n1,43.7,200\n2,43.7,7\n3,43.8,7.1\n"), None, None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nodes.csv: line 2: lon = 200: must be in -180 to 180 degrees",
        },
        Row {
            area: "map file",
            case: "two zones with one name",
            files: json_map(
                "\"zones\":[{\"name\":\"z\",\"population\":100}]",
                "\"zones\":[{\"name\":\"z\",\"population\":100},{\"name\":\"z\",\"population\":5}]",
            ),
            args: &["map", "info", "m.json"],
            code: 2,
            error: "m.json: invalid map: two zones are named `z`",
        },
        Row {
            area: "map file",
            case: "a zone without a name",
            files: json_map("{\"name\":\"z\"", "{\"name\":\"\""),
            args: &["map", "info", "m.json"],
            code: 2,
            error: "m.json: invalid map: zone 0 has no name",
        },
        Row {
            area: "scenario",
            case: "a GeoJSON zone named `outside` (the name of the nodes in no zone)",
            files: scenario("[map.grid]", "[map]\nzones = \"z.geojson\"\n[map.grid]")
                .into_iter()
                .chain([file(
                    "z.geojson",
                    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"outside\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}]}",
                )])
                .collect(),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: z.geojson: feature 0: name = \"outside\": the name of the nodes in no zone; call it otherwise",
        },
        // Messages that named the wrong thing, and exit codes.
        Row {
            area: "CSV map",
            case: "two posts with one name (the posts file's line is named)",
            files: csv_map(None, None, Some("name,kind,node\nkiosk,kiosk,1\nkiosk,kiosk,2\n")),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: posts.csv: line 3: name = \"kiosk\": an earlier post has this name",
        },
        Row {
            area: "scenario",
            case: "a shift starting at hour 24",
            files: force_scenario(
                "shifts = [{ name = \"day\", start_h = 24, hours = 12 }, { name = \"night\", start_h = 12, hours = 12 }]",
                "t",
                "",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: force.shifts[0] = \"day\": start_h must be in 0 to 23 (an hour of the day, below 24) and hours in (0, 24]",
        },
        Row {
            area: "scenario",
            case: "two shifts with one name",
            files: force_scenario(
                "shifts = [{ name = \"a\", start_h = 0, hours = 12 }, { name = \"a\", start_h = 12, hours = 12 }]",
                "t",
                "",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: force.shifts[1].name = \"a\": an earlier shift has this name",
        },
        Row {
            area: "scenario",
            case: "two teams with one name",
            files: force_scenario("shifts = \"2x12\"", "t", "t"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: force.teams[1].name = \"t\": an earlier team has this name",
        },
        Row {
            area: "scenario",
            case: "two readiness windows with one name",
            files: {
                let mut f = force_scenario("shifts = \"2x12\"", "t", "");
                let window = "[[readiness]]\nname = \"alert\"\nlevel = 2\nstart_h = 5\nhours = 2\non_duty_factor = 1.5\n";
                f[0].1.extend(format!("{window}{window}").into_bytes());
                f
            },
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: readiness[1].name = \"alert\": an earlier readiness window has this name",
        },
        Row {
            area: "scenario",
            case: "4294967295 crews per post (made before anything ran, filling the memory)",
            files: scenario("per_post = 1", "per_post = 4294967295"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: units_per_post.per_post = 4294967295: must be <= 1000",
        },
        Row {
            area: "scenario",
            case: "a billion replications",
            files: scenario("replications = 2", "replications = 1000000000"),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: replications = 1000000000: must be <= 400",
        },
        Row {
            area: "node ids",
            case: "`analyze` on a map with no posts and no `--posts`",
            files: json_map("{\"name\":\"P0\",\"kind\":\"kiosk\",\"node\":0}", ""),
            args: &["analyze", "m.json"],
            code: 2,
            error: "m.json: map `tri` has no posts: give --posts",
        },
        Row {
            area: "sweep",
            case: "an axis on `replications`",
            files: sweep(
                "key = \"units_per_post.per_post\"",
                "key = \"replications\"",
            ),
            args: &["sweep", "w.toml"],
            code: 2,
            error: "w.toml: axis[0].key = \"replications\": is not an axis: every point runs the same replications; set the sweep's replications = N",
        },
        Row {
            area: "CSV map",
            case: "a node table separated by `;` (the header is the problem, not line 2)",
            files: csv_map(Some("id;x_m;y_m\n1;0;0\n2;300;0\n3;300;400\n"), None, None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: nodes.csv: line 1: header `id;x_m;y_m`: the separator looks like `;`, patrolsim reads comma-separated files (expected a header like `id,x_m,y_m`)",
        },
        Row {
            area: "history",
            case: "a call history separated by `;` (the header is the problem, not a missing column)",
            files: history_scenario(
                "",
                Some("time;type;x_m;y_m\n2024-01-01T10:00:00+0000;violent;10;10\n"),
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "h.csv: line 1: header `time;type;x_m;y_m`: the separator looks like `;`, patrolsim reads comma-separated files",
        },
        Row {
            area: "history",
            case: "a call history separated by tabs",
            files: history_scenario(
                "",
                Some("time\ttype\tx_m\ty_m\n2024-01-01T10:00:00+0000\tviolent\t10\t10\n"),
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "h.csv: line 1: header `time\ttype\tx_m\ty_m`: the separator looks like a tab, patrolsim reads comma-separated files",
        },
        Row {
            area: "CSV map",
            case: "an edge table whose header lacks a required column",
            files: csv_map(None, Some("source,to\n1,2\n2,3\n3,1\n"), None),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: map: edges.csv: line 1: header `source,to`: no `from` column (expected a header like `from,to`)",
        },
        Row {
            area: "scenario",
            case: "a fixed on-scene time of 0 (refused like a mean of 0 of the other distributions)",
            files: scenario(
                "{ distribution = \"lognormal\", mean_min = 40, sd_min = 20 }",
                "{ distribution = \"fixed\", mean_min = 0 }",
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: "s.toml: incident_types[0].on_scene.mean_min = 0.0: must be > 0",
        },
        Row {
            area: "output",
            case: "`report` on a run that stopped part-way (tables, no summary.json)",
            files: vec![file("run/scenario.toml", TINY), file("run/calls.parquet", "")],
            args: &["report", "run"],
            code: 2,
            error: "run: an unfinished run: no summary.json, which a run writes last (the run stopped part-way; run it again)",
        },
        Row {
            area: "output",
            case: "`report` on the folder of a sweep shard (saved pairs, no points table)",
            files: vec![
                file("shard/pairs/p0-r0.json", "{}"),
                file("shard/pairs/p1-r0.json", "{}"),
            ],
            args: &["report", "shard"],
            code: 2,
            error: "shard: holds 2 saved (point, replication) results of a sweep in pairs/ but no points table: a shard of a sweep (gather the shards with `patrolsim merge SWEEP SHARD_DIR...`) or a sweep that stopped (run it again to finish it)",
        },
        Row {
            area: "scenario",
            case: "a value of 200,000 characters on one line (echoed cut to 80, with its length)",
            files: scenario("days = 3", &format!("days = \"{}\"", "x".repeat(200_000))),
            args: &["check", "s.toml"],
            code: 2,
            error: leak(format!(
                "s.toml: line 6: `days = \"{}… (200009 characters)`: invalid type: string \"{}… (200000 characters)\", expected f64",
                "x".repeat(72),
                "x".repeat(80)
            )),
        },
        Row {
            area: "CSV map",
            case: "a node id of 200,000 characters (echoed cut to 80, with its length)",
            files: csv_map(
                Some(&format!("id,x_m,y_m\n{},0,0\n2,300,0\n3,300,400\n", "7".repeat(200_000))),
                None,
                None,
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: leak(format!(
                "s.toml: map: nodes.csv: line 2: id = \"{}… (200000 characters)\": node ids are whole numbers",
                "7".repeat(80)
            )),
        },
        Row {
            area: "history",
            case: "a call type of 200,000 characters (echoed cut to 80, with its length)",
            files: history_scenario(
                "",
                Some(&format!(
                    "time,type,x_m,y_m\n2024-01-01T10:00:00+0000,{},10,10\n",
                    "v".repeat(200_000)
                )),
            ),
            args: &["check", "s.toml"],
            code: 2,
            error: leak(format!(
                "h.csv: no usable calls in 1 rows; first bad row: line 2: type: \"{v}… (200000 characters)\": \"{v}… (200000 characters)\" is no incident type of the scenario (types: violent, routine)",
                v = "v".repeat(80)
            )),
        },
    ]
}

/// All files under `dir`, relative.
fn listing(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.insert(p.strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    out
}

/// Runs `row` in a fresh folder; returns its exit code and stderr, after checking that it wrote
/// no file.
fn run(row: &Row, locked: Option<&str>) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    for (name, bytes) in &row.files {
        let path = tmp.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let held = locked.map(|dir| {
        let folder = std::fs::File::open(tmp.path().join(dir)).unwrap();
        folder.try_lock().unwrap();
        folder
    });
    let before = listing(tmp.path());
    let out = patrolsim(row.args, tmp.path());
    drop(held);
    let after = listing(tmp.path());
    assert_eq!(before, after, "{}: files left behind", row.case);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_row_fails_with_its_exact_error() {
    let mut wrong = Vec::new();
    for (row, locked) in all_rows() {
        let expected = format!("error: {}\n", row.error);
        let mut runs = vec![run(&row, locked)];
        // `check` and `run` read a scenario alike: run refuses what check refuses, the same way.
        if row.args[0] == "check" {
            let args: Vec<&str> = ["run"]
                .into_iter()
                .chain(row.args[1..].iter().copied())
                .collect();
            let as_run = Row {
                area: row.area,
                case: row.case,
                files: row.files.clone(),
                args: Box::leak(args.into_boxed_slice()),
                code: row.code,
                error: row.error,
            };
            runs.push(run(&as_run, locked));
        }
        for (code, stderr) in runs {
            assert!(!stderr.contains("panicked"), "{}: {stderr}", row.case);
            if code != Some(row.code) || stderr != expected {
                wrong.push(format!(
                    "{} / {}: exit {code:?}, stderr\n{stderr}",
                    row.area, row.case
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The rows as a Markdown table.
fn table() -> String {
    let mut md = String::from("| # | Input | Bad input | Command | Exit | Error (exact) |\n");
    md.push_str("|---|---|---|---|---|---|\n");
    for (i, (row, _)) in all_rows().iter().enumerate() {
        md.push_str(&format!(
            "| {} | {} | {} | `patrolsim {}` | {} | `` {} `` |\n",
            i + 1,
            row.area,
            row.case.replace('|', "\\|"),
            row.args.join(" "),
            row.code,
            row.error.replace('|', "\\|"),
        ));
    }
    md
}

const BEGIN: &str = "<!-- BEGIN bad-input table: generated by tests/it/errors.rs -->\n";
const END: &str = "<!-- END bad-input table -->\n";

#[test]
fn rows_are_documented() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = doc
        .split_once(BEGIN)
        .expect("docs/errors.md lacks the BEGIN marker");
    let (_, tail) = rest
        .split_once(END)
        .expect("docs/errors.md lacks the END marker");
    let fresh = format!("{head}{BEGIN}{}{END}{tail}", table());
    if std::env::var_os("PATROLSIM_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    } else {
        assert!(
            doc == fresh,
            "docs/errors.md differs from the table in tests/it/errors.rs; rewrite it with \
             PATROLSIM_BLESS=1 cargo test --release --test it -- errors::"
        );
    }
    assert!(all_rows().len() >= 30);
}

/// A tmpfs mounted for a test, unmounted when dropped.
struct TinyDisk(PathBuf);

impl TinyDisk {
    /// Mounts a tmpfs of `size` (as `mount` reads it: `64k`) at `at`.
    fn mount(at: &Path, size: &str) -> TinyDisk {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mount tmpfs at {} (needs root)", at.display());
        TinyDisk(at.to_path_buf())
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

const FULL_DISK_ERROR: &str =
    "error: disk/out/calls.csv: writing failed: No space left on device (os error 28)\n";

/// A full disk, for real: the output folder is on a 64 KiB tmpfs, which the run's tables do not
/// fit. The run fails with exit code 1 (not bad input: the disk, not the scenario), leaves no
/// temporary file, and leaves no summary.json, so the folder is not taken for a finished run.
/// Needs root to mount; runs with `PATROLSIM_TMPFS=1` (set by `.ci/run`).
#[test]
fn a_full_disk_leaves_no_partial_file() {
    if std::env::var_os("PATROLSIM_TMPFS").is_none() {
        eprintln!("skipped: set PATROLSIM_TMPFS=1 (root) to write to a full tmpfs");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), TINY).unwrap();
    let disk = TinyDisk::mount(&tmp.path().join("disk"), "64k");
    let out = patrolsim(
        &["run", "s.toml", "-o", "disk/out", "--no-report"],
        tmp.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, FULL_DISK_ERROR);
    let left = listing(&disk.0);
    assert!(
        left.iter().all(|p| !p.to_string_lossy().contains(".tmp")),
        "{left:?}"
    );
    assert!(!left.contains(Path::new("out/summary.json")), "{left:?}");
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .unwrap();
    assert!(
        doc.contains(FULL_DISK_ERROR.trim_end()),
        "docs/errors.md lacks the full-disk error"
    );
}

/// The tmpfs's page: what it allocates in.
const PAGE: u64 = 4096;

/// Fills the disk holding `dir` with a file in it, then frees exactly `free` bytes (whole pages)
/// of it again.
fn fill_leaving(dir: &Path, free: u64) {
    use std::io::Write;
    let path = dir.join("filler");
    let mut filler = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; PAGE as usize];
    while filler.write(&chunk).is_ok_and(|n| n > 0) {}
    let len = filler.metadata().unwrap().len();
    filler.set_len(len - free).unwrap();
}

const FULL_DISK_CHART_ERROR: &str = "error: disk/out/chart_response_cdf.png: writing failed: No space left on device (os error 28)\n";

/// A full disk while drawing a chart, for real: a finished run's folder on a tmpfs with room
/// left for the first chart's SVG and one page more, not for its PNG. `report` fails with one
/// line naming the chart file and the system's words (exit code 1: the disk, not the input),
/// and leaves no temporary file and no PNG.
/// Needs root to mount; runs with `PATROLSIM_TMPFS=1` (set by `.ci/run`).
#[test]
fn a_full_disk_while_drawing_a_chart_names_the_chart() {
    if std::env::var_os("PATROLSIM_TMPFS").is_none() {
        eprintln!("skipped: set PATROLSIM_TMPFS=1 (root) to write to a full tmpfs");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), TINY).unwrap();
    let out = patrolsim(&["run", "s.toml", "-o", "run"], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::metadata(tmp.path().join("run/chart_response_cdf.svg"))
        .unwrap()
        .len();
    let disk = TinyDisk::mount(&tmp.path().join("disk"), "8m");
    let folder = disk.0.join("out");
    std::fs::create_dir(&folder).unwrap();
    for entry in std::fs::read_dir(tmp.path().join("run")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("chart_") && !name.starts_with("report.") {
            std::fs::copy(&path, folder.join(&name)).unwrap();
        }
    }
    fill_leaving(&disk.0, svg.div_ceil(PAGE) * PAGE + PAGE);
    let out = patrolsim(&["report", "disk/out"], tmp.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, FULL_DISK_CHART_ERROR);
    let left = listing(&folder);
    assert!(
        left.iter().all(|p| !p.to_string_lossy().contains(".tmp")),
        "{left:?}"
    );
    assert!(
        left.contains(Path::new("chart_response_cdf.svg")),
        "{left:?}"
    );
    assert!(
        !left.contains(Path::new("chart_response_cdf.png")),
        "{left:?}"
    );
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .unwrap();
    assert!(
        doc.contains(FULL_DISK_CHART_ERROR.trim_end()),
        "docs/errors.md lacks the full-disk chart error"
    );
}

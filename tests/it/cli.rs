//! End-to-end runs of the `patrolsim` binary: the default run, `check`, and bad input, which
//! must give one clear line naming the file, key and value, exit code 2, and no output.

use crate::common;

use common::{assert_bad_input, patrolsim};
use std::path::Path;
use std::process::{Command, Output};

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn default_run_writes_tables_that_polars_reads_back() {
    use polars::prelude::*;
    let tmp = tempfile::tempdir().unwrap();
    let out = patrolsim(&["run", "--replications", "2"], tmp.path());
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("on scene <= 5 min"), "{stdout}");
    let dir = tmp.path().join("outputs/default");
    let file = std::fs::File::open(dir.join("calls.parquet")).unwrap();
    let calls = ParquetReader::new(file).finish().unwrap();
    assert!(calls.height() > 1000);
    for col in ["call_id", "response_s", "final_state", "zone", "first_unit"] {
        assert!(calls.column(col).is_ok(), "calls.parquet lacks {col}");
    }
    let csv = std::fs::read_to_string(dir.join("calls.csv")).unwrap();
    assert_eq!(csv.lines().count(), calls.height() + 1);
    let units = ParquetReader::new(std::fs::File::open(dir.join("units.parquet")).unwrap())
        .finish()
        .unwrap();
    let fleet = patrolsim::scenario::Scenario::default_scenario()
        .units
        .len();
    assert_eq!(units.height(), 2 * fleet);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary.as_array().unwrap().len(), 3);
    // Nothing half-written is left behind.
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "{name}");
    }
}

#[test]
fn a_bare_patrolsim_runs_the_default_scenario() {
    // The README's first command, `cargo run --release`, is a bare `patrolsim`: it starts the
    // built-in default scenario's run (staffing printed, outputs/default/ taken). The whole run
    // is the test above; this one stops it once it has started.
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_patrolsim"))
        .current_dir(tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let started = tmp.path().join("outputs/default").is_dir();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(first.starts_with("staffing (shifts: "), "{first}");
    assert!(started, "no outputs/default/");
    // `--help` stays conventional: usage, exit 0, nothing run.
    let help = patrolsim(&["--help"], tmp.path());
    let (stdout, _) = text(&help);
    assert!(help.status.success());
    assert!(stdout.contains("Usage: patrolsim [COMMAND]"), "{stdout}");
    assert!(stdout.contains("Without a command, patrolsim runs the built-in default"));
}

#[test]
fn shipped_scenarios_check_ok() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in [
        "default",
        "bench-grid-small",
        "bench-grid-city",
        "bench-grid-large",
        "osm-monaco",
    ] {
        let path = format!("scenarios/{name}.toml");
        let out = patrolsim(&["check", &path], root);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{path}: {stderr}");
        assert!(stdout.contains(": ok"), "{stdout}");
    }
}

#[test]
fn built_in_default_is_the_shipped_default_toml() {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml"),
    )
    .unwrap();
    assert_eq!(patrolsim::scenario::DEFAULT_SCENARIO_TOML, shipped);
}

/// Writes the default scenario with `from` replaced by `to` and checks that running it fails
/// with exit code 2, a message containing each of `expect`, and no output folder.
fn rejects(from: &str, to: &str, expect: &[&str]) {
    let default = patrolsim::scenario::DEFAULT_SCENARIO_TOML;
    assert!(
        default.contains(from),
        "test bug: {from:?} not in default.toml"
    );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, default.replacen(from, to, 1)).unwrap();
    for cmd in ["check", "run"] {
        let out = patrolsim(&[cmd, "bad.toml"], tmp.path());
        assert_bad_input(&out, &[&["bad.toml"], expect].concat());
    }
    assert!(
        !tmp.path().join("outputs").exists(),
        "output written for a bad scenario"
    );
}

#[test]
fn unknown_key_is_named() {
    rejects(
        "days = 28",
        "days = 28\ndayz = 3",
        &["unknown field `dayz`"],
    );
}

#[test]
fn negative_rate_is_named() {
    rejects(
        "hourly_profile = [14,",
        "hourly_profile = [-14,",
        &["demand.hourly_profile[0] = -14.0: must be >= 0"],
    );
}

#[test]
fn a_force_with_no_units_is_refused() {
    let default = patrolsim::scenario::DEFAULT_SCENARIO_TOML;
    let cut = default.find("# The force, as the plan").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.toml"), &default[..cut]).unwrap();
    let out = patrolsim(&["check", "bad.toml"], tmp.path());
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("bad.toml: units = 0 units: the force has no units"),
        "{stderr}"
    );
}

#[test]
fn post_not_on_the_map_is_named() {
    rejects(
        "posts = [\"hq\"]",
        "posts = [\"kiosk-99\"]",
        &["force.teams[3].posts[0] = \"kiosk-99\": no such post on map `new-area`"],
    );
}

#[test]
fn bad_staffing_is_named() {
    rejects(
        "officers_per_100k = 50",
        "officers_per_100k = 0",
        &["force.teams[0].officers_per_100k = 0.0: must be > 0"],
    );
    rejects(
        "crew_size = 2",
        "crew_size = 0",
        &["force.crew_size = 0: must be >= 1"],
    );
    rejects(
        "shifts = \"3x8\"",
        "shifts = [{ name = \"day\", start_h = 8, hours = 12 }]",
        &[
            "force.shifts",
            "do not cover 24 h: nobody is on duty at 00:00",
        ],
    );
}

#[test]
fn on_scene_mean_must_be_positive() {
    rejects(
        "mean_min = 35, sd_min = 20",
        "mean_min = -3, sd_min = 20",
        &["incident_types[1].on_scene.mean_min = -3.0: must be > 0"],
    );
}

#[test]
fn shares_must_sum_to_one() {
    rejects(
        "share = 0.60",
        "share = 0.50",
        &["incident_types[*].share", "shares must sum to 1"],
    );
}

#[test]
fn wrong_type_is_named() {
    rejects(
        "days = 28",
        "days = \"four weeks\"",
        &["days", "invalid type"],
    );
}

#[test]
fn missing_file_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = patrolsim(&["run", "nowhere.toml"], tmp.path());
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("nowhere.toml: cannot read"), "{stderr}");
}

#[test]
fn pandas_reads_the_parquet_tables() {
    let script = "import sys, pandas as pd\n\
                  d = sys.argv[1]\n\
                  calls = pd.read_parquet(d + '/calls.parquet')\n\
                  units = pd.read_parquet(d + '/units.parquet')\n\
                  summary = pd.read_parquet(d + '/summary.parquet')\n\
                  assert len(calls) > 1000 and len(units) == int(sys.argv[2]) and len(summary) == 2\n\
                  assert (calls['response_s'].dropna() >= 60).all()\n\
                  print(len(calls), calls['final_state'].value_counts().to_dict())\n";
    let has_pandas = Command::new("python3")
        .args(["-c", "import pandas, pyarrow"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_pandas {
        // CI installs pandas and sets this, so there the check always runs.
        assert!(
            std::env::var_os("PATROLSIM_REQUIRE_PANDAS").is_none(),
            "pandas and pyarrow are required here"
        );
        eprintln!("SKIPPED: pandas/pyarrow not installed (`pip install pandas pyarrow`)");
        return;
    }
    let fleet = patrolsim::scenario::Scenario::default_scenario()
        .units
        .len();
    let tmp = tempfile::tempdir().unwrap();
    let out = patrolsim(&["run", "--replications", "1", "-o", "out"], tmp.path());
    assert!(out.status.success(), "{}", text(&out).1);
    let py = Command::new("python3")
        .args(["-c", script, "out", &fleet.to_string()])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let (stdout, stderr) = text(&py);
    assert!(
        py.status.success(),
        "pandas could not read the tables: {stderr}"
    );
    println!("pandas read: {stdout}");
}

#[test]
fn unknown_map_file_kind_is_named() {
    rejects(
        "[map.new_area]\nseed = 2016",
        "[map]\nfile = \"roads.shp\"",
        &["roads.shp", "unknown kind of map file", ".osm.pbf"],
    );
}

#[test]
fn population_is_only_for_osm_data() {
    rejects(
        "[map.new_area]\nseed = 2016",
        "[map]\nfile = \"roads.json\"\npopulation = 5000",
        &["map.population = 5000", "only for OpenStreetMap data"],
    );
}

#[test]
fn bad_osm_file_in_a_scenario_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("city.osm"), "<osm><node id=\"1\"").unwrap();
    let default = patrolsim::scenario::DEFAULT_SCENARIO_TOML;
    let scenario = default.replacen(
        "[map.new_area]\nseed = 2016",
        "[map]\nfile = \"city.osm\"",
        1,
    );
    std::fs::write(tmp.path().join("bad.toml"), scenario).unwrap();
    let out = patrolsim(&["check", "bad.toml"], tmp.path());
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.toml") && stderr.contains("city.osm"),
        "{stderr}"
    );
    assert!(stderr.contains("not valid OSM XML"), "{stderr}");
}

/// `map import`, `map info` and `map export --geojson` on the Monaco extract.
#[test]
fn map_import_info_and_geojson_export() {
    let tmp = tempfile::tempdir().unwrap();
    let monaco = common::map_file("monaco.osm.gz").display().to_string();
    let out = patrolsim(
        &[
            "map",
            "import",
            &monaco,
            "-o",
            "monaco.pmap",
            "--population",
            "38000",
            "--posts",
            "4",
        ],
        tmp.path(),
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("509 drivable") && stdout.contains("ODbL"),
        "{stdout}"
    );
    let out = patrolsim(&["map", "info", "monaco.pmap"], tmp.path());
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    for expect in [
        "1 strongly connected component",
        "zone monaco: 38000 residents",
        "posts: 4 kiosk",
        "bbox: lon 7.40",
        "© OpenStreetMap contributors, ODbL 1.0",
    ] {
        assert!(stdout.contains(expect), "{expect:?} not in {stdout}");
    }
    let out = patrolsim(
        &[
            "map",
            "export",
            "monaco.pmap",
            "--geojson",
            "monaco.geojson",
            "-o",
            "monaco.json",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let geojson: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("monaco.geojson")).unwrap()).unwrap();
    assert_eq!(geojson["type"], "FeatureCollection");
    assert_eq!(
        geojson["attribution"],
        "© OpenStreetMap contributors, ODbL 1.0"
    );
    let features = geojson["features"].as_array().unwrap();
    let posts = features
        .iter()
        .filter(|f| f["properties"]["layer"] == "post")
        .count();
    assert_eq!(posts, 4);
    // Longitude first, inside Monaco.
    let lon = features[0]["geometry"]["coordinates"][0][0]
        .as_f64()
        .unwrap();
    assert!((7.40..7.44).contains(&lon), "{lon}");
    // The JSON copy is the same map.
    let json = patrolsim::map::read_map_file(&tmp.path().join("monaco.json")).unwrap();
    let (binary, _) = patrolsim::map::read_binary_map(&tmp.path().join("monaco.pmap")).unwrap();
    assert_eq!(json.node_count(), binary.node_count());
    assert_eq!(json.posts, binary.posts);
    assert_eq!(json.attribution, binary.attribution);
}

#[test]
fn map_import_of_a_bad_file_fails_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("junk.osm.pbf"),
        [0x00, 0x00, 0x00, 0x0d, 0xff, 0x12],
    )
    .unwrap();
    let out = patrolsim(
        &["map", "import", "junk.osm.pbf", "-o", "junk.pmap"],
        tmp.path(),
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("junk.osm.pbf: not a valid OSM PBF file"),
        "{stderr}"
    );
    assert!(!tmp.path().join("junk.pmap").exists());
}

/// A scenario on a CSV map (a 3 × 2 block with an east-west one-way pair), posts by p-centre.
#[test]
fn csv_map_scenario_checks_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        (
            "nodes.csv",
            "id,x_m,y_m,zone\n1,0,0,west\n2,400,0,west\n3,800,0,east\n4,0,400,west\n5,400,400,east\n6,800,400,east\n",
        ),
        (
            "edges.csv",
            "from,to,class,oneway\n1,2,primary,\n2,3,primary,\n4,5,,yes\n5,6,,yes\n6,3,,\n3,2,,\n1,4,,\n2,5,,\n5,4,service,yes\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    // The default scenario's demand and incident types, two crews per post instead of its force
    // (whose teams name the new area's zones): 4 crews, as many as a type needs.
    let default = patrolsim::scenario::DEFAULT_SCENARIO_TOML;
    let without_force = &default[..default.find("# The force, as the plan").unwrap()];
    let scenario = format!("{without_force}[units_per_post]\nper_post = 2\n")
        .replacen(
            "[map.new_area]\nseed = 2016",
            "[map]\nauto_posts = 2\n[map.csv]\nnodes = \"nodes.csv\"\nedges = \"edges.csv\"\npopulation = 5000",
            1,
        )
        .replacen("days = 28", "days = 2", 1);
    std::fs::write(tmp.path().join("csv.toml"), scenario).unwrap();
    let out = patrolsim(&["check", "csv.toml"], tmp.path());
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("6 nodes, 2 posts"), "{stdout}");
    let out = patrolsim(&["map", "info", "csv.toml"], tmp.path());
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("zone west: ") && stdout.contains("posts: 2 kiosk"),
        "{stdout}"
    );
}

/// `map import --zones`: Monaco split at 7.42° E into two GeoJSON zones.
#[test]
fn map_import_with_geojson_zones() {
    let tmp = tempfile::tempdir().unwrap();
    let rect = |lon0: f64, lon1: f64| {
        format!(
            "[[[{lon0}, 43.70], [{lon1}, 43.70], [{lon1}, 43.76], [{lon0}, 43.76], [{lon0}, 43.70]]]"
        )
    };
    let zones = format!(
        r#"{{"type": "FeatureCollection", "features": [
          {{"type": "Feature", "properties": {{"name": "Fontvieille side", "population": 20000}},
            "geometry": {{"type": "Polygon", "coordinates": {}}}}},
          {{"type": "Feature", "properties": {{"name": "Monte-Carlo side", "population": 18000}},
            "geometry": {{"type": "Polygon", "coordinates": {}}}}},
          {{"type": "Feature", "properties": {{"name": "sea", "population": 20000}},
            "geometry": {{"type": "Polygon", "coordinates": {}}}}}]}}"#,
        rect(7.39, 7.42),
        rect(7.42, 7.45),
        rect(7.46, 7.47)
    );
    std::fs::write(tmp.path().join("zones.geojson"), zones).unwrap();
    let monaco = common::map_file("monaco.osm.gz").display().to_string();
    let out = patrolsim(
        &[
            "map",
            "import",
            &monaco,
            "-o",
            "m.pmap",
            "--zones",
            "zones.geojson",
        ],
        tmp.path(),
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains(
            "zones.geojson: 3 zones; 0 nodes in no zone (zone \"outside\"); dropped, holding no \
             road node: zone sea (20000 residents)"
        ),
        "{stdout}"
    );
    let (stdout, _) = text(&patrolsim(&["map", "info", "m.pmap"], tmp.path()));
    // map info says what the import dropped, read back from the map file.
    for expect in [
        "dropped from the zones file, holding no road node: zone sea (20000 residents)",
        "imported from OpenStreetMap: ",
        " % of ",
        "outside the largest of",
    ] {
        assert!(stdout.contains(expect), "{expect:?} not in {stdout}");
    }
    let nodes = |zone: &str| -> usize {
        let line = stdout.lines().find(|l| l.contains(zone)).unwrap();
        line.split(", ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        stdout.contains("zone Fontvieille side: 20000 residents"),
        "{stdout}"
    );
    assert!(
        stdout.contains("zone Monte-Carlo side: 18000 residents"),
        "{stdout}"
    );
    assert_eq!(
        nodes("Fontvieille side") + nodes("Monte-Carlo side"),
        529,
        "{stdout}"
    );
    assert!(
        nodes("Fontvieille side") > 100 && nodes("Monte-Carlo side") > 100,
        "{stdout}"
    );
}

/// A scenario with `[map] cache` writes the binary map beside it on first use and reads it after.
#[test]
fn osm_scenario_writes_and_reuses_its_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/osm-monaco.toml"),
    )
    .unwrap();
    let monaco = common::map_file("monaco.osm.gz").display().to_string();
    let scenario = shipped
        .replacen("../maps/monaco.osm.gz", &monaco, 1)
        .replacen(
            "population = 38000",
            "population = 38000\ncache = \"cache/monaco.pmap\"",
            1,
        );
    std::fs::create_dir(tmp.path().join("cache")).unwrap();
    std::fs::write(tmp.path().join("monaco.toml"), scenario).unwrap();
    let out = patrolsim(&["check", "monaco.toml"], tmp.path());
    assert!(out.status.success(), "{}", text(&out).1);
    let cache = tmp.path().join("cache/monaco.pmap");
    let written = std::fs::metadata(&cache).unwrap().modified().unwrap();
    let (map, key) = patrolsim::map::read_binary_map(&cache).unwrap();
    assert_eq!((map.population(), key.is_some()), (38_000, true));
    let out = patrolsim(&["check", "monaco.toml"], tmp.path());
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("529 nodes, 6 posts"), "{stdout}");
    assert_eq!(
        std::fs::metadata(&cache).unwrap().modified().unwrap(),
        written,
        "not rewritten"
    );
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A run into a folder of an earlier run of another scenario leaves none of the earlier run's
/// files (the default scenario has staffing and sealing tables, the tiny grid neither, and
/// `--no-report` writes no report) and removes the temporary files an interrupted command left.
/// Every file a full run writes is one [`run_files`] knows, so none can be left behind.
#[test]
fn a_run_into_an_old_folder_removes_the_earlier_runs_files() {
    use patrolsim::output_folder::run_files;
    let tmp = tempfile::tempdir().unwrap();
    let out = patrolsim(&["run", "--replications", "1", "-o", "out"], tmp.path());
    assert!(out.status.success(), "{}", text(&out).1);
    let dir = tmp.path().join("out");
    let first = names_in(&dir);
    let known = run_files();
    for name in &first {
        assert!(known.contains(name), "{name} is not in run_files()");
    }
    for name in [
        "staffing.csv",
        "sealing.parquet",
        "report.html",
        "chart_map.png",
    ] {
        assert!(first.contains(&name.to_string()), "{first:?}");
    }
    std::fs::write(dir.join(".calls.csv.4242.tmp"), "half").unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    std::fs::write(
        tmp.path().join("s.toml"),
        include_str!("../data/tiny-grid.toml"),
    )
    .unwrap();
    let out = patrolsim(&["run", "s.toml", "-o", "out", "--no-report"], tmp.path());
    assert!(out.status.success(), "{}", text(&out).1);
    let second = names_in(&dir);
    let mut expected: Vec<String> = ["assignments", "calls", "on_duty", "summary", "units"]
        .iter()
        .flat_map(|t| [format!("{t}.csv"), format!("{t}.parquet")])
        .chain(
            [
                "map.pmap",
                "notes.txt",
                "results_nodes.geojson",
                "results_zones.geojson",
                "scenario.toml",
                "summary.json",
            ]
            .map(String::from),
        )
        .collect();
    expected.sort();
    assert_eq!(second, expected);
    assert_eq!(
        std::fs::read_to_string(dir.join("scenario.toml")).unwrap(),
        include_str!("../data/tiny-grid.toml")
    );
}

/// Ctrl-C while the tables are written: the run ends with 130 and removes the temporary files
/// it was writing (some 100,000 calls' tables take long enough to be caught part-way).
#[test]
fn an_interrupt_while_writing_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = include_str!("../data/tiny-grid.toml")
        .replace("days = 3", "days = 20")
        .replace("calls_per_hour = 3", "calls_per_hour = 250")
        .replace("per_post = 1", "per_post = 40")
        .replace("replications = 2", "replications = 1");
    std::fs::write(tmp.path().join("s.toml"), scenario).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_patrolsim"))
        .args(["run", "s.toml", "-o", "out", "--no-report"])
        .current_dir(tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let dir = tmp.path().join("out");
    let temporary = |dir: &Path| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| patrolsim::atomic_file::is_temporary(&e.file_name().to_string_lossy()))
        })
    };
    while !temporary(&dir) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before any table was being written: make the scenario larger"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted: removed"), "{stderr}");
    let left = names_in(&dir);
    assert!(
        left.iter()
            .all(|n| !patrolsim::atomic_file::is_temporary(n)),
        "{left:?}"
    );
    assert!(!left.contains(&"summary.json".to_string()), "{left:?}");
}

/// More threads than cores: a warning, and the machine's cores are used.
#[test]
fn threads_beyond_the_cores_are_capped_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("s.toml"),
        include_str!("../data/tiny-grid.toml"),
    )
    .unwrap();
    let out = patrolsim(
        &[
            "run",
            "s.toml",
            "--threads",
            "100000",
            "--no-report",
            "-o",
            "out",
        ],
        tmp.path(),
    );
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(
        stderr,
        format!("warning: --threads 100000: this machine has {cores} cores; using {cores}\n")
    );
}

#[test]
fn new_writes_a_scenario_that_check_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let monaco = common::map_file("monaco.osm.gz");
    let monaco = monaco.to_str().unwrap();
    // OpenStreetMap data: residents must be given; the map has no posts, so kiosks are placed.
    let out = patrolsim(&["new", "--map", monaco], tmp.path());
    assert_bad_input(&out, &["monaco.osm.gz", "--population"]);
    let out = patrolsim(
        &[
            "new",
            "--map",
            monaco,
            "--population",
            "38000",
            "-o",
            "city/monaco.toml",
        ],
        tmp.path(),
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("city/monaco.toml: written"), "{stdout}");
    let written = std::fs::read_to_string(tmp.path().join("city/monaco.toml")).unwrap();
    assert!(written.contains("population = 38000"), "{written}");
    assert!(
        written.contains("auto_posts = 2"),
        "38,000 residents: 2 kiosks\n{written}"
    );
    assert!(written.contains("OpenStreetMap contributors"), "{written}");
    assert!(
        !written.contains("[sealing]"),
        "no checkpoints, no ring\n{written}"
    );
    let out = patrolsim(&["check", "city/monaco.toml"], tmp.path());
    assert!(out.status.success(), "{}", text(&out).1);
    // Never written over.
    let out = patrolsim(
        &[
            "new",
            "--map",
            monaco,
            "--population",
            "1",
            "-o",
            "city/monaco.toml",
        ],
        tmp.path(),
    );
    assert_bad_input(&out, &["city/monaco.toml", "exists"]);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("city/monaco.toml")).unwrap(),
        written
    );

    // A map file with posts, key points and checkpoints: its own posts, a crew at every
    // checkpoint and key point, the sealing ring; it runs.
    let out = patrolsim(&["map", "export", "-o", "new-area.json"], tmp.path());
    assert!(out.status.success(), "{}", text(&out).1);
    let out = patrolsim(
        &["new", "--map", "new-area.json", "--population", "5"],
        tmp.path(),
    );
    assert_bad_input(&out, &["--population 5", "420000 residents"]);
    let out = patrolsim(&["new", "--map", "new-area.json"], tmp.path());
    assert!(out.status.success(), "{}", text(&out).1);
    let written = std::fs::read_to_string(tmp.path().join("new-area.toml")).unwrap();
    for part in [
        "checkpoint-crews",
        "point-posts",
        "[sealing]",
        "file = \"new-area.json\"",
    ] {
        assert!(written.contains(part), "{part}\n{written}");
    }
    assert!(!written.contains("auto_posts"), "{written}");
    let out = patrolsim(
        &["run", "new-area.toml", "--replications", "1", "--no-report"],
        tmp.path(),
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("on scene <= 5 min"), "{stdout}");
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // `patrolsim check s.toml | head -1`: the reader goes away; patrolsim ends by SIGPIPE, as a
    // Unix filter does, not by a panic on the failed print.
    use std::os::unix::process::ExitStatusExt;
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_patrolsim"))
        .arg("check")
        .arg(&scenario)
        .current_dir(tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before the map is built
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{stderr}");
}

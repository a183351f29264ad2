//! The results as GIS layers: every run writes `results_nodes.geojson` and
//! `results_zones.geojson`, whose figures agree with the calls table, in metres with a local
//! `crs` for a generated map and in longitude/latitude at the source's own node ids for
//! OpenStreetMap data. With `PATROLSIM_GDAL=1` (set by `.ci/run`, which installs gdal-bin)
//! GDAL's `ogrinfo` must read both files; then a missing `ogrinfo` is a failure, not a skip.

use crate::common;

use common::{data, map_file, patrolsim};
use polars::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Runs `scenario` (relative to the repository) with `extra` arguments into `<tmp>/run`.
fn run(scenario: &Path, extra: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--no-report",
    ];
    args.extend_from_slice(extra);
    let out = patrolsim(&args, tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmp
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn calls_table(dir: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(dir.join("calls.parquet")).unwrap())
        .finish()
        .unwrap()
}

/// The figures of both layers against the calls table: calls add up, and the busiest node's
/// figures are worked out again from its rows. Returns the layers.
fn check_against_calls(dir: &Path) -> (Value, Value, DataFrame) {
    let nodes = read_json(&dir.join("results_nodes.geojson"));
    let zones = read_json(&dir.join("results_zones.geojson"));
    let calls = calls_table(dir);
    let features = nodes["features"].as_array().unwrap();
    let sum = |layer: &Value| -> u64 {
        layer["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["calls"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(sum(&nodes) as usize, calls.height(), "calls over the nodes");
    assert_eq!(sum(&zones) as usize, calls.height(), "calls over the zones");
    // One feature per node with calls.
    let node_ids = calls.column("node").unwrap().i64().unwrap();
    let distinct: std::collections::BTreeSet<i64> = node_ids.iter().flatten().collect();
    assert_eq!(features.len(), distinct.len());

    let busiest = features
        .iter()
        .max_by_key(|f| f["properties"]["calls"].as_u64().unwrap())
        .unwrap();
    let p = &busiest["properties"];
    let id = p["node"].as_i64().unwrap();
    let rows: Vec<usize> = (0..calls.height())
        .filter(|&i| node_ids.get(i) == Some(id))
        .collect();
    assert_eq!(p["calls"].as_u64().unwrap() as usize, rows.len());
    let responses = calls.column("response_s").unwrap().f64().unwrap();
    let within_5 = rows
        .iter()
        .filter(|&&i| responses.get(i).is_some_and(|r| r <= 300.0))
        .count();
    assert_eq!(
        p["on_scene_5min_share"].as_f64().unwrap(),
        within_5 as f64 / rows.len() as f64,
        "node {id}'s 5-minute share"
    );
    let on_scene = calls.column("on_scene_5min").unwrap().bool().unwrap();
    assert_eq!(
        rows.iter()
            .filter(|&&i| on_scene.get(i) == Some(true))
            .count(),
        within_5,
        "the calls table's own on_scene_5min column"
    );
    let reached: Vec<f64> = rows.iter().filter_map(|&i| responses.get(i)).collect();
    let mean_min = reached.iter().sum::<f64>() / reached.len() as f64 / 60.0;
    assert!(
        (p["mean_response_min"].as_f64().unwrap() - mean_min).abs() <= 0.005 + 1e-9,
        "node {id}'s mean response: {} against {mean_min}",
        p["mean_response_min"]
    );
    // The node's coordinates in the calls table are the feature's.
    let x = calls.column("x_m").unwrap().f64().unwrap();
    let y = calls.column("y_m").unwrap().f64().unwrap();
    let (xs, ys): (Vec<f64>, Vec<f64>) = rows
        .iter()
        .map(|&i| (x.get(i).unwrap(), y.get(i).unwrap()))
        .unzip();
    assert!(xs.iter().all(|&v| v == xs[0]) && ys.iter().all(|&v| v == ys[0]));
    (nodes, zones, calls)
}

/// With `PATROLSIM_GDAL=1`, GDAL's `ogrinfo -al -so` reads `file` and counts `features`.
fn check_with_ogrinfo(file: &Path, features: usize) {
    if std::env::var("PATROLSIM_GDAL").as_deref() != Ok("1") {
        println!("SKIPPED: set PATROLSIM_GDAL=1 to read the GIS layers with GDAL's ogrinfo");
        return;
    }
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(file)
        .output()
        .expect("PATROLSIM_GDAL=1 but ogrinfo cannot be started (apt-get install gdal-bin)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ogrinfo {}: {stderr}", file.display());
    assert!(
        !stderr.contains("ERROR"),
        "ogrinfo {}: {stderr}",
        file.display()
    );
    assert!(
        stdout.contains(&format!("Feature Count: {features}\n")),
        "ogrinfo {}: expected {features} features in:\n{stdout}",
        file.display()
    );
}

#[test]
fn a_grid_run_writes_both_layers_in_local_metres() {
    let tmp = run(&data("tiny-grid.toml"), &[]);
    let dir = tmp.path().join("run");
    let (nodes, zones, calls) = check_against_calls(&dir);
    for layer in [&nodes, &zones] {
        assert!(
            layer["crs"]["properties"]["name"]
                .as_str()
                .unwrap()
                .starts_with("LOCAL_CS[\"patrolsim local plane, metres\""),
            "{}",
            layer["crs"]
        );
    }
    // The grid's node k lies at (k mod 12, k div 12) × 400 m, and has no longitude.
    for f in nodes["features"].as_array().unwrap() {
        let k = f["properties"]["node"].as_i64().unwrap();
        let xy = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(xy[0].as_f64().unwrap(), (k % 12) as f64 * 400.0, "node {k}");
        assert_eq!(xy[1].as_f64().unwrap(), (k / 12) as f64 * 400.0, "node {k}");
    }
    assert_eq!(calls.column("lon").unwrap().null_count(), calls.height());
    assert_eq!(calls.column("lat").unwrap().null_count(), calls.height());
    // One zone: the hull of the grid is its 4,400 m square.
    let zone = &zones["features"][0];
    let ring = zone["geometry"]["coordinates"][0].as_array().unwrap();
    assert_eq!(ring.len(), 5, "{ring:?}");
    assert_eq!(ring[0], ring[4]);
    assert_eq!(zone["properties"]["nodes"], 144);
    check_with_ogrinfo(
        &dir.join("results_nodes.geojson"),
        nodes["features"].as_array().unwrap().len(),
    );
    check_with_ogrinfo(&dir.join("results_zones.geojson"), 1);
}

/// The `lat` and `lon` of OpenStreetMap node `id` in an OSM XML text.
fn osm_node_lat_lon(xml: &str, id: i64) -> Option<(f64, f64)> {
    let at = xml.find(&format!("<node id=\"{id}\""))?;
    let tag = &xml[at..at + xml[at..].find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[start..start + tag[start..].find('"')?].parse().ok()
    };
    Some((attr("lat")?, attr("lon")?))
}

#[test]
fn an_openstreetmap_run_writes_layers_in_lon_lat_with_osm_node_ids() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/osm-monaco.toml");
    let tmp = run(&scenario, &["--replications", "1"]);
    let dir = tmp.path().join("run");
    let (nodes, zones, calls) = check_against_calls(&dir);
    for layer in [&nodes, &zones] {
        assert!(
            layer.get("crs").is_none(),
            "RFC 7946: WGS 84, no crs member"
        );
        assert!(
            layer["attribution"]
                .as_str()
                .unwrap()
                .contains("OpenStreetMap"),
            "{}",
            layer["attribution"]
        );
    }
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(map_file("monaco.osm.gz")).unwrap()),
        &mut xml,
    )
    .unwrap();
    // Every node of the layer is a node of the source file, at its own position.
    let features = nodes["features"].as_array().unwrap();
    for f in features {
        let id = f["properties"]["node"].as_i64().unwrap();
        let (lat, lon) = osm_node_lat_lon(&xml, id)
            .unwrap_or_else(|| panic!("node {id} is not a node of monaco.osm.gz"));
        let xy = f["geometry"]["coordinates"].as_array().unwrap();
        assert!(
            (xy[0].as_f64().unwrap() - lon).abs() < 2e-7,
            "node {id}: {xy:?} vs {lon}"
        );
        assert!(
            (xy[1].as_f64().unwrap() - lat).abs() < 2e-7,
            "node {id}: {xy:?} vs {lat}"
        );
    }
    assert_eq!(calls.column("lon").unwrap().null_count(), 0);
    assert_eq!(calls.column("lat").unwrap().null_count(), 0);
    check_with_ogrinfo(&dir.join("results_nodes.geojson"), features.len());
    check_with_ogrinfo(
        &dir.join("results_zones.geojson"),
        zones["features"].as_array().unwrap().len(),
    );
}

#[test]
fn cordon_figures_are_in_the_layers_when_calls_have_rings() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cordon-example.toml");
    let tmp = run(&scenario, &["--replications", "1"]);
    let dir = tmp.path().join("run");
    let (nodes, _, calls) = check_against_calls(&dir);
    let cordon_calls: u64 = nodes["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["cordon_calls"].as_u64().unwrap())
        .sum();
    let rings = calls.column("cordon_30min").unwrap();
    assert_eq!(cordon_calls as usize, rings.len() - rings.null_count());
    assert!(cordon_calls > 0);
}

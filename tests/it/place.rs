//! `patrolsim place` end to end on the tiny grid scenario (12 × 12, 40 s a street, 2 × 2
//! posts): the files written, kept posts that never move, and the result against the greedy
//! start.

use crate::common;

use common::{data, patrolsim};
use std::path::Path;

/// Runs `place` on the tiny grid into `dir/out` and returns placement.json and posts.csv.
fn place(dir: &Path, args: &[&str]) -> (serde_json::Value, String) {
    let scenario = data("tiny-grid.toml").display().to_string();
    let out = dir.join("out").display().to_string();
    let mut all = vec!["place", scenario.as_str(), "-o", out.as_str()];
    all.extend_from_slice(args);
    let run = patrolsim(&all, dir);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json = std::fs::read_to_string(dir.join("out/placement.json")).unwrap();
    let posts = std::fs::read_to_string(dir.join("out/posts.csv")).unwrap();
    (serde_json::from_str(&json).unwrap(), posts)
}

#[test]
fn every_objective_writes_its_figures_and_beats_the_greedy_start() {
    let dir = tempfile::tempdir().unwrap();
    for objective in ["median", "center", "cover"] {
        let (json, posts) = place(dir.path(), &["--objective", objective, "--posts", "4"]);
        assert_eq!(json["objective"], objective);
        let placed = json["posts"].as_array().unwrap();
        assert_eq!(placed.len(), 4);
        assert!(placed.iter().all(|p| p["new"] == true));
        let lines: Vec<&str> = posts.lines().collect();
        assert_eq!(lines[0], "name,kind,node");
        assert_eq!(lines.len(), 5);
        assert!(lines[1].starts_with("place-1,kiosk,"));
        let greedy = json["greedy_value"].as_f64().unwrap();
        let gap = json["gap"].as_f64().unwrap();
        assert!((0.0..1.0).contains(&gap), "{json}");
        match objective {
            "median" => {
                let mean = json["mean_time_s"].as_f64().unwrap();
                let bound = json["lower_bound"].as_f64().unwrap();
                assert!(bound <= mean && mean <= greedy, "{json}");
            }
            "center" => {
                // Four posts on a 12 × 12 grid 40 s a street: one in each quadrant reaches
                // its 6 × 6 nodes within 6 streets (240 s); the exact search proves its best.
                let max = json["max_time_s"].as_f64().unwrap();
                assert!(max <= 240.0 && max <= greedy, "{json}");
                assert_eq!(json["lower_bound"].as_f64().unwrap(), max);
                assert_eq!(json["proven_optimal"], true);
            }
            _ => {
                let share = json["covered_share"].as_f64().unwrap();
                let bound = json["upper_bound"].as_f64().unwrap();
                assert!(share >= greedy && share <= bound, "{json}");
            }
        }
    }
}

#[test]
fn kept_posts_never_move_and_new_ones_are_added() {
    let dir = tempfile::tempdir().unwrap();
    let (json, posts) = place(
        dir.path(),
        &["--objective", "median", "--posts", "2", "--keep-existing"],
    );
    let placed = json["posts"].as_array().unwrap();
    assert_eq!(placed.len(), 6);
    // The grid's four posts, at the centres of its 2 × 2 blocks: (3, 3), (9, 3), (3, 9), (9, 9).
    let kept: Vec<u64> = placed
        .iter()
        .filter(|p| p["new"] == false)
        .map(|p| p["node"].as_u64().unwrap())
        .collect();
    assert_eq!(kept, vec![3 * 12 + 3, 3 * 12 + 9, 9 * 12 + 3, 9 * 12 + 9]);
    assert_eq!(placed.iter().filter(|p| p["new"] == true).count(), 2);
    assert_eq!(posts.lines().count(), 7);
    assert!(posts.lines().nth(5).unwrap().starts_with("place-1,kiosk,"));
}

#[test]
fn candidates_limit_the_sites() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.csv"), "node\n0\n11\n132\n143\n").unwrap();
    let (json, _) = place(
        dir.path(),
        &[
            "--objective",
            "center",
            "--posts",
            "2",
            "--candidates",
            "c.csv",
        ],
    );
    assert_eq!(json["candidate_sites"], 4);
    let nodes: Vec<u64> = json["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["node"].as_u64().unwrap())
        .collect();
    assert!(
        nodes.iter().all(|n| [0, 11, 132, 143].contains(n)),
        "{nodes:?}"
    );
}

#[test]
fn the_fewest_posts_agree_with_the_cover_of_one_post_fewer() {
    let dir = tempfile::tempdir().unwrap();
    // Within 2 minutes (three streets) a post reaches at most 25 of the 144 nodes.
    let (json, posts) = place(
        dir.path(),
        &[
            "--min-posts",
            "--cover-share",
            "0.8",
            "--threshold-min",
            "2",
        ],
    );
    assert_eq!(json["objective"], "cover");
    let fewest = &json["min_posts"];
    let k = fewest["posts"].as_u64().unwrap();
    assert!(k >= 144 * 8 / 10 / 25, "{json}");
    assert_eq!(json["posts"].as_array().unwrap().len() as u64, k);
    assert_eq!(posts.lines().count() as u64, k + 1);
    assert!(json["covered_share"].as_f64().unwrap() >= 0.8, "{json}");
    // The cover command with one post fewer stays below the share, under the bound given.
    let bound = fewest["cover_bound_one_fewer"].as_f64().unwrap();
    let fewer = (k - 1).to_string();
    let (one_fewer, _) = place(
        dir.path(),
        &[
            "--objective",
            "cover",
            "--posts",
            &fewer,
            "--threshold-min",
            "2",
        ],
    );
    let share = one_fewer["covered_share"].as_f64().unwrap();
    assert!(
        share < 0.8 && share <= bound + 1e-9,
        "{one_fewer} vs {json}"
    );
    assert_eq!(fewest["proven_fewest"], bound < 0.8);
    // A share one post reaches: one, proven (no post covers nothing).
    let (one, _) = place(
        dir.path(),
        &[
            "--min-posts",
            "--cover-share",
            "0.1",
            "--threshold-min",
            "2",
        ],
    );
    assert_eq!(one["min_posts"]["posts"], 1);
    assert_eq!(one["min_posts"]["proven_fewest"], true);
}

#[test]
fn the_gis_layer_and_the_chart_show_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    let (json, _) = place(dir.path(), &["--objective", "median", "--posts", "4"]);
    let text = std::fs::read_to_string(dir.path().join("out/placement.geojson")).unwrap();
    let layer: serde_json::Value = serde_json::from_str(&text).unwrap();
    let features = layer["features"].as_array().unwrap();
    let posts: Vec<&serde_json::Value> = features
        .iter()
        .filter(|f| f["properties"]["role"] == "post")
        .collect();
    assert_eq!(posts.len(), 4);
    let placed: Vec<&serde_json::Value> = json["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["node"])
        .collect();
    assert!(
        posts
            .iter()
            .all(|p| placed.contains(&&p["properties"]["node"]))
    );
    // Every node of the grid has calls; a post's node is 0 min from it, and the
    // call-weighted mean of the layer's times is the mean placement.json gives.
    let calls: Vec<&serde_json::Value> = features
        .iter()
        .filter(|f| f["properties"]["role"] == "calls")
        .collect();
    assert_eq!(calls.len(), 144);
    let minutes = |f: &serde_json::Value| f["properties"]["travel_min"].as_f64().unwrap();
    for p in &posts {
        let at = calls
            .iter()
            .find(|c| c["properties"]["node"] == p["properties"]["node"])
            .unwrap();
        assert_eq!(minutes(at), 0.0);
        assert_eq!(at["properties"]["nearest_post"], p["properties"]["node"]);
    }
    let weight = |f: &serde_json::Value| f["properties"]["weight"].as_f64().unwrap();
    let mean_min = calls.iter().map(|c| weight(c) * minutes(c)).sum::<f64>()
        / calls.iter().map(|c| weight(c)).sum::<f64>();
    let mean_s = json["mean_time_s"].as_f64().unwrap();
    assert!(
        (mean_min * 60.0 - mean_s).abs() < 1.0,
        "{mean_min} min vs {mean_s} s"
    );
    // The chart: the map's own four posts beside the layout placed, two 900-pixel maps.
    let png = std::fs::File::open(dir.path().join("out/placement_map.png")).unwrap();
    let info = png::Decoder::new(std::io::BufReader::new(png))
        .read_info()
        .unwrap()
        .info()
        .clone();
    assert_eq!((info.width, info.height), (1800, 760));
    let svg = std::fs::read_to_string(dir.path().join("out/placement_map.svg")).unwrap();
    assert!(svg.contains("Map&apos;s posts: 4 posts") || svg.contains("Map's posts: 4 posts"));
    assert!(svg.contains("Placed: 4 posts"), "no title of the layout");
}

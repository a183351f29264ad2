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

//! `patrolsim analyze` end to end on the SPEC grid-small map (50 × 50, 20 s a street): a
//! blockade where greedy nearest-first fails, too many exits, and bad node lists.

use crate::common;

use common::{assert_bad_input, patrolsim};
use std::path::Path;

fn scenario() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/bench-grid-small.toml")
        .display()
        .to_string()
}

/// Node (x, y) of the 50 × 50 grid.
fn node(x: u32, y: u32) -> u32 {
    y * 50 + x
}

fn list(dir: &Path, name: &str, nodes: &[u32]) -> String {
    let text: String = std::iter::once("name,node\n".to_string())
        .chain(nodes.iter().map(|n| format!("n{n},{n}\n")))
        .collect();
    std::fs::write(dir.join(name), text).unwrap();
    name.into()
}

#[test]
fn blockade_is_the_exact_min_max_not_greedy() {
    // Posts A (0, 0) and B (10, 0); exits E1 (3, 0) and E2 (0, 5).
    // A→E1 60 s, A→E2 100 s, B→E1 140 s, B→E2 300 s. Greedy takes A→E1 (the nearest pair)
    // and leaves B→E2: 300 s. The exact assignment is A→E2, B→E1: 140 s.
    let tmp = tempfile::tempdir().unwrap();
    let posts = list(tmp.path(), "posts.csv", &[node(0, 0), node(10, 0)]);
    let exits = list(tmp.path(), "exits.csv", &[node(3, 0), node(0, 5)]);
    let out = patrolsim(
        &[
            "analyze",
            &scenario(),
            "--posts",
            &posts,
            "--exits",
            &exits,
            "--speed-factor",
            "1",
            "-o",
            "out",
        ],
        tmp.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("every exit held after 140 s"), "{stdout}");
    let blockade = std::fs::read_to_string(tmp.path().join("out/blockade.csv")).unwrap();
    assert_eq!(
        blockade,
        format!(
            "exit,post,post_node,travel_s\n{},1,{},140\n{},0,0,100\n",
            node(3, 0),
            node(10, 0),
            node(0, 5)
        )
    );
    // Coverage: the farthest node from the two posts is (49, 49), 49 + 49 − 10 = 88 streets.
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("out/analysis.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["all"]["max_s"], 88.0 * 20.0);
    assert_eq!(json["all"]["nodes"], 2500);
    // Within 5 minutes = 15 streets of (0, 0) or (10, 0): count by hand.
    let near = (0..50u32)
        .flat_map(|y| (0..50u32).map(move |x| (x, y)))
        .filter(|&(x, y)| (x + y).min(x.abs_diff(10) + y) <= 15)
        .count();
    assert_eq!(json["all"]["beyond"], 2500 - near);
    let coverage = std::fs::read_to_string(tmp.path().join("out/coverage.csv")).unwrap();
    assert_eq!(coverage.lines().count(), 2501);
}

#[test]
fn more_exits_than_posts_says_it_cannot_close() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = list(tmp.path(), "posts.csv", &[node(0, 0)]);
    let exits = list(tmp.path(), "exits.csv", &[node(3, 0), node(0, 5)]);
    let out = patrolsim(
        &["analyze", &scenario(), "--posts", &posts, "--exits", &exits],
        tmp.path(),
    );
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("blockade of 2 exits: cannot close: 2 exits but only 1 crews"),
        "{stdout}"
    );
}

#[test]
fn bad_node_lists_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = list(tmp.path(), "posts.csv", &[node(0, 0), 2500]);
    let out = patrolsim(&["analyze", &scenario(), "--posts", &posts], tmp.path());
    assert_bad_input(
        &out,
        &[
            "posts.csv: line 3: node = \"2500\"",
            "no such node (the map has 2500 nodes)",
        ],
    );
    std::fs::write(tmp.path().join("bad.csv"), "id\n1\n").unwrap();
    let out = patrolsim(&["analyze", &scenario(), "--exits", "bad.csv"], tmp.path());
    assert_bad_input(&out, &["bad.csv: line 1: header", "needs a `node` column"]);
    let out = patrolsim(&["analyze", &scenario(), "--speed-factor", "0"], tmp.path());
    assert_bad_input(&out, &["--speed-factor = 0: must be > 0"]);
    assert!(!tmp.path().join("outputs").exists());
}

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
            "exit,post_node,travel_s\n{},{},140\n{},0,100\n",
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
            "no node of map `grid-50x50` has that id",
        ],
    );
    std::fs::write(tmp.path().join("bad.csv"), "id\n1\n").unwrap();
    let out = patrolsim(&["analyze", &scenario(), "--exits", "bad.csv"], tmp.path());
    assert_bad_input(&out, &["bad.csv: line 1: header", "needs a `node` column"]);
    let out = patrolsim(&["analyze", &scenario(), "--speed-factor", "0"], tmp.path());
    assert_bad_input(&out, &["--speed-factor = 0: must be > 0"]);
    assert!(!tmp.path().join("outputs").exists());
}

/// A scenario `s.toml` on the CSV map of `nodes.csv` and `edges.csv` (and `posts.csv` when
/// given) in `dir`, one crew per post, speed factor 1: what `analyze` needs of a scenario.
fn csv_scenario(dir: &Path, nodes: &str, edges: &str, posts: Option<&str>) -> String {
    std::fs::write(dir.join("nodes.csv"), nodes).unwrap();
    std::fs::write(dir.join("edges.csv"), edges).unwrap();
    let (auto_posts, posts_key) = match posts {
        Some(text) => {
            std::fs::write(dir.join("posts.csv"), text).unwrap();
            ("", "posts = \"posts.csv\"\n")
        }
        None => ("auto_posts = 1\n", ""),
    };
    let scenario = format!(
        "name = \"ids\"\ndays = 1\n[map]\n{auto_posts}[map.csv]\nnodes = \"nodes.csv\"\n\
         edges = \"edges.csv\"\n{posts_key}population = 1000\n[routing]\n\
         emergency_speed_factor = 1.0\n[demand]\ncalls_per_hour = 1\nplacement = \"uniform\"\n\
         [[incident_types]]\nname = \"any\"\npriority = 1\nshare = 1.0\nunits_needed = 1\n\
         on_scene = {{ distribution = \"fixed\", mean_min = 20 }}\n[units_per_post]\nper_post = 1\n"
    );
    std::fs::write(dir.join("s.toml"), scenario).unwrap();
    "s.toml".into()
}

/// Runs `analyze` in `dir` with `args` after the scenario, into `out`; panics on failure.
fn analyze_ok(dir: &Path, scenario: &str, args: &[&str], out: &str) -> String {
    let mut all = vec!["analyze", scenario, "-o", out];
    all.extend_from_slice(args);
    let run = patrolsim(&all, dir);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

/// The issue's example: a CSV map numbered 1..N, as almost every real data set is, and the
/// posts and exits of the east district given to `analyze` by those ids. A street 1 — 2 — … — 7
/// at 36 km/h (10 m/s), with streets of 4800, 3420, 2000, 2000, 3000 and 2000 m: posts 2 and 5,
/// exits 1 and 6. Post 2 holds exit 1 (480 s) and post 5 exit 6 (300 s): 8.0 min (the other way
/// round, post 2 → 6 takes 1042 s). Read as 0-based positions, the posts would be 3 and 6 and
/// the exits 2 and 7: 3 → 2 in 342 s and 6 → 7 in 200 s, a blockade of 5.7 min.
#[test]
fn analyze_reads_the_planners_ids_not_positions() {
    let tmp = tempfile::tempdir().unwrap();
    let nodes: String = std::iter::once("id,x_m,y_m,zone\n".to_string())
        .chain((1..=7).map(|i| {
            let zone = if i <= 3 { "west" } else { "east" };
            format!("{i},{},0,{zone}\n", i * 1000)
        }))
        .collect();
    let lengths = [4800, 3420, 2000, 2000, 3000, 2000];
    let edges: String = std::iter::once("from,to,length_m,speed_kmh\n".to_string())
        .chain(
            lengths
                .iter()
                .enumerate()
                .map(|(i, m)| format!("{},{},{m},36\n", i + 1, i + 2)),
        )
        .collect();
    let s = csv_scenario(tmp.path(), &nodes, &edges, None);
    std::fs::write(tmp.path().join("posts.csv"), "node\n2\n5\n").unwrap();
    std::fs::write(tmp.path().join("exits.csv"), "node\n1\n6\n").unwrap();
    let stdout = analyze_ok(
        tmp.path(),
        &s,
        &["--posts", "posts.csv", "--exits", "exits.csv"],
        "out",
    );
    assert!(
        stdout.contains("every exit held after 480 s (8.0 min)"),
        "{stdout}"
    );
    let blockade = std::fs::read_to_string(tmp.path().join("out/blockade.csv")).unwrap();
    assert_eq!(blockade, "exit,post_node,travel_s\n1,2,480\n6,5,300\n");
}

/// A hand-built CSV map with gappy ids, in two districts (36 km/h, 10 m/s):
///
/// ```text
///   10 —600 m— 20 —800 m— 35          north
///    |                     | 300 m
///  1200 m                  68         south
///    |                     | 600 m
///   47 ———— 1500 m ———— 52
/// ```
///
/// Posts 20 and 52. Times from 20: 10 60 s, 35 80 s, 68 110 s, 52 170 s, 47 180 s; from 52:
/// 68 60 s, 35 90 s, 47 150 s, 20 170 s, 10 230 s. Nearest post: 10, 20, 35 → 20 (60, 0, 80 s);
/// 47, 52, 68 → 52 (150, 0, 60 s). Beyond 2 min: only 47. Exits 35 and 47: 20 → 35 and
/// 52 → 47 is 150 s; the other way round 20 → 47 and 52 → 35 is 180 s.
const GAPPY_NODES: &str = "id,x_m,y_m,zone\n10,0,0,north\n20,600,0,north\n35,1400,0,north\n\
                           47,0,-1200,south\n52,1500,-1200,south\n68,1500,-300,south\n";
const GAPPY_EDGES: &str = "from,to,length_m,speed_kmh\n10,20,600,36\n20,35,800,36\n\
                           10,47,1200,36\n35,68,300,36\n47,52,1500,36\n52,68,600,36\n";
const GAPPY_COVERAGE: &str = "node,zone,nearest_post,time_s,beyond_threshold\n\
                              10,north,20,60,false\n20,north,20,0,false\n35,north,20,80,false\n\
                              47,south,52,150,true\n52,south,52,0,false\n68,south,52,60,false\n";

#[test]
fn gappy_ids_by_hand_and_posts_by_id_or_by_position_agree() {
    let tmp = tempfile::tempdir().unwrap();
    // The map's own posts, given by position near 20 and 52 (snapped within 250 m).
    let posts = "name,kind,x_m,y_m\nnorth,kiosk,610,5\nsouth,kiosk,1490,-1195\n";
    let s = csv_scenario(tmp.path(), GAPPY_NODES, GAPPY_EDGES, Some(posts));
    std::fs::write(tmp.path().join("list.csv"), "name,node\na,20\nb,52\n").unwrap();
    std::fs::write(tmp.path().join("exits.csv"), "node\n35\n47\n").unwrap();
    let common = ["--exits", "exits.csv", "--threshold-min", "2"];
    let by_position = analyze_ok(tmp.path(), &s, &common, "by-position");
    let mut args = common.to_vec();
    args.extend(["--posts", "list.csv"]);
    let by_id = analyze_ok(tmp.path(), &s, &args, "by-id");
    assert_eq!(by_id, by_position.replace("by-position", "by-id"));
    for out in ["by-id", "by-position"] {
        let read = |f: &str| std::fs::read_to_string(tmp.path().join(out).join(f)).unwrap();
        assert_eq!(read("coverage.csv"), GAPPY_COVERAGE, "{out}");
        assert_eq!(
            read("blockade.csv"),
            "exit,post_node,travel_s\n35,20,80\n47,52,150\n",
            "{out}"
        );
        assert_eq!(
            read("coverage_zones.csv"),
            "zone,nodes,beyond_threshold,max_s\nnorth,3,0,80\nsouth,3,1,150\nall,6,1,150\n",
            "{out}"
        );
        let json: serde_json::Value = serde_json::from_str(&read("analysis.json")).unwrap();
        assert_eq!(json["posts"], serde_json::json!([20, 52]), "{out}");
        assert_eq!(json["blockade"]["bottleneck_s"], 150.0, "{out}");
        assert_eq!(json["blockade"]["posts"][1]["exit"], 47, "{out}");
    }
    assert!(by_id.contains("every exit held after 150 s"), "{by_id}");
    // An id the map does not have: the file, the line and the id.
    std::fs::write(tmp.path().join("bad.csv"), "node\n20\n21\n").unwrap();
    let out = patrolsim(&["analyze", &s, "--posts", "bad.csv"], tmp.path());
    assert_bad_input(
        &out,
        &["bad.csv: line 3: node = \"21\": no node of map `nodes` has that id"],
    );
}

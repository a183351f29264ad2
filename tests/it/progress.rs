//! Progress bars (issue 21): drawn on stderr only when it is a terminal, and never changing a
//! result. A run with stderr piped must show no control sequence; a run whose stderr is a real
//! terminal (a pseudo-terminal made by util-linux's `script`) draws its bar and writes the same
//! tables, byte for byte, as the piped run.

use crate::common;

use common::{data, patrolsim};
use std::path::Path;
use std::process::Command;

/// Every file of a run folder, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

/// A control sequence or carriage return, which a drawn bar writes.
fn has_control(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| b == 0x1b || b == b'\r')
}

#[test]
fn no_bar_is_drawn_when_stderr_is_not_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = data("tiny-grid.toml");
    let scenario = scenario.to_str().unwrap();
    for args in [
        &["run", scenario, "-o", "run", "--no-report"][..],
        &[
            "sweep",
            data("tiny-sweep.toml").to_str().unwrap(),
            "-o",
            "sweep",
            "--no-report",
        ][..],
        &[
            "search",
            data("tiny-search.toml").to_str().unwrap(),
            "-o",
            "search",
        ][..],
        &[
            "place",
            scenario,
            "--objective",
            "median",
            "--posts",
            "4",
            "-o",
            "place",
        ][..],
        &[
            "map",
            "import",
            common::map_file("monaco.osm.gz").to_str().unwrap(),
            "-o",
            "m.pmap",
        ][..],
    ] {
        let out = patrolsim(args, tmp.path());
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!has_control(&out.stdout), "{args:?}");
    }
}

#[test]
fn a_bar_on_a_terminal_changes_no_result() {
    // util-linux's `script` runs the command on a pseudo-terminal and logs what it drew.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` (util-linux) to make a terminal");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_patrolsim");
    // Long enough (a year of the tiny grid, 4 replications) for the bar to be drawn.
    let text = std::fs::read_to_string(data("tiny-grid.toml"))
        .unwrap()
        .replace("days = 3", "days = 365")
        .replace("replications = 2", "replications = 4");
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    let piped = patrolsim(&["run", "s.toml", "-o", "piped", "--no-report"], tmp.path());
    assert!(piped.status.success());
    assert!(!has_control(&piped.stderr));
    let on_terminal = Command::new("script")
        .args(["-qefc"])
        .arg(format!(
            "TERM=xterm {bin} run s.toml -o terminal --no-report >stdout.txt"
        ))
        .arg("terminal.log")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(on_terminal.status.success(), "{on_terminal:?}");
    let drawn = std::fs::read(tmp.path().join("terminal.log")).unwrap();
    let shown = String::from_utf8_lossy(&drawn);
    assert!(
        has_control(&drawn) && shown.contains("simulated days"),
        "no bar was drawn on the terminal: {shown:?}"
    );
    // The tables, summary and scenario are the same bytes with the bar as without it.
    assert_eq!(
        files(&tmp.path().join("terminal")),
        files(&tmp.path().join("piped"))
    );
    let stdout = std::fs::read_to_string(tmp.path().join("stdout.txt")).unwrap();
    let piped_stdout = String::from_utf8_lossy(&piped.stdout);
    let without_timing = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.starts_with("simulated "))
            .map(|l| l.replace("terminal", "piped"))
            .collect()
    };
    assert_eq!(without_timing(&stdout), without_timing(&piped_stdout));
}

#[test]
fn place_draws_its_trees_on_a_terminal_and_places_the_same_posts() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` (util-linux) to make a terminal");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_patrolsim");
    let scenario = data("tiny-grid.toml");
    let scenario = scenario.to_str().unwrap();
    let args = ["--objective", "median", "--posts", "4", "-o"];
    let piped = patrolsim(
        &[&["place", scenario][..], &args, &["piped"]].concat(),
        tmp.path(),
    );
    assert!(
        piped.status.success() && piped.stderr.is_empty(),
        "{piped:?}"
    );
    let on_terminal = Command::new("script")
        .args(["-qefc"])
        .arg(format!(
            "TERM=xterm {bin} place {scenario} {} terminal >/dev/null",
            args.join(" ")
        ))
        .arg("terminal.log")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(on_terminal.status.success(), "{on_terminal:?}");
    let drawn = std::fs::read(tmp.path().join("terminal.log")).unwrap();
    assert!(String::from_utf8_lossy(&drawn).contains("travel-time trees"));
    // The same layout and posts; only the seconds taken differ.
    let read = |dir: &str, file: &str| std::fs::read_to_string(tmp.path().join(dir).join(file));
    assert_eq!(
        read("terminal", "posts.csv").unwrap(),
        read("piped", "posts.csv").unwrap()
    );
    let layout = |dir: &str| {
        let mut json: serde_json::Value =
            serde_json::from_str(&read(dir, "placement.json").unwrap()).unwrap();
        json.as_object_mut().unwrap().remove("seconds");
        json
    };
    assert_eq!(layout("terminal"), layout("piped"));
}

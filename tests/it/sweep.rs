//! Sweeps: common random numbers, identical tables for any thread count, shard and merge, a
//! sweep killed part-way and started again, the search, and bad sweep files.

use crate::common;
use patrolsim::experiment::{
    Experiment, Method, PairResult, Shard, Sweep, SweepError, gather, run_search, run_sweep,
    write_sweep,
};

use common::{assert_bad_input, assert_same_tables, data, patrolsim};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes a sweep file over the tiny grid into `dir` and plans it.
fn tiny_sweep(dir: &Path, body: &str) -> Sweep {
    std::fs::copy(data("tiny-grid.toml"), dir.join("tiny-grid.toml")).unwrap();
    let path = dir.join("sweep.toml");
    std::fs::write(&path, format!("base = \"tiny-grid.toml\"\n{body}")).unwrap();
    Sweep::plan(Experiment::load(&path).unwrap()).unwrap()
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

/// Runs every pair of `sweep` into `dir` with `threads` threads and writes its tables there.
fn run_whole(sweep: &Sweep, dir: &Path, threads: usize) -> Vec<PairResult> {
    in_pool(threads, || run_sweep(sweep, dir, Shard::WHOLE).unwrap());
    let pairs = gather(sweep, &[dir.to_path_buf()]).unwrap();
    write_sweep(sweep, &pairs, dir).unwrap();
    pairs
}

fn variance(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64
}

#[test]
fn paired_differences_vary_less_with_common_random_numbers() {
    // Points: (speed factor 1.0, seed 7), (1.0, seed 8), (1.2, seed 7), (1.2, seed 8).
    // Same seed = same calls in replication r (common random numbers); the other seed plays
    // the part of independent streams.
    let tmp = tempfile::tempdir().unwrap();
    let sweep = tiny_sweep(
        tmp.path(),
        "replications = 20\n\
         [[axis]]\nkey = \"routing.emergency_speed_factor\"\nvalues = [1.0, 1.2]\n\
         [[axis]]\nkey = \"seed\"\nvalues = [7, 8]\n",
    );
    let pairs = run_whole(&sweep, tmp.path(), 2);
    let response = |point: usize| -> Vec<f64> {
        pairs
            .iter()
            .filter(|p| p.point == point)
            .map(|p| p.summary.all.mean_response_s.unwrap())
            .collect()
    };
    let diff =
        |a: Vec<f64>, b: Vec<f64>| -> Vec<f64> { a.iter().zip(&b).map(|(x, y)| x - y).collect() };
    let common = variance(&diff(response(0), response(2)));
    let independent = variance(&diff(response(0), response(3)));
    println!("variance of the paired difference: common {common:.1}, independent {independent:.1}");
    assert!(
        common < 0.5 * independent,
        "common random numbers must reduce the variance of the difference: \
         {common} vs {independent}"
    );
    // And the calls are the same: replication r of both crews sees as many calls.
    let calls = |point: usize| -> Vec<usize> {
        pairs
            .iter()
            .filter(|p| p.point == point)
            .map(|p| p.summary.all.calls)
            .collect()
    };
    assert_eq!(calls(0), calls(2));
    assert_ne!(calls(0), calls(1));
}

#[test]
fn tables_are_identical_for_any_thread_count_and_for_merged_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = Sweep::plan(Experiment::load(&data("tiny-sweep.toml")).unwrap()).unwrap();
    assert_eq!((sweep.points.len(), sweep.pairs().count()), (6, 24));
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    let pairs = run_whole(&sweep, &one, 1);
    run_whole(&sweep, &two, 2);
    assert_same_tables(&one, &two);
    assert_eq!(
        pairs
            .iter()
            .map(|p| (p.point, p.replication))
            .collect::<Vec<_>>(),
        sweep.pairs().collect::<Vec<_>>()
    );

    // Three shards split the pairs without overlap; merged, they give the same tables.
    let shards: Vec<PathBuf> = (0..3)
        .map(|i| tmp.path().join(format!("shard-{i}")))
        .collect();
    let mut shard_sizes = Vec::new();
    for (i, dir) in shards.iter().enumerate() {
        let counts = run_sweep(&sweep, dir, Shard { index: i, count: 3 }).unwrap();
        shard_sizes.push(counts.ran);
    }
    assert_eq!(shard_sizes, [8, 8, 8]);
    let merged = tmp.path().join("merged");
    write_sweep(&sweep, &gather(&sweep, &shards).unwrap(), &merged).unwrap();
    assert_same_tables(&one, &merged);

    // A missing shard and a shard given twice are refused.
    let err = gather(&sweep, &shards[..2]).unwrap_err();
    assert!(
        matches!(
            err.downcast_ref(),
            Some(SweepError::Incomplete { missing: 8, .. })
        ),
        "{err}"
    );
    let twice = [shards.clone(), vec![shards[1].clone()]].concat();
    let err = gather(&sweep, &twice).unwrap_err();
    assert!(
        matches!(err.downcast_ref(), Some(SweepError::Duplicate { .. })),
        "{err}"
    );
}

#[test]
fn tables_have_one_row_per_pair_and_group_and_per_point() {
    use polars::prelude::*;
    let tmp = tempfile::tempdir().unwrap();
    let sweep = Sweep::plan(Experiment::load(&data("tiny-sweep.toml")).unwrap()).unwrap();
    run_whole(&sweep, tmp.path(), 2);
    let read = |name: &str| {
        ParquetReader::new(std::fs::File::open(tmp.path().join(name)).unwrap())
            .finish()
            .unwrap()
    };
    let reps = read("replications.parquet");
    let points = read("points.parquet");
    // Each pair: all calls, priority 1, priority 2.
    assert_eq!(reps.height(), 24 * 3);
    assert_eq!(points.height(), 6 * 3);
    assert_eq!(
        reps.column("units_per_post.per_post").unwrap().dtype(),
        &DataType::Int64
    );
    // 30, 60.5, 90: numbers.
    assert_eq!(
        points.column("dispatch.delay_s").unwrap().dtype(),
        &DataType::Float64
    );
    let low = points.column("on_scene_5min_share_ci_low").unwrap();
    let mean = points.column("on_scene_5min_share_mean").unwrap();
    let high = points.column("on_scene_5min_share_ci_high").unwrap();
    for i in 0..points.height() {
        let (l, m, h) = (
            low.get(i).unwrap().try_extract::<f64>().unwrap(),
            mean.get(i).unwrap().try_extract::<f64>().unwrap(),
            high.get(i).unwrap().try_extract::<f64>().unwrap(),
        );
        assert!(l <= m && m <= h, "row {i}: {l} {m} {h}");
    }
    // The point mean is the mean of its replications.
    let first: Vec<f64> = (0..4)
        .map(|r| {
            reps.column("on_scene_5min_share")
                .unwrap()
                .get(3 * r)
                .unwrap()
                .try_extract::<f64>()
                .unwrap()
        })
        .collect();
    let expected = first.iter().sum::<f64>() / 4.0;
    let got = mean.get(0).unwrap().try_extract::<f64>().unwrap();
    assert!((expected - got).abs() < 1e-12, "{expected} vs {got}");
}

#[test]
fn search_finds_the_least_value_meeting_the_target() {
    let experiment = Experiment::load(&data("tiny-search.toml")).unwrap();
    let outcome = run_search(&experiment, Method::Bisection).unwrap();
    let answer = outcome.answer.as_ref().unwrap().as_integer().unwrap();
    let meets = |v: i64| {
        outcome
            .evaluations
            .iter()
            .find(|e| e.value.as_integer() == Some(v))
            .map(|e| e.meets)
    };
    // The answer was run and meets; one less was run and does not.
    assert_eq!(meets(answer), Some(true));
    assert_eq!(meets(answer - 1), Some(false));
    // High end first, then low end, then bisection: no value run twice.
    let values: Vec<i64> = outcome
        .evaluations
        .iter()
        .map(|e| e.value.as_integer().unwrap())
        .collect();
    assert_eq!(&values[..2], &[9, 1]);
    let mut unique = values.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), values.len());
    for e in &outcome.evaluations {
        assert_eq!(e.meets, e.share.low.unwrap() >= 0.8, "{e:?}");
    }
}

#[test]
fn a_scan_runs_every_value_and_answers_the_least_from_which_all_larger_meet() {
    let experiment = Experiment::load(&data("tiny-search.toml")).unwrap();
    let scan = run_search(&experiment, Method::Scan).unwrap();
    let values: Vec<i64> = scan
        .evaluations
        .iter()
        .map(|e| e.value.as_integer().unwrap())
        .collect();
    assert_eq!(values, (1..=9).collect::<Vec<_>>());
    let answer = scan.answer.as_ref().unwrap().as_integer().unwrap();
    for e in &scan.evaluations {
        let v = e.value.as_integer().unwrap();
        if v >= answer {
            assert!(e.meets, "{v} is above the answer {answer} but fails");
        }
    }
    assert!(answer == 1 || !scan.evaluations[answer as usize - 2].meets);
    // Every value runs the same replications: the bisection's values give the scan's figures
    // exactly, and here (meeting from 1 to 9 is monotone) the same answer.
    let bisection = run_search(&experiment, Method::Bisection).unwrap();
    for e in &bisection.evaluations {
        let v = e.value.as_integer().unwrap();
        assert_eq!(e, &scan.evaluations[v as usize - 1]);
    }
    assert_eq!(bisection.answer, scan.answer);
}

#[test]
fn a_key_where_compliance_falls_is_flagged_not_monotone() {
    // The dispatch delay: 0 s, 150 s, 300 s before a unit leaves. Compliance falls as it rises,
    // against the search's assumption; the run still ends (exit 0) with the warning.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(data("tiny-grid.toml"), tmp.path().join("tiny-grid.toml")).unwrap();
    let text = std::fs::read_to_string(data("tiny-search.toml")).unwrap();
    std::fs::write(
        tmp.path().join("delay.toml"),
        text.replace("units_per_post.per_post", "dispatch.delay_s")
            .replace("low = 1\nhigh = 9", "low = 0\nhigh = 300\ntolerance = 150"),
    )
    .unwrap();
    let out = patrolsim(&["search", "delay.toml", "--scan", "-o", "s"], tmp.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warning = stdout
        .lines()
        .find_map(|l| l.strip_prefix("warning: "))
        .unwrap_or_else(|| panic!("no warning in: {stdout}"));
    assert!(
        warning.starts_with("not monotone between 0 and 150"),
        "{warning}"
    );
    assert!(warning.ends_with(": the answer may be wrong"), "{warning}");
    let csv = std::fs::read_to_string(tmp.path().join("s/search.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",meets,not_monotone_with"), "{csv}");
    assert_eq!(lines.last(), Some(&warning), "{csv}");
    // The row of 0 names the values it contradicts; the table has one row per value.
    assert_eq!(lines.len(), 1 + 3 + 1, "{csv}");
    assert!(
        lines[1].starts_with("1,0,") && lines[1].contains(",150;300"),
        "{csv}"
    );
}

fn pair_files(dir: &Path) -> Vec<(String, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("pairs"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap())
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        e.metadata().unwrap().modified().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn a_killed_sweep_started_again_runs_only_what_is_missing() {
    // 4 x 16 = 64 pairs of a slower variant (10 days each), one thread: a few seconds.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(data("tiny-grid.toml"), tmp.path().join("tiny-grid.toml")).unwrap();
    std::fs::write(
        tmp.path().join("long.toml"),
        "base = \"tiny-grid.toml\"\nreplications = 16\n\
         [[axis]]\nkey = \"days\"\nvalues = [10]\n\
         [[axis]]\nkey = \"dispatch.delay_s\"\nvalues = [30, 60, 90, 120]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_patrolsim"))
        .args(["sweep", "long.toml", "-o", "out", "--threads", "1"])
        .current_dir(tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while pair_files(&out).len() < 5 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep finished before it could be killed: make it longer"
        );
        assert!(started.elapsed().as_secs() < 60, "no results appear");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = pair_files(&out);
    let done = before.len();
    assert!(
        (5..64).contains(&done),
        "{done} pairs done when killed: the test needs a sweep cut part-way"
    );
    assert!(
        !out.join("points.csv").exists(),
        "tables are written only at the end"
    );

    let again = patrolsim(&["sweep", "long.toml", "-o", "out"], tmp.path());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(
        stdout.contains(&format!("{done} pairs already saved, ran {}", 64 - done)),
        "{stdout}"
    );
    // The pairs saved before the kill were not run again.
    let after = pair_files(&out);
    assert_eq!(after.len(), 64);
    for (name, modified) in &before {
        assert!(
            after.contains(&(name.clone(), *modified)),
            "{name} was rewritten"
        );
    }

    let whole = patrolsim(&["sweep", "long.toml", "-o", "whole"], tmp.path());
    assert!(whole.status.success());
    assert_same_tables(&out, &tmp.path().join("whole"));
}

/// Runs `patrolsim sweep` on a sweep file with `body` over the tiny grid and checks it fails
/// with exit code 2, one line containing each of `expect`, and no output.
fn sweep_rejects(body: &str, expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(data("tiny-grid.toml"), tmp.path().join("tiny-grid.toml")).unwrap();
    std::fs::write(
        tmp.path().join("bad.toml"),
        format!("base = \"tiny-grid.toml\"\noutput_dir = \"out\"\n{body}"),
    )
    .unwrap();
    let out = patrolsim(&["sweep", "bad.toml"], tmp.path());
    assert_bad_input(&out, &[&["bad.toml"], expect].concat());
    assert!(
        !tmp.path().join("out").exists(),
        "output written for bad input"
    );
}

const AXIS: &str = "[[axis]]\nkey = \"dispatch.delay_s\"\nvalues = [30, 60]\n";

#[test]
fn unknown_key_in_a_sweep_file_is_named() {
    sweep_rejects(
        &format!("replicatons = 3\n{AXIS}"),
        &["unknown field `replicatons`"],
    );
}

#[test]
fn an_axis_key_not_in_the_base_scenario_is_named() {
    sweep_rejects(
        "[[axis]]\nkey = \"dispatch.delay_ms\"\nvalues = [30]\n",
        &[
            "axis[0].key = \"dispatch.delay_ms\"",
            "no such key in the base scenario",
        ],
    );
    sweep_rejects(
        "[[axis]]\nkey = \"incident_types[5].share\"\nvalues = [0.5]\n",
        &["axis[0].key = \"incident_types[5].share\""],
    );
}

#[test]
fn a_bad_axis_value_is_named_before_anything_runs() {
    sweep_rejects(
        "[[axis]]\nkey = \"dispatch.delay_s\"\nvalues = [30, -5]\n",
        &[
            "point dispatch.delay_s = -5",
            "dispatch.delay_s = -5.0: must be >= 0",
        ],
    );
    sweep_rejects(
        "[[axis]]\nkey = \"units_per_post.per_post\"\nvalues = [1, \"two\"]\n",
        &["units_per_post.per_post = \"two\"", "invalid type"],
    );
}

#[test]
fn a_sweep_without_axes_and_a_bad_shard_are_refused() {
    sweep_rejects("replications = 2\n", &["axis", "at least one [[axis]]"]);
    let tmp = tempfile::tempdir().unwrap();
    let out = patrolsim(
        &[
            "sweep",
            data("tiny-sweep.toml").to_str().unwrap(),
            "--shard",
            "3/3",
        ],
        tmp.path(),
    );
    assert_bad_input(&out, &["--shard 3/3: must be I/N with 0 <= I < N"]);
    assert!(!tmp.path().join("outputs").exists());
}

#[test]
fn merge_cli_refuses_an_incomplete_set_of_shards_and_merges_a_complete_one() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = data("tiny-sweep.toml");
    let sweep = sweep.to_str().unwrap();
    let shard = patrolsim(&["sweep", sweep, "--shard", "0/2", "-o", "s0"], tmp.path());
    assert!(shard.status.success());
    assert!(
        !tmp.path().join("s0/points.csv").exists(),
        "a shard writes no tables"
    );
    let merge = patrolsim(&["merge", sweep, "s0", "-o", "merged"], tmp.path());
    assert_bad_input(
        &merge,
        &["12 of 24 (point, replication) pairs have no result"],
    );
    assert!(!tmp.path().join("merged").exists());

    let shard = patrolsim(&["sweep", sweep, "--shard", "1/2", "-o", "s1"], tmp.path());
    assert!(shard.status.success());
    let merge = patrolsim(&["merge", sweep, "s0", "s1", "-o", "merged"], tmp.path());
    let stdout = String::from_utf8_lossy(&merge.stdout);
    assert!(
        stdout.contains("merged 24 pairs from 2 folders"),
        "{stdout}"
    );
    let single = patrolsim(&["sweep", sweep, "-o", "single"], tmp.path());
    assert!(single.status.success());
    assert_same_tables(&tmp.path().join("merged"), &tmp.path().join("single"));
}

#[test]
fn shipped_experiment_files_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let sweep = Sweep::plan(Experiment::load(&root.join("sweep-example.toml")).unwrap()).unwrap();
    assert_eq!(sweep.pairs().count(), 36);
    let search = Experiment::load(&root.join("search-example.toml")).unwrap();
    assert!(search.search_key.is_some());
}

#[test]
fn saved_pairs_are_reused_for_more_replications_but_never_for_another_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let axis = "[[axis]]\nkey = \"dispatch.delay_s\"\nvalues = [30, 60]\n";
    let two = tiny_sweep(tmp.path(), &format!("replications = 2\n{axis}"));
    let out = tmp.path().join("out");
    assert_eq!(run_sweep(&two, &out, Shard::WHOLE).unwrap().ran, 4);
    // Twice the replications: the 4 saved pairs are kept, 4 more run.
    let four = tiny_sweep(tmp.path(), &format!("replications = 4\n{axis}"));
    let counts = run_sweep(&four, &out, Shard::WHOLE).unwrap();
    assert_eq!((counts.already_done, counts.ran), (4, 4));
    // Another value on the axis changes the scenario of point 1: its saved pairs are refused.
    let other = tiny_sweep(
        tmp.path(),
        "replications = 4\n[[axis]]\nkey = \"dispatch.delay_s\"\nvalues = [30, 45]\n",
    );
    let err = run_sweep(&other, &out, Shard::WHOLE).unwrap_err();
    assert!(
        matches!(
            err.downcast_ref(),
            Some(SweepError::Foreign { point: 1, .. })
        ),
        "{err}"
    );
}

#[test]
fn search_cli_prints_the_answer_and_writes_the_values_run() {
    let tmp = tempfile::tempdir().unwrap();
    let file = data("tiny-search.toml");
    let out = patrolsim(&["search", file.to_str().unwrap(), "-o", "s"], tmp.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("least units_per_post.per_post meeting the target: "))
        .unwrap_or_else(|| panic!("no answer in: {stdout}"));
    // The answer line states the target, the confidence rule and the replications.
    let (answer, target) = line.split_once(" (target: ").unwrap();
    assert_eq!(
        target,
        "a unit on scene within 5 min for >= 80.0% of priority-1 calls, met where the lower \
         end of the 95 % interval across 4 replications (the same calls at every value) \
         reaches it)"
    );
    assert!(!stdout.contains("warning"), "{stdout}");
    let csv = std::fs::read_to_string(tmp.path().join("s/search.csv")).unwrap();
    assert!(
        csv.starts_with("order,units_per_post.per_post,replications,"),
        "{csv}"
    );
    assert!(!csv.contains("not monotone"), "{csv}");
    // The answer is the least value run that meets the target.
    let least_meeting = csv
        .lines()
        .skip(1)
        .filter(|l| l.ends_with(",true,"))
        .map(|l| l.split(',').nth(1).unwrap().parse::<i64>().unwrap())
        .min();
    assert_eq!(least_meeting, Some(answer.parse().unwrap()), "{csv}");
}

#[test]
fn a_bad_search_target_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(data("tiny-grid.toml"), tmp.path().join("tiny-grid.toml")).unwrap();
    let text = std::fs::read_to_string(data("tiny-search.toml")).unwrap();
    std::fs::write(
        tmp.path().join("bad.toml"),
        text.replace("at_least = 0.8", "at_least = 80"),
    )
    .unwrap();
    let out = patrolsim(&["search", "bad.toml", "-o", "s"], tmp.path());
    assert_bad_input(
        &out,
        &["bad.toml: search.at_least = 80: must be a share in (0, 1]"],
    );
    assert!(!tmp.path().join("s").exists());
}

//! A sweep spread over a real Slurm cluster with `scripts/slurm/submit.sh` (an array of shard
//! tasks, then a merge job that depends on it) gives byte for byte the tables of a sweep on one
//! machine.
//!
//! Runs only when `PATROLSIM_SLURM=1` (CI sets it after starting `../shared/slurm`); then a
//! missing or broken cluster is a failure, not a skip.

use crate::common;

use common::{assert_same_tables, data};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Submits `sweep` in 3 shards with `scripts/slurm/submit.sh` into `out`, waits for the array
/// and the merge, and checks that every job succeeded.
fn submit_and_wait(sweep: &Path, out: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let ids = run(Command::new(root.join("scripts/slurm/submit.sh"))
        .args([sweep.as_os_str(), "3".as_ref(), out.as_os_str()])
        .env("PATROLSIM", env!("CARGO_BIN_EXE_patrolsim")));
    let ids: Vec<&str> = ids.split_whitespace().collect();
    assert_eq!(
        ids.len(),
        2,
        "submit.sh prints the array and merge job ids: {ids:?}"
    );
    let jobs = ids.join(",");
    loop {
        let queued = run(Command::new("squeue").args(["-h", "-j", &jobs]));
        if queued.trim().is_empty() {
            break;
        }
        if started.elapsed() > Duration::from_secs(180) {
            let _ = Command::new("scancel").args(&ids).status();
            panic!("the Slurm jobs did not finish in 180 s:\n{queued}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    for job in &ids {
        let state = run(Command::new("scontrol").args(["-o", "show", "job", job]));
        for line in state.lines() {
            assert!(
                line.contains("JobState=COMPLETED") && line.contains("ExitCode=0:0"),
                "job {job} did not succeed: {line}\nmerge log:\n{}",
                log(out, "merge.out")
            );
        }
    }
}

fn log(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join("logs").join(name)).unwrap_or_default()
}

#[test]
fn a_sweep_on_slurm_merges_to_the_single_machine_tables() {
    if std::env::var_os("PATROLSIM_SLURM").is_none() {
        eprintln!("SKIPPED: set PATROLSIM_SLURM=1 with a running Slurm cluster (see .ci/run)");
        return;
    }
    let sweep = data("tiny-sweep.toml");
    let started = Instant::now();
    let nodes = run(Command::new("sinfo").args(["-h", "-N", "-o", "%t"]));
    assert!(
        nodes
            .lines()
            .any(|s| s.starts_with("idle") || s.starts_with("mix")),
        "no Slurm node is up: {nodes:?}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("slurm");
    submit_and_wait(&sweep, &out);
    assert!(log(&out, "merge.out").contains("merged 24 pairs from 3 folders"));
    let first = started.elapsed().as_secs_f64();

    let single = tmp.path().join("single");
    run(Command::new(env!("CARGO_BIN_EXE_patrolsim")).args([
        "sweep".as_ref(),
        sweep.as_os_str(),
        "-o".as_ref(),
        single.as_os_str(),
    ]));
    assert_same_tables(&out.join("merged"), &single);

    // Submitted again (as after a failed shard): every shard finds its pairs saved.
    submit_and_wait(&sweep, &out);
    for i in 0..3 {
        let shard = log(&out, &format!("shard-{i}.out"));
        assert!(shard.contains("8 pairs already saved, ran 0"), "{shard}");
    }
    assert_same_tables(&out.join("merged"), &single);
    println!(
        "Slurm: 3 shards + merge in {first:.1} s, identical to one machine; \
         submitted again, nothing rerun; {:.1} s in all",
        started.elapsed().as_secs_f64()
    );
}

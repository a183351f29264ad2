//! The same scenario and seed give identical results, whatever the number of threads.

use patrolsim::experiment::{run_replications, run_streamed, write_run};
use patrolsim::scenario::Scenario;
use patrolsim::sim::Model;
use std::path::Path;

fn run_with_threads(threads: usize, dir: &Path) -> patrolsim::experiment::RunOutput {
    let mut scenario = Scenario::default_scenario();
    scenario.replications = 3;
    scenario.horizon_s = scenario.warmup_s + 7.0 * 86_400.0;
    run_on_threads(scenario, threads, dir)
}

/// Runs `scenario` on `threads` threads and writes its tables into `dir`.
fn run_on_threads(
    scenario: Scenario,
    threads: usize,
    dir: &Path,
) -> patrolsim::experiment::RunOutput {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let model = Model::new(scenario);
    let run = pool.install(|| run_replications(&model));
    write_run(&model, &run, dir).unwrap();
    run
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn one_thread_and_two_threads_give_identical_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("one"), tmp.path().join("two"));
    let run_a = run_with_threads(1, &a);
    let run_b = run_with_threads(2, &b);
    assert_eq!(run_a.replications, run_b.replications);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(
        fa.len(),
        19, // with the default scenario's sealing table, the map copy and the GIS layers
        "{:?}",
        fa.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name_a, bytes_a), (name_b, bytes_b)) in fa.iter().zip(&fb) {
        assert_eq!(name_a, name_b);
        assert!(
            bytes_a == bytes_b,
            "{name_a} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn move_up_gives_identical_tables_on_one_and_two_threads() {
    let text = Scenario::default_scenario().source_toml.replace(
        "returning_position = \"on_route\"\n",
        "returning_position = \"on_route\"\n\n[dispatch.move_up]\nthreshold = 0.9\n",
    );
    let scenario = || {
        let mut s = Scenario::from_toml(&text, "move-up.toml", Path::new(".")).unwrap();
        s.replications = 2;
        s.horizon_s = s.warmup_s + 3.0 * 86_400.0;
        s
    };
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("one"), tmp.path().join("two"));
    let run_a = run_on_threads(scenario(), 1, &a);
    let run_b = run_on_threads(scenario(), 2, &b);
    assert_eq!(run_a.replications, run_b.replications);
    for ((name_a, bytes_a), (name_b, bytes_b)) in files(&a).iter().zip(&files(&b)) {
        assert_eq!(name_a, name_b);
        assert!(
            bytes_a == bytes_b,
            "{name_a} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn a_streamed_run_writes_the_same_bytes_as_one_held_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let held = tmp.path().join("held");
    let run = run_with_threads(2, &held);
    for threads in [1, 2] {
        let streamed = tmp.path().join(format!("streamed-{threads}"));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut scenario = Scenario::default_scenario();
        scenario.replications = 3;
        scenario.horizon_s = scenario.warmup_s + 7.0 * 86_400.0;
        let model = Model::new(scenario);
        let out = pool.install(|| run_streamed(&model, &streamed)).unwrap();
        assert_eq!(out.summaries, run.summaries);
        let held_calls: usize = run.replications.iter().map(|r| r.calls.len()).sum();
        assert_eq!(out.calls, held_calls);
        assert_eq!(out.units, run.concat(|o| &o.units));
        let (fa, fb) = (files(&held), files(&streamed));
        assert_eq!(
            fa.iter().map(|f| &f.0).collect::<Vec<_>>(),
            fb.iter().map(|f| &f.0).collect::<Vec<_>>(),
            "same files, no temporary left behind"
        );
        for ((name, a), (_, b)) in fa.iter().zip(&fb) {
            assert!(a == b, "{name} differs when streamed on {threads} threads");
        }
    }
}

#[test]
fn replications_differ_and_a_replication_is_its_own() {
    let model = Model::new(Scenario::default_scenario());
    let r1 = model.run(1);
    assert_ne!(
        model.run(0).calls,
        r1.calls,
        "replications must use different streams"
    );
    assert_eq!(
        model.run(1),
        r1,
        "a replication must not depend on what ran before"
    );
}

#[test]
fn same_seed_sees_the_same_calls_under_different_staffing() {
    // Common random numbers: changing the force does not change the calls.
    let base = Scenario::default_scenario();
    let text = base
        .source_toml
        .replace("officers_per_100k = 50", "officers_per_100k = 30");
    let fewer = Scenario::from_toml(&text, "fewer.toml", Path::new(".")).unwrap();
    assert!(fewer.units.len() < base.units.len());
    let (a, b) = (Model::new(base).run(0), Model::new(fewer).run(0));
    let key = |c: &patrolsim::results::CallRecord| (c.call_id, c.call_s, c.node, c.incident_type);
    assert_eq!(
        a.calls.iter().map(key).collect::<Vec<_>>(),
        b.calls.iter().map(key).collect::<Vec<_>>()
    );
    assert_ne!(
        a.calls, b.calls,
        "the response must differ with fewer units"
    );
}

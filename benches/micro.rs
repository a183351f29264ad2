//! Micro-benchmarks on the benchmark grid (../shared/bench/SPEC.md), one core each: the event
//! loop alone (one replication, nothing written), a routing query (`trip` between random
//! nodes), and the nearest-available search (`nearest`, the first of every unit at its post,
//! from random scenes, with the posts as anchors as a run has them); and a sweep
//! (`scenarios/sweep-example.toml`) on 1 and on 2 threads and the speed-up.
//!
//!     cargo bench --bench micro            # bench-grid-small, bench-grid-city, sweep-example
//!     cargo bench --bench micro -- bench-grid-large sweep-example

use patrolsim::experiment::{Experiment, Shard, Sweep, run_sweep};
use patrolsim::routing::{Anchors, Candidate, Router, TravelGraph, TravelTimes};
use patrolsim::scenario::Scenario;
use patrolsim::sim::Model;
use rand::{RngExt, SeedableRng};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

mod common;

const QUERIES: usize = 20_000;

fn grid(name: &str) {
    let scenario = Scenario::load(&Path::new("scenarios").join(format!("{name}.toml")))
        .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let graph = Arc::new(TravelGraph::new(
        &scenario.map,
        scenario.emergency_speed_factor,
    ));
    let prep_ms = started.elapsed().as_secs_f64() * 1e3;
    let homes: Vec<u32> = scenario.units.iter().map(|u| u.home).collect();
    let started = Instant::now();
    let anchors = Arc::new(Anchors::new(&graph, &homes));
    let anchors_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut router = Router::with_anchors(graph, anchors);
    let n = scenario.map.node_count() as u32;
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(9);
    let pairs: Vec<(u32, u32)> = (0..QUERIES)
        .map(|_| (rng.random_range(0..n), rng.random_range(0..n)))
        .collect();
    let started = Instant::now();
    let mut check = 0.0;
    for &(a, b) in &pairs {
        check += router.trip(a, b).travel_s;
    }
    let trip_us = started.elapsed().as_secs_f64() * 1e6 / QUERIES as f64;
    assert!(check > 0.0);
    let candidates: Vec<Candidate> = scenario
        .units
        .iter()
        .enumerate()
        .map(|(key, u)| Candidate {
            key: key as u32,
            node: u.home,
            lead_s: 0.0,
        })
        .collect();
    let mut out = Vec::new();
    let started = Instant::now();
    for &(scene, _) in &pairs {
        router.nearest(scene, &candidates, 1, &mut out);
    }
    let nearest_us = started.elapsed().as_secs_f64() * 1e6 / QUERIES as f64;

    let model = Model::new(scenario);
    let started = Instant::now();
    let cpu_started = common::cpu_s().unwrap_or(f64::NAN);
    let output = model.run(0);
    let loop_s = started.elapsed().as_secs_f64();
    let loop_cpu_s = common::cpu_s().unwrap_or(f64::NAN) - cpu_started;
    let calls = output.calls.len();
    println!(
        "{name:<18} routing prep {prep_ms:>6.1} ms + anchors {anchors_ms:>6.1} ms | trip {trip_us:>6.2} µs | nearest of {units} \
         {nearest_us:>6.2} µs | event loop {calls} calls in {loop_s:.2} s = {rate:.0} calls/s \
         (CPU {loop_cpu_s:.2} s = {per_call:.2} µs a call)",
        units = candidates.len(),
        rate = calls as f64 / loop_s,
        per_call = loop_cpu_s * 1e6 / calls as f64,
    );
}

/// Runs the example sweep on `threads` threads into a fresh folder; returns the wall time.
fn sweep_seconds(sweep: &Sweep, threads: usize) -> f64 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let dir = tempfile::tempdir().expect("temporary folder");
    let started = Instant::now();
    pool.install(|| run_sweep(sweep, dir.path(), Shard::WHOLE))
        .expect("sweep");
    started.elapsed().as_secs_f64()
}

/// The example sweep `name` (a `scenarios/<name>.toml` experiment) on 1 and on 2 threads.
fn sweep(name: &str) {
    let experiment = Experiment::load(&Path::new("scenarios").join(format!("{name}.toml")))
        .unwrap_or_else(|e| panic!("{e}"));
    let sweep = Sweep::plan(experiment).unwrap_or_else(|e| panic!("{e}"));
    let one = sweep_seconds(&sweep, 1);
    let two = sweep_seconds(&sweep, 2);
    println!(
        "{name:<18} {pairs} (point, replication) pairs: 1 thread {one:.2} s, 2 threads \
         {two:.2} s, speed-up {speed_up:.2}x; peak RSS {rss:.0} MiB",
        pairs = sweep.pairs().count(),
        speed_up = one / two,
        rss = common::peak_rss_mib().unwrap_or(f64::NAN),
    );
}

fn main() {
    let names = common::names_or(&["bench-grid-small", "bench-grid-city", "sweep-example"]);
    for name in &names {
        if name.contains("sweep") {
            sweep(name);
        } else {
            grid(name);
        }
    }
}

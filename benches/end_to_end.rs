//! End-to-end speed on one core, as ../shared/bench/SPEC.md counts it: load the scenario (build
//! the map), prepare routing, simulate one replication and write the per-call table. Prints calls
//! simulated per second of wall time with the table written as Parquet (the columnar table a
//! planner's tools read), the same with its CSV copy as well (what `patrolsim run` writes), the
//! time of each phase, and the peak memory of the process.
//!
//!     cargo bench --bench end_to_end                      # bench-grid-small and default
//!     cargo bench --bench end_to_end -- bench-grid-city   # any scenarios/<name>.toml

use common::{cpu_s, peak_rss_mib};
use patrolsim::experiment::run_replications;
use patrolsim::results::{calls_table, write_csv, write_parquet};
use patrolsim::scenario::Scenario;
use patrolsim::sim::Model;
use std::path::Path;
use std::time::Instant;

mod common;

fn bench(name: &str, out_dir: &Path) {
    let started = Instant::now();
    let cpu_started = cpu_s().unwrap_or(f64::NAN);
    let mut scenario = Scenario::load(&Path::new("scenarios").join(format!("{name}.toml")))
        .unwrap_or_else(|e| panic!("{e}"));
    scenario.replications = 1;
    let model = Model::new(scenario);
    let prepared = started.elapsed().as_secs_f64();
    let run = run_replications(&model);
    let simulated = started.elapsed().as_secs_f64();
    let calls = &run.replications[0].calls;
    let mut table = calls_table(&model.scenario, calls).expect("table");
    let framed = started.elapsed().as_secs_f64();
    write_parquet(&mut table, out_dir, name).expect("write Parquet");
    let parquet = started.elapsed().as_secs_f64();
    let cpu = cpu_s().unwrap_or(f64::NAN) - cpu_started;
    write_csv(&mut table, out_dir, name).expect("write CSV");
    let total = started.elapsed().as_secs_f64();
    let n = calls.len() as f64;
    println!(
        "{name:<18} {calls:>9} calls  {parquet:>6.2} s  {rate:>8.0} calls/s  (CPU {cpu:.2} s: \
         {cpu_rate:.0} calls/s)  with the CSV too {total:.2} s: {csv_rate:.0} calls/s  \
         peak RSS {rss:.0} MiB\n{:<18} map + routing {prepared:.3} s, simulation {sim:.3} s, \
         table {frame:.3} s, Parquet {pq:.3} s, CSV {csv:.3} s",
        "",
        calls = calls.len(),
        rate = n / parquet,
        cpu_rate = n / cpu,
        csv_rate = n / total,
        rss = peak_rss_mib().unwrap_or(f64::NAN),
        sim = simulated - prepared,
        frame = framed - simulated,
        pq = parquet - framed,
        csv = total - parquet,
    );
}

fn main() {
    // One core, as the SPEC asks: replications are the only parallel part, and there is one;
    // polars gets one thread too (its pool reads this before its first use).
    // SAFETY: set before any other thread of this process exists.
    unsafe { std::env::set_var("POLARS_MAX_THREADS", "1") };
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .expect("thread pool");
    let names = common::names_or(&["bench-grid-small", "default"]);
    let out = tempfile::tempdir().expect("temporary folder");
    for name in &names {
        bench(name, out.path());
    }
}

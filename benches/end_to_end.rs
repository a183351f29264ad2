//! End-to-end speed on one core: load the scenario (build the map), prepare routing, simulate
//! one replication and write the per-call table. Prints calls simulated per second of wall time
//! and the peak memory of the process.
//!
//!     cargo bench --bench end_to_end                      # bench-grid-small and default
//!     cargo bench --bench end_to_end -- bench-grid-city   # any scenarios/<name>.toml

use common::{cpu_s, peak_rss_mib};
use patrolsim::experiment::run_replications;
use patrolsim::results::{calls_table, write_table};
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
    let calls = run.concat(|o| &o.calls);
    let mut table = calls_table(&model.scenario, &calls).expect("table");
    write_table(&mut table, out_dir, name).expect("write");
    let total = started.elapsed().as_secs_f64();
    let cpu = cpu_s().unwrap_or(f64::NAN) - cpu_started;
    println!(
        "{name:<18} {calls:>9} calls  {total:>7.2} s  {rate:>10.0} calls/s  (CPU {cpu:.2} s: \
         {cpu_rate:.0} calls/s)  (map + routing prep {prepared:.2} s)  peak RSS {rss:.0} MiB",
        calls = calls.len(),
        rate = calls.len() as f64 / total,
        cpu_rate = calls.len() as f64 / cpu,
        rss = peak_rss_mib().unwrap_or(f64::NAN),
    );
}

fn main() {
    // One core, as the SPEC asks: replications are the only parallel part, and there is one.
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

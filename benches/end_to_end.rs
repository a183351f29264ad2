//! End-to-end speed on one core, as ../shared/bench/SPEC.md counts it: load the scenario (build
//! the map), prepare routing, simulate one replication and write the per-call table. Prints calls
//! simulated per second of wall time with the table written as Parquet (the columnar table a
//! planner's tools read), the same with its CSV copy as well (what `patrolsim run` writes), the
//! time of each phase, the peak memory of the process, and the SPEC's report of the run.
//!
//!     cargo bench --bench end_to_end                      # bench-grid-small and default
//!     cargo bench --bench end_to_end -- bench-grid-city   # any scenarios/<name>.toml
//!
//! Each scenario runs `BENCH_RUNS` times (default 3), each run whole, and the last line gives
//! the best and the median: on a shared virtual machine the speed of the same work varies by a
//! fifth from one minute to the next.

use common::{cpu_s, peak_rss_mib};
use patrolsim::results::{
    Assignment, CallRecord, CordonCrewRecord, RecordSink, SealingRecord, Summary, UnitRecord,
    calls_table, write_csv, write_parquet,
};
use patrolsim::scenario::Scenario;
use patrolsim::sim::Model;
use std::path::Path;
use std::time::Instant;

mod common;

/// What the benchmark keeps of a replication: the per-call records (the table it writes) and
/// the units' ledgers (for the SPEC's utilisation); assignments pass by.
#[derive(Default)]
struct CallsOnly {
    calls: Vec<CallRecord>,
    units: Vec<UnitRecord>,
}

impl RecordSink for CallsOnly {
    fn call(&mut self, record: CallRecord) {
        self.calls.push(record);
    }

    fn assignment(&mut self, _: Assignment) {}

    fn finish(&mut self, units: Vec<UnitRecord>, _: Vec<SealingRecord>, _: Vec<CordonCrewRecord>) {
        self.units = units;
    }
}

/// Runs `name` end to end once; returns its calls per second of wall time (Parquet table).
fn bench(name: &str, out_dir: &Path) -> f64 {
    let started = Instant::now();
    let cpu_started = cpu_s().unwrap_or(f64::NAN);
    let scenario = Scenario::load(&Path::new("scenarios").join(format!("{name}.toml")))
        .unwrap_or_else(|e| panic!("{e}"));
    let model = Model::new(scenario);
    let prepared = started.elapsed().as_secs_f64();
    let mut run = CallsOnly {
        calls: Vec::with_capacity(model.expected_records().0),
        ..CallsOnly::default()
    };
    model.run_into(0, &mut run);
    let s = Summary::of(Some(0), &run.calls, &run.units);
    let simulated = started.elapsed().as_secs_f64();
    let calls = &run.calls;
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
         peak RSS {rss:.0} MiB\n{:<18} map + routing {prepared:.3} s, simulation and summary \
         {sim:.3} s, table {frame:.3} s, Parquet {pq:.3} s, CSV {csv:.3} s",
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
    let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
    println!(
        "{:<18} SPEC report: mean {} s, p50 {} s, p90 {} s, p99 {} s, <= 300 s {}, mean queue \
         wait {} s, mean utilisation {:.3}",
        "",
        f(s.all.mean_response_s),
        f(s.all.p50_response_s),
        f(s.all.p90_response_s),
        f(s.all.p99_response_s),
        s.all
            .on_scene_5min_share
            .map_or("-".to_string(), |v| format!("{:.1} %", 100.0 * v)),
        f(s.all.mean_queue_wait_s),
        s.mean_utilisation,
    );
    n / parquet
}

fn main() {
    // One core, as the SPEC asks: the replication plays on this thread, and polars gets one
    // thread too (its pool reads this before its first use).
    // SAFETY: set before any other thread of this process exists.
    unsafe { std::env::set_var("POLARS_MAX_THREADS", "1") };
    let names = common::names_or(&["bench-grid-small", "default"]);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let out = tempfile::tempdir().expect("temporary folder");
    for name in &names {
        let mut rates: Vec<f64> = (0..runs).map(|_| bench(name, out.path())).collect();
        rates.sort_by(f64::total_cmp);
        println!(
            "{name:<18} {runs} runs: best {:.0} calls/s, median {:.0} calls/s\n",
            rates[runs - 1],
            rates[runs / 2],
        );
    }
}

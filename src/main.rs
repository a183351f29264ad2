//! The `patrolsim` command line: parses arguments and hands typed values to the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use patrolsim::experiment::{run_replications, staffing_text, summary_text, write_run};
use patrolsim::map::write_map_file;
use patrolsim::scenario::{Scenario, ScenarioError};
use patrolsim::sim::Model;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Do police response promises hold? Simulates incidents and patrol units on a road network and
/// measures the 5-minute on-scene promise, 10-minute reinforcement and more.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario's replications and write result tables.
    #[command(after_help = "Examples:\n  patrolsim run                          \
        # the built-in default scenario (a new area of 420,000 residents)\n  \
        patrolsim run scenarios/bench-grid-small.toml --replications 4")]
    Run {
        /// Scenario file (TOML); the built-in default scenario when absent.
        scenario: Option<PathBuf>,
        /// Output folder; default: the scenario's output_dir, else outputs/<name>.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Override the scenario's number of replications.
        #[arg(long)]
        replications: Option<u32>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Check a scenario file without running it.
    #[command(after_help = "Example:\n  patrolsim check scenarios/default.toml")]
    Check {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
    /// Write the map a scenario uses to a JSON map file.
    #[command(
        after_help = "Example:\n  patrolsim map-export -o maps/new-area.json   # the default scenario's map"
    )]
    MapExport {
        /// Scenario file; the built-in default scenario when absent.
        scenario: Option<PathBuf>,
        /// Where to write the map.
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn load(path: Option<&Path>) -> Result<Scenario, ScenarioError> {
    match path {
        Some(p) => Scenario::load(p),
        None => Ok(Scenario::default_scenario()),
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run {
            scenario,
            output,
            replications,
            threads,
        } => {
            let mut scenario = load(scenario.as_deref())?;
            if let Some(r) = replications {
                anyhow::ensure!(r >= 1, "--replications {r}: must be >= 1");
                scenario.replications = r;
            }
            if let Some(t) = threads {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(t)
                    .build_global()
                    .context("cannot start worker threads")?;
            }
            let dir = output.unwrap_or_else(|| scenario.output_dir.clone());
            print!("{}", staffing_text(&scenario));
            let started = Instant::now();
            let model = Model::new(scenario);
            let out = run_replications(&model);
            let elapsed = started.elapsed().as_secs_f64();
            write_run(&model, &out, &dir)?;
            print!("{}", summary_text(&model.scenario, out.pooled()));
            let calls: usize = out.replications.iter().map(|r| r.calls.len()).sum();
            println!(
                "simulated {calls} counted calls in {elapsed:.2} s; tables in {}",
                dir.display()
            );
            Ok(())
        }
        Command::Check { scenario } => {
            let s = Scenario::load(&scenario)?;
            println!(
                "{}: ok ({}: {} nodes, {} posts; {} units; {} incident types; {:.0} calls/day)",
                scenario.display(),
                s.map.name,
                s.map.node_count(),
                s.map.posts.len(),
                s.units.len(),
                s.incident_types.len(),
                s.hourly_calls.iter().sum::<f64>()
            );
            print!("{}", staffing_text(&s));
            Ok(())
        }
        Command::MapExport { scenario, output } => {
            let s = load(scenario.as_deref())?;
            write_map_file(&s.map, &output)?;
            println!(
                "wrote {} ({} nodes, {} segments)",
                output.display(),
                s.map.node_count(),
                s.map.graph.edge_count()
            );
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            // Bad input is exit code 2; anything else (I/O, ...) is 1.
            if e.downcast_ref::<ScenarioError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

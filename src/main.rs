//! The `patrolsim` command line: parses arguments and hands typed values to the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use patrolsim::analyze::{
    AnalyzeError, analysis_text, analyze, nearest_posts, read_node_list, write_analysis,
};
use patrolsim::atomic_file::check_output_dir;
use patrolsim::bad_input::{BadInput, bad_input};
use patrolsim::experiment::{
    Experiment, Method, PairResult, Shard, Sweep, SweepError, gather, layers_text, points_text,
    run_search, run_streamed, run_sweep, search_text, staffing_text, summary_text, write_search,
    write_sweep,
};
use patrolsim::history::{HistoryError, HistorySpec, calibrate};
use patrolsim::map::osm::{OSM_ATTRIBUTION, OsmError, OsmOptions, import_osm_bytes, map_name};
use patrolsim::map::{
    LoadOptions, MapFileKind, MapInfo, NodeId, RoadMap, apply_geojson_zones, load_map, source_key,
    write_geojson, write_map,
};
use patrolsim::memory;
use patrolsim::output_folder::{OutputFolder, refuse_overwriting};
use patrolsim::placement::{
    Instance, InstanceSpec, MAX_TABLE_ENTRIES, MinPostsReport, Objective, PLACEMENT_GEOJSON,
    PlaceError, PlacementReport, add_p_centre_kiosks, fewest_posts, post_nodes, solve,
    write_placement,
};
use patrolsim::progress;
use patrolsim::report::{
    Lang, LayoutPanel, PLACEMENT_CHART, write_comparison, write_placement_chart, write_report,
    write_sweep_report,
};
use patrolsim::routing::{Router, TravelGraph};
use patrolsim::scenario::{
    CallPlacement, DEFAULT_SCENARIO_LABEL, MAX_REPLICATIONS, Scenario, ScenarioError, StarterError,
    starter_scenario,
};
use patrolsim::sim::{Model, call_weights};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// Do police response promises hold? Simulates incidents and patrol units on a road network and
/// measures the 5-minute on-scene promise, 10-minute reinforcement and more.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Without a command, patrolsim runs the built-in default scenario (as `patrolsim \
                  run`) and writes outputs/default/."
)]
struct Cli {
    /// The command; `run` of the built-in default scenario when absent.
    #[command(subcommand)]
    command: Option<Command>,
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
        /// Refuse to start when the memory estimate is above this (e.g. 8G, 512M); default:
        /// the memory this machine has available.
        #[arg(long, value_name = "SIZE")]
        max_memory: Option<String>,
        /// Do not write the charts and report.html / report.md at the end.
        #[arg(long)]
        no_report: bool,
        /// Language of the charts and report (zh needs a CJK font, e.g. fonts-noto-cjk).
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Run every point of a sweep file's axes x its replications; write per-replication and
    /// per-point tables. Started again, it runs only the pairs without a saved result.
    #[command(
        after_help = "Examples:\n  patrolsim sweep scenarios/sweep-example.toml\n  \
        patrolsim sweep scenarios/sweep-example.toml --shard 0/4 -o out/shard-0   \
        # a quarter of the pairs, no tables\n  \
        patrolsim merge scenarios/sweep-example.toml out/shard-*"
    )]
    Sweep {
        /// Sweep file (TOML): base scenario, [[axis]] key and values, replications.
        sweep: PathBuf,
        /// Output folder; default: the sweep's output_dir, else outputs/<file stem>.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Run only share I of N of the (point, replication) pairs (0 <= I < N) and write no
        /// tables; `patrolsim merge` gathers the shards.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Refuse to start when the memory estimate is above this (e.g. 8G, 512M); default:
        /// the memory this machine has available.
        #[arg(long, value_name = "SIZE")]
        max_memory: Option<String>,
        /// Do not write the sweep chart and report.html / report.md at the end.
        #[arg(long)]
        no_report: bool,
        /// Language of the charts and report (zh needs a CJK font, e.g. fonts-noto-cjk).
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Gather the pair results of sweep shards and write the tables a single run would.
    #[command(after_help = "Example:\n  patrolsim merge sweep.toml out/shard-* -o out/merged")]
    Merge {
        /// The sweep file the shards ran.
        sweep: PathBuf,
        /// Output folders of the shards; together they must hold every pair exactly once.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder; default: the sweep's output_dir, else outputs/<file stem>.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Do not write the sweep chart and report.html / report.md at the end.
        #[arg(long)]
        no_report: bool,
        /// Language of the charts and report (zh needs a CJK font, e.g. fonts-noto-cjk).
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Find the least value of a numeric key at which a promise holds (bisection, same calls
    /// for every value), and check the values run against the bisection's assumption that
    /// compliance never falls as the key rises.
    #[command(
        after_help = "Examples:\n  patrolsim search scenarios/search-example.toml\n  \
        patrolsim search scenarios/search-example.toml --scan   # every value, low to high"
    )]
    Search {
        /// Experiment file (TOML) with a [search] section.
        file: PathBuf,
        /// Run every value from search.low to search.high in steps of search.tolerance instead
        /// of bisecting, and answer the least value from which every larger value meets the
        /// target (for keys that may not be monotone).
        #[arg(long)]
        scan: bool,
        /// Output folder; default: the file's output_dir, else outputs/<file stem>.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Refuse to start when the memory estimate is above this (e.g. 8G, 512M); default:
        /// the memory this machine has available.
        #[arg(long, value_name = "SIZE")]
        max_memory: Option<String>,
    },
    /// Draw the charts and write report.html and report.md from a finished run's folder
    /// (never runs the simulation).
    #[command(after_help = "Example:\n  patrolsim report outputs/default")]
    Report {
        /// A run's output folder (with calls, units, summary.json and scenario.toml), or a
        /// sweep's (with points and experiment.toml).
        output_dir: PathBuf,
        /// Language of the charts and report (zh needs a CJK font, e.g. fonts-noto-cjk).
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Compare two or more finished runs side by side (e.g. today's force and a proposal):
    /// promises kept with 95 % intervals, response-time curves, the parameters that differ.
    #[command(
        after_help = "Example:\n  patrolsim compare outputs/today outputs/proposal -o outputs/compare"
    )]
    Compare {
        /// The runs' output folders (two or more).
        #[arg(required = true, num_args = 2..)]
        runs: Vec<PathBuf>,
        /// Folder for the comparison's chart and report.
        #[arg(short, long)]
        output: PathBuf,
        /// Language of the charts and report (zh needs a CJK font, e.g. fonts-noto-cjk).
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Fit a scenario's demand to a history of calls: rates by hour and weekday, zone shares,
    /// type mix, log-normal on-scene times; writes demand.toml and the hourly profile chart.
    #[command(
        after_help = "Example:\n  patrolsim calibrate ../shared/data/incidents/seattle-fire-911-mva.csv \\\n    \
        --map seattle-grid.json --columns scenarios/history/seattle-columns.toml -o calibration/seattle"
    )]
    Calibrate {
        /// The history: a CSV of calls.
        history: PathBuf,
        /// The map the calls are snapped to: a map file or a scenario (.toml).
        #[arg(long)]
        map: PathBuf,
        /// Column mapping (TOML, the keys of [demand.history]); default: columns time (ISO
        /// 8601, UTC), type, lat/lon or x_m/y_m or node, on_scene_min.
        #[arg(long)]
        columns: Option<PathBuf>,
        /// Output folder for demand.toml and hourly-profile.png / .svg.
        #[arg(short, long, default_value = "calibration")]
        output: PathBuf,
        /// Fail on the first bad row instead of skipping and reporting bad rows.
        #[arg(long)]
        strict: bool,
    },
    /// Check a scenario file without running it.
    #[command(after_help = "Example:\n  patrolsim check scenarios/default.toml")]
    Check {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Refuse to start when the memory estimate is above this (e.g. 8G, 512M); default:
        /// the memory this machine has available.
        #[arg(long, value_name = "SIZE")]
        max_memory: Option<String>,
    },
    /// Write a starter scenario for a map: the default demand (scaled to the map's residents),
    /// incident types and cordon, and a force built from the map's posts, checkpoints and key
    /// points; `check` accepts it.
    #[command(after_help = "Examples:\n  \
        patrolsim map import heidelberg.osm.pbf -o maps/heidelberg.pmap --population 160000\n  \
        patrolsim new --map maps/heidelberg.pmap -o scenarios/heidelberg.toml\n  \
        patrolsim new --map monaco.osm.gz --population 38000   # writes monaco.toml")]
    New {
        /// The map: a map file (.pmap, .json) or OpenStreetMap data (.osm.pbf, .pbf, .osm,
        /// .osm.gz).
        #[arg(long)]
        map: PathBuf,
        /// Residents of the area (OpenStreetMap data only; a map file's zones hold them).
        #[arg(long)]
        population: Option<u64>,
        /// Scenario file to write; never written over. Default: <map name>.toml here.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Static analysis without randomness: travel time from the nearest post to every node
    /// (coverage), and the min-max assignment of posts to exits (blockade).
    #[command(after_help = "Examples:\n  patrolsim analyze                      \
        # the default scenario's posts and checkpoints\n  \
        patrolsim analyze maps/area.pmap --posts posts.csv --exits exits.csv --speed-factor 1.2")]
    Analyze {
        /// Scenario (.toml) or map file; the built-in default scenario when absent.
        input: Option<PathBuf>,
        /// CSV with a `node` column of node ids (the map's own: CSV `id`, OpenStreetMap node
        /// id): the posts, one crew each; default: the map's posts.
        #[arg(long)]
        posts: Option<PathBuf>,
        /// CSV with a `node` column of node ids: the exits to hold; default: the map's
        /// checkpoints.
        #[arg(long)]
        exits: Option<PathBuf>,
        /// Driving speed as a multiple of free-flow speed; default: the scenario's emergency
        /// speed factor, or 1 for a map file.
        #[arg(long)]
        speed_factor: Option<f64>,
        /// Nodes farther than this from every post are counted, minutes.
        #[arg(long, default_value_t = 5.0)]
        threshold_min: f64,
        /// Output folder; default: outputs/analyze-<map name>.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Where to put posts: the layout of K posts with the least mean (median) or largest
    /// (center) travel time from the nearest post, or the most calls within T (cover), with a
    /// bound on how far from optimal it can be; or the fewest posts that put a share of the
    /// calls within T (--min-posts).
    #[command(
        after_help = "Examples:\n  patrolsim place scenarios/default.toml --objective median --posts 30\n  \
        patrolsim place maps/area.pmap --objective cover --posts 3 --keep-existing --threshold-min 5\n  \
        patrolsim place scenarios/default.toml --min-posts --cover-share 0.9 --threshold-min 5"
    )]
    Place(PlaceArgs),
    /// Import, inspect and export maps.
    Map {
        #[command(subcommand)]
        command: MapCommand,
    },
}

/// The arguments of `patrolsim place`.
#[derive(clap::Args)]
struct PlaceArgs {
    /// Scenario (.toml: its map, posts, call placement and emergency speed factor) or map
    /// file (calls uniform over the nodes).
    input: PathBuf,
    /// What the layout should achieve.
    #[arg(long, value_enum, required_unless_present = "min_posts")]
    objective: Option<Objective>,
    /// Posts to place (new ones, beside the kept ones with --keep-existing).
    #[arg(long, required_unless_present = "min_posts")]
    posts: Option<i64>,
    /// Instead of --objective and --posts: the fewest new posts that put --cover-share of the
    /// calls within --threshold-min, with whether that count is proven least.
    #[arg(long, requires = "cover_share", conflicts_with_all = ["objective", "posts"])]
    min_posts: bool,
    /// The share of the calls (0 to 1) that --min-posts puts within the threshold.
    #[arg(long, requires = "min_posts")]
    cover_share: Option<f64>,
    /// Threshold of cover, and where the covered share is counted, minutes.
    #[arg(long, default_value_t = 5.0)]
    threshold_min: f64,
    /// Keep the map's (or scenario's) posts and add new ones.
    #[arg(long)]
    keep_existing: bool,
    /// CSV with a `node` column of node ids (the map's own): the only sites a new post
    /// may take; default: every node.
    #[arg(long)]
    candidates: Option<PathBuf>,
    /// Driving speed as a multiple of free-flow speed; default: the scenario's emergency
    /// speed factor, or 1 for a map file.
    #[arg(long)]
    speed_factor: Option<f64>,
    /// Output folder; default: outputs/place-<map name>.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
enum MapCommand {
    /// Import OpenStreetMap data (.osm.pbf, .pbf, .osm, .osm.gz) into a map file.
    #[command(after_help = "Examples:\n  \
        patrolsim map import ../shared/data/osm/monaco.osm.gz -o maps/monaco.pmap --population 38000\n  \
        patrolsim map import andorra.osm.pbf -o maps/andorra.json --posts 6")]
    Import {
        /// OpenStreetMap file.
        source: PathBuf,
        /// Map file to write: binary (.pmap, loads fastest) or JSON (.json).
        #[arg(short, long)]
        output: PathBuf,
        /// Residents of the area (the population of its single zone).
        #[arg(long, default_value_t = 0)]
        population: u64,
        /// Keep every OSM shape point as a node instead of merging the chains between junctions.
        #[arg(long)]
        keep_shape: bool,
        /// GeoJSON zones (polygons with `name` and `population`) to replace the single zone.
        #[arg(long)]
        zones: Option<PathBuf>,
        /// Place this many kiosks by greedy p-centre (auto-1, auto-2, ...).
        #[arg(long)]
        posts: Option<usize>,
    },
    /// Print a map's size, road length by class, connectivity, extent, zones and posts.
    #[command(after_help = "Examples:\n  patrolsim map info maps/monaco.pmap\n  \
        patrolsim map info scenarios/default.toml   # the map a scenario uses")]
    Info {
        /// A map file (.json, .pmap, OpenStreetMap data) or a scenario (.toml).
        file: PathBuf,
    },
    /// Write a map (or a scenario's map) as a map file and/or GeoJSON.
    #[command(
        after_help = "Examples:\n  patrolsim map export -o maps/new-area.json   \
        # the default scenario's map\n  \
        patrolsim map export maps/monaco.pmap --geojson monaco.geojson   # open in QGIS"
    )]
    Export {
        /// A map file (.json, .pmap, OpenStreetMap data) or a scenario (.toml); the built-in
        /// default scenario when absent.
        file: Option<PathBuf>,
        /// Map file to write (.json or .pmap).
        #[arg(short, long, required_unless_present = "geojson")]
        output: Option<PathBuf>,
        /// GeoJSON file to write: roads, posts, key points, checkpoints.
        #[arg(long)]
        geojson: Option<PathBuf>,
    },
}

fn load(path: Option<&Path>) -> Result<Scenario, ScenarioError> {
    match path {
        Some(p) => Scenario::load(p),
        None => Ok(Scenario::default_scenario()),
    }
}

/// Sets the memory limit estimates are checked against, from `--max-memory`.
fn set_max_memory(max_memory: Option<&str>) -> anyhow::Result<()> {
    if let Some(text) = max_memory {
        let bytes = memory::parse_size(text).ok_or_else(|| {
            BadInput(anyhow::anyhow!(
                "--max-memory {text}: give a size like 8G, 512M or 2GiB"
            ))
        })?;
        memory::set_max_memory(bytes);
    }
    Ok(())
}

/// Sets the worker threads (before anything uses rayon's pool: loading a scenario reads its
/// size for the memory estimate), capped at the machine's cores.
fn set_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(mut t) = threads {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if t > cores {
            eprintln!("warning: --threads {t}: this machine has {cores} cores; using {cores}");
            t = cores;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .context("cannot start worker threads")?;
    }
    Ok(())
}

/// Writes a whole sweep's tables into `dir`, prints its points and, unless `report` is none,
/// writes its report in that language.
fn write_and_show(
    sweep: &Sweep,
    pairs: &[PairResult],
    dir: &Path,
    report: Option<Lang>,
) -> anyhow::Result<()> {
    let figures = write_sweep(sweep, pairs, dir)?;
    print!("{}", points_text(sweep, &figures));
    println!("tables in {}", dir.display());
    if let Some(lang) = report {
        println!("report: {}", write_sweep_report(dir, lang)?.display());
    }
    Ok(())
}

/// The map in `file`: a scenario's (.toml) or a map file's; the default scenario's when absent.
fn load_any_map(file: Option<&Path>) -> anyhow::Result<RoadMap> {
    Ok(map_and_inputs(file)?.0)
}

/// The map in `file` (as [`load_any_map`]) and the files it was read from, each with what it
/// is.
fn map_and_inputs(file: Option<&Path>) -> anyhow::Result<(RoadMap, Vec<(String, PathBuf)>)> {
    match file {
        Some(p) if p.extension().is_none_or(|e| e != "toml") => Ok((
            bad_input(load_map(p, &LoadOptions::default()))?,
            vec![("the map read".into(), p.to_path_buf())],
        )),
        _ => {
            let scenario = load(file)?;
            Ok((Arc::unwrap_or_clone(scenario.map), scenario.inputs))
        }
    }
}

fn map_command(command: MapCommand) -> anyhow::Result<()> {
    match command {
        MapCommand::Import {
            source,
            output,
            population,
            keep_shape,
            zones,
            posts,
        } => {
            let options = OsmOptions {
                population,
                contract_chains: !keep_shape,
            };
            let started = Instant::now();
            if MapFileKind::of(&output).is_ok_and(|k| k == MapFileKind::Osm) {
                return Err(BadInput(anyhow::anyhow!(
                    "{}: patrolsim writes .json or .pmap map files, not OpenStreetMap data",
                    output.display()
                ))
                .into());
            }
            bad_input(MapFileKind::of(&output))?;
            let inputs: Vec<(String, PathBuf)> = std::iter::once(("the data imported", &source))
                .chain(zones.iter().map(|z| ("--zones", z)))
                .map(|(what, p)| (what.to_string(), p.clone()))
                .collect();
            refuse_overwriting(&inputs, std::slice::from_ref(&output))?;
            check_output_dir(output_folder(&output))?;
            let bytes = bad_input(
                std::fs::read(&source)
                    .with_context(|| format!("{}: cannot read", source.display())),
            )?;
            let import = import_osm_bytes(
                &bytes,
                &map_name(&source),
                &source.display().to_string(),
                &options,
            )?;
            let mut map = import.map;
            bad_input(
                map.validate()
                    .with_context(|| format!("{}: imported map is invalid", source.display())),
            )?;
            if let Some(path) = &zones {
                let report = bad_input(apply_geojson_zones(&mut map, path))?;
                println!("{}: {report}", path.display());
            }
            if let Some(n) = posts {
                add_p_centre_kiosks(&mut map, n);
            }
            write_map(&map, &output, Some(source_key(&bytes, &options)))?;
            println!(
                "{} ({}): {}\nwrote {} ({} nodes, {} segments) in {:.2} s; data {}",
                source.display(),
                import.format.name(),
                import.report,
                output.display(),
                map.node_count(),
                map.graph.edge_count(),
                started.elapsed().as_secs_f64(),
                OSM_ATTRIBUTION
            );
            Ok(())
        }
        MapCommand::Info { file } => {
            print!("{}", MapInfo::of(&load_any_map(Some(&file))?));
            Ok(())
        }
        MapCommand::Export {
            file,
            output,
            geojson,
        } => {
            let (map, mut read) = map_and_inputs(file.as_deref())?;
            // Neither output replaces a file read, nor the GeoJSON the map file.
            refuse_overwriting(&read, output.as_slice())?;
            read.extend(output.iter().map(|o| ("the -o map file".into(), o.clone())));
            refuse_overwriting(&read, geojson.as_slice())?;
            for path in output.iter().chain(&geojson) {
                check_output_dir(output_folder(path))?;
            }
            let written = |path: &Path| {
                println!(
                    "wrote {} ({} nodes, {} segments)",
                    path.display(),
                    map.node_count(),
                    map.graph.edge_count()
                );
            };
            if let Some(path) = &output {
                write_map(&map, path, None)?;
                written(path);
            }
            if let Some(path) = &geojson {
                write_geojson(&map, path)?;
                written(path);
            }
            Ok(())
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Run {
        scenario: None,
        output: None,
        replications: None,
        threads: None,
        max_memory: None,
        no_report: false,
        lang: Lang::En,
    });
    match command {
        Command::Run {
            scenario,
            output,
            replications,
            threads,
            max_memory,
            no_report,
            lang,
        } => {
            set_max_memory(max_memory.as_deref())?;
            set_threads(threads)?;
            let mut scenario = load(scenario.as_deref())?;
            if let Some(r) = replications {
                if r == 0 {
                    return Err(BadInput(anyhow::anyhow!("--replications 0: must be >= 1")).into());
                }
                if r > MAX_REPLICATIONS {
                    return Err(
                        BadInput(anyhow::anyhow!("--replications {r}: must be <= 400")).into(),
                    );
                }
                scenario.replications = r;
                let label = format!("--replications {r}");
                let estimate = scenario.footprint().run(r, rayon::current_num_threads());
                estimate.check(&label)?;
            }
            let dir = output.unwrap_or_else(|| scenario.output_dir.clone());
            let _folder = OutputFolder::for_run(&dir, &scenario.inputs)?;
            print!("{}", staffing_text(&scenario));
            print!(
                "{}",
                scenario
                    .history
                    .as_ref()
                    .map_or(String::new(), |h| h.text())
            );
            let started = Instant::now();
            let model = Model::new(scenario);
            // Records stream to disk as the replications play, so the tables are written
            // within the timed part.
            let out = run_streamed(&model, &dir)?;
            let elapsed = started.elapsed().as_secs_f64();
            print!("{}", summary_text(&model.scenario, out.pooled()));
            print!("{}", layers_text(&model.scenario, &out.units));
            let calls = out.calls;
            println!(
                "simulated {calls} counted calls and wrote the tables in {elapsed:.2} s; tables in {}",
                dir.display()
            );
            if !no_report {
                println!("report: {}", write_report(&dir, lang)?.display());
            }
            Ok(())
        }
        Command::Sweep {
            sweep,
            output,
            shard,
            threads,
            max_memory,
            no_report,
            lang,
        } => {
            let shard = shard.as_deref().map(Shard::parse).transpose()?;
            set_max_memory(max_memory.as_deref())?;
            set_threads(threads)?; // before anything uses rayon's pool
            let sweep = Sweep::plan(Experiment::load(&sweep)?)?;
            let dir = output.unwrap_or_else(|| sweep.experiment.output_dir.clone());
            let _folder = OutputFolder::lock(&dir)?;
            let started = Instant::now();
            let counts = run_sweep(&sweep, &dir, shard.unwrap_or(Shard::WHOLE))?;
            println!(
                "{} pairs already saved, ran {} in {:.2} s",
                counts.already_done,
                counts.ran,
                started.elapsed().as_secs_f64()
            );
            if let Some(s) = shard {
                println!(
                    "shard {}/{}: results in {}/pairs; merge the shards for the tables",
                    s.index,
                    s.count,
                    dir.display()
                );
                return Ok(());
            }
            let pairs = gather(&sweep, std::slice::from_ref(&dir))?;
            write_and_show(&sweep, &pairs, &dir, (!no_report).then_some(lang))
        }
        Command::Merge {
            sweep,
            shards,
            output,
            no_report,
            lang,
        } => {
            let sweep = Sweep::plan(Experiment::load(&sweep)?)?;
            let dir = output.unwrap_or_else(|| sweep.experiment.output_dir.clone());
            let pairs = gather(&sweep, &shards)?;
            let _folder = OutputFolder::lock(&dir)?;
            println!("merged {} pairs from {} folders", pairs.len(), shards.len());
            write_and_show(&sweep, &pairs, &dir, (!no_report).then_some(lang))
        }
        Command::Search {
            file,
            scan,
            output,
            threads,
            max_memory,
        } => {
            set_max_memory(max_memory.as_deref())?;
            set_threads(threads)?;
            let experiment = Experiment::load(&file)?;
            let dir = output.unwrap_or_else(|| experiment.output_dir.clone());
            let _folder = OutputFolder::lock(&dir)?;
            let method = if scan {
                Method::Scan
            } else {
                Method::Bisection
            };
            let outcome = run_search(&experiment, method)?;
            write_search(&experiment, &outcome, &dir)?;
            print!("{}", search_text(&experiment, &outcome));
            println!("table in {}", dir.display());
            Ok(())
        }
        Command::Report { output_dir, lang } => {
            let _folder = OutputFolder::lock(&output_dir)?;
            // A sweep folder has its points table; a run folder its calls.
            let html = if output_dir.join("points.parquet").exists() {
                write_sweep_report(&output_dir, lang)?
            } else {
                write_report(&output_dir, lang)?
            };
            println!("report: {}", html.display());
            Ok(())
        }
        Command::Compare { runs, output, lang } => {
            let compared: Vec<(String, PathBuf)> = runs
                .iter()
                .map(|r| ("a compared run".to_string(), r.clone()))
                .collect();
            refuse_overwriting(&compared, std::slice::from_ref(&output))?;
            let _folder = OutputFolder::lock(&output)?;
            println!(
                "report: {}",
                write_comparison(&runs, &output, lang)?.display()
            );
            Ok(())
        }
        Command::Check {
            scenario,
            max_memory,
        } => {
            set_max_memory(max_memory.as_deref())?;
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
            println!(
                "memory: {}; limit: {}",
                s.footprint()
                    .run(s.replications, rayon::current_num_threads())
                    .text(),
                memory::limit().map_or("none known".to_string(), |l| l.to_string())
            );
            print!("{}", staffing_text(&s));
            print!("{}", s.history.as_ref().map_or(String::new(), |h| h.text()));
            Ok(())
        }
        Command::New {
            map,
            population,
            output,
        } => new_scenario(&map, population, output),
        Command::Calibrate {
            history,
            map,
            columns,
            output,
            strict,
        } => {
            let (mut spec, label) = match &columns {
                Some(p) => (HistorySpec::load(p)?, p.display().to_string()),
                None => (HistorySpec::default(), "default columns".to_string()),
            };
            spec.strict |= strict;
            let map = load_any_map(Some(&map))?;
            let _folder = OutputFolder::lock(&output)?;
            let (calibration, report) = calibrate(&history, &spec, &label, &map, &output)?;
            print!("{report}{}", calibration.text());
            println!(
                "wrote demand.toml, hourly-profile.png and hourly-profile.svg in {}",
                output.display()
            );
            Ok(())
        }
        Command::Map { command } => map_command(command),
        Command::Place(args) => place_command(&args),
        Command::Analyze {
            input,
            posts,
            exits,
            speed_factor,
            threshold_min,
            output,
        } => analyze_command(
            input.as_deref(),
            posts.as_deref(),
            exits.as_deref(),
            speed_factor,
            threshold_min,
            output,
        ),
    }
}

/// `patrolsim analyze`: reads the map and the node lists, analyses, prints and writes.
fn analyze_command(
    input: Option<&Path>,
    posts: Option<&Path>,
    exits: Option<&Path>,
    speed_factor: Option<f64>,
    threshold_min: f64,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let option = |what: &str, value: f64, rule: &str| AnalyzeError::Option {
        what: what.into(),
        value: value.to_string(),
        rule: rule.into(),
    };
    let is_scenario = input.is_none_or(|p| p.extension().is_some_and(|e| e == "toml"));
    let (map, scenario_speed) = if is_scenario {
        let s = load(input)?;
        (Arc::unwrap_or_clone(s.map), s.emergency_speed_factor)
    } else {
        (load_any_map(input)?, 1.0)
    };
    let speed = speed_factor.unwrap_or(scenario_speed);
    if !(speed.is_finite() && speed > 0.0) {
        return Err(option("--speed-factor", speed, "must be > 0").into());
    }
    if !(threshold_min.is_finite() && threshold_min >= 0.0) {
        return Err(option("--threshold-min", threshold_min, "must be >= 0").into());
    }
    let post_nodes = match posts {
        Some(p) => read_node_list(p, &map)?,
        None => {
            // One crew per post node (two posts on one node are one place).
            let mut nodes: Vec<u32> = Vec::new();
            for p in &map.posts {
                if !nodes.contains(&p.node) {
                    nodes.push(p.node);
                }
            }
            if nodes.is_empty() {
                let file = input.map_or(DEFAULT_SCENARIO_LABEL.to_string(), |p| {
                    p.display().to_string()
                });
                return Err(BadInput(anyhow::anyhow!(
                    "{file}: map `{}` has no posts: give --posts",
                    map.name
                ))
                .into());
            }
            nodes
        }
    };
    let exit_nodes = match exits {
        Some(p) => Some(read_node_list(p, &map)?),
        None if map.checkpoints.is_empty() => None,
        None => Some(map.checkpoints.iter().map(|c| c.node).collect()),
    };
    let dir =
        output.unwrap_or_else(|| PathBuf::from("outputs").join(format!("analyze-{}", map.name)));
    let _folder = OutputFolder::lock(&dir)?;
    let analysis = analyze(
        &map,
        &post_nodes,
        exit_nodes.as_deref(),
        speed,
        threshold_min * 60.0,
    );
    write_analysis(&analysis, &map, &dir)?;
    print!("{}", analysis_text(&analysis));
    println!("tables in {}", dir.display());
    Ok(())
}

/// `patrolsim place`: reads the map, its demand and the candidates, places (or searches the
/// fewest posts), prints and writes.
fn place_command(args: &PlaceArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let option = |what: &str, value: String, rule: &str| PlaceError::Option {
        what: what.into(),
        value,
        rule: rule.into(),
    };
    // clap asks for --posts or --min-posts with --cover-share.
    let (objective, posts) = match (args.objective, args.posts, args.cover_share) {
        (_, _, Some(share)) if !(share > 0.0 && share <= 1.0) => {
            return Err(option("--cover-share", share.to_string(), "must be > 0 and <= 1").into());
        }
        (_, _, Some(_)) => (Objective::Cover, None),
        (Some(objective), Some(posts), None) if posts >= 1 => (objective, Some(posts as usize)),
        (_, posts, None) => {
            let posts = posts.map_or("none".into(), |p| p.to_string());
            return Err(option("--posts", posts, "must be >= 1").into());
        }
    };
    let threshold_min = args.threshold_min;
    if !(threshold_min.is_finite() && threshold_min > 0.0) {
        return Err(option("--threshold-min", threshold_min.to_string(), "must be > 0").into());
    }
    let input = &args.input;
    let (map, scenario_speed, placement) = if input.extension().is_some_and(|e| e == "toml") {
        let s = Scenario::load(input)?;
        (
            Arc::unwrap_or_clone(s.map),
            s.emergency_speed_factor,
            s.placement,
        )
    } else {
        (load_any_map(Some(input))?, 1.0, CallPlacement::Uniform)
    };
    let speed = args.speed_factor.unwrap_or(scenario_speed);
    if !(speed.is_finite() && speed > 0.0) {
        return Err(option("--speed-factor", speed.to_string(), "must be > 0").into());
    }
    let candidates = args
        .candidates
        .as_deref()
        .map(|p| read_node_list(p, &map))
        .transpose()?;
    let fixed = if args.keep_existing {
        post_nodes(&map)
    } else {
        Vec::new()
    };
    let weights = call_weights(&map, placement);
    let threshold_ms = (threshold_min * 60_000.0)
        .round()
        .min(f64::from(u32::MAX - 1)) as u32;
    let instance = Instance::build(&InstanceSpec {
        map: &map,
        speed_factor: speed,
        fixed: &fixed,
        candidates: candidates.as_deref(),
        weights: &weights,
        // The search over counts starts from one post.
        posts: posts.unwrap_or(1),
        max_entries: MAX_TABLE_ENTRIES,
    })?;
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(format!("place-{}", map.name)));
    let _folder = OutputFolder::lock(&dir)?;
    let spinner = progress::spinner(&match posts {
        Some(k) => format!("placing {k} posts ({})", objective.name()),
        None => "searching the fewest posts".into(),
    });
    let (solution, min_posts) = match (posts, args.cover_share) {
        (Some(posts), _) => (solve(&instance, objective, posts, threshold_ms), None),
        (None, share) => {
            let share = share.unwrap_or(1.0);
            let max_posts = instance.site_count() - instance.fixed - 1;
            let fewest =
                fewest_posts(&instance, share, threshold_ms, max_posts).map_err(|best| {
                    option(
                        "--cover-share",
                        share.to_string(),
                        &format!(
                            "no layout found of up to {max_posts} new posts puts that share within \
                         {threshold_min} min (best found {:.2} %)",
                            best * 100.0
                        ),
                    )
                })?;
            let report = MinPostsReport::new(&fewest, share);
            (fewest.solution, Some(report))
        }
    };
    let mut report = PlacementReport::new(
        &map,
        &instance,
        objective,
        &solution,
        threshold_min,
        speed,
        started.elapsed().as_secs_f64(),
    );
    report.min_posts = min_posts;
    drop(spinner);
    let mut router = Router::new(Arc::new(TravelGraph::new(&map, speed)));
    let before_nodes = post_nodes(&map);
    let after_posts: Vec<(NodeId, bool)> = solution
        .open
        .iter()
        .map(|&s| (instance.sites[s], s >= instance.fixed))
        .collect();
    let after_nodes: Vec<NodeId> = after_posts.iter().map(|p| p.0).collect();
    let after = nearest_posts(&mut router, map.node_count(), &after_nodes);
    write_placement(&report, &map, &after, &weights, &dir)?;
    let mut panels = Vec::new();
    if !before_nodes.is_empty() {
        let before = nearest_posts(&mut router, map.node_count(), &before_nodes);
        let posts: Vec<(NodeId, bool)> = before_nodes.iter().map(|&n| (n, false)).collect();
        panels.push(LayoutPanel::new(
            &map,
            "Map's posts",
            &posts,
            &before,
            &weights,
            threshold_min,
        ));
    }
    panels.push(LayoutPanel::new(
        &map,
        "Placed",
        &after_posts,
        &after,
        &weights,
        threshold_min,
    ));
    write_placement_chart(&panels, &dir)?;
    print!("{}", report.text());
    println!(
        "placement.json, posts.csv, {PLACEMENT_GEOJSON} and {PLACEMENT_CHART}.png/.svg in {}",
        dir.display()
    );
    Ok(())
}

/// The folder a file is written into (`.` for a bare name).
fn output_folder(file: &Path) -> &Path {
    file.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The error and its causes on one line, leaving out a cause whose text its parent already
/// shows.
/// `patrolsim new`: writes a starter scenario for `map` that `check` accepts, naming the map
/// relative to the scenario's folder.
fn new_scenario(
    map: &Path,
    population: Option<u64>,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let output = output.unwrap_or_else(|| {
        let name = map.file_name().unwrap_or_default().to_string_lossy();
        PathBuf::from(format!(
            "{}.toml",
            name.split('.').next().unwrap_or("scenario")
        ))
    });
    if !output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        return Err(BadInput(anyhow::anyhow!(
            "-o {}: a scenario file's name ends with .toml",
            output.display()
        ))
        .into());
    }
    if output.exists() {
        return Err(BadInput(anyhow::anyhow!(
            "-o {}: the file exists; `patrolsim new` never writes over a file (give another -o)",
            output.display()
        ))
        .into());
    }
    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let absolute = |p: &Path| std::path::absolute(p).with_context(|| p.display().to_string());
    let map_in_scenario = pathdiff::diff_paths(absolute(map)?, absolute(&dir)?)
        .context("cannot name the map relative to the scenario's folder")?;
    let text = starter_scenario(map, &map_in_scenario, population)?;
    let label = output.display().to_string();
    // The folder first: the map's path in the scenario may go up through it.
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    let scenario = Scenario::from_toml(&text, &label, &dir)
        .context("the starter scenario does not pass its own check (a bug: please report it)")?;
    patrolsim::atomic_file::write_str(&output, &text)?;
    println!(
        "{label}: written ({}: {} nodes, {} posts, {} residents; {} units; {:.0} calls/day)\n\
         next: patrolsim check {label}    then: patrolsim run {label}",
        scenario.map.name,
        scenario.map.node_count(),
        scenario.map.posts.len(),
        scenario.map.population(),
        scenario.units.len(),
        scenario.hourly_calls.iter().sum::<f64>()
    );
    Ok(())
}

fn message(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

fn main() -> ExitCode {
    // Like every Unix filter, end quietly when the reader of our output goes away
    // (`patrolsim check s.toml | head -1`) instead of panicking on the failed print.
    // SAFETY: called first, before any thread starts; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    if let Err(e) = patrolsim::atomic_file::remove_temporaries_on_interrupt() {
        eprintln!("warning: {}", message(&e));
    }
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", message(&e));
            // Bad input is exit code 2; anything else (I/O, ...) is 1.
            if e.chain().any(|c| {
                c.is::<ScenarioError>()
                    || c.is::<OsmError>()
                    || c.is::<SweepError>()
                    || c.is::<AnalyzeError>()
                    || c.is::<PlaceError>()
                    || c.is::<HistoryError>()
                    || c.is::<BadInput>()
                    || c.is::<StarterError>()
            }) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

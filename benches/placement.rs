//! `patrolsim place` figures: on grids of 100–900 nodes with random call weights, and for 30
//! posts on the default new area and Heidelberg (maps/heidelberg.osm.pbf, © OpenStreetMap
//! contributors, ODbL 1.0), each objective's value, its bound, the gap and the seconds taken
//! (the table of travel times included).
//!
//!     cargo bench --bench placement            # grids, new area, heidelberg
//!     cargo bench --bench placement -- grids   # grids only

use patrolsim::map::osm::{OsmOptions, import_osm};
use patrolsim::map::{GridSpec, RoadMap, grid_map};
use patrolsim::placement::{Instance, InstanceSpec, MAX_TABLE_ENTRIES, Objective, solve};
use patrolsim::scenario::Scenario;
use patrolsim::sim::call_weights;
use rand::{RngExt, SeedableRng};
use std::path::PathBuf;
use std::time::Instant;

/// Builds the table and solves; prints one row.
fn row(
    label: &str,
    map: &RoadMap,
    weights: &[f64],
    speed: f64,
    posts: usize,
    objective: Objective,
    threshold_ms: u32,
) {
    let started = Instant::now();
    let inst = Instance::build(&InstanceSpec {
        map,
        speed_factor: speed,
        fixed: &[],
        candidates: None,
        weights,
        posts,
        max_entries: MAX_TABLE_ENTRIES,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let table_s = started.elapsed().as_secs_f64();
    let s = solve(&inst, objective, posts, threshold_ms);
    let total_s = started.elapsed().as_secs_f64();
    println!(
        "{label:<22} {:>6} {:>5} {posts:>5} {:<7} {:>10.3} {:>10.3} {:>9.4} % {:>5} {:>7.2} {:>7.2}",
        map.node_count(),
        inst.site_count(),
        format!("{objective:?}"),
        s.value,
        s.bound,
        s.gap() * 100.0,
        if s.proven_optimal() { "yes" } else { "no" },
        table_s,
        total_s,
    );
}

fn header() {
    println!(
        "{:<22} {:>6} {:>5} {:>5} {:<7} {:>10} {:>10} {:>11} {:>5} {:>7} {:>7}",
        "instance",
        "nodes",
        "sites",
        "posts",
        "goal",
        "value",
        "bound",
        "gap",
        "opt",
        "table s",
        "total s"
    );
}

/// The cover's threshold on the grids: three 20-second arcs (five minutes would cover every
/// node with five posts).
const GRID_COVER_MS: u32 = 60_000;

fn grids() {
    for n in [10u32, 20, 30] {
        let map = grid_map(&GridSpec {
            n,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(u64::from(n));
        let weights: Vec<f64> = (0..map.node_count())
            .map(|_| f64::from(rng.random_range(1..10u32)))
            .collect();
        for posts in [5, 20, 50, 200] {
            if posts * 2 > map.node_count() {
                continue;
            }
            for objective in [Objective::Median, Objective::Center, Objective::Cover] {
                row(
                    &format!("grid {n}x{n}"),
                    &map,
                    &weights,
                    1.0,
                    posts,
                    objective,
                    GRID_COVER_MS,
                );
            }
        }
    }
}

fn real_maps() {
    let scenario = Scenario::default_scenario();
    let weights = call_weights(&scenario.map, scenario.placement);
    row(
        "default new area",
        &scenario.map,
        &weights,
        scenario.emergency_speed_factor,
        30,
        Objective::Median,
        300_000,
    );
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/maps/heidelberg.osm.pbf"
    ));
    let map = import_osm(
        &path,
        &OsmOptions {
            population: 160_000,
            contract_chains: true,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .map;
    let weights = call_weights(&map, patrolsim::scenario::CallPlacement::Population);
    row(
        "heidelberg",
        &map,
        &weights,
        1.2,
        30,
        Objective::Median,
        300_000,
    );
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    header();
    if only.is_empty() || only.iter().any(|a| a == "grids") {
        grids();
    }
    if only.is_empty() || only.iter().any(|a| a == "real") {
        real_maps();
    }
}

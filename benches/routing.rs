//! Routing on real maps: import, preparation and query times of the router ([`Router`]: a
//! distance table filled a row at a time on maps of up to 4,096 nodes, else A* with landmark
//! bounds, over whole-millisecond arc times) against petgraph's `dijkstra` on the same arc
//! times, on the OpenStreetMap extracts in maps/ (© OpenStreetMap contributors, ODbL 1.0; see
//! tests/data/PROVENANCE.md). Trips are timed twice: cold (a table builds its rows) and warm.
//!
//!     cargo bench --bench routing                      # andorra and heidelberg
//!     cargo bench --bench routing -- baltimore.osm.pbf # any extract there

use patrolsim::map::osm::{OsmOptions, import_osm};
use patrolsim::routing::{Candidate, Router, TravelGraph, TravelTimes, arc_ms};
use petgraph::graph::NodeIndex;
use rand::{RngExt, SeedableRng};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

const PAIRS: usize = 2000;

fn bench(name: &str) {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/maps/")).join(name);
    let started = Instant::now();
    let map = import_osm(&path, &OsmOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .map;
    let import_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let graph = Arc::new(TravelGraph::new(&map, 1.2));
    let mut router = Router::new(graph);
    let prep_ms = started.elapsed().as_secs_f64() * 1e3;
    let n = map.node_count() as u32;
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
    let pairs: Vec<(u32, u32)> = (0..PAIRS)
        .map(|_| (rng.random_range(0..n), rng.random_range(0..n)))
        .collect();

    let trips_us = |router: &mut Router| {
        let started = Instant::now();
        let mut total_ms = 0u64;
        for &(a, b) in &pairs {
            total_ms += (router.trip(a, b).travel_s * 1000.0).round() as u64;
        }
        (
            total_ms,
            started.elapsed().as_secs_f64() * 1e6 / PAIRS as f64,
        )
    };
    let (check, cold_us) = trips_us(&mut router);
    let (_, trip_us) = trips_us(&mut router);

    let started = Instant::now();
    let mut petgraph_check = 0;
    for &(a, b) in &pairs {
        let goal = NodeIndex::new(b as usize);
        let times =
            petgraph::algo::dijkstra(&map.graph, NodeIndex::new(a as usize), Some(goal), |e| {
                u64::from(arc_ms(e.weight().travel_s(1.2)))
            });
        petgraph_check += times[&goal];
    }
    let petgraph_us = started.elapsed().as_secs_f64() * 1e6 / PAIRS as f64;
    assert_eq!(check, petgraph_check, "the same times as plain Dijkstra");

    // Dispatch: the 3 nearest of 30 units spread over the map.
    let candidates: Vec<Candidate> = (0..30)
        .map(|key| Candidate {
            key,
            node: rng.random_range(0..n),
            lead_s: 0.0,
        })
        .collect();
    let mut out = Vec::new();
    let started = Instant::now();
    for &(target, _) in &pairs {
        router.nearest(target, &candidates, 3, &mut out);
    }
    let nearest_us = started.elapsed().as_secs_f64() * 1e6 / PAIRS as f64;
    println!(
        "{name:<20} {nodes:>6} nodes {segments:>6} segments | import {import_s:.2} s, prep \
         {prep_ms:.1} ms | trip {trip_us:>6.1} µs (cold {cold_us:.0} µs; petgraph dijkstra \
         {petgraph_us:>6.0} µs) | \
         3 nearest of 30 {nearest_us:>5.1} µs",
        nodes = map.node_count(),
        segments = map.graph.edge_count(),
    );
}

fn main() {
    let names: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let names = if names.is_empty() {
        vec![
            "andorra.osm.pbf".to_string(),
            "heidelberg.osm.pbf".to_string(),
        ]
    } else {
        names
    };
    for name in &names {
        bench(name);
    }
}

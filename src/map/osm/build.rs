//! From OSM nodes and ways to a [`RoadMap`]: split ways into segments between junctions,
//! measure them, keep the largest strongly connected component, project to local metres.

use super::read::RawOsm;
use super::tags::{Direction, WayRoad};
use super::{OsmError, OsmOptions, OsmReport};
use crate::map::{EARTH_RADIUS_M, GeoOrigin, RoadClass, RoadMap, RoadSegment, Zone};
use std::collections::HashMap;

/// Attribution OpenStreetMap's licence requires for the data and anything derived from it.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors, ODbL 1.0";

/// A stretch of road between two graph nodes, as the way's direction allows driving it.
struct Piece {
    a: u32,
    b: u32,
    length_m: f64,
    class: RoadClass,
    speed_kmh: f64,
    direction: Direction,
}

/// Graph nodes (numbered in order of first use, so one file always gives the same numbering)
/// and the pieces between them.
#[derive(Default)]
struct Pieces {
    index: HashMap<i64, u32>,
    /// OpenStreetMap id of each graph node.
    ids: Vec<i64>,
    /// Position of each graph node, 1e-7 degrees.
    positions: Vec<(i32, i32)>,
    pieces: Vec<Piece>,
}

impl Pieces {
    fn node(&mut self, id: i64, at: (i32, i32)) -> u32 {
        let (ids, positions) = (&mut self.ids, &mut self.positions);
        *self.index.entry(id).or_insert_with(|| {
            ids.push(id);
            positions.push(at);
            (positions.len() - 1) as u32
        })
    }

    /// Adds a run of consecutive nodes (id, position) of a way as pieces between its vertices:
    /// its ends and junctions (nodes `uses` counts more than once), or every node when not
    /// contracting chains. A piece that would leave and return to the same node (a loop) is
    /// split at its middle node, so loops keep their road.
    fn add_run(
        &mut self,
        run: &[(i64, (i32, i32))],
        road: WayRoad,
        uses: &HashMap<i64, u32>,
        contract_chains: bool,
    ) {
        if run.len() < 2 {
            return;
        }
        let last = run.len() - 1;
        let mut vertices: Vec<usize> = (0..run.len())
            .filter(|&i| !contract_chains || i == 0 || i == last || uses[&run[i].0] > 1)
            .collect();
        let mut k = 1;
        while k < vertices.len() {
            let (p, q) = (vertices[k - 1], vertices[k]);
            if run[p].0 == run[q].0 && q - p >= 2 {
                vertices.insert(k, (p + q) / 2);
            }
            k += 1;
        }
        for pair in vertices.windows(2) {
            let (p, q) = (pair[0], pair[1]);
            let a = self.node(run[p].0, run[p].1);
            let b = self.node(run[q].0, run[q].1);
            if a == b {
                continue;
            }
            let length_m = run[p..=q]
                .windows(2)
                .map(|w| haversine_m(w[0].1, w[1].1))
                .sum();
            self.pieces.push(Piece {
                a,
                b,
                length_m,
                class: road.class,
                speed_kmh: road.speed_kmh,
                direction: road.direction,
            });
        }
    }
}

/// Great-circle distance between two points given in 1e-7 degrees (haversine), metres.
fn haversine_m(p: (i32, i32), q: (i32, i32)) -> f64 {
    let rad = |v: i32| (f64::from(v) * 1e-7).to_radians();
    let (lat1, lat2) = (rad(p.0), rad(q.0));
    let (dlat, dlon) = (lat2 - lat1, rad(q.1) - rad(p.1));
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Builds the road map. `name` names the map and `file` the source in errors.
pub(super) fn build_map(
    raw: &RawOsm,
    name: &str,
    file: &str,
    options: &OsmOptions,
) -> Result<(RoadMap, OsmReport), OsmError> {
    let mut report = OsmReport {
        osm_nodes: raw.nodes.len(),
        ways_read: raw.ways_read,
        drivable_ways: raw.ways.len(),
        ..OsmReport::default()
    };
    // How often each node is used by drivable ways: a node used twice is a junction.
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for way in &raw.ways {
        for r in &way.refs {
            *uses.entry(*r).or_default() += 1;
        }
    }
    let mut pieces = Pieces::default();
    let mut run: Vec<(i64, (i32, i32))> = Vec::new();
    for way in &raw.ways {
        report.maxspeed_unread += usize::from(way.road.maxspeed_unread);
        // A way is cut where it names a node the file lacks: each run of known nodes is a road.
        for r in &way.refs {
            match raw.nodes.get(r) {
                Some(&at) => run.push((*r, at)),
                None => {
                    report.missing_node_refs += 1;
                    pieces.add_run(&run, way.road, &uses, options.contract_chains);
                    run.clear();
                }
            }
        }
        pieces.add_run(&run, way.road, &uses, options.contract_chains);
        run.clear();
    }
    let Pieces {
        ids,
        positions,
        pieces,
        ..
    } = pieces;
    if pieces.is_empty() {
        let file = file.to_string();
        return Err(if report.missing_node_refs > 0 {
            OsmError::MissingNodes {
                file,
                ways: report.drivable_ways,
                refs: report.missing_node_refs,
            }
        } else {
            OsmError::NoRoads { file }
        });
    }
    // The largest strongly connected component.
    let mut graph = petgraph::graph::DiGraph::<(), (), u32>::with_capacity(positions.len(), 0);
    for _ in 0..positions.len() {
        graph.add_node(());
    }
    for p in &pieces {
        let (a, b) = (p.a.into(), p.b.into());
        match p.direction {
            Direction::Forward => drop(graph.add_edge(a, b, ())),
            Direction::Backward => drop(graph.add_edge(b, a, ())),
            Direction::Both => {
                graph.add_edge(a, b, ());
                graph.add_edge(b, a, ());
            }
        }
    }
    let components = petgraph::algo::tarjan_scc(&graph);
    report.components = components.len();
    let largest = components
        .iter()
        .max_by_key(|c| (c.len(), std::cmp::Reverse(c.iter().min().copied())))
        .expect("at least one piece, so at least one node");
    let mut kept: Vec<Option<u32>> = vec![None; positions.len()];
    let mut members: Vec<u32> = largest.iter().map(|n| n.index() as u32).collect();
    members.sort_unstable();
    for (new, &old) in members.iter().enumerate() {
        kept[old as usize] = Some(new as u32);
    }
    // The plane's origin: the centre of the kept nodes' bounding box.
    let (mut lat_lo, mut lat_hi, mut lon_lo, mut lon_hi) = (i32::MAX, i32::MIN, i32::MAX, i32::MIN);
    for &old in &members {
        let (lat, lon) = positions[old as usize];
        (lat_lo, lat_hi) = (lat_lo.min(lat), lat_hi.max(lat));
        (lon_lo, lon_hi) = (lon_lo.min(lon), lon_hi.max(lon));
    }
    let origin = GeoOrigin {
        lat_deg: (f64::from(lat_lo) + f64::from(lat_hi)) * 0.5e-7,
        lon_deg: (f64::from(lon_lo) + f64::from(lon_hi)) * 0.5e-7,
    };
    let mut map = RoadMap::new(name);
    map.attribution = Some(OSM_ATTRIBUTION.to_string());
    map.origin = Some(origin);
    map.zones = vec![Zone {
        name: name.to_string(),
        population: options.population,
    }];
    map.graph.reserve_nodes(members.len());
    for &old in &members {
        let (lat, lon) = positions[old as usize];
        let (x_m, y_m) = origin.project(f64::from(lat) * 1e-7, f64::from(lon) * 1e-7);
        map.add_node_with_source_id(ids[old as usize], x_m, y_m, 0);
    }
    for p in &pieces {
        let (Some(a), Some(b)) = (kept[p.a as usize], kept[p.b as usize]) else {
            report.dropped_km += p.length_m / 1000.0;
            continue;
        };
        report.kept_km += p.length_m / 1000.0;
        let segment = |oneway| RoadSegment {
            length_m: p.length_m,
            class: p.class,
            speed_kmh: p.speed_kmh,
            oneway,
        };
        match p.direction {
            Direction::Forward => map.add_segment(a, b, segment(true)),
            Direction::Backward => map.add_segment(b, a, segment(true)),
            Direction::Both => {
                map.add_segment(a, b, segment(false));
                map.add_segment(b, a, segment(false));
            }
        }
    }
    report.dropped_nodes = positions.len() - members.len();
    Ok((map, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_of_a_known_distance() {
        // One degree of latitude is about 111.2 km on the mean sphere.
        let d = haversine_m((0, 0), (10_000_000, 0));
        assert!((d - 111_195.0).abs() < 1.0, "{d}");
    }
}

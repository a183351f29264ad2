//! Patrol: the beat of each line or surface crew and the cycle it drives through it, at patrol
//! speed. Where a patrolling crew is at time t is computed from the cycle and the time since it
//! set off; nothing ticks.
//!
//! Beats: every road node of the team's zones belongs to the nearest base of the team (straight
//! line). A cycle leaves the base, visits the farthest node of the layer's roads in each of
//! eight 45° sectors around it, and comes back; legs follow the fastest roads.

use crate::map::{NodeId, RoadClass, RoadMap};
use crate::routing::{TravelTimes, Waypoint};
use crate::scenario::{Layer, Scenario, Unit};
use std::collections::HashMap;
use std::sync::Arc;

/// A closed patrol route: waypoints from the base back to it, times at patrol speed.
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolCycle {
    pub waypoints: Vec<Waypoint>,
    /// Time to drive the whole cycle, seconds.
    pub cycle_s: f64,
}

impl PatrolCycle {
    /// Where a crew is at `phase_s` into the cycle: the index of the next waypoint it reaches
    /// and the time until it does.
    pub fn position(&self, phase_s: f64) -> (usize, f64) {
        let phase = phase_s.rem_euclid(self.cycle_s);
        let i = self
            .waypoints
            .partition_point(|w| w.at_s < phase)
            .min(self.waypoints.len() - 1);
        (i, self.waypoints[i].at_s - phase)
    }

    /// Whether `node` is on the cycle.
    pub fn contains(&self, node: NodeId) -> bool {
        self.waypoints.iter().any(|w| w.node == node)
    }
}

/// Whether a road of this class is patrolled by the layer.
fn patrols(layer: Layer, class: RoadClass) -> bool {
    match layer {
        Layer::Line => class.is_arterial(),
        Layer::Surface => matches!(
            class,
            RoadClass::Residential | RoadClass::Service | RoadClass::Tertiary
        ),
        Layer::Point | Layer::Standby => false,
    }
}

/// The patrol cycle of every unit (none for point and standby crews, or a beat without the
/// layer's roads), and each unit's starting phase, so that crews sharing a base and shift are
/// spread evenly along their cycle.
pub fn build_patrols(
    scenario: &Scenario,
    router: &mut dyn TravelTimes,
) -> Vec<(Option<Arc<PatrolCycle>>, f64)> {
    let map = &scenario.map;
    let mut cycles: HashMap<(String, NodeId, Layer), Option<Arc<PatrolCycle>>> = HashMap::new();
    let mut sharing: HashMap<(String, Option<usize>, NodeId), Vec<usize>> = HashMap::new();
    for (i, u) in scenario.units.iter().enumerate() {
        sharing
            .entry((u.team.clone(), u.shift, u.home))
            .or_default()
            .push(i);
    }
    scenario
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            if !matches!(u.layer, Layer::Line | Layer::Surface) {
                return (None, 0.0);
            }
            let cycle = cycles
                .entry((u.team.clone(), u.home, u.layer))
                .or_insert_with(|| cycle_for(map, scenario, u, router).map(Arc::new))
                .clone();
            let mates = &sharing[&(u.team.clone(), u.shift, u.home)];
            let k = mates
                .iter()
                .position(|&m| m == i)
                .expect("unit is its own mate");
            let phase = cycle
                .as_ref()
                .map_or(0.0, |c| c.cycle_s * k as f64 / mates.len() as f64);
            (cycle, phase)
        })
        .collect()
}

/// The cycle of `unit` through its beat.
fn cycle_for(
    map: &RoadMap,
    scenario: &Scenario,
    unit: &Unit,
    router: &mut dyn TravelTimes,
) -> Option<PatrolCycle> {
    let bases: Vec<NodeId> = {
        let mut b: Vec<NodeId> = scenario
            .units
            .iter()
            .filter(|o| o.team == unit.team)
            .map(|o| o.home)
            .collect();
        b.sort_unstable();
        b.dedup();
        b
    };
    let home = map.node(unit.home);
    let dist = |n: NodeId, b: NodeId| {
        let (p, q) = (map.node(n), map.node(b));
        (p.x_m - q.x_m).hypot(p.y_m - q.y_m)
    };
    let mut on_layer_road = vec![false; map.node_count()];
    for e in map.graph.edge_indices() {
        if patrols(unit.layer, map.graph[e].class) {
            let (a, b) = map.graph.edge_endpoints(e).expect("edge of the graph");
            on_layer_road[a.index()] = true;
            on_layer_road[b.index()] = true;
        }
    }
    // The farthest node of the beat in each 45° sector around the base.
    let mut sectors: [Option<(f64, NodeId)>; 8] = [None; 8];
    for n in 0..map.node_count() as NodeId {
        let node = map.node(n);
        if !on_layer_road[n as usize] || !unit.zones.contains(&node.zone) || n == unit.home {
            continue;
        }
        let nearest_base = bases
            .iter()
            .min_by(|&&a, &&b| dist(n, a).total_cmp(&dist(n, b)).then(a.cmp(&b)))
            .expect("the unit's own base");
        if *nearest_base != unit.home {
            continue;
        }
        let angle = (node.y_m - home.y_m).atan2(node.x_m - home.x_m);
        let s = (((angle + std::f64::consts::PI) / (std::f64::consts::PI / 4.0)) as usize).min(7);
        let d = dist(n, unit.home);
        if sectors[s].is_none_or(|(best, _)| d > best) {
            sectors[s] = Some((d, n));
        }
    }
    let stops: Vec<NodeId> = std::iter::once(unit.home)
        .chain(sectors.iter().flatten().map(|&(_, n)| n))
        .chain(std::iter::once(unit.home))
        .collect();
    if stops.len() <= 2 {
        return None;
    }
    let mut waypoints = vec![Waypoint {
        node: unit.home,
        at_s: 0.0,
        from_start_m: 0.0,
    }];
    let mut leg = Vec::new();
    for pair in stops.windows(2) {
        router.route(pair[0], pair[1], &mut leg);
        let start_m = waypoints.last().expect("the base").from_start_m;
        waypoints.extend(leg.iter().skip(1).map(|w| {
            let m = start_m + w.from_start_m;
            Waypoint {
                node: w.node,
                at_s: m * 3.6 / unit.patrol_speed_kmh,
                from_start_m: m,
            }
        }));
    }
    let cycle_s = waypoints.last().expect("the base").at_s;
    (cycle_s > 0.0).then_some(PatrolCycle { waypoints, cycle_s })
}

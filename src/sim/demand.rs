//! Calls: when they come (a non-homogeneous Poisson process with an hourly rate profile), where
//! (by zone population or uniformly over the nodes), what type, and how long each unit will work
//! the scene. Every draw of a call comes from the stream for its purpose, one draw per call, so
//! the k-th call is the same in any two scenarios that share the seed and the demand.

use super::streams::Streams;
use crate::map::{NodeId, RoadMap};
use crate::scenario::{CallPlacement, OnSceneTime, Scenario};
use rand::RngExt;
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::{Distribution, Exp1, LogNormal};

/// A call as it reaches the 110 command centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewCall {
    pub call_s: f64,
    pub node: NodeId,
    pub incident_type: u16,
    /// Time each unit spends on scene, seconds.
    pub on_scene_s: f64,
}

/// How on-scene times are drawn for one incident type.
#[derive(Debug, Clone, Copy)]
enum OnSceneDraw {
    LogNormal(LogNormal<f64>),
    Exponential { mean_s: f64 },
    Fixed(f64),
}

/// The demand of a scenario, prepared once and shared by every replication.
pub struct DemandModel {
    hourly_calls: [f64; 24],
    /// Large events: (start, end, extra calls per second, venue).
    events: Vec<(f64, f64, f64, NodeId)>,
    nodes: WeightedAliasIndex<f64>,
    types: WeightedAliasIndex<f64>,
    on_scene: Vec<OnSceneDraw>,
}

/// How likely each node is to be a call's place (any scale, one weight per node): by the
/// residents of its zone shared evenly among the zone's nodes, or uniform; uniform too for an
/// area with no residents at all, which still gets calls.
pub fn call_weights(map: &RoadMap, placement: CallPlacement) -> Vec<f64> {
    let weights: Vec<f64> = match placement {
        CallPlacement::Uniform => vec![1.0; map.node_count()],
        CallPlacement::Population => {
            let mut nodes_in_zone = vec![0u64; map.zones.len()];
            for n in map.graph.node_weights() {
                nodes_in_zone[n.zone as usize] += 1;
            }
            map.graph
                .node_weights()
                .map(|n| {
                    map.zones[n.zone as usize].population as f64
                        / nodes_in_zone[n.zone as usize] as f64
                })
                .collect()
        }
    };
    if weights.iter().all(|&w| w == 0.0) {
        vec![1.0; weights.len()]
    } else {
        weights
    }
}

impl DemandModel {
    /// Prepares the sampling tables of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let map = &scenario.map;
        let weights = call_weights(map, scenario.placement);
        let on_scene = scenario
            .incident_types
            .iter()
            .map(|t| match t.on_scene {
                OnSceneTime::LogNormal { mean_s, sd_s } => {
                    let sigma2 = (1.0 + (sd_s / mean_s).powi(2)).ln();
                    let mu = mean_s.ln() - sigma2 / 2.0;
                    OnSceneDraw::LogNormal(
                        LogNormal::new(mu, sigma2.sqrt()).expect("checked mean and sd > 0"),
                    )
                }
                OnSceneTime::Exponential { mean_s } => OnSceneDraw::Exponential { mean_s },
                OnSceneTime::Fixed { mean_s } => OnSceneDraw::Fixed(mean_s),
            })
            .collect();
        DemandModel {
            hourly_calls: scenario.hourly_calls,
            events: scenario
                .large_events
                .iter()
                .map(|e| (e.start_s, e.end_s, e.extra_calls_per_hour / 3600.0, e.venue))
                .collect(),
            nodes: WeightedAliasIndex::new(weights).expect("node weights are checked"),
            types: WeightedAliasIndex::new(
                scenario.incident_types.iter().map(|t| t.share).collect(),
            )
            .expect("shares are checked to sum to 1"),
            on_scene,
        }
    }

    /// The first call strictly after `after_s`, drawn from `streams`.
    pub fn next_call(&self, after_s: f64, streams: &mut Streams) -> NewCall {
        let need: f64 = streams.call_times.sample(Exp1);
        let call_s = self.next_time(after_s, need);
        let node = self.place(call_s, &mut streams.call_places);
        let kind = self.types.sample(&mut streams.call_types);
        let on_scene_s = self.on_scene_s(kind, &mut streams.on_scene_times);
        NewCall {
            call_s,
            node,
            incident_type: kind as u16,
            on_scene_s,
        }
    }

    /// Draws the time on scene of a call of type `kind`, seconds (one draw from `rng`).
    pub fn on_scene_s(&self, kind: usize, rng: &mut super::Stream) -> f64 {
        match self.on_scene[kind] {
            OnSceneDraw::LogNormal(d) => d.sample(rng),
            OnSceneDraw::Exponential { mean_s } => mean_s * rng.sample::<f64, _>(Exp1),
            OnSceneDraw::Fixed(s) => {
                // One draw per call all the same, so streams stay aligned across scenarios.
                let _: f64 = rng.random();
                s
            }
        }
    }

    /// Where a call at `call_s` happens: at a large event's venue in proportion to its extra
    /// rate, else by the placement table. (With large events, one more draw per call.)
    fn place(&self, call_s: f64, rng: &mut super::Stream) -> NodeId {
        if !self.events.is_empty() {
            let mut u: f64 = rng.random::<f64>() * self.rate_per_s(call_s);
            for &(start, end, rate, venue) in &self.events {
                if (start..end).contains(&call_s) {
                    if u < rate {
                        return venue;
                    }
                    u -= rate;
                }
            }
        }
        self.nodes.sample(rng) as NodeId
    }

    /// The expected number of calls in [`from_s`, `to_s`]: the integral of the rate.
    pub fn expected_calls(&self, from_s: f64, to_s: f64) -> f64 {
        let mut calls: f64 = self
            .events
            .iter()
            .map(|&(start, end, rate, _)| rate * (end.min(to_s) - start.max(from_s)).max(0.0))
            .sum();
        let mut t = from_s;
        while t < to_s {
            let hour = (t / 3600.0).floor();
            let end = ((hour + 1.0) * 3600.0).min(to_s);
            calls += self.hourly_calls[(hour as i64).rem_euclid(24) as usize] / 3600.0 * (end - t);
            t = end;
        }
        calls
    }

    /// The call rate at `t`, per second: the hour's rate plus any large events under way.
    fn rate_per_s(&self, t: f64) -> f64 {
        let hour = (t / 3600.0).floor() as i64;
        self.hourly_calls[hour.rem_euclid(24) as usize] / 3600.0
            + self
                .events
                .iter()
                .filter(|e| (e.0..e.1).contains(&t))
                .map(|e| e.2)
                .sum::<f64>()
    }

    /// The time at which the integrated rate from `after_s` reaches `need` (an Exp(1) draw):
    /// exact inversion of the piecewise-constant rate (hours, and large events' edges).
    fn next_time(&self, after_s: f64, mut need: f64) -> f64 {
        let mut t = after_s;
        loop {
            let rate_per_s = self.rate_per_s(t);
            let segment_end = self
                .events
                .iter()
                .flat_map(|e| [e.0, e.1])
                .filter(|&edge| edge > t)
                .fold(((t / 3600.0).floor() + 1.0) * 3600.0, f64::min);
            let available = rate_per_s * (segment_end - t);
            if rate_per_s > 0.0 && need <= available {
                return t + need / rate_per_s;
            }
            need -= available;
            t = segment_end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn demand(extra: &str) -> DemandModel {
        let text = format!(
            r#"
name = "demand"
days = 2
[map.grid]
n = 3
posts_per_side = 1
[demand]
hourly_profile = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                  13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
[[incident_types]]
name = "call"
priority = 1
share = 1.0
on_scene = {{ distribution = "fixed", mean_min = 10 }}
[units_per_post]
per_post = 1
{extra}
"#
        );
        DemandModel::new(&Scenario::from_toml(&text, "demand.toml", Path::new(".")).unwrap())
    }

    #[test]
    fn expected_calls_integrate_the_hourly_profile_and_large_events() {
        let d = demand("");
        let day: f64 = (1..=24).map(f64::from).sum();
        assert_eq!(d.expected_calls(0.0, 86_400.0), day);
        assert_eq!(d.expected_calls(86_400.0, 3.0 * 86_400.0), 2.0 * day);
        // Half of hour 2 (3 calls an hour) and a quarter of hour 3 (4 an hour).
        assert_eq!(d.expected_calls(2.5 * 3600.0, 3.25 * 3600.0), 1.5 + 1.0);
        assert_eq!(d.expected_calls(5.0, 5.0), 0.0);
        // A concert adds 6 calls an hour from hour 25 for 2 hours.
        let d = demand(
            "[[large_events]]\nname = \"concert\"\nvenue = \"P0\"\nstart_h = 25\nhours = 2\n\
             extra_calls_per_hour = 6\ndedicated_crews = 1",
        );
        assert_eq!(d.expected_calls(0.0, 86_400.0), day);
        assert_eq!(d.expected_calls(0.0, 2.0 * 86_400.0), 2.0 * day + 12.0);
        assert_eq!(
            d.expected_calls(26.0 * 3600.0, 30.0 * 3600.0),
            3.0 + 4.0 + 5.0 + 6.0 + 6.0
        );
    }
}

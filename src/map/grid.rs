//! The benchmark grid of `shared/bench/SPEC.md`: n × n intersections 200 m apart, every street
//! two-way at 36 km/h, one post per unit at the SPEC's home nodes.

use super::{Post, PostKind, RoadClass, RoadMap, RoadSegment, Zone};
use serde::{Deserialize, Serialize};

/// Parameters of the SPEC grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridSpec {
    /// Intersections per side.
    pub n: u32,
    /// Posts per side: s × s posts, one per SPEC unit.
    pub posts_per_side: u32,
    /// Distance between neighbouring intersections, metres.
    #[serde(default = "default_spacing_m")]
    pub spacing_m: f64,
    /// Speed on every street, km/h.
    #[serde(default = "default_speed_kmh")]
    pub speed_kmh: f64,
}

fn default_spacing_m() -> f64 {
    200.0
}

fn default_speed_kmh() -> f64 {
    36.0
}

/// Builds the SPEC grid. Node (x, y) has id y·n + x; post `P<j·s+i>` stands at node
/// (floor((i + 0.5)·n / s), floor((j + 0.5)·n / s)). One zone holds every node, one resident
/// per node, so calls placed by population fall uniformly on the nodes.
pub fn grid_map(spec: &GridSpec) -> RoadMap {
    let n = spec.n;
    let mut map = RoadMap::new(format!("grid-{n}x{n}"));
    map.zones.push(Zone {
        name: "grid".into(),
        population: u64::from(n) * u64::from(n),
    });
    map.graph.reserve_nodes((n * n) as usize);
    map.graph.reserve_edges((4 * n * n) as usize);
    for y in 0..n {
        for x in 0..n {
            map.add_node(
                f64::from(x) * spec.spacing_m,
                f64::from(y) * spec.spacing_m,
                0,
            );
        }
    }
    let street = RoadSegment {
        length_m: spec.spacing_m,
        class: RoadClass::Residential,
        speed_kmh: spec.speed_kmh,
        oneway: false,
    };
    let id = |x: u32, y: u32| y * n + x;
    for y in 0..n {
        for x in 0..n {
            if x + 1 < n {
                map.add_segment(id(x, y), id(x + 1, y), street);
                map.add_segment(id(x + 1, y), id(x, y), street);
            }
            if y + 1 < n {
                map.add_segment(id(x, y), id(x, y + 1), street);
                map.add_segment(id(x, y + 1), id(x, y), street);
            }
        }
    }
    let s = spec.posts_per_side;
    let home = |i: u32| ((f64::from(i) + 0.5) * f64::from(n) / f64::from(s)).floor() as u32;
    for j in 0..s {
        for i in 0..s {
            map.posts.push(Post {
                name: format!("P{}", j * s + i),
                kind: PostKind::Kiosk,
                node: id(home(i), home(j)),
            });
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_home_nodes() {
        let map = grid_map(&GridSpec {
            n: 50,
            posts_per_side: 4,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        assert_eq!(map.node_count(), 2500);
        assert_eq!(map.graph.edge_count(), 4 * 50 * 49);
        // Unit (1, 2): x = floor(1.5 * 50 / 4) = 18, y = floor(2.5 * 50 / 4) = 31.
        assert_eq!(map.post("P9").unwrap().node, 31 * 50 + 18);
        map.validate().unwrap();
    }
}

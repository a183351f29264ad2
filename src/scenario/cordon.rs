//! Checks an incident type's `[incident_types.cordon]` table and compiles it into a
//! [`CordonRule`].

use super::file::CordonSection;
use super::{Checker, ScenarioError, positive};
use crate::cordon::{CordonRule, RingRule};
use crate::map::RoadMap;

/// The checked cordon of incident type `i`.
pub(super) fn check_cordon(
    check: &Checker,
    i: usize,
    c: &CordonSection,
    map: &RoadMap,
) -> Result<CordonRule, ScenarioError> {
    let key = |field: &str| format!("incident_types[{i}].cordon.{field}");
    let ring_is = |name: &str| c.ring == name;
    if c.reach_min.is_some() && !ring_is("reach") {
        return Err(check.invalid(
            key("reach_min"),
            c.reach_min.unwrap_or_default(),
            "only a ring = \"reach\" has a radius",
        ));
    }
    if c.exits.is_some() && !ring_is("listed") {
        return Err(check.invalid(
            key("exits"),
            format!("{:?}", c.exits.as_deref().unwrap_or_default()),
            "exits are given only with ring = \"listed\"",
        ));
    }
    let ring = match c.ring.as_str() {
        "reach" => {
            if let Some(m) = c.reach_min {
                check.that(positive(m), key("reach_min"), m, "must be > 0")?;
            }
            check.that(
                c.search_max_min >= 1,
                key("search_max_min"),
                c.search_max_min,
                "must be >= 1",
            )?;
            RingRule::Reach {
                minutes: c.reach_min,
                search_max_min: c.search_max_min,
            }
        }
        "zone" => RingRule::Zone,
        "listed" => {
            let exits = c.exits.clone().unwrap_or_default();
            check.that(
                !exits.is_empty(),
                key("exits"),
                &exits,
                "ring = \"listed\" needs at least one exit node",
            )?;
            for (j, &n) in exits.iter().enumerate() {
                check.that(
                    (n as usize) < map.node_count(),
                    format!("{}[{j}]", key("exits")),
                    n,
                    &format!("no such node (the map has {} nodes)", map.node_count()),
                )?;
                check.that(
                    !exits[..j].contains(&n),
                    format!("{}[{j}]", key("exits")),
                    n,
                    "exit listed twice",
                )?;
            }
            RingRule::Listed(exits)
        }
        other => {
            return Err(check.invalid(
                key("ring"),
                format!("{other:?}"),
                "must be \"reach\", \"zone\" or \"listed\"",
            ));
        }
    };
    check.that(
        positive(c.suspect_speed_factor),
        key("suspect_speed_factor"),
        c.suspect_speed_factor,
        "must be > 0",
    )?;
    check.that(
        c.head_start_min.is_finite() && c.head_start_min >= 0.0,
        key("head_start_min"),
        c.head_start_min,
        "must be >= 0",
    )?;
    check.that(
        positive(c.holding_min),
        key("holding_min"),
        c.holding_min,
        "must be > 0",
    )?;
    Ok(CordonRule {
        ring,
        suspect_speed_factor: c.suspect_speed_factor,
        head_start_s: c.head_start_min * 60.0,
        holding_s: c.holding_min * 60.0,
    })
}

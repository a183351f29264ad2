//! Checks an incident type's `[incident_types.cordon]` table and compiles it into a
//! [`Cordon`], and the `[sealing]` section into a [`Sealing`].

use super::file::{CordonSection, SealingSection};
use super::{Checker, Layer, ScenarioError, positive};
use crate::cordon::{CordonRule, RingRule, exits_of};
use crate::map::{NodeId, RoadMap, SourceId};

/// An incident type's cordon, checked: which calls get one, who may hold it, and its ring.
#[derive(Debug, Clone, PartialEq)]
pub struct Cordon {
    /// The ring, the suspect and how long the cordon stands.
    pub rule: CordonRule,
    /// The share of the type's calls whose suspect flees by car: only they get a cordon.
    pub share: f64,
    /// The layers whose free crews may hold exits, after the crews based at checkpoints.
    pub layers: Vec<Layer>,
    /// Whether a priority-1 call that would otherwise wait takes crews off the cordon.
    pub release_for_priority_1: bool,
}

/// The shortest time between the sealing ring's sampled measurements, minutes.
const MIN_SAMPLE_EVERY_MIN: f64 = 1.0;

/// The area's sealing ring, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Sealing {
    /// The exits every one of which a crew must hold.
    pub exits: Vec<NodeId>,
    /// Seconds between measurements at sampled times.
    pub sample_every_s: f64,
}

/// The checked cordon of incident type `i`.
pub(super) fn check_cordon(
    check: &Checker,
    i: usize,
    c: &CordonSection,
    map: &RoadMap,
) -> Result<Cordon, ScenarioError> {
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
    let listed = c
        .exits
        .as_deref()
        .map(|ids| listed_nodes(check, &key("exits"), ids, map))
        .transpose()?;
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
            let exits = listed.unwrap_or_default();
            check.that(
                !exits.is_empty(),
                key("exits"),
                c.exits.as_deref().unwrap_or_default(),
                "ring = \"listed\" needs at least one exit node",
            )?;
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
    check.that(
        (0.0..=1.0).contains(&c.share),
        key("share"),
        c.share,
        "must be in 0 to 1",
    )?;
    let layers = c.layers.clone().unwrap_or_else(|| Layer::ALL.to_vec());
    check.that(
        !layers.is_empty(),
        key("layers"),
        &layers,
        "name at least one layer (or leave the key out for all)",
    )?;
    Ok(Cordon {
        rule: CordonRule {
            ring,
            suspect_speed_factor: c.suspect_speed_factor,
            head_start_s: c.head_start_min * 60.0,
            holding_s: c.holding_min * 60.0,
        },
        share: c.share,
        layers,
        release_for_priority_1: c.release_for_priority_1,
    })
}

/// The nodes of the source ids `ids` (at `key`): each must be a node of `map`, listed once.
fn listed_nodes(
    check: &Checker,
    key: &str,
    ids: &[SourceId],
    map: &RoadMap,
) -> Result<Vec<NodeId>, ScenarioError> {
    let mut nodes = Vec::with_capacity(ids.len());
    for (j, &id) in ids.iter().enumerate() {
        let node = map.node_by_source_id(id).ok_or_else(|| {
            check.invalid(
                format!("{key}[{j}]"),
                id,
                format!("no node of map `{}` has that id", map.name),
            )
        })?;
        check.that(
            !nodes.contains(&node),
            format!("{key}[{j}]"),
            id,
            "exit listed twice",
        )?;
        nodes.push(node);
    }
    Ok(nodes)
}

/// The checked `[sealing]` section.
pub(super) fn check_sealing(
    check: &Checker,
    s: &SealingSection,
    map: &RoadMap,
) -> Result<Sealing, ScenarioError> {
    // Each measurement routes every free crew to the exits: a sample each second (or each
    // 1e-300 minutes, which would not move the clock) would run for hours.
    check.that(
        s.sample_every_min.is_finite() && s.sample_every_min >= MIN_SAMPLE_EVERY_MIN,
        "sealing.sample_every_min",
        s.sample_every_min,
        "must be >= 1 (a minute)",
    )?;
    let only = |given: bool, key: &str, ring: &str| {
        check.that(
            !given || s.ring == ring,
            key,
            &s.ring,
            &format!("{key} is given only with sealing.ring = \"{ring}\""),
        )
    };
    only(s.zones.is_some(), "sealing.zones", "zones")?;
    only(s.exits.is_some(), "sealing.exits", "listed")?;
    let exits = match s.ring.as_str() {
        "checkpoints" => {
            let exits: Vec<NodeId> = map.checkpoints.iter().map(|c| c.node).collect();
            check.that(
                !exits.is_empty(),
                "sealing.ring",
                &s.ring,
                "the map has no checkpoints: use ring = \"zones\" or \"listed\"",
            )?;
            exits
        }
        "zones" => {
            let names = s.zones.clone().unwrap_or_default();
            check.that(
                !names.is_empty(),
                "sealing.zones",
                &names,
                "ring = \"zones\" needs at least one zone",
            )?;
            let mut inside = vec![false; map.zones.len()];
            for (j, name) in names.iter().enumerate() {
                let z = map
                    .zones
                    .iter()
                    .position(|z| &z.name == name)
                    .ok_or_else(|| {
                        check.invalid(
                            format!("sealing.zones[{j}]"),
                            format!("{name:?}"),
                            "no such zone in the map",
                        )
                    })?;
                inside[z] = true;
            }
            let mut exits = Vec::new();
            exits_of(map, |n| inside[map.node(n).zone as usize], &mut exits);
            check.that(
                !exits.is_empty(),
                "sealing.zones",
                &names,
                "no road leaves these zones",
            )?;
            exits
        }
        "listed" => {
            let ids = s.exits.clone().unwrap_or_default();
            check.that(
                !ids.is_empty(),
                "sealing.exits",
                &ids,
                "ring = \"listed\" needs at least one exit node",
            )?;
            listed_nodes(check, "sealing.exits", &ids, map)?
        }
        other => {
            return Err(check.invalid(
                "sealing.ring",
                format!("{other:?}"),
                "must be \"checkpoints\", \"zones\" or \"listed\"",
            ));
        }
    };
    Ok(Sealing {
        exits,
        sample_every_s: s.sample_every_min * 60.0,
    })
}

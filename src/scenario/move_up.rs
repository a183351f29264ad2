//! Checks the `[dispatch.move_up]` table and compiles it into a [`MoveUp`].

use super::file::{MoveUpSection, StandPlace};
use super::{Checker, Layer, ScenarioError, Unit};
use crate::map::{NodeId, RoadMap};

/// Move-up, checked: when to move, whom, and (if the scenario gives it) where to.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveUp {
    /// Share of the demand a free crew must be able to reach within the 5-minute promise;
    /// below it, crews are moved.
    pub threshold: f64,
    /// The layers whose free crews may be moved (never point crews).
    pub layers: Vec<Layer>,
    /// The compliance table as given: row k − 1 holds the k nodes where k free crews stand.
    /// None: computed from the map and the demand when the model is built.
    pub table: Option<Vec<Vec<NodeId>>>,
}

/// The layers moved when the scenario names none: every layer but point crews, which stay at
/// their key points and checkpoints.
const DEFAULT_LAYERS: [Layer; 3] = [Layer::Line, Layer::Surface, Layer::Standby];

/// The checked `[dispatch.move_up]` table of a scenario with `units` on `map`.
pub(super) fn check_move_up(
    check: &Checker,
    m: &MoveUpSection,
    map: &RoadMap,
    units: &[Unit],
) -> Result<MoveUp, ScenarioError> {
    let key = |field: &str| format!("dispatch.move_up.{field}");
    check.that(
        m.threshold.is_finite() && m.threshold > 0.0 && m.threshold <= 1.0,
        key("threshold"),
        m.threshold,
        "must be > 0 and <= 1 (the share of the demand a free crew reaches within 5 minutes)",
    )?;
    let layers = m.layers.clone().unwrap_or_else(|| DEFAULT_LAYERS.to_vec());
    let shown = || {
        let names: Vec<&str> = layers.iter().map(|l| l.as_str()).collect();
        format!("{names:?}")
    };
    check.that(
        !layers.is_empty(),
        key("layers"),
        "[]",
        "must name at least one layer",
    )?;
    if layers.contains(&Layer::Point) {
        return Err(check.invalid(
            key("layers"),
            shown(),
            "point crews stay at their key points: move line, surface or standby crews",
        ));
    }
    if !units.iter().any(|u| layers.contains(&u.layer)) {
        return Err(check.invalid(
            key("layers"),
            shown(),
            "the force has no unit of these layers: there is nobody to move",
        ));
    }
    let table = m
        .table
        .as_ref()
        .map(|rows| check_table(check, &key("table"), rows, map))
        .transpose()?;
    Ok(MoveUp {
        threshold: m.threshold,
        layers,
        table,
    })
}

/// The nodes of a compliance table: row i (from 0) must name i + 1 places, each a post of `map`
/// or one of its node ids.
fn check_table(
    check: &Checker,
    key: &str,
    rows: &[Vec<StandPlace>],
    map: &RoadMap,
) -> Result<Vec<Vec<NodeId>>, ScenarioError> {
    check.that(
        !rows.is_empty(),
        key,
        "[]",
        "must have a row (row k lists where k free crews stand)",
    )?;
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            if row.len() != i + 1 {
                return Err(check.invalid(
                    format!("{key}[{i}]"),
                    format!("{} places", row.len()),
                    format!("must list {} (row k lists where k free crews stand)", i + 1),
                ));
            }
            row.iter()
                .enumerate()
                .map(|(j, place)| {
                    place_node(place, map).ok_or_else(|| {
                        let rule = match place {
                            StandPlace::Node(_) => "no node of map `{}` has that id",
                            StandPlace::Post(_) => "no such post on map `{}`",
                        };
                        check.invalid(
                            format!("{key}[{i}][{j}]"),
                            place,
                            rule.replace("{}", &map.name),
                        )
                    })
                })
                .collect()
        })
        .collect()
}

/// The node of `place` on `map`.
fn place_node(place: &StandPlace, map: &RoadMap) -> Option<NodeId> {
    match place {
        StandPlace::Node(id) => map.node_by_source_id(*id),
        StandPlace::Post(name) => map.posts.iter().find(|p| &p.name == name).map(|p| p.node),
    }
}

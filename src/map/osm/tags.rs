//! What a way's tags say about driving on it: whether it is a drivable road, its class, its
//! free-flow speed and which way traffic may go.

use crate::map::RoadClass;

/// Which way traffic may drive along a way, relative to the order of its nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Both,
    /// Only in node order.
    Forward,
    /// Only against node order (`oneway=-1`).
    Backward,
}

/// A drivable way as the graph needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct WayRoad {
    pub class: RoadClass,
    pub speed_kmh: f64,
    pub direction: Direction,
    /// The way had a `maxspeed` this importer could not read (the class speed was used).
    pub maxspeed_unread: bool,
}

/// The road class and default free-flow speed (km/h) of a drivable `highway` value; `None` for
/// anything a patrol car does not drive on (footway, path, track, steps, cycleway, ...).
/// Link roads (ramps) take their parent's class at a lower speed.
pub(super) fn highway_class(highway: &str) -> Option<(RoadClass, f64)> {
    let class = match highway {
        "motorway" => RoadClass::Motorway,
        "motorway_link" => return Some((RoadClass::Motorway, 60.0)),
        "trunk" => RoadClass::Trunk,
        "trunk_link" => return Some((RoadClass::Trunk, 50.0)),
        "primary" => RoadClass::Primary,
        "primary_link" => return Some((RoadClass::Primary, 40.0)),
        "secondary" => RoadClass::Secondary,
        "secondary_link" => return Some((RoadClass::Secondary, 35.0)),
        "tertiary" => RoadClass::Tertiary,
        "tertiary_link" => return Some((RoadClass::Tertiary, 30.0)),
        "unclassified" | "road" => RoadClass::Unclassified,
        "residential" => RoadClass::Residential,
        "living_street" => RoadClass::LivingStreet,
        "service" => RoadClass::Service,
        _ => return None,
    };
    Some((class, class.default_speed_kmh()))
}

/// Walking pace, the speed of `maxspeed=walk`, km/h.
const WALK_KMH: f64 = 7.0;
const KMH_PER_MPH: f64 = 1.609_344;
const KMH_PER_KNOT: f64 = 1.852;

/// Implicit limits written as `CC:kind` (`DE:urban`), km/h. A country not listed takes the
/// row with country `*`.
const IMPLICIT_LIMITS_KMH: &[(&str, &str, f64)] = &[
    ("*", "urban", 50.0),
    ("*", "rural", 90.0),
    ("*", "motorway", 130.0),
    ("*", "trunk", 100.0),
    ("*", "living_street", WALK_KMH),
    ("*", "walk", WALK_KMH),
    ("*", "pedestrian", WALK_KMH),
    ("*", "school", 30.0),
    ("*", "bicycle_road", 30.0),
    ("*", "zone20", 20.0),
    ("*", "zone30", 30.0),
    ("*", "zone:20", 20.0),
    ("*", "zone:30", 30.0),
    ("*", "zone40", 40.0),
    ("*", "zone:40", 40.0),
    ("AT", "rural", 100.0),
    ("CH", "rural", 80.0),
    ("CH", "motorway", 120.0),
    ("DE", "rural", 100.0),
    ("ES", "motorway", 120.0),
    ("FR", "rural", 80.0),
    ("GB", "nsl_single", 60.0 * KMH_PER_MPH),
    ("GB", "nsl_dual", 70.0 * KMH_PER_MPH),
    ("GB", "motorway", 70.0 * KMH_PER_MPH),
    ("IT", "rural", 90.0),
    ("IT", "motorway", 130.0),
    ("NL", "rural", 80.0),
    ("US", "urban", 25.0 * KMH_PER_MPH),
    ("US", "rural", 55.0 * KMH_PER_MPH),
    ("US", "motorway", 65.0 * KMH_PER_MPH),
];

/// The speed limit a `maxspeed` value gives, km/h; `None` when it gives none that can be read
/// (`none`, `signals`, `variable`, garbage). Several values (`50;30`) give the lowest.
pub(super) fn parse_maxspeed(value: &str) -> Option<f64> {
    value
        .split(';')
        .map(|part| parse_one_maxspeed(part.trim()))
        .try_fold(f64::INFINITY, |low, v| v.map(|v| low.min(v)))
        .filter(|v| v.is_finite() && *v > 0.0)
}

fn parse_one_maxspeed(value: &str) -> Option<f64> {
    if value == "walk" {
        return Some(WALK_KMH);
    }
    if let Some((country, kind)) = value.split_once(':')
        && country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
    {
        let row = |c: &str| {
            IMPLICIT_LIMITS_KMH
                .iter()
                .find(|(rc, rk, _)| *rc == c && *rk == kind)
                .map(|r| r.2)
        };
        return row(country).or_else(|| row("*"));
    }
    let digits = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let number: f64 = value[..digits].parse().ok()?;
    let per_unit = match value[digits..].trim() {
        "" | "km/h" | "kmh" | "kph" | "km/h." => 1.0,
        "mph" => KMH_PER_MPH,
        "knots" => KMH_PER_KNOT,
        _ => return None,
    };
    Some(number * per_unit)
}

/// The road a way's tags describe, or `None` when it is not a drivable road (or is an area).
pub(super) fn way_road<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<WayRoad> {
    let (mut highway, mut maxspeed, mut oneway, mut junction, mut area) =
        (None, None, None, None, None);
    for (k, v) in tags {
        match k {
            "highway" => highway = Some(v),
            "maxspeed" => maxspeed = Some(v),
            "oneway" => oneway = Some(v),
            "junction" => junction = Some(v),
            "area" => area = Some(v),
            _ => {}
        }
    }
    let highway = highway?;
    if area == Some("yes") {
        return None;
    }
    let (class, class_speed_kmh) = highway_class(highway)?;
    let limit_kmh = maxspeed.and_then(parse_maxspeed);
    let maxspeed_unread = maxspeed.is_some_and(|m| m != "none") && limit_kmh.is_none();
    let implied_oneway = matches!(junction, Some("roundabout" | "circular"))
        || matches!(highway, "motorway" | "motorway_link");
    let direction = match oneway {
        Some("yes" | "1" | "true") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        Some("no" | "false" | "0") => Direction::Both,
        // Absent, or `reversible` / `alternating` (direction by time of day): the class decides.
        _ if implied_oneway => Direction::Forward,
        _ => Direction::Both,
    };
    Some(WayRoad {
        class,
        speed_kmh: limit_kmh.unwrap_or(class_speed_kmh),
        direction,
        maxspeed_unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn road(tags: &[(&str, &str)]) -> Option<WayRoad> {
        way_road(tags.iter().copied())
    }

    #[test]
    fn maxspeed_forms() {
        assert_eq!(parse_maxspeed("50"), Some(50.0));
        assert_eq!(parse_maxspeed("50 km/h"), Some(50.0));
        assert_eq!(parse_maxspeed("30 mph"), Some(30.0 * KMH_PER_MPH));
        assert_eq!(parse_maxspeed("walk"), Some(WALK_KMH));
        assert_eq!(parse_maxspeed("DE:urban"), Some(50.0));
        assert_eq!(parse_maxspeed("DE:rural"), Some(100.0));
        assert_eq!(parse_maxspeed("FR:rural"), Some(80.0));
        assert_eq!(parse_maxspeed("PL:rural"), Some(90.0), "falls back to `*`");
        assert_eq!(parse_maxspeed("DE:zone30"), Some(30.0));
        assert_eq!(parse_maxspeed("50;30"), Some(30.0));
        for unreadable in [
            "none",
            "signals",
            "variable",
            "fast",
            "",
            "0",
            "50 furlongs",
        ] {
            assert_eq!(parse_maxspeed(unreadable), None, "{unreadable}");
        }
    }

    #[test]
    fn classes_and_filter() {
        assert_eq!(road(&[("highway", "footway")]), None);
        assert_eq!(road(&[("name", "Rue Grimaldi")]), None);
        assert_eq!(road(&[("highway", "service"), ("area", "yes")]), None);
        let link = road(&[("highway", "primary_link")]).unwrap();
        assert_eq!((link.class, link.speed_kmh), (RoadClass::Primary, 40.0));
        let living = road(&[("highway", "living_street")]).unwrap();
        assert_eq!(living.class, RoadClass::LivingStreet);
        let unclassified = road(&[("highway", "road")]).unwrap();
        assert_eq!(unclassified.class, RoadClass::Unclassified);
    }

    #[test]
    fn maxspeed_overrides_the_class_unless_unreadable() {
        let r = road(&[("highway", "residential"), ("maxspeed", "20")]).unwrap();
        assert_eq!((r.speed_kmh, r.maxspeed_unread), (20.0, false));
        let r = road(&[("highway", "residential"), ("maxspeed", "signals")]).unwrap();
        assert_eq!((r.speed_kmh, r.maxspeed_unread), (30.0, true));
        let r = road(&[("highway", "motorway"), ("maxspeed", "none")]).unwrap();
        assert_eq!((r.speed_kmh, r.maxspeed_unread), (100.0, false));
    }

    #[test]
    fn oneway_rules() {
        let dir = |tags: &[(&str, &str)]| road(tags).unwrap().direction;
        for yes in ["yes", "1", "true"] {
            assert_eq!(
                dir(&[("highway", "residential"), ("oneway", yes)]),
                Direction::Forward
            );
        }
        assert_eq!(
            dir(&[("highway", "primary"), ("oneway", "-1")]),
            Direction::Backward
        );
        assert_eq!(dir(&[("highway", "primary")]), Direction::Both);
        assert_eq!(
            dir(&[("highway", "primary"), ("junction", "roundabout")]),
            Direction::Forward
        );
        assert_eq!(dir(&[("highway", "motorway")]), Direction::Forward);
        assert_eq!(dir(&[("highway", "motorway_link")]), Direction::Forward);
        assert_eq!(
            dir(&[("highway", "motorway"), ("oneway", "no")]),
            Direction::Both
        );
        assert_eq!(
            dir(&[("highway", "tertiary"), ("oneway", "reversible")]),
            Direction::Both
        );
    }
}

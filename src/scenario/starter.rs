//! A starter scenario for a planner's own map (`patrolsim new`): the map file, the default
//! scenario's demand scaled to the map's residents, its incident types and cordon, and a force
//! built from what the map has — an urban patrol at the plan's ratio on the map's posts (or on
//! kiosks placed by p-centre when it has none), the emergency response team, and a crew at every
//! checkpoint and key point. The text is commented so that a planner can read and edit it.

use super::{DEFAULT_SCENARIO_TOML, Scenario};
use crate::map::osm::OsmOptions;
use crate::map::{LoadOptions, MapFileKind, PostKind, RoadMap, load_map};
use std::fmt::Write;
use std::path::Path;
use thiserror::Error;

/// Residents per kiosk placed by p-centre on a map that has no posts of its own.
pub const RESIDENTS_PER_KIOSK: u64 = 20_000;

/// Why no starter scenario can be written for a map.
#[derive(Debug, Error)]
pub enum StarterError {
    #[error(
        "{map}: OpenStreetMap data holds no residents: give --population N (the residents of \
         the area)"
    )]
    NoPopulation { map: String },
    #[error(
        "{map}: --population {population}: only for OpenStreetMap data; this map's zones hold \
         {residents} residents (give them when importing: `patrolsim map import --population` \
         or `--zones`)"
    )]
    PopulationNotOsm {
        map: String,
        population: u64,
        residents: u64,
    },
    #[error(
        "{map}: the map's zones hold no residents, so no calls can be placed (import it with \
         `patrolsim map import --population N` or `--zones`)"
    )]
    NoResidents { map: String },
    #[error("{map}: {source:#}")]
    Map { map: String, source: anyhow::Error },
}

/// The text of a starter scenario for the map at `map_path`, which the scenario will name as
/// `map_in_scenario` (relative to the scenario file's folder). `population` is the area's
/// residents, needed (and allowed) for OpenStreetMap data only.
pub fn starter_scenario(
    map_path: &Path,
    map_in_scenario: &Path,
    population: Option<u64>,
) -> Result<String, StarterError> {
    let label = map_path.display().to_string();
    let kind = MapFileKind::of(map_path).map_err(|source| StarterError::Map {
        map: label.clone(),
        source,
    })?;
    let is_osm = kind == MapFileKind::Osm;
    let osm_population = match (is_osm, population) {
        (true, Some(p)) if p > 0 => p,
        (true, _) => return Err(StarterError::NoPopulation { map: label }),
        (false, _) => 0,
    };
    let options = LoadOptions {
        osm: OsmOptions {
            population: osm_population,
            ..OsmOptions::default()
        },
        cache: None,
    };
    let map = load_map(map_path, &options).map_err(|source| StarterError::Map {
        map: label.clone(),
        source,
    })?;
    let residents = map.population();
    if let (false, Some(population)) = (is_osm, population) {
        return Err(StarterError::PopulationNotOsm {
            map: label,
            population,
            residents,
        });
    }
    if residents == 0 {
        return Err(StarterError::NoResidents { map: label });
    }
    Ok(scenario_text(&map, map_path, map_in_scenario, is_osm))
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML array of string literals.
fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(quoted).collect();
    format!("[{}]", items.join(", "))
}

/// The part of the default scenario's text from the line starting with `from` up to (not
/// including) the line starting with `to` (or to its end).
fn default_part(from: &str, to: Option<&str>) -> &'static str {
    let text = DEFAULT_SCENARIO_TOML;
    let start = text
        .find(&format!("\n{from}"))
        .map(|i| i + 1)
        .expect("the default scenario has the part (tested)");
    let end = to.map_or(text.len(), |to| {
        start
            + text[start..]
                .find(&format!("\n{to}"))
                .map(|i| i + 1)
                .expect("the default scenario has the part's end (tested)")
    });
    &text[start..end]
}

/// People on the roll for one crew around the clock at each of `places`, under the default
/// force's crew size, shifts and availability (6 checkpoints: 56 people).
fn head_count_for(places: usize) -> u32 {
    let default = Scenario::default_scenario();
    let team = default
        .staffing
        .first()
        .expect("the default scenario has teams");
    let per_place = team.crew_size as f64 * team.shifts_per_day as f64 / team.availability;
    (places as f64 * per_place).ceil() as u32
}

fn scenario_text(map: &RoadMap, map_path: &Path, map_in_scenario: &Path, is_osm: bool) -> String {
    let default = Scenario::default_scenario();
    let residents = map.population();
    let name = map_path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .and_then(|f| f.split('.').next().map(str::to_string))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "my-city".into());
    let mut t = String::new();
    let w = &mut t;
    let _ = writeln!(
        w,
        "# A starter scenario for {}, written by `patrolsim new`: the default scenario's demand\n\
         # (scaled to this map's residents), incident types and cordon, and a force built from\n\
         # what the map holds. Every value can be changed; `patrolsim check` says what is allowed.",
        map_in_scenario.display()
    );
    if let Some(credit) = &map.attribution {
        let _ = writeln!(w, "# Map data: {credit}.");
    }
    let _ = writeln!(
        w,
        "name = {}\nseed = {}\nreplications = {}\ndays = {}\nwarmup_hours = {}\n",
        quoted(&name),
        default.seed,
        default.replications,
        (default.horizon_s - default.warmup_s) / 86_400.0,
        default.warmup_s / 3600.0
    );
    let _ = writeln!(
        w,
        "[map]\nfile = {}   # relative to this file",
        quoted(&map_in_scenario.to_string_lossy())
    );
    if is_osm {
        let _ = writeln!(w, "population = {residents}   # residents of the area");
    }
    let auto_posts = if map.posts.is_empty() {
        let n = (residents as f64 / RESIDENTS_PER_KIOSK as f64)
            .round()
            .clamp(1.0, map.node_count() as f64) as u64;
        let _ = writeln!(
            w,
            "# The map has no posts: {n} kiosks (auto-1 ... auto-{n}, one per {RESIDENTS_PER_KIOSK} \
             residents)\n# placed by greedy p-centre. Give the real posts in the map instead \
             when you have them."
        );
        let _ = writeln!(w, "auto_posts = {n}");
        Some(n)
    } else {
        None
    };
    w.push('\n');
    w.push_str(default_part("[routing]", Some("[demand]")));

    let scale = residents as f64 / default.map.population() as f64;
    let profile: Vec<String> = default
        .hourly_calls
        .iter()
        .map(|r| format!("{}", (r * scale * 100.0).round() / 100.0))
        .collect();
    let per_day: f64 = default.hourly_calls.iter().sum::<f64>() * scale;
    let _ = writeln!(
        w,
        "[demand]\n# Calls per hour, hour 0 to 23: the default scenario's day ({:.0} calls for \
         {} residents)\n# scaled to this map's {residents} residents (about {per_day:.0} a \
         day). A call history replaces\n# them: see [demand.history] in the README.\n\
         hourly_profile = [{}]\nplacement = \"population\"\n",
        default.hourly_calls.iter().sum::<f64>(),
        default.map.population(),
        profile.join(", ")
    );
    w.push_str(default_part("[[incident_types]]", Some("# The force")));
    w.push_str(default_part(
        "# The force",
        Some("# Urban professional patrol"),
    ));

    let mut kinds: Vec<PostKind> = Vec::new();
    for post in &map.posts {
        if !kinds.contains(&post.kind) {
            kinds.push(post.kind);
        }
    }
    if auto_posts.is_some() {
        kinds.push(PostKind::Kiosk);
    }
    let patrol_kinds: Vec<&str> = kinds
        .iter()
        .filter(|&&k| k != PostKind::Hq)
        .map(|k| k.name())
        .collect();
    let patrol_kinds = if patrol_kinds.is_empty() {
        vec![PostKind::Hq.name()]
    } else {
        patrol_kinds
    };
    let _ = writeln!(
        w,
        "# Urban professional patrol (巡警): the plan's >= 50 police per 100,000 residents, on \
         the\n# arterials around every post of these kinds.\n[[force.teams]]\n\
         name = \"urban-patrol\"\nlayer = \"line\"\nofficers_per_100k = 50\nplan_minimum = 50\n\
         post_kinds = {}\npatrol_speed_kmh = 30\n",
        quoted_list(patrol_kinds)
    );
    let hq = map
        .posts
        .iter()
        .find(|p| p.kind == PostKind::Hq)
        .or_else(|| map.posts.first())
        .map_or_else(|| "auto-1".to_string(), |p| p.name.clone());
    let _ = writeln!(
        w,
        "# Emergency response team (应急处突队伍), >= 50 persons, on standby at {hq}.\n\
         [[force.teams]]\nname = \"emergency-team\"\nlayer = \"standby\"\nhead_count = 50\n\
         plan_minimum = 50\nposts = [{}]\n",
        quoted(&hq)
    );
    if !map.key_points.is_empty() {
        let _ = writeln!(
            w,
            "# Point posts: one crew around the clock at each of the map's key points.\n\
             [[force.teams]]\nname = \"point-posts\"\nlayer = \"point\"\nhead_count = {}\n\
             key_points = {}\n",
            head_count_for(map.key_points.len()),
            quoted_list(map.key_points.iter().map(|k| k.name.as_str()))
        );
    }
    if map.checkpoints.is_empty() {
        w.push_str(
            "# The map has no checkpoints, so there are no checkpoint crews and no 10-minute \
             sealing ring\n# (十分钟封控圈); give the checkpoints in the map to add them.\n",
        );
    } else {
        let _ = writeln!(
            w,
            "# The area's checkpoints (公安检查站), one crew at each around the clock: they hold \
             cordon exits\n# first and are the sealing ring's nearest crews.\n\
             [[force.teams]]\nname = \"checkpoint-crews\"\nlayer = \"point\"\nhead_count = {}\n\
             checkpoints = {}\n",
            head_count_for(map.checkpoints.len()),
            quoted_list(map.checkpoints.iter().map(|c| c.name.as_str()))
        );
        w.push_str(default_part("# The 10-minute sealing ring", None));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scenario_has_the_parts_a_starter_copies() {
        for (from, to) in [
            ("[routing]", Some("[demand]")),
            ("[[incident_types]]", Some("# The force")),
            ("# The force", Some("# Urban professional patrol")),
            ("# The 10-minute sealing ring", None),
        ] {
            assert!(!default_part(from, to).is_empty(), "{from}");
        }
    }

    #[test]
    fn one_crew_around_the_clock_needs_the_default_forces_head_count() {
        // 2 people a crew, 3 shifts, 65 % availability: 9.23 people a place.
        assert_eq!(head_count_for(6), 56);
        assert_eq!(head_count_for(1), 10);
    }
}

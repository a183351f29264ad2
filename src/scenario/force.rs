//! The force as the plan states it: teams on the roll (officers per 100,000 residents, or a head
//! count), crews of police and auxiliaries, shifts, and the share of the roll that works on a
//! given day; turned, with the arithmetic shown, into crews on duty per shift.
//!
//! people on the roll = police × crew size ÷ police per crew   (or the team's head count)
//! people working a day = people on the roll × availability
//! people per shift = people working a day ÷ shifts a day
//! crews per shift = ⌊people per shift ÷ crew size⌋

use crate::map::{PostKind, RoadMap};
use crate::memory;
use serde::{Deserialize, Serialize};

/// How a crew spends its time on duty when no call needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Fixed at a key point (rail station, bus station, square).
    Point,
    /// Patrols a cycle along the main and secondary roads of its beat.
    Line,
    /// Patrols the residential streets of its beat, slowly.
    Surface,
    /// Waits at its post (the emergency team, or listed units).
    Standby,
}

impl Layer {
    /// Every layer.
    pub const ALL: [Layer; 4] = [Layer::Point, Layer::Line, Layer::Surface, Layer::Standby];

    /// The name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Point => "point",
            Layer::Line => "line",
            Layer::Surface => "surface",
            Layer::Standby => "standby",
        }
    }
}

/// The `[force]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForceSection {
    /// People in one crew (one vehicle).
    #[serde(default = "default_crew_size")]
    pub crew_size: u32,
    /// Police officers in one crew; the rest are auxiliaries (the plan: 1 police : 1 auxiliary).
    #[serde(default = "one")]
    pub police_per_crew: u32,
    /// Share of the people on the roll who work on an average day (after rest days, leave,
    /// training and sickness).
    pub availability: f64,
    /// "3x8", "2x12", or a list of shifts.
    pub shifts: ShiftPattern,
    /// Start of the first shift of a "3x8" or "2x12" day, hour of day.
    #[serde(default)]
    pub first_shift_h: f64,
    pub teams: Vec<TeamSection>,
}

fn default_crew_size() -> u32 {
    2
}
fn one() -> u32 {
    1
}

/// The day's shifts.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ShiftPattern {
    /// "3x8" or "2x12".
    Named(String),
    /// Explicit shifts.
    Listed(Vec<ShiftSection>),
}

/// One shift of the day.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftSection {
    pub name: String,
    pub start_h: f64,
    pub hours: f64,
}

/// A team on the roll.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSection {
    pub name: String,
    pub layer: Layer,
    /// Police officers per 100,000 residents of `zones` (all zones when absent).
    pub officers_per_100k: Option<f64>,
    /// People on the roll, police and auxiliaries.
    pub head_count: Option<u32>,
    /// Zones whose residents the ratio counts, and where the team patrols.
    pub zones: Option<Vec<String>>,
    /// Posts the team's crews work from, by name.
    #[serde(default)]
    pub posts: Vec<String>,
    /// Or every post of these kinds (in `zones`, when given).
    pub post_kinds: Option<Vec<PostKind>>,
    /// Or key points (point layer).
    #[serde(default)]
    pub key_points: Vec<String>,
    /// Or checkpoints, by name: crews based there hold cordon exits first.
    #[serde(default)]
    pub checkpoints: Vec<String>,
    /// Patrol speed, km/h (line and surface layers).
    pub patrol_speed_kmh: Option<f64>,
    /// The plan's minimum: per 100k residents for a ratio team, people for a head-count team.
    pub plan_minimum: Option<f64>,
}

/// A shift of the day, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub name: String,
    /// Start, seconds after midnight.
    pub start_s: f64,
    pub duration_s: f64,
}

/// One team's staffing arithmetic, every step shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamStaffing {
    pub team: String,
    pub layer: Layer,
    /// Residents the ratio applies to (ratio teams).
    pub residents: Option<u64>,
    pub officers_per_100k: Option<f64>,
    /// Police on the roll.
    pub police: f64,
    pub auxiliaries: f64,
    pub people_on_roll: f64,
    pub availability: f64,
    pub people_per_day: f64,
    pub shifts_per_day: usize,
    pub people_per_shift: f64,
    pub crew_size: u32,
    pub crews_per_shift: u32,
    /// Where the crews are based.
    pub bases: Vec<String>,
    /// The plan's minimum and whether it is met.
    pub plan_minimum: Option<f64>,
    pub warning: Option<String>,
}

impl TeamStaffing {
    /// One line of arithmetic a planner can check by hand.
    pub fn arithmetic(&self) -> String {
        let roll = match (self.residents, self.officers_per_100k) {
            (Some(r), Some(k)) => format!(
                "{r} residents × {k} / 100k = {:.1} police, + {:.1} auxiliaries = {:.1} people",
                self.police, self.auxiliaries, self.people_on_roll
            ),
            _ => format!("{:.0} people on the roll", self.people_on_roll),
        };
        format!(
            "{roll}; × {} available = {:.1} a day; ÷ {} shifts = {:.1} per shift; ÷ {} per crew \
             = {} crews per shift",
            self.availability,
            self.people_per_day,
            self.shifts_per_day,
            self.people_per_shift,
            self.crew_size,
            self.crews_per_shift
        )
    }
}

/// What the force compiles to: shifts, the arithmetic per team, and crews (by team, shift,
/// then number) with their base node.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledForce {
    pub shifts: Vec<Shift>,
    pub staffing: Vec<TeamStaffing>,
    pub crews: Vec<ForceCrew>,
}

/// One crew produced by the force.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceCrew {
    pub name: String,
    pub team: usize,
    pub layer: Layer,
    pub shift: usize,
    /// Index into the map's posts, or none for a key-point crew.
    pub post: Option<usize>,
    pub base: crate::map::NodeId,
    pub base_name: String,
    pub patrol_speed_kmh: f64,
    /// Zones (indices) the crew patrols in.
    pub zones: Vec<u32>,
}

/// A force value that is not allowed: key path, value, rule.
pub type Invalid = (String, String, String);

fn invalid(key: impl Into<String>, value: impl std::fmt::Debug, rule: &str) -> Invalid {
    (key.into(), format!("{value:?}"), rule.to_string())
}

/// Checks the force section against the map and computes the crews.
pub fn compile_force(force: &ForceSection, map: &RoadMap) -> Result<CompiledForce, Invalid> {
    if force.crew_size == 0 {
        return Err(invalid("force.crew_size", 0, "must be >= 1"));
    }
    if force.police_per_crew == 0 || force.police_per_crew > force.crew_size {
        return Err(invalid(
            "force.police_per_crew",
            force.police_per_crew,
            "must be between 1 and force.crew_size",
        ));
    }
    if !(force.availability > 0.0 && force.availability <= 1.0) {
        return Err(invalid(
            "force.availability",
            force.availability,
            "must be > 0 and <= 1",
        ));
    }
    let shifts = compile_shifts(force)?;
    if force.teams.is_empty() {
        return Err(invalid("force.teams", "[]", "must list at least one team"));
    }
    let mut staffing = Vec::new();
    let mut crews = Vec::new();
    for (t, team) in force.teams.iter().enumerate() {
        let key = |f: &str| format!("force.teams[{t}].{f}");
        if force.teams[..t].iter().any(|o| o.name == team.name) {
            return Err(invalid(
                key("name"),
                &team.name,
                "an earlier team has this name",
            ));
        }
        let zones = team_zones(team, map).map_err(|z| invalid(key("zones"), z, "no such zone"))?;
        let bases = team_bases(team, map, &zones, &key)?;
        let residents: u64 = zones
            .iter()
            .map(|&z| map.zones[z as usize].population)
            .sum();
        let (police, people) = match (team.officers_per_100k, team.head_count) {
            (Some(ratio), None) => {
                if !(ratio.is_finite() && ratio > 0.0) {
                    return Err(invalid(key("officers_per_100k"), ratio, "must be > 0"));
                }
                let police = (ratio * residents as f64 / 100_000.0).round();
                let people = police * f64::from(force.crew_size) / f64::from(force.police_per_crew);
                (police, people)
            }
            (None, Some(head)) => {
                if head == 0 {
                    return Err(invalid(key("head_count"), 0, "must be >= 1"));
                }
                let people = f64::from(head);
                let police = people * f64::from(force.police_per_crew) / f64::from(force.crew_size);
                (police, people)
            }
            _ => {
                return Err(invalid(
                    format!("force.teams[{t}]"),
                    &team.name,
                    "give exactly one of officers_per_100k or head_count",
                ));
            }
        };
        let speed = match team.layer {
            Layer::Line => team.patrol_speed_kmh.unwrap_or(30.0),
            Layer::Surface => team.patrol_speed_kmh.unwrap_or(12.0),
            Layer::Point | Layer::Standby => 0.0,
        };
        if matches!(team.layer, Layer::Line | Layer::Surface) && !(speed.is_finite() && speed > 0.0)
        {
            return Err(invalid(key("patrol_speed_kmh"), speed, "must be > 0"));
        }
        let people_per_day = people * force.availability;
        let people_per_shift = people_per_day / shifts.len() as f64;
        let crews_per_shift = (people_per_shift / f64::from(force.crew_size)).floor() as u32;
        let achieved = match team.officers_per_100k {
            Some(_) => police * 100_000.0 / residents.max(1) as f64,
            None => people,
        };
        let unit = if team.officers_per_100k.is_some() {
            "police per 100k residents"
        } else {
            "people"
        };
        let warning = team
            .plan_minimum
            .filter(|&min| achieved < min)
            .map(|min| format!("{achieved:.1} {unit}, below the plan's minimum of {min}"));
        staffing.push(TeamStaffing {
            team: team.name.clone(),
            layer: team.layer,
            residents: team.officers_per_100k.map(|_| residents),
            officers_per_100k: team.officers_per_100k,
            police,
            auxiliaries: people - police,
            people_on_roll: people,
            availability: force.availability,
            people_per_day,
            shifts_per_day: shifts.len(),
            people_per_shift,
            crew_size: force.crew_size,
            crews_per_shift,
            bases: bases.iter().map(|b| b.2.clone()).collect(),
            plan_minimum: team.plan_minimum,
            warning,
        });
        // Refused before the crews are made: a ratio of 1e308 must not fill the memory.
        let crews_made = u64::from(crews_per_shift) * shifts.len() as u64;
        if let Some(rule) = memory::crews_refusal(crews_made, crews.len() as u64) {
            return Err(match (team.officers_per_100k, team.head_count) {
                (Some(ratio), _) => invalid(key("officers_per_100k"), ratio, &rule),
                (None, head) => invalid(key("head_count"), head.unwrap_or(0), &rule),
            });
        }
        for (s, shift) in shifts.iter().enumerate() {
            for k in 0..crews_per_shift {
                let (post, base, base_name) = bases[k as usize % bases.len()].clone();
                crews.push(ForceCrew {
                    name: format!("{}/{}/{}", team.name, shift.name, k + 1),
                    team: t,
                    layer: team.layer,
                    shift: s,
                    post,
                    base,
                    base_name,
                    patrol_speed_kmh: speed,
                    zones: zones.clone(),
                });
            }
        }
    }
    Ok(CompiledForce {
        shifts,
        staffing,
        crews,
    })
}

fn compile_shifts(force: &ForceSection) -> Result<Vec<Shift>, Invalid> {
    let first = force.first_shift_h;
    if !(0.0..24.0).contains(&first) {
        return Err(invalid(
            "force.first_shift_h",
            first,
            "must be in 0 to 23 (an hour of the day, below 24)",
        ));
    }
    let even = |n: u32, names: &[&str]| {
        (0..n)
            .map(|i| Shift {
                name: names[i as usize].to_string(),
                start_s: ((first + f64::from(i) * 24.0 / f64::from(n)) % 24.0) * 3600.0,
                duration_s: 86_400.0 / f64::from(n),
            })
            .collect::<Vec<_>>()
    };
    let shifts = match &force.shifts {
        ShiftPattern::Named(n) if n == "3x8" => even(3, &["A", "B", "C"]),
        ShiftPattern::Named(n) if n == "2x12" => even(2, &["day", "night"]),
        ShiftPattern::Named(n) => {
            return Err(invalid(
                "force.shifts",
                n,
                "must be \"3x8\", \"2x12\" or a list of { name, start_h, hours }",
            ));
        }
        ShiftPattern::Listed(list) => list
            .iter()
            .map(|s| Shift {
                name: s.name.clone(),
                start_s: s.start_h * 3600.0,
                duration_s: s.hours * 3600.0,
            })
            .collect(),
    };
    for (i, s) in shifts.iter().enumerate() {
        let valid =
            (0.0..86_400.0).contains(&s.start_s) && s.duration_s > 0.0 && s.duration_s <= 86_400.0;
        if !valid {
            return Err(invalid(
                format!("force.shifts[{i}]"),
                &s.name,
                "start_h must be in 0 to 23 (an hour of the day, below 24) and hours in (0, 24]",
            ));
        }
        if shifts[..i].iter().any(|o| o.name == s.name) {
            return Err(invalid(
                format!("force.shifts[{i}].name"),
                &s.name,
                "an earlier shift has this name",
            ));
        }
    }
    // Every hour of the day must be covered by some shift.
    let uncovered = (0..24 * 60).map(|m| f64::from(m) * 60.0).find(|&t| {
        !shifts.iter().any(|s| {
            let into = (t - s.start_s).rem_euclid(86_400.0);
            into < s.duration_s
        })
    });
    if let Some(t) = uncovered {
        return Err(invalid(
            "force.shifts",
            format!("{} shifts", shifts.len()),
            &format!(
                "do not cover 24 h: nobody is on duty at {:02}:{:02}",
                (t / 3600.0) as u32,
                ((t % 3600.0) / 60.0) as u32
            ),
        ));
    }
    Ok(shifts)
}

fn team_zones(team: &TeamSection, map: &RoadMap) -> Result<Vec<u32>, String> {
    match &team.zones {
        None => Ok((0..map.zones.len() as u32).collect()),
        Some(names) => names
            .iter()
            .map(|n| {
                map.zones
                    .iter()
                    .position(|z| &z.name == n)
                    .map(|i| i as u32)
                    .ok_or_else(|| n.clone())
            })
            .collect(),
    }
}

type Base = (Option<usize>, crate::map::NodeId, String);

fn team_bases(
    team: &TeamSection,
    map: &RoadMap,
    zones: &[u32],
    key: &dyn Fn(&str) -> String,
) -> Result<Vec<Base>, Invalid> {
    let mut bases: Vec<Base> = Vec::new();
    for (i, name) in team.posts.iter().enumerate() {
        let p = map
            .posts
            .iter()
            .position(|p| &p.name == name)
            .ok_or_else(|| {
                invalid(
                    format!("{}[{i}]", key("posts")),
                    name,
                    &format!("no such post on map `{}`", map.name),
                )
            })?;
        bases.push((Some(p), map.posts[p].node, name.clone()));
    }
    if let Some(kinds) = &team.post_kinds {
        for (p, post) in map.posts.iter().enumerate() {
            let zone = map.node(post.node).zone;
            if kinds.contains(&post.kind) && zones.contains(&zone) {
                bases.push((Some(p), post.node, post.name.clone()));
            }
        }
    }
    for (i, name) in team.key_points.iter().enumerate() {
        let k = map
            .key_points
            .iter()
            .find(|k| &k.name == name)
            .ok_or_else(|| {
                invalid(
                    format!("{}[{i}]", key("key_points")),
                    name,
                    &format!("no such key point on map `{}`", map.name),
                )
            })?;
        bases.push((None, k.node, name.clone()));
    }
    for (i, name) in team.checkpoints.iter().enumerate() {
        let c = map
            .checkpoints
            .iter()
            .find(|c| &c.name == name)
            .ok_or_else(|| {
                invalid(
                    format!("{}[{i}]", key("checkpoints")),
                    name,
                    &format!("no such checkpoint on map `{}`", map.name),
                )
            })?;
        bases.push((None, c.node, name.clone()));
    }
    if bases.is_empty() {
        return Err(invalid(
            key("posts"),
            &team.name,
            "the team has no base: give posts, post_kinds (with a post in its zones), key_points \
             or checkpoints",
        ));
    }
    Ok(bases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{Post, Zone, grid_map};

    fn city(population: u64) -> RoadMap {
        let mut map = grid_map(&crate::map::GridSpec {
            n: 4,
            posts_per_side: 1,
            spacing_m: 200.0,
            speed_kmh: 36.0,
        });
        map.zones = vec![Zone {
            name: "city".into(),
            population,
        }];
        map.posts.push(Post {
            name: "hq".into(),
            kind: PostKind::Hq,
            node: 0,
        });
        map
    }

    fn force(teams: &str, shifts: &str) -> ForceSection {
        toml::from_str(&format!("availability = 0.65\nshifts = {shifts}\n{teams}")).unwrap()
    }

    #[test]
    fn staffing_by_hand() {
        // 400,000 residents × 50 / 100k = 200 police; 1 : 1 with auxiliaries = 400 people;
        // × 0.65 = 260 a day; ÷ 3 shifts = 86.67 per shift; ÷ 2 = 43 crews per shift.
        let f = force(
            "[[teams]]\nname = \"urban\"\nlayer = \"line\"\nofficers_per_100k = 50\n\
             posts = [\"P0\"]\nplan_minimum = 50",
            "\"3x8\"",
        );
        let c = compile_force(&f, &city(400_000)).unwrap();
        let s = &c.staffing[0];
        assert_eq!(s.police, 200.0);
        assert_eq!(s.people_on_roll, 400.0);
        assert!((s.people_per_day - 260.0).abs() < 1e-9);
        assert!((s.people_per_shift - 260.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.crews_per_shift, 43);
        assert_eq!(c.crews.len(), 3 * 43);
        assert_eq!(s.warning, None);
        assert_eq!(c.shifts[1].start_s, 8.0 * 3600.0);
        assert!(
            s.arithmetic().contains("= 43 crews per shift"),
            "{}",
            s.arithmetic()
        );
    }

    #[test]
    fn below_the_plan_minimum_warns() {
        let f = force(
            "[[teams]]\nname = \"ert\"\nlayer = \"standby\"\nhead_count = 40\n\
             posts = [\"hq\"]\nplan_minimum = 50",
            "\"2x12\"",
        );
        let c = compile_force(&f, &city(100_000)).unwrap();
        // 40 × 0.65 = 26 a day, 13 per shift, 6 crews.
        assert_eq!(c.staffing[0].crews_per_shift, 6);
        assert_eq!(
            c.staffing[0].warning.as_deref(),
            Some("40.0 people, below the plan's minimum of 50")
        );
    }

    #[test]
    fn bad_staffing_is_named() {
        let map = city(100_000);
        let team = "[[teams]]\nname = \"u\"\nlayer = \"line\"\nposts = [\"P0\"]\n";
        let err =
            |teams: &str, shifts: &str| compile_force(&force(teams, shifts), &map).unwrap_err();
        assert_eq!(
            err(&format!("{team}officers_per_100k = 0"), "\"3x8\"").0,
            "force.teams[0].officers_per_100k"
        );
        let gap = err(
            &format!("{team}head_count = 20"),
            "[{ name = \"d\", start_h = 8, hours = 12 }]",
        );
        assert_eq!(gap.0, "force.shifts");
        assert!(gap.2.contains("nobody is on duty at 00:00"), "{}", gap.2);
        let off = err(
            "[[teams]]\nname = \"t\"\nlayer = \"surface\"\nhead_count = 20\nposts = [\"nowhere\"]",
            "\"3x8\"",
        );
        assert_eq!(off.0, "force.teams[0].posts[0]");
        let mut f = force(&format!("{team}head_count = 20"), "\"3x8\"");
        f.crew_size = 0;
        assert_eq!(compile_force(&f, &map).unwrap_err().0, "force.crew_size");
    }
}

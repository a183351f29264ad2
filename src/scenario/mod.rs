//! The scenario: what a planner describes (area, force, demand, run settings), read from TOML,
//! checked value by value, and compiled into the typed [`Scenario`] the simulation runs.
//!
//! Architecture invariant: every value the simulation uses has been checked here; an error names
//! the file, the key path and the value, and says what is allowed.

mod file;

pub use file::{
    CallPlacement, DemandSection, DispatchSection, IncidentTypeSection, MapSection, OnSceneSection,
    ReturnPosition, RoutingSection, ScenarioFile, UnitSection, UnitsPerPostSection,
};

use crate::map::osm::OsmOptions;
use crate::map::{
    LoadOptions, MapFileKind, NodeId, RoadMap, apply_geojson_zones, grid_map, load_map,
    new_area_map, read_csv_map,
};
use crate::routing::add_p_centre_kiosks;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

/// The built-in default scenario (the same text as `scenarios/default.toml`).
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../../scenarios/default.toml");
/// How the built-in default scenario is named in messages.
pub const DEFAULT_SCENARIO_LABEL: &str = "scenarios/default.toml (built in)";

/// A scenario that cannot be used, with what is wrong and where.
#[derive(Debug, Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: {key} = {value}: {rule}")]
    Invalid {
        file: String,
        key: String,
        value: String,
        rule: String,
    },
    #[error("{file}: map: {source:#}")]
    Map { file: String, source: anyhow::Error },
}

/// Distribution of on-scene time, seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OnSceneTime {
    /// Log-normal with this mean and standard deviation.
    LogNormal { mean_s: f64, sd_s: f64 },
    /// Exponential with this mean.
    Exponential { mean_s: f64 },
    /// Always the same.
    Fixed { mean_s: f64 },
}

impl OnSceneTime {
    /// Mean on-scene time, seconds.
    pub fn mean_s(&self) -> f64 {
        match *self {
            OnSceneTime::LogNormal { mean_s, .. }
            | OnSceneTime::Exponential { mean_s }
            | OnSceneTime::Fixed { mean_s } => mean_s,
        }
    }
}

/// A checked incident type.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentType {
    pub name: String,
    pub priority: u8,
    pub share: f64,
    pub units_needed: u32,
    pub on_scene: OnSceneTime,
}

/// A checked unit: one crew in one vehicle, based at a post.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub name: String,
    /// Index into the map's posts.
    pub post: usize,
    /// The post's node.
    pub home: NodeId,
    pub crew_size: u32,
}

/// A checked, compiled scenario: everything a replication needs, read-only.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    pub replications: u32,
    /// Simulated seconds before counting starts.
    pub warmup_s: f64,
    /// Simulated seconds at which the run stops (warm-up included).
    pub horizon_s: f64,
    pub output_dir: PathBuf,
    pub map: Arc<RoadMap>,
    pub emergency_speed_factor: f64,
    pub dispatch_delay_s: f64,
    pub returning_position: ReturnPosition,
    /// Calls per hour for each hour of the day.
    pub hourly_calls: [f64; 24],
    pub placement: CallPlacement,
    pub incident_types: Vec<IncidentType>,
    pub units: Vec<Unit>,
    /// The scenario text as read, kept with the results.
    pub source_toml: String,
}

impl Scenario {
    /// Reads, checks and compiles the scenario file at `path`.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: label.clone(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Scenario::from_toml(&text, &label, base)
    }

    /// The built-in default scenario.
    pub fn default_scenario() -> Scenario {
        Scenario::from_toml(
            DEFAULT_SCENARIO_TOML,
            DEFAULT_SCENARIO_LABEL,
            Path::new("."),
        )
        .expect("the built-in default scenario is valid (tested)")
    }

    /// Parses and compiles scenario text. `label` names the file in errors; map files are looked
    /// up relative to `base_dir`.
    pub fn from_toml(text: &str, label: &str, base_dir: &Path) -> Result<Scenario, ScenarioError> {
        let file: ScenarioFile = toml::from_str(text).map_err(|e| {
            // One line: where, then what (the key is in toml's message).
            let place = e.span().map_or(String::new(), |span| {
                let before = &text[..span.start];
                let line = before.matches('\n').count() + 1;
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                format!("line {line}: `{}`: ", text[start..end].trim())
            });
            ScenarioError::Syntax {
                file: label.to_string(),
                message: format!("{place}{}", e.message().trim_end()),
            }
        })?;
        let map = build_map(&file.map, label, base_dir)?;
        Scenario::compile(file, text, label, map)
    }

    /// Checks every value of a parsed file against `map` and builds the scenario.
    pub fn compile(
        file: ScenarioFile,
        text: &str,
        label: &str,
        map: RoadMap,
    ) -> Result<Scenario, ScenarioError> {
        let check = Checker { file: label };
        check.that(
            !file.name.trim().is_empty(),
            "name",
            &file.name,
            "must not be empty",
        )?;
        check.that(
            file.replications >= 1,
            "replications",
            file.replications,
            "must be >= 1",
        )?;
        check.that(positive(file.days), "days", file.days, "must be > 0")?;
        check.that(
            file.warmup_hours.is_finite() && file.warmup_hours >= 0.0,
            "warmup_hours",
            file.warmup_hours,
            "must be >= 0",
        )?;
        let speed = file.routing.emergency_speed_factor;
        check.that(
            positive(speed),
            "routing.emergency_speed_factor",
            speed,
            "must be > 0",
        )?;
        let delay = file.dispatch.delay_s;
        check.that(
            delay.is_finite() && delay >= 0.0,
            "dispatch.delay_s",
            delay,
            "must be >= 0",
        )?;
        let hourly_calls = check_demand(&check, &file.demand)?;
        let incident_types = check_incident_types(&check, &file.incident_types)?;
        let units = check_units(&check, &file, &map)?;
        let warmup_s = file.warmup_hours * 3600.0;
        Ok(Scenario {
            output_dir: file
                .output_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("outputs").join(&file.name)),
            name: file.name,
            seed: file.seed,
            replications: file.replications,
            warmup_s,
            horizon_s: warmup_s + file.days * 86_400.0,
            map: Arc::new(map),
            emergency_speed_factor: speed,
            dispatch_delay_s: delay,
            returning_position: file.dispatch.returning_position,
            hourly_calls,
            placement: file.demand.placement,
            incident_types,
            units,
            source_toml: text.to_string(),
        })
    }

    /// Simulated seconds that count (after the warm-up).
    pub fn counted_s(&self) -> f64 {
        self.horizon_s - self.warmup_s
    }
}

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// Builds error values that name the file.
struct Checker<'a> {
    file: &'a str,
}

impl Checker<'_> {
    fn invalid(&self, key: impl Display, value: impl Display, rule: impl Display) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.to_string(),
            key: key.to_string(),
            value: value.to_string(),
            rule: rule.to_string(),
        }
    }

    fn that(
        &self,
        ok: bool,
        key: impl Display,
        value: impl std::fmt::Debug,
        rule: &str,
    ) -> Result<(), ScenarioError> {
        if ok {
            Ok(())
        } else {
            Err(self.invalid(key, format!("{value:?}"), rule))
        }
    }
}

/// The scenario's map: from its file or generator, validated, with any automatic posts.
fn build_map(section: &MapSection, label: &str, base_dir: &Path) -> Result<RoadMap, ScenarioError> {
    let given = [
        section.file.is_some(),
        section.csv.is_some(),
        section.grid.is_some(),
        section.new_area.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        return Err(ScenarioError::Invalid {
            file: label.to_string(),
            key: "map".into(),
            value: format!(
                "{{{}}}",
                ["file", "csv", "grid", "new_area"]
                    .iter()
                    .zip(given)
                    .filter(|(_, g)| *g)
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            rule: "give exactly one of map.file, [map.csv], [map.grid] or [map.new_area]".into(),
        });
    }
    let check = Checker { file: label };
    let is_osm = section
        .file
        .as_ref()
        .is_some_and(|f| MapFileKind::of(f).is_ok_and(|k| k == MapFileKind::Osm));
    let osm_only = "only for OpenStreetMap data (map.file ending .osm.pbf, .pbf, .osm or .osm.gz)";
    if let Some(population) = section.population {
        check.that(is_osm, "map.population", population, osm_only)?;
    }
    if let Some(cache) = &section.cache {
        check.that(is_osm, "map.cache", cache, osm_only)?;
    }
    let mut map = if let Some(path) = &section.file {
        let options = LoadOptions {
            osm: OsmOptions {
                population: section.population.unwrap_or(0),
                ..OsmOptions::default()
            },
            cache: section.cache.as_ref().map(|c| base_dir.join(c)),
        };
        load_map(&base_dir.join(path), &options).map_err(|source| ScenarioError::Map {
            file: label.to_string(),
            source,
        })?
    } else if let Some(csv) = &section.csv {
        check.that(
            csv.max_snap_m.is_finite() && csv.max_snap_m >= 0.0,
            "map.csv.max_snap_m",
            csv.max_snap_m,
            "must be >= 0",
        )?;
        read_csv_map(csv, base_dir).map_err(|source| ScenarioError::Map {
            file: label.to_string(),
            source,
        })?
    } else if let Some(grid) = &section.grid {
        check.that(grid.n >= 1, "map.grid.n", grid.n, "must be >= 1")?;
        check.that(
            (1..=grid.n).contains(&grid.posts_per_side),
            "map.grid.posts_per_side",
            grid.posts_per_side,
            "must be between 1 and map.grid.n",
        )?;
        check.that(
            positive(grid.spacing_m),
            "map.grid.spacing_m",
            grid.spacing_m,
            "must be > 0",
        )?;
        check.that(
            positive(grid.speed_kmh),
            "map.grid.speed_kmh",
            grid.speed_kmh,
            "must be > 0",
        )?;
        grid_map(grid)
    } else {
        new_area_map(section.new_area.as_ref().expect("one source is given"))
    };
    if let Some(zones) = &section.zones {
        apply_geojson_zones(&mut map, &base_dir.join(zones)).map_err(|source| {
            ScenarioError::Map {
                file: label.to_string(),
                source,
            }
        })?;
    }
    if let Some(n) = section.auto_posts {
        check.that(n >= 1, "map.auto_posts", n, "must be >= 1")?;
        add_p_centre_kiosks(&mut map, n as usize);
    }
    map.validate().map_err(|e| ScenarioError::Map {
        file: label.to_string(),
        source: e.into(),
    })?;
    Ok(map)
}

fn check_demand(check: &Checker, d: &DemandSection) -> Result<[f64; 24], ScenarioError> {
    match (d.calls_per_hour, &d.hourly_profile) {
        (Some(rate), None) => {
            check.that(positive(rate), "demand.calls_per_hour", rate, "must be > 0")?;
            Ok([rate; 24])
        }
        (None, Some(profile)) => {
            check.that(
                profile.len() == 24,
                "demand.hourly_profile",
                format!("[{} values]", profile.len()),
                "must list 24 hourly rates, hour 0 to 23",
            )?;
            for (h, &r) in profile.iter().enumerate() {
                check.that(
                    r.is_finite() && r >= 0.0,
                    format_args!("demand.hourly_profile[{h}]"),
                    r,
                    "must be >= 0",
                )?;
            }
            check.that(
                profile.iter().any(|&r| r > 0.0),
                "demand.hourly_profile",
                profile,
                "must have at least one hour with calls",
            )?;
            Ok(profile.as_slice().try_into().expect("24 values"))
        }
        _ => Err(check.invalid(
            "demand",
            "both or neither of calls_per_hour, hourly_profile",
            "give exactly one of demand.calls_per_hour or demand.hourly_profile",
        )),
    }
}

fn check_incident_types(
    check: &Checker,
    types: &[IncidentTypeSection],
) -> Result<Vec<IncidentType>, ScenarioError> {
    check.that(
        !types.is_empty(),
        "incident_types",
        "[]",
        "must list at least one type",
    )?;
    let mut out = Vec::with_capacity(types.len());
    for (i, t) in types.iter().enumerate() {
        let key = |field: &str| format!("incident_types[{i}].{field}");
        check.that(
            !t.name.trim().is_empty(),
            key("name"),
            &t.name,
            "must not be empty",
        )?;
        if types[..i].iter().any(|o| o.name == t.name) {
            return Err(check.invalid(key("name"), format!("{:?}", t.name), "is used twice"));
        }
        check.that(
            (1..=9).contains(&t.priority),
            key("priority"),
            t.priority,
            "must be 1 (most urgent) to 9",
        )?;
        check.that(
            t.share.is_finite() && t.share >= 0.0,
            key("share"),
            t.share,
            "must be >= 0",
        )?;
        check.that(
            t.units_needed >= 1,
            key("units_needed"),
            t.units_needed,
            "must be >= 1",
        )?;
        let on_scene = match t.on_scene {
            OnSceneSection::Lognormal { mean_min, sd_min } => {
                check.that(
                    positive(mean_min),
                    key("on_scene.mean_min"),
                    mean_min,
                    "must be > 0",
                )?;
                check.that(
                    positive(sd_min),
                    key("on_scene.sd_min"),
                    sd_min,
                    "must be > 0",
                )?;
                OnSceneTime::LogNormal {
                    mean_s: mean_min * 60.0,
                    sd_s: sd_min * 60.0,
                }
            }
            OnSceneSection::Exponential { mean_min } => {
                check.that(
                    positive(mean_min),
                    key("on_scene.mean_min"),
                    mean_min,
                    "must be > 0",
                )?;
                OnSceneTime::Exponential {
                    mean_s: mean_min * 60.0,
                }
            }
            OnSceneSection::Fixed { mean_min } => {
                check.that(
                    mean_min.is_finite() && mean_min >= 0.0,
                    key("on_scene.mean_min"),
                    mean_min,
                    "must be >= 0",
                )?;
                OnSceneTime::Fixed {
                    mean_s: mean_min * 60.0,
                }
            }
        };
        out.push(IncidentType {
            name: t.name.clone(),
            priority: t.priority,
            share: t.share,
            units_needed: t.units_needed,
            on_scene,
        });
    }
    let total: f64 = types.iter().map(|t| t.share).sum();
    check.that(
        (total - 1.0).abs() <= 1e-6,
        "incident_types[*].share",
        format!("sum {total}"),
        "shares must sum to 1",
    )?;
    Ok(out)
}

fn check_units(
    check: &Checker,
    file: &ScenarioFile,
    map: &RoadMap,
) -> Result<Vec<Unit>, ScenarioError> {
    let mut units = Vec::new();
    for (i, u) in file.units.iter().enumerate() {
        let key = |field: &str| format!("units[{i}].{field}");
        check.that(
            !u.name.trim().is_empty(),
            key("name"),
            &u.name,
            "must not be empty",
        )?;
        check.that(
            u.crew_size >= 1,
            key("crew_size"),
            u.crew_size,
            "must be >= 1",
        )?;
        let Some(post) = map.posts.iter().position(|p| p.name == u.post) else {
            let known: Vec<&str> = map.posts.iter().take(8).map(|p| p.name.as_str()).collect();
            return Err(check.invalid(
                key("post"),
                format!("{:?}", u.post),
                format!(
                    "no such post on map `{}` (posts: {}{})",
                    map.name,
                    known.join(", "),
                    if map.posts.len() > 8 { ", ..." } else { "" }
                ),
            ));
        };
        units.push(Unit {
            name: u.name.clone(),
            post,
            home: map.posts[post].node,
            crew_size: u.crew_size,
        });
    }
    if let Some(bulk) = &file.units_per_post {
        check.that(
            bulk.crew_size >= 1,
            "units_per_post.crew_size",
            bulk.crew_size,
            "must be >= 1",
        )?;
        for (post, p) in map.posts.iter().enumerate() {
            if bulk.kinds.as_ref().is_some_and(|k| !k.contains(&p.kind)) {
                continue;
            }
            for k in 0..bulk.per_post {
                units.push(Unit {
                    name: if bulk.per_post == 1 {
                        format!("{}/u", p.name)
                    } else {
                        format!("{}/u{}", p.name, k + 1)
                    },
                    post,
                    home: p.node,
                    crew_size: bulk.crew_size,
                });
            }
        }
    }
    if units.is_empty() {
        return Err(check.invalid(
            "units",
            "0 units",
            "the force has no units: list [[units]] or set [units_per_post] per_post >= 1",
        ));
    }
    for (i, u) in units.iter().enumerate() {
        if units[..i].iter().any(|o| o.name == u.name) {
            return Err(check.invalid("units", format!("{:?}", u.name), "unit name used twice"));
        }
    }
    Ok(units)
}

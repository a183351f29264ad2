//! The scenario: what a planner describes (area, force, demand, run settings), read from TOML,
//! checked value by value, and compiled into the typed [`Scenario`] the simulation runs.
//!
//! Architecture invariant: every value the simulation uses has been checked here; an error names
//! the file, the key path and the value, and says what is allowed.

mod cordon;
mod file;
mod force;
mod move_up;
mod starter;

pub use cordon::{Cordon, Sealing};
pub use move_up::MoveUp;
pub use starter::{RESIDENTS_PER_KIOSK, StarterError, starter_scenario};

pub use file::{
    CallPlacement, CordonSection, DemandSection, DispatchSection, IncidentTypeSection,
    LargeEventSection, MapSection, MoveUpSection, OnSceneSection, ReadinessSection, ReturnPosition,
    RoutingSection, RunCardSection, ScenarioFile, SealingSection, StandPlace, UnitSection,
    UnitsPerPostSection,
};
pub use force::{
    CompiledForce, ForceCrew, ForceSection, Layer, Shift, ShiftPattern, TeamSection, TeamStaffing,
    compile_force,
};

use crate::bad_input::{cut, cut_quoted};
use crate::history::{HistoryError, HistoryReplay, import_history};
use crate::map::osm::OsmOptions;
use crate::map::{
    LoadOptions, MapFileKind, NodeId, RoadMap, apply_geojson_zones, grid_map, load_map,
    new_area_map, new_area_node_bound, read_csv_map,
};
use crate::memory;
use crate::placement::add_p_centre_kiosks;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

/// The built-in default scenario (the same text as `scenarios/default.toml`).
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../../scenarios/default.toml");
/// How the built-in default scenario is named in messages.
pub const DEFAULT_SCENARIO_LABEL: &str = "scenarios/default.toml (built in)";

/// The most replications a run may ask for: a run holds two open files per replication until
/// it writes its tables, and 400 keep within the usual limit of 1024 open files.
pub const MAX_REPLICATIONS: u32 = 400;

/// The longest run a scenario may ask for, days (and the longest warm-up, in days).
pub const MAX_DAYS: f64 = 36_500.0;

/// The highest call rate a scenario may ask for, calls an hour (of the whole area, of one hour
/// of the profile, of one large event): ten times a very large city's busiest hour.
pub const MAX_CALLS_PER_HOUR: f64 = 10_000.0;

/// The longest mean (or spread) of an on-scene time, minutes: 100 years.
const MAX_ON_SCENE_MIN: f64 = MAX_DAYS * 24.0 * 60.0;

/// The longest side of a block of the built-in new area's core, metres (the default is 200).
const MAX_NEW_AREA_BLOCK_M: f64 = 10_000.0;

/// A log-normal on-scene time's largest spread, as a multiple of its mean.
const MAX_LOGNORMAL_CV: f64 = 1000.0;

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
    /// A `[demand.history]` that cannot be used (its mapping, or its CSV).
    #[error(transparent)]
    History(#[from] HistoryError),
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
    /// Layers reinforcement may come from; any when none.
    pub backup_layers: Option<Vec<Layer>>,
    pub on_scene: OnSceneTime,
    /// The cordon crews set up around the scene, for types whose suspects may flee.
    pub cordon: Option<Cordon>,
}

/// A checked unit: one crew in one vehicle, based at a post or a key point.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub name: String,
    /// The team it belongs to ("listed" for units listed one by one).
    pub team: String,
    pub layer: Layer,
    /// Index into the map's posts; none for a crew based at a key point.
    pub post: Option<usize>,
    /// The node of its base.
    pub home: NodeId,
    /// Name of its post or key point.
    pub base: String,
    pub crew_size: u32,
    /// Index into the scenario's shifts; none for a unit on duty around the clock.
    pub shift: Option<usize>,
    /// Patrol speed, km/h (line and surface layers).
    pub patrol_speed_kmh: f64,
    /// Zones it patrols in (its beat is cut from these).
    pub zones: Vec<u32>,
    /// A window (seconds from the start) outside which it is never on duty: the extra crews of
    /// a readiness level, the crews of a large event.
    pub window: Option<(f64, f64)>,
}

/// Extra calls at a venue during a large event.
#[derive(Debug, Clone, PartialEq)]
pub struct LargeEvent {
    pub name: String,
    pub venue: NodeId,
    pub start_s: f64,
    pub end_s: f64,
    pub extra_calls_per_hour: f64,
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
    /// Priority-1 calls may pre-empt units on scenes of calls of at least this priority number.
    pub preempt_from_priority: Option<u8>,
    /// Per zone (by index), the run card: unit indices in order of preference; none for
    /// nearest-available dispatch.
    pub run_cards: Vec<Option<Vec<u32>>>,
    /// Busy time is the on-scene draw, travel included; units are back at their post at once.
    pub service_includes_travel: bool,
    /// Who chooses the crews (`[dispatch] policy`).
    pub dispatch_policy: &'static crate::dispatch::Registration,
    /// Move-up (`[dispatch.move_up]`): idle crews re-posted when coverage falls; none: off.
    pub move_up: Option<MoveUp>,
    /// Calls per hour for each hour of the day.
    pub hourly_calls: [f64; 24],
    pub placement: CallPlacement,
    pub incident_types: Vec<IncidentType>,
    pub units: Vec<Unit>,
    /// The shifts of the day (empty when no `[force]` is given).
    pub shifts: Vec<Shift>,
    /// The staffing arithmetic per team (empty when no `[force]` is given).
    pub staffing: Vec<TeamStaffing>,
    pub large_events: Vec<LargeEvent>,
    /// The area's sealing ring, when measured.
    pub sealing: Option<Sealing>,
    /// The history replayed instead of drawn calls (`[demand.history]`).
    pub history: Option<Arc<HistoryReplay>>,
    /// The scenario text as read, kept with the results.
    pub source_toml: String,
    /// The files the scenario was read from, each with what it is (`s.toml's map.file`): no
    /// output may replace one of them.
    pub inputs: Vec<(String, PathBuf)>,
    /// The keys (and values) that size the map and the calls, which name them in a memory
    /// estimate.
    pub sized_by: SizedBy,
}

/// The scenario keys that size a run's memory, as written, for the estimate's messages.
#[derive(Debug, Clone, PartialEq)]
pub struct SizedBy {
    /// `map.grid.n = 100`, `map.file = "heidelberg.osm.pbf"`, ...
    pub map: (String, String),
    /// `demand.calls_per_hour = 20`, the busiest hour of `demand.hourly_profile`, or the
    /// history file.
    pub calls: (String, String),
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
        let mut scenario = Scenario::from_toml(&text, &label, base)?;
        scenario
            .inputs
            .insert(0, ("the scenario file".into(), path.to_path_buf()));
        Ok(scenario)
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
        let mut file: ScenarioFile =
            toml::from_str(text).map_err(|e| syntax_error(text, label, &e))?;
        // A history file is found from the scenario's folder, like map files.
        if let Some(path) = file.demand.history.as_mut().and_then(|h| h.file.as_mut()) {
            *path = base_dir.join(&*path);
        }
        let map = build_map(&file.map, label, base_dir)?;
        let inputs = input_files(&file, label, base_dir);
        let mut scenario = Scenario::compile(file, text, label, map)?;
        scenario.inputs = inputs;
        Ok(scenario)
    }

    /// Checks every value of a parsed file against `map` and builds the scenario.
    pub fn compile(
        file: ScenarioFile,
        text: &str,
        label: &str,
        map: RoadMap,
    ) -> Result<Scenario, ScenarioError> {
        let check = Checker { file: label };
        check_name(&check, &file.name)?;
        check.that(
            file.replications >= 1,
            "replications",
            file.replications,
            "must be >= 1",
        )?;
        check.that(
            file.replications <= MAX_REPLICATIONS,
            "replications",
            file.replications,
            "must be <= 400",
        )?;
        check.that(positive(file.days), "days", file.days, "must be > 0")?;
        // Bounded so that a typo (1e9 days) is an error, not a run that never ends.
        check.that(
            file.days <= MAX_DAYS,
            "days",
            file.days,
            "must be <= 36500 (100 years)",
        )?;
        check.that(
            file.warmup_hours.is_finite() && (0.0..=MAX_DAYS * 24.0).contains(&file.warmup_hours),
            "warmup_hours",
            file.warmup_hours,
            "must be >= 0 and <= 876000 (100 years)",
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
        check.that(
            delay <= 86_400.0,
            "dispatch.delay_s",
            delay,
            "must be <= 86400 (a day)",
        )?;
        if let Some(p) = file.dispatch.preempt_from_priority {
            check.that(
                (2..=9).contains(&p),
                "dispatch.preempt_from_priority",
                p,
                "must be 2 to 9 (priority-1 calls pre-empt calls of this priority or less urgent)",
            )?;
        }
        let incident_types = check_incident_types(&check, &file.incident_types, &map)?;
        let warmup_s = file.warmup_hours * 3600.0;
        let horizon_s = warmup_s + file.days * 86_400.0;
        let history = match &file.demand.history {
            Some(spec) => Some(Arc::new(check_history(
                &check,
                &file.demand,
                spec,
                &incident_types,
                &map,
                horizon_s,
            )?)),
            None => None,
        };
        let hourly_calls = match &history {
            Some(h) => h.hourly_calls(file.days + file.warmup_hours / 24.0),
            None => check_demand(&check, &file.demand)?,
        };
        let mut units = check_units(&check, &file, &map)?;
        let force = match &file.force {
            Some(force) => Some(
                compile_force(force, &map)
                    .map_err(|(key, value, rule)| check.invalid(key, value, rule))?,
            ),
            None => None,
        };
        if let Some(f) = &force {
            units.extend(
                f.crews
                    .iter()
                    .map(|c| force_unit(f, c, c.name.clone(), None)),
            );
        }
        units.extend(readiness_crews(
            &check,
            &file.readiness,
            force.as_ref(),
            &map,
        )?);
        let (large_events, event_crews) = check_large_events(&check, &file.large_events, &map)?;
        units.extend(event_crews);
        // Each source above is bounded alone; together they may still be too many.
        check.that(
            units.len() as u64 <= memory::MAX_CREWS,
            "units",
            format_args!("{} crews", units.len()),
            &format!(
                "more than the {} a scenario may have (every call looks through the free crews)",
                memory::MAX_CREWS
            ),
        )?;
        if units.is_empty() {
            return Err(check.invalid(
                "units",
                "0 units",
                "the force has no units: list [[units]], set [units_per_post] per_post >= 1, \
                 or give a [force] whose teams have at least one crew per shift",
            ));
        }
        // A set, not a scan of the earlier names: a force of a million crews is checked in a
        // second, not hours.
        let mut names = std::collections::HashSet::with_capacity(units.len());
        if let Some(u) = units.iter().find(|u| !names.insert(u.name.as_str())) {
            return Err(check.invalid("units", format!("{:?}", u.name), "unit name used twice"));
        }
        // A call needing more crews than the force has could never have them all on scene.
        if let Some((i, t)) = incident_types
            .iter()
            .enumerate()
            .find(|(_, t)| t.units_needed as usize > units.len())
        {
            return Err(check.invalid(
                format!("incident_types[{i}].units_needed"),
                t.units_needed,
                format!(
                    "the force has {} units in all: a call of this type could never have them all",
                    units.len()
                ),
            ));
        }
        let run_cards = check_run_cards(&check, &file.dispatch.run_cards, &map, &units)?;
        let dispatch_policy = check_dispatch_policy(&check, &file.dispatch)?;
        let move_up = file
            .dispatch
            .move_up
            .as_ref()
            .map(|m| move_up::check_move_up(&check, m, &map, &units))
            .transpose()?;
        let (shifts, staffing) = force.map_or((Vec::new(), Vec::new()), |f| (f.shifts, f.staffing));
        let sealing = file
            .sealing
            .as_ref()
            .map(|s| cordon::check_sealing(&check, s, &map))
            .transpose()?;
        let sized_by = SizedBy {
            map: map_key(&file.map),
            calls: calls_key(&file.demand),
        };
        let scenario = Scenario {
            output_dir: file
                .output_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("outputs").join(&file.name)),
            name: file.name,
            seed: file.seed,
            replications: file.replications,
            warmup_s,
            horizon_s,
            map: Arc::new(map),
            emergency_speed_factor: speed,
            dispatch_delay_s: delay,
            returning_position: file.dispatch.returning_position,
            preempt_from_priority: file.dispatch.preempt_from_priority,
            run_cards,
            service_includes_travel: file.dispatch.service_includes_travel,
            dispatch_policy,
            move_up,
            hourly_calls,
            placement: file.demand.placement,
            incident_types,
            units,
            shifts,
            staffing,
            large_events,
            sealing,
            history,
            source_toml: text.to_string(),
            inputs: Vec::new(),
            sized_by,
        };
        scenario
            .footprint()
            .run(scenario.replications, rayon::current_num_threads())
            .check(label)?;
        Ok(scenario)
    }

    /// What this scenario needs of memory, before replications and threads are counted (see
    /// [`memory`]). Worked out from the compiled figures: the map's nodes and segments, the
    /// crews and their bases, the calls a replication draws (their mean over the horizon,
    /// large events included, plus four standard deviations) or replays, the sealing ring's
    /// measurements.
    pub fn footprint(&self) -> memory::Footprint {
        let mut bases: Vec<NodeId> = self.units.iter().map(|u| u.home).collect();
        bases.sort_unstable();
        bases.dedup();
        let nodes = self.map.node_count() as u64;
        let arcs = self.map.graph.edge_count() as u64;
        let (map_bytes, scratch_bytes) = memory::map_bytes(nodes, arcs, bases.len() as u64);
        let days = self.horizon_s / 86_400.0;
        let base_calls = match &self.history {
            Some(h) => h.len() as f64,
            None => self.hourly_calls.iter().sum::<f64>() * days,
        };
        let event_calls = |e: &LargeEvent| {
            e.extra_calls_per_hour * (e.end_s.min(self.horizon_s) - e.start_s).max(0.0) / 3600.0
        };
        let busiest_event = self
            .large_events
            .iter()
            .enumerate()
            .max_by(|a, b| event_calls(a.1).total_cmp(&event_calls(b.1)));
        let calls_key = match busiest_event {
            Some((i, e)) if event_calls(e) > base_calls => (
                format!("large_events[{i}].extra_calls_per_hour"),
                e.extra_calls_per_hour.to_string(),
            ),
            _ => self.sized_by.calls.clone(),
        };
        let mean = base_calls + self.large_events.iter().map(event_calls).sum::<f64>();
        let call_count = (mean + 4.0 * mean.sqrt()).ceil().min(u64::MAX as f64) as u64;
        let crew_count = self.units.len() as u64;
        // The ring is measured at every sampled time of the counted period and at every
        // priority-1 call.
        let sealing = self.sealing.as_ref().map(|s| {
            let samples = ((self.horizon_s - self.warmup_s) / s.sample_every_s).ceil();
            let priority_1: f64 = self
                .incident_types
                .iter()
                .filter(|t| t.priority == 1)
                .map(|t| t.share)
                .sum();
            let measurements = samples + priority_1 * call_count as f64;
            memory::Need {
                what: "sealing measurements",
                key: "sealing.sample_every_min".into(),
                value: (s.sample_every_s / 60.0).to_string(),
                bytes: (measurements * memory::SEALING_BYTES as f64).min(u64::MAX as f64) as u64,
            }
        });
        memory::Footprint {
            map: memory::Need {
                what: "the map and its routing",
                key: self.sized_by.map.0.clone(),
                value: self.sized_by.map.1.clone(),
                bytes: map_bytes,
            },
            crews: memory::Need {
                what: "crews",
                key: "units".into(),
                value: format!("{crew_count} crews"),
                bytes: crew_count.saturating_mul(memory::CREW_BYTES),
            },
            crew_count,
            calls_key,
            call_count,
            units_per_call: self
                .incident_types
                .iter()
                .map(|t| t.share * f64::from(t.units_needed))
                .sum(),
            scratch_bytes,
            nodes,
            sealing,
        }
    }

    /// Whether `unit` is scheduled on duty at `time_s` (seconds since the start).
    pub fn on_duty_at(&self, unit: &Unit, time_s: f64) -> bool {
        self.duty_intervals(unit)
            .iter()
            .any(|&(a, b)| a <= time_s && time_s < b)
    }

    /// The intervals in which `unit` is scheduled on duty, from time 0 to the horizon: its
    /// shift day after day (or the whole run), within its window if it has one.
    pub fn duty_intervals(&self, unit: &Unit) -> Vec<(f64, f64)> {
        let (w0, w1) = unit.window.unwrap_or((0.0, self.horizon_s));
        let (w0, w1) = (w0.max(0.0), w1.min(self.horizon_s));
        let Some(shift) = unit.shift.map(|s| &self.shifts[s]) else {
            return if w1 > w0 { vec![(w0, w1)] } else { Vec::new() };
        };
        let mut out = Vec::new();
        let mut day = -1.0;
        while day * 86_400.0 < w1 {
            let start = day * 86_400.0 + shift.start_s;
            let (a, b) = (start.max(w0), (start + shift.duration_s).min(w1));
            if b > a {
                out.push((a, b));
            }
            day += 1.0;
        }
        out
    }

    /// Simulated seconds that count (after the warm-up).
    pub fn counted_s(&self) -> f64 {
        self.horizon_s - self.warmup_s
    }
}

/// The files `file` names (map sources, cache, zones, history), found from `base_dir`, each
/// with its key (`s.toml's map.file`).
fn input_files(file: &ScenarioFile, label: &str, base_dir: &Path) -> Vec<(String, PathBuf)> {
    let map = &file.map;
    let csv = map.csv.as_ref();
    let keyed = [
        ("map.file", map.file.as_ref()),
        ("map.cache", map.cache.as_ref()),
        ("map.zones", map.zones.as_ref()),
        ("map.csv.nodes", csv.map(|c| &c.nodes)),
        ("map.csv.edges", csv.map(|c| &c.edges)),
        ("map.csv.posts", csv.and_then(|c| c.posts.as_ref())),
        (
            "map.csv.key_points",
            csv.and_then(|c| c.key_points.as_ref()),
        ),
        (
            "map.csv.checkpoints",
            csv.and_then(|c| c.checkpoints.as_ref()),
        ),
    ];
    let history = file.demand.history.as_ref().and_then(|h| h.file.clone());
    keyed
        .into_iter()
        .filter_map(|(key, path)| Some((key, base_dir.join(path?))))
        // The history's path was already found from the scenario's folder.
        .chain(history.map(|p| ("demand.history.file", p)))
        .map(|(key, path)| (format!("{label}'s {key}"), path))
        .collect()
}

/// A TOML error in `text` as one line: the file, the line and its text, then what is wrong (the
/// key is in toml's message).
pub fn syntax_error(text: &str, label: &str, e: &toml::de::Error) -> ScenarioError {
    let place = e.span().map_or(String::new(), |span| {
        let before = &text[..span.start];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let (line_text, spanned) = (text[start..end].trim(), text[span.clone()].trim());
        let quoted = cut(line_text);
        if span.start == 0 && (spanned.is_empty() || spanned.contains('\n')) {
            String::new() // the whole file (a missing key at the top)
        } else if spanned.contains('\n') || line_text.is_empty() {
            format!("line {line}: ") // a whole table (a missing key in it)
        } else {
            format!("line {line}: `{quoted}`: ")
        }
    });
    ScenarioError::Syntax {
        file: label.to_string(),
        message: format!("{place}{}", cut_quoted(e.message().trim_end())),
    }
}

/// A scenario's name is a name, not a path: it names the output folder `outputs/<name>`, so it
/// is at most 100 characters and 255 bytes (a folder name's limit).
fn check_name(check: &Checker, name: &str) -> Result<(), ScenarioError> {
    let rule = if name.trim().is_empty() {
        "must not be empty"
    } else if name.contains(['/', '\\']) {
        "is a name, not a path: no / or \\ (set output_dir to choose the output folder)"
    } else if name == "." || name == ".." {
        "is a name, not a path: not . or .."
    } else if name.chars().any(char::is_control) {
        "must not contain control characters (NUL, newline, tab)"
    } else if name.chars().count() > 100 || name.len() > 255 {
        "must be at most 100 characters (and 255 bytes)"
    } else {
        return Ok(());
    };
    Err(check.invalid("name", format!("{name:?}"), rule))
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
            value: cut_quoted(&value.to_string()).into_owned(),
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

/// The key and value that size the map of `section`.
fn map_key(section: &MapSection) -> (String, String) {
    if let Some(grid) = &section.grid {
        ("map.grid.n".into(), grid.n.to_string())
    } else if let Some(area) = &section.new_area {
        (
            "map.new_area.core_blocks".into(),
            area.core_blocks.to_string(),
        )
    } else if let Some(csv) = &section.csv {
        ("map.csv.nodes".into(), format!("{:?}", csv.nodes))
    } else {
        let file = section.file.as_deref().unwrap_or(Path::new(""));
        ("map.file".into(), format!("{file:?}"))
    }
}

/// The key and value that size the calls of `demand`: the rate, the busiest hour of the
/// profile, or the history file.
fn calls_key(demand: &DemandSection) -> (String, String) {
    if let Some(h) = &demand.history {
        let file = h.file.as_deref().unwrap_or(Path::new(""));
        return ("demand.history.file".into(), format!("{file:?}"));
    }
    match (demand.calls_per_hour, &demand.hourly_profile) {
        (Some(rate), _) => ("demand.calls_per_hour".into(), rate.to_string()),
        (None, Some(profile)) => {
            let (hour, rate) = profile
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or((0, 0.0), |(h, &r)| (h, r));
            (format!("demand.hourly_profile[{hour}]"), rate.to_string())
        }
        (None, None) => ("demand".into(), "(no rate)".into()),
    }
}

/// Refuses a generated map of `nodes` nodes and `arcs` segments before it is made, when the
/// model over it alone would need more memory than the limit.
fn refuse_generated_map(
    label: &str,
    (key, value): (String, String),
    nodes: u64,
    arcs: u64,
) -> Result<(), ScenarioError> {
    let (model, scratch) = memory::map_bytes(nodes, arcs, 1);
    memory::Estimate {
        of: format!("its {nodes} nodes alone"),
        needs: vec![memory::Need {
            what: "the map and its routing",
            key,
            value,
            bytes: model.saturating_add(scratch),
        }],
    }
    .check(label)
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
        check.that(
            MapFileKind::of(cache).is_ok_and(|k| k == MapFileKind::Binary),
            "map.cache",
            cache,
            "must name a binary map file ending .pmap (it is written over, so it is never the \
             map's source)",
        )?;
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
        let n = u64::from(grid.n);
        refuse_generated_map(label, map_key(section), n * n, 4 * n * (n - 1))?;
        // Node ids are u32: n² must fit, whatever the memory.
        check.that(
            grid.n < 65_536,
            "map.grid.n",
            grid.n,
            "must be < 65536 (n x n nodes)",
        )?;
        grid_map(grid)
    } else {
        let area = section.new_area.as_ref().expect("one source is given");
        check.that(
            positive(area.block_m) && area.block_m <= MAX_NEW_AREA_BLOCK_M,
            "map.new_area.block_m",
            area.block_m,
            "must be > 0 and <= 10000 (metres)",
        )?;
        check.that(
            area.jitter_m.is_finite() && (0.0..=area.block_m / 2.0).contains(&area.jitter_m),
            "map.new_area.jitter_m",
            area.jitter_m,
            "must be in 0 to half of map.new_area.block_m",
        )?;
        check.that(
            (0.0..=1.0).contains(&area.drop_share),
            "map.new_area.drop_share",
            area.drop_share,
            "must be in 0 to 1",
        )?;
        let (nodes, key, value) = new_area_node_bound(area);
        let key = (format!("map.new_area.{key}"), value);
        refuse_generated_map(label, key, nodes, nodes.saturating_mul(4))?;
        new_area_map(area)
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

/// A call rate is at most [`MAX_CALLS_PER_HOUR`].
fn check_rate(check: &Checker, key: impl Display, rate: f64) -> Result<(), ScenarioError> {
    check.that(
        rate <= MAX_CALLS_PER_HOUR,
        key,
        rate,
        "must be <= 10000 (calls an hour)",
    )
}

fn check_demand(check: &Checker, d: &DemandSection) -> Result<[f64; 24], ScenarioError> {
    match (d.calls_per_hour, &d.hourly_profile) {
        (Some(rate), None) => {
            check.that(positive(rate), "demand.calls_per_hour", rate, "must be > 0")?;
            check_rate(check, "demand.calls_per_hour", rate)?;
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
                check_rate(check, format_args!("demand.hourly_profile[{h}]"), r)?;
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

/// Reads and places the history of `[demand.history]`; a history replaces the call rates.
fn check_history(
    check: &Checker,
    demand: &DemandSection,
    spec: &crate::history::HistorySpec,
    types: &[IncidentType],
    map: &RoadMap,
    horizon_s: f64,
) -> Result<HistoryReplay, ScenarioError> {
    if let Some(rate) = demand.calls_per_hour {
        return Err(check.invalid(
            "demand.calls_per_hour",
            rate,
            "not used with [demand.history]: the history gives the calls",
        ));
    }
    if demand.hourly_profile.is_some() {
        return Err(check.invalid(
            "demand.hourly_profile",
            "[...]",
            "not used with [demand.history]: the history gives the calls",
        ));
    }
    let Some(path) = &spec.file else {
        return Err(check.invalid(
            "demand.history.file",
            "(none)",
            "give the CSV file of calls",
        ));
    };
    let names: Vec<String> = types.iter().map(|t| t.name.clone()).collect();
    let history = import_history(path, spec, check.file, "demand.history.", map, Some(&names))?;
    let replay = HistoryReplay::new(
        history,
        spec.start.as_deref(),
        horizon_s,
        check.file,
        "demand.history.start",
    )?;
    check.that(
        !replay.is_empty(),
        "demand.history.start",
        replay.start,
        "no call of the history falls in the simulated period (start, plus warmup_hours and days)",
    )?;
    Ok(replay)
}

fn check_incident_types(
    check: &Checker,
    types: &[IncidentTypeSection],
    map: &RoadMap,
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
        let at_most_100_years = |field: &str, minutes: f64| {
            check.that(
                minutes <= MAX_ON_SCENE_MIN,
                key(field),
                minutes,
                "must be <= 52560000 (100 years)",
            )
        };
        let above_zero = |field: &str, minutes: f64| {
            check.that(positive(minutes), key(field), minutes, "must be > 0")?;
            at_most_100_years(field, minutes)
        };
        let on_scene = match t.on_scene {
            OnSceneSection::Lognormal { mean_min, sd_min } => {
                above_zero("on_scene.mean_min", mean_min)?;
                above_zero("on_scene.sd_min", sd_min)?;
                // Bounded so that the log-normal's parameters are finite.
                check.that(
                    sd_min <= MAX_LOGNORMAL_CV * mean_min,
                    key("on_scene.sd_min"),
                    sd_min,
                    "must be <= 1000 x on_scene.mean_min",
                )?;
                OnSceneTime::LogNormal {
                    mean_s: mean_min * 60.0,
                    sd_s: sd_min * 60.0,
                }
            }
            OnSceneSection::Exponential { mean_min } => {
                above_zero("on_scene.mean_min", mean_min)?;
                OnSceneTime::Exponential {
                    mean_s: mean_min * 60.0,
                }
            }
            OnSceneSection::Fixed { mean_min } => {
                above_zero("on_scene.mean_min", mean_min)?;
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
            backup_layers: t.backup_layers.clone(),
            on_scene,
            cordon: t
                .cordon
                .as_ref()
                .map(|c| cordon::check_cordon(check, i, c, map))
                .transpose()?,
        });
    }
    let total: f64 = types.iter().map(|t| t.share).sum();
    check.that(
        (total - 1.0).abs() <= 1e-6,
        "incident_types[*].share",
        // Rounded to 1e-9 so that 0.2 + 0.7 reads 0.9, not 0.8999999999999999.
        format!("sum {}", (total * 1e9).round() / 1e9),
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
        units.push(listed_unit(map, u.name.clone(), post, u.crew_size, u.layer));
    }
    if let Some(bulk) = &file.units_per_post {
        check.that(
            bulk.crew_size >= 1,
            "units_per_post.crew_size",
            bulk.crew_size,
            "must be >= 1",
        )?;
        // Bounded before crews are made: a typo must not fill the memory.
        check.that(
            bulk.per_post <= 1000,
            "units_per_post.per_post",
            bulk.per_post,
            "must be <= 1000",
        )?;
        let crews = u64::from(bulk.per_post) * map.posts.len() as u64;
        if let Some(rule) = memory::crews_refusal(crews, units.len() as u64) {
            return Err(check.invalid("units_per_post.per_post", bulk.per_post, rule));
        }
        for (post, p) in map.posts.iter().enumerate() {
            if bulk.kinds.as_ref().is_some_and(|k| !k.contains(&p.kind)) {
                continue;
            }
            for k in 0..bulk.per_post {
                let name = if bulk.per_post == 1 {
                    format!("{}/u", p.name)
                } else {
                    format!("{}/u{}", p.name, k + 1)
                };
                units.push(listed_unit(map, name, post, bulk.crew_size, Layer::Standby));
            }
        }
    }
    Ok(units)
}

/// A unit on duty around the clock at post `post`, patrolling its post's zone.
fn listed_unit(map: &RoadMap, name: String, post: usize, crew_size: u32, layer: Layer) -> Unit {
    let p = &map.posts[post];
    Unit {
        name,
        team: "listed".into(),
        layer,
        post: Some(post),
        home: p.node,
        base: p.name.clone(),
        crew_size,
        shift: None,
        patrol_speed_kmh: match layer {
            Layer::Surface => 12.0,
            _ => 30.0,
        },
        zones: vec![map.node(p.node).zone],
        window: None,
    }
}

/// The dispatch policy the scenario names (or the default), which must be registered and have
/// what it needs.
fn check_dispatch_policy(
    check: &Checker,
    d: &DispatchSection,
) -> Result<&'static crate::dispatch::Registration, ScenarioError> {
    let has_cards = !d.run_cards.is_empty();
    let Some(name) = &d.policy else {
        return Ok(crate::dispatch::default_policy(has_cards));
    };
    let policy = crate::dispatch::policy(name).ok_or_else(|| {
        check.invalid(
            "dispatch.policy",
            format!("{name:?}"),
            format!(
                "no such policy (there are {})",
                crate::dispatch::policy_names()
            ),
        )
    })?;
    check.that(
        policy.needs_run_cards == has_cards,
        "dispatch.policy",
        name,
        if has_cards {
            "run cards are given: use policy = \"run_cards\" (or give none)"
        } else {
            "needs dispatch.run_cards"
        },
    )?;
    Ok(policy)
}

/// Run cards by zone index, with unit names resolved to indices.
fn check_run_cards(
    check: &Checker,
    cards: &[RunCardSection],
    map: &RoadMap,
    units: &[Unit],
) -> Result<Vec<Option<Vec<u32>>>, ScenarioError> {
    let mut out = vec![None; map.zones.len()];
    for (i, card) in cards.iter().enumerate() {
        let key = format!("dispatch.run_cards[{i}]");
        let zone = map
            .zones
            .iter()
            .position(|z| z.name == card.zone)
            .ok_or_else(|| {
                check.invalid(
                    format!("{key}.zone"),
                    format!("{:?}", card.zone),
                    "no such zone",
                )
            })?;
        check.that(
            out[zone].is_none(),
            format!("{key}.zone"),
            &card.zone,
            "has two run cards",
        )?;
        check.that(
            !card.units.is_empty(),
            format!("{key}.units"),
            "[]",
            "must list units",
        )?;
        let indices = card
            .units
            .iter()
            .enumerate()
            .map(|(j, name)| {
                units
                    .iter()
                    .position(|u| &u.name == name)
                    .map(|u| u as u32)
                    .ok_or_else(|| {
                        check.invalid(
                            format!("{key}.units[{j}]"),
                            format!("{name:?}"),
                            "no such unit",
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        out[zone] = Some(indices);
    }
    Ok(out)
}

/// The unit of a force crew, named `name`, on duty only within `window` when given.
fn force_unit(f: &CompiledForce, c: &ForceCrew, name: String, window: Option<(f64, f64)>) -> Unit {
    Unit {
        name,
        team: f.staffing[c.team].team.clone(),
        layer: c.layer,
        post: c.post,
        home: c.base,
        base: c.base_name.clone(),
        crew_size: f.staffing[c.team].crew_size,
        shift: Some(c.shift),
        patrol_speed_kmh: c.patrol_speed_kmh,
        zones: c.zones.clone(),
        window,
    }
}

/// Checks a `start_h` / `hours` pair and returns the window in seconds.
fn check_window(
    check: &Checker,
    key: &str,
    start_h: f64,
    hours: f64,
) -> Result<(f64, f64), ScenarioError> {
    check.that(
        start_h.is_finite() && start_h >= 0.0,
        format_args!("{key}.start_h"),
        start_h,
        "must be >= 0",
    )?;
    check.that(
        positive(hours),
        format_args!("{key}.hours"),
        hours,
        "must be > 0",
    )?;
    Ok((start_h * 3600.0, (start_h + hours) * 3600.0))
}

/// The extra crews of each readiness window: for every team and shift, (factor − 1) × its crews
/// per shift, rounded, on duty only in the window; extra standby crews wait at the
/// pre-positioning key points when given.
fn readiness_crews(
    check: &Checker,
    windows: &[ReadinessSection],
    force: Option<&CompiledForce>,
    map: &RoadMap,
) -> Result<Vec<Unit>, ScenarioError> {
    let mut out = Vec::new();
    for (i, w) in windows.iter().enumerate() {
        let key = format!("readiness[{i}]");
        if windows[..i].iter().any(|o| o.name == w.name) {
            return Err(check.invalid(
                format!("{key}.name"),
                format!("{:?}", w.name),
                "an earlier readiness window has this name",
            ));
        }
        let Some(f) = force else {
            return Err(check.invalid(&key, &w.name, "readiness levels need a [force]"));
        };
        check.that(
            (1..=4).contains(&w.level),
            format_args!("{key}.level"),
            w.level,
            "must be 1 to 4",
        )?;
        check.that(
            w.on_duty_factor.is_finite() && w.on_duty_factor >= 1.0,
            format_args!("{key}.on_duty_factor"),
            w.on_duty_factor,
            "must be >= 1",
        )?;
        let window = check_window(check, &key, w.start_h, w.hours)?;
        let mut points = Vec::new();
        for (j, name) in w.preposition.iter().enumerate() {
            let k = map
                .key_points
                .iter()
                .find(|k| &k.name == name)
                .ok_or_else(|| {
                    check.invalid(
                        format!("{key}.preposition[{j}]"),
                        format!("{name:?}"),
                        format!("no such key point on map `{}`", map.name),
                    )
                })?;
            points.push((k.node, k.name.clone()));
        }
        let extra_of = |team: &TeamStaffing| {
            ((w.on_duty_factor - 1.0) * f64::from(team.crews_per_shift)).round() as u64
        };
        // Counted before they are made: a factor of 1e308 must not fill the memory.
        let made = f.staffing.iter().fold(0u64, |sum, team| {
            sum.saturating_add(extra_of(team).saturating_mul(f.shifts.len() as u64))
        });
        if let Some(rule) = memory::crews_refusal(made, out.len() as u64) {
            return Err(check.invalid(
                format!("{key}.on_duty_factor"),
                format!("{:?}", w.on_duty_factor),
                rule,
            ));
        }
        for (t, team) in f.staffing.iter().enumerate() {
            let extra = extra_of(team) as usize;
            for s in 0..f.shifts.len() {
                let regular: Vec<&ForceCrew> = f
                    .crews
                    .iter()
                    .filter(|c| c.team == t && c.shift == s)
                    .collect();
                for k in 0..extra {
                    let c = regular[k % regular.len()];
                    let name = format!("{}/{}/{}+{}", team.team, f.shifts[s].name, w.name, k + 1);
                    let mut unit = force_unit(f, c, name, Some(window));
                    if c.layer == Layer::Standby && !points.is_empty() {
                        let (node, base) = points[k % points.len()].clone();
                        (unit.home, unit.base, unit.post) = (node, base, None);
                    }
                    out.push(unit);
                }
            }
        }
    }
    Ok(out)
}

/// Checks large events; returns them and their dedicated crews (point layer, at the venue, on
/// duty for the event).
fn check_large_events(
    check: &Checker,
    events: &[LargeEventSection],
    map: &RoadMap,
) -> Result<(Vec<LargeEvent>, Vec<Unit>), ScenarioError> {
    let mut out = Vec::new();
    let mut crews = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let key = format!("large_events[{i}]");
        if events[..i].iter().any(|o| o.name == e.name) {
            return Err(check.invalid(
                format!("{key}.name"),
                format!("{:?}", e.name),
                "an earlier large event has this name",
            ));
        }
        let venue = map
            .key_points
            .iter()
            .map(|k| (&k.name, k.node))
            .chain(map.posts.iter().map(|p| (&p.name, p.node)))
            .find(|(name, _)| **name == e.venue)
            .map(|(_, node)| node)
            .ok_or_else(|| {
                check.invalid(
                    format!("{key}.venue"),
                    format!("{:?}", e.venue),
                    format!("no such key point or post on map `{}`", map.name),
                )
            })?;
        check.that(
            e.extra_calls_per_hour.is_finite() && e.extra_calls_per_hour >= 0.0,
            format_args!("{key}.extra_calls_per_hour"),
            e.extra_calls_per_hour,
            "must be >= 0",
        )?;
        check_rate(
            check,
            format_args!("{key}.extra_calls_per_hour"),
            e.extra_calls_per_hour,
        )?;
        let (start_s, end_s) = check_window(check, &key, e.start_h, e.hours)?;
        check.that(
            e.dedicated_crews <= 1000,
            format_args!("{key}.dedicated_crews"),
            e.dedicated_crews,
            "must be <= 1000",
        )?;
        for k in 0..e.dedicated_crews {
            crews.push(Unit {
                name: format!("{}/{}", e.name, k + 1),
                team: e.name.clone(),
                layer: Layer::Point,
                post: None,
                home: venue,
                base: e.venue.clone(),
                crew_size: 2,
                shift: None,
                patrol_speed_kmh: 0.0,
                zones: vec![map.node(venue).zone],
                window: Some((start_s, end_s)),
            });
        }
        out.push(LargeEvent {
            name: e.name.clone(),
            venue,
            start_s,
            end_s,
            extra_calls_per_hour: e.extra_calls_per_hour,
        });
    }
    Ok((out, crews))
}

//! The scenario file as written: TOML parsed by serde into these structs. Unknown keys are
//! errors. Nothing here is checked beyond types; [`super::Scenario::compile`] checks values.

use super::force::{ForceSection, Layer};
use crate::history::HistorySpec;
use crate::map::{CsvMapSpec, GridSpec, NewAreaSpec, PostKind};
use serde::Deserialize;
use std::path::PathBuf;

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Name of the scenario; outputs go to `outputs/<name>/` unless `output_dir` says otherwise.
    pub name: String,
    /// Base seed of every random stream.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Independent replications, each with its own streams derived from (seed, replication).
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Simulated days that count, after the warm-up.
    pub days: f64,
    /// Simulated hours before counting starts; calls in them are not reported.
    #[serde(default = "default_warmup_hours")]
    pub warmup_hours: f64,
    /// Where results go; relative paths are taken from the working folder.
    pub output_dir: Option<PathBuf>,
    pub map: MapSection,
    #[serde(default)]
    pub routing: RoutingSection,
    #[serde(default)]
    pub dispatch: DispatchSection,
    pub demand: DemandSection,
    pub incident_types: Vec<IncidentTypeSection>,
    /// Explicitly listed units.
    #[serde(default)]
    pub units: Vec<UnitSection>,
    /// Units placed at posts in bulk, after the listed ones.
    pub units_per_post: Option<UnitsPerPostSection>,
    /// The force as the plan states it; its crews come after the units above.
    pub force: Option<ForceSection>,
    /// Windows of raised readiness (needs a `[force]`).
    #[serde(default)]
    pub readiness: Vec<ReadinessSection>,
    /// Large events: extra calls at a venue, and crews dedicated to it.
    #[serde(default)]
    pub large_events: Vec<LargeEventSection>,
    /// The 10-minute sealing ring of the whole area, measured at priority-1 calls and at
    /// sampled times.
    pub sealing: Option<SealingSection>,
}

/// The area's sealing ring (10-minute 封控圈): which exits, and how often to measure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealingSection {
    /// `checkpoints` (the map's), `zones` (roads leaving the listed zones) or `listed`.
    #[serde(default = "default_sealing_ring")]
    pub ring: String,
    /// `zones`: the zones that make the area.
    pub zones: Option<Vec<String>>,
    /// `listed`: the exits' node ids (the map's source ids).
    pub exits: Option<Vec<crate::map::SourceId>>,
    /// Minutes between measurements at sampled times (from the end of the warm-up).
    #[serde(default = "default_sample_every_min")]
    pub sample_every_min: f64,
}

fn default_sealing_ring() -> String {
    "checkpoints".into()
}

fn default_sample_every_min() -> f64 {
    60.0
}

/// A window of raised readiness (三(十一)): more of the roll on duty, emergency crews moved
/// to key points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadinessSection {
    pub name: String,
    /// 1 is the highest level.
    pub level: u8,
    /// Start, hours from the start of the run (warm-up included).
    pub start_h: f64,
    pub hours: f64,
    /// Crews on duty of every team are multiplied by this (extra crews come on).
    pub on_duty_factor: f64,
    /// Key points where the extra crews of standby teams (the emergency team) wait.
    #[serde(default)]
    pub preposition: Vec<String>,
}

/// A large event (三(十二)): extra calls at a venue for a while, and dedicated crews there.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LargeEventSection {
    pub name: String,
    /// A key point or post of the map.
    pub venue: String,
    /// Start, hours from the start of the run (warm-up included).
    pub start_h: f64,
    pub hours: f64,
    /// Calls per hour at the venue on top of the usual demand (type mix as usual).
    pub extra_calls_per_hour: f64,
    /// Crews (point layer) on duty at the venue for the event.
    #[serde(default)]
    pub dedicated_crews: u32,
}

fn default_seed() -> u64 {
    1
}
fn default_replications() -> u32 {
    1
}
fn default_warmup_hours() -> f64 {
    24.0
}

/// Where the map comes from: exactly one of a file, CSV tables or a generator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapSection {
    /// A map file, relative to the scenario file's folder: a JSON (`.json`) or binary
    /// (`.pmap`) map file, or OpenStreetMap data (`.osm.pbf`, `.pbf`, `.osm`, `.osm.gz`).
    pub file: Option<PathBuf>,
    /// Residents of an area imported from OpenStreetMap (its single zone).
    pub population: Option<u64>,
    /// Binary map file (relative to the scenario file's folder) caching the import of
    /// OpenStreetMap data; rebuilt when the data or the import options change.
    pub cache: Option<PathBuf>,
    /// GeoJSON zones (Polygon / MultiPolygon features with `name` and `population`),
    /// relative to the scenario file's folder; they replace the map's zones.
    pub zones: Option<PathBuf>,
    /// Kiosks to add by greedy p-centre placement (`auto-1`, `auto-2`, ...), after the map's
    /// own posts.
    pub auto_posts: Option<u32>,
    /// A CSV map: node and edge tables, optional tables of places.
    pub csv: Option<CsvMapSpec>,
    /// The SPEC benchmark grid.
    pub grid: Option<GridSpec>,
    /// The built-in new area.
    pub new_area: Option<NewAreaSpec>,
}

/// How travel times are derived from the map.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingSection {
    /// Emergency driving: a multiplier on every segment's free-flow speed.
    #[serde(default = "one")]
    pub emergency_speed_factor: f64,
}

impl Default for RoutingSection {
    fn default() -> Self {
        RoutingSection {
            emergency_speed_factor: 1.0,
        }
    }
}

fn one() -> f64 {
    1.0
}

/// Where a unit counts as being while it drives back to its post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnPosition {
    /// At its true place on the route home, computed when asked.
    OnRoute,
    /// At the scene it left, until it is home (the SPEC benchmark's rule).
    LastScene,
}

/// The 110 command centre's rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchSection {
    /// Call taking plus assignment, seconds.
    #[serde(default = "default_delay_s")]
    pub delay_s: f64,
    #[serde(default = "default_return_position")]
    pub returning_position: ReturnPosition,
    /// Priority-1 calls short of units may take units working scenes of calls of this priority
    /// or less urgent ones (e.g. 3); no pre-emption when absent.
    pub preempt_from_priority: Option<u8>,
    /// Run cards: per zone, the units to send in order of preference (instead of the nearest
    /// available); calls in zones without a card get the nearest available units.
    #[serde(default)]
    pub run_cards: Vec<RunCardSection>,
    /// The hypercube queueing model's assumption: a unit's whole busy time (travel included)
    /// is the on-scene draw, and a unit that clears is back at its post at once.
    #[serde(default)]
    pub service_includes_travel: bool,
    /// The dispatch policy by name (`crate::dispatch::POLICIES`); absent: `run_cards` when
    /// run cards are given, else `nearest`.
    pub policy: Option<String>,
    /// Move-up: idle crews re-posted when coverage falls; off when absent.
    pub move_up: Option<MoveUpSection>,
}

/// `[dispatch.move_up]`: when the share of the demand that a free crew can reach within the
/// 5-minute promise falls below `threshold`, the free crews of `layers` are re-posted to the
/// compliance table's places for their number.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveUpSection {
    /// Share of the demand (0 to 1) covered below which crews are moved.
    pub threshold: f64,
    /// The layers whose free crews may be moved; absent: line, surface and standby.
    pub layers: Option<Vec<Layer>>,
    /// The compliance table: row k (from 1) lists the k places where k free crews should
    /// stand, post names or node ids; absent: computed from the map and the demand.
    pub table: Option<Vec<Vec<StandPlace>>>,
}

/// A place in a compliance table: a post by name, or a node by its id (the map's source id).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum StandPlace {
    Node(crate::map::SourceId),
    Post(String),
}

impl std::fmt::Display for StandPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StandPlace::Node(id) => write!(f, "{id}"),
            StandPlace::Post(name) => write!(f, "{name:?}"),
        }
    }
}

/// One zone's run card.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunCardSection {
    pub zone: String,
    /// Unit names, most preferred first.
    pub units: Vec<String>,
}

impl Default for DispatchSection {
    fn default() -> Self {
        DispatchSection {
            delay_s: default_delay_s(),
            returning_position: default_return_position(),
            preempt_from_priority: None,
            run_cards: Vec::new(),
            service_includes_travel: false,
            policy: None,
            move_up: None,
        }
    }
}

fn default_delay_s() -> f64 {
    60.0
}
fn default_return_position() -> ReturnPosition {
    ReturnPosition::OnRoute
}

/// How calls are placed on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallPlacement {
    /// A zone with probability proportional to its population, then one of its nodes uniformly.
    Population,
    /// Any node, uniformly.
    Uniform,
}

/// When and where calls come.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSection {
    /// A flat rate, calls per hour.
    pub calls_per_hour: Option<f64>,
    /// Calls per hour for each hour of the day, 0 to 23.
    pub hourly_profile: Option<Vec<f64>>,
    #[serde(default = "default_placement")]
    pub placement: CallPlacement,
    /// Replay a history of real calls instead of drawing calls (`[demand.history]`).
    pub history: Option<HistorySpec>,
}

fn default_placement() -> CallPlacement {
    CallPlacement::Population
}

/// A kind of incident.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentTypeSection {
    pub name: String,
    /// 1 is the most urgent.
    pub priority: u8,
    /// Share of all calls; the shares sum to 1.
    pub share: f64,
    /// Units needed on scene in all (first unit plus reinforcement).
    #[serde(default = "default_units_needed")]
    pub units_needed: u32,
    /// Layers the reinforcement (every unit after the first) may come from; any when absent.
    pub backup_layers: Option<Vec<Layer>>,
    pub on_scene: OnSceneSection,
    /// The cordon crews set up around the scene, for types that need one.
    pub cordon: Option<CordonSection>,
}

/// An incident type's cordon (包围圈): the ring, the suspect and how long crews hold it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CordonSection {
    /// How the ring is drawn: `reach`, `zone` or `listed`.
    pub ring: String,
    /// `reach`: minutes of the suspect's driving the ring encloses; searched when absent.
    pub reach_min: Option<f64>,
    /// `reach` searched: the widest radius tried, whole minutes.
    #[serde(default = "default_search_max_min")]
    pub search_max_min: u32,
    /// `listed`: the exits' node ids (the map's source ids).
    pub exits: Option<Vec<crate::map::SourceId>>,
    /// The share of the type's calls whose suspect flees by car: only they get a cordon.
    #[serde(default = "default_cordon_share")]
    pub share: f64,
    /// The layers whose free crews may hold exits, after the crews based at checkpoints; all
    /// layers when absent.
    pub layers: Option<Vec<Layer>>,
    /// Whether a priority-1 call that would otherwise wait takes crews off the cordon.
    #[serde(default = "yes")]
    pub release_for_priority_1: bool,
    /// The suspect's speed as a multiple of the roads' free-flow speed.
    #[serde(default = "one")]
    pub suspect_speed_factor: f64,
    /// Minutes between the suspect leaving the scene and the call.
    #[serde(default)]
    pub head_start_min: f64,
    /// Minutes the cordon stands from its order: its crews hold their exits until then.
    pub holding_min: f64,
}

fn default_search_max_min() -> u32 {
    20
}

/// One call in five of a cordon type has a suspect fleeing by car (see the README's cordon
/// section for why).
fn default_cordon_share() -> f64 {
    0.2
}

fn yes() -> bool {
    true
}

fn default_units_needed() -> u32 {
    1
}

/// Distribution of the time a unit spends on scene, in minutes.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
pub enum OnSceneSection {
    Lognormal { mean_min: f64, sd_min: f64 },
    Exponential { mean_min: f64 },
    Fixed { mean_min: f64 },
}

/// One listed unit (one crew in one vehicle).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSection {
    pub name: String,
    /// Name of the post (in the map) the unit works from.
    pub post: String,
    #[serde(default = "default_crew_size")]
    pub crew_size: u32,
    /// How it spends idle time; listed units wait at their post by default.
    #[serde(default = "standby")]
    pub layer: Layer,
}

fn standby() -> Layer {
    Layer::Standby
}

/// Units at every post (or every post of the given kinds).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitsPerPostSection {
    pub per_post: u32,
    #[serde(default = "default_crew_size")]
    pub crew_size: u32,
    /// Only posts of these kinds; all posts when absent.
    pub kinds: Option<Vec<PostKind>>,
}

fn default_crew_size() -> u32 {
    2
}

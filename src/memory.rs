//! The memory a command needs, estimated from the scenario before anything large is allocated,
//! and the limit it must stay under: `--max-memory` when given, else what the machine has
//! available (`MemAvailable` in /proc/meminfo, lowered to a cgroup's `memory.max` where one is
//! set).
//!
//! An estimate is a sum of [`Need`]s, each named by the scenario key that drives it (the
//! grid's `n`, a call rate, a team's ratio) so that a refusal can say which value to change.
//! The figures per node, arc, crew and call below were set from the structures' sizes and
//! checked against the peak resident memory (`/usr/bin/time -v`, maximum resident set size)
//! of real runs on this 2-core machine, 2026-12-03, every table and the GIS layers written, no
//! report (`--no-report`):
//!
//! | run | estimate (`check`) | peak RSS |
//! |---|---|---|
//! | default scenario (740 nodes, 289 crews), 4 replications × 29 days, 2 threads | 62 MiB | 52 MiB |
//! | bench-grid-small (50 × 50), 1 replication × 365 days | 102 MiB | 74 MiB |
//! | bench-grid-city (200 × 200), 1 × 365 days | 427 MiB | 266 MiB |
//! | bench-grid-large (500 × 500), 1 × 30 days | 1.6 GiB | 1,056 MiB |
//! | Heidelberg (OpenStreetMap, 12,628 nodes, 12 posts), 4 × 29 days, 2 threads | 124 MiB | 99 MiB |
//! | sweep of 100 × 10 points of a tiny grid × 2 replications (sweep estimate) | 153 MiB | 117 MiB |
//! | tiny grid, its sealing ring sampled every minute, 2 × 365 days, 2 threads | 224 MiB | 158 MiB |
//!
//! Most of bench-grid-large's peak is the GIS layer of its 250,000 nodes, built as one JSON
//! document ([`LAYER_NODE_BYTES`]).
//!
//! The estimate is meant to be an upper bound give or take: where a structure may or may not
//! be built (a distance table, anchors), it is counted.

use crate::scenario::ScenarioError;
use std::fmt;
use std::sync::OnceLock;

/// What every run holds whatever its scenario: the program, the table writers' batches.
pub const FIXED_BYTES: u64 = 48 << 20;

/// A road node held by a model: the map's node and its source-id index, the search graph's
/// offsets, landmark row (64 bytes) and the demand's placement tables.
pub const NODE_BYTES: u64 = 240;

/// A directed road segment held by a model: the map's edge, the search graph's forward and
/// reverse arcs, and the arc list they are built from.
pub const ARC_BYTES: u64 = 96;

/// A road node in the scratch of one replication while it plays: two routers' labels and
/// stamps (crews' and the suspect's) and the cordon planner's times.
pub const NODE_BYTES_PER_REPLICATION: u64 = 100;

/// Maps of at most this many nodes may get a distance table: 4 bytes a pair of nodes, per
/// replication playing (the routing's `TABLE_MAX_NODES`).
pub const TABLE_MAX_NODES: u64 = 4096;

/// Anchors (exact trees to and from each crew's base) take 24 bytes a node and base, at most
/// this much (the routing's `ANCHOR_BYTES`).
pub const ANCHOR_MAX_BYTES: u64 = 128 << 20;

/// A crew held by a model: the compiled unit with its names and zones, its patrol cycle.
pub const CREW_BYTES: u64 = 2048;

/// A crew in one replication: its world entity and components, and its unit record, kept
/// until the tables are written.
pub const CREW_BYTES_PER_REPLICATION: u64 = 1024;

/// A counted call of a streamed run, kept until the summary: its compact outcome, the pooled
/// copy of it, and the sorted response time.
pub const CALL_BYTES_STREAMED: u64 = 96;

/// A call of a replication kept in memory (sweep and search pairs): its record, and one
/// assignment record per unit it needs (see [`Footprint::calls_in_memory`]).
const ASSIGNMENT_BYTES: u64 = std::mem::size_of::<crate::results::Assignment>() as u64;
const CALL_RECORD_BYTES: u64 = std::mem::size_of::<crate::results::CallRecord>() as u64;

/// A node with calls in a run's GIS layers (`results_nodes.geojson`), built as one JSON
/// document before it is written: its feature (properties, geometry) and its tally. Measured:
/// bench-grid-large's 250,000 nodes added 800 MiB to the run's peak, Heidelberg's 12,628
/// nodes 51 MiB.
pub const LAYER_NODE_BYTES: u64 = 5 << 10;

/// A measurement of the sealing ring (at a sampled time or a priority-1 call), kept until the
/// tables are written: its record, the run's concatenated copy and the sealing table's columns.
pub const SEALING_BYTES: u64 = 3 * std::mem::size_of::<crate::results::SealingRecord>() as u64;

/// A saved (point, replication) result of a sweep held until its tables are written.
pub const PAIR_BYTES: u64 = 8 << 10;

/// The name of the fixed need of the program itself.
const PROGRAM: &str = "the program";

/// The name of the need of a sweep's pair results.
pub const RESULTS: &str = "pair results";

/// One thing a run needs memory for, named by the key whose value drives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// What it is, for the breakdown ("the map and its routing", "calls").
    pub what: &'static str,
    /// The scenario key that drives it (`map.grid.n`).
    pub key: String,
    /// That key's value as written.
    pub value: String,
    pub bytes: u64,
}

/// What a command needs: its needs, largest first when shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Estimate {
    pub needs: Vec<Need>,
    /// What the estimate is of ("a run of 4 replications on 2 threads").
    pub of: String,
}

impl Estimate {
    /// The whole estimate, bytes (saturating).
    pub fn total(&self) -> u64 {
        self.needs
            .iter()
            .fold(0u64, |sum, n| sum.saturating_add(n.bytes))
    }

    /// The largest need driven by a key (not the program's fixed share): the one a refusal
    /// names.
    pub fn largest(&self) -> &Need {
        self.needs
            .iter()
            .filter(|n| n.what != PROGRAM)
            .max_by_key(|n| n.bytes)
            .or(self.needs.first())
            .expect("an estimate has needs")
    }

    /// "about 1.2 GiB (the map and its routing 1.1 GiB, calls 80 MiB, ...)" for a run of ...
    pub fn text(&self) -> String {
        let mut needs: Vec<&Need> = self.needs.iter().collect();
        needs.sort_by_key(|n| std::cmp::Reverse(n.bytes));
        let parts: Vec<String> = needs
            .iter()
            .map(|n| format!("{} {}", n.what, Size(n.bytes)))
            .collect();
        format!(
            "about {} for {} ({})",
            Size(self.total()),
            self.of,
            parts.join(", ")
        )
    }

    /// What is wrong when the estimate is above the limit: "needs about ..., more than ...".
    pub fn refusal(&self) -> Option<String> {
        over_limit(self.total()).map(|limit| format!("needs {}, more than {limit}", self.text()))
    }

    /// Refuses (naming `file`, the largest need's key and value, and the estimate) when the
    /// estimate is above the limit.
    pub fn check(&self, file: &str) -> Result<(), ScenarioError> {
        match self.refusal() {
            None => Ok(()),
            Some(rule) => {
                let largest = self.largest();
                Err(ScenarioError::Invalid {
                    file: file.to_string(),
                    key: largest.key.clone(),
                    value: largest.value.clone(),
                    rule,
                })
            }
        }
    }
}

/// What one compiled scenario needs, before replications and threads are counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Footprint {
    /// The map and everything built over it, once per model.
    pub map: Need,
    /// The crews, once per model.
    pub crews: Need,
    /// How many crews.
    pub crew_count: u64,
    /// The key and value of the call rate (`demand.calls_per_hour`, a large event's
    /// `extra_calls_per_hour`, the history file), which names the calls' need.
    pub calls_key: (String, String),
    /// The calls of one replication, warm-up included: their mean plus four standard
    /// deviations.
    pub call_count: u64,
    /// Units a call needs, on average (its assignments).
    pub units_per_call: f64,
    /// One replication's scratch while it plays: routers, cordon planner, a distance table.
    pub scratch_bytes: u64,
    /// The map's nodes (each with calls is a feature of the run's GIS layer).
    pub nodes: u64,
    /// The sealing ring's measurements of one replication (a sampled time or a priority-1
    /// call each), named by `sealing.sample_every_min`; none without a `[sealing]` ring.
    pub sealing: Option<Need>,
}

impl Footprint {
    /// The bytes of one replication's call and assignment records held in memory.
    pub fn calls_in_memory(&self) -> u64 {
        let per_call = CALL_RECORD_BYTES as f64 + self.units_per_call * ASSIGNMENT_BYTES as f64;
        (self.call_count as f64 * per_call).min(u64::MAX as f64) as u64
    }

    /// A need named like `of`.
    fn like(of: &Need, what: &'static str, bytes: u64) -> Need {
        Need {
            what,
            bytes,
            ..of.clone()
        }
    }

    /// A need named by the call rate.
    fn calls(&self, what: &'static str, bytes: u64) -> Need {
        Need {
            what,
            key: self.calls_key.0.clone(),
            value: self.calls_key.1.clone(),
            bytes,
        }
    }

    fn fixed() -> Need {
        Need {
            what: PROGRAM,
            key: "(fixed)".into(),
            value: "0".into(),
            bytes: FIXED_BYTES,
        }
    }

    /// A run (`patrolsim run`): the model, `threads` replications playing at once with their
    /// records streamed to disk, and every replication's call outcomes and unit records kept
    /// for the summary.
    pub fn run(&self, replications: u32, threads: usize) -> Estimate {
        let r = u64::from(replications);
        let playing = r.min(threads.max(1) as u64);
        let crew_records = self
            .crew_count
            .saturating_mul(CREW_BYTES_PER_REPLICATION)
            .saturating_mul(r);
        Estimate {
            of: format!(
                "a run of {replications} replications on {}",
                threads_text(playing)
            ),
            needs: vec![
                Self::fixed(),
                self.map.clone(),
                Self::like(
                    &self.crews,
                    "crews",
                    self.crews.bytes.saturating_add(crew_records),
                ),
                self.calls(
                    "calls",
                    self.call_count
                        .saturating_mul(CALL_BYTES_STREAMED)
                        .saturating_mul(r),
                ),
                Self::like(
                    &self.map,
                    "replications' scratch",
                    self.scratch_bytes.saturating_mul(playing),
                ),
                Self::like(
                    &self.map,
                    "the GIS layers",
                    self.nodes
                        .min(self.call_count.saturating_mul(r))
                        .saturating_mul(LAYER_NODE_BYTES),
                ),
            ]
            .into_iter()
            .chain(self.sealing_need(r))
            .collect(),
        }
    }

    /// The sealing measurements of `replications` replications held at once.
    fn sealing_need(&self, replications: u64) -> Option<Need> {
        self.sealing
            .as_ref()
            .map(|s| Self::like(s, s.what, s.bytes.saturating_mul(replications)))
    }

    /// Replications whose records are kept in memory, `threads` at a time, over `points`
    /// models like this one held at once: one value of a search (`points` = 1), or a sweep,
    /// each of whose pairs keeps its summary.
    pub fn in_memory(&self, points: u64, replications: u32, threads: usize) -> Estimate {
        let pairs = points.saturating_mul(u64::from(replications));
        let playing = pairs.min(threads.max(1) as u64);
        let on = threads_text(playing);
        let of = if points == 1 {
            format!("{replications} replications on {on}")
        } else {
            format!("a sweep of {points} points x {replications} replications on {on}")
        };
        let per_replication = self
            .scratch_bytes
            .saturating_add(self.crew_count.saturating_mul(CREW_BYTES_PER_REPLICATION));
        Estimate {
            of,
            needs: vec![
                Self::fixed(),
                Self::like(
                    &self.map,
                    "the map and its routing",
                    self.map.bytes.saturating_mul(points),
                ),
                Self::like(
                    &self.crews,
                    "crews",
                    self.crews.bytes.saturating_mul(points),
                ),
                self.calls("calls", self.calls_in_memory().saturating_mul(playing)),
                Self::like(
                    &self.map,
                    "replications' scratch",
                    per_replication.saturating_mul(playing),
                ),
                self.calls(RESULTS, pairs.saturating_mul(PAIR_BYTES)),
            ]
            .into_iter()
            .chain(self.sealing_need(playing))
            .collect(),
        }
    }
}

/// "1 thread", "2 threads".
fn threads_text(threads: u64) -> String {
    match threads {
        1 => "1 thread".into(),
        n => format!("{n} threads"),
    }
}

/// The memory of a model over a map of `nodes` nodes and `arcs` directed segments with crews
/// based at `bases` distinct nodes, and one replication's scratch over it.
pub fn map_bytes(nodes: u64, arcs: u64, bases: u64) -> (u64, u64) {
    let table = if nodes <= TABLE_MAX_NODES {
        nodes * nodes * 4
    } else {
        0
    };
    let anchors = if table > 0 {
        0
    } else {
        nodes
            .saturating_mul(bases)
            .saturating_mul(24)
            .min(ANCHOR_MAX_BYTES)
    };
    let model = nodes
        .saturating_mul(NODE_BYTES)
        .saturating_add(arcs.saturating_mul(ARC_BYTES))
        .saturating_add(anchors);
    let scratch = nodes
        .saturating_mul(NODE_BYTES_PER_REPLICATION)
        .saturating_add(table);
    (model, scratch)
}

/// The memory limit: `--max-memory` (see [`set_max_memory`]) or the machine's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    pub bytes: u64,
    /// Where it comes from.
    pub source: LimitSource,
}

/// Where a memory limit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitSource {
    /// `--max-memory`.
    Given,
    /// `MemAvailable` (or `MemTotal`) in /proc/meminfo.
    Available,
    /// The cgroup's `memory.max` less its `memory.current`.
    Cgroup,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = Size(self.bytes);
        match self.source {
            LimitSource::Given => write!(f, "--max-memory {size}"),
            LimitSource::Available => write!(
                f,
                "the {size} this machine has available (MemAvailable; --max-memory sets another \
                 limit)"
            ),
            LimitSource::Cgroup => write!(
                f,
                "the {size} left under this cgroup's memory.max (--max-memory sets another limit)"
            ),
        }
    }
}

static MAX_MEMORY: OnceLock<u64> = OnceLock::new();
static MACHINE: OnceLock<Option<Limit>> = OnceLock::new();

/// Sets the limit to `bytes` for the rest of the process (`--max-memory`), instead of the
/// machine's memory. The first call wins.
pub fn set_max_memory(bytes: u64) {
    let _ = MAX_MEMORY.set(bytes);
}

/// The limit estimates are checked against: `--max-memory`, else the machine's available
/// memory (read once); none where neither is known.
pub fn limit() -> Option<Limit> {
    if let Some(&bytes) = MAX_MEMORY.get() {
        return Some(Limit {
            bytes,
            source: LimitSource::Given,
        });
    }
    *MACHINE.get_or_init(machine_limit)
}

/// The most crews a scenario may have, whatever the memory: every call looks through the free
/// crews, so a day of 100,000 crews plays in a few seconds and a force of millions for hours.
pub const MAX_CREWS: u64 = 100_000;

/// What is wrong when `made` crews about to be made, after `before` made already, would not
/// fit under the limit ("makes N crews, which need about ..., more than ...") or be more than
/// [`MAX_CREWS`].
pub fn crews_refusal(made: u64, before: u64) -> Option<String> {
    let bytes = made.saturating_mul(CREW_BYTES);
    if let Some(limit) = over_limit(bytes) {
        return Some(format!(
            "makes {made} crews, which need about {} of memory, more than {limit}",
            Size(bytes)
        ));
    }
    let total = made.saturating_add(before);
    (total > MAX_CREWS).then(|| {
        let all = if before > 0 {
            format!(" ({total} with the crews before)")
        } else {
            String::new()
        };
        format!(
            "makes {made} crews{all}, more than the {MAX_CREWS} a scenario may have (every call \
             looks through the free crews)"
        )
    })
}

/// The limit, when `bytes` is above it.
pub fn over_limit(bytes: u64) -> Option<Limit> {
    limit().filter(|l| bytes > l.bytes)
}

/// The machine's available memory, lowered to what a cgroup v2 limit leaves.
fn machine_limit() -> Option<Limit> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let available = meminfo.as_deref().and_then(|m| {
        meminfo_kib(m, "MemAvailable:")
            .or_else(|| meminfo_kib(m, "MemTotal:"))
            .map(|kib| Limit {
                bytes: kib.saturating_mul(1024),
                source: LimitSource::Available,
            })
    });
    let read = |p: &str| std::fs::read_to_string(p).ok()?.trim().parse::<u64>().ok();
    let cgroup = read("/sys/fs/cgroup/memory.max").map(|max| Limit {
        bytes: max.saturating_sub(read("/sys/fs/cgroup/memory.current").unwrap_or(0)),
        source: LimitSource::Cgroup,
    });
    match (available, cgroup) {
        (Some(a), Some(c)) => Some(if c.bytes < a.bytes { c } else { a }),
        (a, c) => a.or(c),
    }
}

/// The value in KiB of `field` (`MemAvailable:`) in /proc/meminfo's text.
fn meminfo_kib(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// Reads a size as `--max-memory` takes it: bytes, or a number with K, M, G or T (powers of
/// 1024; `KiB`, `MB`, `g` and so on are read alike).
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: f64 = number.parse().ok()?;
    let unit = unit.trim().to_ascii_lowercase();
    let shift = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return None,
    };
    let bytes = number * (1u64 << shift) as f64;
    (bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// A number of bytes as people read it: `512 B`, `3.4 MiB`, `1.6 TiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        let mut value = self.0 as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            write!(f, "{} B", self.0)
        } else if value < 10.0 {
            write!(f, "{value:.1} {}", UNITS[unit])
        } else {
            write!(f, "{value:.0} {}", UNITS[unit])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_and_print_in_powers_of_1024() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("512M"), Some(512 << 20));
        assert_eq!(parse_size("2GiB"), Some(2 << 30));
        assert_eq!(parse_size("1.5g"), Some(3 << 29));
        assert_eq!(parse_size("1 TB"), Some(1 << 40));
        for bad in ["", "G", "12X", "-1G", "0", "1e3", "nan"] {
            assert_eq!(parse_size(bad), None, "{bad:?}");
        }
        assert_eq!(Size(512).to_string(), "512 B");
        assert_eq!(Size(3 << 19).to_string(), "1.5 MiB");
        assert_eq!(Size(300 << 30).to_string(), "300 GiB");
    }

    #[test]
    fn meminfo_fields_are_read_in_kib() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   22000000 kB\n";
        assert_eq!(meminfo_kib(text, "MemAvailable:"), Some(22_000_000));
        assert_eq!(meminfo_kib(text, "MemTotal:"), Some(24_000_000));
        assert_eq!(meminfo_kib(text, "SwapTotal:"), None);
    }

    #[test]
    fn a_table_is_counted_on_small_maps_and_anchors_on_large_ones() {
        let (model, scratch) = map_bytes(4096, 16_000, 10);
        assert_eq!(scratch, 4096 * 100 + 4096 * 4096 * 4);
        assert_eq!(model, 4096 * NODE_BYTES + 16_000 * ARC_BYTES);
        let (model, scratch) = map_bytes(10_000, 40_000, 10);
        assert_eq!(scratch, 10_000 * 100);
        assert_eq!(
            model,
            10_000 * NODE_BYTES + 40_000 * ARC_BYTES + 10_000 * 10 * 24
        );
        // Sizes that overflow saturate instead of wrapping.
        assert_eq!(map_bytes(u64::MAX, u64::MAX, u64::MAX).0, u64::MAX);
    }
}

//! The experiment file (for `sweep` and `search`) and the scenarios it describes: a base
//! scenario with some of its keys set to other values.
//!
//! An axis names a key path of the base scenario (`dispatch.delay_s`,
//! `incident_types[1].units_needed`) and values for it. Each point's values are written into the
//! parsed base document and the result is compiled by [`Scenario::from_toml`], so every value is
//! checked like a value written in a scenario file, and keys the scenario gains later work as
//! axes without changes here.

use crate::scenario::{MAX_REPLICATIONS, Scenario, ScenarioError, syntax_error};
use crate::sim::Model;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The experiment file as written. Unknown keys are errors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentFile {
    /// The base scenario file, relative to the experiment file's folder.
    pub base: PathBuf,
    /// Replications per point; the base scenario's when absent.
    pub replications: Option<u32>,
    /// Where results go (relative to the working folder); `outputs/<file stem>` when absent.
    pub output_dir: Option<PathBuf>,
    /// The axes of a sweep; points are their product, the last axis changing fastest.
    #[serde(default)]
    pub axis: Vec<AxisSection>,
    /// The least-value search.
    pub search: Option<SearchSection>,
}

/// One axis: a key path of the base scenario and the values it takes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisSection {
    pub key: String,
    pub values: Vec<toml::Value>,
}

/// Which promise a search target is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Promise {
    /// First unit on scene within 5 minutes.
    #[serde(rename = "on_scene_5min")]
    OnScene5min,
    /// Every required unit on scene within 10 minutes (calls needing reinforcement).
    #[serde(rename = "reinforcement_10min")]
    Reinforcement10min,
}

/// The least value of a numeric key at which a promise holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchSection {
    /// The key path searched; compliance must not fall as its value grows.
    pub key: String,
    /// Smallest value tried.
    pub low: toml::Value,
    /// Largest value tried.
    pub high: toml::Value,
    /// Stop when the bracket is this narrow; 1 for integer keys when absent.
    pub tolerance: Option<f64>,
    pub promise: Promise,
    /// Calls of this priority only; all calls when absent.
    pub priority: Option<u8>,
    /// The share the lower end of the 95 % interval must reach.
    pub at_least: f64,
}

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A checked key path of the base scenario, such as `incident_types[1].units_needed`.
#[derive(Debug, Clone)]
pub struct KeyPath {
    /// The path as written.
    pub text: String,
    steps: Vec<Step>,
}

impl KeyPath {
    /// Parses `text`; none if it is not `key(.key|[index])*`.
    fn parse(text: &str) -> Option<KeyPath> {
        let mut steps = Vec::new();
        for part in text.split('.') {
            let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
            let bare = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if name.is_empty() || !name.chars().all(bare) {
                return None;
            }
            steps.push(Step::Key(name.to_string()));
            while !rest.is_empty() {
                let (index, after) = rest.strip_prefix('[')?.split_once(']')?;
                steps.push(Step::Index(index.parse().ok()?));
                rest = after;
            }
        }
        Some(KeyPath {
            text: text.to_string(),
            steps,
        })
    }

    /// The value at this path in `table`, if there is one.
    fn get_mut<'t>(&self, table: &'t mut toml::Table) -> Option<&'t mut toml::Value> {
        let (Step::Key(first), rest) = self.steps.split_first()? else {
            return None;
        };
        let mut value = table.get_mut(first)?;
        for step in rest {
            value = match (step, value) {
                (Step::Key(k), toml::Value::Table(t)) => t.get_mut(k)?,
                (Step::Index(i), toml::Value::Array(a)) => a.get_mut(*i)?,
                _ => return None,
            };
        }
        Some(value)
    }
}

/// A read experiment file with its base scenario parsed, not yet compiled into points.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The experiment file as named in messages.
    pub label: String,
    /// The experiment file's text, kept with the results.
    pub text: String,
    pub file: ExperimentFile,
    pub output_dir: PathBuf,
    /// The checked key paths of `file.axis`, in order.
    pub axes: Vec<KeyPath>,
    /// The checked key path of `file.search`.
    pub search_key: Option<KeyPath>,
    base: toml::Table,
    base_label: String,
    base_dir: PathBuf,
}

impl Experiment {
    /// Reads the experiment file at `path` and its base scenario, and checks that every axis
    /// (and the search key) is a key written in the base scenario. Points are not compiled yet.
    pub fn load(path: &Path) -> Result<Experiment, ScenarioError> {
        let label = path.display().to_string();
        let read = |p: &Path, label: &str| {
            std::fs::read_to_string(p).map_err(|source| ScenarioError::Read {
                file: label.to_string(),
                source,
            })
        };
        let text = read(path, &label)?;
        let file: ExperimentFile =
            toml::from_str(&text).map_err(|e| syntax_error(&text, &label, &e))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let base_path = dir.join(&file.base);
        let base_label = base_path.display().to_string();
        let base_text = read(&base_path, &base_label)?;
        let base: toml::Table =
            toml::from_str(&base_text).map_err(|e| syntax_error(&base_text, &base_label, &e))?;
        let invalid =
            |key: String, value: &dyn std::fmt::Display, rule: String| ScenarioError::Invalid {
                file: label.clone(),
                key,
                value: value.to_string(),
                rule,
            };
        let mut base_copy = base.clone();
        let mut key_path = |key: String, text: &str| {
            let quoted = format!("{text:?}");
            let path = KeyPath::parse(text).ok_or_else(|| {
                invalid(
                    key.clone(),
                    &quoted,
                    "not a key path (write it like dispatch.delay_s or incident_types[1].share)"
                        .into(),
                )
            })?;
            if path.get_mut(&mut base_copy).is_none() {
                return Err(invalid(
                    key,
                    &quoted,
                    format!("no such key in the base scenario {base_label} (write it there first)"),
                ));
            }
            Ok(path)
        };
        let mut axes: Vec<KeyPath> = Vec::with_capacity(file.axis.len());
        for (i, axis) in file.axis.iter().enumerate() {
            if axis.key == "replications" {
                return Err(invalid(
                    format!("axis[{i}].key"),
                    &"\"replications\"",
                    "is not an axis: every point runs the same replications; set the sweep's \
                     replications = N"
                        .into(),
                ));
            }
            let path = key_path(format!("axis[{i}].key"), &axis.key)?;
            if axes.iter().any(|a| a.text == path.text) {
                return Err(invalid(
                    format!("axis[{i}].key"),
                    &format!("{:?}", axis.key),
                    "is the key of an earlier axis".into(),
                ));
            }
            if axis.values.is_empty() {
                return Err(invalid(
                    format!("axis[{i}].values"),
                    &"[]",
                    "must list at least one value".into(),
                ));
            }
            for (j, v) in axis.values.iter().enumerate() {
                if axis.values[..j].contains(v) {
                    return Err(invalid(
                        format!("axis[{i}].values[{j}]"),
                        v,
                        "is listed twice".into(),
                    ));
                }
            }
            axes.push(path);
        }
        let search_key = match &file.search {
            Some(search) => Some(key_path("search.key".into(), &search.key)?),
            None => None,
        };
        if let Some(r) = file.replications.filter(|&r| r < 1) {
            return Err(invalid("replications".into(), &r, "must be >= 1".into()));
        }
        if let Some(r) = file.replications.filter(|&r| r > MAX_REPLICATIONS) {
            return Err(invalid("replications".into(), &r, "must be <= 400".into()));
        }
        let output_dir = file.output_dir.clone().unwrap_or_else(|| {
            let stem = path.file_stem().unwrap_or_default();
            PathBuf::from("outputs").join(stem)
        });
        Ok(Experiment {
            label,
            text,
            file,
            output_dir,
            axes,
            search_key,
            base,
            base_label,
            base_dir: base_path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        })
    }

    /// The base scenario with each key set to its value, checked and compiled. An error names
    /// the experiment file, the point's settings, and the key and value that are wrong.
    pub fn point(&self, settings: &[(&KeyPath, &toml::Value)]) -> Result<Point, ScenarioError> {
        let mut doc = self.base.clone();
        for (path, value) in settings {
            *path.get_mut(&mut doc).expect("axis keys were checked") = (*value).clone();
        }
        let described: Vec<String> = settings
            .iter()
            .map(|(path, value)| format!("{} = {value}", path.text))
            .collect();
        let label = format!(
            "{} (point {}; base {})",
            self.label,
            described.join(", "),
            self.base_label
        );
        let text = toml::to_string(&doc).expect("a TOML table always serialises");
        let mut scenario = Scenario::from_toml(&text, &label, &self.base_dir)?;
        if let Some(r) = self.file.replications {
            scenario.replications = r;
        }
        Ok(Point {
            label,
            values: settings.iter().map(|(_, v)| (*v).clone()).collect(),
            fingerprint: fingerprint(&text),
            model: Model::new(scenario),
        })
    }
}

/// One compiled point of an experiment.
pub struct Point {
    /// The point as named in messages: the experiment file, the point's settings, the base.
    pub label: String,
    /// The value of each axis (or of the search key), in axis order.
    pub values: Vec<toml::Value>,
    /// A hash of the point's scenario text: saved results of another scenario are never mixed
    /// in.
    pub fingerprint: String,
    pub model: Model,
}

/// FNV-1a of `text`, as 16 hex digits: stable across builds and platforms.
fn fingerprint(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_parse_and_find_values() {
        let mut doc: toml::Table =
            toml::from_str("a = 1\n[b]\nc = [10, 20]\n[[d]]\ne = 'x'\n[[d]]\ne = 'y'\n").unwrap();
        let get = |doc: &mut toml::Table, p: &str| {
            KeyPath::parse(p)
                .unwrap()
                .get_mut(doc)
                .map(|v| v.to_string())
        };
        assert_eq!(get(&mut doc, "a").as_deref(), Some("1"));
        assert_eq!(get(&mut doc, "b.c[1]").as_deref(), Some("20"));
        assert_eq!(get(&mut doc, "d[1].e").as_deref(), Some("\"y\""));
        assert_eq!(get(&mut doc, "d[2].e"), None);
        assert_eq!(get(&mut doc, "a.b"), None);
        assert_eq!(get(&mut doc, "b.z"), None);
        for bad in ["", "a..b", "a[", "a[x]", "a[1", "[1]", "a b", "a[1]x"] {
            assert!(KeyPath::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn fingerprints_differ_with_the_text() {
        assert_eq!(fingerprint("a"), fingerprint("a"));
        assert_ne!(fingerprint("a = 1"), fingerprint("a = 2"));
        assert_eq!(fingerprint("").len(), 16);
    }
}

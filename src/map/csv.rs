//! CSV maps: a node table and an edge table, with optional tables of posts, key points and
//! checkpoints, for road networks that come from a planner's own GIS.
//!
//! - nodes: `id` (a whole number: the node's id wherever the planner names or reads it), then `x_m` and `y_m` (metres) or `lat` and `lon` (degrees,
//!   projected like OpenStreetMap data); optional `zone` (a name) and `weight` (the node's
//!   share of the residents, any scale).
//! - edges: `from`, `to` (node ids); optional `length_m` (straight line when absent),
//!   `class` (a road class name, default `residential`), `speed_kmh` (the class's speed when
//!   absent), `oneway` (`true`/`yes`/`1` or `false`/`no`/`0`, default two-way).
//! - posts: `name`, `kind` (kiosk, service_station, police_station, hq), and `node` or a
//!   position (`x_m`, `y_m` or `lat`, `lon`) snapped to the nearest node; key points
//!   likewise with `kind` (rail_station, bus_station, square); checkpoints `name` and a node or
//!   position. A position farther than `max_snap_m` from every node is an error.
//!
//! Zones are the `zone` names in order of first appearance (one zone named after the map when
//! the column is absent). The population is shared among zones by the nodes' weights, or by
//! road length (half of each segment's length to each end) when no weights are given.

use super::{
    Checkpoint, GeoOrigin, KeyPoint, NodeId, Post, PostKind, RoadClass, RoadMap, RoadSegment,
    SourceId, Zone,
};
use crate::bad_input::{cut, cut_quoted};
use anyhow::{Context, bail, ensure};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where a CSV map's tables are, as a scenario's `[map.csv]` section gives them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvMapSpec {
    /// Name of the map; the nodes file's stem when absent.
    pub name: Option<String>,
    /// The node table.
    pub nodes: PathBuf,
    /// The edge table.
    pub edges: PathBuf,
    /// The posts table, if any.
    pub posts: Option<PathBuf>,
    /// The key points table, if any.
    pub key_points: Option<PathBuf>,
    /// The checkpoints table, if any.
    pub checkpoints: Option<PathBuf>,
    /// Residents of the whole map, shared among zones.
    #[serde(default)]
    pub population: u64,
    /// Largest distance at which a place given by position is snapped to a node, metres.
    #[serde(default = "default_max_snap_m")]
    pub max_snap_m: f64,
    /// Credit for the data, carried into every file written from the map.
    pub attribution: Option<String>,
}

fn default_max_snap_m() -> f64 {
    250.0
}

/// The columns a table must have, and a header line that has them (for errors).
struct Header {
    required: &'static [&'static str],
    example: &'static str,
}

const NODE_TABLE: Header = Header {
    required: &["id"],
    example: "id,x_m,y_m",
};
const EDGE_TABLE: Header = Header {
    required: &["from", "to"],
    example: "from,to",
};
const POST_TABLE: Header = Header {
    required: &["name"],
    example: "name,kind,node",
};
const KEY_POINT_TABLE: Header = Header {
    required: &["name", "kind"],
    example: "name,kind,node",
};
const CHECKPOINT_TABLE: Header = Header {
    required: &["name"],
    example: "name,node",
};

/// A CSV table read whole: comma-separated (a UTF-8 byte order mark before the header is
/// skipped), first line the header, fields trimmed, `"quoted"` fields with `""` for a quote (on
/// one line).
struct Table {
    path: PathBuf,
    header: Vec<String>,
    /// (line number, fields) of each non-empty line after the header.
    rows: Vec<(usize, Vec<String>)>,
}

/// Splits one CSV line into trimmed fields.
pub(crate) fn split_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            (',', false) => fields.push(std::mem::take(&mut field).trim().to_string()),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(field.trim().to_string());
    Ok(fields)
}

/// What is wrong with a header line `raw` that split into `fields` comma-separated fields, when
/// it looks written with another separator (`;`, a tab): every CSV input says it the same way.
pub(crate) fn separator_problem(raw: &str, fields: usize) -> Option<String> {
    [(';', "`;`"), ('\t', "a tab")]
        .into_iter()
        .find(|(c, _)| fields == 1 && raw.contains(*c))
        .map(|(_, name)| {
            format!("the separator looks like {name}, patrolsim reads comma-separated files")
        })
}

impl Table {
    /// Reads the table at `path`, whose header must have the columns `expected` requires.
    fn read(path: &Path, expected: &Header) -> anyhow::Result<Table> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                split_line(l)
                    .map(|f| (i + 1, f))
                    .map_err(|e| anyhow::anyhow!("{}: line {}: {e}", path.display(), i + 1))
            });
        let (header_line, header) = lines
            .next()
            .with_context(|| format!("{}: empty: no header line", path.display()))??;
        if let Some(missing) = expected
            .required
            .iter()
            .find(|&&c| !header.iter().any(|h| h == c))
        {
            let raw = text.lines().nth(header_line - 1).unwrap_or("").trim();
            let shown = cut(raw);
            let problem = separator_problem(raw, header.len())
                .unwrap_or_else(|| format!("no `{missing}` column"));
            bail!(
                "{}: line {header_line}: header `{shown}`: {problem} (expected a header like `{}`)",
                path.display(),
                expected.example
            );
        }
        let rows = lines.collect::<anyhow::Result<Vec<_>>>()?;
        for (line, fields) in &rows {
            ensure!(
                fields.len() == header.len(),
                "{}: line {line}: {} fields where the header has {}",
                path.display(),
                fields.len(),
                header.len()
            );
        }
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, fields)| Row {
            table: self,
            line: *line,
            fields,
        })
    }
}

/// One row of a [`Table`], read by column name.
struct Row<'a> {
    table: &'a Table,
    line: usize,
    fields: &'a [String],
}

impl Row<'_> {
    /// "file: line N", for errors.
    fn at(&self) -> String {
        format!("{}: line {}", self.table.path.display(), self.line)
    }

    /// The field in `column`; `None` when the column is absent or the field empty.
    fn text(&self, column: &str) -> Option<&str> {
        let i = self.table.header.iter().position(|h| h == column)?;
        Some(self.fields[i].as_str()).filter(|f| !f.is_empty())
    }

    fn required(&self, column: &str) -> anyhow::Result<&str> {
        self.text(column)
            .with_context(|| format!("{}: `{column}` is missing", self.at()))
    }

    fn number(&self, column: &str) -> anyhow::Result<Option<f64>> {
        self.text(column)
            .map(|v| match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => bail!("{}: {column} = {}: not a number", self.at(), quote(v)),
            })
            .transpose()
    }

    /// A field naming a value of an enum as the map files write it (`living_street`).
    fn named<T: DeserializeOwned>(&self, column: &str) -> anyhow::Result<Option<T>> {
        self.text(column)
            .map(|v| {
                serde_json::from_value(serde_json::Value::String(v.to_string())).map_err(|e| {
                    let e = e.to_string();
                    anyhow::anyhow!("{}: {column} = {}: {}", self.at(), quote(v), cut_quoted(&e))
                })
            })
            .transpose()
    }

    /// The position in `x_m`, `y_m` or `lat`, `lon`, in the map's plane.
    fn position(&self, origin: Option<GeoOrigin>) -> anyhow::Result<Option<(f64, f64)>> {
        let (x, y) = (self.number("x_m")?, self.number("y_m")?);
        let (lat, lon) = (self.number("lat")?, self.number("lon")?);
        Ok(match (x, y, lat, lon, origin) {
            (Some(x), Some(y), None, None, None) => Some((x, y)),
            (None, None, Some(lat), Some(lon), Some(o)) => Some(o.project(lat, lon)),
            (None, None, None, None, _) => None,
            (.., Some(_)) => bail!(
                "{}: give both lat and lon (the nodes are in lat/lon)",
                self.at()
            ),
            (.., None) => bail!(
                "{}: give both x_m and y_m (the nodes are in metres)",
                self.at()
            ),
        })
    }
}

/// The middle of the range of `values`.
fn mid_range(values: impl Iterator<Item = f64>) -> f64 {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    (lo + hi) / 2.0
}

/// A field's value as an error echoes it: quoted, and cut when long.
fn quote(value: &str) -> String {
    format!("{:?}", cut(value))
}

fn parse_oneway(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Reads a CSV map. Relative paths in `spec` are taken from `base_dir`. Errors name the file,
/// the line and the value.
pub fn read_csv_map(spec: &CsvMapSpec, base_dir: &Path) -> anyhow::Result<RoadMap> {
    let nodes = Table::read(&base_dir.join(&spec.nodes), &NODE_TABLE)?;
    let edges = Table::read(&base_dir.join(&spec.edges), &EDGE_TABLE)?;
    ensure!(!nodes.rows.is_empty(), "{}: no nodes", nodes.path.display());
    // Geographic when the nodes have lat/lon: the origin is the centre of their range.
    let origin = if nodes.header.iter().any(|h| h == "lat") {
        let mut lat = Vec::new();
        let mut lon = Vec::new();
        for row in nodes.rows() {
            for (column, limit, into) in [("lat", 90.0, &mut lat), ("lon", 180.0, &mut lon)] {
                if let Some(degrees) = row.number(column)? {
                    ensure!(
                        degrees.abs() <= limit,
                        "{}: {column} = {degrees}: must be in -{limit} to {limit} degrees",
                        row.at()
                    );
                    into.push(degrees);
                }
            }
        }
        Some(GeoOrigin {
            lat_deg: mid_range(lat.into_iter()),
            lon_deg: mid_range(lon.into_iter()),
        })
    } else {
        None
    };
    let name = spec.name.clone().unwrap_or_else(|| {
        spec.nodes
            .file_stem()
            .map_or("csv-map".into(), |s| s.to_string_lossy().into_owned())
    });
    let mut map = RoadMap::new(name.clone());
    map.origin = origin;
    map.attribution = spec.attribution.clone();
    let mut ids: HashSet<SourceId> = HashSet::new();
    let mut zone_index: HashMap<String, u32> = HashMap::new();
    let mut weights: Vec<Option<f64>> = Vec::new();
    for row in nodes.rows() {
        let id_text = row.required("id")?;
        let id: SourceId = id_text.parse().map_err(|_| {
            anyhow::anyhow!(
                "{}: id = {}: node ids are whole numbers",
                row.at(),
                quote(id_text)
            )
        })?;
        let (x, y) = row.position(origin)?.with_context(|| {
            format!(
                "{}: node {id:?}: give x_m and y_m, or lat and lon",
                row.at()
            )
        })?;
        let zone_name = row.text("zone").unwrap_or(&name).to_string();
        let next = zone_index.len() as u32;
        let zone = *zone_index.entry(zone_name.clone()).or_insert_with(|| {
            map.zones.push(Zone {
                name: zone_name,
                population: 0,
            });
            next
        });
        let weight = row.number("weight")?;
        if let Some(w) = weight {
            ensure!(w >= 0.0, "{}: weight = {w}: must be >= 0", row.at());
        }
        weights.push(weight);
        if !ids.insert(id) {
            bail!("{}: node id {id} used twice", row.at());
        }
        map.add_node_with_source_id(id, x, y, zone);
    }
    let node_of = |map: &RoadMap, row: &Row, column: &str| -> anyhow::Result<NodeId> {
        let id = row.required(column)?;
        map.parse_node(id).with_context(|| {
            format!(
                "{}: {column} = {}: no node has that id",
                row.at(),
                quote(id)
            )
        })
    };
    // Road length attached to each node, for sharing the population when there are no weights.
    let mut road_m = vec![0.0; map.node_count()];
    for row in edges.rows() {
        let (a, b) = (node_of(&map, &row, "from")?, node_of(&map, &row, "to")?);
        let class = row.named("class")?.unwrap_or(RoadClass::Residential);
        let length_m = row
            .number("length_m")?
            .unwrap_or_else(|| map.straight_line_m(a, b));
        let speed_kmh = row
            .number("speed_kmh")?
            .unwrap_or(class.default_speed_kmh());
        ensure!(
            length_m >= 0.0,
            "{}: length_m = {length_m}: must be >= 0",
            row.at()
        );
        ensure!(
            speed_kmh > 0.0,
            "{}: speed_kmh = {speed_kmh}: must be > 0",
            row.at()
        );
        let raw = row.text("oneway").unwrap_or("");
        let oneway = parse_oneway(raw)
            .with_context(|| format!("{}: oneway = {}: use true or false", row.at(), quote(raw)))?;
        let segment = RoadSegment {
            length_m,
            class,
            speed_kmh,
            oneway,
        };
        map.add_segment(a, b, segment);
        if !oneway {
            map.add_segment(b, a, segment);
        }
        road_m[a as usize] += length_m / 2.0;
        road_m[b as usize] += length_m / 2.0;
    }
    // Population by zone: by node weights when every node has one, else by road length.
    let share: Vec<f64> = if weights.iter().all(Option::is_some) {
        weights.iter().map(|w| w.unwrap_or(0.0)).collect()
    } else {
        road_m
    };
    let mut zone_share = vec![0.0; map.zones.len()];
    for (n, s) in map.graph.node_weights().zip(&share) {
        zone_share[n.zone as usize] += s;
    }
    let total: f64 = zone_share.iter().sum();
    if total > 0.0 {
        for (z, s) in map.zones.iter_mut().zip(&zone_share) {
            z.population = (spec.population as f64 * s / total).round() as u64;
        }
    }
    // Places: at a node, or at a position snapped to the nearest node.
    let snap = |row: &Row| -> anyhow::Result<NodeId> {
        if row.text("node").is_some() {
            return node_of(&map, row, "node");
        }
        let (x, y) = row
            .position(origin)?
            .with_context(|| format!("{}: give a node, or a position", row.at()))?;
        map.snap(x, y, spec.max_snap_m).map_err(|off_m| {
            anyhow::anyhow!(
                "{}: {} is {off_m:.0} m from the nearest node; max_snap_m = {}",
                row.at(),
                quote(row.text("name").unwrap_or("")),
                spec.max_snap_m
            )
        })
    };
    let mut posts = Vec::new();
    let mut key_points = Vec::new();
    let mut checkpoints = Vec::new();
    if let Some(path) = &spec.posts {
        for row in Table::read(&base_dir.join(path), &POST_TABLE)?.rows() {
            let name = row.required("name")?;
            ensure!(
                !posts.iter().any(|p: &Post| p.name == name),
                "{}: name = {}: an earlier post has this name",
                row.at(),
                quote(name)
            );
            posts.push(Post {
                name: name.to_string(),
                kind: row.named("kind")?.unwrap_or(PostKind::Kiosk),
                node: snap(&row)?,
            });
        }
    }
    if let Some(path) = &spec.key_points {
        for row in Table::read(&base_dir.join(path), &KEY_POINT_TABLE)?.rows() {
            key_points.push(KeyPoint {
                name: row.required("name")?.to_string(),
                kind: row
                    .named("kind")?
                    .with_context(|| format!("{}: `kind` is missing", row.at()))?,
                node: snap(&row)?,
            });
        }
    }
    if let Some(path) = &spec.checkpoints {
        for row in Table::read(&base_dir.join(path), &CHECKPOINT_TABLE)?.rows() {
            checkpoints.push(Checkpoint {
                name: row.required("name")?.to_string(),
                node: snap(&row)?,
            });
        }
    }
    map.posts = posts;
    map.key_points = key_points;
    map.checkpoints = checkpoints;
    map.validate()
        .with_context(|| format!("{}: invalid map", nodes.path.display()))?;
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` (name, text) into a temporary folder and reads the map they describe.
    fn read(files: &[(&str, &str)], spec: impl FnOnce(&mut CsvMapSpec)) -> anyhow::Result<RoadMap> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut s = CsvMapSpec {
            name: None,
            nodes: "nodes.csv".into(),
            edges: "edges.csv".into(),
            posts: None,
            key_points: None,
            checkpoints: None,
            population: 1000,
            max_snap_m: 50.0,
            attribution: None,
        };
        spec(&mut s);
        read_csv_map(&s, dir.path())
    }

    const NODES: &str = "id,x_m,y_m,zone\n10,0,0,west\n20,300,0,west\n35,300,400,east\n";
    const EDGES: &str = "from,to,length_m,class,speed_kmh,oneway\n\
                         10,20,,primary,,\n20,35,450,,36,yes\n35,10,,,,true\n";

    #[test]
    fn a_triangle_with_defaults_and_zones() {
        let map = read(&[("nodes.csv", NODES), ("edges.csv", EDGES)], |_| {}).unwrap();
        assert_eq!(map.name, "nodes");
        assert_eq!(map.node_count(), 3);
        let ids: Vec<_> = (0..3).map(|n| map.source_id(n)).collect();
        assert_eq!(
            ids,
            [10, 20, 35],
            "the nodes keep their ids, in table order"
        );
        assert_eq!(map.node_by_source_id(35), Some(2));
        assert_eq!(map.node_by_source_id(3), None);
        assert_eq!(
            map.graph.edge_count(),
            4,
            "a-b two-way, b-c and c-a one-way"
        );
        let seg = |from: u32, to: u32| {
            *map.graph
                .edges_connecting(from.into(), to.into())
                .next()
                .unwrap()
                .weight()
        };
        assert_eq!(seg(0, 1).length_m, 300.0, "straight line when absent");
        assert_eq!(seg(0, 1).speed_kmh, 50.0, "the class's speed");
        assert_eq!((seg(1, 2).length_m, seg(1, 2).speed_kmh), (450.0, 36.0));
        assert_eq!(seg(2, 0).length_m, 500.0);
        assert_eq!(seg(2, 0).class, RoadClass::Residential);
        // Road length per zone: west has a-b (300) + half b-c + half c-a, east the other halves.
        let names: Vec<_> = map
            .zones
            .iter()
            .map(|z| (z.name.as_str(), z.population))
            .collect();
        let west: f64 = (300.0 + 225.0 + 250.0) / (300.0 + 450.0 + 500.0) * 1000.0;
        assert_eq!(
            names,
            vec![
                ("west", west.round() as u64),
                ("east", 1000 - west.round() as u64)
            ]
        );
    }

    #[test]
    fn weights_share_the_population_and_places_snap() {
        let nodes = "id,lat,lon,weight\n1,43.70,7.40,1\n2,43.70,7.41,3\n3,43.71,7.41,0\n";
        let edges = "from,to\n1,2\n2,3\n3,1\n";
        let posts = "name,kind,lat,lon\nnorth,police_station,43.7100,7.4101\nK1,,43.70,7.40\n";
        let checkpoints = "name,node\nexit,2\n";
        let map = read(
            &[
                ("nodes.csv", nodes),
                ("edges.csv", edges),
                ("posts.csv", posts),
                ("cp.csv", checkpoints),
            ],
            |s| {
                s.posts = Some("posts.csv".into());
                s.checkpoints = Some("cp.csv".into());
            },
        )
        .unwrap();
        assert!(map.origin.is_some());
        assert_eq!(map.zones[0].population, 1000);
        assert_eq!(map.posts[0].node, 2);
        assert_eq!(map.posts[0].kind, PostKind::PoliceStation);
        assert_eq!((map.posts[1].node, map.posts[1].kind), (0, PostKind::Kiosk));
        assert_eq!(map.checkpoints[0].node, 1);
        // 1 km east at 43.7° N is 0.01° × 111.2 km × cos(43.7°) ≈ 804 m.
        assert!((map.straight_line_m(0, 1) - 804.0).abs() < 2.0);
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_a_bad_header_is_named() {
        let bom = format!("\u{feff}{NODES}");
        let map = read(&[("nodes.csv", &bom), ("edges.csv", EDGES)], |_| {}).unwrap();
        assert_eq!(
            map.source_id(0),
            10,
            "the BOM is not part of the first column's name"
        );
        let err = |nodes: &str| {
            let e = read(&[("nodes.csv", nodes), ("edges.csv", EDGES)], |_| {}).unwrap_err();
            format!("{e:#}")
        };
        let e = err("\u{feff}id;x_m;y_m\n10;0;0\n");
        assert!(
            e.ends_with("nodes.csv: line 1: header `id;x_m;y_m`: the separator looks like `;`, \
                         patrolsim reads comma-separated files (expected a header like `id,x_m,y_m`)"),
            "{e}"
        );
        let e = err("\nid\tx_m\ty_m\n10\t0\t0\n");
        assert!(
            e.contains("nodes.csv: line 2: header `id\tx_m\ty_m`: the separator looks like a tab"),
            "{e}"
        );
        let e = err("node,x_m,y_m\n10,0,0\n");
        assert!(
            e.ends_with(
                "header `node,x_m,y_m`: no `id` column (expected a header like `id,x_m,y_m`)"
            ),
            "{e}"
        );
    }

    #[test]
    fn quoted_fields() {
        assert_eq!(
            split_line(r#" a , "b, ""c""" ,"#).unwrap(),
            vec!["a", r#"b, "c""#, ""]
        );
        assert!(split_line(r#"a,"b"#).is_err());
    }

    #[test]
    fn errors_name_file_line_and_value() {
        let err = |files: &[(&str, &str)], spec: fn(&mut CsvMapSpec)| {
            format!("{:#}", read(files, spec).unwrap_err())
        };
        let e = err(
            &[("nodes.csv", NODES), ("edges.csv", "from,to\n10,z\n")],
            |_| {},
        );
        assert!(
            e.contains("edges.csv: line 2: to = \"z\": no node has that id"),
            "{e}"
        );
        let e = err(
            &[
                ("nodes.csv", NODES),
                ("edges.csv", "from,to,oneway\n10,20,maybe\n"),
            ],
            |_| {},
        );
        assert!(e.contains("line 2: oneway = \"maybe\""), "{e}");
        let e = err(
            &[("nodes.csv", NODES), ("edges.csv", "from,to\n10,20,35\n")],
            |_| {},
        );
        assert!(e.contains("line 2: 3 fields where the header has 2"), "{e}");
        let e = err(
            &[
                ("nodes.csv", "id,x_m,y_m\n10,0,zero\n"),
                ("edges.csv", EDGES),
            ],
            |_| {},
        );
        assert!(e.contains("nodes.csv") && e.contains("zero"), "{e}");
        let e = err(
            &[("nodes.csv", "id,x_m\n10,0\n"), ("edges.csv", EDGES)],
            |_| {},
        );
        assert!(
            e.contains("nodes.csv: line 2: give both x_m and y_m"),
            "{e}"
        );
        let far = "name,x_m,y_m\nfar,1000,1000\n";
        let e = err(
            &[
                ("nodes.csv", NODES),
                ("edges.csv", EDGES),
                ("posts.csv", far),
            ],
            |s| s.posts = Some("posts.csv".into()),
        );
        assert!(
            e.contains("posts.csv: line 2: \"far\" is 922 m from the nearest node"),
            "{e}"
        );
        let oneway_only = "from,to,oneway\n10,20,yes\n20,35,yes\n";
        let e = err(&[("nodes.csv", NODES), ("edges.csv", oneway_only)], |_| {});
        assert!(
            e.contains("cannot reach or be reached from node 10 (first: node 20)"),
            "{e}"
        );
        let e = err(
            &[
                ("nodes.csv", "id,x_m,y_m\nnorth,0,0\n"),
                ("edges.csv", EDGES),
            ],
            |_| {},
        );
        assert!(
            e.contains("nodes.csv: line 2: id = \"north\": node ids are whole numbers"),
            "{e}"
        );
    }
}

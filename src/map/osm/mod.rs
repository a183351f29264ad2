//! OpenStreetMap import: PBF and XML (plain or gzip) to a [`RoadMap`].
//!
//! Kept: ways whose `highway` is a drivable class (motorway … residential, living_street,
//! service, the `_link` ramps, unclassified, road), not areas. Speed: `maxspeed` when it can be
//! read (numbers, km/h, mph, knots, `walk`, country codes such as `DE:urban` through a table),
//! else a default by class. One-way: `oneway=yes/1/true/-1/no`; roundabouts and motorways are
//! one-way unless tagged otherwise. Lengths are great-circle distances along the way's nodes;
//! node positions are projected to local metres (equirectangular around the centre of the
//! data, see [`GeoOrigin`](crate::map::GeoOrigin)). Only the largest strongly connected
//! component is kept; the [`OsmReport`] says what was dropped. By default ways are split only
//! at junctions and ends, so the chains of shape points between junctions become one segment
//! each (lengths kept).
//!
//! Access tags (`access=private`, `motor_vehicle=no`) are ignored: police cars use such roads.
//! The map carries the attribution the ODbL requires ([`OSM_ATTRIBUTION`]).

mod build;
mod read;
mod tags;

pub use build::OSM_ATTRIBUTION;
pub use read::{MAX_GZIP_EXPANSION, OsmFormat};

use super::RoadMap;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;
use thiserror::Error;

/// How to import.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmOptions {
    /// Residents of the area: the population of the map's single zone.
    pub population: u64,
    /// Merge the shape points between junctions into one segment (keeping its length).
    pub contract_chains: bool,
}

impl Default for OsmOptions {
    fn default() -> Self {
        OsmOptions {
            population: 0,
            contract_chains: true,
        }
    }
}

/// What an import read, kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsmReport {
    /// Nodes in the file (of any kind).
    pub osm_nodes: usize,
    /// Ways in the file (of any kind).
    pub ways_read: usize,
    /// Ways that are drivable roads.
    pub drivable_ways: usize,
    /// References from drivable ways to nodes the file does not have (the way is cut there).
    pub missing_node_refs: usize,
    /// Drivable ways whose `maxspeed` could not be read (their class speed was used).
    pub maxspeed_unread: usize,
    /// Strongly connected components of the road graph before the largest was kept.
    pub components: usize,
    /// Graph nodes outside the largest component, dropped.
    pub dropped_nodes: usize,
    /// Road outside the largest component, dropped, km (a two-way street counted once).
    pub dropped_km: f64,
    /// Road kept, km (a two-way street counted once).
    pub kept_km: f64,
}

impl fmt::Display for OsmReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} OSM nodes, {} ways ({} drivable); kept {:.1} km of road ({:.1} % of {:.1} km \
             read); dropped {} nodes and {:.1} km outside the largest of {} strongly connected \
             components",
            self.osm_nodes,
            self.ways_read,
            self.drivable_ways,
            self.kept_km,
            100.0 * self.kept_km / (self.kept_km + self.dropped_km).max(f64::MIN_POSITIVE),
            self.kept_km + self.dropped_km,
            self.dropped_nodes,
            self.dropped_km,
            self.components
        )?;
        if self.maxspeed_unread > 0 {
            write!(f, "; {} unreadable maxspeed tags", self.maxspeed_unread)?;
        }
        if self.missing_node_refs > 0 {
            write!(
                f,
                "; {} references to missing nodes",
                self.missing_node_refs
            )?;
        }
        Ok(())
    }
}

/// An OSM file that cannot be imported, naming the file.
#[derive(Debug, Error)]
pub enum OsmError {
    /// The file cannot be read at all.
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    /// The PBF decoder failed: a truncated or damaged file, or not PBF at all.
    #[error("{file}: not a valid OSM PBF file (truncated or corrupt?): {message}")]
    Pbf { file: String, message: String },
    /// The XML is malformed, truncated, not OSM, or has an unreadable attribute; `position` is
    /// the byte offset in the (decompressed) text.
    #[error("{file}: not valid OSM XML at byte {position}: {message}")]
    Xml {
        file: String,
        position: u64,
        message: String,
    },
    /// A node that cannot be: given twice, or off the globe.
    #[error("{file}: node {id}: {problem}")]
    BadNode {
        file: String,
        id: i64,
        problem: String,
    },
    /// A gzip stream that expands beyond [`MAX_GZIP_EXPANSION`] times its size: no
    /// plausible extract (a gzip bomb), refused before its contents fill the memory.
    #[error(
        "{file}: the gzip stream expands beyond {cap} bytes, {times} times its {compressed} \
         bytes: OpenStreetMap XML compresses about 10 to 1, so this is no plausible extract (a \
         gzip bomb?); if it is real, unpack it and import the .osm file",
        times = MAX_GZIP_EXPANSION
    )]
    GzipExpansion {
        file: String,
        compressed: u64,
        cap: u64,
    },
    /// The file is empty.
    #[error("{file}: empty file (0 bytes)")]
    Empty { file: String },
    /// The drivable ways' nodes are missing from the file, so no road is left.
    #[error(
        "{file}: no drivable roads left: the {ways} drivable ways name {refs} nodes the file \
         does not have (an extract cut without complete ways?)"
    )]
    MissingNodes {
        file: String,
        ways: usize,
        refs: usize,
    },
    /// The file has no way that is a drivable road.
    #[error(
        "{file}: no drivable roads (ways tagged highway=motorway, trunk, primary, secondary, \
         tertiary, unclassified, residential, living_street, service or a _link)"
    )]
    NoRoads { file: String },
}

/// An imported map with the import's figures.
#[derive(Debug, Clone)]
pub struct OsmImport {
    /// The road map (validated by the caller before use).
    pub map: RoadMap,
    /// The encoding the file was in.
    pub format: OsmFormat,
    /// What was read, kept and dropped.
    pub report: OsmReport,
}

/// Imports OSM data already in memory. `name` names the map, `file` the source in errors.
pub fn import_osm_bytes(
    bytes: &[u8],
    name: &str,
    file: &str,
    options: &OsmOptions,
) -> Result<OsmImport, OsmError> {
    if bytes.is_empty() {
        return Err(OsmError::Empty {
            file: file.to_string(),
        });
    }
    let (format, raw) = read::read_osm(bytes, file)?;
    let (mut map, report) = build::build_map(&raw, name, file, options)?;
    map.dropped.osm = Some(report.clone());
    Ok(OsmImport {
        map,
        format,
        report,
    })
}

/// Imports an OSM file (PBF, XML or gzip XML, told apart by content). The map is named after
/// the file.
pub fn import_osm(path: &Path, options: &OsmOptions) -> Result<OsmImport, OsmError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| OsmError::Read {
        file: file.clone(),
        source,
    })?;
    import_osm_bytes(&bytes, &map_name(path), &file, options)
}

/// A map's name from its file name: `monaco.osm.gz` → `monaco`.
pub fn map_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map_or_else(|| "map".into(), |f| f.to_string_lossy().into_owned());
    file.split('.').next().unwrap_or(&file).to_string()
}

//! Opening a map file of any kind, told apart by its name, and the cache of imported maps.
//!
//! | name ends with | kind |
//! |---|---|
//! | `.json` | JSON map file ([`read_map_file`]) |
//! | `.pmap` | binary map file ([`read_binary_map`]) |
//! | `.osm.pbf`, `.pbf`, `.osm`, `.osm.gz` | OpenStreetMap data ([`import_osm`](super::osm::import_osm)) |

use super::RoadMap;
use super::binary::{fnv1a64, read_binary_map, write_binary_map};
use super::file::{read_map_file, write_map_file};
use super::osm::{OsmOptions, import_osm_bytes, map_name};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// What a map file holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapFileKind {
    /// A JSON map file (`.json`).
    Json,
    /// A binary map file (`.pmap`).
    Binary,
    /// OpenStreetMap data (`.osm.pbf`, `.pbf`, `.osm`, `.osm.gz`).
    Osm,
}

/// The endings [`MapFileKind::of`] knows, for messages.
pub const MAP_FILE_ENDINGS: &str = ".json, .pmap, .osm.pbf, .pbf, .osm, .osm.gz";

impl MapFileKind {
    /// The kind of the file at `path`, by the end of its name (any case).
    pub fn of(path: &Path) -> anyhow::Result<MapFileKind> {
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let kind = if name.ends_with(".json") {
            MapFileKind::Json
        } else if name.ends_with(".pmap") {
            MapFileKind::Binary
        } else if [".pbf", ".osm", ".osm.gz"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            MapFileKind::Osm
        } else {
            bail!(
                "{}: unknown kind of map file; the name must end with one of {MAP_FILE_ENDINGS}",
                path.display()
            );
        };
        Ok(kind)
    }
}

/// How to load a map file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    /// How to import OpenStreetMap data.
    pub osm: OsmOptions,
    /// A binary map file caching the import of OpenStreetMap data: used when it was built from
    /// the same bytes with the same options, else rebuilt.
    pub cache: Option<PathBuf>,
}

/// The key of an import: a hash of the source's bytes and of the options that shape the map.
pub fn source_key(bytes: &[u8], osm: &OsmOptions) -> u64 {
    let options = format!("{}/{}", osm.population, osm.contract_chains);
    fnv1a64(bytes) ^ fnv1a64(options.as_bytes()).rotate_left(1)
}

/// Loads and validates the map file at `path`, whatever its kind. Errors name the file.
pub fn load_map(path: &Path, options: &LoadOptions) -> anyhow::Result<RoadMap> {
    match MapFileKind::of(path)? {
        MapFileKind::Json => read_map_file(path),
        MapFileKind::Binary => Ok(read_binary_map(path)?.0),
        MapFileKind::Osm => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("{}: cannot read map file", path.display()))?;
            let key = source_key(&bytes, &options.osm);
            if let Some(cache) = &options.cache
                && let Ok((map, Some(cached_key))) = read_binary_map(cache)
                && cached_key == key
            {
                return Ok(map);
            }
            let file = path.display().to_string();
            let map = import_osm_bytes(&bytes, &map_name(path), &file, &options.osm)?.map;
            map.validate()
                .with_context(|| format!("{file}: imported map is invalid"))?;
            if let Some(cache) = &options.cache {
                write_binary_map(&map, Some(key), cache)
                    .with_context(|| format!("{}: cannot write map cache", cache.display()))?;
            }
            Ok(map)
        }
    }
}

/// Writes `map` to `path` as a JSON (`.json`) or binary (`.pmap`) map file, by its name.
/// `source_key` is recorded in binary files.
pub fn write_map(map: &RoadMap, path: &Path, source_key: Option<u64>) -> anyhow::Result<()> {
    match MapFileKind::of(path)? {
        MapFileKind::Json => write_map_file(map, path),
        MapFileKind::Binary => write_binary_map(map, source_key, path),
        MapFileKind::Osm => bail!(
            "{}: patrolsim writes .json or .pmap map files, not OpenStreetMap data",
            path.display()
        ),
    }
}

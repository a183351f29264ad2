//! The binary map file (`.pmap`): a compact copy of a [`RoadMap`] that loads in milliseconds,
//! used as the cache of imported maps.
//!
//! Layout: the magic bytes `PSIMMAP\0`, a format version (u32, little-endian), the payload's
//! length (u64) and its FNV-1a 64 checksum (u64), then the payload: bincode (standard
//! configuration) of the map with the key of the source it was imported from. A truncated or
//! damaged file fails the checksum and is reported, never half-read.

use super::record::MapRecord;
use super::{Dropped, RoadMap};
use crate::atomic_file;
use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

const MAGIC: &[u8; 8] = b"PSIMMAP\0";
/// Version 3: the map keeps what its import dropped. Version 2 (nodes with their source ids)
/// is read too, as a map with nothing dropped; version 1 files had no ids, and are rebuilt or
/// refused, never read as if their indices were ids.
pub const BINARY_MAP_VERSION: u32 = 3;
/// The oldest version read.
pub const OLDEST_BINARY_MAP_VERSION: u32 = 2;
const HEADER_BYTES: usize = 8 + 4 + 8 + 8;
/// Largest payload read, bytes (a guard against absurd lengths in a damaged file).
const MAX_PAYLOAD_BYTES: usize = 1 << 31;

/// FNV-1a, 64 bits: a fast, stable hash of file contents (not a cryptographic one).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[derive(Serialize, Deserialize)]
struct BinaryMap {
    source_key: Option<u64>,
    map: MapRecord,
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<MAX_PAYLOAD_BYTES>()
}

/// Writes `map` as a binary map file (atomically), recording `source_key`: the key of the data
/// it was built from, so a cache can tell when the source changed.
pub fn write_binary_map(map: &RoadMap, source_key: Option<u64>, path: &Path) -> anyhow::Result<()> {
    let file = BinaryMap {
        source_key,
        map: MapRecord::of(map),
    };
    let payload = bincode::serde::encode_to_vec(&file, config())
        .with_context(|| format!("{}: cannot encode the map", path.display()))?;
    atomic_file::write(path, |w| {
        w.write_all(MAGIC)?;
        w.write_all(&BINARY_MAP_VERSION.to_le_bytes())?;
        w.write_all(&(payload.len() as u64).to_le_bytes())?;
        w.write_all(&fnv1a64(&payload).to_le_bytes())?;
        w.write_all(&payload)?;
        Ok(())
    })
}

/// The format version of a binary map file's bytes, if they start like one.
pub fn binary_map_version(bytes: &[u8]) -> Option<u32> {
    let version = bytes.get(8..12).filter(|_| is_binary_map(bytes))?;
    Some(u32::from_le_bytes(version.try_into().expect("4 bytes")))
}

/// Whether `bytes` start like a binary map file.
pub fn is_binary_map(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Reads and validates a binary map file; returns the map and the key of its source. Errors
/// name the file.
pub fn read_binary_map(path: &Path) -> anyhow::Result<(RoadMap, Option<u64>)> {
    let bytes =
        std::fs::read(path).with_context(|| format!("{}: cannot read map file", path.display()))?;
    decode(&bytes).with_context(|| format!("{}: not a usable binary map file", path.display()))
}

fn decode(bytes: &[u8]) -> anyhow::Result<(RoadMap, Option<u64>)> {
    ensure!(is_binary_map(bytes), "it does not start with {MAGIC:?}");
    ensure!(bytes.len() >= HEADER_BYTES, "truncated header");
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if !(OLDEST_BINARY_MAP_VERSION..=BINARY_MAP_VERSION).contains(&version) {
        bail!(
            "format version {version}; this patrolsim reads versions \
             {OLDEST_BINARY_MAP_VERSION} to {BINARY_MAP_VERSION} (write the map again from its \
             source)"
        );
    }
    let (length, checksum) = (word(12), word(20));
    let payload = &bytes[HEADER_BYTES..];
    ensure!(
        payload.len() as u64 == length,
        "{} bytes of payload where the header says {length}: truncated?",
        payload.len()
    );
    ensure!(fnv1a64(payload) == checksum, "checksum mismatch: damaged");
    let (file, _): (BinaryMap, usize) = if version == 2 {
        // Version 2 is version 3 without the record of what was dropped, which comes last.
        let mut payload = payload.to_vec();
        payload.extend(bincode::serde::encode_to_vec(Dropped::default(), config())?);
        bincode::serde::decode_from_slice(&payload, config())?
    } else {
        bincode::serde::decode_from_slice(payload, config())?
    };
    Ok((file.map.into_map()?, file.source_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{GridSpec, grid_map};
    use petgraph::visit::EdgeRef;

    fn grid() -> RoadMap {
        grid_map(&GridSpec {
            n: 5,
            posts_per_side: 2,
            spacing_m: 150.0,
            speed_kmh: 30.0,
        })
    }

    #[test]
    fn round_trip_keeps_map_and_key() {
        let map = grid();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grid.pmap");
        write_binary_map(&map, Some(42), &path).unwrap();
        let (back, key) = read_binary_map(&path).unwrap();
        assert_eq!(key, Some(42));
        assert_eq!(back.posts, map.posts);
        assert_eq!(back.zones, map.zones);
        let edges = |m: &RoadMap| {
            m.graph
                .edge_references()
                .map(|e| (e.source(), e.target(), *e.weight()))
                .collect::<Vec<_>>()
        };
        assert_eq!(edges(&back), edges(&map));
        assert!(back.graph.node_weights().eq(map.graph.node_weights()));
    }

    #[test]
    fn what_was_dropped_is_kept_and_a_version_2_file_dropped_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grid.pmap");
        let mut map = grid();
        map.dropped.zones = vec![("lake".into(), 5)];
        write_binary_map(&map, None, &path).unwrap();
        assert_eq!(read_binary_map(&path).unwrap().0.dropped, map.dropped);
        // A version 2 file: the same bytes without the record of what was dropped.
        write_binary_map(&grid(), Some(7), &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let record = bincode::serde::encode_to_vec(Dropped::default(), config()).unwrap();
        let payload = &bytes[HEADER_BYTES..bytes.len() - record.len()];
        let mut old = MAGIC.to_vec();
        old.extend(2u32.to_le_bytes());
        old.extend((payload.len() as u64).to_le_bytes());
        old.extend(fnv1a64(payload).to_le_bytes());
        old.extend(payload);
        std::fs::write(&path, &old).unwrap();
        let (back, key) = read_binary_map(&path).unwrap();
        assert_eq!((back.dropped, key), (Dropped::default(), Some(7)));
        assert!(back.graph.node_weights().eq(grid().graph.node_weights()));
    }

    #[test]
    fn truncated_and_damaged_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grid.pmap");
        write_binary_map(&grid(), None, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
        let err = format!("{:#}", read_binary_map(&path).unwrap_err());
        assert!(
            err.contains("grid.pmap") && err.contains("truncated"),
            "{err}"
        );
        let mut damaged = bytes.clone();
        damaged[HEADER_BYTES + 3] ^= 0x55;
        std::fs::write(&path, &damaged).unwrap();
        let err = format!("{:#}", read_binary_map(&path).unwrap_err());
        assert!(err.contains("checksum"), "{err}");
    }

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}

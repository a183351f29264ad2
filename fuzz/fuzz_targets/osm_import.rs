//! Any bytes as OpenStreetMap data (PBF, XML or gzip XML, sniffed): the import returns a map or
//! an `OsmError`, never panics, and an imported map passes validation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patrolsim::map::osm::{OsmOptions, import_osm_bytes};

fuzz_target!(|data: &[u8]| {
    if let Ok(import) = import_osm_bytes(data, "fuzz", "fuzz.osm", &OsmOptions::default()) {
        let _ = import.map.validate();
    }
});

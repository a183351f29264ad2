//! Call history: import of the real Seattle file (../shared/data/incidents, City of Seattle,
//! CC0 1.0; see shared/data/PROVENANCE.md), replay through a scenario, calibration and its
//! round trip.

mod common;

use patrolsim::history::{BadKind, HistorySpec, import_history};
use patrolsim::map::{GeoOrigin, GridSpec, RoadMap, grid_map};
use std::path::{Path, PathBuf};

fn seattle_csv() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/incidents/seattle-fire-911-mva.csv"
    ))
}

fn seattle_spec() -> HistorySpec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history/seattle-columns.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A generated 60 × 60 grid, 500 m apart (29.5 km square), laid over Seattle's bounding box in
/// the records (lat 47.4960 to 47.7579, lon -122.4181 to -122.2346).
fn seattle_grid() -> RoadMap {
    let spec = GridSpec {
        n: 60,
        posts_per_side: 3,
        spacing_m: 500.0,
        speed_kmh: 36.0,
    };
    let mut map = grid_map(&spec);
    let half = f64::from(spec.n - 1) * spec.spacing_m / 2.0;
    let centre = GeoOrigin {
        lat_deg: (47.4960 + 47.7579) / 2.0,
        lon_deg: (-122.4181 - 122.2346) / 2.0,
    };
    let (lat_deg, lon_deg) = centre.unproject(-half, -half);
    map.origin = Some(GeoOrigin { lat_deg, lon_deg });
    map
}

#[test]
fn seattle_rows_are_calls_or_reported_bad_rows() {
    let map = seattle_grid();
    let h = import_history(
        &seattle_csv(),
        &seattle_spec(),
        "seattle-columns.toml",
        "",
        &map,
        None,
    )
    .unwrap();
    let r = &h.report;
    println!("{}", r.text(&h.file));
    // PROVENANCE.md: 13,771 data rows; 25 ISO rows, all with hour 24.
    assert_eq!(r.rows, 13_771);
    assert_eq!(h.calls.len() + r.bad.len(), r.rows);
    let hour24: Vec<_> = r.bad.iter().filter(|b| b.kind == BadKind::Hour24).collect();
    assert_eq!(hour24.len(), 25);
    assert!(hour24.iter().all(|b| b.value.contains("T24:")));
    let midnight: Vec<_> = r
        .bad
        .iter()
        .filter(|b| b.kind == BadKind::MidnightPm)
        .collect();
    assert!(!midnight.is_empty());
    assert!(
        midnight
            .iter()
            .all(|b| b.value.contains(" 12:") && b.value.contains("PM"))
    );
    // Every bad row is reported with its line (header = line 1), in line order, once.
    assert!(r.bad.iter().all(|b| (2..=13_772).contains(&b.line)));
    assert!(r.bad.windows(2).all(|w| w[0].line < w[1].line));
    let calls_lines: std::collections::HashSet<usize> = h.calls.iter().map(|c| c.line).collect();
    assert!(r.bad.iter().all(|b| !calls_lines.contains(&b.line)));
    // PROVENANCE.md: four types, all kept.
    assert_eq!(h.type_names.len(), 4);
    let text = r.text("seattle.csv");
    assert!(text.contains("seattle.csv: line "), "{text}");
}

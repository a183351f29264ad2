//! Call history: import of a cut of the real Seattle file (tests/data/seattle-911-mva-cut.csv,
//! City of Seattle, CC0 1.0; see tests/data/PROVENANCE.md), replay through a scenario,
//! calibration and its round trip.

use crate::common;

use patrolsim::history::{BadKind, Calibration, HistorySpec, import_history};
use patrolsim::map::{GeoOrigin, GridSpec, RoadMap, grid_map, write_map};
use patrolsim::scenario::{OnSceneTime, Scenario};
use patrolsim::sim::{DemandModel, Model, Streams};
use std::path::{Path, PathBuf};

fn seattle_csv() -> PathBuf {
    common::data("seattle-911-mva-cut.csv")
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
    // tests/data/PROVENANCE.md, counted by scripts/seattle-cut-counts.py: 3,000 data rows, of
    // them 12 ISO rows all with hour 24, 87 midnight calls written "12:xx PM", 6 without a
    // position, and no other bad row.
    assert_eq!(r.rows, 3_000);
    assert_eq!(h.calls.len() + r.bad.len(), r.rows);
    let of_kind = |kind| r.bad.iter().filter(move |b| b.kind == kind);
    assert_eq!(of_kind(BadKind::Hour24).count(), 12);
    assert!(of_kind(BadKind::Hour24).all(|b| b.value.contains("T24:")));
    assert_eq!(of_kind(BadKind::MidnightPm).count(), 87);
    assert!(
        of_kind(BadKind::MidnightPm).all(|b| b.value.contains(" 12:") && b.value.contains("PM"))
    );
    assert_eq!(of_kind(BadKind::Position).count(), 6);
    assert_eq!((h.calls.len(), r.bad.len()), (2_895, 105));
    // Every bad row is reported with its line (header = line 1), in line order, once.
    assert!(r.bad.iter().all(|b| (2..=3_001).contains(&b.line)));
    assert!(r.bad.windows(2).all(|w| w[0].line < w[1].line));
    let calls_lines: std::collections::HashSet<usize> = h.calls.iter().map(|c| c.line).collect();
    assert!(r.bad.iter().all(|b| !calls_lines.contains(&b.line)));
    // Four types, all kept.
    assert_eq!(h.type_names.len(), 4);
    let text = r.text("seattle.csv");
    assert!(text.contains("seattle.csv: line "), "{text}");
}

/// The parts of a scenario on a 5 × 5 SPEC grid (20 s a block) with one unit at (2, 2), before
/// its demand.
const GRID_BASE: &str = r#"
name = "history"
seed = 5
days = 1
warmup_hours = 0
[map.grid]
n = 5
posts_per_side = 1
[dispatch]
delay_s = 60
[units_per_post]
per_post = 1
"#;

const TWO_TYPES: &str = r#"
[[incident_types]]
name = "crash"
priority = 1
share = 0.5
on_scene = { distribution = "fixed", mean_min = 10 }
[[incident_types]]
name = "theft"
priority = 2
share = 0.5
on_scene = { distribution = "fixed", mean_min = 20 }
"#;

#[test]
fn replay_plays_the_records_times_places_types_and_on_scene_times() {
    let dir = tempfile::tempdir().unwrap();
    // Local times in Berlin (UTC+1 in January): 00:30 local is time 1800 s of 2024-01-10.
    std::fs::write(
        dir.path().join("calls.csv"),
        "when,node,kind,on_scene_min\n\
         2024-01-10 00:30:00,0,Crash,5\n\
         2024-01-10 02:00:00,24,Theft,\n\
         2024-01-09 23:00:00,12,Crash,5\n\
         2024-01-10 03:00:00,12,Arson,5\n",
    )
    .unwrap();
    let text = format!(
        "{GRID_BASE}{TWO_TYPES}[demand.history]\nfile = \"calls.csv\"\ntime_column = \"when\"\n\
         time_zone = \"Europe/Berlin\"\ntype_column = \"kind\"\nstart = \"2024-01-10\"\n\
         types = {{ Crash = \"crash\", Theft = \"theft\" }}\n"
    );
    let scenario = Scenario::from_toml(&text, "replay.toml", dir.path()).unwrap();
    let h = scenario.history.clone().unwrap();
    // The unmapped type is a bad row; the call of the day before is left out, not dropped.
    assert_eq!(h.report.rows, 4);
    assert_eq!(h.report.bad.len(), 1);
    assert_eq!(
        (h.report.bad[0].line, h.report.bad[0].kind),
        (5, BadKind::Type)
    );
    assert_eq!((h.len(), h.before_start, h.after_end), (2, 1, 0));
    let out = Model::new(scenario).run(0);
    assert_eq!(out.calls.len(), 2);
    let (a, b) = (&out.calls[0], &out.calls[1]);
    // Node 0 is (0, 0): 4 blocks from the unit; node 24 is (4, 4): 4 blocks.
    assert_eq!((a.call_s, a.node, a.incident_type), (1800.0, 0, 0));
    assert_eq!(a.first_arrival_s, Some(1800.0 + 60.0 + 80.0));
    assert_eq!(a.clear_s, Some(1800.0 + 60.0 + 80.0 + 300.0)); // 5 min from the record
    assert_eq!((b.call_s, b.node, b.incident_type), (7200.0, 24, 1));
    // No on-scene time in the record: the type's fixed 20 minutes is drawn.
    assert_eq!(b.clear_s, Some(7200.0 + 60.0 + 80.0 + 1200.0));
}

#[test]
fn history_errors_name_the_file_key_value_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("calls.csv"),
        "time,node,type\n2024-01-10T00:30:00+0000,0,crash\n2024-01-10T24:10:00+0000,1,crash\n",
    )
    .unwrap();
    let scenario = |extra: &str| {
        let text = format!("{GRID_BASE}{TWO_TYPES}[demand.history]\nfile = \"calls.csv\"\n{extra}");
        Scenario::from_toml(&text, "bad.toml", dir.path())
            .err()
            .map(|e| e.to_string())
    };
    assert_eq!(
        scenario("time_zone = \"Mars/Olympus\"\n").unwrap(),
        "bad.toml: demand.history.time_zone = \"Mars/Olympus\": not an IANA time zone (e.g. \
         \"UTC\", \"America/Los_Angeles\")"
    );
    let e = scenario("time_column = \"when\"\n").unwrap();
    assert!(e.starts_with("bad.toml: demand.history.time_column = \"when\": no such column in "));
    assert!(e.ends_with("calls.csv (columns: time, node, type)"), "{e}");
    let e = scenario("strict = true\n").unwrap();
    assert!(
        e.ends_with(
            "calls.csv: line 3: time: \"2024-01-10T24:10:00+0000\": hour 24 is not a time of \
             day (hours are 00 to 23)"
        ),
        "{e}"
    );
    let e = scenario("bogus = 1\n").unwrap();
    assert!(e.contains("unknown field `bogus`"), "{e}");
    // Without strict the bad row is skipped and reported, the good one replayed.
    assert_eq!(scenario(""), None);
}

/// Hourly calls of the round-trip scenario: 1 to 5 calls an hour over the day.
fn round_trip_profile() -> Vec<f64> {
    (0..24)
        .map(|h| 3.0 + 2.0 * (std::f64::consts::TAU * f64::from(h) / 24.0).sin())
        .collect()
}

#[test]
fn calibration_recovers_the_rates_shares_and_on_scene_times_of_simulated_calls() {
    let days = 365.0;
    let profile = round_trip_profile();
    let types = r#"
[[incident_types]]
name = "crash"
priority = 1
share = 0.3
on_scene = { distribution = "lognormal", mean_min = 30, sd_min = 15 }
[[incident_types]]
name = "theft"
priority = 2
share = 0.7
on_scene = { distribution = "lognormal", mean_min = 60, sd_min = 45 }
"#;
    let text = format!(
        "{}{types}[demand]\nplacement = \"uniform\"\nhourly_profile = {profile:?}\n",
        GRID_BASE.replace("days = 1", &format!("days = {days}"))
    );
    let scenario = Scenario::from_toml(&text, "truth.toml", Path::new(".")).unwrap();
    // The scenario's own calls, as the engine draws them, written as a history file.
    let demand = DemandModel::new(&scenario);
    let mut streams = Streams::new(scenario.seed, 0);
    let epoch = chrono::DateTime::parse_from_rfc3339("2023-01-02T00:00:00Z").unwrap();
    let mut csv = String::from("time,node,type,on_scene_min\n");
    let mut t = 0.0;
    loop {
        let call = demand.next_call(t, &mut streams);
        if call.call_s >= days * 86_400.0 {
            break;
        }
        t = call.call_s;
        // Whole seconds, as records keep them.
        let at = epoch + chrono::TimeDelta::seconds(call.call_s.floor() as i64);
        csv += &format!(
            "{},{},{},{}\n",
            at.format("%Y-%m-%dT%H:%M:%S%z"),
            call.node,
            scenario.incident_types[usize::from(call.incident_type)].name,
            call.on_scene_s / 60.0
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("simulated.csv");
    std::fs::write(&path, csv).unwrap();
    let history = import_history(
        &path,
        &HistorySpec::default(),
        "default",
        "",
        &scenario.map,
        None,
    )
    .unwrap();
    assert!(history.report.bad.is_empty());
    let c = Calibration::of(&history, &scenario.map);
    let n = c.calls as f64;
    println!("{} calls on {} days", c.calls, c.days);
    assert_eq!(c.days, days as usize);
    // Rates: each hour within 4 standard errors of a Poisson mean over the days.
    for (h, (fit, truth)) in c.hours.iter().zip(&profile).enumerate() {
        let se = (truth / days).sqrt();
        assert!(
            (fit.mean - truth).abs() < 4.0 * se,
            "hour {h}: {} vs {truth}",
            fit.mean
        );
        // Poisson counts: the dispersion index within 4 standard errors (sqrt(2 / df)) of 1.
        assert!(
            (fit.dispersion() - 1.0).abs() < 4.0 * (2.0 / fit.df).sqrt(),
            "hour {h}"
        );
    }
    // Type shares within 4 binomial standard errors.
    let truths: [(&str, f64, f64, f64); 2] =
        [("crash", 0.3, 30.0, 15.0), ("theft", 0.7, 60.0, 45.0)];
    // Types are listed in order of first appearance.
    for (name, share, mean, sd) in truths {
        let ty = c.types.iter().find(|t| t.name == name).unwrap();
        assert!((ty.share - share).abs() < 4.0 * (share * (1.0 - share) / n).sqrt());
        // Log-normal parameters within 4 standard errors of the ML estimates:
        // se(mu) = sigma / sqrt(n), se(sigma) = sigma / sqrt(2 n).
        let sigma = (1.0 + (sd / mean).powi(2)).ln().sqrt();
        let mu = mean.ln() - sigma * sigma / 2.0;
        let f = ty.on_scene.unwrap();
        let k = f.n as f64;
        assert!(
            (f.mu - mu).abs() < 4.0 * sigma / k.sqrt(),
            "{name}: mu {}",
            f.mu
        );
        assert!(
            (f.sigma - sigma).abs() < 4.0 * sigma / (2.0 * k).sqrt(),
            "{name}"
        );
        // Hence the mean and sd the scenario takes back within 3 % and 5 %.
        assert!(
            (f.mean_min() / mean - 1.0).abs() < 0.03,
            "{name}: {}",
            f.mean_min()
        );
        assert!(
            (f.sd_min() / sd - 1.0).abs() < 0.05,
            "{name}: {}",
            f.sd_min()
        );
    }
    // The fragment is a valid demand for a scenario, with the fitted values.
    let fragment = c.fragment_toml();
    let pasted = format!("{GRID_BASE}{fragment}");
    let back = Scenario::from_toml(&pasted, "pasted.toml", Path::new(".")).unwrap();
    for (h, fit) in c.hours.iter().enumerate() {
        assert!((back.hourly_calls[h] - fit.mean).abs() < 1e-6);
    }
    assert_eq!(back.incident_types.len(), 2);
    match back.incident_types[1].on_scene {
        OnSceneTime::LogNormal { mean_s, .. } => {
            assert!((mean_s / 60.0 - c.types[1].on_scene.unwrap().mean_min()).abs() < 1e-3)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn calibrate_on_seattle_end_to_end_and_strict_fails_on_the_first_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("seattle-grid.json");
    write_map(&seattle_grid(), &map, None).unwrap();
    let columns =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history/seattle-columns.toml");
    let out_dir = dir.path().join("out");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "calibrate".to_string(),
            seattle_csv().display().to_string(),
            "--map".into(),
            map.display().to_string(),
            "--columns".into(),
            columns.display().to_string(),
            "-o".into(),
            out_dir.display().to_string(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        common::patrolsim(
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
            dir.path(),
        )
    };
    let out = run(&["--strict"]);
    // The first bad row met while reading is the hour-24 row at line 146.
    common::assert_bad_input(&out, &["seattle-911-mva-cut.csv: line 146: Datetime: "]);
    assert!(!out_dir.join("demand.toml").exists());

    let out = run(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{stdout}");
    // Rows: calls plus bad rows; the first bad rows are shown with their lines.
    let h = import_history(
        &seattle_csv(),
        &seattle_spec(),
        "c",
        "",
        &seattle_grid(),
        None,
    )
    .unwrap();
    assert!(stdout.contains(&format!(
        "3000 rows: {} calls, {} bad rows skipped",
        h.calls.len(),
        h.report.bad.len()
    )));
    assert!(stdout.contains("  skipped: "));
    // The fragment: valid TOML; its hourly profile times the days is the number of good calls.
    let fragment = std::fs::read_to_string(out_dir.join("demand.toml")).unwrap();
    let value: toml::Value = toml::from_str(&fragment).unwrap();
    let profile: Vec<f64> = value["demand"]["hourly_profile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect();
    assert_eq!(profile.len(), 24);
    let c = Calibration::of(&h, &seattle_grid());
    let total: f64 = profile.iter().sum::<f64>() * c.days as f64;
    assert!((total - h.calls.len() as f64).abs() <= 24.0 * 5e-7 * c.days as f64 + 1e-9);
    // Types and shares from the file; the share sum is checked by the scenario loader.
    assert_eq!(value["incident_types"].as_array().unwrap().len(), 4);
    let pasted = format!("{GRID_BASE}{fragment}");
    Scenario::from_toml(&pasted, "pasted.toml", Path::new(".")).unwrap();
    // The chart, in both formats.
    let svg = std::fs::read_to_string(out_dir.join("hourly-profile.svg")).unwrap();
    assert!(svg.contains("Calls per hour by hour of day"));
    let png = std::fs::read(out_dir.join("hourly-profile.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn midnight_written_as_pm_is_found_by_the_sequence_and_skipped_or_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.csv");
    // Call 2 is 00:10 written "12:10 PM"; call 4 is a real 12:40 PM, in order.
    std::fs::write(
        &path,
        "no,time,node,type\n\
         1,01/10/2024 11:50:00 PM +0000,0,crash\n\
         2,01/11/2024 12:10:00 PM +0000,1,crash\n\
         3,01/11/2024 12:30:00 AM +0000,2,crash\n\
         4,01/11/2024 12:40:00 PM +0000,3,crash\n\
         5,01/11/2024 01:00:00 PM +0000,4,crash\n",
    )
    .unwrap();
    let map = grid_map(&GridSpec {
        n: 3,
        posts_per_side: 1,
        spacing_m: 200.0,
        speed_kmh: 36.0,
    });
    let mut spec = HistorySpec {
        time_formats: vec!["%m/%d/%Y %I:%M:%S %p %z".into()],
        sequence_column: Some("no".into()),
        ..HistorySpec::default()
    };
    let skipped = import_history(&path, &spec, "m", "", &map, None).unwrap();
    assert_eq!(skipped.calls.len(), 4);
    assert_eq!(skipped.report.bad.len(), 1);
    let bad = &skipped.report.bad[0];
    assert_eq!((bad.line, bad.kind), (3, BadKind::MidnightPm));
    assert_eq!(
        bad.to_string(),
        "line 3: time: \"01/11/2024 12:10:00 PM +0000\": out of order between no \"1\" and \
         \"3\"; read as 00:xx it is in order: midnight written as PM"
    );
    spec.midnight_pm = patrolsim::history::MidnightPm::Fix;
    let fixed = import_history(&path, &spec, "m", "", &map, None).unwrap();
    assert_eq!((fixed.calls.len(), fixed.report.bad.len()), (5, 0));
    assert_eq!(fixed.report.corrected.len(), 1);
    assert_eq!(fixed.calls[1].utc.to_rfc3339(), "2024-01-11T00:10:00+00:00");
    assert_eq!(fixed.calls[3].utc.to_rfc3339(), "2024-01-11T12:40:00+00:00");
}

/// The replayed times of the calls in `csv` (columns when, node, kind) in `zone`, with `start`
/// given or not, and the kinds of the bad rows.
fn replayed(csv: &str, zone: &str, start: Option<&str>) -> (Vec<f64>, Vec<BadKind>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("calls.csv"), csv).unwrap();
    let start = start.map_or(String::new(), |s| format!("start = \"{s}\"\n"));
    let text = format!(
        "{GRID_BASE}{TWO_TYPES}[demand.history]\nfile = \"calls.csv\"\ntime_column = \"when\"\n\
         time_zone = \"{zone}\"\ntype_column = \"kind\"\n{start}\
         types = {{ Crash = \"crash\", Theft = \"theft\" }}\n"
    );
    let scenario = Scenario::from_toml(&text, "dst.toml", dir.path()).unwrap();
    let h = scenario.history.clone().unwrap();
    let times = h.new_calls(|_| 60.0).iter().map(|c| c.call_s).collect();
    (times, h.report.bad.iter().map(|b| b.kind).collect())
}

/// A history whose first day has no local midnight (America/Sao_Paulo put its clocks forward
/// at 00:00 on 2018-11-04): time 0 is 01:00 local, the day's first instant, with the start
/// date given and taken from the first call; a call written in the gap is a bad row; that day
/// is 23 hours long.
#[test]
fn a_start_date_without_midnight_starts_at_the_end_of_the_gap() {
    let csv = "when,node,kind\n2018-11-04 01:30:00,0,Crash\n2018-11-04 00:30:00,0,Crash\n\
               2018-11-05 00:00:00,0,Theft\n";
    let expected = (vec![1800.0, 23.0 * 3600.0], vec![BadKind::Time]);
    assert_eq!(
        replayed(csv, "America/Sao_Paulo", Some("2018-11-04")),
        expected
    );
    assert_eq!(replayed(csv, "America/Sao_Paulo", None), expected);
}

/// A day whose 01:00-01:59 happens twice (America/New_York, 2021-11-07): a local time without
/// an offset is its first occurrence (EDT), one with an offset is that instant; the day is 25
/// hours long on the simulated clock.
#[test]
fn a_repeated_local_hour_is_read_as_its_first_occurrence() {
    let csv = "when,node,kind\n2021-11-07 01:30:00,0,Crash\n2021-11-07T01:30:00-0500,0,Crash\n\
               2021-11-07 22:30:00,0,Theft\n";
    let (times, bad) = replayed(csv, "America/New_York", Some("2021-11-07"));
    // 22:30 local (EST) is 23.5 hours after midnight (EDT).
    assert_eq!(times, [5400.0, 9000.0, 23.5 * 3600.0]);
    assert!(bad.is_empty(), "{bad:?}");
}

//! `patrolsim run` ends with a report; `patrolsim report DIR` redraws it from the folder alone.
//! With `PATROLSIM_CHROMIUM=1` (CI sets it after installing Debian's chromium), report.html is
//! also rendered in headless Chromium and the screenshot must show the page; then a missing
//! browser is a failure, not a skip.

mod common;

use common::{data, patrolsim};
use std::path::Path;
use std::process::Command;

/// Decodes the PNG at `path`; returns (width, height, number of distinct RGB colours).
fn png_stats(path: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let colours: std::collections::HashSet<&[u8]> = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|px| &px[..3.min(channels)])
        .collect();
    (info.width, info.height, colours.len())
}

/// Runs the tiny scenario into a temporary folder; returns the folder.
fn tiny_run(extra: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = data("tiny-grid.toml");
    let dir = tmp.path().join("run");
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = patrolsim(&args, tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmp
}

#[test]
fn run_writes_charts_and_report() {
    let tmp = tiny_run(&[]);
    let dir = tmp.path().join("run");
    for (stem, title) in [
        (
            "chart_response_cdf",
            "Time to first unit on scene, by priority",
        ),
        (
            "chart_crews",
            "Crews: time busy and time on the street, by layer",
        ),
    ] {
        let (w, h, colours) = png_stats(&dir.join(format!("{stem}.png")));
        assert_eq!((w, h), (900, 540));
        assert!(colours > 5, "{stem}.png looks blank ({colours} colours)");
        let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{stem}.svg");
        assert!(svg.contains(title), "{stem}.svg lacks its title");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("Priority 1"));
    assert!(html.contains("name = \"tiny-grid\""), "scenario parameters");
    assert!(!html.contains("<script"), "the report needs no scripts");
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("![Response times](chart_response_cdf.png)"));
}

#[test]
fn no_report_then_report_command() {
    let tmp = tiny_run(&["--no-report"]);
    let dir = tmp.path().join("run");
    assert!(!dir.join("report.html").exists());
    let out = patrolsim(&["report", dir.to_str().unwrap()], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("report.html").exists());
    assert!(dir.join("chart_crews.png").exists());
}

#[test]
fn report_on_a_folder_without_tables_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = patrolsim(&["report", "."], tmp.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("calls.parquet"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn report_renders_in_headless_chromium() {
    if std::env::var("PATROLSIM_CHROMIUM").as_deref() != Ok("1") {
        println!("SKIPPED: set PATROLSIM_CHROMIUM=1 to render report.html in headless Chromium");
        return;
    }
    let tmp = tiny_run(&[]);
    let html = tmp.path().join("run/report.html");
    let shot = tmp.path().join("shot.png");
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1200,3000")
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("PATROLSIM_CHROMIUM=1 but chromium cannot be started");
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (w, h, colours) = png_stats(&shot);
    assert_eq!((w, h), (1200, 3000));
    // Text, table borders and the charts' series colours: far more than a blank page.
    assert!(
        colours > 50,
        "the screenshot looks blank ({colours} colours)"
    );
}

#[test]
fn a_report_on_openstreetmap_data_carries_the_odbl_attribution() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("monaco");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_patrolsim"))
        .args([
            "run",
            "scenarios/osm-monaco.toml",
            "--replications",
            "1",
            "-o",
        ])
        .arg(&out_dir)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["report.html", "report.md", "ATTRIBUTION.txt"] {
        let text = std::fs::read_to_string(out_dir.join(file)).unwrap();
        assert!(
            text.contains("© OpenStreetMap contributors"),
            "{file}: no attribution"
        );
    }
}

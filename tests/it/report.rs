//! `patrolsim run` ends with a report; `patrolsim report DIR` redraws it from the folder alone.
//! With `PATROLSIM_CHROMIUM=1` (CI sets it after installing Debian's chromium), report.html is
//! also rendered in headless Chromium and the screenshot must show the page; then a missing
//! browser is a failure, not a skip.

use crate::common;

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

/// Checks `<stem>.png` decodes at `size` with more than a few colours and `<stem>.svg` carries
/// `title`.
fn assert_chart(dir: &Path, stem: &str, size: (u32, u32), title: &str) {
    let (w, h, colours) = png_stats(&dir.join(format!("{stem}.png")));
    assert_eq!((w, h), size, "{stem}.png");
    assert!(colours > 5, "{stem}.png looks blank ({colours} colours)");
    let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap();
    assert!(svg.starts_with("<svg"), "{stem}.svg");
    assert!(svg.contains(title), "{stem}.svg lacks its title {title:?}");
}

/// Every percentage written in `text` lies in 0..=100.
fn assert_percentages_in_range(text: &str) {
    for (i, _) in text.match_indices(" %") {
        let number: String = text[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Ok(v) = number.parse::<f64>() {
            assert!((0.0..=100.0).contains(&v), "{v} % out of range");
        }
    }
}

#[test]
fn run_writes_charts_and_report() {
    let tmp = tiny_run(&[]);
    let dir = tmp.path().join("run");
    let charts = [
        (
            "chart_response_cdf",
            (900, 540),
            "Time to first unit on scene, by priority",
        ),
        (
            "chart_by_hour",
            (900, 760),
            "Calls, crews on duty and promises kept, by hour of day",
        ),
        (
            "chart_map",
            (900, 760),
            "Mean time to first unit on scene, by place",
        ),
        (
            "chart_crews",
            (900, 540),
            "Crews: time busy and time on the street, by layer",
        ),
    ];
    for (stem, size, title) in charts {
        assert_chart(&dir, stem, size, title);
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 4);
    for (stem, _, _) in charts {
        assert!(
            html.contains(&format!("id=\"{stem}\"")),
            "{stem} not in the page"
        );
    }
    assert!(html.contains("Priority 1"));
    assert!(html.contains("name = \"tiny-grid\""), "scenario parameters");
    assert!(!html.contains("<script"), "the report needs no scripts");
    // Nothing fetched: no sources, links, imports or remote URLs (SVG namespaces aside).
    for fetch in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(fetch), "the report fetches nothing: {fetch}");
    }
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("![Response times](chart_response_cdf.png)"));
    assert!(md.contains("![Map](chart_map.png)"));
    // The map chart has the grid's four kiosks and no checkpoint in its legend.
    let map = std::fs::read_to_string(dir.join("chart_map.svg")).unwrap();
    assert!(map.contains("\nPost\n") && !map.contains("Checkpoint"));
    assert!(map.contains("1 km"), "scale bar");
}

#[test]
fn report_in_chinese() {
    let tmp = tiny_run(&["--lang", "zh"]);
    let dir = tmp.path().join("run");
    assert_chart(
        &dir,
        "chart_response_cdf",
        (900, 540),
        "首车到场时间 (按优先级)",
    );
    assert_chart(
        &dir,
        "chart_by_hour",
        (900, 760),
        "各小时警情、在岗警组与承诺达成率",
    );
    assert_chart(&dir, "chart_map", (900, 760), "各地点首车平均到场时间");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("lang=\"zh-CN\""));
    assert!(html.contains("<h1>接处警承诺: tiny-grid</h1>"));
    assert!(html.contains("全部警情"));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("## 概要"));
}

#[test]
fn sweep_writes_its_report_with_intervals_inside_zero_to_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sweep");
    let out = patrolsim(
        &[
            "sweep",
            data("tiny-sweep.toml").to_str().unwrap(),
            "-o",
            dir.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_chart(
        &dir,
        "chart_sweep",
        (900, 540),
        "First unit ≤ 5 min: share of calls across the sweep",
    );
    let svg = std::fs::read_to_string(dir.join("chart_sweep.svg")).unwrap();
    assert!(svg.contains("Target 90 %"));
    assert!(
        svg.contains("units_per_post.per_post"),
        "the swept key on the x axis"
    );
    assert!(
        svg.contains("dispatch.delay_s = 60.5"),
        "one line per other axis value"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 1);
    // Six points, each with its interval.
    assert_eq!(html.matches("<tr><td>").count(), 6);
    assert!(html.contains("clipped to 0–100 %"));
    assert_percentages_in_range(&html);
    assert!(html.contains("No value meets the target") || html.contains("Least value"));
    // `report` on the sweep folder writes the same page.
    let again = patrolsim(&["report", dir.to_str().unwrap()], tmp.path());
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("report.html")).unwrap(),
        html
    );
}

#[test]
fn compare_two_runs() {
    let tmp = tiny_run(&[]);
    let base = std::fs::read_to_string(data("tiny-grid.toml")).unwrap();
    let proposal = base
        .replace("per_post = 1", "per_post = 2")
        .replace("name = \"tiny-grid\"", "name = \"proposal\"");
    assert_ne!(base, proposal);
    let file = tmp.path().join("proposal.toml");
    std::fs::write(&file, proposal).unwrap();
    let run = patrolsim(
        &[
            "run",
            file.to_str().unwrap(),
            "-o",
            "proposal",
            "--no-report",
        ],
        tmp.path(),
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = patrolsim(&["compare", "run", "proposal", "-o", "cmp"], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tmp.path().join("cmp");
    assert_chart(
        &dir,
        "chart_compare",
        (1100, 580),
        "Promises kept, run by run",
    );
    let svg = std::fs::read_to_string(dir.join("chart_compare.svg")).unwrap();
    assert!(svg.contains("tiny-grid") && svg.contains("proposal"));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 1);
    // What differs: the name and the crews per post, with each run's value.
    assert!(
        html.contains("<td>units_per_post.per_post</td><td>1</td><td>2</td>"),
        "{html}"
    );
    assert!(
        !html.contains("<td>seed</td>"),
        "equal values are not differences"
    );
    assert_percentages_in_range(&html);
    let one = patrolsim(&["compare", "run", "-o", "cmp1"], tmp.path());
    assert!(!one.status.success(), "one run is not a comparison");
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
    assert!(stderr.contains("no run in this folder"), "{stderr}");
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
    let chromium = |extra: &[String]| {
        Command::new("chromium")
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
            .args(extra)
            .arg(format!("file://{}", html.display()))
            .output()
            .expect("PATROLSIM_CHROMIUM=1 but chromium cannot be started")
    };
    let out = chromium(&[
        format!("--screenshot={}", shot.display()),
        "--window-size=1200,3000".to_owned(),
    ]);
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
    // The page as Chromium parsed it holds every chart.
    let dom = String::from_utf8(chromium(&["--dump-dom".to_owned()]).stdout).unwrap();
    assert_eq!(
        dom.matches("<svg").count(),
        4,
        "charts in the rendered page"
    );
    for stem in [
        "chart_response_cdf",
        "chart_by_hour",
        "chart_map",
        "chart_crews",
    ] {
        assert!(
            dom.contains(&format!("id=\"{stem}\"")),
            "{stem} not rendered"
        );
    }
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

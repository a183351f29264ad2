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
    // The four charts and the interactive map.
    assert_eq!(html.matches("<svg").count(), 5);
    assert!(html.contains("<figure class=\"imap\" id=\"imap\">"));
    for (stem, _, _) in charts {
        assert!(
            html.contains(&format!("id=\"{stem}\"")),
            "{stem} not in the page"
        );
    }
    assert!(html.contains("Priority 1"));
    assert!(html.contains("name = \"tiny-grid\""), "scenario parameters");
    // The interactive map's figures and its script, inline: the only scripts.
    assert_eq!(html.matches("<script").count(), 2);
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
    let tmp = tiny_run(&["--lang", "zh", "--replications", "1"]);
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
    assert!(html.contains("<th>各次重复的 95% 置信区间</th>"));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("## 概要"));
    // The promise table and where the promises break, in Chinese; one replication, so no
    // interval.
    assert!(md.contains("| 承诺 | 警情范围 | 适用数 | 达成率 | 各次重复的 95% 置信区间 | 备注 |"));
    assert!(md.contains("| 首车 ≤ 5 分钟 | 全部警情 |"), "{md}");
    assert!(md.contains("| — (仅一次重复) |"), "{md}");
    assert!(md.contains("## 承诺在何处失守"));
    assert!(md.contains("### 全部警力 ≤ 10 分钟"));
    assert!(md.contains("| 区域 | 适用数 | 未达成 | 达成率 |") || md.contains("从未失守"));
    assert!(md.contains("| 时段 | 适用数 | 未达成 | 达成率 |"), "{md}");
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
        5,
        "charts and the interactive map in the rendered page"
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
    // The promise table and where the promises break, as the browser parsed them.
    assert!(
        dom.contains("<div id=\"promises\">"),
        "the promise table not rendered"
    );
    assert!(dom.contains("<td>First unit ≤ 5 min</td><td>All calls</td>"));
    assert!(dom.contains("<td>First unit ≤ 5 min</td><td>Priority 1</td>"));
    assert!(
        dom.contains("id=\"breaks\""),
        "where the promises break not rendered"
    );
}

/// The interactive map, driven through chromedriver: one circle per node of
/// results_nodes.geojson once its script has run, a screenshot of it that is not blank, and the
/// pointer over a node shows that node's figures.
#[test]
fn the_interactive_map_shows_a_nodes_figures_on_hover() {
    if std::env::var("PATROLSIM_CHROMIUM").as_deref() != Ok("1") {
        println!("SKIPPED: set PATROLSIM_CHROMIUM=1 to drive the interactive map in Chromium");
        return;
    }
    let tmp = tiny_run(&[]);
    let dir = tmp.path().join("run");
    let layer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results_nodes.geojson")).unwrap())
            .unwrap();
    let nodes = layer["features"].as_array().unwrap();
    let browser = crate::webdriver::Browser::start(1200, 1000);
    browser.open(&dir.join("report.html"));
    let marks = browser.run(
        "return document.querySelectorAll('#imap .imap-node').length;",
        vec![],
    );
    assert_eq!(marks.as_u64().unwrap() as usize, nodes.len(), "node marks");

    let figure = browser.find("#imap svg");
    let shot = tmp.path().join("imap.png");
    std::fs::write(&shot, browser.screenshot(&figure)).unwrap();
    let (_, _, colours) = png_stats(&shot);
    // Roads, the five colour classes, marks, legend text: far more than a blank map.
    assert!(colours > 20, "the map looks blank ({colours} colours)");

    // The last circle is drawn over every other: the pointer on it is on it.
    let last = nodes.len() - 1;
    browser.hover(&browser.find(&format!("#imap .imap-node[data-i=\"{last}\"]")));
    let tip = browser.run(
        "var t = document.getElementById('imap-tip'); return t.hidden ? null : t.textContent;",
        vec![],
    );
    let tip = tip.as_str().expect("no figures shown on hover");
    let p = &nodes[last]["properties"];
    assert!(tip.starts_with(&format!("Node {} ", p["node"])), "{tip}");
    assert!(tip.contains(&format!("Calls: {}\n", p["calls"])), "{tip}");
    let share = p["on_scene_5min_share"].as_f64().unwrap();
    assert!(
        // The page rounds to 0.1 %.
        tip.contains(&format!(
            "First unit ≤ 5 min: {:.1} %",
            (share * 1000.0).round() / 10.0
        )),
        "{tip}"
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

/// A share as the report writes it.
fn pct(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// The tables of a Markdown text: each a list of rows of cells, the header first (the `---`
/// row left out).
fn md_tables(text: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        let Some(inner) = line.strip_prefix("| ").and_then(|l| l.strip_suffix(" |")) else {
            in_table = false;
            continue;
        };
        if !in_table {
            tables.push(Vec::new());
            in_table = true;
        }
        if !inner.starts_with("---") {
            let cells = inner.split(" | ").map(str::to_owned).collect();
            tables.last_mut().unwrap().push(cells);
        }
    }
    tables
}

/// The text of `md` from the heading line `heading` to the next heading of its level or
/// higher.
fn md_section<'a>(md: &'a str, heading: &str) -> &'a str {
    let level = heading.split(' ').next().unwrap();
    let start = md
        .find(&format!("{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading:?} in:\n{md}"))
        + heading.len();
    let rest = &md[start..];
    let end = rest
        .match_indices("\n#")
        .find(|(i, _)| {
            let hashes = rest[i + 1..].chars().take_while(|&c| c == '#').count();
            hashes <= level.len()
        })
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

/// (applies, held) per group of a boolean promise column, nulls left out.
fn tallies(
    held: &[Option<bool>],
    keys: &[String],
) -> std::collections::BTreeMap<String, (usize, usize)> {
    let mut groups = std::collections::BTreeMap::new();
    for (k, h) in keys.iter().zip(held) {
        if let Some(h) = h {
            let g: &mut (usize, usize) = groups.entry(k.clone()).or_default();
            g.0 += 1;
            g.1 += usize::from(*h);
        }
    }
    groups
}

/// Checks a "where it breaks" table against the groups counted from the tables: each row's
/// counts, and that the rows are the worst groups, worst first.
fn assert_worst(
    table: &[Vec<String>],
    groups: &std::collections::BTreeMap<String, (usize, usize)>,
    what: &str,
) {
    let rows = &table[1..];
    let breaking = groups.values().filter(|(n, h)| h < n).count();
    assert_eq!(rows.len(), breaking.min(5), "{what}: rows");
    let share = |(n, h): (usize, usize)| h as f64 / n as f64;
    for row in rows {
        let &(n, h) = groups
            .get(&row[0])
            .unwrap_or_else(|| panic!("{what}: no group {}", row[0]));
        assert_eq!(row[1], n.to_string(), "{what} {}: applies to", row[0]);
        assert_eq!(row[2], (n - h).to_string(), "{what} {}: broken", row[0]);
        assert_eq!(row[3], pct(share((n, h))), "{what} {}: held", row[0]);
    }
    // Worst first, and no group left out holds less than the last one shown.
    let shown: Vec<f64> = rows.iter().map(|r| share(groups[&r[0]])).collect();
    assert!(shown.windows(2).all(|w| w[0] <= w[1]), "{what}: order");
    if let Some(&last) = shown.last() {
        let shown_keys: Vec<&String> = rows.iter().map(|r| &r[0]).collect();
        for (k, &g) in groups {
            if !shown_keys.contains(&k) && g.1 < g.0 {
                assert!(share(g) >= last, "{what}: {k} is worse than the rows shown");
            }
        }
    }
}

#[test]
fn the_summary_states_every_promise_and_where_it_breaks() {
    use polars::prelude::*;
    use serde_json::Value;
    // The cordon example (cordons, a sealing ring, several zones), two days counted, with one
    // crew at each post instead of two, so that every promise breaks somewhere.
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("scenarios/cordon-example.toml")).unwrap();
    let short = example
        .replace("\ndays = 7\n", "\ndays = 2\n")
        .replace("\nper_post = 2\n", "\nper_post = 1\n");
    assert!(short.contains("\ndays = 2\n") && short.contains("\nper_post = 1\n"));
    std::fs::write(tmp.path().join("cordon.toml"), short).unwrap();
    let out = patrolsim(&["run", "cordon.toml", "-o", "run"], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tmp.path().join("run");
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let summaries: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let (pooled, replications) = summaries.split_last().unwrap();
    assert_eq!(replications.len(), 2);
    let read = |stem: &str| {
        ParquetReader::new(std::fs::File::open(dir.join(format!("{stem}.parquet"))).unwrap())
            .finish()
            .unwrap()
    };
    let calls = read("calls");

    // The promise table: one row per promise and group, with summary.json's figures.
    let summary = md_section(&md, "## Summary");
    let promises = &md_tables(summary)[0];
    assert_eq!(promises[0][0], "Promise");
    let row = |promise: &str, group: &str| {
        promises
            .iter()
            .find(|r| r[0] == promise && r[1] == group)
            .unwrap_or_else(|| panic!("no row {promise} / {group} in {promises:?}"))
    };
    let count = |f: &Value, key: &str| f[key].as_u64().unwrap();
    let not_closed = |priority: Option<u64>| {
        let exits = calls.column("cordon_exits").unwrap().u32().unwrap();
        let closed = calls.column("cordon_closed_s").unwrap().f64().unwrap();
        let p = calls.column("priority").unwrap().u32().unwrap();
        (0..calls.height())
            .filter(|&i| {
                exits.get(i).is_some_and(|e| e > 0)
                    && closed.get(i).is_none()
                    && priority.is_none_or(|q| u64::from(p.get(i).unwrap()) == q)
            })
            .count()
    };
    let mut rows_checked = 0;
    for (promise, calls_key, share_key) in [
        ("First unit ≤ 5 min", "calls", "on_scene_5min_share"),
        (
            "All units ≤ 10 min",
            "reinforcement_calls",
            "reinforcement_10min_share",
        ),
        ("Cordon ≤ 30 min", "cordon_calls", "cordon_30min_share"),
    ] {
        assert!(count(pooled, calls_key) > 0, "{promise} applies to no call");
        let mut groups = vec![("All calls".to_owned(), pooled, None)];
        let applying: Vec<&Value> = pooled["by_priority"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| count(p, calls_key) > 0)
            .collect();
        // A row per priority where the promise applies to more than one.
        if applying.len() > 1 {
            for p in applying {
                let priority = p["priority"].as_u64().unwrap();
                groups.push((format!("Priority {priority}"), p, Some(priority)));
            }
        }
        for (group, f, priority) in groups {
            let r = row(promise, &group);
            assert_eq!(r[2], count(f, calls_key).to_string(), "{promise} {group}");
            assert_eq!(
                r[3],
                pct(f[share_key].as_f64().unwrap()),
                "{promise} {group}"
            );
            if promise.starts_with("Cordon") {
                assert!(
                    r[5].starts_with(&format!("{} rings not closed", not_closed(priority))),
                    "{r:?}"
                );
            }
            rows_checked += 1;
        }
        // The interval over all calls: Student t with 1 degree of freedom, clipped.
        let shares: Vec<f64> = replications
            .iter()
            .map(|s| s[share_key].as_f64().unwrap())
            .collect();
        let mean = (shares[0] + shares[1]) / 2.0;
        let half = 12.706_204_736 * (shares[0] - shares[1]).abs() / 2.0;
        assert_eq!(
            row(promise, "All calls")[4],
            format!(
                "{} – {}",
                pct((mean - half).clamp(0.0, 1.0)),
                pct((mean + half).clamp(0.0, 1.0))
            ),
            "{promise}"
        );
    }
    let sealing = &pooled["sealing"];
    for (promise, n, share) in [
        (
            "Sealing ring ≤ 10 min, at priority-1 dispatches",
            "at_calls",
            "at_calls_10min_share",
        ),
        (
            "Sealing ring ≤ 10 min, at sampled times",
            "at_samples",
            "at_samples_10min_share",
        ),
    ] {
        let r = row(promise, "—");
        assert_eq!(r[2], count(sealing, n).to_string());
        assert_eq!(r[3], pct(sealing[share].as_f64().unwrap()));
        rows_checked += 1;
    }
    assert_eq!(promises.len() - 1, rows_checked, "no other rows");

    // Where the promises break: counts against the calls and sealing tables.
    let breaks = md_section(&md, "## Where the promises break");
    let zones: Vec<String> = calls
        .column("zone")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|z| z.unwrap().to_owned())
        .collect();
    let hour = |s: Option<f64>| {
        let h = (s.unwrap() / 3600.0).floor() as i64 % 24;
        format!("{h:02}–{:02}", h + 1)
    };
    let call_hours: Vec<String> = calls
        .column("call_s")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .map(hour)
        .collect();
    for (promise, column) in [
        ("First unit ≤ 5 min", "on_scene_5min"),
        ("All units ≤ 10 min", "reinforcement_10min"),
        ("Cordon ≤ 30 min", "cordon_30min"),
    ] {
        let held: Vec<Option<bool>> = calls
            .column(column)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect();
        let tables = md_tables(md_section(breaks, &format!("### {promise}")));
        assert_eq!(tables.len(), 2, "{promise}: zones and hours");
        assert_eq!(tables[0][0][0], "Zone");
        assert_eq!(tables[1][0][0], "Hour of day");
        let by_zone = tallies(&held, &zones);
        assert!(by_zone.len() > 1, "{promise}: several zones");
        assert_worst(&tables[0], &by_zone, &format!("{promise} by zone"));
        assert_worst(
            &tables[1],
            &tallies(&held, &call_hours),
            &format!("{promise} by hour"),
        );
    }
    let sealing_table = read("sealing");
    let sealed: Vec<Option<bool>> = sealing_table
        .column("sealed_10min")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    let sealing_hours: Vec<String> = sealing_table
        .column("time_s")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .map(hour)
        .collect();
    let section = md_section(breaks, "### Sealing ring ≤ 10 min");
    assert!(section.contains("not measured by zone"), "{section}");
    let tables = md_tables(section);
    assert_eq!(tables.len(), 1);
    assert_worst(
        &tables[0],
        &tallies(&sealed, &sealing_hours),
        "sealing by hour",
    );

    // The page has the same tables.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<div id=\"promises\">\n<table>\n<tr><th>Promise</th>"));
    assert!(html.contains("<td>Sealing ring ≤ 10 min, at sampled times</td><td>—</td>"));
    assert!(html.contains("<h2 id=\"breaks\">Where the promises break</h2>"));
    assert_eq!(
        html.matches("<h3>").count(),
        4,
        "three promises and the sealing ring"
    );
    assert_percentages_in_range(&html);
}

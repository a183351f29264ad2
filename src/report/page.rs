//! The pieces report pages share: number formats, HTML and Markdown tables, the page frame.

use super::labels::Labels;
use crate::results::{CallFigures, Summary};
use polars::prelude::*;
use std::fmt::Write as _;

/// A share as a percentage with one decimal; a dash for none.
pub fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{:.1} %", s * 100.0))
}

/// Seconds as minutes with one decimal; a dash for none.
pub fn minutes(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "–".to_owned(), |s| format!("{:.1}", s / 60.0))
}

/// A table row of call figures: label, calls, 5-min share, 10-min share, mean and p90 minutes.
pub fn figures_row(label: String, f: &CallFigures) -> [String; 6] {
    [
        label,
        f.calls.to_string(),
        pct(f.on_scene_5min_share),
        pct(f.reinforcement_10min_share),
        minutes(f.mean_response_s),
        minutes(f.p90_response_s),
    ]
}

/// Rows of a summary table: all calls, then each priority.
pub fn summary_rows(summary: &Summary, t: &Labels) -> Vec<[String; 6]> {
    let mut rows = vec![figures_row(t.all_calls.to_owned(), &summary.all)];
    for p in &summary.by_priority {
        rows.push(figures_row(
            format!("{} {}", t.priority, p.priority),
            &p.figures,
        ));
    }
    rows
}

/// A data frame's cells as text, header first.
pub fn frame_rows(df: &DataFrame) -> Vec<Vec<String>> {
    let mut rows = vec![
        df.get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>(),
    ];
    for i in 0..df.height() {
        rows.push(
            df.columns()
                .iter()
                .map(|c| match c.get(i) {
                    Ok(AnyValue::Null) | Err(_) => String::new(),
                    Ok(AnyValue::String(s)) => s.to_owned(),
                    Ok(AnyValue::StringOwned(s)) => s.to_string(),
                    Ok(AnyValue::Float64(v)) => format!("{v:.2}"),
                    Ok(v) => v.to_string(),
                })
                .collect(),
        );
    }
    rows
}

/// Text made safe for HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An HTML table.
pub fn html_table<S: AsRef<str>>(header: &[S], rows: &[impl AsRef<[String]>]) -> String {
    let mut t = String::from("<table>\n<tr>");
    for h in header {
        let _ = write!(t, "<th>{}</th>", escape(h.as_ref()));
    }
    t.push_str("</tr>\n");
    for r in rows {
        t.push_str("<tr>");
        for c in r.as_ref() {
            let _ = write!(t, "<td>{}</td>", escape(c));
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

/// A Markdown table.
pub fn md_table<S: AsRef<str>>(header: &[S], rows: &[impl AsRef<[String]>]) -> String {
    let line = |cells: Vec<&str>| format!("| {} |\n", cells.join(" | "));
    let mut t = line(header.iter().map(AsRef::as_ref).collect());
    t.push_str(&line(header.iter().map(|_| "---").collect()));
    for r in rows {
        t.push_str(&line(r.as_ref().iter().map(String::as_str).collect()));
    }
    t
}

/// The start of a self-contained page: inline style (the interactive map's included), nothing
/// fetched; then the `<h1>` heading.
pub fn html_start(t: &Labels, heading: &str) -> String {
    let heading = escape(heading);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>patrolsim: {heading}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 960px; margin: 2em auto; color: #222; }}\n\
         table {{ border-collapse: collapse; margin: 1em 0; display: block; overflow-x: auto; }}\n\
         th, td {{ border: 1px solid #bbb; padding: 4px 8px; text-align: right; }}\n\
         th {{ background: #eee; }}\n\
         td {{ white-space: nowrap; }}\n\
         #promises td:first-child, #promises td:last-child {{ white-space: normal; \
         text-align: left; }}\n\
         figure {{ margin: 1em 0; }}\n\
         figure svg {{ max-width: 100%; height: auto; }}\n\
         pre {{ background: #f6f6f6; padding: 1em; overflow-x: auto; }}\n\
         {}</style>\n</head>\n<body>\n<h1>{heading}</h1>\n",
        t.html_lang,
        super::interactive_map::CSS
    )
}

/// A chart section: heading and the SVG inline.
pub fn html_figure(heading: &str, stem: &str, svg: &str) -> String {
    format!(
        "<h2>{}</h2>\n<figure class=\"chart\" id=\"{stem}\">\n{svg}\n</figure>\n",
        escape(heading)
    )
}

/// The end of a page: a preformatted parameters section, then the closing tags.
pub fn html_end(heading: &str, parameters: &str) -> String {
    format!(
        "<h2>{}</h2>\n<pre>{}</pre>\n</body>\n</html>\n",
        escape(heading),
        escape(parameters)
    )
}

/// The map data's attribution as a paragraph.
pub fn html_attribution(t: &Labels, attribution: &str) -> String {
    format!(
        "<p class=\"attribution\">{}: {}</p>\n",
        t.map_data,
        escape(attribution)
    )
}

/// The parameters section of a Markdown page.
pub fn md_parameters(t: &Labels, toml_text: &str) -> String {
    format!(
        "## {}\n\n```toml\n{}\n```\n",
        t.parameters,
        toml_text.trim_end()
    )
}

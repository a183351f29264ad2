//! Reading OSM data: PBF (the osmpbf crate) and XML, plain or gzip-compressed (quick-xml,
//! flate2). Both readers keep every node's position and only the ways that are drivable roads.

use super::OsmError;
use super::tags::{WayRoad, way_road};
use crate::progress::{self, Reading};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

/// A drivable way: its node ids in order and what its tags say.
#[derive(Debug, Clone)]
pub(super) struct RawWay {
    pub refs: Vec<i64>,
    pub road: WayRoad,
}

/// What the importer keeps of an OSM file.
#[derive(Debug, Default)]
pub(super) struct RawOsm {
    /// Position of every node, (latitude, longitude) in 1e-7 degrees, as OSM stores them.
    pub nodes: HashMap<i64, (i32, i32)>,
    /// Drivable ways, in file order.
    pub ways: Vec<RawWay>,
    /// Ways of any kind read.
    pub ways_read: usize,
}

impl RawOsm {
    /// Keeps node `id` at (lat, lon) in 1e-7 degrees; a node given twice or off the globe is
    /// an error (what is wrong with it).
    fn add_node(&mut self, id: i64, lat: i32, lon: i32) -> Result<(), (i64, String)> {
        if lat.unsigned_abs() > 900_000_000 || lon.unsigned_abs() > 1_800_000_000 {
            return Err((
                id,
                format!(
                    "latitude {} / longitude {}: not on the globe (latitude -90 to 90, \
                     longitude -180 to 180)",
                    f64::from(lat) * 1e-7,
                    f64::from(lon) * 1e-7
                ),
            ));
        }
        match self.nodes.insert(id, (lat, lon)) {
            None => Ok(()),
            Some(_) => Err((id, "given twice in the file".into())),
        }
    }

    fn add_way<'a>(&mut self, refs: Vec<i64>, tags: impl Iterator<Item = (&'a str, &'a str)>) {
        self.ways_read += 1;
        if let Some(road) = way_road(tags) {
            self.ways.push(RawWay { refs, road });
        }
    }
}

/// The two encodings, told apart by the first bytes of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsmFormat {
    /// Protocol-buffer binary format (`.osm.pbf`).
    Pbf,
    /// OSM XML (`.osm`).
    Xml,
    /// Gzip-compressed OSM XML (`.osm.gz`).
    XmlGzip,
}

impl OsmFormat {
    /// The format of a file that starts with `bytes`: gzip magic → gzip XML, `<` (after
    /// whitespace or a byte-order mark) → XML, anything else → PBF.
    pub fn sniff(bytes: &[u8]) -> OsmFormat {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.starts_with(&[0x1f, 0x8b]) {
            OsmFormat::XmlGzip
        } else if text.trim_ascii_start().starts_with(b"<") {
            OsmFormat::Xml
        } else {
            OsmFormat::Pbf
        }
    }

    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            OsmFormat::Pbf => "OSM PBF",
            OsmFormat::Xml => "OSM XML",
            OsmFormat::XmlGzip => "OSM XML (gzip)",
        }
    }
}

/// How many times its compressed size a gzip stream may expand to. OpenStreetMap XML
/// compresses about 10 to 1 (monaco.osm.gz: 333,976 bytes, 3,118,247 unpacked, 9.3 to 1); a
/// stream that expands far beyond that is no extract but a gzip bomb, and is refused when it
/// reaches this cap instead of filling the memory with its nodes.
pub const MAX_GZIP_EXPANSION: u64 = 40;

/// Reads OSM data in any of the supported formats. `file` names the source in errors. Shows
/// the bytes read on a progress bar (stderr, when it is a terminal).
pub(super) fn read_osm(bytes: &[u8], file: &str) -> Result<(OsmFormat, RawOsm), OsmError> {
    let format = OsmFormat::sniff(bytes);
    let bar = progress::bytes_bar(bytes.len() as u64, &format!("of {file} read"));
    let input = Reading::new(bytes, &bar);
    let raw = match format {
        OsmFormat::Pbf => read_pbf(input, file)?,
        OsmFormat::Xml => read_xml(BufReader::new(input), file)?,
        OsmFormat::XmlGzip => {
            let cap = (bytes.len() as u64).saturating_mul(MAX_GZIP_EXPANSION);
            let mut unpacked = flate2::read::MultiGzDecoder::new(input).take(cap + 1);
            let read = read_xml(BufReader::new(&mut unpacked), file);
            if unpacked.limit() == 0 {
                return Err(OsmError::GzipExpansion {
                    file: file.to_string(),
                    compressed: bytes.len() as u64,
                    cap,
                });
            }
            read?
        }
    };
    bar.finish_and_clear();
    Ok((format, raw))
}

fn read_pbf(bytes: impl Read + Send, file: &str) -> Result<RawOsm, OsmError> {
    use osmpbf::{Element, ElementReader};
    let mut raw = RawOsm::default();
    let mut bad_node = None;
    let mut add = |raw: &mut RawOsm, id, lat, lon| {
        if let Err(e) = raw.add_node(id, lat, lon) {
            bad_node.get_or_insert(e);
        }
    };
    ElementReader::new(bytes)
        .for_each(|element| match element {
            Element::Node(n) => add(&mut raw, n.id(), n.decimicro_lat(), n.decimicro_lon()),
            Element::DenseNode(n) => add(&mut raw, n.id(), n.decimicro_lat(), n.decimicro_lon()),
            Element::Way(w) => raw.add_way(w.refs().collect(), w.tags()),
            Element::Relation(_) => {}
        })
        .map_err(|e| OsmError::Pbf {
            file: file.to_string(),
            message: e.to_string(),
        })?;
    match bad_node {
        Some(e) => Err(bad_node_error(file, e)),
        None => Ok(raw),
    }
}

fn bad_node_error(file: &str, (id, problem): (i64, String)) -> OsmError {
    OsmError::BadNode {
        file: file.to_string(),
        id,
        problem,
    }
}

/// A way being read from XML: its refs and tags so far.
#[derive(Default)]
struct OpenWay {
    refs: Vec<i64>,
    tags: Vec<(String, String)>,
}

fn read_xml(input: impl BufRead, file: &str) -> Result<RawOsm, OsmError> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut raw = RawOsm::default();
    let mut way: Option<OpenWay> = None;
    let mut in_osm = false;
    let mut closed = false;
    loop {
        let position = reader.buffer_position();
        let fail = |message: String| OsmError::Xml {
            file: file.to_string(),
            position,
            message,
        };
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| fail(e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if !in_osm => {
                if e.name().as_ref() != b"osm" {
                    return Err(fail(format!(
                        "the root element is <{}>, not <osm>",
                        String::from_utf8_lossy(e.name().as_ref())
                    )));
                }
                in_osm = true;
            }
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"node" => {
                    let id = int_attr(&e, b"id").map_err(&fail)?;
                    let lat = degrees_attr(&e, b"lat").map_err(&fail)?;
                    let lon = degrees_attr(&e, b"lon").map_err(&fail)?;
                    raw.add_node(id, lat, lon)
                        .map_err(|e| bad_node_error(file, e))?;
                }
                b"way" => way = Some(OpenWay::default()),
                b"nd" => {
                    if let Some(w) = &mut way {
                        w.refs.push(int_attr(&e, b"ref").map_err(&fail)?);
                    }
                }
                b"tag" => {
                    if let Some(w) = &mut way {
                        let k = str_attr(&e, b"k").map_err(&fail)?;
                        let v = str_attr(&e, b"v").map_err(&fail)?;
                        w.tags.push((k, v));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"way" => {
                    if let Some(w) = way.take() {
                        let tags = w.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()));
                        raw.add_way(w.refs, tags);
                    }
                }
                b"osm" => closed = true,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !in_osm {
        return Err(OsmError::Xml {
            file: file.to_string(),
            position: reader.buffer_position(),
            message: "no <osm> element".into(),
        });
    }
    if !closed {
        return Err(OsmError::Xml {
            file: file.to_string(),
            position: reader.buffer_position(),
            message: "the file ends before </osm>: truncated?".into(),
        });
    }
    Ok(raw)
}

/// The unescaped value of attribute `key` of `element`.
fn str_attr(element: &BytesStart, key: &[u8]) -> Result<String, String> {
    let name = || String::from_utf8_lossy(element.name().as_ref()).into_owned();
    let attr = element
        .try_get_attribute(key)
        .map_err(|e| format!("<{}>: {e}", name()))?
        .ok_or_else(|| {
            format!(
                "<{}> has no `{}` attribute",
                name(),
                String::from_utf8_lossy(key)
            )
        })?;
    attr.unescape_value()
        .map(|v| v.into_owned())
        .map_err(|e| format!("<{}> {}: {e}", name(), String::from_utf8_lossy(key)))
}

fn int_attr(element: &BytesStart, key: &[u8]) -> Result<i64, String> {
    let text = str_attr(element, key)?;
    text.trim().parse().map_err(|_| {
        format!(
            "<{}> {} = {text:?}: not an integer",
            String::from_utf8_lossy(element.name().as_ref()),
            String::from_utf8_lossy(key)
        )
    })
}

/// A latitude or longitude attribute in 1e-7 degrees, as PBF stores it.
fn degrees_attr(element: &BytesStart, key: &[u8]) -> Result<i32, String> {
    let text = str_attr(element, key)?;
    match text.trim().parse::<f64>() {
        Ok(deg) if deg.is_finite() && deg.abs() <= 180.0 => Ok((deg * 1e7).round() as i32),
        _ => Err(format!(
            "<{}> {} = {text:?}: not a coordinate in degrees",
            String::from_utf8_lossy(element.name().as_ref()),
            String::from_utf8_lossy(key)
        )),
    }
}

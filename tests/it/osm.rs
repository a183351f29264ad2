//! OpenStreetMap import on the real extracts in maps/ (© OpenStreetMap contributors, ODbL 1.0;
//! see tests/data/PROVENANCE.md): counts against the extracts'
//! provenance figures, connectivity, plausible travel times between known places, XML and PBF of
//! the same data giving the same map, contraction keeping travel times, the map cache, and clear
//! errors for bad files.

use crate::common::map_file;
use patrolsim::map::osm::{OSM_ATTRIBUTION, OsmFormat, OsmImport, OsmOptions, import_osm};
use patrolsim::map::{LoadOptions, RoadMap, load_map, write_binary_map};
use patrolsim::routing::{Router, TravelGraph, TravelTimes};
use petgraph::visit::EdgeRef;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

fn import_with(path: &Path, contract_chains: bool) -> OsmImport {
    let options = OsmOptions {
        population: 1000,
        contract_chains,
    };
    import_osm(path, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn import(name: &str) -> OsmImport {
    import_with(&map_file(name), true)
}

/// What an extract's provenance says, and what the import keeps of it.
struct Expected {
    name: &'static str,
    format: OsmFormat,
    /// Nodes and ways in the file (PROVENANCE.md).
    osm_nodes: usize,
    ways: usize,
    /// Ways of a drivable class (PROVENANCE.md; it also counts `area=yes`, which we drop).
    drivable_class_ways: usize,
    /// Bounding box of all highway nodes: lat min, lat max, lon min, lon max (PROVENANCE.md).
    highway_bbox: [f64; 4],
    /// Graph nodes and directed segments after import: pinned figures of this importer.
    nodes: usize,
    segments: usize,
}

const EXTRACTS: [Expected; 4] = [
    Expected {
        name: "monaco.osm.gz",
        format: OsmFormat::XmlGzip,
        osm_nodes: 13_739,
        ways: 1_944,
        drivable_class_ways: 509,
        highway_bbox: [43.7218, 43.7520, 7.4043, 7.4393],
        nodes: 529,
        segments: 1_023,
    },
    Expected {
        name: "andorra.osm.pbf",
        format: OsmFormat::Pbf,
        osm_nodes: 69_644,
        ways: 2_725,
        drivable_class_ways: 1_179,
        highway_bbox: [42.4171, 42.6943, 1.4089, 1.8165],
        nodes: 1_728,
        segments: 3_481,
    },
    Expected {
        name: "baltimore.osm.pbf",
        format: OsmFormat::Pbf,
        osm_nodes: 51_385,
        ways: 7_230,
        drivable_class_ways: 3_289,
        highway_bbox: [39.2460, 39.3143, -76.6139, -76.5176],
        nodes: 5_487,
        segments: 13_949,
    },
    Expected {
        name: "heidelberg.osm.pbf",
        format: OsmFormat::Pbf,
        osm_nodes: 221_009,
        ways: 31_619,
        drivable_class_ways: 11_028,
        highway_bbox: [49.3326, 49.5168, 7.7085, 9.1046],
        nodes: 12_628,
        segments: 28_096,
    },
];

#[test]
fn extracts_import_with_their_provenance_counts_and_stay_connected() {
    for e in &EXTRACTS {
        let started = std::time::Instant::now();
        let import = import(e.name);
        eprintln!(
            "{}: {} nodes, {} segments in {:.2} s; {}",
            e.name,
            import.map.node_count(),
            import.map.graph.edge_count(),
            started.elapsed().as_secs_f64(),
            import.report
        );
        let (map, report) = (&import.map, &import.report);
        assert_eq!(import.format, e.format, "{}", e.name);
        assert_eq!(report.osm_nodes, e.osm_nodes, "{}", e.name);
        assert_eq!(report.ways_read, e.ways, "{}", e.name);
        assert!(
            report.drivable_ways <= e.drivable_class_ways
                && report.drivable_ways * 1000 >= e.drivable_class_ways * 995,
            "{}: {} drivable ways",
            e.name,
            report.drivable_ways
        );
        assert_eq!(report.missing_node_refs, 0, "{}", e.name);
        map.validate()
            .unwrap_or_else(|err| panic!("{}: {err}", e.name));
        assert_eq!(
            (map.node_count(), map.graph.edge_count()),
            (e.nodes, e.segments),
            "{}",
            e.name
        );
        // Little road is lost to the largest component.
        assert!(
            report.components > 1 && report.dropped_nodes > 0,
            "{}",
            e.name
        );
        assert!(
            report.dropped_km < 0.15 * (report.kept_km + report.dropped_km),
            "{}: {report}",
            e.name
        );
        assert_eq!(map.attribution.as_deref(), Some(OSM_ATTRIBUTION));
        assert_eq!(map.population(), 1000);
        // Every node, projected back, lies in the extract's highway bounding box.
        let origin = map.origin.expect("OSM maps are geographic");
        let [lat_lo, lat_hi, lon_lo, lon_hi] = e.highway_bbox;
        for n in map.graph.node_weights() {
            let (lat, lon) = origin.unproject(n.x_m, n.y_m);
            assert!(
                (lat_lo - 1e-4..=lat_hi + 1e-4).contains(&lat)
                    && (lon_lo - 1e-4..=lon_hi + 1e-4).contains(&lon),
                "{}: node at {lat}, {lon}",
                e.name
            );
        }
    }
}

/// The map node nearest to a place, which must be on the map (within 300 m).
fn node_at(map: &RoadMap, lat: f64, lon: f64) -> u32 {
    let (x, y) = map.origin.unwrap().project(lat, lon);
    let node = map.nearest_node(x, y).unwrap();
    let n = map.node(node);
    assert!(
        (n.x_m - x).hypot(n.y_m - y) < 300.0,
        "{lat}, {lon} is off the map"
    );
    node
}

fn straight_m(map: &RoadMap, a: u32, b: u32) -> f64 {
    map.straight_line_m(a, b)
}

#[test]
fn travel_times_between_known_places_are_plausible() {
    // (extract, from, to, km by road (min, max), minutes at free flow (min, max)).
    #[allow(clippy::type_complexity)]
    let trips: [(&str, (f64, f64), (f64, f64), (f64, f64), (f64, f64)); 4] = [
        // Casino de Monte-Carlo → Stade Louis II, 1.7 km apart.
        (
            "monaco.osm.gz",
            (43.7394, 7.4282),
            (43.7276, 7.4157),
            (1.7, 5.0),
            (2.0, 12.0),
        ),
        // Andorra la Vella → Pas de la Casa over the Envalira pass, about 30 km by road.
        (
            "andorra.osm.pbf",
            (42.5075, 1.5218),
            (42.5425, 1.7334),
            (24.0, 45.0),
            (20.0, 70.0),
        ),
        // Baltimore City Hall → Johns Hopkins Hospital, 1.7 km apart.
        (
            "baltimore.osm.pbf",
            (39.2909, -76.6107),
            (39.2967, -76.5923),
            (1.7, 4.5),
            (2.0, 12.0),
        ),
        // Heidelberg Hauptbahnhof → Bismarckplatz, 1.5 km apart.
        (
            "heidelberg.osm.pbf",
            (49.4037, 8.6755),
            (49.4096, 8.6935),
            (1.4, 4.0),
            (1.5, 10.0),
        ),
    ];
    for (name, from, to, km, minutes) in trips {
        let map = import(name).map;
        let (a, b) = (node_at(&map, from.0, from.1), node_at(&map, to.0, to.1));
        let mut router = Router::new(Arc::new(TravelGraph::new(&map, 1.0)));
        for (s, t) in [(a, b), (b, a)] {
            let trip = router.trip(s, t);
            let (trip_km, trip_min) = (trip.length_m / 1000.0, trip.travel_s / 60.0);
            eprintln!("{name}: {s} -> {t}: {trip_km:.2} km, {trip_min:.1} min");
            assert!((km.0..=km.1).contains(&trip_km), "{name}: {trip_km} km");
            assert!(
                (minutes.0..=minutes.1).contains(&trip_min),
                "{name}: {trip_min} min"
            );
            assert!(trip.length_m >= straight_m(&map, s, t));
        }
    }
}

/// Writes the PBF at `pbf` as OSM XML: every node, every way with its node refs and tags.
fn pbf_as_xml(pbf: &Path) -> String {
    use osmpbf::{Element, ElementReader};
    let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
    let deg = |v: i32| format!("{:.7}", f64::from(v) * 1e-7);
    let mut nodes = String::new();
    let mut ways = String::new();
    ElementReader::from_path(pbf)
        .unwrap()
        .for_each(|element| match element {
            Element::DenseNode(n) => {
                let (lat, lon) = (deg(n.decimicro_lat()), deg(n.decimicro_lon()));
                writeln!(nodes, r#"<node id="{}" lat="{lat}" lon="{lon}"/>"#, n.id()).unwrap();
            }
            Element::Node(n) => {
                let (lat, lon) = (deg(n.decimicro_lat()), deg(n.decimicro_lon()));
                writeln!(nodes, r#"<node id="{}" lat="{lat}" lon="{lon}"/>"#, n.id()).unwrap();
            }
            Element::Way(w) => {
                writeln!(ways, r#"<way id="{}">"#, w.id()).unwrap();
                for r in w.refs() {
                    writeln!(ways, r#"  <nd ref="{r}"/>"#).unwrap();
                }
                for (k, v) in w.tags() {
                    writeln!(ways, r#"  <tag k="{}" v="{}"/>"#, esc(k), esc(v)).unwrap();
                }
                ways.push_str("</way>\n");
            }
            Element::Relation(_) => {}
        })
        .unwrap();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\">\n{nodes}{ways}</osm>\n"
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn segments(map: &RoadMap) -> Vec<(usize, usize, patrolsim::map::RoadSegment)> {
    map.graph
        .edge_references()
        .map(|e| (e.source().index(), e.target().index(), *e.weight()))
        .collect()
}

#[test]
fn xml_plain_and_gzip_give_the_same_map_as_pbf() {
    let pbf = import("andorra.osm.pbf").map;
    let dir = tempfile::tempdir().unwrap();
    let xml = pbf_as_xml(&map_file("andorra.osm.pbf"));
    let plain = dir.path().join("andorra.osm");
    let gz = dir.path().join("andorra.osm.gz");
    std::fs::write(&plain, &xml).unwrap();
    std::fs::write(&gz, gzip(xml.as_bytes())).unwrap();
    for (path, format) in [(plain, OsmFormat::Xml), (gz, OsmFormat::XmlGzip)] {
        let import = import_with(&path, true);
        assert_eq!(import.format, format);
        let map = import.map;
        assert_eq!(map.origin, pbf.origin);
        assert!(map.graph.node_weights().eq(pbf.graph.node_weights()));
        assert_eq!(segments(&map), segments(&pbf));
    }
}

#[test]
fn contracting_chains_keeps_lengths_and_travel_times() {
    for name in ["monaco.osm.gz", "andorra.osm.pbf"] {
        let small = import_with(&map_file(name), true);
        let full = import_with(&map_file(name), false);
        assert!(full.map.node_count() > 2 * small.map.node_count(), "{name}");
        let rel = |a: f64, b: f64| (a - b).abs() / a.max(b);
        assert!(
            rel(small.report.kept_km, full.report.kept_km) < 1e-9,
            "{name}"
        );
        // Junctions are nodes of both maps: the same trips take the same time.
        let (so, fo) = (small.map.origin.unwrap(), full.map.origin.unwrap());
        let in_full = |n: u32| {
            let p = small.map.node(n);
            let (lat, lon) = so.unproject(p.x_m, p.y_m);
            let (x, y) = fo.project(lat, lon);
            let m = full.map.nearest_node(x, y).unwrap();
            let q = full.map.node(m);
            assert!(
                (q.x_m - x).hypot(q.y_m - y) < 0.01,
                "{name}: node {n} not in the full map"
            );
            m
        };
        let mut rs = Router::new(Arc::new(TravelGraph::new(&small.map, 1.2)));
        let mut rf = Router::new(Arc::new(TravelGraph::new(&full.map, 1.2)));
        let n = small.map.node_count() as u32;
        let (mut route_s, mut route_f) = (Vec::new(), Vec::new());
        for i in 0..40u32 {
            let (a, b) = ((i * 7919) % n, (i * 104_729 + 13) % n);
            let (ts, tf) = (rs.trip(a, b), rf.trip(in_full(a), in_full(b)));
            // The router rounds each arc to whole milliseconds (at least 1): at most 1 ms off
            // per arc on either map.
            rs.route(a, b, &mut route_s);
            rf.route(in_full(a), in_full(b), &mut route_f);
            let arcs = (route_s.len() + route_f.len()) as f64;
            assert!(
                (ts.travel_s - tf.travel_s).abs() <= 1e-3 * arcs,
                "{name}: {a} -> {b}"
            );
            assert!(rel(ts.length_m, tf.length_m) < 1e-9, "{name}: {a} -> {b}");
        }
    }
}

#[test]
fn the_cache_is_used_while_source_and_options_match_and_rebuilt_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("monaco.osm.gz");
    std::fs::copy(map_file("monaco.osm.gz"), &source).unwrap();
    let cache = dir.path().join("monaco.pmap");
    let mut options = LoadOptions {
        cache: Some(cache.clone()),
        ..LoadOptions::default()
    };
    // A cache of an older format (version 1 kept no node ids) is rebuilt, never misread.
    let mut old = b"PSIMMAP\0".to_vec();
    old.extend(1u32.to_le_bytes());
    old.extend([0; 16]);
    std::fs::write(&cache, &old).unwrap();
    let first = load_map(&source, &options).unwrap();
    let (cached, key) = patrolsim::map::read_binary_map(&cache).unwrap();
    assert!(cached.graph.node_weights().eq(first.graph.node_weights()));
    assert_eq!(segments(&cached), segments(&first));
    // A planted map under the same key is what the next load returns: the cache is read.
    let mut planted = first.clone();
    planted.name = "planted".into();
    write_binary_map(&planted, key, &cache).unwrap();
    assert_eq!(load_map(&source, &options).unwrap().name, "planted");
    // Other options: rebuilt.
    options.osm.population = 38_000;
    let rebuilt = load_map(&source, &options).unwrap();
    assert_eq!(
        (rebuilt.name.as_str(), rebuilt.population()),
        ("monaco", 38_000)
    );
    // Another source under the same name: rebuilt.
    write_binary_map(
        &planted,
        patrolsim::map::read_binary_map(&cache).unwrap().1,
        &cache,
    )
    .unwrap();
    std::fs::write(
        &source,
        gzip(&pbf_as_xml(&map_file("andorra.osm.pbf")).into_bytes()),
    )
    .unwrap();
    let other = load_map(&source, &options).unwrap();
    assert_eq!(other.name, "monaco");
    assert_eq!(
        other.node_count(),
        EXTRACTS[1].nodes,
        "the Andorra data under Monaco's name"
    );
}

/// The error for OSM data `bytes` written to a file called `name`.
fn error_for(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let err = import_osm(&path, &OsmOptions::default())
        .map(|_| ())
        .expect_err("bad data must be refused");
    let text = err.to_string();
    assert!(text.contains(name), "the error names the file: {text}");
    text
}

#[test]
fn bad_files_give_clear_errors() {
    let pbf = std::fs::read(map_file("andorra.osm.pbf")).unwrap();
    let err = error_for("cut.osm.pbf", &pbf[..pbf.len() * 3 / 5]);
    assert!(err.contains("not a valid OSM PBF file"), "{err}");
    let mut damaged = pbf.clone();
    for b in &mut damaged[1000..1100] {
        *b ^= 0xa5;
    }
    let err = error_for("damaged.osm.pbf", &damaged);
    assert!(err.contains("OSM PBF"), "{err}");
    let gz = std::fs::read(map_file("monaco.osm.gz")).unwrap();
    let err = error_for("cut.osm.gz", &gz[..gz.len() / 2]);
    assert!(err.contains("not valid OSM XML"), "{err}");
    let xml = pbf_as_xml(&map_file("andorra.osm.pbf"));
    let cut = xml[..xml.len() / 2].rfind('\n').unwrap();
    let err = error_for("cut.osm", &xml.as_bytes()[..cut]);
    assert!(
        err.contains("not valid OSM XML") && err.contains("truncated"),
        "{err}"
    );
    let err = error_for("html.osm", b"<html><body>404</body></html>");
    assert!(err.contains("root element is <html>"), "{err}");
    let err = error_for(
        "lat.osm",
        br#"<osm><node id="1" lat="north" lon="7.4"/></osm>"#,
    );
    assert!(err.contains(r#"lat = "north""#), "{err}");
    let footway = br#"<osm version="0.6">
        <node id="1" lat="43.7" lon="7.4"/><node id="2" lat="43.71" lon="7.41"/>
        <way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way>
        </osm>"#;
    let err = error_for("footway.osm", footway);
    assert!(err.contains("no drivable roads"), "{err}");
    let err = error_for("empty.osm.pbf", b"");
    assert!(err.contains("empty file (0 bytes)"), "{err}");
}

/// The router's answers equal petgraph's Dijkstra on random pairs of real maps, and `nearest`
/// ranks candidates exactly as their pairwise trips do (ties to the lowest key).
#[test]
fn router_equals_plain_dijkstra_on_osm_maps() {
    use patrolsim::routing::{Candidate, Reached, arc_ms};
    use petgraph::graph::NodeIndex;
    use rand::{RngExt, SeedableRng};
    for name in ["andorra.osm.pbf", "heidelberg.osm.pbf"] {
        let map = import(name).map;
        let mut router = Router::new(Arc::new(TravelGraph::new(&map, 1.2)));
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let n = map.node_count() as u32;
        for _ in 0..300 {
            let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
            let goal = NodeIndex::new(b as usize);
            // The router drives each segment in whole milliseconds, rounded once.
            let plain_ms =
                petgraph::algo::dijkstra(&map.graph, NodeIndex::new(a as usize), Some(goal), |e| {
                    u64::from(arc_ms(e.weight().travel_s(1.2)))
                })[&goal];
            let trip = router.trip(a, b);
            assert_eq!(
                trip.travel_s,
                plain_ms as f64 / 1000.0,
                "{name}: {a} -> {b}"
            );
        }
        let mut out = Vec::new();
        for _ in 0..30 {
            let target = rng.random_range(0..n);
            let candidates: Vec<Candidate> = (0..20)
                .map(|key| Candidate {
                    key,
                    node: rng.random_range(0..n),
                    lead_s: f64::from(rng.random_range(0..3u32)) * 30.0,
                })
                .collect();
            let mut expected: Vec<Reached> = candidates
                .iter()
                .map(|c| {
                    let t = router.trip(c.node, target);
                    Reached {
                        key: c.key,
                        travel_s: t.travel_s + c.lead_s,
                        length_m: t.length_m,
                    }
                })
                .collect();
            expected.sort_by(|x, y| x.travel_s.total_cmp(&y.travel_s).then(x.key.cmp(&y.key)));
            router.nearest(target, &candidates, 4, &mut out);
            let keys = |v: &[Reached]| v.iter().map(|r| r.key).collect::<Vec<_>>();
            assert_eq!(keys(&out), keys(&expected[..4]), "{name}: target {target}");
            for (o, e) in out.iter().zip(&expected) {
                assert_eq!(o.travel_s, e.travel_s, "{name}");
            }
        }
    }
}

/// Damaged copies of the extracts (bytes overwritten at random places, or cut) are refused or
/// read, never a panic.
#[test]
fn damaged_files_never_panic() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(17);
    let dir = tempfile::tempdir().unwrap();
    for name in ["andorra.osm.pbf", "monaco.osm.gz"] {
        let original = std::fs::read(map_file(name)).unwrap();
        for trial in 0..40 {
            let mut bytes = original.clone();
            if trial % 4 == 0 {
                bytes.truncate(rng.random_range(0..bytes.len()));
            } else {
                for _ in 0..rng.random_range(1..20) {
                    let at = rng.random_range(0..bytes.len());
                    bytes[at] = rng.random();
                }
            }
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            if let Err(e) = import_osm(&path, &OsmOptions::default()) {
                assert!(e.to_string().contains(name), "{e}");
            }
        }
    }
}

/// Every `<node id=".." lat=".." lon="..">` of an OSM XML text, found by a plain text scan (not
/// by patrolsim's importer): id → (lat, lon).
fn xml_node_positions(xml: &str) -> std::collections::HashMap<i64, (f64, f64)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let len = tag[start..].find('"')?;
        Some(tag[start..start + len].to_string())
    };
    xml.split("<node ")
        .skip(1)
        .filter_map(|rest| {
            let tag = format!(" {}", &rest[..rest.find('>')?]);
            let number = |name| attr(&tag, name)?.parse::<f64>().ok();
            Some((
                attr(&tag, "id")?.parse().ok()?,
                (number("lat")?, number("lon")?),
            ))
        })
        .collect()
}

/// The planner's node ids on an OpenStreetMap map are OSM node ids: posts given to `analyze` by
/// OSM id, and the node columns of its coverage table and of a run's calls table, are ids of
/// the source file whose position there is the node's position in the map.
#[test]
fn output_node_columns_hold_osm_node_ids() {
    use std::io::Read;
    let source = map_file("monaco.osm.gz");
    let mut xml = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&source).unwrap())
        .read_to_string(&mut xml)
        .unwrap();
    let osm = xml_node_positions(&xml);
    assert_eq!(osm.len(), EXTRACTS[0].osm_nodes);
    let map = import("monaco.osm.gz").map;
    let origin = map.origin.unwrap();
    // The map's node `id` is where the source file puts OSM node `id` (to 1e-7 degrees).
    let check = |id: i64| {
        let (lat, lon) = osm[&id];
        let n = map.node(map.node_by_source_id(id).unwrap());
        let (map_lat, map_lon) = origin.unproject(n.x_m, n.y_m);
        assert!(
            (map_lat - lat).abs() < 1e-7 && (map_lon - lon).abs() < 1e-7,
            "node {id}: source ({lat}, {lon}), map ({map_lat}, {map_lon})"
        );
    };
    // Posts at the casino and the rail station, by their OSM ids.
    let posts = [
        map.source_id(node_at(&map, 43.7393, 7.4277)),
        map.source_id(node_at(&map, 43.7386, 7.4197)),
    ];
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("posts.csv"),
        format!("name,node\ncasino,{}\nstation,{}\n", posts[0], posts[1]),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = crate::common::patrolsim(args, tmp.path());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let source = source.display().to_string();
    run(&["analyze", &source, "--posts", "posts.csv", "-o", "out"]);
    let coverage = std::fs::read_to_string(tmp.path().join("out/coverage.csv")).unwrap();
    let mut rows = 0;
    for line in coverage.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        check(fields[0].parse().unwrap());
        let nearest: i64 = fields[2].parse().unwrap();
        assert!(posts.contains(&nearest), "{line}");
        rows += 1;
    }
    assert_eq!(rows, map.node_count());
    let time_at = |id: i64| {
        coverage
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .split(',')
            .nth(3)
            .unwrap()
            .to_string()
    };
    assert_eq!(
        (time_at(posts[0]), time_at(posts[1])),
        ("0".into(), "0".into())
    );
    // A run's calls, on the scenario's copy of the same map.
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/osm-monaco.toml");
    run(&[
        "run",
        scenario,
        "-o",
        "run",
        "--replications",
        "1",
        "--no-report",
    ]);
    let calls = std::fs::read_to_string(tmp.path().join("run/calls.csv")).unwrap();
    let mut lines = calls.lines();
    let column = lines
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == "node")
        .unwrap();
    let mut calls = 0;
    for line in lines {
        check(line.split(',').nth(column).unwrap().parse().unwrap());
        calls += 1;
    }
    assert!(calls > 1000, "{calls} calls");
}

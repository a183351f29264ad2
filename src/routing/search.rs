//! Shortest paths by A* search with landmark lower bounds ("ALT": A*, landmarks, triangle
//! inequality) over whole-millisecond arc times; without a bound it is Dijkstra's algorithm.
//! Reusable buffers: a generation stamp marks which labels belong to the current search, so
//! nothing is cleared or allocated per query.
//!
//! The bounds are consistent (they come from exact distances by the triangle inequality), so a
//! node's distance is final when it is settled, and integer times make every search, in
//! whatever order it runs, find bit-identical times: equal to plain Dijkstra's.
//!
//! [`Router`] puts the ways together: a distance table, anchors, a landmark descent, or a
//! search, whichever the graph makes cheapest (see the module documentation of `routing`).

use super::descent::descend;
use super::graph::seconds;
use super::landmarks::Marks;
use super::{Anchors, Candidate, Reached, TravelGraph, TravelTimes, Trip, Waypoint};
use crate::map::NodeId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

const NO_NODE: u32 = u32::MAX;

/// Maps of at most this many nodes get a distance table: n² times of 4 bytes, at most 64 MiB
/// per router, filled a row (one reverse tree) at a time as targets come up.
pub(super) const TABLE_MAX_NODES: usize = 4096;

/// Exact searches `nearest` runs beyond the k it needs, in order of the candidates' bounds,
/// before it gives up on the bounds and searches backwards from the target once instead. On the
/// grid, where the bounds are exact, it rarely needs any; on road maps, where landmark bounds
/// are loose, it would need many.
const SPARE_SEARCHES: usize = 8;

/// Whether routers on `graph` keep a distance table: on small maps, unless descents answer
/// there (then a table would cost more to fill than it saves).
pub(super) fn uses_table(graph: &TravelGraph) -> bool {
    graph.node_count() <= TABLE_MAX_NODES && !graph.tight_bounds()
}

/// The ways a router can answer, for tests that compare them.
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Way {
    /// Landmark descent, then A* where it fails.
    Descent,
    /// A distance table.
    Table,
    /// A* (and backward searches) alone.
    Search,
}

/// Travel times to targets, a row per target computed on first use: `ms[t·n + v]` is the time
/// from `v` to `t` (`u32::MAX` when unreachable).
struct Table {
    done: Vec<bool>,
    ms: Vec<u32>,
}

impl Table {
    /// An empty table over `n` nodes. Zeroed memory comes from the system untouched: rows cost
    /// when first used.
    fn new(n: usize) -> Self {
        Table {
            done: vec![false; n],
            ms: vec![0; n * n],
        }
    }
}

/// Walks a fastest way from `from` to `to` down the times to `to` in `row`, taking at each node
/// its first arc that keeps on a fastest way (arc times are at least 1 ms, so it ends), and
/// calls `visit(node, ms from start, metres from start)` at each node, both ends included.
fn walk(
    graph: &TravelGraph,
    row: &[u32],
    from: NodeId,
    to: NodeId,
    mut visit: impl FnMut(NodeId, u32, f64),
) {
    let total = row[from as usize];
    let (mut node, mut length_m) = (from, 0.0);
    visit(node, 0, 0.0);
    while node != to {
        let left = row[node as usize];
        let arc = graph
            .out_arcs(node)
            .iter()
            .find(|a| a.travel_ms.saturating_add(row[a.other as usize]) == left)
            .expect("an exact time to the target has an arc that keeps it");
        length_m += arc.length_m;
        node = arc.other;
        visit(node, total - row[node as usize], length_m);
    }
}

/// The trip from `from` to `to` by `row`, the times to `to`.
fn trip_by_row(graph: &TravelGraph, row: &[u32], from: NodeId, to: NodeId) -> Trip {
    let ms = row[from as usize];
    if ms == u32::MAX {
        return Trip::UNREACHABLE;
    }
    let mut length_m = 0.0;
    walk(graph, row, from, to, |_, _, m| length_m = m);
    Trip::of(ms, length_m)
}

/// What a search knows of one node; valid when `stamp` is the search's generation. One
/// record per node, so a node costs one cache miss, not one per array.
#[derive(Debug, Clone, Copy)]
struct Label {
    stamp: u32,
    dist_ms: u32,
    /// Lower bound on the remaining time from the node to the search's goal.
    bound_ms: u32,
    pred: NodeId,
    length_m: f64,
}

/// The buffers of one search at a time, over graphs of a given size.
pub(super) struct Search {
    /// Search generation; a label is valid when its stamp equals it.
    generation: u32,
    labels: Vec<Label>,
    /// Min-heap of (distance plus bound, then the larger distance first, packed; node).
    heap: BinaryHeap<Reverse<(u64, NodeId)>>,
    /// The heap of [`Search::tree`]: nodes by distance (a radix heap, as a tree's distances
    /// only grow).
    tree_heap: radix_heap::RadixHeapMap<Reverse<u32>, NodeId>,
}

/// Heap key: the estimate `f` first, then the larger distance `g` (deeper nodes first, which
/// reaches the goal sooner among equal estimates; the times found do not depend on it).
fn key(f: u32, g: u32) -> u64 {
    (u64::from(f) << 32) | u64::from(u32::MAX - g)
}

impl Search {
    /// Buffers for graphs of `nodes` nodes.
    pub(super) fn new(nodes: usize) -> Self {
        Search {
            generation: 0,
            labels: vec![
                Label {
                    stamp: 0,
                    dist_ms: 0,
                    bound_ms: 0,
                    pred: NO_NODE,
                    length_m: 0.0,
                };
                nodes
            ],
            heap: BinaryHeap::new(),
            tree_heap: radix_heap::RadixHeapMap::new(),
        }
    }

    /// Searches from `source` along the arcs (against them when `reverse`), settling nodes in
    /// order of distance plus `bound` (a consistent lower bound on the time left), and calls
    /// `settled(node, distance, length)` for each settled node until it returns true.
    fn run(
        &mut self,
        graph: &TravelGraph,
        source: NodeId,
        reverse: bool,
        bound: impl Fn(NodeId) -> u32,
        mut settled: impl FnMut(NodeId, u32, f64) -> bool,
    ) {
        let labels = &mut self.labels;
        let generation = next_generation(&mut self.generation, || {
            labels.iter_mut().for_each(|l| l.stamp = 0)
        });
        self.heap.clear();
        let first = bound(source);
        labels[source as usize] = Label {
            stamp: generation,
            dist_ms: 0,
            bound_ms: first,
            pred: NO_NODE,
            length_m: 0.0,
        };
        self.heap.push(Reverse((key(first, 0), source)));
        while let Some(Reverse((k, node))) = self.heap.pop() {
            let g = u32::MAX - k as u32;
            let here = labels[node as usize];
            if g > here.dist_ms {
                continue; // stale entry
            }
            if settled(node, g, here.length_m) {
                return;
            }
            let arcs = if reverse {
                graph.in_arcs(node)
            } else {
                graph.out_arcs(node)
            };
            for arc in arcs {
                let label = &mut labels[arc.other as usize];
                let ng = g.saturating_add(arc.travel_ms);
                let fresh = label.stamp != generation;
                if fresh || ng < label.dist_ms {
                    if fresh {
                        label.stamp = generation;
                        label.bound_ms = bound(arc.other);
                    }
                    label.dist_ms = ng;
                    label.length_m = here.length_m + arc.length_m;
                    label.pred = node;
                    let f = ng.saturating_add(label.bound_ms);
                    self.heap.push(Reverse((key(f, ng), arc.other)));
                }
            }
        }
    }

    /// Every node some source reaches within `limit_ms` (a source `(node, lead)` starts at its
    /// node after `lead` milliseconds), each once, in no particular order: one Dijkstra search
    /// from all sources at once, stopped at the limit.
    fn within(
        &mut self,
        graph: &TravelGraph,
        sources: impl Iterator<Item = (NodeId, u32)>,
        limit_ms: u32,
        mut reached: impl FnMut(NodeId),
    ) {
        let labels = &mut self.labels;
        let generation = next_generation(&mut self.generation, || {
            labels.iter_mut().for_each(|l| l.stamp = 0)
        });
        self.heap.clear();
        for (node, lead_ms) in sources {
            let label = &mut labels[node as usize];
            if lead_ms <= limit_ms && (label.stamp != generation || lead_ms < label.dist_ms) {
                label.stamp = generation;
                label.dist_ms = lead_ms;
                self.heap.push(Reverse((u64::from(lead_ms), node)));
            }
        }
        while let Some(Reverse((d, node))) = self.heap.pop() {
            let d = d as u32;
            if d > labels[node as usize].dist_ms {
                continue; // stale entry
            }
            reached(node);
            for arc in graph.out_arcs(node) {
                let nd = d.saturating_add(arc.travel_ms);
                let label = &mut labels[arc.other as usize];
                if nd <= limit_ms && (label.stamp != generation || nd < label.dist_ms) {
                    label.stamp = generation;
                    label.dist_ms = nd;
                    self.heap.push(Reverse((u64::from(nd), arc.other)));
                }
            }
        }
    }

    /// Time from `source` to every node (to `source` from every node when `reverse`),
    /// milliseconds, `u32::MAX` where unreachable, into `out`; with `lengths`, also the length
    /// of the tree's way, metres, summed from `source` on.
    pub(super) fn tree(
        &mut self,
        graph: &TravelGraph,
        source: NodeId,
        reverse: bool,
        out: &mut [u32],
        mut lengths: Option<&mut [f64]>,
    ) {
        // Plain Dijkstra with `out` as the distance array: no labels, as a tree needs no
        // bounds, on a radix heap (its keys only grow).
        out.fill(u32::MAX);
        out[source as usize] = 0;
        if let Some(l) = lengths.as_deref_mut() {
            l[source as usize] = 0.0;
        }
        let heap = &mut self.tree_heap;
        heap.clear();
        heap.push(Reverse(0), source);
        while let Some((Reverse(d), node)) = heap.pop() {
            if d > out[node as usize] {
                continue; // stale entry
            }
            let arcs = if reverse {
                graph.in_arcs(node)
            } else {
                graph.out_arcs(node)
            };
            for arc in arcs {
                let nd = d.saturating_add(arc.travel_ms);
                let o = arc.other as usize;
                if nd < out[o] {
                    out[o] = nd;
                    if let Some(l) = lengths.as_deref_mut() {
                        l[o] = l[node as usize] + arc.length_m;
                    }
                    heap.push(Reverse(nd), arc.other);
                }
            }
        }
    }
}

/// Shortest paths: by landmark descent where the bounds are tight (the benchmark grid), else
/// by a distance table on small maps and by A* with landmark bounds on larger ones. One router
/// per thread; the graph is shared.
pub struct Router {
    graph: Arc<TravelGraph>,
    anchors: Arc<Anchors>,
    /// Whether to try a landmark descent first (the graph's bounds are tight).
    descend: bool,
    search: Search,
    table: Option<Table>,
    /// Nodes of the candidates in a table `nearest`'s result, in its order.
    picked: Vec<NodeId>,
    /// Candidates standing at each node, for a reverse search: the first by node (valid when
    /// its stamp is `candidate_generation`), then chained through `candidate_next`.
    candidate_generation: u32,
    candidate_stamp: Vec<u32>,
    candidate_head: Vec<u32>,
    candidate_next: Vec<u32>,
    /// Sums of the landmark bounds and of the exact times `nearest`'s searches found, ms: when
    /// the bounds fall short by more than a tenth (road maps), `nearest` searches backwards.
    bounds_sum_ms: u64,
    exact_sum_ms: u64,
    /// Landmark distances of the current target.
    target_marks: Marks,
    /// Candidates of a `nearest` query, least first: lower bound on travel (as
    /// [`ordered_bits`]), key, index. Kept between queries as a vector.
    order: Vec<Reverse<(u64, u32, u32)>>,
    /// Milliseconds per node for `times_from`.
    tree_ms: Vec<u32>,
}

impl Router {
    /// A router over `graph` with buffers sized for it.
    pub fn new(graph: Arc<TravelGraph>) -> Self {
        Router::with_anchors(graph, Arc::new(Anchors::default()))
    }

    /// A router over `graph` that looks trips to and from `anchors` up.
    pub fn with_anchors(graph: Arc<TravelGraph>, anchors: Arc<Anchors>) -> Self {
        let n = graph.node_count();
        let descend = graph.tight_bounds();
        let table = uses_table(&graph);
        Router {
            graph,
            anchors,
            descend,
            search: Search::new(n),
            table: table.then(|| Table::new(n)),
            picked: Vec::new(),
            candidate_generation: 0,
            candidate_stamp: vec![0; n],
            candidate_head: vec![NO_NODE; n],
            candidate_next: Vec::new(),
            bounds_sum_ms: 0,
            exact_sum_ms: 0,
            target_marks: Marks::NONE,
            order: Vec::new(),
            tree_ms: vec![0; n],
        }
    }

    /// This router made to answer in one way only, whatever the graph (to test one way against
    /// the others); anchors are still looked up.
    #[cfg(test)]
    pub(super) fn answering_by(self, way: Way) -> Self {
        let n = self.graph.node_count();
        Router {
            descend: way == Way::Descent,
            table: (way == Way::Table).then(|| Table::new(n)),
            ..self
        }
    }

    /// Travel time from `source` to every node in whole milliseconds (`u32::MAX` where
    /// unreachable), in a buffer of the router's that the next query overwrites.
    pub fn ms_from(&mut self, source: NodeId) -> &[u32] {
        self.search
            .tree(&self.graph, source, false, &mut self.tree_ms, None);
        &self.tree_ms
    }

    /// Travel time from `source` to every node (infinite where unreachable), into `out`.
    pub fn times_from(&mut self, source: NodeId, out: &mut Vec<f64>) {
        self.ms_from(source);
        out.clear();
        out.extend(self.tree_ms.iter().map(|&ms| {
            if ms == u32::MAX {
                f64::INFINITY
            } else {
                seconds(ms)
            }
        }));
    }

    /// The table row of times to `to`, computed now if it is new; `None` without a table.
    fn row(&mut self, to: NodeId) -> Option<&[u32]> {
        let table = self.table.as_mut()?;
        let n = self.graph.node_count();
        let t = to as usize;
        let row = &mut table.ms[t * n..(t + 1) * n];
        if !table.done[t] {
            self.search.tree(&self.graph, to, true, row, None);
            table.done[t] = true;
        }
        Some(row)
    }

    /// `nearest` by one search backwards from the target, which settles nodes in order of their
    /// time to it and stops once `k` candidates are strictly faster than anything left.
    fn nearest_by_reverse_search(
        &mut self,
        target: NodeId,
        candidates: &[Candidate],
        k: usize,
        out: &mut Vec<Reached>,
    ) {
        out.clear();
        self.search_backwards(target, candidates, |drive_s, length_m, here| {
            if out.len() == k && out[k - 1].travel_s < drive_s {
                return true;
            }
            for i in here {
                let c = &candidates[i];
                let r = Reached {
                    key: c.key,
                    travel_s: drive_s + c.lead_s,
                    length_m,
                };
                insert_ranked(out, k, r);
            }
            false
        });
    }

    /// Searches backwards from `target`, settling nodes in order of their time to it, and
    /// calls `settled(drive_s, length_m, candidates there)` for each (the indices of the
    /// candidates standing at the node), until it returns true.
    fn search_backwards(
        &mut self,
        target: NodeId,
        candidates: &[Candidate],
        mut settled: impl FnMut(f64, f64, &mut dyn Iterator<Item = usize>) -> bool,
    ) {
        let stamps = &mut self.candidate_stamp;
        let generation = next_generation(&mut self.candidate_generation, || stamps.fill(0));
        self.candidate_next.clear();
        for (i, c) in candidates.iter().enumerate() {
            let n = c.node as usize;
            let head = if self.candidate_stamp[n] == generation {
                self.candidate_head[n]
            } else {
                NO_NODE
            };
            self.candidate_stamp[n] = generation;
            self.candidate_head[n] = i as u32;
            self.candidate_next.push(head);
        }
        let Router {
            graph,
            search,
            candidate_stamp,
            candidate_head,
            candidate_next,
            ..
        } = self;
        search.run(
            graph,
            target,
            true,
            |_| 0,
            |node, ms, length_m| {
                let mut i = if candidate_stamp[node as usize] == generation {
                    candidate_head[node as usize]
                } else {
                    NO_NODE
                };
                let mut here = std::iter::from_fn(|| {
                    (i != NO_NODE).then(|| {
                        let this = i as usize;
                        i = candidate_next[this];
                        this
                    })
                });
                settled(seconds(ms), length_m, &mut here)
            },
        );
    }

    /// A lower bound on the time from `node` to `target` (whose landmark row is in
    /// `target_marks`): exact from an anchor.
    fn bound(&self, node: NodeId, target: NodeId) -> u32 {
        match self.anchors.from(node) {
            Some(row) => row[target as usize],
            None => self.graph.landmarks.bound(node, &self.target_marks),
        }
    }

    /// `nearest` by table lookups: every candidate's time, lengths walked for the chosen.
    fn nearest_by_table(
        &mut self,
        target: NodeId,
        candidates: &[Candidate],
        k: usize,
        out: &mut Vec<Reached>,
    ) {
        let mut picked = std::mem::take(&mut self.picked);
        picked.clear();
        let graph = Arc::clone(&self.graph);
        let row = self.row(target).expect("called with a table");
        for c in candidates {
            let ms = row[c.node as usize];
            if ms == u32::MAX {
                continue;
            }
            let travel_s = c.lead_s + seconds(ms);
            let pos = out.partition_point(|x| (x.travel_s, x.key) < (travel_s, c.key));
            if pos < k {
                if out.len() == k {
                    out.pop();
                    picked.pop();
                }
                // The length is walked below, for the chosen only.
                out.insert(
                    pos,
                    Reached {
                        key: c.key,
                        travel_s,
                        length_m: 0.0,
                    },
                );
                picked.insert(pos, c.node);
            }
        }
        for (r, &node) in out.iter_mut().zip(&picked) {
            r.length_m = trip_by_row(&graph, row, node, target).length_m;
        }
        self.picked = picked;
    }

    /// The trip from `from` to `to` by landmark descent, when the graph's bounds are tight and
    /// the descent gets there.
    fn descent(&self, from: NodeId, to: NodeId) -> Option<Trip> {
        if !self.descend {
            return None;
        }
        let (ms, length_m) = descend(&self.graph, from, to, |_, _, _| {})?;
        Some(Trip::of(ms, length_m))
    }

    /// Searches from `from` until the current target `to` (whose landmark distances are in
    /// `target_marks`) is settled; returns its time in milliseconds, if reachable.
    fn search_to(&mut self, from: NodeId, to: NodeId) -> Option<u32> {
        let graph = &*self.graph;
        let marks = &self.target_marks;
        let mut found = None;
        self.search.run(
            graph,
            from,
            false,
            |v| graph.landmarks.bound(v, marks),
            |node, d, _| {
                let done = node == to;
                if done {
                    found = Some(d);
                }
                done
            },
        );
        found
    }

    /// The trip from `from` to the current target `to`.
    fn trip_to_target(&mut self, from: NodeId, to: NodeId) -> Trip {
        match self.search_to(from, to) {
            Some(ms) => Trip::of(ms, self.search.labels[to as usize].length_m),
            None => Trip::UNREACHABLE,
        }
    }
}

impl TravelTimes for Router {
    fn trip(&mut self, from: NodeId, to: NodeId) -> Trip {
        let graph = Arc::clone(&self.graph);
        if let Some(row) = self.row(to) {
            return trip_by_row(&graph, row, from, to);
        }
        if let Some(trip) = self.anchors.trip(from, to) {
            return trip;
        }
        if let Some(trip) = self.descent(from, to) {
            return trip;
        }
        self.target_marks = self.graph.landmarks.target(to);
        self.trip_to_target(from, to)
    }

    /// Each candidate's lower bound (its lead plus the landmark bound, or its exact time when
    /// it stands at an anchor) orders exact trips (by descent where the bounds are tight, else
    /// by search), which stop once `k` candidates are strictly faster than the next bound;
    /// after k + [`SPARE_SEARCHES`] searches, or when the bounds have proved loose, one
    /// backward search from the target answers instead.
    fn nearest(
        &mut self,
        target: NodeId,
        candidates: &[Candidate],
        k: usize,
        out: &mut Vec<Reached>,
    ) {
        out.clear();
        if k == 0 || candidates.is_empty() {
            return;
        }
        if self.table.is_some() {
            return self.nearest_by_table(target, candidates, k, out);
        }
        if 10 * self.bounds_sum_ms < 9 * self.exact_sum_ms {
            return self.nearest_by_reverse_search(target, candidates, k, out);
        }
        self.target_marks = self.graph.landmarks.target(target);
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        for (i, c) in candidates.iter().enumerate() {
            let bound_s = c.lead_s + seconds(self.bound(c.node, target));
            order.push(Reverse((ordered_bits(bound_s), c.key, i as u32)));
        }
        // Heapify in place (linear time, no allocation): usually only the first few are tried.
        let mut order = BinaryHeap::from(order);
        let mut searches = 0;
        while let Some(Reverse((bound, _, i))) = order.pop() {
            // Every candidate left needs at least this bound: stop once k are strictly better.
            if out.len() == k && out[k - 1].travel_s < from_ordered_bits(bound) {
                break;
            }
            let c = candidates[i as usize];
            let looked_up = self
                .anchors
                .trip_from(c.node, target)
                .or_else(|| self.descent(c.node, target));
            let trip = match looked_up {
                Some(trip) => trip,
                None if searches == k + SPARE_SEARCHES => {
                    // The bounds are weak here (a real road map): one backward search is faster.
                    self.order = order.into_vec();
                    return self.nearest_by_reverse_search(target, candidates, k, out);
                }
                None => {
                    searches += 1;
                    let trip = self.trip_to_target(c.node, target);
                    if trip.travel_s.is_finite() {
                        let bound = self.graph.landmarks.bound(c.node, &self.target_marks);
                        self.bounds_sum_ms += u64::from(bound);
                        self.exact_sum_ms += (trip.travel_s * 1000.0).round() as u64;
                    }
                    trip
                }
            };
            if trip.travel_s.is_finite() {
                insert_ranked(
                    out,
                    k,
                    Reached {
                        key: c.key,
                        travel_s: c.lead_s + trip.travel_s,
                        length_m: trip.length_m,
                    },
                );
            }
        }
        self.order = order.into_vec();
    }

    /// By table look-ups, or one backward search that stops once every candidate's node is
    /// settled.
    fn times_to(&mut self, target: NodeId, candidates: &[Candidate], out: &mut Vec<f64>) {
        out.clear();
        out.resize(candidates.len(), f64::INFINITY);
        if let Some(row) = self.row(target) {
            for (time, c) in out.iter_mut().zip(candidates) {
                if row[c.node as usize] != u32::MAX {
                    *time = c.lead_s + seconds(row[c.node as usize]);
                }
            }
            return;
        }
        let mut left = candidates.len();
        self.search_backwards(target, candidates, |drive_s, _, here| {
            for i in here {
                out[i] = drive_s + candidates[i].lead_s;
                left -= 1;
            }
            left == 0
        });
    }

    fn reach_within(&mut self, sources: &[Candidate], within_s: f64, out: &mut Vec<NodeId>) {
        out.clear();
        let limit_ms = (within_s * 1000.0).round() as u32;
        let leads = sources
            .iter()
            .map(|c| (c.node, (c.lead_s * 1000.0).round() as u32));
        self.search
            .within(&self.graph, leads, limit_ms, |node| out.push(node));
    }

    fn route(&mut self, from: NodeId, to: NodeId, out: &mut Vec<Waypoint>) {
        out.clear();
        let graph = Arc::clone(&self.graph);
        let anchors = Arc::clone(&self.anchors);
        let mut add = |node, ms, m| {
            out.push(Waypoint {
                node,
                at_s: seconds(ms),
                from_start_m: m,
            })
        };
        if let Some(row) = self.row(to).or_else(|| anchors.to(to)) {
            if row[from as usize] != u32::MAX {
                walk(&graph, row, from, to, add);
            }
            return;
        }
        if self.descend {
            if descend(&graph, from, to, &mut add).is_some() {
                return;
            }
            out.clear();
        }
        self.target_marks = self.graph.landmarks.target(to);
        if self.search_to(from, to).is_none() {
            return;
        }
        let labels = &self.search.labels;
        let mut node = to;
        while node != NO_NODE {
            let label = labels[node as usize];
            out.push(Waypoint {
                node,
                at_s: seconds(label.dist_ms),
                from_start_m: label.length_m,
            });
            node = label.pred;
        }
        out.reverse();
    }
}

/// The bits of `x` as an unsigned number that orders like `x` (negative numbers included).
fn ordered_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// The number whose [`ordered_bits`] are `bits`.
fn from_ordered_bits(bits: u64) -> f64 {
    f64::from_bits(if bits >> 63 == 1 {
        bits & !(1 << 63)
    } else {
        !bits
    })
}

/// Inserts `r` into the sorted list `out` (by time, then key), keeping at most `k`.
fn insert_ranked(out: &mut Vec<Reached>, k: usize, r: Reached) {
    let pos = out.partition_point(|x| (x.travel_s, x.key) < (r.travel_s, r.key));
    if pos < k {
        if out.len() == k {
            out.pop();
        }
        out.insert(pos, r);
    }
}

/// Starts a new search generation and returns it: every entry stamped before is stale at once.
/// When the counter wraps, old stamps could look current again, so `clear_stamps` clears them.
fn next_generation(generation: &mut u32, clear_stamps: impl FnOnce()) -> u32 {
    *generation = generation.wrapping_add(1);
    if *generation == 0 {
        clear_stamps();
        *generation = 1;
    }
    *generation
}

#[cfg(test)]
mod tests {
    use super::{from_ordered_bits, ordered_bits};

    #[test]
    fn ordered_bits_order_like_the_numbers() {
        let xs = [
            -1e9,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            0.5,
            20.0,
            1e12,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(
                ordered_bits(w[0]) <= ordered_bits(w[1]),
                "{} {}",
                w[0],
                w[1]
            );
        }
        for x in xs {
            assert_eq!(from_ordered_bits(ordered_bits(x)).to_bits(), x.to_bits());
        }
        assert!(ordered_bits(-2.5) < ordered_bits(-1.0));
        assert!(ordered_bits(1.0) < ordered_bits(1.5));
    }
}

//! Dijkstra's algorithm with reusable buffers: a generation stamp marks which entries of the
//! distance array belong to the current search, so nothing is cleared or allocated per query.

use super::{Candidate, Reached, TravelGraph, TravelTimes, Trip, Waypoint};
use crate::map::NodeId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

const NO_NODE: u32 = u32::MAX;

/// Shortest paths by Dijkstra's algorithm. One router per thread; the graph is shared.
pub struct Router {
    graph: Arc<TravelGraph>,
    /// Search generation; an entry of `time_s` is valid when its stamp equals it.
    generation: u32,
    stamp: Vec<u32>,
    time_s: Vec<f64>,
    length_m: Vec<f64>,
    pred: Vec<NodeId>,
    /// Min-heap of (time as ordered bits, node). Times are >= 0, so the bits order like floats.
    heap: BinaryHeap<Reverse<(u64, NodeId)>>,
    /// First candidate standing at a node, by generation stamp; then a chain through `next`.
    candidate_stamp: Vec<u32>,
    candidate_head: Vec<u32>,
    candidate_next: Vec<u32>,
}

impl Router {
    /// A router over `graph` with buffers sized for it.
    pub fn new(graph: Arc<TravelGraph>) -> Self {
        let n = graph.node_count();
        Router {
            graph,
            generation: 0,
            stamp: vec![0; n],
            time_s: vec![0.0; n],
            length_m: vec![0.0; n],
            pred: vec![NO_NODE; n],
            heap: BinaryHeap::new(),
            candidate_stamp: vec![0; n],
            candidate_head: vec![NO_NODE; n],
            candidate_next: Vec::new(),
        }
    }

    /// Starts a new search from `source`.
    fn begin(&mut self, source: NodeId) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // The stamp wrapped: old stamps could look current again.
            self.stamp.fill(0);
            self.candidate_stamp.fill(0);
            self.generation = 1;
        }
        self.heap.clear();
        let s = source as usize;
        self.stamp[s] = self.generation;
        self.time_s[s] = 0.0;
        self.length_m[s] = 0.0;
        self.pred[s] = NO_NODE;
        self.heap.push(Reverse((0f64.to_bits(), source)));
    }

    /// Pops the next settled node and its time, skipping stale heap entries.
    fn settle_next(&mut self) -> Option<(NodeId, f64)> {
        while let Some(Reverse((bits, node))) = self.heap.pop() {
            let t = f64::from_bits(bits);
            if t <= self.time_s[node as usize] {
                return Some((node, t));
            }
        }
        None
    }

    /// Relaxes the arcs of `node` (forward or reverse).
    fn relax(&mut self, node: NodeId, t: f64, reverse: bool) {
        let Router {
            graph,
            generation,
            stamp,
            time_s,
            length_m,
            pred,
            heap,
            ..
        } = self;
        let arcs = if reverse {
            graph.in_arcs(node)
        } else {
            graph.out_arcs(node)
        };
        let len = length_m[node as usize];
        for arc in arcs {
            let o = arc.other as usize;
            let nt = t + arc.travel_s;
            if stamp[o] != *generation || nt < time_s[o] {
                stamp[o] = *generation;
                time_s[o] = nt;
                length_m[o] = len + arc.length_m;
                pred[o] = node;
                heap.push(Reverse((nt.to_bits(), arc.other)));
            }
        }
    }

    /// Travel time from `source` to every node (infinite where unreachable), into `out`.
    pub fn times_from(&mut self, source: NodeId, out: &mut Vec<f64>) {
        out.clear();
        out.resize(self.graph.node_count(), f64::INFINITY);
        self.begin(source);
        while let Some((node, t)) = self.settle_next() {
            out[node as usize] = t;
            self.relax(node, t, false);
        }
    }

    /// Forward search from `from` until `to` is settled; returns its time, or infinity.
    fn search_to(&mut self, from: NodeId, to: NodeId) -> f64 {
        self.begin(from);
        while let Some((node, t)) = self.settle_next() {
            if node == to {
                return t;
            }
            self.relax(node, t, false);
        }
        f64::INFINITY
    }
}

impl TravelTimes for Router {
    fn trip(&mut self, from: NodeId, to: NodeId) -> Trip {
        let travel_s = self.search_to(from, to);
        Trip {
            travel_s,
            length_m: if travel_s.is_finite() {
                self.length_m[to as usize]
            } else {
                f64::INFINITY
            },
        }
    }

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
        // A reverse search from the target settles nodes in order of their time to it.
        self.begin(target);
        let generation = self.generation;
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
        while let Some((node, t)) = self.settle_next() {
            // Every candidate not yet seen needs at least `t`: stop once k are strictly better.
            if out.len() == k && out[k - 1].travel_s < t {
                break;
            }
            if self.candidate_stamp[node as usize] == generation {
                let mut i = self.candidate_head[node as usize];
                while i != NO_NODE {
                    let c = &candidates[i as usize];
                    insert_ranked(
                        out,
                        k,
                        Reached {
                            key: c.key,
                            travel_s: t + c.lead_s,
                            length_m: self.length_m[node as usize],
                        },
                    );
                    i = self.candidate_next[i as usize];
                }
            }
            self.relax(node, t, true);
        }
    }

    fn route(&mut self, from: NodeId, to: NodeId, out: &mut Vec<Waypoint>) {
        out.clear();
        if self.search_to(from, to).is_infinite() {
            return;
        }
        let mut node = to;
        while node != NO_NODE {
            let i = node as usize;
            out.push(Waypoint {
                node,
                at_s: self.time_s[i],
                from_start_m: self.length_m[i],
            });
            node = self.pred[i];
        }
        out.reverse();
    }
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

//! Results: the records a replication produces, the summaries computed from them, and the
//! tables written to disk.
//!
//! Architecture invariant: results never run the engine; they take records and turn them into
//! figures and files.

mod gis;
mod promises;
mod records;
mod sink;
mod summary;
mod tables;

pub use gis::{
    HULL_BUFFER_M, PlaceFigures, PlaceResults, PlaceTally, RESULTS_NODES_FILE, RESULTS_ZONES_FILE,
    ZoneResult, zone_hull,
};
pub use promises::{CallPromise, Measure, PromiseRow, Tally, promise_rows, worst};
pub use records::{
    Assignment, CORDON_PROMISE_S, CallRecord, CallState, CordonCrewRecord, CordonRecord,
    CordonState, ReplicationOutput, SEALING_PROMISE_S, SealingRecord, UnitRecord,
};
pub use sink::RecordSink;
pub use summary::{
    CallFigures, CallOutcome, ON_SCENE_PROMISE_S, PriorityFigures, REINFORCEMENT_PROMISE_S,
    SealingFigures, Summary, ZoneFigures, mean, percentile,
};
pub use tables::{
    assignments_table, calls_table, on_duty_table, sealing_table, staffing_table, summary_table,
    units_table, write_csv, write_parquet, write_table, write_table_batched,
};

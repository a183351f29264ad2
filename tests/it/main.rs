//! The integration tests, one crate so that the library, polars and bevy_ecs are linked once:
//! one module per subject, and `common` for the helpers they share.

mod common;

mod analyze;
mod cli;
mod cordon;
mod determinism;
mod erlang_c;
mod errors;
mod float_range;
mod force;
mod fuzz_regressions;
mod gis;
mod hand_cases;
mod history;
mod invariants;
mod limits;
mod more_police;
mod move_up;
mod osm;
mod place;
mod progress;
mod properties;
mod report;
mod slurm;
mod sweep;
mod webdriver;

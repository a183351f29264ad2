//! patrolsim: a discrete-event simulator that tells police planners whether their response
//! promises hold (first unit on scene in 5 minutes, reinforcement in 10, a cordon in 30) under a
//! given staffing and layout.
//!
//! The pipeline: [`map`] → [`scenario`] → [`sim`] → [`results`] → [`experiment`]. See
//! ARCHITECTURE.md for the map of the code.

pub mod analyze;
pub mod atomic_file;
pub mod bad_input;
pub mod cordon;
pub mod dispatch;
pub mod experiment;
pub mod history;
pub mod map;
pub mod memory;
pub mod output_folder;
pub mod placement;
pub mod progress;
pub mod report;
pub mod results;
pub mod routing;
pub mod scenario;
pub mod sim;

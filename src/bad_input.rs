//! A marker for bad input found by readers that report with `anyhow` (map files, run folders,
//! output folders, command-line values): the command line maps it to exit code 2, like
//! `ScenarioError`, instead of 1 for failures while working (a full disk, ...).

use thiserror::Error;

/// An error caused by what the user gave (a file, a folder, an argument); its message is the
/// wrapped error's.
#[derive(Debug, Error)]
#[error(transparent)]
pub struct BadInput(pub anyhow::Error);

/// Marks the error of `result` as bad input.
pub fn bad_input<T>(result: anyhow::Result<T>) -> anyhow::Result<T> {
    result.map_err(|e| BadInput(e).into())
}

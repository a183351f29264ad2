//! stub
use super::Lang;
use std::path::{Path, PathBuf};
/// stub
pub fn write_sweep_report(_dir: &Path, _lang: Lang) -> anyhow::Result<PathBuf> { todo!() }

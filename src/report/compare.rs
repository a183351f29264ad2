//! stub
use super::Lang;
use std::path::{Path, PathBuf};
/// stub
pub fn write_comparison(_dirs: &[PathBuf], _out: &Path, _lang: Lang) -> anyhow::Result<PathBuf> { todo!() }

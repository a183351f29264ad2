//! Writing output files so that nobody ever sees half of one: everything is written to a
//! temporary file beside the target and renamed over it only when complete.

use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `path` through `fill`; on any error the target is left untouched and the temporary
/// file is removed.
pub fn write(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<std::fs::File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create output folder", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("{}: cannot create file", tmp.display()))?;
        let mut w = BufWriter::new(file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("{}: cannot rename into place", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("{}: writing failed", path.display()))
}

/// Writes a whole string to `path` atomically.
pub fn write_str(path: &Path, text: &str) -> anyhow::Result<()> {
    write(path, |w| Ok(w.write_all(text.as_bytes())?))
}

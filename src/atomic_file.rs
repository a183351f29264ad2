//! Writing output files so that nobody ever sees half of one: everything is written to a
//! temporary file beside the target and renamed over it only when complete.

use crate::bad_input::BadInput;
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `path` through `fill`; on any error the target is left untouched and the temporary
/// file is removed.
pub fn write(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<std::fs::File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    write_through(path, false, |tmp| {
        let file = std::fs::File::create(tmp)
            .with_context(|| format!("{}: cannot create file", tmp.display()))?;
        let mut w = BufWriter::new(file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        Ok(file.sync_all()?)
    })
}

/// Writes `path` by a writer that opens the file itself (a plotters bitmap backend): `fill`
/// gets the temporary path, which ends with the target's extension, and must have written and
/// closed it when it returns. On any error the target is untouched and the temporary removed.
pub fn write_via(
    path: &Path,
    fill: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    write_through(path, true, fill)
}

/// Runs `fill` on a temporary path beside `path` (`.<name>.<pid>.tmp`, plus the target's
/// extension if `keep_extension`), then renames it into place; removes it on any error.
fn write_through(
    path: &Path,
    keep_extension: bool,
    fill: impl FnOnce(&Path) -> anyhow::Result<()>,
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
    let mut tmp_name = format!(".{name}.{}.tmp", std::process::id());
    if let Some(ext) = path.extension().filter(|_| keep_extension) {
        tmp_name = format!("{tmp_name}.{}", ext.to_string_lossy());
    }
    let tmp = dir.join(tmp_name);
    let result = fill(&tmp).and_then(|()| {
        std::fs::rename(&tmp, path)
            .with_context(|| format!("{}: cannot rename into place", path.display()))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("{}: writing failed", path.display()))
}

/// Writes a whole string to `path` atomically.
pub fn write_str(path: &Path, text: &str) -> anyhow::Result<()> {
    write(path, |w| Ok(w.write_all(text.as_bytes())?))
}

/// Creates the output folder `dir` if needed and checks that a file can be written in it, so that
/// a long run does not fail only at its end. Failure is [`BadInput`]: the folder given is unusable.
pub fn check_output_dir(dir: &Path) -> anyhow::Result<()> {
    let probe = dir.join(format!(".patrolsim-probe.{}.tmp", std::process::id()));
    let result = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&probe, b""))
        .and_then(|()| std::fs::remove_file(&probe));
    result.map_err(|e| {
        BadInput(anyhow::anyhow!(
            "{}: cannot write in this output folder: {e}",
            dir.display()
        ))
        .into()
    })
}

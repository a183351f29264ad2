//! Writing output files so that nobody ever sees half of one: everything is written to a
//! temporary file beside the target and renamed over it only when complete. The temporary files
//! being written are known, so an interrupt (Ctrl-C, SIGTERM) removes them before the process
//! ends ([`remove_temporaries_on_interrupt`]).

use crate::bad_input::BadInput;
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary files being written now, removed if the process is interrupted.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether a file name is one of the temporary names this module writes (`.<name>.<pid>.tmp`;
/// earlier versions added the target's extension to a chart's): a file left with such a name by
/// a process that was killed is garbage.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && (name.ends_with(".tmp") || name.contains(".tmp."))
}

/// Runs `write`, which creates the temporary file `tmp` and renames or removes it, with `tmp`
/// known to the interrupt handler meanwhile.
fn tracked<T>(tmp: &Path, write: impl FnOnce() -> T) -> T {
    live().push(tmp.to_path_buf());
    let result = write();
    let mut files = live();
    if let Some(i) = files.iter().position(|p| p == tmp) {
        files.swap_remove(i);
    }
    result
}

/// Installs a handler of SIGINT and SIGTERM that removes the temporary files being written,
/// then ends the process with the shell's code for the signal (130, 143). Call once, from the
/// command line's `main`.
pub fn remove_temporaries_on_interrupt() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .context("cannot install the interrupt handler")?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held until the process ends: no new temporary file is registered meanwhile.
            let files = live();
            for path in files.iter() {
                let _ = std::fs::remove_file(path);
            }
            eprintln!("interrupted: removed {} unfinished file(s)", files.len());
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

/// Writes `path` through `fill`; on any error the target is left untouched and the temporary
/// file is removed.
pub fn write(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<std::fs::File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    write_through(path, |tmp| {
        let file = std::fs::File::create(tmp)
            .with_context(|| format!("{}: cannot create file", tmp.display()))?;
        let mut w = BufWriter::new(file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        Ok(file.sync_all()?)
    })
}

/// Runs `fill` on a temporary path beside `path` (`.<name>.<pid>.tmp`), then renames it into
/// place; removes it on any error.
fn write_through(
    path: &Path,
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
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = tracked(&tmp, || {
        let result = fill(&tmp).and_then(|()| {
            std::fs::rename(&tmp, path)
                .with_context(|| format!("{}: cannot rename into place", path.display()))
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    });
    match result {
        Ok(()) => Ok(()),
        Err(e) => {
            // Within a nested write (a table's Parquet and CSV written together) the error
            // names the file that failed, not every file around it.
            if e.downcast_ref::<WriteFailed>().is_some() {
                Err(e)
            } else {
                Err(e.context(WriteFailed(path.to_path_buf())))
            }
        }
    }
}

/// The context of an output file that could not be written.
#[derive(Debug)]
struct WriteFailed(std::path::PathBuf);

impl std::fmt::Display for WriteFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: writing failed", self.0.display())
    }
}

/// Writes a whole string to `path` atomically.
pub fn write_str(path: &Path, text: &str) -> anyhow::Result<()> {
    write(path, |w| Ok(w.write_all(text.as_bytes())?))
}

/// Checks that files can be written in the output folder `dir` (or, when it does not exist yet,
/// in its nearest existing ancestor, which must be a folder) by writing and removing a probe
/// file, so that a long run does not fail only at its end. Leaves nothing behind. Failure is
/// [`BadInput`]: the folder given is unusable.
pub fn check_output_dir(dir: &Path) -> anyhow::Result<()> {
    let mut existing = dir;
    while !existing.exists() {
        existing = match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
    }
    let problem = if existing.is_dir() {
        let probe = existing.join(format!(".patrolsim-probe.{}.tmp", std::process::id()));
        tracked(&probe, || {
            std::fs::write(&probe, b"").and_then(|()| std::fs::remove_file(&probe))
        })
        .err()
        .map(|e| e.to_string())
    } else {
        Some(format!("{} is not a folder", existing.display()))
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(BadInput(anyhow::anyhow!(
            "{}: cannot write in this output folder: {p}",
            dir.display()
        ))
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`.
    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn a_writer_failing_part_way_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.csv");
        write_str(&path, "old\n").unwrap();
        let err = write(&path, |w| {
            w.write_all(&[b'x'; 100_000])?; // more than the buffer: bytes reach the file
            anyhow::bail!("disk full (injected)")
        })
        .unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            format!("{}: writing failed: disk full (injected)", path.display())
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(names(dir.path()), ["calls.csv"]);
    }

    #[test]
    fn an_output_folder_is_checked_without_leaving_anything() {
        let dir = tempfile::tempdir().unwrap();
        check_output_dir(&dir.path().join("new/deeper")).unwrap();
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
        std::fs::write(dir.path().join("file"), "").unwrap();
        let err = check_output_dir(&dir.path().join("file/out")).unwrap_err();
        assert!(err.is::<BadInput>());
        assert!(err.to_string().ends_with("file is not a folder"), "{err}");
    }
}

//! An output folder as one command holds it: never written over a file the command reads,
//! locked for the whole command (a second command into it is refused), cleared of the
//! temporary files an interrupted command left, and, for a run, of an earlier run's files.
//!
//! The lock is an advisory `flock` on the folder itself, so no lock file is left behind; it is
//! released when the process ends, however it ends.

use crate::atomic_file::{check_output_dir, is_temporary};
use crate::bad_input::BadInput;
use crate::experiment::{ATTRIBUTION_FILE, MAP_FILE};
use crate::report::ChartKind;
use crate::results::{RESULTS_NODES_FILE, RESULTS_ZONES_FILE};
use anyhow::Context;
use std::fs::File;
use std::path::{Path, PathBuf};

/// An output folder locked by this process until dropped. Folders it created are removed
/// again when dropped if nothing was written in them (a command that failed on its input leaves
/// no empty folder behind).
#[derive(Debug)]
pub struct OutputFolder {
    /// The folder, opened; the lock is on it.
    _handle: File,
    /// The folders created for it, deepest first.
    created: Vec<PathBuf>,
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        for dir in &self.created {
            if std::fs::remove_dir(dir).is_err() {
                break; // not empty: written in
            }
        }
    }
}

impl OutputFolder {
    /// Checks that files can be written in `dir`, creates it, locks it and removes the temporary
    /// files an interrupted command left in it. A folder another command holds is bad input
    /// ("in use").
    pub fn lock(dir: &Path) -> anyhow::Result<OutputFolder> {
        check_output_dir(dir)?;
        let created: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create output folder", dir.display()))?;
        let handle = File::open(dir)
            .with_context(|| format!("{}: cannot open output folder", dir.display()))?;
        match handle.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(BadInput(anyhow::anyhow!(
                    "{}: output folder in use by another patrolsim command; wait for it to end \
                     or give another folder",
                    dir.display()
                ))
                .into());
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("{}: cannot lock output folder", dir.display())));
            }
        }
        remove_temporaries(dir)?;
        Ok(OutputFolder {
            _handle: handle,
            created,
        })
    }

    /// Makes `dir` ready for a run of a scenario read from `inputs` (`(what, path)`): refuses
    /// (bad input) a folder where a run's file would replace one of them or that holds a
    /// sweep's results, then locks it and removes an earlier run's files (summary.json first,
    /// so a folder cleared part-way is never taken for a finished run).
    pub fn for_run(dir: &Path, inputs: &[(String, PathBuf)]) -> anyhow::Result<OutputFolder> {
        let outputs: Vec<PathBuf> = run_files().iter().map(|n| dir.join(n)).collect();
        refuse_overwriting(inputs, &outputs)?;
        if dir.join(SWEEP_PAIRS).is_dir() {
            return Err(BadInput(anyhow::anyhow!(
                "{}: holds a sweep's results ({SWEEP_PAIRS}/); give a run another folder",
                dir.display()
            ))
            .into());
        }
        let folder = OutputFolder::lock(dir)?;
        for path in &outputs {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(anyhow::Error::new(e).context(format!(
                        "{}: cannot remove an earlier run's file",
                        path.display()
                    )));
                }
                _ => {}
            }
        }
        Ok(folder)
    }
}

/// The folder of a sweep's saved pair results inside its output folder.
pub const SWEEP_PAIRS: &str = "pairs";

/// The tables a run writes (each as Parquet and CSV).
const RUN_TABLES: [&str; 7] = [
    "calls",
    "assignments",
    "units",
    "summary",
    "on_duty",
    "staffing",
    "sealing",
];

/// The names of every file a run may write into its folder (tables, summary.json, copies of the
/// scenario and map, the attribution, the report and its charts); summary.json first.
pub fn run_files() -> Vec<String> {
    let tables = RUN_TABLES
        .iter()
        .flat_map(|t| [format!("{t}.parquet"), format!("{t}.csv")]);
    let charts = ChartKind::ALL
        .iter()
        .flat_map(|c| [format!("{}.png", c.stem()), format!("{}.svg", c.stem())]);
    ["summary.json", "scenario.toml", MAP_FILE, ATTRIBUTION_FILE]
        .into_iter()
        .chain([
            "report.html",
            "report.md",
            RESULTS_NODES_FILE,
            RESULTS_ZONES_FILE,
        ])
        .map(String::from)
        .chain(tables)
        .chain(charts)
        .collect()
}

/// Removes the temporary files (see [`is_temporary`]) in `dir`, left there by a command that
/// was killed. Only for a folder this process holds locked.
pub fn remove_temporaries(dir: &Path) -> anyhow::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(anyhow::Error::new(e).context(dir.display().to_string())),
    };
    for entry in entries {
        let entry = entry.with_context(|| dir.display().to_string())?;
        if entry.file_type().is_ok_and(|t| t.is_file())
            && is_temporary(&entry.file_name().to_string_lossy())
        {
            std::fs::remove_file(entry.path()).with_context(|| {
                format!("{}: cannot remove a left-over file", entry.path().display())
            })?;
        }
    }
    Ok(())
}

/// Refuses (bad input) when one of `outputs` is one of the `inputs` (`(what, path)`), or the
/// same file under another name: an output never replaces a file the command reads.
pub fn refuse_overwriting(inputs: &[(String, PathBuf)], outputs: &[PathBuf]) -> anyhow::Result<()> {
    for output in outputs {
        if let Some((what, input)) = inputs.iter().find(|(_, input)| same_file(output, input)) {
            return Err(BadInput(anyhow::anyhow!(
                "{}: would replace {what} ({}); choose another output",
                output.display(),
                input.display()
            ))
            .into());
        }
    }
    Ok(())
}

/// Whether `a` and `b` name one file or folder: the same device and inode when both exist,
/// else the same path once their folders are resolved.
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
        (Err(_), Err(_)) => resolved(a).is_some_and(|r| resolved(b) == Some(r)),
        _ => false,
    }
}

/// `path` with its folder made absolute and free of links.
fn resolved(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let folder = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some(std::fs::canonicalize(folder).ok()?.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_is_found_under_other_names() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.osm");
        std::fs::write(&a, "x").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(same_file(&a, &dir.path().join("sub/../a.osm")));
        std::fs::hard_link(&a, dir.path().join("b.osm")).unwrap();
        assert!(same_file(&a, &dir.path().join("b.osm")));
        assert!(!same_file(&a, &dir.path().join("c.osm")));
        // Two outputs that do not exist yet.
        let (x, y) = (dir.path().join("x.json"), dir.path().join("sub/../x.json"));
        assert!(same_file(&x, &y));
        assert!(!same_file(&x, &dir.path().join("y.json")));
        let inputs = [("map.file".to_string(), a.clone())];
        let err = refuse_overwriting(&inputs, &[dir.path().join("b.osm")]).unwrap_err();
        assert!(err.is::<BadInput>());
        assert!(refuse_overwriting(&inputs, &[x]).is_ok());
    }

    #[test]
    fn a_locked_folder_is_refused_and_left_over_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        for name in [
            ".calls.csv.123.tmp",
            ".chart_map.png.9.tmp.png",
            "calls.csv",
            ".keep",
        ] {
            std::fs::write(out.join(name), "").unwrap();
        }
        let held = OutputFolder::lock(&out).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".keep", "calls.csv"]);
        // A second open file description of the folder, as another process would have.
        let err = OutputFolder::lock(&out).unwrap_err();
        assert!(err.is::<BadInput>());
        assert!(err.to_string().contains("in use"), "{err}");
        drop(held);
        OutputFolder::lock(&out).unwrap();
        // Folders made for a command that wrote nothing are removed again.
        drop(OutputFolder::lock(&dir.path().join("new/deeper")).unwrap());
        assert!(!dir.path().join("new").exists());
    }
}

//! Progress bars with an ETA for the commands that can take more than a couple of seconds
//! (`run`, `sweep`, `search`, `calibrate`, `place`, OpenStreetMap imports), drawn on stderr.
//!
//! Every bar draws through indicatif's `ProgressDrawTarget::stderr()`, which draws nothing when
//! stderr is not a terminal (or `TERM=dumb`): piped or redirected output has no control
//! sequences in it. A bar only counts what is already being done; it never changes what is
//! computed, so results are the same with and without one.

use indicatif::{ProgressBar, ProgressFinish, ProgressStyle};
use std::io::Read;
use std::time::Duration;

/// The look every bar shares: the bar, the count, what is counted, the time so far and the ETA.
/// A bar dropped unfinished (an error ends the work) is cleared, so the error line stands
/// alone.
fn styled(len: u64, counter: &str, counted: &str) -> ProgressBar {
    ProgressBar::new(len)
        .with_style(
            ProgressStyle::with_template(&format!(
                "{{bar:40}} {counter} {{msg}}, {{elapsed}} elapsed, ETA {{eta}}"
            ))
            .expect("the template is valid"),
        )
        .with_message(counted.to_string())
        .with_finish(ProgressFinish::AndClear)
}

/// A bar counting `len` things of the kind `counted` names ("simulated days", "(point,
/// replication) pairs").
pub fn bar(len: u64, counted: &str) -> ProgressBar {
    styled(len, "{pos}/{len}", counted)
}

/// A bar counting `len` bytes of what `counted` names ("of heidelberg.osm.pbf read").
pub fn bytes_bar(len: u64, counted: &str) -> ProgressBar {
    styled(len, "{bytes}/{total_bytes}", counted)
}

/// A spinner for work whose length is not known ahead ("placing 30 posts"), with the time so
/// far; it turns on its own until dropped.
pub fn spinner(what: &str) -> ProgressBar {
    let spinner = ProgressBar::new_spinner()
        .with_style(
            ProgressStyle::with_template("{spinner} {msg}, {elapsed} elapsed")
                .expect("the template is valid"),
        )
        .with_message(what.to_string())
        .with_finish(ProgressFinish::AndClear);
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// A reader that moves `bar` on by every byte read through it.
pub struct Reading<'a, R> {
    inner: R,
    bar: &'a ProgressBar,
}

impl<'a, R: Read> Reading<'a, R> {
    /// Reads `inner`, counting on `bar`.
    pub fn new(inner: R, bar: &'a ProgressBar) -> Self {
        Reading { inner, bar }
    }
}

impl<R: Read> Read for Reading<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_counts_every_byte_and_passes_them_unchanged() {
        let bar = bytes_bar(10, "read");
        let mut out = Vec::new();
        Reading::new(&b"0123456789"[..], &bar)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"0123456789");
        assert_eq!(bar.position(), 10);
    }

    #[test]
    fn a_bar_keeps_its_length_and_label() {
        let bar = bar(7, "simulated days");
        bar.inc(3);
        assert_eq!((bar.position(), bar.length()), (3, Some(7)));
        assert_eq!(bar.message(), "simulated days");
    }
}

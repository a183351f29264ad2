//! Process figures the benchmarks print, from /proc (Linux), and the names they are given.

/// Peak resident memory of this process so far, from /proc (Linux), MiB.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time of this process so far (user and system, every thread), seconds, from /proc
/// (Linux, 100 ticks a second): on a shared machine it measures the work, not the waiting.
pub fn cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which ends with ')'): utime and stime are the 12th and 13th.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

/// The names given on the command line (arguments not starting with `--`, which cargo bench
/// passes itself), or `defaults` when none is given.
pub fn names_or(defaults: &[&str]) -> Vec<String> {
    let names: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if names.is_empty() {
        defaults.iter().map(|d| d.to_string()).collect()
    } else {
        names
    }
}

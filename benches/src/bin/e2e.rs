//! The whole path from an estate file to a plan, phase by phase: read, parse and validate
//! (`ValidEstate::from_json_bytes`; the estate is validated there and not again), audit and
//! optimise (with recommendations; `audit_and_optimize`, which assesses once),
//! JSON out. `--separate` calls `audit` and then `optimize` instead, and times them apart. Prints the median of each phase over the
//! runs, the median total and the process's peak resident memory. The JSON is streamed into a
//! writer that counts it, as it would be streamed to a file; its FNV digest, printed so that a
//! change can be checked to change no output, is taken outside the timed phases.
//!
//! ```text
//! python3 benches/gen_estate.py 100000 noncompliant > /tmp/e5.json
//! cargo run --release -p ahb-benches --bin e2e -- /tmp/e5.json [RUNS] [--audit-only | --separate] [--no-recommendations]
//! ```
//!
//! Built with `--no-default-features --features count-alloc`, it runs on the system allocator
//! wrapped in a counter and prints, for the last run, the bytes live after each phase and the
//! most that were live during it: exact figures, unlike the machine's resident memory.

use std::time::Instant;

use ahb_core::{OptimizeOptions, RuleSet, ValidEstate};
use chrono::NaiveDate;

/// The allocator of the faces (feature `mimalloc`, on by default; see benches/README.md).
#[cfg(all(feature = "mimalloc", not(feature = "count-alloc")))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The system allocator, counted (feature `count-alloc`).
#[cfg(feature = "count-alloc")]
#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

/// A global allocator that passes every call to the system's and keeps the bytes live and the
/// most live since [`counting::phase`] last reset it.
#[cfg(feature = "count-alloc")]
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    pub struct Counting;

    fn grew(by: usize) {
        let live = LIVE.fetch_add(by, Relaxed) + by;
        PEAK.fetch_max(live, Relaxed);
    }

    // SAFETY: every call is passed unchanged to `System`, which upholds the contract; the
    // counters only observe the sizes.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract, passed on.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract, passed on.
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: the caller's contract, passed on.
            unsafe { System.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size(), Relaxed);
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: the caller's contract, passed on.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                LIVE.fetch_sub(layout.size(), Relaxed);
                grew(new_size);
            }
            p
        }
    }

    /// The bytes live now and the most live since the last call; the peak starts again from
    /// what is live now.
    pub fn phase() -> (usize, usize) {
        let live = LIVE.load(Relaxed);
        (live, PEAK.swap(live, Relaxed))
    }
}

/// Bytes live after each phase and the most live during it, for the last run.
#[cfg(feature = "count-alloc")]
fn live_bytes() -> (usize, usize) {
    counting::phase()
}

#[cfg(not(feature = "count-alloc"))]
fn live_bytes() -> (usize, usize) {
    (0, 0)
}

/// Peak resident memory of this process in KiB (Linux), from /proc/self/status.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// FNV-1a over the outputs, so that runs before and after a change can be compared.
fn fnv(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A writer that keeps only the length of what it is given and, unless only counting, its
/// FNV-1a hash.
struct Digest {
    hash: u64,
    bytes: usize,
    counting: bool,
}

impl Default for Digest {
    fn default() -> Digest {
        Digest {
            hash: 0xcbf2_9ce4_8422_2325,
            bytes: 0,
            counting: false,
        }
    }
}

impl Digest {
    fn counting() -> Digest {
        Digest {
            counting: true,
            ..Digest::default()
        }
    }
}

impl std::io::Write for Digest {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.counting {
            self.hash = fnv(buf, self.hash);
        }
        self.bytes += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("usage: e2e FILE [RUNS] [--audit-only]");
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let audit_only = args.iter().any(|a| a == "--audit-only");
    let separate = args.iter().any(|a| a == "--separate");
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date");
    let rules = RuleSet::current();
    let mut options = OptimizeOptions::new(as_of);
    options.recommendations = !args.iter().any(|a| a == "--no-recommendations");
    let names = [
        "read",
        "parse+validate",
        if separate || audit_only {
            "audit"
        } else {
            "audit+optimize"
        },
        if separate { "optimize" } else { "-" },
        "json out",
        "total",
    ];
    let mut phases: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut summary = String::new();
    let mut bytes_live = [(0, 0); 5];
    for _ in 0..runs {
        live_bytes();
        let t0 = Instant::now();
        let bytes = std::fs::read(path).expect("the file");
        let t1 = Instant::now();
        bytes_live[0] = live_bytes();
        let estate = ValidEstate::from_json_bytes(&bytes).expect("a valid estate");
        drop(bytes);
        let t2 = Instant::now();
        bytes_live[1] = live_bytes();
        let (position, plan) = if audit_only || separate {
            let position = estate.audit(&rules, as_of).expect("an audit");
            (position, None)
        } else {
            let (position, plan) = estate
                .audit_and_optimize(&rules, &options)
                .expect("a position and a plan");
            (position, Some(plan))
        };
        let t3 = Instant::now();
        bytes_live[2] = live_bytes();
        let plan = if separate {
            Some(estate.optimize(&rules, &options).expect("a plan"))
        } else {
            plan
        };
        let t4 = Instant::now();
        bytes_live[3] = live_bytes();
        // The JSON is streamed (as a user writes it to a file) into a writer that counts it;
        // its digest is taken afterwards, outside the timed phases, by writing it again.
        let mut counted = Digest::counting();
        if let Some(p) = &plan {
            p.write_json(&mut counted).expect("a plan's JSON");
        }
        position
            .write_json(&mut counted)
            .expect("a position's JSON");
        let out = counted.bytes;
        let t5 = Instant::now();
        bytes_live[4] = live_bytes();
        // The plan's bytes are hashed first, then the position's.
        let mut hashed = Digest::default();
        if let Some(p) = &plan {
            p.write_json(&mut hashed).expect("a plan's JSON");
        }
        position.write_json(&mut hashed).expect("a position's JSON");
        let digest = hashed.hash;
        for (k, (a, b)) in [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t0, t5)]
            .into_iter()
            .enumerate()
        {
            phases[k].push((b - a).as_secs_f64());
        }
        summary = format!(
            "{} resources, compliant: {}, plan savings/month: {}, JSON bytes: {out}, digest {digest:016x}",
            estate.resources.len(),
            position.compliant,
            plan.map_or("-".into(), |p| p.totals.monthly_savings.to_string()),
        );
    }
    println!("{summary}");
    for (name, mut v) in names.iter().zip(phases).filter(|(n, _)| **n != "-") {
        println!(
            "{name:>15}: {:9.1} ms (median of {runs})",
            median(&mut v) * 1e3
        );
    }
    if cfg!(feature = "count-alloc") {
        for (name, (live, peak)) in names.iter().zip(bytes_live).filter(|(n, _)| **n != "-") {
            println!(
                "{name:>15}: {:9.1} MB live after, {:9.1} MB at most during (last run)",
                live as f64 / 1e6,
                peak as f64 / 1e6
            );
        }
    }
    if let Some(k) = peak_kib() {
        println!("{:>15}: {:9.1} MiB", "peak memory", k as f64 / 1024.0);
    }
}

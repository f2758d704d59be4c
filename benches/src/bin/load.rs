//! Reading an estate, split: parse and validate together ([`Estate::from_json_bytes`]), then
//! validation alone ([`Estate::validate`] on the estate just read). Prints the median of each
//! over the runs. A file that does not read is timed too (the error path), and its error shown.
//!
//! ```text
//! cargo run --release -p ahb-benches --bin load -- /tmp/e5.json [RUNS]
//! ```

use std::time::Instant;

use ahb_core::Estate;

/// The allocator of the faces (feature `mimalloc`, on by default; see benches/README.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("usage: load FILE [RUNS]");
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(path).expect("the file");
    let (mut read, mut validate) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t0 = Instant::now();
        let estate = Estate::from_json_bytes(&bytes);
        let t1 = Instant::now();
        read.push((t1 - t0).as_secs_f64());
        match estate {
            Ok(estate) => {
                estate.validate().expect("still valid");
                validate.push(t1.elapsed().as_secs_f64());
            }
            Err(e) if read.len() == 1 => println!("error: {e}"),
            Err(_) => {}
        }
    }
    let read = median(&mut read) * 1e3;
    if validate.is_empty() {
        println!("parse until the error: {read:8.1} ms (median of {runs})");
    } else {
        println!(
            "parse+validate: {read:8.1} ms, validate alone: {:8.1} ms (medians of {runs})",
            median(&mut validate) * 1e3
        );
    }
}

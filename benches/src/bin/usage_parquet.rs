//! Loads hourly usage from a Parquet file with `HourlyUsage::from_parquet_path`, RUNS times,
//! printing each run's time and an FNV digest of the columns, so that a change to the reader
//! can be timed (or counted with `valgrind --tool=callgrind`) and checked to give the same
//! usage.
//!
//! ```text
//! cargo run --release -p ahb-benches --bin usage_parquet -- FILE.parquet [RUNS]
//! ```

use ahb_core::central::HourlyUsage;

/// The allocator of the faces (feature `mimalloc`, on by default; see benches/README.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: usage_parquet FILE.parquet [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(1);
    for _ in 0..runs {
        let t = std::time::Instant::now();
        let u = match HourlyUsage::from_parquet_path(path) {
            Ok(u) => u,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        };
        let took = t.elapsed();
        // FNV-1a over every column, in row order.
        let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |x: u64| {
            for b in x.to_le_bytes() {
                digest = (digest ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        };
        for id in &u.resources {
            id.bytes().for_each(|b| eat(u64::from(b)));
        }
        for i in 0..u.resource.len() {
            eat(u64::from(u.resource[i]));
            eat(u64::from(u.hour[i]));
            eat(u64::from(u.vcores[i]));
            eat(u.price_micro[i] as u64);
        }
        println!(
            "{} rows, {} resources, start {}: {:.3} s, digest {digest:016x}",
            u.resource.len(),
            u.resources.len(),
            u.start,
            took.as_secs_f64()
        );
    }
}

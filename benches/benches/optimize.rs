//! Criterion benchmarks of the optimiser. Each size is measured for ahb's solve and, in the
//! same run, for the ranking heuristic existing tools use (sort by savings per licence, take
//! while licences last), so the report shows what exactness costs.

use ahb_benches::windows_instance;
use ahb_core::rules::Pool;
use ahb_core::solve::{knapsack::DEFAULT_BUDGET, solve_candidates};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// The peers' heuristic: rank by savings per licence and take while the total supply lasts.
fn rank_by_ratio(units: &[u64], values: &[i128], supply: u64) -> i128 {
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&a, &b| {
        (values[b] * i128::from(units[a])).cmp(&(values[a] * i128::from(units[b])))
    });
    let (mut used, mut total) = (0, 0);
    for i in order {
        if used + units[i] <= supply {
            used += units[i];
            total += values[i];
        }
    }
    total
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("windows_pool");
    g.sample_size(10);
    for (n, lines) in [
        (1_000, 100),
        (10_000, 1_000),
        (100_000, 10_000),
        (1_000_000, 10_000),
    ] {
        let inst = windows_instance(n, lines, 42);
        g.bench_with_input(BenchmarkId::new("ahb_solve", n), &inst, |b, inst| {
            b.iter(|| {
                solve_candidates(
                    Pool::WindowsServer,
                    inst.lines.clone(),
                    black_box(&inst.candidates),
                    0,
                    &[],
                    DEFAULT_BUDGET,
                )
                .unwrap()
            })
        });
        let units: Vec<u64> = inst.candidates.iter().map(|c| c.units).collect();
        let values: Vec<i128> = inst.candidates.iter().map(|c| c.value).collect();
        let supply: u64 = inst.lines.iter().map(|l| l.for_vms).sum();
        g.bench_with_input(BenchmarkId::new("rank_by_ratio", n), &n, |b, _| {
            b.iter(|| rank_by_ratio(black_box(&units), &values, supply))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

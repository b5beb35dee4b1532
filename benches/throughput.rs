//! Engine throughput on the shipped baseline: 512 paths x 36 months with 1 and 2 worker
//! threads. Criterion reports elements/s, where one element is one path-month (the same unit
//! as the `path-months/s` the CLI prints after each run).
//!
//! `cargo bench --bench throughput` (about a minute; kept short with 10 samples).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sanctions_sim::engine::run::{run, RunOptions};
use sanctions_sim::engine::stats::DEFAULT_BUDGET_BYTES;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const PATHS: u64 = 512;
const MONTHS: usize = 36;

fn throughput(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let sc = sanctions_sim::scenario::load(&path)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));

    let mut g = c.benchmark_group("baseline_512x36");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(PATHS * MONTHS as u64));
    for threads in [1usize, 2] {
        let opts = RunOptions {
            paths: PATHS,
            months: MONTHS,
            seed: 1,
            threads,
            budget_bytes: DEFAULT_BUDGET_BYTES,
            cancel: None,
            probes: Vec::new(),
            periods: Vec::new(),
            rng: Default::default(),
        };
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| black_box(run(&sc, &opts, &|_| {}).expect("engine run")))
        });
    }
    g.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);

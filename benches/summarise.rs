//! (d) The percentile summarisation alone (`engine::stats`): adding path matrices to a
//! chunk accumulator, merging it into the run's total, and `finish` (quantiles of every
//! cell), in both modes, on real
//! `summit_failure` values (71 variables × 36 months). One element is one path-month.
//! `cargo bench --bench summarise`; see docs/performance.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::stats::{MonthlyStats, SummaryMode};
use sanctions_sim::engine::vars::variables;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const MONTHS: usize = 36;
/// Paths per chunk accumulator in the engine (`engine::run::CHUNK_PATHS`).
const CHUNK: usize = 256;

fn summarise(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    let sc = sanctions_sim::scenario::load(&path)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));
    let vars = variables(&sc.market);
    let nv = vars.len();
    // Real path matrices, simulated once.
    let paths: Vec<Vec<f64>> = (0..CHUNK as u64)
        .map(|p| {
            let mut sim = PathSim::new(&sc, 1, p);
            let mut buf = vec![0.0; MONTHS * nv];
            for t in 0..MONTHS {
                sim.step_month();
                sim.write_vars(&vars, &mut buf[t * nv..(t + 1) * nv]);
            }
            buf
        })
        .collect();
    let fill = |mode| {
        let mut s = MonthlyStats::new(MONTHS, nv, mode);
        for p in &paths {
            s.push_path(p);
        }
        s
    };
    let mut g = c.benchmark_group("summarise");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements((CHUNK * MONTHS) as u64));
    for (name, mode) in [
        ("sketch", SummaryMode::Sketch),
        ("exact", SummaryMode::Exact),
    ] {
        // As in the engine: a chunk accumulator is filled on a worker, merged in chunk order
        // into the run's total, and the total is finished once.
        g.bench_function(format!("push_{name}"), |b| b.iter(|| black_box(fill(mode))));
        g.bench_function(format!("merge_{name}"), |b| {
            b.iter_batched(
                || (MonthlyStats::new(MONTHS, nv, mode), fill(mode)),
                |(mut total, chunk)| {
                    total.merge(chunk);
                    black_box(total)
                },
                BatchSize::LargeInput,
            )
        });
        g.bench_function(format!("finish_{name}"), |b| {
            b.iter_batched(
                || {
                    let mut total = MonthlyStats::new(MONTHS, nv, mode);
                    total.merge(fill(mode));
                    total
                },
                |s| black_box(s.finish()),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, summarise);
criterion_main!(benches);

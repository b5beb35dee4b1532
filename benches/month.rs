//! The cost of one path-month, piece by piece, on the shipped `summit_failure` scenario:
//!
//! - `month/step`: [`PathSim::step_month`], everything a month costs except reading out the
//!   variables (trees, dynamic cap review, policy calendar, the month's draws, the market step);
//! - `month/draws`: [`PathSim::draw_random`] alone, the same draws from the same keyed streams
//!   (the floor the step can never go below);
//! - `month/write_vars`: reading the 71 output variables out of the month's outcome.
//!
//! One element is one path-month. Each iteration is a fresh path (seed 1, paths 0, 1, 2, …)
//! run for 36 months; building the path (its parameter draw and calibration) is not timed.
//! `cargo bench --bench month`; see docs/performance.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::vars::variables;
use sanctions_sim::scenario::Scenario;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const MONTHS: usize = 36;
const SEED: u64 = 1;

fn scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    sanctions_sim::scenario::load(&path)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
}

/// Times `f` over `months` months of each of `iters` fresh paths; construction is untimed.
fn per_path(sc: &Scenario, iters: u64, mut f: impl FnMut(&mut PathSim)) -> Duration {
    let mut total = Duration::ZERO;
    for i in 0..iters {
        let mut sim = PathSim::new(sc, SEED, i % 100_000);
        let t = Instant::now();
        f(&mut sim);
        total += t.elapsed();
        black_box(&sim.work.out);
    }
    total
}

fn month(c: &mut Criterion) {
    let sc = scenario();
    let vars = variables(&sc.market);
    let mut g = c.benchmark_group("month");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(MONTHS as u64));
    g.bench_function("step", |b| {
        b.iter_custom(|iters| {
            per_path(&sc, iters, |sim| {
                for _ in 0..MONTHS {
                    black_box(sim.step_month());
                }
            })
        })
    });
    g.bench_function("draws", |b| {
        b.iter_custom(|iters| {
            per_path(&sc, iters, |sim| {
                for _ in 0..MONTHS {
                    sim.draw_random();
                }
            })
        })
    });
    let mut buf = vec![0.0; vars.len()];
    g.bench_function("write_vars", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let mut sim = PathSim::new(&sc, SEED, i % 100_000);
                sim.step_month();
                let t = Instant::now();
                for _ in 0..MONTHS {
                    sim.write_vars(&vars, &mut buf);
                    black_box(&buf);
                }
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();

    // Path construction: keyed streams, parameter draw, calibration, initial state.
    let mut g = c.benchmark_group("path");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(1));
    let mut i = 0u64;
    g.bench_function("new", |b| {
        b.iter(|| {
            i += 1;
            black_box(PathSim::new(&sc, SEED, i))
        })
    });
    g.finish();
}

criterion_group!(benches, month);
criterion_main!(benches);

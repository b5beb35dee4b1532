//! The cost of one path-month, piece by piece, on the shipped `summit_failure` scenario:
//!
//! - `month/step`: [`PathSim::step_month`], everything a month costs except reading out the
//!   variables (trees, dynamic cap review, policy calendar, the month's draws, the market step);
//! - `month/draws`: [`PathSim::draw_random`] alone, the same draws from the same keyed streams
//!   (the floor the step can never go below): the month's shock block from the counter streams
//!   of D130, its correlation, and the designation batches;
//! - `month/draws_legacy`: the same on the pre-D130 ChaCha8 streams (`RngKind::Legacy`);
//! - `month/fill_batch`: [`MonthDraws::fill`], the month's shock block of 64 consecutive paths
//!   in one call (iid normals and uniforms, before the per-path correlation);
//! - `month/write_vars`: reading the 71 output variables out of the month's outcome.
//!
//! One element is one path-month. Each iteration is a fresh path (seed 1, paths 0, 1, 2, …)
//! run for 36 months; building the path (its parameter draw and calibration) is not timed.
//! `cargo bench --bench month`; see docs/performance.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sanctions_sim::engine::month_draws::{MonthDraws, MonthKeys};
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::rng::RngKind;
use sanctions_sim::engine::vars::variables;
use sanctions_sim::scenario::Scenario;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const MONTHS: usize = 36;
const SEED: u64 = 1;
const LANES: usize = 64;

fn scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    sanctions_sim::scenario::load(&path)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
}

/// Times `f` over `months` months of each of `iters` fresh paths; construction is untimed.
fn per_path(sc: &Scenario, iters: u64, kind: RngKind, mut f: impl FnMut(&mut PathSim)) -> Duration {
    let mut total = Duration::ZERO;
    for i in 0..iters {
        let mut sim = PathSim::with_rng(sc, SEED, i % 100_000, kind);
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
            per_path(&sc, iters, RngKind::Counter, |sim| {
                for _ in 0..MONTHS {
                    black_box(sim.step_month());
                }
            })
        })
    });
    for (name, kind) in [
        ("draws", RngKind::Counter),
        ("draws_legacy", RngKind::Legacy),
    ] {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                per_path(&sc, iters, kind, |sim| {
                    for _ in 0..MONTHS {
                        sim.draw_random();
                    }
                })
            })
        });
    }
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

    let mut g = c.benchmark_group("month");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(LANES as u64));
    let keys = MonthKeys::new(SEED, sc.market.buyers.iter().map(|b| b.id.as_str()));
    let mut batch = MonthDraws::new(LANES, keys);
    let mut k = 0u64;
    g.bench_function("fill_batch", |b| {
        b.iter(|| {
            k += 1;
            batch.fill((k / 36) * LANES as u64, (k % 36) as u32);
            black_box(&batch.common_normals);
        })
    });
    g.finish();

    // Path construction: keyed streams, parameter draw, calibration, initial state.
    let mut g = c.benchmark_group("path");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(1));
    for (name, kind) in [("new", RngKind::Counter), ("new_legacy", RngKind::Legacy)] {
        let mut i = 0u64;
        g.bench_function(name, |b| {
            b.iter(|| {
                i += 1;
                black_box(PathSim::with_rng(&sc, SEED, i, kind))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, month);
criterion_main!(benches);

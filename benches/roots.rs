//! Basin roots one at a time (`clearing::solve_basin_into`, what the one-path step calls)
//! against the same basins solved across lanes (`lane_roots::solve_lanes`, issue 16). One
//! element is one basin root: 6 routes of the default market's shapes, the volume anywhere
//! between 5% and 95% of capacity, the warm start within about $1 of the root, as last
//! month's discount usually is. `cargo bench --bench roots`; see docs/performance.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sanctions_sim::market::clearing::{solve_basin, solve_basin_into};
use sanctions_sim::market::lane_roots::{solve_lanes, LaneBasins, LaneRoots, LaneScratch};
use std::hint::black_box;

const ROUTES: usize = 6;

fn problems(lanes: usize) -> (LaneBasins, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut p = LaneBasins::zeros(ROUTES, lanes);
    let mut warm = vec![0.0; lanes];
    for l in 0..lanes {
        let mut total = 0.0;
        for r in 0..ROUTES {
            let i = r * lanes + l;
            p.cap[i] = rng.random_range(0.1..2.5);
            p.h[i] = rng.random_range(0.0..15.0);
            p.sigma[i] = rng.random_range(1.5..3.0);
            p.k[i] = rng.random_range(-10.0..0.0);
            total += p.cap[i];
        }
        p.x[l] = total * rng.random_range(0.05..0.95);
        let pick = |v: &[f64]| (0..ROUTES).map(|r| v[r * lanes + l]).collect::<Vec<f64>>();
        let root = solve_basin(
            &pick(&p.cap),
            &pick(&p.h),
            &pick(&p.sigma),
            &pick(&p.k),
            p.x[l],
            10.0,
        );
        warm[l] = root.d + rng.random_range(-1.0..1.0);
    }
    (p, warm)
}

fn bench(c: &mut Criterion) {
    for lanes in [8, 64] {
        let (p, warm) = problems(lanes);
        // The scalar solver reads each basin's routes as slices: lay them out per lane once.
        let per_lane: Vec<[Vec<f64>; 4]> = (0..lanes)
            .map(|l| {
                let pick = |v: &[f64]| (0..ROUTES).map(|r| v[r * lanes + l]).collect();
                [pick(&p.cap), pick(&p.h), pick(&p.sigma), pick(&p.k)]
            })
            .collect();
        let mut g = c.benchmark_group(format!("basin_roots_{lanes}"));
        g.throughput(Throughput::Elements(lanes as u64));
        let mut flows = vec![0.0; ROUTES];
        g.bench_function("one_at_a_time", |b| {
            b.iter(|| {
                for (l, [cap, h, s, k]) in per_lane.iter().enumerate() {
                    black_box(solve_basin_into(cap, h, s, k, p.x[l], warm[l], &mut flows));
                }
            })
        });
        let (mut out, mut scratch) = (LaneRoots::default(), LaneScratch::default());
        g.bench_function("lanes", |b| {
            b.iter(|| {
                solve_lanes(black_box(&p), &warm, 200, &mut out, &mut scratch);
                black_box(&out.d);
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

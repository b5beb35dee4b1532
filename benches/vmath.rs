//! `exp` over a 4096-element slice: glibc's scalar `f64::exp`, `libm::exp`, and the vector
//! `vmath::exp_slice` (run-time dispatched to AVX-512/AVX2). One element is one `exp`; the
//! inputs span the model's range (−700..700, plus the usual −40..40). `vmath::logistic_slice`
//! against the model's scalar logistic formula too. `cargo bench --bench vmath`; see
//! docs/performance.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sanctions_sim::vmath;
use std::hint::black_box;

const N: usize = 4096;

fn inputs(lo: f64, hi: f64) -> Vec<f64> {
    // A fixed scramble of a grid, so that neighbouring lanes take different reductions.
    (0..N)
        .map(|i| lo + (hi - lo) * (((i * 2654435761) % N) as f64 + 0.5) / N as f64)
        .collect()
}

fn bench(c: &mut Criterion) {
    for (name, lo, hi) in [("wide", -700.0, 700.0), ("narrow", -40.0, 40.0)] {
        let xs = inputs(lo, hi);
        let mut out = vec![0.0; N];
        let mut g = c.benchmark_group(format!("exp_{name}"));
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function("std", |b| {
            b.iter(|| {
                for (o, x) in out.iter_mut().zip(black_box(&xs)) {
                    *o = x.exp();
                }
                black_box(&out);
            })
        });
        g.bench_function("libm", |b| {
            b.iter(|| {
                for (o, x) in out.iter_mut().zip(black_box(&xs)) {
                    *o = libm::exp(*x);
                }
                black_box(&out);
            })
        });
        g.bench_function("vmath", |b| {
            b.iter(|| {
                vmath::exp_slice(black_box(&xs), &mut out);
                black_box(&out);
            })
        });
        g.finish();
    }
    let zs = inputs(-40.0, 40.0);
    let mut out = vec![0.0; N];
    let mut g = c.benchmark_group("logistic");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("std", |b| {
        b.iter(|| {
            for (o, z) in out.iter_mut().zip(black_box(&zs)) {
                // The model's scalar formula (`market::clearing::logistic`, without the clamp).
                *o = if *z >= 0.0 {
                    1.0 / (1.0 + (-z).exp())
                } else {
                    let e = z.exp();
                    e / (1.0 + e)
                };
            }
            black_box(&out);
        })
    });
    g.bench_function("vmath", |b| {
        b.iter(|| {
            vmath::logistic_slice(black_box(&zs), &mut out);
            black_box(&out);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Loading time against the number of `[[event]]` tables (issue 15: 16k events used to take
//! 10-15 s, quadratic in the file size because every diagnostic and every event position
//! searched the text from its start). Loading must now be linear: `load/valid/N` times
//! [`sanctions_sim::scenario::load`] on a file of N valid events that extends the shipped
//! baseline, `load/invalid/N` one where every event has an error (one diagnostic each, the
//! path that used to dominate). One element is one event, so the throughput column should
//! stay flat as N grows. `cargo bench --bench loading`; figures in docs/reliability.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// A scenario with `n` events in `dir`; `bad` makes every event's value out of range.
fn scenario(dir: &Path, n: usize, bad: bool) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let mut text = format!(
        "extends = {:?}\n[scenario]\nname = \"many\"\n",
        base.display().to_string()
    );
    for i in 0..n {
        let value = if bad { 9 } else { i % 5 };
        text.push_str(&format!(
            "[[event]]\ndate = \"2025-09-01\"\nlever = \"tariff.IN.rate\"\naction = \"set\"\nvalue = {value}\n"
        ));
    }
    let p = dir.join(format!("events_{n}_{bad}.toml"));
    std::fs::write(&p, text).unwrap();
    p
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    for bad in [false, true] {
        let kind = if bad { "invalid" } else { "valid" };
        for n in [1_000usize, 10_000, 100_000] {
            let p = scenario(dir.path(), n, bad);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::new(kind, n), &p, |b, p| {
                b.iter(|| black_box(sanctions_sim::scenario::load(p).is_ok()))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! (d) The percentile summarisation alone (`engine::stats`): adding path matrices to a
//! chunk accumulator, merging it into the run's total, and `finish` (quantiles of every
//! cell), in both modes, on real `summit_failure` values (every variable × 36 months); and
//! `insert_*`, a chunk's whole insertion as the engine does it, path by path (`push_path`,
//! then the chunk's sketch counted into the worker's) against batch-wise (`push_block`).
//! One element is one path-month. `cargo bench --bench summarise`; see docs/performance.md.

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
/// Paths per block pushed by the engine (`engine::run::BLOCK_PATHS`).
const BLOCK: usize = 32;

fn summarise(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    let sc = sanctions_sim::scenario::load(&path)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));
    let vars = variables(&sc.market);
    let nv = vars.len();
    // Real path matrices, simulated once: four chunks' worth, so that the insertion benches
    // see fresh values as a run does, and the others the first chunk.
    let all: Vec<Vec<f64>> = (0..4 * CHUNK as u64)
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
    let paths = &all[..CHUNK];
    let fill = |mode| {
        let mut s = MonthlyStats::new(MONTHS, nv, mode);
        for p in paths {
            s.push_path(p);
        }
        s
    };
    let chunks: Vec<Vec<f64>> = all.chunks(CHUNK).map(|c| c.concat()).collect();
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
    // A chunk's insertion into a worker's accumulator that already holds these four chunks
    // (its pages exist, as they do after the first few chunks of a run); each iteration
    // inserts the next of the four. Each path is first copied into the buffer the engine
    // writes it to, so that it is in cache as it is in the engine.
    let mut local = MonthlyStats::new(MONTHS, nv, SummaryMode::Sketch);
    for c in &chunks {
        local.push_block(c);
    }
    local.take_moments();
    let mut next = 0;
    let mut buf = vec![0.0; MONTHS * nv];
    g.bench_function("insert_sketch/path", |b| {
        b.iter(|| {
            next = (next + 1) % chunks.len();
            let mut chunk = MonthlyStats::new(MONTHS, nv, SummaryMode::Sketch);
            for p in all[next * CHUNK..(next + 1) * CHUNK].iter() {
                buf.copy_from_slice(p);
                chunk.push_path(&buf);
            }
            let moments = chunk.take_moments();
            local.merge_order(chunk);
            black_box(moments)
        })
    });
    let mut block = vec![0.0; CHUNK * MONTHS * nv];
    for paths in [BLOCK, 8, 16, 64, CHUNK] {
        g.bench_function(format!("insert_sketch/block{paths}"), |b| {
            b.iter(|| {
                next = (next + 1) % chunks.len();
                for rows in chunks[next].chunks(paths * MONTHS * nv) {
                    let block = &mut block[..rows.len()];
                    block.copy_from_slice(rows);
                    local.push_block(block);
                }
                black_box(local.take_moments())
            })
        });
    }
    g.bench_function("insert_exact/path", |b| {
        b.iter(|| {
            let mut s = MonthlyStats::new(MONTHS, nv, SummaryMode::Exact);
            for p in paths {
                buf.copy_from_slice(p);
                s.push_path(&buf);
            }
            black_box(s)
        })
    });
    g.bench_function(format!("insert_exact/block{BLOCK}"), |b| {
        b.iter(|| {
            let mut s = MonthlyStats::new(MONTHS, nv, SummaryMode::Exact);
            for rows in chunks[0].chunks(BLOCK * MONTHS * nv) {
                let block = &mut block[..rows.len()];
                block.copy_from_slice(rows);
                s.push_block(block);
            }
            black_box(s)
        })
    });
    g.finish();
}

criterion_group!(benches, summarise);
criterion_main!(benches);

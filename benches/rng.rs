//! The generator choice of D130, measured: the words a path-month's shock block reads (18
//! from `shocks`, 3 from each of the 7 buyer streams of the shipped market) from
//!
//! - `words/philox_lanes`: Philox4x32-10 counters of 64 paths at once on the vector unit
//!   (`philox::Blocks`, what `MonthDraws::fill` runs);
//! - `words/philox_one_path`: the same for one path (the engine's path-at-a-time draw);
//! - `words/philox_stream`: the same counters one stream at a time (`CounterRng`);
//! - `words/chacha8_counter`: ChaCha8 in counter mode, keyed per stream, `set_stream(path)`
//!   and `set_word_pos` at the month (a 4-block refill per stream and month);
//! - `words/chacha8_sequential`: the pre-D130 way, one ChaCha8 per stream and path read on
//!   from month to month (its refills shared across months, but state carried per path);
//!
//! and opening a stream and reading one word (`open/*`: what a path's ~60 construction-time
//! streams each cost). One element is one path-month, or one stream for `open/*`.
//! `cargo bench --bench rng`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sanctions_sim::engine::philox;
use sanctions_sim::engine::rng::{legacy, CounterRng, StreamKey, SLOT_PATH};
use std::hint::black_box;
use std::time::Duration;

const LANES: usize = 64;
const BUYERS: usize = 7;
const COMMON_WORDS: usize = 18;
const BUYER_WORDS: usize = 3;

fn keys() -> Vec<StreamKey> {
    let mut k = vec![StreamKey::new(1, "shocks")];
    k.extend((0..BUYERS).map(|j| StreamKey::new(1, &format!("shocks.buyer.{j}"))));
    k
}

fn words_of(j: usize) -> usize {
    if j == 0 {
        COMMON_WORDS
    } else {
        BUYER_WORDS
    }
}

fn chacha_counter(key: StreamKey, path: u64, month: u32) -> ChaCha8Rng {
    let [a, b] = key.words();
    let mut seed = [0u8; 32];
    seed[..4].copy_from_slice(&a.to_le_bytes());
    seed[4..8].copy_from_slice(&b.to_le_bytes());
    let mut r = ChaCha8Rng::from_seed(seed);
    r.set_stream(path);
    r.set_word_pos((month as u128) << 36);
    r
}

fn bench(c: &mut Criterion) {
    let keys = keys();
    let mut g = c.benchmark_group("words");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let mut bl = philox::Blocks::default();
    for (j, k) in keys.iter().enumerate() {
        bl.push_stream(k.words(), words_of(j).div_ceil(2) as u32);
    }
    let mut month = 0u32;
    for (name, lanes) in [("philox_lanes", LANES), ("philox_one_path", 1)] {
        g.throughput(Throughput::Elements(lanes as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                month += 1;
                bl.compute(month, 0, lanes);
                black_box(bl.words(0));
            })
        });
    }
    g.throughput(Throughput::Elements(1));
    let mut path = 0u64;
    g.bench_function("philox_stream", |b| {
        b.iter(|| {
            path += 1;
            for (j, k) in keys.iter().enumerate() {
                let mut r = CounterRng::new(*k, path, 3);
                for _ in 0..words_of(j) {
                    black_box(r.next_u64());
                }
            }
        })
    });
    g.bench_function("chacha8_counter", |b| {
        b.iter(|| {
            path += 1;
            for (j, k) in keys.iter().enumerate() {
                let mut r = chacha_counter(*k, path, 3);
                for _ in 0..words_of(j) {
                    black_box(r.next_u64());
                }
            }
        })
    });
    let mut streams: Vec<ChaCha8Rng> = (0..=BUYERS as u64).map(|j| legacy(1, 7, j)).collect();
    g.bench_function("chacha8_sequential", |b| {
        b.iter(|| {
            for (j, r) in streams.iter_mut().enumerate() {
                for _ in 0..words_of(j) {
                    black_box(r.next_u64());
                }
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("open");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(1));
    let key = StreamKey::new(1, "param.kappa");
    g.bench_function("counter", |b| {
        b.iter(|| {
            path += 1;
            black_box(CounterRng::new(key, path, SLOT_PATH).next_u64())
        })
    });
    g.bench_function("chacha8", |b| {
        b.iter(|| {
            path += 1;
            black_box(legacy(1, path, 0x1234).next_u64())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

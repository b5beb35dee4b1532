use super::exact::{exact_quantile, type7_ranks};
use super::*;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};

fn stats_of(values: &[f64], mode: SummaryMode) -> CellStats {
    let mut s = MonthlyStats::new(1, 1, mode);
    for &x in values {
        s.push_path(&[x]);
    }
    *s.finish().cell(0, 0)
}

#[test]
fn exact_type7_hand_computed() {
    // 1..=10: h = 9p. p05: h=0.45 → 1+0.45 = 1.45; p10: 1.9; p25: h=2.25 → 3.25;
    // p50: 5.5; p75: h=6.75 → 7.75; p90: 9.1; p95: h=8.55 → 9.55.
    let v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
    let c = stats_of(&v, SummaryMode::Exact);
    let got = [c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95];
    let want = [1.45, 1.9, 3.25, 5.5, 7.75, 9.1, 9.55];
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
    }
    assert_eq!(c.n, 10);
    assert!((c.mean - 5.5).abs() < 1e-12);
    // sample variance of 1..10 = 55/6
    assert!((c.sd - (55.0f64 / 6.0).sqrt()).abs() < 1e-12);

    // [-3, 0, 0, 7]: h = 3p. p25: h=0.75 → -3 + 0.75*3 = -0.75; p50: 0; p95: h=2.85 → 0+0.85*7.
    let c = stats_of(&[7.0, 0.0, -3.0, 0.0], SummaryMode::Exact);
    assert!((c.p25 + 0.75).abs() < 1e-12);
    assert_eq!(c.p50, 0.0);
    assert!((c.p95 - 5.95).abs() < 1e-12);
    assert!((c.p05 + 3.0 - 0.15 * 3.0).abs() < 1e-12);
}

#[test]
fn small_counts() {
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        let c = stats_of(&[], mode);
        assert_eq!((c.n, c.nonfinite), (0, 0));
        assert!(c.mean.is_nan() && c.sd.is_nan() && c.p05.is_nan() && c.p95.is_nan());
        let c = stats_of(&[4.25], mode);
        assert_eq!(
            (c.n, c.mean, c.sd, c.p05, c.p50, c.p95),
            (1, 4.25, 0.0, 4.25, 4.25, 4.25)
        );
    }
}

#[test]
fn nonfinite_counted_and_skipped() {
    let v = [1.0, f64::NAN, 2.0, f64::INFINITY, 3.0, f64::NEG_INFINITY];
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        let c = stats_of(&v, mode);
        assert_eq!((c.n, c.nonfinite), (3, 3), "{mode:?}");
        assert_eq!(c.mean, 2.0);
        assert_eq!(c.sd, 1.0);
        assert!((c.p50 - 2.0).abs() <= 2.0 * SKETCH_RELATIVE_ERROR);
        assert!(c.p05.is_finite() && c.p95.is_finite());
    }
    let c = stats_of(&[f64::NAN, f64::NAN], SummaryMode::Exact);
    assert_eq!((c.n, c.nonfinite), (0, 2));
    assert!(c.mean.is_nan() && c.p50.is_nan());
}

#[test]
fn choose_mode_budget() {
    assert_eq!(
        choose_mode(1000, 120, 20, DEFAULT_BUDGET_BYTES),
        SummaryMode::Exact
    );
    // 1000·120·20·8 = 19.2 MB
    assert_eq!(choose_mode(1000, 120, 20, 19_200_000), SummaryMode::Exact);
    assert_eq!(choose_mode(1000, 120, 20, 19_199_999), SummaryMode::Sketch);
    assert_eq!(
        choose_mode(u64::MAX, 120, 20, u64::MAX - 1),
        SummaryMode::Sketch
    );
    assert_eq!(SummaryMode::Sketch.as_str(), "sketch");
}

/// Paths of a 3-month × 2-variable run with assorted values.
fn paths(n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let norm = Normal::new(50.0, 20.0).unwrap();
    (0..n)
        .map(|i| {
            (0..6)
                .map(|j| {
                    if (i + j) % 97 == 0 {
                        f64::NAN
                    } else if j % 2 == 1 && i % 3 == 0 {
                        0.0
                    } else {
                        norm.sample(&mut rng)
                    }
                })
                .collect()
        })
        .collect()
}

fn chunked(ps: &[Vec<f64>], sizes: &[usize], mode: SummaryMode) -> Summary {
    let mut acc = MonthlyStats::new(3, 2, mode);
    let mut rest = ps;
    let mut i = 0;
    while !rest.is_empty() {
        let take = sizes[i % sizes.len()].min(rest.len());
        let mut chunk = MonthlyStats::new(3, 2, mode);
        for p in &rest[..take] {
            chunk.push_path(p);
        }
        acc.merge(chunk);
        rest = &rest[take..];
        i += 1;
    }
    acc.finish()
}

fn bits(s: &Summary) -> Vec<[u64; 9]> {
    s.cells
        .iter()
        .map(|c| {
            [
                c.mean, c.sd, c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95,
            ]
            .map(f64::to_bits)
        })
        .collect()
}

fn quantile_bits(s: &Summary) -> Vec<[u64; 7]> {
    s.cells
        .iter()
        .map(|c| [c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95].map(f64::to_bits))
        .collect()
}

#[test]
fn same_chunk_sequence_same_bits_on_any_thread() {
    let ps = paths(5000, 7);
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        let serial = chunked(&ps, &[1024], mode);
        // Build the same chunks on other threads, merge in chunk order here.
        let chunks: Vec<MonthlyStats> = std::thread::scope(|sc| {
            let handles: Vec<_> = ps
                .chunks(1024)
                .map(|c| {
                    sc.spawn(move || {
                        let mut s = MonthlyStats::new(3, 2, mode);
                        c.iter().for_each(|p| s.push_path(p));
                        s
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut acc = MonthlyStats::new(3, 2, mode);
        for c in chunks {
            acc.merge(c);
        }
        let threaded = acc.finish();
        assert_eq!(bits(&serial), bits(&threaded), "{mode:?}");
        assert_eq!(serial.cells[0].nonfinite, threaded.cells[0].nonfinite);
    }
}

#[test]
fn quantiles_independent_of_chunking() {
    let ps = paths(3000, 11);
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        let a = chunked(&ps, &[3000], mode);
        let b = chunked(&ps, &[1], mode);
        let c = chunked(&ps, &[7, 500, 1, 1024], mode);
        assert_eq!(quantile_bits(&a), quantile_bits(&b), "{mode:?}");
        assert_eq!(quantile_bits(&a), quantile_bits(&c), "{mode:?}");
        for (x, y) in a.cells.iter().zip(&c.cells) {
            assert_eq!((x.n, x.nonfinite), (y.n, y.nonfinite));
            assert!((x.mean - y.mean).abs() <= 1e-12 * x.mean.abs().max(1.0));
            assert!((x.sd - y.sd).abs() <= 1e-12 * x.sd.max(1.0));
        }
    }
}

/// A chunk told its path count (one exact block of that size, D216), told too few or too many,
/// or told nothing gives the same bits.
#[test]
fn expected_paths_hint_never_changes_results() {
    let ps = paths(2000, 5);
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        let reference = chunked(&ps, &[300], mode);
        for hint in [0, 1, 299, 300, 301, 10_000_000] {
            let mut acc = MonthlyStats::new(3, 2, mode);
            for chunk in ps.chunks(300) {
                let mut s = MonthlyStats::new(3, 2, mode);
                s.expect_paths(hint);
                chunk.iter().for_each(|p| s.push_path(p));
                acc.merge(s);
            }
            assert_eq!(
                bits(&reference),
                bits(&acc.finish()),
                "{mode:?} hint {hint}"
            );
        }
    }
}

#[test]
fn exact_matches_sorted_reference_per_cell() {
    let ps = paths(2000, 3);
    let s = chunked(&ps, &[300], SummaryMode::Exact);
    for i in 0..6 {
        let mut col: Vec<f64> = ps.iter().map(|p| p[i]).filter(|x| x.is_finite()).collect();
        col.sort_by(f64::total_cmp);
        let c = &s.cells[i];
        assert_eq!(c.n as usize, col.len());
        assert_eq!(c.p50, exact_quantile(&col, 0.5));
        assert_eq!(c.p95, exact_quantile(&col, 0.95));
    }
}

/// Checks every reported sketch quantile against the documented bound.
fn check_sketch_bound(name: &str, values: &[f64]) {
    let exact = stats_of(values, SummaryMode::Exact);
    let sketch = stats_of(values, SummaryMode::Sketch);
    assert_eq!(exact.n, sketch.n);
    assert_eq!(exact.mean.to_bits(), sketch.mean.to_bits());
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let got = [
        sketch.p05, sketch.p10, sketch.p25, sketch.p50, sketch.p75, sketch.p90, sketch.p95,
    ];
    let ex = [
        exact.p05, exact.p10, exact.p25, exact.p50, exact.p75, exact.p90, exact.p95,
    ];
    for ((p, g), e) in PROBS.iter().zip(got).zip(ex) {
        let (k, k1, f) = type7_ranks(sorted.len() as u64, *p);
        let (a, b) = (sorted[k as usize], sorted[k1 as usize]);
        let bound = SKETCH_RELATIVE_ERROR * ((1.0 - f) * a.abs() + f * b.abs()) * (1.0 + 1e-9);
        assert!(
            (g - e).abs() <= bound,
            "{name} p{p}: sketch {g} exact {e} |err| {} > bound {bound}",
            (g - e).abs()
        );
        if a.signum() == b.signum() || a == 0.0 || b == 0.0 {
            assert!((g - e).abs() <= SKETCH_RELATIVE_ERROR * e.abs() * (1.0 + 1e-9));
        }
    }
}

const N: usize = 200_000;

#[test]
fn sketch_bound_normal() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let d = Normal::new(70.0, 25.0).unwrap();
    let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
    check_sketch_bound("normal(70,25)", &v);
    let d = Normal::new(0.0, 1.0).unwrap();
    let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
    check_sketch_bound("normal(0,1)", &v);
}

#[test]
fn sketch_bound_lognormal() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let d = LogNormal::new(0.0, 2.5).unwrap();
    let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
    check_sketch_bound("lognormal(0,2.5)", &v);
    // Tiny and huge magnitudes in one cell: no bucket collapsing.
    let v: Vec<f64> = v
        .iter()
        .enumerate()
        .map(|(i, x)| if i % 2 == 0 { x * 1e-200 } else { x * 1e200 })
        .collect();
    check_sketch_bound("lognormal spanning 1e-200..1e200", &v);
}

#[test]
fn sketch_bound_zero_inflated() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let d = LogNormal::new(3.0, 0.5).unwrap();
    // 30 % exact zeros (and some -0.0), 0/1 indicator-like mass, continuous remainder.
    let v: Vec<f64> = (0..N)
        .map(|i| match i % 10 {
            0 | 1 => 0.0,
            2 => -0.0,
            3 => 1.0,
            _ => d.sample(&mut rng),
        })
        .collect();
    check_sketch_bound("zero-inflated", &v);
    let ind: Vec<f64> = (0..N).map(|i| f64::from(i % 7 == 0)).collect();
    let c = stats_of(&ind, SummaryMode::Sketch);
    assert_eq!((c.p05, c.p50, c.p90), (0.0, 0.0, 1.0));
    let neg: Vec<f64> = ind.iter().map(|x| -2.5 * x).collect();
    let c = stats_of(&neg, SummaryMode::Sketch);
    assert_eq!((c.p05, c.p50, c.p95), (-2.5, 0.0, 0.0));
}

#[test]
fn sketch_bound_negative_and_mixed_sign() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let d = Normal::new(-12.0, 3.0).unwrap();
    let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
    check_sketch_bound("normal(-12,3)", &v);
    let d = LogNormal::new(1.0, 1.0).unwrap();
    let v: Vec<f64> = (0..N).map(|_| -d.sample(&mut rng)).collect();
    check_sketch_bound("negative lognormal", &v);
    let d = Normal::new(1.0, 10.0).unwrap();
    let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
    check_sketch_bound("normal(1,10) straddling zero", &v);
}

#[test]
fn sketch_memory_bounded() {
    let mut s = MonthlyStats::new(1, 1, SummaryMode::Sketch);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let d = Normal::new(80.0, 5.0).unwrap();
    for _ in 0..N {
        s.push_path(&[d.sample(&mut rng)]);
    }
    let Order::Sketch { cells } = &s.order else {
        unreachable!()
    };
    let pages = cells[0].pos.pages.iter().flatten().count();
    // 80 ± 6σ lies in 50..110: quarter octaves [48,56) .. [96,112) → 5 pages.
    assert!(pages <= 5, "{pages} pages");
}

/// Throughput smoke test: `cargo test --release --lib engine::stats -- --ignored --nocapture`.
#[test]
#[ignore = "timing only, no assertion worth a CI minute: run by hand with --ignored --nocapture"]
fn throughput_smoke() {
    let (months, vars, paths) = (120, 20, 20_000);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let d = LogNormal::new(4.0, 0.4).unwrap();
    let path: Vec<f64> = (0..months * vars).map(|_| d.sample(&mut rng)).collect();
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        let t0 = std::time::Instant::now();
        let mut acc = MonthlyStats::new(months, vars, mode);
        let mut shifted = path.clone();
        for chunk in 0..paths / 1000 {
            let mut c = MonthlyStats::new(months, vars, mode);
            for i in 0..1000 {
                let f = 1.0 + ((chunk * 1000 + i) % 977) as f64 * 1e-3;
                shifted.iter_mut().zip(&path).for_each(|(s, p)| *s = p * f);
                c.push_path(&shifted);
            }
            acc.merge(c);
        }
        let t1 = t0.elapsed();
        let s = acc.finish();
        println!(
            "{mode:?}: {paths} paths x {} cells: push+merge {t1:.2?}, finish {:.2?}",
            months * vars,
            t0.elapsed() - t1
        );
        assert_eq!(s.cells[0].n, paths as u64);
    }
}

fn two_pass(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

proptest! {
    #[test]
    fn merged_moments_match_one_pass(
        v in prop::collection::vec(-1e6f64..1e6, 2..400),
        cuts in prop::collection::vec(1usize..50, 1..10),
    ) {
        let one = stats_of(&v, SummaryMode::Exact);
        let mut acc = MonthlyStats::new(1, 1, SummaryMode::Exact);
        let mut rest = &v[..];
        let mut i = 0;
        while !rest.is_empty() {
            let take = cuts[i % cuts.len()].min(rest.len());
            let mut c = MonthlyStats::new(1, 1, SummaryMode::Exact);
            rest[..take].iter().for_each(|&x| c.push_path(&[x]));
            acc.merge(c);
            rest = &rest[take..];
            i += 1;
        }
        let merged = *acc.finish().cell(0, 0);
        let (mean, sd) = two_pass(&v);
        let scale = v.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1.0);
        prop_assert_eq!(merged.n, v.len() as u64);
        prop_assert!((merged.mean - one.mean).abs() <= 1e-10 * scale);
        prop_assert!((merged.mean - mean).abs() <= 1e-10 * scale);
        prop_assert!((merged.sd - one.sd).abs() <= 1e-8 * scale);
        prop_assert!((merged.sd - sd).abs() <= 1e-8 * scale);
        prop_assert_eq!(merged.p50.to_bits(), one.p50.to_bits());
    }
}

/// A decoded sketch whose pages lie outside the bucket keys, or whose extremes cannot hold
/// its values, is refused (it would overflow the page arithmetic of the merge), and the
/// counts of the order statistics are what the moments counted (engine::partial::check).
#[test]
fn decoded_sketch_pages_and_extremes_are_checked() {
    let mut s = MonthlyStats::new(1, 1, SummaryMode::Sketch);
    for x in [1.0, 0.0, -2.0, f64::NAN] {
        s.push_path(&[x]);
    }
    let mut w = codec::Writer::default();
    s.encode_order(&mut w);
    let good = w.buf;
    let decode = |b: &[u8]| MonthlyStats::decode_order(&mut codec::Reader::new(b), &s);
    let d = decode(&good).unwrap();
    assert_eq!(d.order_counts().unwrap(), [3]);
    assert_eq!(d.exact_paths(), None);
    // zeros (8), then the positive store: count (8), lo (8), hi (8), base (4).
    for base in [i32::MAX, i32::MIN, -257, 8192] {
        let mut b = good.clone();
        b[32..36].copy_from_slice(&base.to_le_bytes());
        let e = decode(&b).unwrap_err().to_string();
        assert!(e.contains("outside the bucket range -256..=8191"), "{e}");
    }
    let mut b = good.clone();
    b[16..24].copy_from_slice(&f64::NAN.to_bits().to_le_bytes());
    let e = decode(&b).unwrap_err().to_string();
    assert!(e.contains("sketch of 1 values with extremes"), "{e}");
    // Exact mode: values are counted per cell, non-finite ones left out.
    let mut x = MonthlyStats::new(1, 2, SummaryMode::Exact);
    x.push_path(&[1.0, f64::INFINITY]);
    x.push_path(&[2.0, 3.0]);
    assert_eq!(x.order_counts().unwrap(), [2, 1]);
    assert_eq!(x.exact_paths(), Some(2));
}

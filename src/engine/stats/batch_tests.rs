//! `push_block` against the path-wise `push_path`: the same moments, sketches and kept
//! values, bit for bit.

use super::batch::bucket_key;
use super::codec::Writer;
use super::sketch::bucket_of;
use super::{MonthlyStats, SummaryMode};
use proptest::prelude::*;

/// Everything an accumulator holds, as bytes: each cell's moments (n, non-finite count and
/// the bits of mean and M2) and its order statistics (sketch pages and extremes after the
/// pending keys are counted, or the kept values in push order).
fn bytes(s: &MonthlyStats) -> Vec<u8> {
    let mut w = Writer::default();
    let mut s = s.clone();
    s.take_moments().encode(&mut w);
    s.encode_order(&mut w);
    w.buf
}

/// A value of any kind the engine can produce and more: ordinary, zero of either sign,
/// subnormal, at the ends of the range, a constant (0/1 indicators), or non-finite.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -1e3..1e3f64,
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => Just(1.0),
        1 => (1u64..(1 << 52)).prop_map(|b| f64::from_bits(b) * if b % 2 == 0 { 1.0 } else { -1.0 }),
        1 => prop::sample::select(vec![
            f64::MIN_POSITIVE, -f64::MIN_POSITIVE, 5e-324, -5e-324, f64::MAX, f64::MIN,
            1e300, -1e300, 1e-300, -1e-300,
        ]),
        1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -f64::NAN]),
        2 => any::<u64>().prop_map(f64::from_bits),
    ]
}

/// Shape `(months, vars, extra, tail)`, mode, the paths, and where the block is cut.
#[allow(clippy::type_complexity)]
fn case() -> impl Strategy<
    Value = (
        (usize, usize, usize, usize),
        bool,
        Vec<Vec<f64>>,
        Vec<usize>,
    ),
> {
    (1usize..4, 1usize..40, 0usize..20, 0usize..6, any::<bool>()).prop_flat_map(
        |(months, vars, extra, tail, exact)| {
            let stride = months * vars + extra + tail;
            (
                Just((months, vars, extra, tail)),
                Just(exact),
                prop::collection::vec(prop::collection::vec(value(), stride), 0..80),
                prop::collection::vec(0usize..40, 0..6),
            )
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn bucket_key_is_bucket_of(bits in 1u64..0x7ff0_0000_0000_0000) {
        let m = f64::from_bits(bits);
        prop_assert_eq!(bucket_key(m), bucket_of(m), "{:e}", m);
    }

    /// Blocks cut anywhere (one path, several, an empty one), into an accumulator that
    /// already holds paths pushed one by one, give the bytes of pushing every path alone.
    #[test]
    fn push_block_is_push_path((shape, exact, paths, cuts) in case()) {
        let (months, vars, extra, tail) = shape;
        let mode = if exact { SummaryMode::Exact } else { SummaryMode::Sketch };
        let mut one = MonthlyStats::with_cells(months, vars, extra, tail, mode);
        let mut blocks = one.clone();
        for p in &paths {
            one.push_path(p);
        }
        let flat: Vec<f64> = paths.concat();
        let stride = one.cells();
        let mut at = 0;
        // The first cut's paths go path-wise, as a mixed accumulator would have them.
        let first = cuts.first().copied().unwrap_or(0).min(paths.len());
        for p in &paths[..first] {
            blocks.push_path(p);
        }
        at += first;
        for &c in cuts.iter().skip(1) {
            let end = (at + c).min(paths.len());
            blocks.push_block(&flat[at * stride..end * stride]);
            at = end;
        }
        blocks.push_block(&flat[at * stride..]);
        prop_assert_eq!(bytes(&one), bytes(&blocks));
        prop_assert_eq!(format!("{:?}", one.summarize()), format!("{:?}", blocks.summarize()));
    }
}

#[test]
fn bucket_key_at_the_edges() {
    let edges = [
        5e-324,
        1e-320,
        f64::MIN_POSITIVE * (1.0 - f64::EPSILON),
        f64::MIN_POSITIVE,
        f64::MIN_POSITIVE * (1.0 + f64::EPSILON),
        0.5,
        1.0,
        1.0 + 1.0 / 512.0,
        1.0 + 1.0 / 512.0 - f64::EPSILON,
        2.0,
        f64::MAX,
    ];
    for m in edges {
        assert_eq!(bucket_key(m), bucket_of(m), "{m:e}");
    }
}

/// Many paths of one constant cell and one with every kind of value: longer than a pass of
/// a tile, so the keys of several passes are counted.
#[test]
fn long_blocks_match() {
    let kinds = [
        1.5,
        -2.0,
        0.0,
        -0.0,
        f64::NAN,
        f64::INFINITY,
        5e-324,
        -1e300,
        3.0,
        7.25,
    ];
    for mode in [SummaryMode::Sketch, SummaryMode::Exact] {
        let (months, vars) = (3, 17);
        let mut one = MonthlyStats::with_cells(months, vars, 2, 1, mode);
        let mut block = one.clone();
        let stride = one.cells();
        let flat: Vec<f64> = (0..1000 * stride)
            .map(|i| match i % stride {
                0 => 1.0,
                c => kinds[(i / stride + c) % kinds.len()] * (1.0 + (i % 7) as f64),
            })
            .collect();
        for p in flat.chunks_exact(stride) {
            one.push_path(p);
        }
        block.push_block(&flat);
        assert_eq!(bytes(&one), bytes(&block), "{mode:?}");
    }
}

#[test]
#[should_panic(expected = "not whole paths")]
fn a_partial_path_is_refused() {
    MonthlyStats::new(2, 3, SummaryMode::Sketch).push_block(&[1.0; 7]);
}

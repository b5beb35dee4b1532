//! Type-7 quantiles: the interpolation shared with the sketch, and exact order statistics.

#[cfg(test)]
use super::PROBS;

/// Type-7 interpolation between order statistics `a = x₍ₖ₎` and `b = x₍ₖ₊₁₎` at fraction `t`,
/// in numpy's form (exact at both ends, monotone).
#[inline]
pub(super) fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t < 0.5 {
        a + d * t
    } else {
        b - d * (1.0 - t)
    }
}

/// Ranks and fraction for type 7: `(k, k+1 clamped, f)`.
#[inline]
pub(super) fn type7_ranks(n: u64, p: f64) -> (u64, u64, f64) {
    let h = (n - 1) as f64 * p;
    let k = (h.floor() as u64).min(n - 1);
    (k, (k + 1).min(n - 1), h - k as f64)
}

/// Exact type-7 quantile of sorted finite values.
#[cfg(test)]
pub(super) fn exact_quantile(sorted: &[f64], p: f64) -> f64 {
    let (k, k1, f) = type7_ranks(sorted.len() as u64, p);
    lerp(sorted[k as usize], sorted[k1 as usize], f)
}

/// Exact type-7 quantiles at [`PROBS`] of finite values (reordered in place).
#[cfg(test)]
pub(super) fn exact_quantiles(xs: &mut [f64]) -> [f64; 7] {
    let q = exact_quantiles_at(xs, &PROBS);
    std::array::from_fn(|i| q[i])
}

/// Exact type-7 quantiles at `probs` of finite values (reordered in place), by selection
/// rather than a full sort. Under `total_cmp` the value of each rank is unique, so the result
/// is the same bits as from a sorted copy, whatever the order of `xs`.
pub(super) fn exact_quantiles_at(xs: &mut [f64], probs: &[f64]) -> Vec<f64> {
    let n = xs.len() as u64;
    let ranks: Vec<(u64, u64, f64)> = probs.iter().map(|&p| type7_ranks(n, p)).collect();
    // Needed ranks, ascending and distinct.
    let mut wanted: Vec<usize> = ranks
        .iter()
        .flat_map(|&(k, k1, _)| [k as usize, k1 as usize])
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    // Selection on integers in `total_cmp`'s order (the same transform of the bits), so
    // that each comparison is one instruction; undone afterwards (it is its own inverse).
    let keys: &mut [i64] = bytemuck::cast_slice_mut(xs);
    keys.iter_mut().for_each(|k| *k = total_order(*k));
    let mut value = vec![0; wanted.len()];
    select_ranks(keys, 0, &wanted, &mut value);
    keys.iter_mut().for_each(|k| *k = total_order(*k));
    let value: Vec<f64> = value
        .into_iter()
        .map(|k| f64::from_bits(total_order(k) as u64))
        .collect();
    let at = |r: u64| value[wanted.binary_search(&(r as usize)).unwrap()];
    ranks
        .iter()
        .map(|&(k, k1, f)| lerp(at(k), at(k1), f))
        .collect()
}

/// `f64::total_cmp`'s key: the bits of an `f64` as an `i64` whose order is the total order
/// (negatives with their magnitude bits flipped). Its own inverse.
#[inline]
fn total_order(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// Writes the values of the ascending `ranks` (ranks of the whole array; `xs` is the part
/// starting at rank `offset` and holds every one of them) into `out`. The middle rank is
/// selected first and the others in the two sides it leaves, so a level of the recursion
/// reads each value at most once: about 4n comparisons for the 14 ranks of a summary row,
/// against 9n when each rank was selected in everything above the one before (the median was
/// chosen in 95% of the values, then the 75th percentile in 50%, and so on).
fn select_ranks(xs: &mut [i64], offset: usize, ranks: &[usize], out: &mut [i64]) {
    if ranks.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid];
    let (left, x, right) = xs.select_nth_unstable(r - offset);
    out[mid] = *x;
    let (out_lo, out_hi) = out.split_at_mut(mid);
    select_ranks(left, offset, &ranks[..mid], out_lo);
    select_ranks(right, r + 1, &ranks[mid + 1..], &mut out_hi[1..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, Normal};

    #[test]
    fn selection_equals_sorting() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let d = Normal::new(0.0, 3.0).unwrap();
        for n in 1..60 {
            // Rounded values: many ties, and both zeros.
            let mut v: Vec<f64> = (0..n).map(|_| f64::round(d.sample(&mut rng))).collect();
            v[0] = -0.0;
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let want = PROBS.map(|p| exact_quantile(&sorted, p).to_bits());
            assert_eq!(exact_quantiles(&mut v).map(f64::to_bits), want, "n = {n}");
        }
    }

    /// The recursive selection gives the sorted copy's bits for any set of probabilities (ends,
    /// repeats, neighbouring ranks) and sizes up to thousands, ties and signed zeros included.
    #[test]
    fn selection_equals_sorting_any_probs() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let d = Normal::new(0.0, 3.0).unwrap();
        let sets: [&[f64]; 4] = [
            &[0.0, 1.0],
            &[0.5],
            &[0.01, 0.011, 0.5, 0.5, 0.99, 1.0, 0.0],
            &[0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.333, 0.667],
        ];
        for n in [1, 2, 3, 7, 64, 65, 999, 1000, 4097] {
            for probs in sets {
                let mut v: Vec<f64> = (0..n)
                    .map(|i| {
                        let x: f64 = d.sample(&mut rng);
                        if i % 3 == 0 {
                            x.round()
                        } else {
                            x
                        }
                    })
                    .collect();
                v[0] = -0.0;
                if n > 1 {
                    v[1] = 0.0;
                }
                let mut sorted = v.clone();
                sorted.sort_by(f64::total_cmp);
                let want: Vec<u64> = probs
                    .iter()
                    .map(|&p| exact_quantile(&sorted, p).to_bits())
                    .collect();
                let got: Vec<u64> = exact_quantiles_at(&mut v, probs)
                    .iter()
                    .map(|x| x.to_bits())
                    .collect();
                assert_eq!(got, want, "n = {n}, probs {probs:?}");
                // Reordered, not changed: the integer keys of the selection are undone.
                v.sort_by(f64::total_cmp);
                assert!(v
                    .iter()
                    .zip(&sorted)
                    .all(|(a, b)| a.to_bits() == b.to_bits()));
            }
        }
    }
}

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

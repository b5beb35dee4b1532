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

/// Exact type-7 quantiles at `probs` of finite values (reordered in place), by successive
/// selection rather than a full sort. Under `total_cmp` the value of each rank is unique, so
/// the result is the same bits as from a sorted copy, whatever the order of `xs`.
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
    let mut value = vec![0.0; wanted.len()];
    let mut from = 0;
    for (slot, &r) in wanted.iter().enumerate() {
        let (_, x, _) = xs[from..].select_nth_unstable_by(r - from, f64::total_cmp);
        value[slot] = *x;
        from = r + 1;
    }
    let at = |r: u64| value[wanted.binary_search(&(r as usize)).unwrap()];
    ranks
        .iter()
        .map(|&(k, k1, f)| lerp(at(k), at(k1), f))
        .collect()
}

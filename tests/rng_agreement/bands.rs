//! The two-sample test behind the band-agreement check: do two sets of paths have the same
//! bands (mean, p10, p50, p90 of each checked cell) within Monte Carlo error?
//!
//! Per cell and band, a z statistic with its standard error from the pooled sample:
//! - mean: difference of the two means over the pooled standard deviation;
//! - quantile q: the share of each sample at or below the pooled q-quantile, whose
//!   difference has the binomial standard error `sqrt(π(1 − π)(1/n + 1/n))` (the two-sample
//!   quantile test of Mood's median test, for any q and any distribution);
//! - spread: the mean distance from the pooled median (Brown and Forsythe's test of equal
//!   spread), which tells a band that is too wide or too narrow apart at a third of the paths
//!   the p10 and p90 tests need.
//!
//! The cells are strongly dependent (Brent, Urals and revenue move together), so the number of
//! |z| > 2.576 (1%) rejections is not binomial: one false alarm comes with its whole cluster.
//! Its null distribution is taken from the data instead: under "same distribution" the 2n
//! paths are exchangeable, so re-splitting them at random into two halves gives exact draws of
//! the statistics' joint null, dependence included. The check fails when the observed
//! rejection count, or the largest |z|, is above every one of `perms` re-splits: under the
//! null that happens with probability at most 1/(perms + 1) for each of the two.

use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::SeedableRng;

/// |z| of a two-sided 1% test.
const Z_1PCT: f64 = 2.575_829_303_549_08;
const QUANTILES: [f64; 3] = [0.1, 0.5, 0.9];

#[derive(Debug, Clone)]
pub struct Verdict {
    /// Band statistics tested (cells × 5, less the degenerate ones).
    pub tests: usize,
    /// Observed |z| > 2.576.
    pub rejections: usize,
    /// The largest observed |z| and the test it came from.
    pub max_z: f64,
    pub worst: usize,
    /// The largest of each over the re-splits.
    pub null_rejections: usize,
    pub null_max_z: f64,
    /// One-sided permutation p-values, (1 + #{null ≥ observed}) / (perms + 1).
    pub p_rejections: f64,
    pub p_max_z: f64,
}

impl Verdict {
    /// Neither statistic is above all the re-splits.
    pub fn agree(&self) -> bool {
        self.rejections <= self.null_rejections && self.max_z <= self.null_max_z
    }
}

/// Which band of which cell test `i` is (`cell`, 0 mean, 1–3 p10/p50/p90, 4 spread).
pub type TestId = (usize, usize);

/// Compares samples `a` and `b` cell by cell (`a[c]`, `b[c]`: the values of cell `c`, one
/// per path, the same count in both). Cells with a non-finite value, no spread, or a quantile
/// with (almost) everything on one side are left out.
pub fn compare(a: &[Vec<f64>], b: &[Vec<f64>], perms: usize, seed: u64) -> (Verdict, Vec<TestId>) {
    assert_eq!(a.len(), b.len(), "same cells");
    let n = a.first().map_or(0, Vec::len);
    let rows = weights(a, b, n);
    let ids: Vec<TestId> = rows.iter().map(|(id, _)| *id).collect();
    let mut w = Array2::<f64>::zeros((rows.len(), 2 * n));
    for (i, (_, r)) in rows.iter().enumerate() {
        w.row_mut(i).assign(&ndarray::ArrayView1::from(r));
    }
    // Column 0 is the observed split (a then b); the others re-split the pooled paths.
    let mut masks = Array2::<f64>::zeros((2 * n, perms + 1));
    let mut order: Vec<usize> = (0..2 * n).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    for k in 0..=perms {
        if k > 0 {
            order.shuffle(&mut rng);
        }
        for &p in &order[..n] {
            masks[(p, k)] = 1.0;
        }
    }
    let z = w.dot(&masks);
    let stat = |k: usize| {
        let col = z.column(k);
        let count = col.iter().filter(|v| v.abs() > Z_1PCT).count();
        let (arg, max) =
            col.iter().enumerate().fold(
                (0, 0.0f64),
                |m, (i, v)| if v.abs() > m.1 { (i, v.abs()) } else { m },
            );
        (count, max, arg)
    };
    let (rejections, max_z, worst) = stat(0);
    let null: Vec<(usize, f64, usize)> = (1..=perms).map(stat).collect();
    let p = |hits: usize| (1 + hits) as f64 / (perms + 1) as f64;
    let verdict = Verdict {
        tests: ids.len(),
        rejections,
        max_z,
        worst,
        null_rejections: null.iter().map(|s| s.0).max().unwrap_or(0),
        null_max_z: null.iter().map(|s| s.1).fold(0.0, f64::max),
        p_rejections: p(null.iter().filter(|s| s.0 >= rejections).count()),
        p_max_z: p(null.iter().filter(|s| s.1 >= max_z).count()),
    };
    (verdict, ids)
}

/// For each test, weights over the 2n pooled paths whose dot product with a split's 0/1 mask
/// (1 for the paths of the first half) is that split's z.
fn weights(a: &[Vec<f64>], b: &[Vec<f64>], n: usize) -> Vec<(TestId, Vec<f64>)> {
    let nf = n as f64;
    let mut out = Vec::new();
    for (c, (xa, xb)) in a.iter().zip(b).enumerate() {
        assert!(
            xa.len() == n && xb.len() == n,
            "cell {c}: {n} paths on each side"
        );
        let pooled: Vec<f64> = xa.iter().chain(xb).copied().collect();
        if pooled.iter().any(|x| !x.is_finite()) {
            continue;
        }
        // diff of means = (2 S − T) / n with S the first half's sum: centre on T / 2n.
        let mut push = |band: usize, y: Vec<f64>| {
            let m = y.iter().sum::<f64>() / (2.0 * nf);
            let var = y.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (2.0 * nf - 1.0);
            let se = (var * 2.0 / nf).sqrt();
            if se > 1e-12 * (1.0 + m.abs()) {
                let k = 2.0 / (nf * se);
                out.push(((c, band), y.iter().map(|v| (v - m) * k).collect()));
            }
        };
        push(0, pooled.clone());
        let mut sorted = pooled.clone();
        sorted.sort_by(f64::total_cmp);
        let quantile = |q: f64| sorted[(q * (2.0 * nf - 1.0)).floor() as usize];
        for (i, q) in QUANTILES.iter().enumerate() {
            let cut = quantile(*q);
            let below: Vec<f64> = pooled.iter().map(|x| (*x <= cut) as u8 as f64).collect();
            let share = below.iter().sum::<f64>() / (2.0 * nf);
            // The normal approximation needs a few paths on each side.
            if share * (1.0 - share) * 2.0 * nf >= 10.0 {
                push(1 + i, below);
            }
        }
        let median = quantile(0.5);
        push(4, pooled.iter().map(|x| (x - median).abs()).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;
    use rand_distr::StandardNormal;

    /// (location, scale) of cell `c`.
    type Shift = dyn Fn(usize) -> (f64, f64);

    /// `cells` cells driven by one common factor (correlation 0.8), like the model's prices.
    fn sample(
        seed: u64,
        n: usize,
        cells: usize,
        shift: impl Fn(usize) -> (f64, f64),
    ) -> Vec<Vec<f64>> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut out = vec![Vec::with_capacity(n); cells];
        for _ in 0..n {
            let f: f64 = rng.sample(StandardNormal);
            for (c, col) in out.iter_mut().enumerate() {
                let e: f64 = rng.sample(StandardNormal);
                let (loc, scale) = shift(c);
                col.push(loc + scale * (0.9 * f + 0.45 * e));
            }
        }
        out
    }

    #[test]
    fn the_same_distribution_agrees() {
        let a = sample(1, 1000, 40, |_| (0.0, 1.0));
        let b = sample(2, 1000, 40, |_| (0.0, 1.0));
        let (v, _) = compare(&a, &b, 199, 3);
        assert!(v.agree(), "{v:?}");
        assert_eq!(v.tests, 200);
    }

    /// The check is sized: over 60 pairs from one distribution, each fails with probability
    /// at most 2/(perms + 1) = 2%; 6 or more failures would have probability < 0.3%.
    #[test]
    fn false_alarms_are_rare() {
        let fails = (0..60)
            .filter(|&s| {
                let a = sample(100 + 2 * s, 400, 20, |_| (0.0, 1.0));
                let b = sample(101 + 2 * s, 400, 20, |_| (0.0, 1.0));
                !compare(&a, &b, 99, s).0.agree()
            })
            .count();
        assert!(fails < 6, "{fails} of 60 false alarms");
    }

    /// At 2,000 paths a side, as the real check: a shift of a fifth of a standard deviation everywhere, or of a
    /// third in two cells of forty, or a spread 15% wider, is told apart.
    #[test]
    fn a_shifted_distribution_is_rejected() {
        let a = sample(1, 2000, 40, |_| (0.0, 1.0));
        let cases: [(&str, &Shift); 3] = [
            ("all shifted", &|_| (0.2, 1.0)),
            ("two cells shifted", &|c| {
                (if c < 2 { 0.35 } else { 0.0 }, 1.0)
            }),
            ("wider", &|_| (0.0, 1.15)),
        ];
        for (what, shift) in cases {
            let b = sample(2, 2000, 40, shift);
            let (v, _) = compare(&a, &b, 199, 3);
            assert!(!v.agree(), "{what}: {v:?}");
        }
    }
}

//! Monte Carlo standard errors of the mean and of the median of one cell.
//!
//! Both are computed at [`super::MonthlyStats::finish`] from statistics that merge exactly
//! (the moments, and the exact values or the sketch), so they are the same bits for a single
//! run, any thread count and any merge of shards.
//!
//! - `mc_se_mean = sd / √n`, the usual standard error of a sample mean of `n` independent
//!   paths.
//! - `mc_se_p50` uses the asymptotic variance of the sample median, `1 / (4 n f(m)²)`, with
//!   the sparsity `1/f(m)` estimated by Siddiqui's difference quotient
//!   `(q(½+h) − q(½−h)) / (2h)` of type-7 sample quantiles, so
//!   `mc_se_p50 = (q(½+h) − q(½−h)) / (4 h √n)`. The bandwidth is Bofinger's MSE-optimal rule
//!   at the median, `h = n^(−1/5) · (4.5 φ(0)⁴)^(1/5) ≈ 0.648 n^(−1/5)`, capped at 0.25
//!   (Bofinger 1975, "Estimation of a density function using order statistics", *Australian
//!   J. Statistics* 17(1); Koenker 2005, *Quantile Regression*, section 3.4.2). It is wider than
//!   Hall–Sheather's `n^(−1/3)` rule, which keeps the quotient well away from the sketch's
//!   resolution: in sketch mode `q(½±h)` carry relative error `α = 1e-3`, so the estimate
//!   is off by at most `α (|q(½+h)| + |q(½−h)|) / (4 h √n)` beyond the exact-mode value.
//!
//! Both are empty (NaN) below two finite values. A cell whose middle values are all equal
//! (e.g. an indicator whose median is 0 in more than `½+h` of the paths) has `mc_se_p50 = 0`:
//! its median does not move between samples of that size.

/// Bofinger's bandwidth at the median, `0.648 n^(−1/5)`, at most 0.25. `libm::pow` rather
/// than `f64::powf`, whose last bit depends on the platform's math library.
pub(super) fn bandwidth(n: u64) -> f64 {
    // (4.5 φ(0)⁴)^(1/5) with φ(0)⁴ = 1 / (4π²).
    let c = libm::pow(
        4.5 / (4.0 * std::f64::consts::PI * std::f64::consts::PI),
        0.2,
    );
    (c * libm::pow(n as f64, -0.2)).min(0.25)
}

/// `sd / √n`; NaN below two values.
pub(super) fn se_mean(n: u64, sd: f64) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    sd / (n as f64).sqrt()
}

/// `(q_hi − q_lo) / (4 h √n)` from the quantiles at `½ ∓ h`; NaN below two values.
pub(super) fn se_median(n: u64, h: f64, q_lo: f64, q_hi: f64) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    (q_hi - q_lo) / (4.0 * h * (n as f64).sqrt())
}

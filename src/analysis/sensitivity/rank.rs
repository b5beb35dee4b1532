//! Rank-based sensitivity measures from a Monte Carlo sample: Spearman correlation, standardized
//! rank regression coefficients (SRRC) with the R² of the rank regression, and partial rank
//! correlation coefficients (PRCC) with Fisher-z intervals.
//!
//! References: Iman & Conover (1979), "The use of the rank transform in regression",
//! Technometrics 21(4); Saltelli, Chan & Scott (2000), *Sensitivity Analysis*, ch. 6; Marino,
//! Hogue, Ray & Kirschner (2008), "A methodology for performing global uncertainty and
//! sensitivity analysis in systems biology", J. Theor. Biol. 254(1).
//!
//! Method. Every column (inputs and target) is replaced by its ranks (ties averaged) and
//! standardized to mean 0, sample s.d. 1. The target's standardized ranks are regressed on the
//! inputs' by least squares, solved with an incremental Householder QR of the n×k design (never
//! the normal equations, whose condition number is the square of the design's). The
//! coefficients are the SRRCs. Because all columns are centred, the intercept is exactly zero
//! and is accounted for by one degree of freedom. A column whose residual after the columns
//! before it is below [`COLLINEAR_TOL`] of its norm adds nothing the regression can attribute,
//! so it is left out with a note instead of producing NaN; a constant column likewise.
//!
//! PRCC of input j is the correlation of the residuals of rank(x_j) and rank(y) after both are
//! regressed on the other inputs; for least squares this equals t_j / sqrt(t_j² + df), with
//! t_j the coefficient's t statistic and df = n − p − 1 (p inputs in the regression), which the
//! QR gives without k more regressions.

/// A column whose residual norm, after projection on the columns kept before it, is below this
/// fraction of its own norm is treated as collinear.
pub const COLLINEAR_TOL: f64 = 1e-7;

/// z quantile of the two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Ranks 1..n of `x`, ties sharing the average of their ranks. NaN sorts last (callers drop
/// non-finite rows first).
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i + 1;
        while j < idx.len() && x[idx[j]] == x[idx[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j share their mean.
        let avg = (i + 1 + j) as f64 / 2.0;
        for &k in &idx[i..j] {
            r[k] = avg;
        }
        i = j;
    }
    r
}

/// Ranks standardized to mean 0 and sample s.d. 1; `None` when the column is constant.
pub fn standardized_ranks(x: &[f64]) -> Option<Vec<f64>> {
    let r = ranks(x);
    let n = r.len() as f64;
    if r.len() < 2 {
        return None;
    }
    let mean = r.iter().sum::<f64>() / n;
    let ss: f64 = r.iter().map(|v| (v - mean) * (v - mean)).sum();
    let sd = (ss / (n - 1.0)).sqrt();
    if sd <= 0.0 || !sd.is_finite() {
        return None;
    }
    Some(r.iter().map(|v| (v - mean) / sd).collect())
}

/// Why an input has no regression measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excluded {
    /// The same value on every path of the sample.
    Constant,
    /// A linear combination of inputs earlier in the list (in rank space).
    Collinear,
}

impl Excluded {
    pub fn note(self) -> &'static str {
        match self {
            Excluded::Constant => "constant in the sample: left out of the rank regression",
            Excluded::Collinear => {
                "collinear with earlier inputs in rank space (e.g. the other outcome of a two-way branch): \
                 left out of the rank regression"
            }
        }
    }
}

/// The QR factor of the standardized rank design, reusable for several targets (one per month).
#[derive(Debug, Clone)]
pub struct RankDesign {
    n: usize,
    /// Per input: `Ok(position in the regression)` or why it is left out.
    pub status: Vec<Result<usize, Excluded>>,
    /// Standardized ranks of every non-constant input (for Spearman), `None` when constant.
    z: Vec<Option<Vec<f64>>>,
    /// Householder vectors v_j (length n − j, unit norm) of the kept columns.
    house: Vec<Vec<f64>>,
    /// Upper-triangular R, column j holds rows 0..=j.
    r: Vec<Vec<f64>>,
}

/// Measures of one input for one target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputMeasures {
    pub spearman: f64,
    pub prcc: f64,
    pub prcc_ci_low: f64,
    pub prcc_ci_high: f64,
    pub srrc: f64,
    pub srrc_se: f64,
    /// Variance inflation factor 1/(1 − R²_j), R²_j of the input's ranks on the other inputs'
    /// ranks: 1 for an input unrelated to the others; above [`VIF_WARN`] its SRRC is unstable.
    pub vif: f64,
}

/// VIF above which an input's SRRC is flagged as unreliable (a common rule of thumb).
pub const VIF_WARN: f64 = 10.0;

/// Measures of every input for one target; NaN where an input is excluded.
#[derive(Debug, Clone, PartialEq)]
pub struct RankFit {
    pub inputs: Vec<InputMeasures>,
    /// R² of the rank regression: the share of the variance of rank(y) the inputs explain
    /// linearly. Low values mean the SRRCs are a poor summary (non-monotone effects,
    /// interactions, or randomness not among the inputs, e.g. monthly shocks).
    pub r2: f64,
    pub n: usize,
    /// Inputs in the regression.
    pub p: usize,
}

/// Why the rank regression cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RankError {
    #[error("input columns of different lengths")]
    Ragged,
    #[error(
        "{n} usable paths are too few for {varying} varying inputs: the rank regression needs \
         at least {need} (use more --paths)"
    )]
    TooFewPaths {
        n: usize,
        varying: usize,
        need: usize,
    },
}

impl RankDesign {
    /// Factors the design; `cols[j]` holds input j's value on each of the n paths.
    pub fn new(cols: &[Vec<f64>]) -> Result<RankDesign, RankError> {
        let n = cols.first().map_or(0, |c| c.len());
        if cols.iter().any(|c| c.len() != n) {
            return Err(RankError::Ragged);
        }
        let mut d = RankDesign {
            n,
            status: Vec::with_capacity(cols.len()),
            z: Vec::with_capacity(cols.len()),
            house: Vec::new(),
            r: Vec::new(),
        };
        let zs: Vec<Option<Vec<f64>>> = cols.iter().map(|c| standardized_ranks(c)).collect();
        // Checked before factoring: with fewer paths than inputs the later columns would
        // all look collinear, which hides the real problem.
        let varying = zs.iter().filter(|z| z.is_some()).count();
        if n < varying + 3 {
            return Err(RankError::TooFewPaths {
                n,
                varying,
                need: varying + 3,
            });
        }
        for z in zs {
            let st = match &z {
                None => Err(Excluded::Constant),
                Some(z) => d.push_column(z),
            };
            d.status.push(st);
            d.z.push(z);
        }
        Ok(d)
    }

    /// Applies the stored reflectors to `a` in place (a ← Qᵀ a).
    fn apply_qt(&self, a: &mut [f64]) {
        for (j, v) in self.house.iter().enumerate() {
            let s: f64 = v.iter().zip(&a[j..]).map(|(x, y)| x * y).sum();
            for (x, y) in v.iter().zip(a[j..].iter_mut()) {
                *y -= 2.0 * s * x;
            }
        }
    }

    /// Adds a column to the factorization unless it is collinear with the kept ones.
    fn push_column(&mut self, z: &[f64]) -> Result<usize, Excluded> {
        let j = self.house.len();
        let norm0 = z.iter().map(|x| x * x).sum::<f64>().sqrt();
        let mut a = z.to_vec();
        self.apply_qt(&mut a);
        let tail = &a[j..];
        let tn = tail.iter().map(|x| x * x).sum::<f64>().sqrt();
        if tn <= COLLINEAR_TOL * norm0 || j >= self.n {
            return Err(Excluded::Collinear);
        }
        // Reflect the tail onto −sign(a_j)·|tail| e_1 (the sign avoids cancellation).
        let alpha = if tail[0] >= 0.0 { -tn } else { tn };
        let mut v = tail.to_vec();
        v[0] -= alpha;
        let vn = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        v.iter_mut().for_each(|x| *x /= vn);
        let mut col: Vec<f64> = a[..j].to_vec();
        col.push(alpha);
        self.house.push(v);
        self.r.push(col);
        Ok(j)
    }

    /// Rows of R⁻¹ squared and summed: diag((RᵀR)⁻¹).
    fn inv_diag(&self) -> Vec<f64> {
        let p = self.r.len();
        // Solve R X = I column by column (back substitution); X is upper triangular.
        let mut diag = vec![0.0; p];
        for c in 0..p {
            let mut x = vec![0.0; c + 1];
            for i in (0..=c).rev() {
                let mut s = if i == c { 1.0 } else { 0.0 };
                for (k, xk) in x.iter().enumerate().take(c + 1).skip(i + 1) {
                    s -= self.r[k][i] * xk;
                }
                x[i] = s / self.r[i][i];
            }
            for (i, xi) in x.iter().enumerate() {
                diag[i] += xi * xi;
            }
        }
        diag
    }

    /// The measures for one target (`y[i]` on path i). `None` when the target is constant.
    pub fn fit(&self, y: &[f64]) -> Option<RankFit> {
        assert_eq!(y.len(), self.n, "target length differs from the design");
        let zy = standardized_ranks(y)?;
        let n = self.n;
        let p = self.house.len();
        let mut qty = zy.clone();
        self.apply_qt(&mut qty);
        let mut beta = vec![0.0; p];
        for i in (0..p).rev() {
            let mut s = qty[i];
            for (k, bk) in beta.iter().enumerate().skip(i + 1) {
                s -= self.r[k][i] * bk;
            }
            beta[i] = s / self.r[i][i];
        }
        let rss: f64 = qty[p..].iter().map(|x| x * x).sum();
        let tss = (n - 1) as f64;
        let r2 = (1.0 - rss / tss).clamp(0.0, 1.0);
        let df = (n - p - 1) as f64;
        let sigma2 = rss / df;
        let inv = self.inv_diag();
        let zse = 1.0 / ((n as f64) - (p as f64) - 2.0).max(1.0).sqrt();
        let inputs = self
            .status
            .iter()
            .zip(&self.z)
            .map(|(st, z)| {
                let spearman = z.as_ref().map_or(f64::NAN, |z| {
                    z.iter().zip(&zy).map(|(a, b)| a * b).sum::<f64>() / tss
                });
                match st {
                    Ok(j) => {
                        let se = (sigma2 * inv[*j]).sqrt();
                        let b = beta[*j];
                        let prcc = if se > 0.0 {
                            let t = b / se;
                            t / (t * t + df).sqrt()
                        } else {
                            // A perfect fit: the partial correlation is ±1.
                            b.signum()
                        };
                        let zc = prcc.clamp(-1.0 + 1e-15, 1.0 - 1e-15).atanh();
                        InputMeasures {
                            spearman,
                            prcc,
                            prcc_ci_low: (zc - Z95 * zse).tanh(),
                            prcc_ci_high: (zc + Z95 * zse).tanh(),
                            srrc: b,
                            srrc_se: se,
                            vif: tss * inv[*j],
                        }
                    }
                    Err(_) => InputMeasures {
                        spearman,
                        prcc: f64::NAN,
                        prcc_ci_low: f64::NAN,
                        prcc_ci_high: f64::NAN,
                        srrc: f64::NAN,
                        srrc_se: f64::NAN,
                        vif: f64::NAN,
                    },
                }
            })
            .collect();
        Some(RankFit { inputs, r2, n, p })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
        assert_eq!(ranks(&[5.0, 5.0, 5.0]), vec![2.0, 2.0, 2.0]);
        assert!(standardized_ranks(&[5.0, 5.0, 5.0]).is_none());
    }

    #[test]
    fn back_substitution_inverse_matches_2x2() {
        // Two orthogonal ±1 columns: RᵀR = (n−1)·I after standardization.
        let a = vec![1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
        let b = vec![1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0];
        let d = RankDesign::new(&[a, b]).unwrap();
        for v in d.inv_diag() {
            assert!((v - 1.0 / 7.0).abs() < 1e-12, "{v}");
        }
    }
}

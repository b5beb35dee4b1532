//! Whether a market file's noise correlations can hold together (D166): each buyer's
//! `noise_corr_brent` and the `buyer_noise_corr` pairs make one correlation matrix over
//! Brent's χ shock and the buyers' capacity noises, and it must be positive definite. An
//! impossible one (IN–CN 0.95, IN–TR 0.95, CN–TR −0.95) used to be shrunk toward the identity
//! at run time, weakening every correlation of the month's shocks without a word; a scenario's
//! `[correlations]` are refused in that case (D86), and so are the market file's now.

use super::MarketFile;

/// Where the matrix fails, as (table, row, key) of the market file, and why; `None` when the
/// matrix factors. `pairs` are the resolved `buyer_noise_corr` entries (buyer indices).
pub(super) fn inconsistent(
    f: &MarketFile,
    pairs: &[(usize, usize, f64)],
) -> Option<(&'static str, usize, &'static str, String)> {
    let nb = f.buyer.len();
    let n = nb + 1;
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        c[i * n + i] = 1.0;
    }
    for (j, b) in f.buyer.iter().enumerate() {
        c[j + 1] = b.noise_corr_brent;
        c[(j + 1) * n] = b.noise_corr_brent;
    }
    for &(a, b, v) in pairs {
        c[(a + 1) * n + b + 1] = v;
        c[(b + 1) * n + a + 1] = v;
    }
    let row = failing_row(&c, n)?;
    // Name the largest correlation in the failing row, as the scenario's check does.
    let k = (0..row)
        .max_by(|&a, &b| c[row * n + a].abs().total_cmp(&c[row * n + b].abs()))
        .unwrap_or(0);
    let name = |i: usize| {
        if i == 0 {
            "Brent".to_string()
        } else {
            f.buyer[i - 1].id.clone()
        }
    };
    let msg = format!(
        "the noise correlations are inconsistent: no set of shocks can have them all (the \
         matrix of each buyer's noise_corr_brent and the buyer_noise_corr pairs is not positive \
         definite; it fails at {}, whose largest correlation is with {} at {}); lower the \
         magnitudes, e.g. of that pair",
        name(row),
        name(k),
        c[row * n + k]
    );
    Some(
        match pairs
            .iter()
            .position(|&(a, b, _)| (a + 1, b + 1) == (row, k) || (b + 1, a + 1) == (row, k))
        {
            Some(e) => ("buyer_noise_corr", e, "", msg),
            None if k == 0 => ("buyer", row - 1, "noise_corr_brent", msg),
            None => ("buyer", row - 1, "id", msg),
        },
    )
}

/// The first row whose Cholesky pivot is not positive, if any.
fn failing_row(c: &[f64], n: usize) -> Option<usize> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = c[i * n + i] - s;
                if d <= 1e-10 {
                    return Some(i);
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (c[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    None
}

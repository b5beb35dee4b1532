//! The summary of an accumulator: moments as they are, quantiles from the exact values or
//! the sketches, and the median's Monte Carlo standard error.

use super::exact::exact_quantiles_at;
use super::{mcse, CellStats, MonthlyStats, Order, Summary, PROBS, SCRATCH_BYTES};
use rayon::prelude::*;

impl MonthlyStats {
    /// The summary of every cell.
    pub fn finish(self) -> Summary {
        self.summarize()
    }

    /// The summary of every cell so far, keeping the accumulator (`run --precision`).
    pub fn summarize(&self) -> Summary {
        let mode = self.mode();
        let mut cells: Vec<CellStats> = self
            .moments
            .iter()
            .map(|m| {
                let sd = m.sd();
                CellStats {
                    n: m.n,
                    nonfinite: m.nonfinite,
                    mean: if m.n == 0 { f64::NAN } else { m.mean },
                    sd,
                    p05: f64::NAN,
                    p10: f64::NAN,
                    p25: f64::NAN,
                    p50: f64::NAN,
                    p75: f64::NAN,
                    p90: f64::NAN,
                    p95: f64::NAN,
                    mc_se_mean: mcse::se_mean(m.n, sd),
                    mc_se_p50: f64::NAN,
                }
            })
            .collect();
        // PROBS, then the two quantiles ½ ∓ h of the median's standard error.
        let probs_for = |n: u64| {
            let h = mcse::bandwidth(n);
            let mut p = PROBS.to_vec();
            p.extend([0.5 - h, 0.5 + h]);
            (p, h)
        };
        let set = |c: &mut CellStats, q: &[f64], h: f64| {
            [c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95] = std::array::from_fn(|i| q[i]);
            c.mc_se_p50 = mcse::se_median(c.n, h, q[7], q[8]);
        };
        match &self.order {
            Order::Exact { blocks } => {
                let stride = self.kept();
                let n_max = self.moments.iter().map(|m| m.n).max().unwrap_or(0).max(1);
                // Gather a group of adjacent cells per pass over the blocks: reads whole cache
                // lines of each path instead of one value. The groups are independent, so they
                // run on the pool's threads; each thread's columns share SCRATCH_BYTES.
                let workers = rayon::current_num_threads().max(1) as u64;
                let group = ((SCRATCH_BYTES / workers / (8 * n_max)) as usize).clamp(1, 64);
                let starts: Vec<usize> = (0..stride).step_by(group).collect();
                let done: Vec<Vec<(usize, Vec<f64>, f64)>> = starts
                    .par_iter()
                    .map(|&g| {
                        let w = group.min(stride - g);
                        let mut cols: Vec<Vec<f64>> = (0..w)
                            .map(|j| Vec::with_capacity(self.moments[g + j].n as usize))
                            .collect();
                        for row in blocks.iter().flat_map(|b| b.chunks_exact(stride)) {
                            for (col, &x) in cols.iter_mut().zip(&row[g..g + w]) {
                                if x.is_finite() {
                                    col.push(x);
                                }
                            }
                        }
                        cols.iter_mut()
                            .enumerate()
                            .filter(|(_, col)| !col.is_empty())
                            .map(|(j, col)| {
                                let (p, h) = probs_for(col.len() as u64);
                                (g + j, exact_quantiles_at(col, &p), h)
                            })
                            .collect()
                    })
                    .collect();
                for (i, q, h) in done.into_iter().flatten() {
                    set(&mut cells[i], &q, h);
                }
            }
            Order::Sketch { cells: sketches } => {
                for ((c, m), sk) in cells.iter_mut().zip(&self.moments).zip(sketches) {
                    if m.n > 0 {
                        let (p, h) = probs_for(m.n);
                        let q: Vec<f64> = p.iter().map(|&p| sk.quantile(m.n, p)).collect();
                        set(c, &q, h);
                    }
                }
            }
        }
        Summary {
            months: self.months,
            vars: self.vars,
            cells,
            mode,
        }
    }
}

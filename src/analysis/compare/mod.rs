//! Scenario comparison with common random numbers (issue 5).
//!
//! Path `i` of every scenario is simulated with the same seed and path index, and every random
//! stream is keyed by the name of what it feeds (`engine::rng::keyed`), so the scenarios see
//! the same exogenous draws and their per-path difference is policy, not noise. For each
//! compared scenario one [`MonthlyStats`] accumulates the per-path differences
//! `scenario − baseline` of the variables both scenarios report, together with the count of
//! paths where the scenario is strictly greater (for `prob_greater`).
//!
//! Like [`crate::engine::run::run`], paths run in parallel in fixed [`CHUNK_PATHS`]-path
//! chunks that are reduced in chunk order, so the result is identical for any thread count.

mod options;
mod pairing;
mod result;
mod vars;
pub use options::CompareOptions;
pub use pairing::{left_out_warning, pairing, redefined_error, Pairing};
use result::period_means;
pub use result::{CompareError, CompareResult, LevelBands, ScenarioDiff, ShareDiff};
pub use vars::{common_vars, ComparedVar};

use crate::engine::path::{event_key_hashes, PathDiag, PathSim};
use crate::engine::rng::RngKind;
use crate::engine::run::CHUNK_PATHS;
use crate::engine::stats::derived::{parse_probe_set, Layout};
use crate::engine::stats::period_spec::parse_periods;
use crate::engine::stats::{choose_mode, MonthlyStats, SummaryMode};
use crate::engine::vars::{variables, Var};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::time::Instant;

/// Per-chunk accumulators: one per compared scenario.
struct ChunkOut {
    stats: Vec<MonthlyStats>,
    levels: Vec<MonthlyStats>,
    greater: Vec<Vec<u64>>,
    diag: Vec<PathDiag>,
    /// Indicator cells of each scenario's probes (moments only).
    probes: Vec<MonthlyStats>,
    /// Per compared scenario, its indicators minus the baseline's, path by path (moments).
    probe_diffs: Vec<MonthlyStats>,
    /// Sums and counts of the baseline's finite values: monthly cells, then its totals.
    base_sum: Vec<f64>,
    base_n: Vec<u64>,
}

/// Simulates `sc` on path `path` for `months` months into `buf[t * nv + v]`.
/// `keys` are the scenario's event-stream keys (`event_key_hashes`).
fn simulate(
    sc: &Scenario,
    keys: &[u64],
    vars: &[Var],
    seed: u64,
    path: u64,
    buf: &mut [f64],
) -> PathDiag {
    let nv = vars.len();
    let mut sim = PathSim::with_keys(sc, keys, seed, path, RngKind::Counter);
    for row in buf.chunks_exact_mut(nv.max(1)) {
        sim.step_month();
        sim.write_vars(vars, row);
    }
    sim.diag
}

struct Setup<'a> {
    scenarios: Vec<&'a Scenario>,
    vars: Vec<Vec<Var>>,
    common: Vec<Vec<ComparedVar>>,
    /// Per scenario, indices of the kept level variables in its variable list.
    levels: Vec<Vec<usize>>,
    mode: SummaryMode,
    /// Per compared scenario: the totals of its common variables (no probes).
    diff_layouts: Vec<Layout>,
    /// Per scenario, baseline first: its probes (no totals); `None` without `--prob`.
    probe_layouts: Option<Vec<Layout>>,
    /// The baseline's totals (for the means behind % change).
    base_layout: Layout,
}

fn run_chunk(s: &Setup, o: &CompareOptions, chunk: u64) -> ChunkOut {
    let lo = chunk * CHUNK_PATHS;
    let hi = (lo + CHUNK_PATHS).min(o.paths);
    let months = o.months;
    let k = s.common.len();
    let mut out = ChunkOut {
        stats: s.diff_layouts.iter().map(|l| l.stats(s.mode)).collect(),
        probes: s
            .probe_layouts
            .iter()
            .flatten()
            .map(|l| MonthlyStats::with_cells(0, 0, 0, l.tail(), s.mode))
            .collect(),
        probe_diffs: probe_diff_stats(s.probe_layouts.as_deref(), s.mode),
        base_sum: vec![0.0; s.base_layout.stride()],
        base_n: vec![0; s.base_layout.stride()],
        greater: s.common.iter().map(|c| vec![0; months * c.len()]).collect(),
        diag: vec![PathDiag::default(); k + 1],
        levels: s
            .levels
            .iter()
            .map(|l| MonthlyStats::new(months, l.len(), s.mode))
            .collect(),
    };
    let mut level_row: Vec<f64> = Vec::new();
    let mut bufs: Vec<Vec<f64>> = s.vars.iter().map(|v| vec![0.0; months * v.len()]).collect();
    let mut diff: Vec<Vec<f64>> = s
        .diff_layouts
        .iter()
        .map(|l| vec![0.0; l.stride()])
        .collect();
    let mut scratch: Vec<f64> = Vec::new();
    let mut base_tail: Vec<f64> = Vec::new();
    let keys: Vec<Vec<u64>> = s.scenarios.iter().map(|sc| event_key_hashes(sc)).collect();
    for path in lo..hi {
        for (i, sc) in s.scenarios.iter().enumerate() {
            let d = simulate(sc, &keys[i], &s.vars[i], o.seed, path, &mut bufs[i]);
            out.diag[i].add(&d);
            if let Some(layouts) = &s.probe_layouts {
                let l = &layouts[i];
                scratch.clear();
                scratch.extend_from_slice(&bufs[i]);
                scratch.resize(l.stride(), 0.0);
                l.fill(&mut scratch);
                let tail = &scratch[bufs[i].len()..];
                out.probes[i].push_path(tail);
                // Walkthrough 8 #8: the paired difference of the indicators, path by path.
                if i == 0 {
                    base_tail.clear();
                    base_tail.extend_from_slice(tail);
                } else {
                    let d: Vec<f64> = tail.iter().zip(&base_tail).map(|(x, b)| x - b).collect();
                    out.probe_diffs[i - 1].push_path(&d);
                }
            }
            if i == 0 {
                scratch.clear();
                scratch.extend_from_slice(&bufs[0]);
                scratch.resize(s.base_layout.stride(), 0.0);
                s.base_layout.fill(&mut scratch);
                for ((sum, n), &x) in out.base_sum.iter_mut().zip(&mut out.base_n).zip(&scratch) {
                    if x.is_finite() {
                        *sum += x;
                        *n += 1;
                    }
                }
            }
            let keep = &s.levels[i];
            if !keep.is_empty() {
                let nv = s.vars[i].len();
                level_row.clear();
                for t in 0..months {
                    level_row.extend(keep.iter().map(|&v| bufs[i][t * nv + v]));
                }
                out.levels[i].push_path(&level_row);
            }
        }
        let (base, rest) = bufs.split_first().expect("the baseline is simulated");
        let nb = s.vars[0].len();
        for (j, common) in s.common.iter().enumerate() {
            let other = &rest[j];
            let no = s.vars[j + 1].len();
            let nc = common.len();
            let greater = &mut out.greater[j];
            for t in 0..months {
                for (v, cv) in common.iter().enumerate() {
                    let b = base[t * nb + cv.base];
                    let x = other[t * no + cv.other];
                    let cell = t * nc + v;
                    diff[j][cell] = if b.is_finite() && x.is_finite() {
                        greater[cell] += (x > b) as u64;
                        x - b
                    } else {
                        f64::NAN
                    };
                }
            }
            s.diff_layouts[j].fill(&mut diff[j]);
            out.stats[j].push_path(&diff[j]);
        }
    }
    out
}

/// One moment-only accumulator per compared scenario for its probe indicators minus the
/// baseline's (none without `--prob`); every scenario's probes are the same list.
fn probe_diff_stats(layouts: Option<&[Layout]>, mode: SummaryMode) -> Vec<MonthlyStats> {
    layouts.map_or(Vec::new(), |ls| {
        ls[1..]
            .iter()
            .map(|l| MonthlyStats::with_cells(0, 0, 0, l.tail(), mode))
            .collect()
    })
}

/// Compares every scenario of `others` with `baseline` on common random numbers.
/// `progress` is called with the number of paths done.
///
/// Fails if the scenarios start in different months, if `others` is empty, or if `paths` or
/// `months` is 0.
pub fn compare(
    baseline: &Scenario,
    others: &[&Scenario],
    o: &CompareOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<CompareResult, CompareError> {
    compare_with_levels(baseline, others, o, &[], progress)
}

/// [`compare`], also keeping every scenario's own bands (levels, not differences) of the
/// variables named in `level_vars` (names a scenario lacks are skipped), e.g. for overlay
/// charts. They use the same paths, so they cost memory, not simulation time.
pub fn compare_with_levels(
    baseline: &Scenario,
    others: &[&Scenario],
    o: &CompareOptions,
    level_vars: &[String],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<CompareResult, CompareError> {
    if o.paths == 0 || o.months == 0 {
        return Err(CompareError::NoPaths);
    }
    if others.is_empty() {
        return Err(CompareError::NothingToCompare);
    }
    if let Some(sc) = others.iter().find(|s| s.start != baseline.start) {
        return Err(CompareError::StartMismatch {
            scenario: sc.name.clone(),
            start: crate::policy::calendar::iso_month(sc.start),
            baseline: baseline.name.clone(),
            baseline_start: crate::policy::calendar::iso_month(baseline.start),
        });
    }
    let t0 = Instant::now();
    let scenarios: Vec<&Scenario> = std::iter::once(baseline)
        .chain(others.iter().copied())
        .collect();
    for sc in &scenarios {
        sc.check_months(o.months).map_err(CompareError::Horizon)?;
    }
    for sc in others {
        if let Some(e) = redefined_error(baseline, sc, &pairing(baseline, sc)) {
            return Err(CompareError::Redefined(e));
        }
    }
    let vars: Vec<Vec<Var>> = scenarios.iter().map(|s| variables(&s.market)).collect();
    let common: Vec<Vec<ComparedVar>> =
        vars[1..].iter().map(|v| common_vars(&vars[0], v)).collect();
    let levels: Vec<Vec<usize>> = vars
        .iter()
        .map(|vs| {
            level_vars
                .iter()
                .filter_map(|n| vs.iter().position(|v| &v.name == n))
                .collect()
        })
        .collect();
    let total_vars: usize =
        common.iter().map(Vec::len).sum::<usize>() + levels.iter().map(Vec::len).sum::<usize>();
    let mode = choose_mode(o.paths, o.months, total_vars, o.budget_bytes);
    let pairs = |vs: &mut dyn Iterator<Item = (&str, &str)>| -> Vec<(String, String)> {
        vs.map(|(n, u)| (n.to_string(), u.to_string())).collect()
    };
    let start = baseline.start;
    let windows = parse_periods(&o.periods, start, o.months).map_err(CompareError::Period)?;
    let diff_layouts = common
        .iter()
        .map(|c| {
            let names = pairs(&mut c.iter().map(|v| (v.name.as_str(), v.unit.as_str())));
            Layout::new(start, o.months, &names, Vec::new()).with_periods(windows.clone())
        })
        .collect();
    let probe_layouts = if o.probes.is_empty() {
        None
    } else {
        let mut ls = Vec::new();
        for (sc, vs) in scenarios.iter().zip(&vars) {
            let names = pairs(&mut vs.iter().map(|v| (v.name.as_str(), v.unit.as_str())));
            let probes =
                parse_probe_set(&o.probes, &names, start, o.months).map_err(|message| {
                    CompareError::Probe {
                        scenario: sc.name.clone(),
                        message,
                    }
                })?;
            let mut l = Layout::of(start, o.months, &names, probes, Vec::new());
            l.totals.clear();
            l.averages.clear();
            ls.push(l);
        }
        Some(ls)
    };
    let base_layout = Layout::new(
        start,
        o.months,
        &pairs(&mut vars[0].iter().map(|v| (v.name.as_str(), v.unit.as_str()))),
        Vec::new(),
    )
    .with_periods(windows);
    let setup = Setup {
        scenarios,
        vars,
        common,
        levels,
        mode,
        diff_layouts,
        probe_layouts,
        base_layout,
    };
    let pool = crate::engine::threads::pool(o.threads).map_err(CompareError::Threads)?;
    let threads = pool.current_num_threads();
    let chunks = o.paths.div_ceil(CHUNK_PATHS);
    let batch = (threads as u64 * 4).max(1);
    let k = setup.common.len();
    let mut stats: Vec<MonthlyStats> = setup.diff_layouts.iter().map(|l| l.stats(mode)).collect();
    let mut probe_stats: Vec<MonthlyStats> = setup
        .probe_layouts
        .iter()
        .flatten()
        .map(|l| MonthlyStats::with_cells(0, 0, 0, l.tail(), mode))
        .collect();
    let mut probe_diffs = probe_diff_stats(setup.probe_layouts.as_deref(), mode);
    let mut base_sum = vec![0.0; setup.base_layout.stride()];
    let mut base_n = vec![0u64; setup.base_layout.stride()];
    let mut greater: Vec<Vec<u64>> = setup
        .common
        .iter()
        .map(|c| vec![0; o.months * c.len()])
        .collect();
    let mut diag = vec![PathDiag::default(); k + 1];
    let mut level_stats: Vec<MonthlyStats> = setup
        .levels
        .iter()
        .map(|l| MonthlyStats::new(o.months, l.len(), mode))
        .collect();
    let mut start = 0;
    while start < chunks {
        let end = (start + batch).min(chunks);
        let parts: Vec<ChunkOut> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|c| run_chunk(&setup, o, c))
                .collect()
        });
        for part in parts {
            for (acc, s) in stats.iter_mut().zip(part.stats) {
                acc.merge(s);
            }
            for (acc, g) in greater.iter_mut().zip(&part.greater) {
                acc.iter_mut().zip(g).for_each(|(a, b)| *a += b);
            }
            for (acc, d) in diag.iter_mut().zip(&part.diag) {
                acc.add(d);
            }
            for (acc, l) in level_stats.iter_mut().zip(part.levels) {
                acc.merge(l);
            }
            for (acc, p) in probe_stats.iter_mut().zip(part.probes) {
                acc.merge(p);
            }
            for (acc, p) in probe_diffs.iter_mut().zip(part.probe_diffs) {
                acc.merge(p);
            }
            // Chunk order, so the sums are the same bits for any thread count.
            for ((a, n), (b, m)) in base_sum
                .iter_mut()
                .zip(&mut base_n)
                .zip(part.base_sum.iter().zip(&part.base_n))
            {
                *a += b;
                *n += m;
            }
        }
        progress((end * CHUNK_PATHS).min(o.paths));
        start = end;
    }
    // The order statistics are gathered on the pool's threads too: outside it, they would
    // run on rayon's global pool, which reads RAYON_NUM_THREADS (D148).
    let (levels, probabilities, prob_diffs, diffs) = pool.install(|| {
        let levels: Vec<LevelBands> = if level_vars.is_empty() {
            Vec::new()
        } else {
            level_stats
                .into_iter()
                .enumerate()
                .map(|(i, st)| LevelBands {
                    scenario: setup.scenarios[i].name.clone(),
                    vars: setup.levels[i]
                        .iter()
                        .map(|&v| setup.vars[i][v].clone())
                        .collect(),
                    summary: st.finish(),
                })
                .collect()
        };
        let base_mean: Vec<f64> = base_sum
            .iter()
            .zip(&base_n)
            .map(|(s, &n)| if n == 0 { f64::NAN } else { s / n as f64 })
            .collect();
        let bl = &setup.base_layout;
        let nb = bl.nv;
        let probabilities = match &setup.probe_layouts {
            Some(ls) => ls
                .iter()
                .zip(probe_stats)
                .zip(&setup.scenarios)
                .map(|((l, st), sc)| (sc.name.clone(), l.split_tail(st.finish().cells)))
                .collect(),
            None => Vec::new(),
        };
        let prob_diffs = probe_diffs
            .into_iter()
            .map(|st| st.finish().cells.iter().map(ShareDiff::of).collect())
            .collect();
        let diffs = stats
            .into_iter()
            .zip(greater)
            .zip(setup.common)
            .zip(&setup.diff_layouts)
            .enumerate()
            .map(|(j, (((s, g), vars), layout))| {
                let mut summary = s.finish();
                let totals = layout.split(&mut summary);
                let months = summary.months;
                let mut bm = Vec::with_capacity(months * vars.len());
                for t in 0..months {
                    bm.extend(vars.iter().map(|v| base_mean[t * nb + v.base]));
                }
                let names = |v: &[crate::engine::stats::derived::TotalVar]| {
                    v.iter().map(|t| t.name.clone()).collect::<Vec<_>>()
                };
                let periods = totals.periods.len();
                let base_total_mean = period_means(
                    periods,
                    &names(&totals.totals),
                    &names(&bl.totals),
                    &base_mean[months * nb..],
                );
                // The baseline's averages follow all of its totals (engine::stats::derived).
                let base_average_mean = period_means(
                    periods,
                    &names(&totals.averages),
                    &names(&bl.averages),
                    &base_mean[months * nb + periods * bl.totals.len()..],
                );
                ScenarioDiff {
                    scenario: others[j].name.clone(),
                    vars,
                    summary,
                    greater: g,
                    totals,
                    base_mean: bm,
                    base_total_mean,
                    base_average_mean,
                    diagnostics: diag[j + 1].to_map(),
                }
            })
            .collect();
        (levels, probabilities, prob_diffs, diffs)
    });
    Ok(CompareResult {
        baseline: baseline.name.clone(),
        diffs,
        baseline_diagnostics: diag[0].to_map(),
        levels,
        probabilities,
        prob_diffs,
        paths: o.paths,
        months: o.months,
        seed: o.seed,
        threads,
        wall_seconds: t0.elapsed().as_secs_f64(),
    })
}

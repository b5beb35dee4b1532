//! D130 changed the random number generator; the bands must not have moved beyond Monte
//! Carlo error. For every shipped scenario (`scenarios/*.toml`, the event-tree one included,
//! and the history replays) this runs the same paths at the current model on the model's
//! generator (`RngKind::Counter`) and on the one before D130 (`RngKind::Legacy`), and
//! compares the mean, p10, p50, p90 and spread of every variable in five checked months with the
//! permutation-calibrated two-sample test of `bands.rs`. Nothing is compared with stored
//! numbers, so the test holds whatever the model becomes.
//!
//! Size: each scenario fails by chance with probability at most 2/(PERMS + 1) = 0.1%, so the
//! whole check at most 0.8% of the times the model changes. Cost: 2,000 paths per generator.

mod bands;

use bands::{compare, Verdict};
use rayon::prelude::*;
use sanctions_sim::dist::Dist;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::rng::RngKind;
use sanctions_sim::engine::vars::{variables, Var};
use sanctions_sim::scenario::Scenario;
use std::path::{Path, PathBuf};

/// Paths per generator; `RNG_AGREEMENT_PATHS` and `RNG_AGREEMENT_SEED` override it and the
/// scenarios' seeds, to look closer at a failure.
const PATHS: u64 = 2000;

fn env(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()
        .map(|v| v.parse().expect("a number"))
}
const PERMS: usize = 1999;
/// Month indices checked (1, 6, 12, 24, 36), those within the horizon, and the last.
const MONTHS: [usize; 5] = [0, 5, 11, 23, 35];

fn scenario_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files = Vec::new();
    for dir in [root.clone(), root.join("history")] {
        for e in std::fs::read_dir(&dir).expect("scenarios folder") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn load(p: &Path) -> Scenario {
    sanctions_sim::scenario::load(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn checked_months(sc: &Scenario) -> Vec<usize> {
    let mut m: Vec<usize> = MONTHS.iter().copied().filter(|&t| t < sc.months).collect();
    if m.last() != Some(&(sc.months - 1)) {
        m.push(sc.months - 1);
    }
    m
}

/// Cell `(month k, variable v)` at `k * vars + v`: its values over paths 0..PATHS.
fn cells(sc: &Scenario, vars: &[Var], months: &[usize], kind: RngKind) -> Vec<Vec<f64>> {
    let nv = vars.len();
    let (paths, seed) = (
        env("RNG_AGREEMENT_PATHS").unwrap_or(PATHS),
        env("RNG_AGREEMENT_SEED"),
    );
    let mut out = vec![Vec::with_capacity(paths as usize); months.len() * nv];
    let mut buf = vec![0.0; nv];
    for p in 0..paths {
        let mut sim = PathSim::with_rng(sc, seed.unwrap_or(sc.seed), p, kind);
        let mut k = 0;
        for t in 0..=*months.last().expect("a month") {
            sim.step_month();
            if months[k] == t {
                sim.write_vars(vars, &mut buf);
                for (v, x) in buf.iter().enumerate() {
                    out[k * nv + v].push(*x);
                }
                k += 1;
            }
        }
    }
    out
}

/// The verdict for `sc` against `reference` (both on their own generator), and a line
/// naming the worst test.
fn check(
    sc: &Scenario,
    kind: RngKind,
    reference: &Scenario,
    ref_kind: RngKind,
) -> (Verdict, String) {
    let vars = variables(&sc.market);
    let months = checked_months(sc);
    let (a, b) = rayon::join(
        || cells(sc, &vars, &months, kind),
        || cells(reference, &vars, &months, ref_kind),
    );
    let (v, ids) = compare(&a, &b, PERMS, 42);
    let (cell, band) = ids.get(v.worst).copied().unwrap_or((0, 0));
    let var = &vars[cell % vars.len()].name;
    let month = months[cell / vars.len()] + 1;
    let band = ["mean", "p10", "p50", "p90", "spread"][band];
    let line = format!(
        "{}: {} tests, {} over 1% (null max {}, p {:.4}); max |z| {:.2} at {var} month {month} {band} (null max {:.2}, p {:.4})",
        sc.name, v.tests, v.rejections, v.null_rejections, v.p_rejections, v.max_z, v.null_max_z, v.p_max_z
    );
    (v, line)
}

#[test]
fn bands_agree_with_the_pre_d130_generator_for_every_shipped_scenario() {
    let files = scenario_files();
    assert!(files.len() >= 8, "the shipped scenarios: {files:?}");
    let results: Vec<(Verdict, String)> = files
        .par_iter()
        .map(|f| {
            let sc = load(f);
            check(&sc, RngKind::Counter, &sc, RngKind::Legacy)
        })
        .collect();
    for (_, line) in &results {
        eprintln!("{line}");
    }
    let bad: Vec<&String> = results
        .iter()
        .filter(|r| !r.0.agree())
        .map(|r| &r.1)
        .collect();
    assert!(
        bad.is_empty(),
        "bands differ beyond Monte Carlo error:\n{bad:#?}"
    );
}

/// The same check tells a real change apart: the baseline with Brent's normals 20% wider
/// (the short-term volatility of both regimes and the long-term one), on the new generator,
/// against the baseline on the old one.
#[test]
fn a_changed_model_is_told_apart() {
    let base = load(
        &scenario_files()
            .into_iter()
            .find(|f| f.ends_with("baseline.toml"))
            .expect("baseline"),
    );
    let mut wider = base.clone();
    for name in ["sigma_chi_calm", "sigma_chi_turb", "sigma_xi"] {
        let Some(Dist::Triangular { lo, mode, hi }) = wider.params.get(name) else {
            panic!("{name} is no longer triangular: pick another parameter")
        };
        assert!(wider
            .params
            .set(name, Dist::tri(1.2 * lo, 1.2 * mode, 1.2 * hi)));
    }
    let (v, line) = check(&wider, RngKind::Counter, &base, RngKind::Legacy);
    eprintln!("{line}");
    assert!(!v.agree(), "{line}");
}

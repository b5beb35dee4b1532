//! `sensitivity` (issue 5): rank measures, inputs, swing and the command.
//!
//! - the rank measures recover a known ranking on constructed data, agree with PRCC computed
//!   from its definition, and report constant or collinear columns instead of NaN;
//! - event draws re-drawn for the analysis are the ones the simulation used;
//! - the command writes the documented files and columns, refuses bad targets and months with
//!   a clear message, and is byte-identical for 1 and 2 threads.

mod common;

use assert_cmd::Command;
use common::scenario;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sanctions_sim::analysis::sensitivity::csv::{tornado_data, SENSITIVITY_HEADER};
use sanctions_sim::analysis::sensitivity::inputs::{inputs, keys, read_values, Source};
use sanctions_sim::analysis::sensitivity::rank::{ranks, Excluded, RankDesign};
use sanctions_sim::analysis::sensitivity::{sensitivity, Horizon, SensOptions};
use sanctions_sim::engine::path::PathSim;
use std::fs;
use std::path::{Path, PathBuf};

fn uniforms(seed: u64, n: usize) -> Vec<f64> {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| r.random::<f64>()).collect()
}

/// y = exp(3·x1 + x2 + 0·x3 + noise): a monotone transform of a linear model, so the rank
/// measures must order x1 > x2 > x3 and find x3 indistinguishable from zero.
#[test]
fn measures_recover_a_known_ranking() {
    let n = 2000;
    let x1 = uniforms(1, n);
    let x2 = uniforms(2, n);
    let x3 = uniforms(3, n);
    let e = uniforms(4, n);
    let y: Vec<f64> = (0..n)
        .map(|i| (3.0 * x1[i] + x2[i] + 0.3 * e[i]).exp())
        .collect();
    let d = RankDesign::new(&[x3.clone(), x1.clone(), x2.clone()]).unwrap();
    let f = d.fit(&y).unwrap();
    let (m3, m1, m2) = (f.inputs[0], f.inputs[1], f.inputs[2]);
    assert!(m1.srrc > m2.srrc && m2.srrc > m3.srrc.abs(), "{f:?}");
    assert!(m1.prcc > m2.prcc && m2.prcc > m3.prcc.abs(), "{f:?}");
    assert!(m3.prcc_ci_low < 0.0 && m3.prcc_ci_high > 0.0, "{m3:?}");
    assert!(m1.prcc_ci_low > 0.9, "{m1:?}");
    assert!(f.r2 > 0.9, "{}", f.r2);
    // Independent inputs: the SRRCs are close to the rank correlations.
    assert!((m1.srrc - m1.spearman).abs() < 0.05, "{m1:?}");
    assert!(m1.vif < 1.05 && m3.vif < 1.05, "{f:?}");
}

/// PRCC from the QR (t / sqrt(t² + df)) equals its definition: −P_jy / sqrt(P_jj P_yy), with P
/// the inverse of the rank correlation matrix of (x1, x2, x3, y).
#[test]
fn prcc_matches_the_inverse_correlation_definition() {
    let n = 500;
    let x1 = uniforms(11, n);
    let x2: Vec<f64> = uniforms(12, n)
        .iter()
        .zip(&x1)
        .map(|(a, b)| a + 0.5 * b)
        .collect();
    let x3 = uniforms(13, n);
    let e = uniforms(14, n);
    let y: Vec<f64> = (0..n).map(|i| x1[i] - 2.0 * x2[i] + e[i]).collect();
    let cols = [x1, x2, x3, y.clone()];
    let d = RankDesign::new(&cols[..3]).unwrap();
    let f = d.fit(&y).unwrap();
    // Rank correlation matrix and its inverse by Gauss–Jordan.
    let z: Vec<Vec<f64>> = cols
        .iter()
        .map(|c| {
            let r = ranks(c);
            let m = r.iter().sum::<f64>() / n as f64;
            let sd = (r.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1) as f64).sqrt();
            r.iter().map(|v| (v - m) / sd).collect()
        })
        .collect();
    let k = 4;
    let mut a = vec![vec![0.0; 2 * k]; k];
    for i in 0..k {
        for j in 0..k {
            a[i][j] = z[i].iter().zip(&z[j]).map(|(p, q)| p * q).sum::<f64>() / (n - 1) as f64;
        }
        a[i][k + i] = 1.0;
    }
    for c in 0..k {
        let p = a[c][c];
        for v in a[c].iter_mut() {
            *v /= p;
        }
        for r in 0..k {
            if r != c {
                let m = a[r][c];
                let row = a[c].clone();
                for (v, w) in a[r].iter_mut().zip(row) {
                    *v -= m * w;
                }
            }
        }
    }
    let pinv = |i: usize, j: usize| a[i][k + j];
    for j in 0..3 {
        let want = -pinv(j, 3) / (pinv(j, j) * pinv(3, 3)).sqrt();
        let got = f.inputs[j].prcc;
        assert!((got - want).abs() < 1e-9, "input {j}: {got} vs {want}");
    }
}

#[test]
fn constant_and_collinear_columns_are_noted_not_nan() {
    let n = 300;
    let x1 = uniforms(21, n);
    let constant = vec![2.5; n];
    let twice: Vec<f64> = x1.iter().map(|v| 2.0 * v + 1.0).collect(); // same ranks as x1
    let x2 = uniforms(22, n);
    let y: Vec<f64> = (0..n).map(|i| x1[i] + x2[i]).collect();
    let d = RankDesign::new(&[x1, constant, twice, x2]).unwrap();
    assert_eq!(d.status[1], Err(Excluded::Constant));
    assert_eq!(d.status[2], Err(Excluded::Collinear));
    let f = d.fit(&y).unwrap();
    assert_eq!(f.p, 2);
    for j in [0, 3] {
        let m = f.inputs[j];
        for v in [
            m.prcc,
            m.prcc_ci_low,
            m.prcc_ci_high,
            m.srrc,
            m.srrc_se,
            m.vif,
        ] {
            assert!(v.is_finite(), "input {j}: {m:?}");
        }
    }
    assert!(f.inputs[1].srrc.is_nan() && f.inputs[1].spearman.is_nan());
    // The collinear copy keeps its marginal rank correlation.
    assert!((f.inputs[2].spearman - f.inputs[0].spearman).abs() < 1e-12);
    // A constant target has nothing to explain.
    assert!(d.fit(&vec![1.0; n]).is_none());
    // Too few paths for the inputs: an error, not a singular solve.
    assert!(RankDesign::new(&[uniforms(1, 4), uniforms(2, 4), uniforms(3, 4)]).is_err());
}

/// The analysis re-draws event values from their keyed streams; the SDN share the simulation
/// ramps in after `summit_failure`'s 2025-10-22 wave must move by exactly that draw.
#[test]
fn event_redraw_is_the_simulated_draw() {
    let sc = scenario("summit_failure");
    let inp = inputs(&sc, 8);
    let w = inp
        .iter()
        .position(|i| i.name.starts_with("event.sdn.wave.2025-10-22") && i.name.ends_with(".value"))
        .expect("the wave's add_share is an input");
    let keys = keys(&sc);
    let sdn = sc.registry.id("sdn.share").unwrap();
    for path in 0..8 {
        let mut sim = PathSim::new(&sc, 42, path);
        sim.step_month(); // 2025-08
        sim.step_month(); // 2025-09
        let before = sim.policy.current(sdn);
        for _ in 0..6 {
            sim.step_month(); // through 2026-03, past the 2-month ramp
        }
        let after = sim.policy.current(sdn);
        let mut x = vec![0.0; inp.len()];
        // Only the wave's share is checked here: the shock summaries are not read.
        read_values(&inp, &sim, &keys, (42, path), [0.0; 2], &mut x);
        assert!(
            ((after - before) - x[w]).abs() < 1e-9,
            "path {path}: share moved {} but the re-drawn add_share is {}",
            after - before,
            x[w]
        );
        assert!((0.40..=0.50).contains(&x[w]));
    }
}

#[test]
fn tree_inputs_and_swing_on_a_small_run() {
    let sc = scenario("summit_uncertain");
    let mut o = SensOptions::new(&sc, "brent_usd_bbl");
    o.paths = 300;
    o.months = 12;
    o.swing_paths = 64;
    o.swing_top = 200; // every overridable input
    o.horizon = Horizon::Cumulative;
    let r = sensitivity(&sc, &o, &|_, _| {}).unwrap();
    assert!(r
        .inputs
        .iter()
        .any(|i| i.name == "tree.us_russia.deal.entered"));
    assert!(r
        .inputs
        .iter()
        .all(|i| !matches!(i.source, Source::Param(_)) || i.dist.is_some_and(|d| !d.is_const())));
    // The long-term drift raises Brent on the same paths.
    let mu = r.inputs.iter().position(|i| i.name == "mu_xi").unwrap();
    let s = r.swings[mu].expect("mu_xi is swung");
    assert!(s.low_input < s.high_input && s.at_low < s.at_high, "{s:?}");
    // Tree inputs are never swung; the tornado lists only swung inputs, largest first.
    for (i, inp) in r.inputs.iter().enumerate() {
        if inp.kind == "tree" {
            assert!(r.swings[i].is_none(), "{}", inp.name);
        }
    }
    let t = tornado_data(&r);
    assert_eq!(
        t.bars.len(),
        r.swings.iter().filter(|s| s.is_some()).count()
    );
    for w in t.bars.windows(2) {
        assert!((w[0].at_high - w[0].at_low).abs() >= (w[1].at_high - w[1].at_low).abs());
    }
    assert!(t.base.is_finite());
}

fn bin() -> Command {
    Command::cargo_bin("sanctions-sim").unwrap()
}

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
}

fn sens(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    bin()
        .arg("sensitivity")
        .arg(shipped("summit_failure"))
        .args(["--target", "russia_export_revenue_usd_bn", "--paths", "300"])
        .args(["--months", "6", "--swing-paths", "32", "--swing-top", "3"])
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .assert()
}

const FOLDER: &str = "sensitivity_summit_failure_russia_export_revenue_usd_bn_cumulative";

#[test]
fn command_writes_the_documented_files_and_refuses_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    sens(tmp.path(), &["--by-month"]).success();
    let dir = tmp.path().join(FOLDER);
    let csv = fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), SENSITIVITY_HEADER.join(","));
    let rows: Vec<&str> = lines.collect();
    let sc = scenario("summit_failure");
    assert_eq!(rows.len(), inputs(&sc, 6).len());
    assert!(rows[0].starts_with("1,"), "{}", rows[0]);
    let swung = rows.iter().filter(|r| !r.contains("no swing")).count();
    assert_eq!(swung, 3);
    let by_month = fs::read_to_string(dir.join("sensitivity_by_month.csv")).unwrap();
    assert!(by_month.starts_with("date,input,prcc,srrc\n2025-08-01,"));
    assert_eq!(by_month.lines().count(), 1 + 6 * rows.len());
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        m["files"],
        serde_json::json!([
            "sensitivity.csv",
            "sensitivity_by_month.csv",
            "tornado.svg",
            "tornado.png",
            "manifest.json"
        ])
    );
    // The tornado is a real picture, and --no-charts leaves it out.
    let png = fs::read(dir.join("tornado.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    let svg = fs::read_to_string(dir.join("tornado.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "not an SVG");
    let quiet = tempfile::tempdir().unwrap();
    sens(quiet.path(), &["--no-charts", "--xlsx"]).success();
    let qdir = quiet.path().join(FOLDER);
    assert!(!qdir.join("tornado.svg").exists());
    assert!(qdir.join("results.xlsx").exists());
    assert_eq!(m["diagnostics"]["sensitivity_swing_runs"], 7);
    sens(tmp.path(), &[])
        .code(1)
        .stderr(predicates::str::contains("--force"));
    sens(tmp.path(), &["--force"]).success();
    assert!(!dir.join("sensitivity_by_month.csv").exists());
}

#[test]
fn bad_target_and_month_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let typo = bin()
        .arg("sensitivity")
        .arg(shipped("summit_failure"))
        .args(["--target", "russia_export_revenue_usd_b", "--out"])
        .arg(tmp.path())
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&typo.get_output().stderr).to_string();
    assert!(
        err.contains("did you mean `russia_export_revenue_usd_bn`"),
        "{err}"
    );
    for (month, want) in [
        ("2031-01", "outside the simulated months 2025-08..2026-01"),
        ("2026-13", "--month"),
        ("August", "--month"),
    ] {
        sens(tmp.path(), &["--month", month])
            .code(1)
            .stderr(predicates::str::contains(want));
    }
    sens(tmp.path(), &["--month", "2025-10", "--cumulative"]).code(1);
    bin()
        .arg("sensitivity")
        .arg(shipped("summit_failure"))
        .args(["--target", "brent_usd_bbl", "--paths", "40", "--out"])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("too few"));
    // Nothing was written by the refused runs.
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn identical_bytes_for_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for t in ["1", "2"] {
        let out = tmp.path().join(format!("t{t}"));
        sens(&out, &["--threads", t, "--by-month", "--month", "2025-12"]).success();
        let dir = out.join("sensitivity_summit_failure_russia_export_revenue_usd_bn_2025-12");
        files.push((
            fs::read(dir.join("sensitivity.csv")).unwrap(),
            fs::read(dir.join("sensitivity_by_month.csv")).unwrap(),
        ));
    }
    assert!(
        files[0] == files[1],
        "outputs differ between 1 and 2 threads"
    );
}

/// One label table: docs/sensitivity.md lists every row of `output::labels::PARAMS`, and every
/// input of the shipped scenarios gets words (not its bare name) on the tornado.
#[test]
fn plain_language_labels_match_the_docs_and_cover_the_inputs() {
    use sanctions_sim::output::labels::{plain, PARAMS};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = fs::read_to_string(root.join("docs/sensitivity.md")).unwrap();
    for (name, words) in PARAMS {
        let row = format!("| `{name}` | {words} |");
        assert!(doc.contains(&row), "docs/sensitivity.md lacks {row}");
    }
    let rows = doc.lines().filter(|l| l.starts_with("| `")).count();
    assert!(rows >= PARAMS.len());
    for name in ["baseline", "summit_uncertain", "china_sanctions"] {
        let sc = scenario(name);
        for i in inputs(&sc, 24) {
            let words = plain(&i.name);
            assert!(
                words != i.name || i.kind == "market",
                "{name}: input {} has no words",
                i.name
            );
        }
    }
}

/// `--year YYYY` sums the year's simulated months (D146): 6 months from 2025-08 cover 2025's
/// August–December and January 2026; a year outside the run names the years it covers.
#[test]
fn a_calendar_year_is_a_target() {
    let tmp = tempfile::tempdir().unwrap();
    sens(tmp.path(), &["--year", "2025"]).success();
    let dir = tmp
        .path()
        .join("sensitivity_summit_failure_russia_export_revenue_usd_bn_2025");
    let csv = fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    assert!(
        csv.contains("\"russia_export_revenue_usd_bn, sum 2025-08..2025-12 (2025)\",USD bn,"),
        "{csv}"
    );
    sens(tmp.path(), &["--year", "2027"])
        .code(1)
        .stderr(predicates::str::contains(
            "--year 2027 is outside the simulated months 2025-08..2026-01 of scenario \
             `summit_failure`: pass a year from 2025 to 2026",
        ));
    sens(tmp.path(), &["--year", "2026", "--month", "2026-01"]).code(1);
    sens(tmp.path(), &["--year", "2026", "--cumulative"]).code(1);
}

//! `[correlations]`: sampled Spearman rank correlations match the targets within Monte
//! Carlo error, marginals are unchanged, uncorrelated parameters keep their draws exactly,
//! and bad input gives clear errors at file:line:col.

use sanctions_sim::dist::{self, Dist};
use sanctions_sim::engine::rng::keyed;
use sanctions_sim::market::params::{ParamSpec, Params};
use sanctions_sim::scenario::{self, Scenario};
use std::path::{Path, PathBuf};

fn market() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/market/default.toml")
        .display()
        .to_string()
}

fn head() -> String {
    format!(
        "[scenario]\nstart = \"2025-08\"\nmonths = 24\npaths = 100\nseed = 1\nmarket = {:?}\n\
         [brent]\np0 = 71.0\n",
        market()
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn draws(sc: &Scenario, n: u64) -> Vec<Params> {
    (0..n)
        .map(|path| {
            sc.params.draw_correlated(&sc.correlations, |name| {
                keyed(sc.seed, path, &format!("param.{name}"))
            })
        })
        .collect()
}

fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// Empirical `q`-quantile lies between the distribution's quantiles at `q ± delta`.
fn check_marginal(name: &str, d: Dist, xs: &[f64]) {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let delta = 0.015; // KS: 1.63/sqrt(20000) = 0.0115 at the 1% level
    for k in 1..20 {
        let q = k as f64 / 20.0;
        let emp = s[((q * n as f64) as usize).min(n - 1)];
        let (lo, hi) = (d.quantile(q - delta), d.quantile(q + delta));
        assert!(
            lo - 1e-12 <= emp && emp <= hi + 1e-12,
            "{name} ~ {d}: empirical {q}-quantile {emp} outside [{lo}, {hi}]"
        );
    }
}

const N: u64 = 20_000;

#[test]
fn sampled_rank_correlations_match_and_marginals_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}[params]\ndesig_eff_eu = {{ beta = [6.0, 14.0] }}\nalpha_f = {{ pert = [0.8, 1.5, 3.0] }}\n\
         theta_x = {{ lognormal = [-2.0, 0.3] }}\n\
         [correlations]\npairs = [\n  [\"eps_d\", \"eps_s\", -0.3],\n  [\"sigma_chi_calm\", \"sigma_xi\", 0.5],\n\
           [\"desig_eff_eu\", \"alpha_f\", 0.7],\n  [\"theta_x\", \"eps_s\", 0.2],\n  [\"mu_xi\", \"sigma_xi\", -0.6],\n]\n",
        head()
    );
    let sc =
        scenario::load(&write(dir.path(), "corr.toml", &text)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.correlations.names.len(), 8);
    let ps = draws(&sc, N);
    let col = |name: &str| -> Vec<f64> { ps.iter().map(|p| p.get(name).unwrap()).collect() };
    let targets = [
        ("eps_d", "eps_s", -0.3),
        ("sigma_chi_calm", "sigma_xi", 0.5),
        ("desig_eff_eu", "alpha_f", 0.7),
        ("theta_x", "eps_s", 0.2),
        ("mu_xi", "sigma_xi", -0.6),
        // Unlisted pairs among correlated parameters are zero.
        ("eps_d", "sigma_xi", 0.0),
        ("alpha_f", "mu_xi", 0.0),
    ];
    for (a, b, rho) in targets {
        let got = spearman(&col(a), &col(b));
        let se = (1.0 - rho * rho) / (N as f64).sqrt() * 1.06;
        assert!(
            (got - rho).abs() < 4.0 * se,
            "{a} ~ {b}: sampled Spearman {got:.4}, target {rho} (4 SE = {:.4})",
            4.0 * se
        );
    }
    for name in &sc.correlations.names {
        let d = sc.params.get(name).unwrap();
        check_marginal(name, d, &col(name));
    }
    // Parameters outside [correlations] keep their independent draws exactly.
    for (path, p) in ps.iter().enumerate().take(500) {
        let indep = sc
            .params
            .draw_keyed(|name| keyed(sc.seed, path as u64, &format!("param.{name}")));
        for name in ParamSpec::NAMES {
            if !sc.correlations.names.contains(name) {
                assert_eq!(p.get(name), indep.get(name), "{name} on path {path}");
            }
        }
    }
}

#[test]
fn without_correlations_draws_are_the_keyed_draws() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario::load(&write(dir.path(), "plain.toml", &head())).unwrap();
    assert!(sc.correlations.is_empty());
    for path in 0..200 {
        let rng = |name: &str| keyed(sc.seed, path, &format!("param.{name}"));
        assert_eq!(
            sc.params.draw_correlated(&sc.correlations, rng),
            sc.params.draw_keyed(rng)
        );
    }
}

#[test]
fn quantiles_match_each_distribution_sampler() {
    let cases = [
        Dist::normal(1.0, 2.0),
        Dist::LogNormal {
            mu: 0.5,
            sigma: 0.4,
        },
        Dist::uniform(-1.0, 3.0),
        Dist::tri(0.0, 0.2, 1.0),
        Dist::tri(0.0, 1.0, 1.0),
        Dist::Pert {
            lo: 0.8,
            mode: 1.5,
            hi: 3.0,
        },
        Dist::beta(3.0, 97.0),
        Dist::beta(0.5, 0.7),
        Dist::Poisson { lambda: 3.5 },
    ];
    for d in cases {
        let mut rng = keyed(7, 0, "quantile-check");
        let mut xs: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        for k in 1..20 {
            let q = k as f64 / 20.0;
            // Fraction of samples at or below F^-1(q) is q within KS error (a step CDF
            // for Poisson: between F(x-) and F(x)).
            let x = d.quantile(q);
            let below = xs.partition_point(|v| *v < x) as f64 / N as f64;
            let at_or_below = xs.partition_point(|v| *v <= x) as f64 / N as f64;
            assert!(
                below - 0.015 <= q && q <= at_or_below + 0.015,
                "{d}: F^-1({q}) = {x}, empirical CDF [{below}, {at_or_below}]"
            );
        }
    }
    for p in [1e-10, 0.001, 0.02425, 0.3, 0.5, 0.9, 0.999] {
        assert!((dist::norm_cdf(dist::norm_inv(p)) - p).abs() < 1e-12 * p.max(1e-3) * 1e3);
    }
    assert!((dist::norm_inv(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    assert!((dist::beta_cdf(2.0, 3.0, 0.4) - 0.5248).abs() < 1e-12);
}

#[test]
fn children_override_inherited_pairs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "parent.toml",
        &format!("{}[correlations]\npairs = [[\"eps_d\", \"eps_s\", 0.8], [\"kappa\", \"tau_pi\", 0.3]]\n", head()),
    );
    let child = write(
        dir.path(),
        "child.toml",
        "extends = \"parent.toml\"\n[correlations]\npairs = [[\"eps_s\", \"eps_d\", -0.4]]\n",
    );
    let sc = scenario::load(&child).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sc.correlations.names,
        vec!["kappa", "tau_pi", "eps_d", "eps_s"]
    );
    let ps = draws(&sc, 5000);
    let col = |name: &str| -> Vec<f64> { ps.iter().map(|p| p.get(name).unwrap()).collect() };
    let r = spearman(&col("eps_d"), &col("eps_s"));
    assert!((r + 0.4).abs() < 0.06, "{r}");
    let r = spearman(&col("kappa"), &col("tau_pi"));
    assert!((r - 0.3).abs() < 0.06, "{r}");
}

/// Loads `body` appended to a working head; returns the rendered error, which must point
/// at `needle` (its first occurrence in the file) as `file:line:col` and contain `also`.
fn check_err(body: &str, needle: &str, also: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{}{body}", head());
    let p = write(dir.path(), "bad.toml", &text);
    let e = match scenario::load(&p) {
        Ok(_) => panic!("loaded:\n{text}"),
        Err(e) => e.to_string(),
    };
    let at = text.find(needle).expect("needle in text");
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    let pos = format!("bad.toml:{line}:{col}");
    assert!(e.contains(&pos), "no `{pos}` in\n{e}");
    for a in also {
        assert!(e.contains(a), "no `{a}` in\n{e}");
    }
}

#[test]
fn errors_name_the_problem_and_its_position() {
    check_err(
        "[correlations]\npairs = [[\"eps_d\", \"eps_ss\", 0.3]]\n",
        "\"eps_ss\"",
        &["unknown parameter `eps_ss`", "did you mean `eps_s`?"],
    );
    check_err(
        "[correlations]\npairs = [[\"eps_d\", \"eps_s\", 1.0]]\n",
        "1.0]",
        &["strictly between -1 and 1", "got 1"],
    );
    check_err(
        "[correlations]\npairs = [[\"eps_d\", \"eps_s\", -1.5]]\n",
        "-1.5",
        &["strictly between -1 and 1"],
    );
    check_err(
        "[correlations]\npairs = [[\"eps_d\", \"rho_chi_xi\", 0.3]]\n",
        "\"rho_chi_xi\"",
        &["`rho_chi_xi` is constant", "cannot be correlated"],
    );
    check_err(
        "[correlations]\npairs = [\n  [\"eps_d\", \"eps_s\", 0.9],\n  [\"eps_d\", \"kappa\", 0.9],\n  [\"eps_s\", \"kappa\", -0.9],\n]\n",
        // The last row of the Cholesky factor (eps_s, in parameter order) fails; the
        // error points at its largest pair and the help lists the row's pairs.
        "[\"eps_d\", \"eps_s\", 0.9]",
        &[
            "not positive definite",
            "`eps_d` ~ `eps_s` = 0.9",
            "eps_s~kappa = -0.9",
            "smaller",
        ],
    );
    check_err(
        "[correlations]\npairs = [[\"eps_d\", \"eps_d\", 0.3]]\n",
        "[\"eps_d\", \"eps_d\"",
        &["correlated with itself"],
    );
    check_err(
        "[correlations]\npair = [[\"eps_d\", \"eps_s\", 0.3]]\n",
        "pair =",
        &["unknown key `pair`", "did you mean `pairs`?"],
    );
    check_err(
        "[correlations]\npairs = [[\"eps_d\", 0.3]]\n",
        "[\"eps_d\", 0.3]",
        &["triple"],
    );
}

#[test]
fn schema_accepts_correlations_and_rejects_bad_ones() {
    let s = scenario::scenario_schema(None);
    let v = jsonschema::validator_for(&s).expect("the schema compiles");
    let doc = |pairs: serde_json::Value| serde_json::json!({ "correlations": { "pairs": pairs } });
    assert!(v.is_valid(&doc(serde_json::json!([["eps_d", "eps_s", -0.3]]))));
    assert!(!v.is_valid(&doc(serde_json::json!([["eps_d", "eps_ss", -0.3]]))));
    assert!(!v.is_valid(&doc(serde_json::json!([["eps_d", "eps_s", 1.0]]))));
    assert!(!v.is_valid(&doc(serde_json::json!([["eps_d", "eps_s"]]))));
    assert!(
        !v.is_valid(&serde_json::json!({ "correlations": { "pair": [["eps_d", "eps_s", 0.1]] } }))
    );
}

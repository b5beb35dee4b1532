//! D142 (hostile report, findings 1, 2 and 10): every `[params]` parameter has a size range derived
//! from its equation, and route `dispersion_usd` one too. Every value inside a range runs to
//! finite outputs with converged roots; the values that used to panic or give NaN are load
//! errors that name the key, the range and why.

use super::{extending, rejected, sim};
use sanctions_sim::market::param_ranges;
use std::fs;
use std::path::{Path, PathBuf};

/// A short run of `file`: exit 0, no panic (checked by `sim`), no non-finite output and no
/// unconverged root search.
fn runs_clean(file: &Path, what: &str) {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("out");
    let r = sim(&[
        "run",
        file.to_str().unwrap(),
        "--paths",
        "50",
        "--months",
        "6",
        "--quiet",
        "--no-charts",
        "--out",
        o.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{what}: {}", r.stderr);
    assert!(
        !r.stderr.contains("NaN or infinite"),
        "{what}: {}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("without converging"),
        "{what}: {}",
        r.stderr
    );
}

/// A market file in `dir`: the shipped one with `edit` applied to its text.
fn market_copy(dir: &Path, edit: impl Fn(&str) -> String) -> PathBuf {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/market/default.toml");
    let p = dir.join("m.toml");
    fs::write(&p, edit(&fs::read_to_string(shipped).unwrap())).unwrap();
    p
}

/// Every line `key = <number>` of `text` with its value replaced by `v`.
fn set_all(text: &str, key: &str, v: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim_start().starts_with(&format!("{key} =")) {
                format!("{key} = {v}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_parameter_at_both_ends_of_its_range_runs_finite() {
    let d = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    for (name, r) in param_ranges::all() {
        // An open lower end (a time constant the model divides by) is tried just above 0.
        let lo = if r.kind == param_ranges::Kind::Positive && r.lo <= 0.0 {
            1e-6
        } else {
            r.lo
        };
        for (end, v) in [("min", lo), ("max", r.hi)] {
            // An end that breaks an ordered pair with the defaults (`inv_min` at 10) is a load
            // error naming both keys (hostile round 11 F5; tests/hostile_round11.rs).
            let mut spec = sanctions_sim::market::params::ParamSpec::default();
            spec.set(name, sanctions_sim::dist::Dist::Const(v));
            if !param_ranges::disorders(&spec).is_empty() {
                continue;
            }
            let f = extending(
                d.path(),
                &format!("{name}_{end}"),
                &format!("[params]\n{name} = {v:?}"),
            );
            cases.push((f, format!("{name} = {v:?} ({end})")));
        }
    }
    // Two workers: the machine this runs on is shared.
    let (a, b) = cases.split_at(cases.len() / 2);
    std::thread::scope(|s| {
        for half in [a, b] {
            s.spawn(move || {
                for (f, what) in half {
                    runs_clean(f, what);
                }
            });
        }
    });
}

#[test]
fn route_dispersion_at_both_ends_runs_finite() {
    for v in ["0.01", "1000"] {
        let d = tempfile::tempdir().unwrap();
        market_copy(d.path(), |t| set_all(t, "dispersion_usd", v));
        let f = extending(d.path(), "disp", "market = \"m.toml\"");
        runs_clean(&f, &format!("dispersion_usd = {v}"));
    }
}

#[test]
fn values_that_panicked_or_gave_nan_are_load_errors_naming_the_key() {
    let d = tempfile::tempdir().unwrap();
    for (name, v) in [
        ("sigma_f", "300"),
        ("buyer_noise_sd", "300"),
        ("kappa_xi", "100"),
        ("sigma_xi", "300"),
        ("theta_x", "1000"),
        ("mu_xi", "1000"),
        ("sigma_chi_calm", "1000"),
        ("sigma_chi_turb", "1000"),
        ("sigma_f", "{ uniform = [0.1, 400] }"),
        ("eps_d", "-1e6"),
        ("alpha_f", "1e6"),
        ("outage_scale", "1e6"),
    ] {
        let f = extending(
            d.path(),
            &format!("bad_{name}"),
            &format!("[params]\n{name} = {v}"),
        );
        let r = param_ranges::range_of(name);
        let err = rejected(
            &f,
            &[
                &format!("error[params.{name}]"),
                &format!("must lie {}", r.describe()),
                r.why,
            ],
        );
        assert!(err.contains(&format!("bad_{name}.toml:5:")), "{err}");
    }
}

#[test]
fn route_dispersion_of_a_millionth_is_a_load_error() {
    let d = tempfile::tempdir().unwrap();
    market_copy(d.path(), |t| set_all(t, "dispersion_usd", "1e-6"));
    let f = extending(d.path(), "disp", "market = \"m.toml\"");
    let err = rejected(
        &f,
        &[
            "error[route.dispersion_usd]",
            "must lie in [0.01, 1000]",
            "m.toml:",
        ],
    );
    assert!(err.contains("root search"), "{err}");
}

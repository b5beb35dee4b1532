//! Levers and state that repeated actions used to run off (D131): an event-tree node that the
//! path re-enters every month re-applies its `add`s and `scale`s, which the loader checks once
//! (`scenario::lever_bounds`), and a risk-premium jump enters the anchor through exp(). The
//! run must end with exit 0, every number of every CSV finite, and each lever in force within
//! its range.

use super::{extending, rejected, sim};
use std::fs;
use std::path::Path;

/// A 36-month run of `file` with 16 paths into `out`; asserts exit 0 and returns stderr.
fn run36(file: &Path, out: &Path) -> String {
    let r = sim(&[
        "run",
        file.to_str().unwrap(),
        "--paths",
        "16",
        "--months",
        "36",
        "--no-charts",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stderr.contains("NaN or infinite"), "{}", r.stderr);
    r.stderr
}

/// Every number in every CSV of the result folder `dir` is finite; returns summary.csv's
/// rows as (variable, [mean, p05, …, p95]).
fn finite_csvs(dir: &Path) -> Vec<(String, Vec<f64>)> {
    let mut csvs = 0;
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            csvs += 1;
            let text = fs::read_to_string(&p).unwrap();
            for (i, line) in text.lines().enumerate().skip(1) {
                for cell in line.split(',') {
                    if let Ok(x) = cell.parse::<f64>() {
                        assert!(x.is_finite(), "{}:{}: {cell} in {line}", p.display(), i + 1);
                    }
                    let low = cell.to_ascii_lowercase();
                    assert!(!low.contains("nan") && !low.contains("inf"), "{line}");
                }
            }
        }
    }
    assert!(csvs >= 3, "no CSVs in {}", dir.display());
    let m = fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(m.contains("\"nonfinite_values\": 0"), "{m}");
    let text = fs::read_to_string(dir.join("summary.csv")).unwrap();
    let head: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let cols: Vec<usize> = ["mean", "p05", "p10", "p25", "p50", "p75", "p90", "p95"]
        .iter()
        .map(|c| col(c))
        .collect();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let v = cols.iter().map(|&i| c[i].parse::<f64>().unwrap()).collect();
            (c[col("variable")].to_string(), v)
        })
        .collect()
}

/// Every statistic of `var` (any month) lies in `[lo, hi]`; returns the largest.
fn within(rows: &[(String, Vec<f64>)], var: &str, lo: f64, hi: f64) -> f64 {
    let mut top = f64::NEG_INFINITY;
    let mut seen = false;
    for (name, v) in rows
        .iter()
        .filter(|(n, _)| n.as_str() == var || n.ends_with(var))
    {
        seen = true;
        for x in v {
            assert!((lo..=hi).contains(x), "{name} = {x}, outside [{lo}, {hi}]");
            top = top.max(*x);
        }
    }
    assert!(seen, "no variable {var}");
    top
}

#[test]
fn tree_node_cycles_keep_levers_and_state_in_range() {
    let d = tempfile::tempdir().unwrap();
    // `a` is re-entered every month (a → b after 1 month, b → a at once): its actions run 36
    // times. Before D131: shadow capacity 1e36, root searches that did not converge, Brent at
    // its clamp.
    let p = extending(
        d.path(),
        "runaway",
        r#"
[[tree]]
id = "runaway"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 1, to = "b" }]
actions = [
  { lever = "fleet.shadow_capacity", action = "scale", value = 10 },
  { lever = "buyer.CN.capacity_scale", action = "scale", value = 3 },
  { lever = "buyer.IN.capacity_scale", action = "scale", value = 0.3 },
  { lever = "cap.eu_usd", action = "add", value = 20 },
  { lever = "cap.us_usd", action = "add", value = -20 },
  { lever = "tariff.IN.rate", action = "add", value = 1 },
  { lever = "sdn.share", action = "add", value = 0.2 },
  { lever = "freight.W.scale", action = "scale", value = 2 },
  { lever = "risk_premium.jump", value = 0.5 },
]
[[tree.node]]
id = "b"
exits = [{ kind = "after", lag = 0, to = "a" }]
"#,
    );
    let out = d.path().join("out");
    let err = run36(&p, &out);
    assert!(!err.contains("without converging"), "{err}");
    assert!(err.contains("to the edge of its range"), "{err}");
    let rows = finite_csvs(&out.join("runaway"));
    // fleet.shadow_capacity's range, reached by the tenfold scale.
    let fleet = within(&rows, "fleet_shadow_capacity_flow_months", 0.0, 1e6);
    assert_eq!(fleet, 1e6);
    // π at its bound of 1 log point after the repeated jumps of 0.5.
    assert_eq!(within(&rows, "risk_premium_log", -1.0, 1.0), 1.0);
    // cap.eu_usd and cap.us_usd: [0, none]; the tariff: [0, 5]; shares: [0, 1].
    within(&rows, "cap_eu_in_force_usd_bbl", 0.0, 1e9);
    within(&rows, "cap_us_in_force_usd_bbl", 0.0, 1e9);
    within(&rows, "_tariff_in_force_share", 0.0, 5.0);
    within(&rows, "sdn_share", 0.0, 1.0);
    within(&rows, "brent_usd_bbl", 5.0, 400.0);
    within(&rows, "brent_anchor_usd_bbl", 0.0, 2000.0);
}

#[test]
fn tree_node_cycles_of_waves_batches_and_money_levers_stay_finite() {
    let d = tempfile::tempdir().unwrap();
    // Before D131: 528 NaN or infinite outputs (China's exposed exports overflowed) and Brent
    // at its clamp in 576 of 576 path-months, with exit 0.
    let p = extending(
        d.path(),
        "runaway2",
        r#"
[[tree]]
id = "runaway"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 1, to = "b" }]
actions = [
  { lever = "sdn.wave", value = { add_share = 0.6, wind_down_months = 1, authority = "us" } },
  { lever = "sdn.wave", value = { add_share = 0.6, wind_down_months = 2, basins = ["E"] } },
  { lever = "fleet.designation.batch", value = { share = 0.5, authority = "us", cargo_share = 1 } },
  { lever = "fleet.shadow_capacity", action = "set", value = 1e6 },
  { lever = "risk_premium.jump", value = -50 },
  { lever = "supply.russia_exports_adj", action = "add", value = -3 },
  { lever = "tariff.CN.exposed_exports_bn", action = "scale", value = 1e12 },
  { lever = "carrot.IN.value_bn", action = "add", value = 1e8 },
  { lever = "secondary.IN.risk_wedge_usd", action = "add", value = 20 },
  { lever = "pipeline.*.availability", action = "scale", value = 0.1 },
]
[[tree.node]]
id = "b"
exits = [{ kind = "after", lag = 0, to = "a" }]
"#,
    );
    let out = d.path().join("out");
    let err = run36(&p, &out);
    assert!(!err.contains("clamp"), "{err}");
    let rows = finite_csvs(&out.join("runaway2"));
    within(&rows, "sdn_share", 0.0, 1.0);
    within(&rows, "risk_premium_log", -1.0, 1.0);
    within(&rows, "fleet_shadow_capacity_flow_months", 0.0, 1e6);
}

#[test]
fn the_largest_risk_jump_leaves_the_anchor_finite() {
    let d = tempfile::tempdir().unwrap();
    for (name, jump) in [("up", "50"), ("down", "-50")] {
        let p = extending(
            d.path(),
            name,
            &format!(
                "[[event]]\ndate = \"2025-09-01\"\nlever = \"risk_premium.jump\"\nvalue = {jump}"
            ),
        );
        let out = d.path().join(format!("out_{name}"));
        let err = run36(&p, &out);
        // Held at the bound, and said so.
        assert!(err.contains("to the edge of its range"), "{err}");
        let rows = finite_csvs(&out.join(name));
        // It used to give an anchor of e^54 ≈ 3.7e23 $/bbl.
        let top = within(&rows, "risk_premium_log", -1.0, 1.0);
        let anchor = within(&rows, "brent_anchor_usd_bbl", 0.0, 2000.0);
        if jump == "50" {
            assert_eq!(top, 1.0);
            assert!(anchor > 100.0, "{anchor}");
        }
    }
}

/// D131: `add` and `scale` leave a marker default (`compliance.*.share` and
/// `tariff.*.snapback_rate` hold -1: the market's draw, the rate at the halt) unchanged, so an
/// event that may meet one is refused instead of silently doing nothing (`add 1.5` to the
/// snapback rate used to load and give 0.5). After a certain `set` it is fine.
#[test]
fn add_or_scale_of_a_marker_default_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let ev = |date: &str, lever: &str, action: &str, value: &str| {
        format!("[[event]]\ndate = \"{date}\"\nlever = \"{lever}\"\naction = \"{action}\"\nvalue = {value}\n")
    };
    let p = extending(
        d.path(),
        "marker",
        &ev("2025-10-01", "tariff.IN.snapback_rate", "add", "1.5"),
    );
    rejected(
        &p,
        &[
            "event[1].value",
            "`tariff.IN.snapback_rate` may still hold its default here, -1",
            "which `add` leaves unchanged",
            "`set` the value wanted (in [0, 5]) first",
        ],
    );
    let body = ev("2025-10-01", "compliance.IN.share", "set", "0.5")
        + &ev("2025-11-01", "compliance.IN.share", "add", "0.1");
    let p = extending(d.path(), "set_first", &body);
    let out = d.path().join("out");
    assert_eq!(super::tiny_run(&p, &out, &["--no-charts"]).code, Some(0));
}

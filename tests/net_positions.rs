//! The buyers' net positions and Russia's revenue change (D66, D67, D141), checked per path
//! and month from `paths.csv`: a deal's carrot is counted as earned in `<x>_welfare_usd_bn`,
//! forgone in `<x>_net_gain_usd_bn`, and the revenue change compares revenue per day, so a
//! short month is not a fall.

use assert_cmd::Command;
use std::collections::HashMap;
use std::fs;

/// (path, date) -> variable -> value.
type Table = HashMap<(u64, String), HashMap<String, f64>>;

fn days_in(date: &str) -> f64 {
    let y: i32 = date[0..4].parse().unwrap();
    let m: u32 = date[5..7].parse().unwrap();
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    f64::from(match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    })
}

fn deal_run() -> (Table, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let base =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    let file = tmp.path().join("deal.toml");
    fs::write(
        &file,
        format!(
            "extends = \"{}\"\n[scenario]\nname = \"deal\"\n\n\
             [[event]]\ndate = \"2025-10-01\"\nlever = \"pledge.IN.cut\"\naction = \"ramp\"\nvalue = 0.5\nmonths = 3\n\n\
             [[event]]\ndate = \"2025-10-01\"\nlever = \"carrot.IN.value_bn\"\nvalue = 15.0\n",
            base.to_str().unwrap().replace('\\', "\\\\")
        ),
    )
    .unwrap();
    let out = tmp.path().join("o");
    Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args(["run", "--quiet", "--no-charts", "--no-report"])
        .args([
            "--paths",
            "60",
            "--months",
            "8",
            "--sample-paths",
            "60",
            "--out",
        ])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let text = fs::read_to_string(out.join("deal/paths.csv")).unwrap();
    let mut t: Table = HashMap::new();
    let mut dates = Vec::new();
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if !dates.iter().any(|d| d == f[1]) {
            dates.push(f[1].to_string());
        }
        t.entry((f[0].parse().unwrap(), f[1].to_string()))
            .or_default()
            .insert(f[2].to_string(), f[3].parse().unwrap());
    }
    dates.sort();
    (t, dates)
}

#[test]
fn welfare_counts_the_carrot_earned_and_revenue_change_is_per_day() {
    let (t, dates) = deal_run();
    // paths.csv rounds to 4 decimals: a sum of four rounded terms is within 2.5e-4.
    let tol = 3e-4;
    let mut earned_any = false;
    for p in 0..60u64 {
        let first = &t[&(p, dates[0].clone())];
        let rev1 = first["russia_export_revenue_usd_bn"] / days_in(&dates[0]);
        for d in &dates {
            let v = &t[&(p, d.clone())];
            let g = |k: &str| v[k];
            let welfare = g("india_discount_savings_usd_bn") - g("india_tariff_cost_usd_bn")
                + g("india_carrot_earned_usd_bn");
            assert!((g("india_welfare_usd_bn") - welfare).abs() < tol, "{p} {d}");
            // The whole carrot is either earned or forgone: welfare − net gain = C·d/365.
            let carrot = if d.as_str() >= "2025-10-01" {
                15.0
            } else {
                0.0
            } * days_in(d)
                / 365.0;
            let gap = g("india_welfare_usd_bn") - g("india_net_gain_usd_bn");
            assert!((gap - carrot).abs() < tol, "{p} {d}: {gap} vs {carrot}");
            assert!(g("india_carrot_earned_usd_bn") >= 0.0);
            assert!(g("india_carrot_earned_usd_bn") <= carrot + tol);
            earned_any |= g("india_carrot_earned_usd_bn") > 0.01;
            // No carrot for China: its welfare is its net gain.
            assert!((g("china_welfare_usd_bn") - g("china_net_gain_usd_bn")).abs() < tol);
            let change = g("russia_export_revenue_usd_bn") - rev1 * days_in(d);
            // rev1 carries the first month's rounding, scaled by d_t/d_1 ≤ 31/28.
            assert!(
                (g("russia_revenue_change_usd_bn") - change).abs() < 5e-4,
                "{p} {d}: {} vs {change}",
                g("russia_revenue_change_usd_bn")
            );
        }
    }
    assert!(
        earned_any,
        "the pledge's cut earns part of the carrot on some path"
    );
}

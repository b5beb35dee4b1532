//! D171: a child file may shorten the horizon it inherits. Inherited events past its `months`
//! are kept (and warned about, as `--months` does), `remove_events` can still name them, and an
//! imposed Brent path needs to cover only the months a run simulates.

mod common;

use common::{sim, text};
use std::fs;
use std::path::{Path, PathBuf};

fn shipped(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
        .to_str()
        .unwrap()
        .replace('\\', "\\\\")
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, body).unwrap();
    p
}

#[test]
fn a_child_may_shorten_the_horizon_of_what_it_inherits() {
    let d = tempfile::tempdir().unwrap();
    let body = format!(
        "extends = \"{}\"\n[scenario]\nname = \"short\"\nmonths = 2\n",
        shipped("summit_failure")
    );
    let p = write(d.path(), "short.toml", &body);
    let sc = sanctions_sim::scenario::load(&p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.months, 2);
    let end = sc.start + 2;
    assert!(
        sc.events.iter().any(|e| e.date.month >= end),
        "the inherited escalation (2025-10-22) is kept, past the child's horizon"
    );
    let o = sim().args(["validate"]).arg(&p).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("the file's `months = 2` ends the run in 2025-09")
            && err.contains("will not run: sdn.wave on 2025-10-22")
            && err.contains("They are inherited: raise `months` to 3"),
        "{err}"
    );
    let out = d.path().join("o");
    let o = sim()
        .args(["run"])
        .arg(&p)
        .args([
            "--paths",
            "50",
            "--quiet",
            "--no-charts",
            "--no-report",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("7 events dated after it will not run"));
    assert!(out.join("short/summary.csv").exists());
}

#[test]
fn remove_events_names_an_inherited_event_past_a_shorter_horizon() {
    let d = tempfile::tempdir().unwrap();
    let body = format!(
        "extends = \"{}\"\nremove_events = [\"sdn.wave@2025-10-22\"]\n[scenario]\nname = \"s2\"\n\
         months = 2\n",
        shipped("summit_failure")
    );
    let p = write(d.path(), "s2.toml", &body);
    let sc = sanctions_sim::scenario::load(&p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.removed_events.len(), 1);
    assert_eq!(sc.removed_events[0].lever, "sdn.wave");
}

#[test]
fn the_leaf_files_own_event_past_its_horizon_is_still_an_error() {
    let d = tempfile::tempdir().unwrap();
    let body = format!(
        "extends = \"{}\"\n[scenario]\nname = \"s3\"\nmonths = 2\n[[event]]\ndate = \
         \"2025-12-01\"\nlever = \"tariff.IN.rate\"\nvalue = 0.25\n",
        shipped("baseline")
    );
    let p = write(d.path(), "s3.toml", &body);
    let e = sanctions_sim::scenario::load(&p).unwrap_err().to_string();
    assert!(e.contains("is after the end of the horizon"), "{e}");
}

#[test]
fn imposed_brent_needs_to_cover_only_the_months_a_run_simulates() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "b.csv",
        "date,usd_bbl,source\n2025-07-01,71.04,x\n2025-08-01,67.3,x\n2025-09-01,67.6,x\n\
         2025-10-01,64.0,x\n",
    );
    let body = format!(
        "extends = \"{}\"\n[scenario]\nname = \"imp\"\n[brent]\nimposed = \"b.csv\"\n",
        shipped("summit_failure")
    );
    let p = write(d.path(), "imp.toml", &body);
    let o = sim().args(["validate"]).arg(&p).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("covers 3 of the file's 36 months"),
        "{}",
        text(&o.stderr)
    );
    let out = d.path().join("o");
    let run = |months: Option<&str>| {
        let mut c = sim();
        c.args(["run"]).arg(&p).args([
            "--paths",
            "40",
            "--quiet",
            "--no-charts",
            "--no-report",
            "--force",
            "--out",
        ]);
        c.arg(&out);
        if let Some(m) = months {
            c.args(["--months", m]);
        }
        c.output().unwrap()
    };
    let o = run(None);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("the file's `months = 36` runs to 2028-07; pass --months ≤ 3"),
        "{err}"
    );
    let o = run(Some("3"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = fs::read_to_string(out.join("imp/summary.csv")).unwrap();
    let brent: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",brent_usd_bbl,"))
        .collect();
    assert_eq!(brent.len(), 3);
    assert!(
        brent[2].contains(",64.0000,") || brent[2].contains(",64,"),
        "{}",
        brent[2]
    );
    // Not even the first month covered: still a load error naming the key.
    write(
        d.path(),
        "c.csv",
        "date,usd_bbl,source\n2025-07-01,71.04,x\n",
    );
    let body = body.replace("b.csv", "c.csv");
    let p = write(d.path(), "imp2.toml", &body);
    let e = sanctions_sim::scenario::load(&p).unwrap_err().to_string();
    assert!(
        e.contains("brent.imposed") && e.contains("2025-07 … 2025-08"),
        "{e}"
    );
}

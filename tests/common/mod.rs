//! Shared helpers for the model tests: load shipped scenarios, add events, step paths.
#![allow(dead_code)]

use sanctions_sim::dist::Dist;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::market::invariants::{check, Before};
use sanctions_sim::market::work::MonthCtx;
use sanctions_sim::policy::calendar::{days_in_month, Date};
use sanctions_sim::policy::events::{Action, Event, Value, WaveAuthority};
use sanctions_sim::scenario::{load, Diagnostic, LoadError, Scenario};
use std::path::{Path, PathBuf};

pub fn scenario(name: &str) -> Scenario {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    load(&p).unwrap_or_else(|e| panic!("{e}"))
}

/// Loads `body` as a scenario file that extends the shipped baseline.
pub fn load_body(body: &str) -> Result<Scenario, String> {
    let tmp = tempfile::tempdir().unwrap();
    let p = write_extending(tmp.path(), "t", body);
    load(&p).map_err(|e| e.to_string())
}

/// Adds `lever = value` (set) on `date` to the scenario.
pub fn set(sc: &mut Scenario, date: &str, lever: &str, value: f64) {
    let id = sc
        .registry
        .id(lever)
        .unwrap_or_else(|| panic!("no lever {lever}"));
    sc.events.push(Event {
        date: Date::parse(date).unwrap(),
        lever: id,
        action: Action::Set,
        value: Value::Number(Dist::Const(value)),
        prob: Dist::Const(1.0),
        lag_months: None,
    });
}

/// Replaces a parameter by a constant.
pub fn param(sc: &mut Scenario, name: &str, value: f64) {
    assert!(
        sc.params.set(name, Dist::Const(value)),
        "no parameter {name}"
    );
}

/// Steps one month and checks every §9.1 identity.
pub fn step_checked(sim: &mut PathSim) -> Vec<String> {
    let month = sim.month;
    let before = Before {
        storage: sim.state.storage,
    };
    sim.step_month();
    let ctx = MonthCtx {
        month,
        days: days_in_month(month) as f64,
    };
    check(
        &sim.model,
        before,
        &sim.state,
        &sim.work,
        &sim.levers,
        &sim.sc.registry.ids,
        ctx,
    )
}

/// A US `sdn.wave` of `share` on every basin (D35), deadline `months` after `date`.
pub fn us_wave(sc: &Scenario, date: &str, share: f64, months: u32) -> Event {
    Event {
        date: Date::parse(date).unwrap(),
        lever: sc.registry.ids.sdn_wave,
        action: Action::Fire,
        value: Value::Wave {
            add_share: Dist::Const(share),
            wind_down_months: months,
            basins: vec![],
            authority: Some(WaveAuthority::Us),
            sellers: None,
        },
        prob: Dist::Const(1.0),
        lag_months: None,
    }
}

/// `body` as `<dir>/<name>.toml`, extending the shipped baseline.
pub fn write_extending(dir: &Path, name: &str, body: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let base = base.to_str().unwrap().replace('\\', "\\\\");
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, format!("extends = \"{base}\"\n{body}")).unwrap();
    p
}

/// Loads a 12-month scenario whose market file is `text`; the load must fail. `label` names the
/// case in the panic.
pub fn load_with_market(text: &str, label: &str) -> LoadError {
    let dir = tempfile::tempdir().unwrap();
    let leaf = write_with_market(dir.path(), text);
    match load(&leaf) {
        Ok(_) => panic!("`{label}` loaded"),
        Err(e) => e,
    }
}

/// Loads a scenario whose market file is `text` (see [`load_with_market`]) and returns the
/// diagnostic for `key`, which must be in the market file.
pub fn market_diagnostic(text: &str, label: &str, key: &str) -> Diagnostic {
    let e = load_with_market(text, label);
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("`{label}`: no diagnostic for `{key}`: {e}"))
        .clone();
    assert!(
        d.file.ends_with("m.toml"),
        "`{label}`: {}",
        d.file.display()
    );
    d
}

/// The values of `var` at month index `t` (0 = the first month) on paths `0..paths` of seed
/// `seed`, stepped through the library.
pub fn values_at(sc: &Scenario, var: &str, t: usize, seed: u64, paths: u64) -> Vec<f64> {
    let vars = sanctions_sim::engine::vars::variables(&sc.market);
    let k = vars.iter().position(|v| v.name == var).expect(var);
    let mut buf = vec![0.0; vars.len()];
    (0..paths)
        .map(|p| {
            let mut sim = PathSim::new(sc, seed, p);
            for _ in 0..=t {
                sim.step_month();
            }
            sim.write_vars(&vars, &mut buf);
            buf[k]
        })
        .collect()
}

/// The binary, with the tool's own thread count whatever `RAYON_NUM_THREADS` says.
pub fn sim() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("sanctions-sim").unwrap();
    c.env_remove("RAYON_NUM_THREADS");
    c
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `c`; asserts the exit code and that nothing panicked; returns stderr.
pub fn expect(c: &mut assert_cmd::Command, code: i32) -> String {
    let o = c.output().unwrap();
    let err = text(&o.stderr);
    assert!(!err.contains("panicked"), "panic:\n{err}");
    assert_eq!(o.status.code(), Some(code), "{err}\n{}", text(&o.stdout));
    err
}

/// Loads a 12-month scenario whose market file is `text`; the load must succeed.
pub fn load_with_market_ok(text: &str) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let leaf = write_with_market(dir.path(), text);
    load(&leaf).unwrap_or_else(|e| panic!("{e}"))
}

/// `m.toml` holding `text` and `s.toml`, a 12-month scenario that uses it; returns `s.toml`.
fn write_with_market(dir: &Path, text: &str) -> PathBuf {
    std::fs::write(dir.join("m.toml"), text).unwrap();
    let leaf = dir.join("s.toml");
    std::fs::write(
        &leaf,
        "[scenario]\nstart = \"2025-08\"\nmonths = 12\npaths = 100\nseed = 1\n\
         market = \"m.toml\"\n[brent]\np0 = 71.0\n",
    )
    .unwrap();
    leaf
}

/// The cheapest fit that writes (the hostile tests only care whether it may write), less its
/// `--history <folder>`.
pub const CALIBRATE_WRITE: [&str; 7] = [
    "calibrate",
    "--paths",
    "1",
    "--sweeps",
    "1",
    "--write",
    "--force",
];

/// `calibrate --paths 1 --sweeps 1 --write --force --history <history>` ([`CALIBRATE_WRITE`]).
pub fn calibrate_write(history: &Path) -> assert_cmd::Command {
    let mut c = sim();
    c.args(CALIBRATE_WRITE).arg("--history").arg(history);
    c
}

/// Copies folder `from` into `to` (created), recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A copy of the shipped history folder under `d`, with the data (`../../data`) and market
/// files it names, for commands that write into it; returns the copied history folder.
pub fn history_copy(d: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let to = d.join("scenarios/history");
    copy_dir(&root.join("scenarios/history"), &to);
    copy_dir(&root.join("scenarios/market"), &d.join("scenarios/market"));
    copy_dir(&root.join("data"), &d.join("data"));
    to
}

/// `run <scenario> --out <out>` with `extra`, small and quiet (4 paths, 2 months, one thread,
/// no charts or report); checks the exit code and returns stderr.
pub fn run_small(scenario: &Path, out: &Path, extra: &[&str], code: i32) -> String {
    expect(
        sim()
            .arg("run")
            .arg(scenario)
            .args(["--paths", "4", "--months", "2", "--threads", "1", "--quiet"])
            .args(["--no-charts", "--no-report", "--out"])
            .arg(out)
            .args(extra),
        code,
    )
}

/// Every file named `name` under `d`, at any depth.
pub fn files_named(d: &Path, name: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_named(&p, name));
        } else if p.file_name().is_some_and(|f| f == name) {
            out.push(p);
        }
    }
    out
}

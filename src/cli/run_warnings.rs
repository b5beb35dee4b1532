//! What `run` tells the user on stderr besides errors: a missed `--precision` target, a
//! scenario that writes outside its folder, and the error for non-finite outputs. The
//! warnings on a run's diagnostics are [`super::run_diagnostics`], shared by every command
//! that simulates.

use crate::engine::run::RunResult;
use crate::scenario::Scenario;
use crate::suggest::ShowPath;
use std::path::PathBuf;

/// The warning line for a `--precision` run that stopped at `--max-paths` before reaching
/// its target (docs/reliability.md): never silent, whatever the exit code.
/// With `strict`, the line does not suggest the flag the user already passed.
pub(super) fn missed_precision(sc: &Scenario, r: &RunResult, strict: bool) -> Option<String> {
    let p = r
        .precision
        .as_ref()
        .filter(|p| p.stopped != "precision_reached")?;
    Some(format!(
        "{}: --precision {} not reached: the worst relative standard error is {:.3e} \
         ({} in {}) after {} path{}, the --max-paths cap {}; the result was written \
         (`precision` in manifest.json); raise --max-paths{}",
        sc.name,
        target_text(p.target),
        p.worst_relative_se,
        p.worst_variable,
        crate::policy::calendar::iso_month(sc.start + p.worst_month as i32),
        r.paths,
        if r.paths == 1 { "" } else { "s" },
        p.max_paths,
        if strict {
            ""
        } else {
            ", or pass --strict-precision to make this an error"
        }
    ))
}

/// The line for a `--precision` run that reached its target (stdout, with the summary line):
/// the manifest has it, but a user asking for a precision should not have to look there.
pub(super) fn reached_precision(sc: &Scenario, r: &RunResult) -> Option<String> {
    let p = r
        .precision
        .as_ref()
        .filter(|p| p.stopped == "precision_reached")?;
    Some(format!(
        "{}: --precision {} reached after {} paths: the worst relative standard error is \
         {:.3e} ({} in {})",
        sc.name,
        target_text(p.target),
        r.paths,
        p.worst_relative_se,
        p.worst_variable,
        crate::policy::calendar::iso_month(sc.start + p.worst_month as i32),
    ))
}

fn target_text(t: f64) -> String {
    if (1e-4..1e6).contains(&t) {
        t.to_string()
    } else {
        format!("{t:e}")
    }
}

/// `extends`, `scenario.market` and `brent.imposed` may name files outside the scenario's
/// folder (a shared base elsewhere is legitimate; every file read is recorded in
/// manifest.json, in its `inputs` and through the resolved text's SHA-256), but it is said on
/// stderr so that a stray `../` does not go unnoticed. A scenario inside a `scenarios/` tree
/// may read anywhere in that tree (the shipped replays in `scenarios/history/` read
/// `scenarios/market/default.toml`), and its `brent.imposed` series may also sit in the
/// `data/` folder beside that tree (they read `data/brent_monthly.csv`). Every file the
/// scenario read is looked at (`Scenario::inputs`), so a file the loader reads is never left
/// out of the check (hostile round 9 #1).
pub(super) fn warn_outside_folder(sc: &Scenario) {
    if let Some(line) = outside_folder(sc) {
        errln!("{line}");
    }
}

/// The folders a scenario file may read without the warning: the `scenarios/` tree it sits
/// in (its own folder when it is in none), and the `data/` folder beside that tree (for a
/// `brent.imposed` series).
fn allowed_dirs(file: &std::path::Path) -> Option<(PathBuf, Option<PathBuf>)> {
    let d = file.parent()?;
    let d = if d.as_os_str().is_empty() {
        canon(std::path::Path::new("."))
    } else {
        canon(d)
    };
    let tree = d
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "scenarios"))
        .map(|a| a.to_path_buf());
    // The shipped layout: `data/` beside `scenarios/` holds the series the replays impose.
    let data = tree
        .as_ref()
        .and_then(|t| t.parent())
        .map(|p| p.join("data"));
    Some((tree.unwrap_or(d), data))
}

fn canon(p: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The line of [`warn_outside_folder`], or `None` when every file is inside.
///
/// A parent named by an absolute `extends` path is taken as intended (walkthrough 10 #16: a
/// replay kept outside a read-only checkout warned on every command): it is not warned
/// about, and neither is what it reads inside its own folder tree (the shipped baseline's
/// market file), by the same rule as for the scenario itself.
fn outside_folder(sc: &Scenario) -> Option<String> {
    use crate::scenario::inputs::InputRole;
    let (dir, data) = allowed_dirs(&sc.path)?;
    let mut allowed: Vec<(PathBuf, Option<PathBuf>)> = vec![(dir.clone(), data)];
    allowed.extend(
        sc.inputs
            .iter()
            .filter(|f| f.named_absolute)
            .filter_map(|f| allowed_dirs(&f.path)),
    );
    // One line for the scenario, however many files: a scenario kept in its own folder that
    // extends the shipped baseline reads two (the baseline and its market file).
    let mut keys: Vec<&str> = Vec::new();
    let outside: Vec<String> = sc
        .inputs
        .iter()
        .filter(|f| {
            let c = canon(&f.path);
            !allowed.iter().any(|(dir, data)| {
                let in_data = f.role == InputRole::ImposedBrent
                    && data.as_ref().is_some_and(|d| c.starts_with(d));
                c.starts_with(dir) || in_data
            })
        })
        .map(|f| {
            if !keys.contains(&f.role.key()) {
                keys.push(f.role.key());
            }
            f.path.shown().to_string()
        })
        .collect();
    if outside.is_empty() {
        return None;
    }
    let through = match keys.as_slice() {
        [one] => format!("`{one}`"),
        [rest @ .., last] => format!(
            "{} and `{last}`",
            rest.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        [] => unreachable!("a file is outside"),
    };
    let hint = if keys.contains(&"extends") {
        " (an `extends` written as an absolute path is taken as intended and not warned \
         about, docs/scenarios.md §1.8)"
    } else {
        ""
    };
    Some(format!(
        "warning: {}: reads {}, outside the scenario's folder {} (through {through}); \
         allowed, and recorded in manifest.json (`inputs`): check that this is intended{hint}",
        sc.name,
        outside.join(", "),
        dir.shown()
    ))
}

/// `validate`'s warnings, so that a file run without validating first is not silent about
/// them: an event an inherited one or rule replaces (D50, D135), one that never takes effect,
/// a risk jump past its bound, a tree node never entered (D140), and designation waves that
/// may count the same sellers twice or add up past 1 (D44). Notes stay with `validate`.
pub(super) fn warn_findings(sc: &Scenario) {
    for w in crate::scenario::overrides(sc)
        .into_iter()
        .filter(|w| w.severity == crate::scenario::Severity::Warning)
    {
        errln!("{}: {w}", sc.name);
    }
}

/// What the run window leaves out (D195–D199): what a file dates before the start, and what
/// a lag can carry past the last month of this run (`--months` included). Notes stay with
/// `validate` and `explain`.
pub(super) fn warn_window(sc: &Scenario, months: usize) {
    for w in crate::scenario::window_findings(sc, months)
        .into_iter()
        .filter(|w| w.severity == crate::scenario::Severity::Warning)
    {
        errln!("{}: {w}", sc.name);
    }
}

/// The last line of defence (D131): output values that were NaN or infinite, with the first
/// month and the variables they appear in then. `None` when every value was finite. Valid
/// input never gets here (levers and state are bounded), so `run` and `merge` make it an
/// error (exit 2) after writing the result, which stays for inspection.
pub(super) fn nonfinite_outputs(sc: &Scenario, r: &RunResult) -> Option<String> {
    let total = r.diagnostics.get("nonfinite_values").copied().unwrap_or(0);
    let s = &r.summary;
    let first = (0..s.months).find(|&t| (0..s.vars).any(|v| s.cell(t, v).nonfinite > 0));
    if total == 0 && first.is_none() {
        return None;
    }
    let at = match first {
        Some(t) => {
            let bad: Vec<String> = (0..s.vars)
                .filter(|&v| s.cell(t, v).nonfinite > 0)
                .map(|v| {
                    let name = r.vars.get(v).map_or("?", |x| x.name.as_str());
                    format!("{name} ({} paths)", s.cell(t, v).nonfinite)
                })
                .collect();
            let listed = if bad.len() > 3 {
                format!("{}, and {} more", bad[..3].join(", "), bad.len() - 3)
            } else {
                bad.join(", ")
            };
            format!(
                "; first in {}: {listed}",
                crate::policy::calendar::iso_month(sc.start + t as i32)
            )
        }
        None => String::new(),
    };
    Some(format!(
        "{}: {total} output values were NaN or infinite{at}. They were left out of the bands \
         and the result was written (diagnostics.nonfinite_values in manifest.json), but it \
         cannot be trusted: this is a bug, please report it with the scenario",
        sc.name
    ))
}

/// [`nonfinite_outputs`] for a command that keeps only the diagnostics of each scenario
/// (`compare`): the count, without the month and variables.
pub(super) fn nonfinite_count(
    name: &str,
    diag: &std::collections::BTreeMap<String, u64>,
) -> Option<String> {
    let n = diag.get("nonfinite_values").copied().filter(|n| *n > 0)?;
    Some(format!(
        "{name}: {n} output values were NaN or infinite. They were left out of the bands and \
         the result was written (diagnostics.{name}.nonfinite_values in manifest.json), but it \
         cannot be trusted: this is a bug, please report it with the scenario"
    ))
}

/// Events that a `--months` shorter than the file's horizon cuts off, or that a child file's
/// shorter `months` cuts off from its parents (D171): they were valid where they were written
/// (an event after the leaf file's own horizon is an error) and would silently not run, so a
/// trimmed `compare` could report "no effect" for a policy that never started.
pub(super) fn warn_cut_events(sc: &Scenario, months: usize, from: Option<&Scenario>) {
    if let Some(line) = cut_events(sc, months, from) {
        errln!("{line}");
    }
}

/// The warning of [`warn_cut_events`], or `None` when every event falls inside the horizon.
/// `from`: the scenario whose `months` set the horizon (`compare` without `--months`), or
/// `None` when `--months` did.
pub(super) fn cut_events(sc: &Scenario, months: usize, from: Option<&Scenario>) -> Option<String> {
    let end = sc.start + months as i32;
    let mut cut: Vec<usize> = (0..sc.events.len())
        .filter(|&i| sc.events[i].date.month >= end)
        .collect();
    cut.sort_by_key(|&i| (sc.events[i].date, i));
    let last = cut.iter().map(|&i| sc.events[i].date.month).max()?;
    // A wildcard's expanded events share one origin: name each written event once.
    let mut shown: Vec<String> = Vec::new();
    for &i in &cut {
        let e = &sc.events[i];
        let text = match sc.event_origins.get(i) {
            Some(o) => format!("{} on {} ({})", o.lever_written, e.date, o.at),
            None => format!("an event on {}", e.date),
        };
        if !shown.contains(&text) {
            shown.push(text);
        }
    }
    let n = shown.len();
    let listed = if n > 3 {
        format!("{}, and {} more", shown[..3].join(", "), n - 3)
    } else {
        shown.join(", ")
    };
    let need = last - sc.start + 1;
    let them = if n == 1 { "it" } else { "them" };
    let (cause, fix) = match from {
        Some(f) => (
            format!(
                "the comparison runs {months} months, the shortest horizon of its files \
                 (`months = {}` of {}), so it ends",
                f.months, f.name
            ),
            format!("Pass --months {need} to compare over enough months to include {them}"),
        ),
        // D171: a child file's shorter `months` cuts off events it inherits.
        None if months >= sc.months => (
            format!("the file's `months = {}` ends the run", sc.months),
            format!(
                "They are inherited: raise `months` to {need} in {} to include {them}, or \
                 name {them} in its `remove_events`",
                sc.path.shown()
            ),
        ),
        None => (
            format!("--months {months} ends the run"),
            format!(
                "Raise --months to {need} (or drop it; the file runs {}) to include {them}",
                sc.months
            ),
        ),
    };
    Some(format!(
        "warning: {}: {cause} in {}; {n} event{} dated after it will not run: {listed}. {fix}",
        sc.name,
        crate::policy::calendar::iso_month(end - 1),
        if n == 1 { "" } else { "s" },
    ))
}

/// One error per `--prob '… for N months'` whose streak is longer than the run (hostile round
/// 11 F4): no path can complete it, so every share would be exactly 0, which reads as
/// "probability 0" rather than "not answerable in this run". `set_by` says what set the run's
/// months (`--months 2`, `the file's \`months = 36\``), as the window messages do (D171).
pub(super) fn long_streaks(
    texts: &[String],
    vars: &[crate::engine::vars::Var],
    months: usize,
    set_by: &str,
) -> Vec<String> {
    let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
    texts
        .iter()
        .filter_map(|t| {
            let p = crate::engine::stats::derived::Probe::parse(t, &names).ok()?;
            (p.run as usize > months).then(|| {
                format!(
                    "--prob `{t}`: `for {n} months` is longer than the run's {months} month{s} \
                     ({set_by}): no path can complete the streak, so every share would be 0; \
                     lower N to at most {months}, or raise --months to {n} or more",
                    n = p.run,
                    s = if months == 1 { "" } else { "s" },
                )
            })
        })
        .collect()
}

/// [`long_streaks`] for `run`'s scenarios: once when `--months` (`flag`) sets every run's
/// months, otherwise per scenario, after its path.
pub(super) fn run_long_streaks(
    loaded: &[Scenario],
    texts: &[String],
    months: impl Fn(&Scenario) -> usize,
    flag: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for sc in loaded.iter().take(if flag { 1 } else { loaded.len() }) {
        let (m, vars) = (months(sc), crate::engine::vars::variables(&sc.market));
        if flag {
            out.extend(long_streaks(texts, &vars, m, &format!("--months {m}")));
        } else {
            let set_by = format!("the file's `months = {m}`");
            let shown = sc.path.shown();
            let errs = long_streaks(texts, &vars, m, &set_by);
            out.extend(errs.into_iter().map(|e| format!("{shown}: {e}")));
        }
    }
    out
}

/// [`long_streaks`] for `compare`, whose months are `--months` (`flag`) or the shortest
/// file's.
pub(super) fn compare_long_streaks(
    loaded: &[Scenario],
    texts: &[String],
    months: usize,
    flag: bool,
) -> Vec<String> {
    let Some(first) = loaded.first() else {
        return Vec::new();
    };
    let set_by = match loaded.iter().find(|f| f.months == months) {
        Some(f) if !flag => format!(
            "the shortest horizon of its files, `months = {months}` of {}",
            f.name
        ),
        _ => format!("--months {months}"),
    };
    let vars = crate::engine::vars::variables(&first.market);
    long_streaks(texts, &vars, months, &set_by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run::{run, RunOptions};

    #[test]
    fn nonfinite_outputs_name_the_first_month_and_variables() {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let sc = crate::scenario::load(&p).unwrap();
        let mut o = RunOptions::from_scenario(&sc);
        (o.paths, o.months) = (4, 3);
        let mut r = run(&sc, &o, &|_| {}).unwrap();
        assert_eq!(nonfinite_outputs(&sc, &r), None);
        let vars = r.summary.vars;
        r.summary.cells[vars + 1].nonfinite = 2;
        r.summary.cells[2 * vars].nonfinite = 1;
        r.diagnostics.insert("nonfinite_values".into(), 3);
        let m = nonfinite_outputs(&sc, &r).unwrap();
        let month = crate::policy::calendar::iso_month(sc.start + 1);
        let want = format!(
            "3 output values were NaN or infinite; first in {month}: {} (2 paths)",
            r.vars[1].name
        );
        assert!(m.contains(&want), "{m}");
        let mut d = r.diagnostics.clone();
        assert!(nonfinite_count("b", &d)
            .unwrap()
            .starts_with("b: 3 output values were NaN"));
        d.insert("nonfinite_values".into(), 0);
        assert_eq!(nonfinite_count("b", &d), None);
    }
    /// Walkthrough 10 #16: a parent named by an absolute `extends` path, and what it reads in
    /// its own tree, is not warned about; a relative one outside the folder still is.
    #[test]
    fn an_absolute_extends_is_taken_as_intended() {
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let base = std::fs::canonicalize(base).unwrap();
        let t = tempfile::tempdir().unwrap();
        for d in ["x", "y"] {
            std::fs::create_dir(t.path().join(d)).unwrap();
        }
        let scen = |name: &str, extends: &str| {
            format!("extends = {extends:?}\n\n[scenario]\nname = \"{name}\"\n")
        };
        let abs = t.path().join("x/abs.toml");
        std::fs::write(&abs, scen("abs", base.to_str().unwrap())).unwrap();
        let sc = crate::scenario::load(&abs).unwrap();
        assert_eq!(outside_folder(&sc), None);
        // A relative `extends` to a file outside the folder, which itself extends the
        // baseline by an absolute path: only the relative one is named.
        let mid = t.path().join("y/mid.toml");
        std::fs::write(&mid, scen("mid", base.to_str().unwrap())).unwrap();
        let rel = t.path().join("x/rel.toml");
        std::fs::write(&rel, scen("rel", "../y/mid.toml")).unwrap();
        let sc = crate::scenario::load(&rel).unwrap();
        let w = outside_folder(&sc).expect("the relative parent is outside");
        assert!(w.contains("mid.toml"), "{w}");
        assert!(
            !w.contains("baseline.toml") && !w.contains("default.toml"),
            "{w}"
        );
        assert!(w.contains("absolute path is taken as intended"), "{w}");
    }
}

//! Hostile round 8, finding 5: a child can undo an inherited `[correlations]` pair (by pinning
//! one of its parameters, or by writing it with rho = 0) and an inherited `[brent] imposed`
//! (`imposed = "none"`); the correlation error names the line that pinned the parameter and
//! the file being loaded.

mod common;

use common::{expect, sim, write_extending};
use sanctions_sim::scenario::{load, overrides, Severity};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text).unwrap();
    p
}

/// `cp.toml` correlates eps_d with eps_s (and sigma_chi_calm with sigma_xi).
fn parent(dir: &Path) -> PathBuf {
    write_extending(
        dir,
        "cp",
        "[scenario]\nname = \"cp\"\n[correlations]\npairs = [ [\"eps_d\", \"eps_s\", -0.3], \
         [\"sigma_chi_calm\", \"sigma_xi\", 0.5] ]\n",
    )
}

/// Pinning eps_d in a child used to be refused at the parent's line, with advice to remove the
/// pair from the parent. The pair is dropped instead, with a note at the child's line naming
/// the parent's; the other pair stays.
#[test]
fn a_child_that_pins_a_correlated_parameter_drops_the_pair_with_a_note() {
    let d = tempfile::tempdir().unwrap();
    parent(d.path());
    let cc = write(
        d.path(),
        "cc",
        "extends = \"cp.toml\"\n[scenario]\nname = \"cc\"\n[params]\neps_d = -0.2\n",
    );
    let sc = load(&cc).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.correlations.names, ["sigma_chi_calm", "sigma_xi"]);
    let notes: Vec<_> = overrides(&sc)
        .into_iter()
        .filter(|w| w.key == "params.eps_d")
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    let n = &notes[0];
    assert_eq!(n.severity, Severity::Note);
    assert!(n.at.file.ends_with("cc.toml") && n.at.line == 5, "{}", n.at);
    assert!(
        n.message.contains("`eps_d` ~ `eps_s` = -0.3 written at"),
        "{n}"
    );
    assert!(n.message.contains("cp.toml:5:"), "{n}");
    let err = expect(sim().arg("validate").arg(&cc), 0);
    assert!(err.contains("note[params.eps_d]"), "{err}");
}

/// rho = 0 in a child removes the inherited pair, even when the child also pins one of its
/// parameters (it used to be refused twice); no note then.
#[test]
fn rho_zero_in_a_child_removes_an_inherited_pair() {
    let d = tempfile::tempdir().unwrap();
    parent(d.path());
    let cc2 = write(
        d.path(),
        "cc2",
        "extends = \"cp.toml\"\n[scenario]\nname = \"cc2\"\n[params]\neps_d = -0.2\n\
         [correlations]\npairs = [[\"eps_s\", \"eps_d\", 0]]\n",
    );
    let sc = load(&cc2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.correlations.names, ["sigma_chi_calm", "sigma_xi"]);
    assert!(!overrides(&sc).iter().any(|w| w.key.starts_with("params.")));
    let cc3 = write(
        d.path(),
        "cc3",
        "extends = \"cp.toml\"\n[scenario]\nname = \"cc3\"\n[correlations]\n\
         pairs = [[\"sigma_xi\", \"sigma_chi_calm\", 0.0], [\"eps_s\", \"eps_d\", 0]]\n",
    );
    assert!(load(&cc3).unwrap().correlations.is_empty());
}

/// A file that pins and correlates one parameter is still refused, but the help names the
/// pinning line; loaded through a child, the message names the file being loaded.
#[test]
fn pinning_and_correlating_in_one_file_names_both_lines_and_the_loaded_file() {
    let d = tempfile::tempdir().unwrap();
    parent(d.path());
    write(
        d.path(),
        "both",
        "extends = \"cp.toml\"\n[scenario]\nname = \"both\"\n[params]\neps_d = -0.2\n\
         [correlations]\npairs = [[\"eps_s\", \"eps_d\", 0.2]]\n",
    );
    let leaf = write(
        d.path(),
        "leaf",
        "extends = \"both.toml\"\n[scenario]\nname = \"leaf\"\n",
    );
    let e = load(&leaf).unwrap_err();
    let dg = &e.diagnostics[0];
    assert!(dg.file.ends_with("both.toml"), "{e}");
    assert!(
        dg.message
            .contains("`eps_d` is constant (-0.2) and cannot be correlated (loading"),
        "{e}"
    );
    assert!(dg.message.contains("leaf.toml"), "{e}");
    let help = dg.help.as_deref().unwrap();
    assert!(
        help.contains("both.toml:5:1, in the same file as the pair"),
        "{help}"
    );
}

/// `imposed = "none"` in a child of a replay unsets the inherited series (it used to be read as
/// a file name).
#[test]
fn imposed_none_unsets_an_inherited_brent_series() {
    let d = tempfile::tempdir().unwrap();
    let replay = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history/replay_2024.toml");
    assert!(load(&replay).unwrap().brent_imposed.is_some());
    let free = write(
        d.path(),
        "free",
        &format!(
            "extends = \"{}\"\n[scenario]\nname = \"free\"\n[brent]\nimposed = \"none\"\n",
            replay.to_str().unwrap().replace('\\', "\\\\")
        ),
    );
    let sc = load(&free).unwrap_or_else(|e| panic!("{e}"));
    assert!(sc.brent_imposed.is_none());
}

/// Hostile round 8, finding 6: a child that moves `start` but inherits the baseline's `p0`
/// (written for 2025-08) is warned at its `start`, naming the file and line of `p0`, the start
/// it was written for and the month whose price to set; a child that sets `p0` itself, or
/// writes the same start again, is not.
#[test]
fn an_inherited_p0_written_for_another_start_is_named() {
    use sanctions_sim::scenario::window_findings;
    let d = tempfile::tempdir().unwrap();
    let later = write_extending(
        d.path(),
        "later",
        "[scenario]\nname = \"later\"\nstart = \"2026-01\"\n",
    );
    let sc = load(&later).unwrap();
    let w: Vec<_> = window_findings(&sc, sc.months)
        .into_iter()
        .filter(|w| w.key == "brent.p0")
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    let w = &w[0];
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.at.file.ends_with("later.toml") && w.at.line == 4, "{w}");
    for want in [
        "`[brent] p0` = 71.04 comes from",
        "baseline.toml:68:1, written for a 2025-08 start (set at",
        "but this run starts in 2026-01",
    ] {
        assert!(w.message.contains(want), "{want}\n{w}");
    }
    let help = w.help.as_deref().unwrap();
    assert!(help.contains("EIA average Brent of 2025-12"), "{help}");
    let err = expect(sim().arg("validate").arg(&later), 0);
    assert!(err.contains("warning[brent.p0]"), "{err}");
    for (name, body) in [
        (
            "own",
            "[scenario]\nname = \"own\"\nstart = \"2026-01\"\n[brent]\np0 = 62.0\n",
        ),
        ("same", "[scenario]\nname = \"same\"\nstart = \"2025-08\"\n"),
    ] {
        let sc = load(&write_extending(d.path(), name, body)).unwrap();
        let found = window_findings(&sc, sc.months);
        assert!(
            !found.iter().any(|w| w.key.starts_with("brent.")),
            "{name}: {found:?}"
        );
    }
}

/// A file whose only errors are in the file it extends used to fail in `list` and `validate`
/// without its own name anywhere: over a folder, the reader could not tell which file failed.
/// Every such load error now ends with the loaded file's name; an error in the loaded file
/// itself does not repeat it.
#[test]
fn a_load_error_in_an_extended_file_names_the_file_being_loaded() {
    let d = tempfile::tempdir().unwrap();
    let bad = write_extending(
        d.path(),
        "badparent",
        "[scenario]\nname = \"bp\"\nbogus = 1\n",
    );
    let child = write(
        d.path(),
        "kid",
        "extends = \"badparent.toml\"\n[scenario]\nname = \"kid\"\n",
    );
    let e = load(&child).unwrap_err();
    assert_eq!(e.loading.as_deref(), Some(child.as_path()));
    let shown = e.to_string();
    assert!(shown.contains("badparent.toml:4:1"), "{shown}");
    assert!(
        shown.contains("while loading") && shown.contains("kid.toml"),
        "{shown}"
    );
    assert_eq!(load(&bad).unwrap_err().loading, None);
    for cmd in ["list", "validate"] {
        let err = expect(sim().arg(cmd).arg(&child), 1);
        assert!(
            err.contains("while loading") && err.contains("kid.toml"),
            "{cmd}: {err}"
        );
    }
    let err = expect(sim().arg("list").arg(&child), 1);
    assert!(err.contains("1 scenario file could not be loaded"), "{err}");
}

/// `false` is how a reader tries to switch off an inherited Brent series or a cap; both
/// errors name the string sentinel "none" that does it.
#[test]
fn false_for_a_none_sentinel_is_told_to_write_none() {
    let d = tempfile::tempdir().unwrap();
    let im = write_extending(
        d.path(),
        "imf",
        "[scenario]\nname = \"imf\"\n[brent]\nimposed = false\n",
    );
    let e = load(&im).unwrap_err().to_string();
    assert!(e.contains("imposed = \"none\""), "{e}");
    let cap = write_extending(
        d.path(),
        "capf",
        "[scenario]\nname = \"capf\"\n[[event]]\ndate = \"2025-09-01\"\nlever = \"cap.eu_usd\"\n\
         action = \"set\"\nvalue = false\n",
    );
    let e = load(&cap).unwrap_err().to_string();
    assert!(e.contains("value = \"none\""), "{e}");
}

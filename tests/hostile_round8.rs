//! Hostile round 8, finding 3: `compare` pairs variables by name, and two market files can
//! give one name two meanings or give a name to one side only.

mod common;

use common::{expect, sim, write_extending};
use std::path::{Path, PathBuf};

/// The shipped market file with `from` replaced by `to`, as `<dir>/<name>.toml`.
fn market(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/market/default.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    p
}

/// A baseline child named `name` on the market file `m`.
fn on_market(dir: &Path, name: &str, m: &Path) -> PathBuf {
    let m = m.to_str().unwrap().replace('\\', "\\\\");
    write_extending(
        dir,
        name,
        &format!("[scenario]\nname = \"{name}\"\nmarket = \"{m}\"\n"),
    )
}

fn compare(base: &Path, other: &Path, out: &Path) -> assert_cmd::Command {
    let mut c = sim();
    c.arg("compare")
        .arg(base)
        .arg(other)
        .args(["--paths", "4", "--months", "2", "--threads", "1", "--quiet"])
        .args(["--no-charts", "--no-report", "--out"])
        .arg(out);
    c
}

/// `flow_india_mbd` summing India, Turkey and the rest is not India's flow: differencing it
/// against the shipped one used to give a 20 % "effect" of nothing. It is refused, naming the
/// variable, both meanings, both market files and the fix, and nothing is written.
#[test]
fn a_variable_redefined_by_the_market_file_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let m = market(
        d.path(),
        "m_redef",
        "variable = \"flow_india_mbd\"\nbuyers = [\"IN\"]",
        "variable = \"flow_india_mbd\"\nbuyers = [\"IN\", \"TR\", \"OTH\"]",
    );
    let base = on_market(
        d.path(),
        "base",
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/market/default.toml"),
    );
    let other = on_market(d.path(), "mk_b", &m);
    let out = d.path().join("out");
    let err = expect(&mut compare(&base, &other, &out), 1);
    for want in [
        "variable `flow_india_mbd` is the flows of buyer IN by sea and pipeline, in mb/d",
        "but the flows of buyers IN, OTH, TR by sea and pipeline, in mb/d",
        "default.toml (baseline `base`)",
        "m_redef.toml (`mk_b`)",
        "give the variable another name",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    assert!(!out.exists(), "{err}");
}

/// A renamed output leaves `flow_turkey_mbd` (and its arrivals) on one side only: compare
/// says which it leaves out, and the manifest names each side's market file.
#[test]
fn variables_one_side_lacks_are_named_and_the_market_files_recorded() {
    let d = tempfile::tempdir().unwrap();
    let m = market(
        d.path(),
        "m_renamed",
        "variable = \"flow_turkey_mbd\"",
        "variable = \"flow_turkey2_mbd\"",
    );
    let base = write_extending(d.path(), "base", "[scenario]\nname = \"base\"\n");
    let other = on_market(d.path(), "mk_a", &m);
    let out = d.path().join("out");
    let err = expect(&mut compare(&base, &other, &out), 0);
    for want in [
        "warning: `base` vs `mk_a`: compare.csv leaves out",
        "2 only `base` reports (market file ",
        "flow_turkey_mbd, arrivals_turkey_mbd",
        "2 only `mk_a` reports (market file ",
        "m_renamed.toml): flow_turkey2_mbd, arrivals_turkey2_mbd",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    let folder = out.join("compare_base_vs_mk_a");
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    let paths = m["market_paths"].as_array().expect("market_paths");
    assert_eq!(paths.len(), 2);
    assert!(paths[0].as_str().unwrap().ends_with("default.toml"), "{m}");
    assert!(
        paths[1].as_str().unwrap().ends_with("m_renamed.toml"),
        "{m}"
    );
    // The same market on both sides: nothing left out, no warning.
    let err = expect(&mut compare(&base, &base, &d.path().join("o2")), 0);
    assert!(!err.contains("leaves out"), "{err}");
}

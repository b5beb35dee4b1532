//! The third hostile pass (2026-12-06, docs/reliability.md): a scenario reached through a
//! symbolic link resolves its relative paths where the file really is; a long `extends`
//! chain loads in linear time.

use super::{baseline, sim};
use std::fs;
use std::time::{Duration, Instant};

/// A link to `summit_failure.toml` inherits the shipped `baseline.toml` beside its target,
/// not an unrelated `baseline.toml` beside the link (it used to, silently: Brent at 150).
#[test]
fn a_linked_scenario_resolves_extends_beside_its_target() {
    let d = tempfile::tempdir().unwrap();
    let decoy = fs::read_to_string(baseline())
        .unwrap()
        .replace("p0 = 71.04", "p0 = 150.0");
    assert!(decoy.contains("p0 = 150.0"), "the baseline's p0 line moved");
    fs::write(d.path().join("baseline.toml"), decoy).unwrap();
    let target = baseline().with_file_name("summit_failure.toml");
    let link = d.path().join("link.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = sim(&["explain", link.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("p0 = 71.04"), "{}", r.stdout);
    assert!(!r.stdout.contains("150"), "{}", r.stdout);
    // The same through a link to a folder of scenarios, with `..` in `market`.
    let dirlink = d.path().join("scen");
    std::os::unix::fs::symlink(baseline().parent().unwrap(), &dirlink).unwrap();
    let r = sim(&[
        "validate",
        dirlink.join("summit_failure.toml").to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// A chain of 20,000 files, each extending the one before: the cycle check was a scan of the
/// chain per link (20,000 files took 11 s, 50,000 took 72 s). Generous bound: it guards
/// against the quadratic return, not the timing.
#[test]
fn a_long_extends_chain_loads_in_linear_time() {
    let d = tempfile::tempdir().unwrap();
    let n = 20_000;
    fs::write(
        d.path().join("f0.toml"),
        format!(
            "extends = {:?}\n[scenario]\nname = \"f0\"\n",
            baseline().to_str().unwrap()
        ),
    )
    .unwrap();
    for i in 1..n {
        fs::write(
            d.path().join(format!("f{i}.toml")),
            format!("extends = \"f{}.toml\"\n", i - 1),
        )
        .unwrap();
    }
    let leaf = d.path().join(format!("f{}.toml", n - 1));
    let t = Instant::now();
    let r = sim(&["validate", leaf.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

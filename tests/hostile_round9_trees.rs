//! Hostile round 9 #2: an inherited tree's node action can replace a later file's event; the
//! child is told (validate, explain, run) and can drop the tree (`remove_trees`) or put its
//! own in its place (`[[tree]] replaces`), docs/scenarios.md §1.7 and §5.

mod common;
use common::*;
use sanctions_sim::scenario::{load, overrides, Scenario, Severity};
use std::path::{Path, PathBuf};

/// `body` as `<dir>/<name>.toml`, extending the shipped `parent` scenario.
fn child_of(dir: &Path, parent: &str, name: &str, body: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{parent}.toml"));
    let base = base.to_str().unwrap().replace('\\', "\\\\");
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, format!("extends = \"{base}\"\n{body}")).unwrap();
    p
}

const TARIFF_100: &str = "[scenario]\nname = \"tr1\"\n[[event]]\ndate = \"2026-06-01\"\n\
                          lever = \"tariff.IN.rate\"\nvalue = 1.0\n";

fn tree_warnings(sc: &Scenario) -> Vec<String> {
    overrides(sc)
        .into_iter()
        .filter(|w| w.severity == Severity::Warning && w.message.contains("inherited tree"))
        .map(|w| w.to_string())
        .collect()
}

#[test]
fn an_inherited_tree_action_that_can_replace_a_later_event_is_warned_about() {
    let tmp = tempfile::tempdir().unwrap();
    let p = child_of(tmp.path(), "summit_uncertain", "tr1", TARIFF_100);
    let sc = load(&p).unwrap();
    let w = tree_warnings(&sc);
    assert_eq!(w.len(), 1, "{w:?}");
    let w = &w[0];
    for part in [
        "warning[event[1]]",
        "`tariff.IN.rate` dated 2026-06-01",
        "inherited tree `us_russia`",
        "summit_uncertain.toml:74:1",
        "node `escalation_us`",
        "(probability 0.4)",
        "in any month (a `hazard` exit leads to it)",
        "tr1.toml:4:1",
        "remove_trees = [\"us_russia\"]",
        "replaces = \"us_russia\"",
    ] {
        assert!(w.contains(part), "missing {part:?} in\n{w}");
    }
    // The warning is real: on some paths India's tariff ends at the tree's 25%.
    let last = sc.months - 1;
    let v = values_at(&sc, "india_tariff_in_force_share", last, 42, 300);
    assert!(v.iter().any(|&x| (x - 0.25).abs() < 1e-9), "{v:?}");
}

#[test]
fn validate_explain_and_run_print_the_tree_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let p = child_of(tmp.path(), "summit_uncertain", "tr1", TARIFF_100);
    let err = expect(sim().arg("validate").arg(&p), 0);
    assert!(err.contains("inherited tree `us_russia`"), "{err}");
    let o = sim().arg("explain").arg(&p).output().unwrap();
    let out = text(&o.stdout);
    assert!(out.contains("inherited tree `us_russia`"), "{out}");
    let err = run_small(&p, &tmp.path().join("o"), &[], 0);
    assert!(err.contains("inherited tree `us_russia`"), "{err}");
}

#[test]
fn remove_trees_drops_the_inherited_tree_and_the_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!("remove_trees = [\"us_russia\"]\n{TARIFF_100}");
    let p = child_of(tmp.path(), "summit_uncertain", "rm1", &body);
    let sc = load(&p).unwrap();
    assert!(sc.trees.is_empty());
    assert_eq!(sc.tree_origins.len(), 0);
    assert_eq!(sc.removed_trees.len(), 1);
    let r = &sc.removed_trees[0];
    assert_eq!((r.id.as_str(), r.how), ("us_russia", "removed"));
    assert!(r.was.file.ends_with("summit_uncertain.toml"));
    assert!(r.by.file.ends_with("rm1.toml"));
    assert!(tree_warnings(&sc).is_empty());
    let v = values_at(&sc, "india_tariff_in_force_share", sc.months - 1, 42, 100);
    assert!(v.iter().all(|&x| x == 0.0 || x == 1.0), "{v:?}");
    let out = text(&sim().arg("explain").arg(&p).output().unwrap().stdout);
    assert!(out.contains("removed trees (1)"), "{out}");
    assert!(out.contains("`us_russia`, written at"), "{out}");
}

#[test]
fn a_tree_that_replaces_the_inherited_one_takes_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!(
        "{TARIFF_100}[[tree]]\nid = \"us_russia\"\nreplaces = \"us_russia\"\nstart = \"a\"\n\
         [[tree.node]]\nid = \"a\"\nactions = [{{ lever = \"tariff.TR.rate\", value = 0.1 }}]\n"
    );
    let p = child_of(tmp.path(), "summit_uncertain", "rp1", &body);
    let sc = load(&p).unwrap();
    assert_eq!(sc.trees.len(), 1);
    assert_eq!(sc.trees[0].nodes.len(), 1);
    assert!(sc.tree_origins[0].at.file.ends_with("rp1.toml"));
    assert_eq!(sc.removed_trees[0].how, "replaced");
    assert!(tree_warnings(&sc).is_empty());
}

#[test]
fn the_same_tree_id_without_replaces_is_refused_with_the_remedies() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "[scenario]\nname = \"rm2\"\n[[tree]]\nid = \"us_russia\"\nstart = \"a\"\n\
                [[tree.node]]\nid = \"a\"\n";
    let p = child_of(tmp.path(), "summit_uncertain", "rm2", body);
    let e = load(&p).unwrap_err().to_string();
    assert!(e.contains("tree `us_russia` is defined twice"), "{e}");
    assert!(e.contains("write `replaces = \"us_russia\"`"), "{e}");
    assert!(e.contains("`remove_trees = [\"us_russia\"]`"), "{e}");
}

#[test]
fn remove_trees_names_only_inherited_trees() {
    let tmp = tempfile::tempdir().unwrap();
    let p = child_of(
        tmp.path(),
        "summit_uncertain",
        "typo",
        "remove_trees = [\"us_rusia\"]\n",
    );
    let e = load(&p).unwrap_err().to_string();
    assert!(e.contains("no inherited tree has the id `us_rusia`"), "{e}");
    assert!(e.contains("did you mean `us_russia`?"), "{e}");
    let e = load_body("remove_trees = [\"us_russia\"]\n").unwrap_err();
    assert!(e.contains("this file inherits no trees"), "{e}");
    // Named again in a grandchild: it is already gone, and the error says where.
    let rm = child_of(
        tmp.path(),
        "summit_uncertain",
        "rm",
        "remove_trees = [\"us_russia\"]\n",
    );
    let g = tmp.path().join("g.toml");
    std::fs::write(
        &g,
        "extends = \"rm.toml\"\nremove_trees = [\"us_russia\"]\n",
    )
    .unwrap();
    let e = load(&g).unwrap_err().to_string();
    assert!(e.contains("was already removed by the mention at"), "{e}");
    assert!(
        e.contains(&rm.display().to_string()) || e.contains("rm.toml"),
        "{e}"
    );
    // A tree of the file itself cannot be removed by it.
    let own = load_body(
        "remove_trees = [\"t\"]\n[[tree]]\nid = \"t\"\nstart = \"a\"\n[[tree.node]]\nid = \"a\"\n",
    )
    .unwrap_err();
    assert!(own.contains("no inherited tree has the id `t`"), "{own}");
}

/// A parent whose tree sets India's tariff in node `x`, reached from `s` by `exit`.
fn parent_with(dir: &Path, exit: &str) -> PathBuf {
    let body = format!(
        "[scenario]\nname = \"par\"\n[[tree]]\nid = \"p\"\nstart = \"s\"\n[[tree.node]]\n\
         id = \"s\"\nexits = [{exit}]\n[[tree.node]]\nid = \"x\"\n\
         actions = [{{ lever = \"tariff.IN.rate\", value = 0.25 }}]\n"
    );
    write_extending(dir, "par", &body)
}

fn child_warnings(dir: &Path, exit: &str) -> Vec<String> {
    parent_with(dir, exit);
    let c = dir.join("c.toml");
    std::fs::write(
        &c,
        "extends = \"par.toml\"\n[scenario]\nname = \"c\"\n[[event]]\ndate = \"2026-06-01\"\n\
         lever = \"tariff.IN.rate\"\nvalue = 1.0\n",
    )
    .unwrap();
    tree_warnings(&load(&c).unwrap())
}

#[test]
fn only_nodes_that_can_be_entered_after_the_event_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Entered on a fixed date before the user's event: no warning.
    let at = "{ kind = \"at\", date = \"2025-12-01\", to = \"x\" }";
    assert!(child_warnings(d, at).is_empty());
    // On a fixed date after it: a warning with that date and the remedy of dating it later.
    let w = child_warnings(d, "{ kind = \"at\", date = \"2026-09-15\", to = \"x\" }");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("as late as 2026-09-15"), "{}", w[0]);
    assert!(w[0].contains("or date yours after 2026-09-15"), "{}", w[0]);
    // A lag that can carry the entry past it (the scenario starts 2025-08).
    let w = child_warnings(
        d,
        "{ kind = \"after\", lag = { uniform = [0, 12] }, to = \"x\" }",
    );
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("as late as 2026-08-01"), "{}", w[0]);
    // A lag that cannot: no warning.
    assert!(child_warnings(d, "{ kind = \"after\", lag = 2, to = \"x\" }").is_empty());
    // A hazard of 0 never fires.
    assert!(child_warnings(d, "{ kind = \"hazard\", value = 0, to = \"x\" }").is_empty());
    // A hazard: in any month.
    let w = child_warnings(d, "{ kind = \"hazard\", value = 0.01, to = \"x\" }");
    assert!(w[0].contains("in any month"), "{}", w[0]);
    assert!(!w[0].contains("or date yours after"), "{}", w[0]);
    // A tree in the same file as the event is the file's own choice: no warning.
    let own = load_body(
        "[[event]]\ndate = \"2026-06-01\"\nlever = \"tariff.IN.rate\"\nvalue = 1.0\n[[tree]]\n\
         id = \"p\"\nstart = \"s\"\n[[tree.node]]\nid = \"s\"\n\
         exits = [{ kind = \"hazard\", value = 0.01, to = \"x\" }]\n[[tree.node]]\nid = \"x\"\n\
         actions = [{ lever = \"tariff.IN.rate\", value = 0.25 }]\n",
    )
    .unwrap();
    assert!(tree_warnings(&own).is_empty());
}

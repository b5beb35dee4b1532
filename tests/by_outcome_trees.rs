//! `--by-outcome` with a node id in two trees (hostile round 6, finding 2): a bare name that
//! selects something in more than one tree is refused with the tree-qualified choices, never
//! resolved silently to one tree; the folder of a split on a shared node id names its tree;
//! and a `[k]` without its closing bracket is not read as `.k`.

mod common;

use common::load_body;
use sanctions_sim::engine::run::{resolve_outcome, SplitOn};

/// Tree `t1`'s node `a` has two branching exits, tree `t2`'s node `a` one.
const TWO_TREES: &str = "[scenario]\nname = \"multi\"\nmonths = 6\n\
    [[tree]]\nid = \"t1\"\nstart = \"a\"\n\
    [[tree.node]]\nid = \"a\"\nexits = [\n\
      { kind = \"hazard\", value = 0.2, to = [\"b\", \"c\"], probs = [0.5, \"rest\"] },\n\
      { kind = \"after\", lag = 3, to = [\"c\", \"d\"], probs = [0.3, \"rest\"] },\n]\n\
    [[tree.node]]\nid = \"b\"\n[[tree.node]]\nid = \"c\"\n[[tree.node]]\nid = \"d\"\n\
    [[tree]]\nid = \"t2\"\nstart = \"a\"\n\
    [[tree.node]]\nid = \"a\"\n\
    exits = [{ kind = \"hazard\", value = 0.3, to = [\"b\", \"c\"], probs = [0.5, \"rest\"] }]\n\
    [[tree.node]]\nid = \"b\"\n[[tree.node]]\nid = \"c\"\n";

#[test]
fn a_name_in_two_trees_is_refused_and_folders_name_the_tree() {
    let sc = load_body(TWO_TREES).unwrap();
    let err = |s: &str| match resolve_outcome(&sc, 6, s) {
        Ok(x) => panic!("`{s}` resolved to {x:?}"),
        Err(e) => e.to_string(),
    };
    // Used to pick t2's exit and write folders `a=b`, `a=c` that did not say which tree.
    let e = err("a");
    assert!(
        e.contains("is ambiguous") && e.contains("`t1.a.1`, `t1.a.2`, `t2.a`"),
        "{e}"
    );
    // `b` is a target of a branching exit in both trees.
    let e = err("b");
    assert!(e.contains("is ambiguous") && e.contains("`t2.a`"), "{e}");
    // Within t1, the choices carry the tree, as the folders do.
    let e = err("t1.a");
    assert!(e.contains("name one of `t1.a.1`, `t1.a.2`"), "{e}");
    // `[1` without `]` used to be read as `.1`.
    let e = err("t1.a[1");
    assert!(
        e.contains("no branching exit and no node of that name"),
        "{e}"
    );
    assert!(e.contains("`t1.a.1`, `t1.a.2`, `t2.a`"), "{e}");
    let ok = |s: &str| resolve_outcome(&sc, 6, s).unwrap_or_else(|e| panic!("{s}: {e}"));
    let t2 = ok("t2.a");
    assert_eq!((t2.tree, t2.key.as_str()), (1, "t2.a"));
    assert_eq!(t2.on, SplitOn::Exit(0));
    let t1 = ok("t1.a[2]");
    assert_eq!((t1.tree, t1.key.as_str()), (0, "t1.a.2"));
    assert_eq!(t1.on, SplitOn::Exit(1));
    // A folder's key given back as a selector picks the same split.
    for key in ["t2.a", "t1.a.2"] {
        assert_eq!(ok(key).key, key);
    }
}

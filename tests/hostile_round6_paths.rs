//! Hostile round 6, finding 12 (a leftover): a missing file one typo away from a file beside
//! it is named in the error (`scenario::near_path`).

mod common;

use common::{expect, sim};
use std::fs;

/// Finding 12 (a leftover): an `extends` one typo away from a file beside it names that file.
#[test]
fn an_extends_typo_names_the_file_meant() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("parent.toml"), "[scenario]\nname = \"p\"\n").unwrap();
    let child = d.path().join("child.toml");
    fs::write(
        &child,
        "extends = \"parnet.toml\"\n[scenario]\nname = \"c\"\n",
    )
    .unwrap();
    let err = expect(sim().arg("validate").arg(&child), 1);
    assert!(err.contains("parnet.toml` does not exist"), "{err}");
    assert!(err.contains("did you mean `"), "{err}");
    assert!(err.contains("parent.toml`?"), "{err}");
}

//! Hostile round 8, finding 4: results inside results. An output directory that is, or lies
//! inside, a result folder is refused (a later `--force` of that result would delete what was
//! written there); `--force` refuses to replace a result folder that holds entries its
//! manifest does not list, and names them.

mod common;

use common::{expect, run_small as run, sim, write_extending};
use std::fs;

#[test]
fn an_output_directory_inside_a_result_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = write_extending(tmp.path(), "tmin", "[scenario]\nname = \"tmin\"\n");
    let out = tmp.path().join("on2");
    run(&sc, &out, &[], 0);
    let result = out.join("tmin");
    for inside in [
        result.clone(),
        result.join("sub"),
        result.join("charts/deeper"),
    ] {
        let err = run(&sc, &inside, &[], 1);
        assert!(
            err.contains("is inside the result folder") && err.contains("tmin"),
            "{err}"
        );
        assert!(!result.join("tmin").exists() && !result.join("sub").exists());
    }
    // compare too, through the same preparation.
    let err = expect(
        sim()
            .args(["compare"])
            .arg(&sc)
            .arg(&sc)
            .args(["--paths", "4", "--months", "2", "--quiet", "--no-charts"])
            .args(["--no-report", "--out"])
            .arg(&result),
        1,
    );
    assert!(err.contains("is inside the result folder"), "{err}");
    // Beside it is fine.
    run(&sc, &tmp.path().join("elsewhere"), &[], 0);
}

#[test]
fn force_refuses_to_delete_what_a_result_does_not_list() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = write_extending(tmp.path(), "tmin", "[scenario]\nname = \"tmin\"\n");
    let out = tmp.path().join("of");
    run(&sc, &out, &[], 0);
    let result = out.join("tmin");
    fs::write(result.join("my_notes.txt"), "x").unwrap();
    fs::create_dir(result.join("extra")).unwrap();
    let err = run(&sc, &out, &["--force"], 1);
    assert!(
        err.contains("holds extra, my_notes.txt that are not part of its result")
            && err.contains("move them out"),
        "{err}"
    );
    assert!(result.join("my_notes.txt").is_file() && result.join("extra").is_dir());
    // Moved out, the replacement goes ahead.
    fs::remove_file(result.join("my_notes.txt")).unwrap();
    fs::remove_dir(result.join("extra")).unwrap();
    run(&sc, &out, &["--force"], 0);
}

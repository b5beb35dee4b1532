//! Tests of [`super`]: staging, atomic writes, commit and replacement, single files.

use super::*;

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap()
}

fn entries(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn atomic_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("output"); // created on demand
    let st = prepare(&root, "baseline", false).unwrap();
    assert_eq!(st.final_dir(), root.join("baseline"));
    st.write("summary.csv", b"a,b\n").unwrap();
    st.write("summary.csv", b"a,b\n1,2\n").unwrap(); // rewrite replaces
    st.write("manifest.json", b"{}\n").unwrap();
    // Nothing visible before commit, only the hidden partial folder.
    let partial = format!(
        ".baseline.partial-{}",
        super::super::lock::Owner::me().tag()
    );
    assert_eq!(entries(&root), [partial]);
    assert_eq!(entries(st.staging_dir()), ["manifest.json", "summary.csv"]);
    let dir = st.commit().unwrap();
    assert_eq!(dir, root.join("baseline"));
    assert_eq!(entries(&root), ["baseline"]);
    assert_eq!(read(&dir.join("summary.csv")), "a,b\n1,2\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.join("summary.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }
}

#[test]
fn refuses_existing_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("output");
    fs::create_dir_all(root.join("baseline")).unwrap();
    let err = prepare(&root, "baseline", false).unwrap_err();
    assert!(matches!(err, OutputError::AlreadyExists(_)));
    let msg = err.to_string();
    assert!(
        msg.ends_with("baseline already exists; pass --force to replace it"),
        "{msg}"
    );
    assert_eq!(entries(&root), ["baseline"]);
}

#[test]
fn force_replaces_only_at_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let first = prepare(root, "run1", false).unwrap();
    first.write("a.csv", b"old\n").unwrap();
    first.write("manifest.json", b"{}\n").unwrap();
    first.commit().unwrap();

    let second = prepare(root, "run1", true).unwrap();
    second.write("a.csv", b"new\n").unwrap();
    second.write("manifest.json", b"{}\n").unwrap();
    assert_eq!(
        read(&root.join("run1/a.csv")),
        "old\n",
        "old result intact until commit"
    );
    second.commit().unwrap();
    assert_eq!(read(&root.join("run1/a.csv")), "new\n");
    assert_eq!(entries(root), ["run1"], "old copy and staging removed");
    let kept = ["a.csv", "manifest.json"];
    assert_eq!(
        entries(&root.join("run1")),
        kept,
        "the commit mark is removed"
    );

    // A forced run that fails (dropped) leaves the previous result untouched.
    let third = prepare(root, "run1", true).unwrap();
    third.write("a.csv", b"broken\n").unwrap();
    drop(third);
    assert_eq!(read(&root.join("run1/a.csv")), "new\n");
    assert_eq!(entries(root), ["run1"]);
}

#[test]
fn commit_refuses_if_created_meanwhile() {
    let tmp = tempfile::tempdir().unwrap();
    let st = prepare(tmp.path(), "x", false).unwrap();
    fs::create_dir(tmp.path().join("x")).unwrap();
    assert!(matches!(st.commit(), Err(OutputError::AlreadyExists(_))));
    assert_eq!(entries(tmp.path()), ["x"], "staging cleaned by drop");
}

#[test]
fn drop_cleans_staging() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let st = prepare(tmp.path(), "b", false).unwrap();
        st.write("f.csv", b"x").unwrap();
        assert!(st.staging_dir().is_dir());
    }
    assert!(entries(tmp.path()).is_empty());
}

#[test]
fn bad_names_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in [
        "", "..", ".", "a/b", "../x", "a b", "x.y", ".hidden", "a\\b", "é", "/abs",
    ] {
        let err = prepare(tmp.path(), bad, true).unwrap_err();
        assert!(matches!(err, OutputError::BadName(_)), "{bad:?}");
        assert!(err.to_string().contains("letters, digits"));
    }
    assert!(entries(tmp.path()).is_empty());
    let st = prepare(tmp.path(), "Ok_name-2", false).unwrap();
    for bad in ["", ".", "..", "../x", "a/b", ".hidden", "a b"] {
        assert!(
            matches!(st.write(bad, b""), Err(OutputError::BadFileName(_))),
            "{bad:?}"
        );
    }
    for bad in [
        "", ".", "..", "../x", "a/../b", "a//b", "/abs", ".h/x", "a b", "a\\b",
    ] {
        assert!(
            matches!(st.write_in(bad, "f", b""), Err(OutputError::BadFileName(_))),
            "{bad:?}"
        );
    }
    assert!(matches!(
        st.write_in("ok", "../f", b""),
        Err(OutputError::BadFileName(_))
    ));
}

#[test]
fn write_in_sub_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let st = prepare(tmp.path(), "r", false).unwrap();
    st.write_in("by_outcome/n=a", "summary.csv", b"x\n")
        .unwrap();
    st.write_in("by_outcome/n=b", "summary.csv", b"y\n")
        .unwrap();
    let dir = st.commit().unwrap();
    assert_eq!(read(&dir.join("by_outcome/n=a/summary.csv")), "x\n");
    assert_eq!(read(&dir.join("by_outcome/n=b/summary.csv")), "y\n");
}

#[test]
fn root_that_is_a_file_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("file");
    fs::write(&f, b"").unwrap();
    assert!(matches!(
        prepare(&f, "a", false),
        Err(OutputError::NotADirectory(_))
    ));
    // A root that cannot be created (parent is a file) is reported as not writable.
    let err = prepare(&f.join("sub"), "a", false).unwrap_err();
    assert!(matches!(err, OutputError::NotWritable { .. }), "{err}");
    assert!(err.to_string().contains("choose another output directory"));
}

#[test]
fn force_replaces_results_only() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::write(root.join("file"), b"precious\n").unwrap();
    fs::create_dir(root.join("notes")).unwrap();
    fs::write(root.join("notes/todo.txt"), b"precious\n").unwrap();
    for name in ["file", "notes"] {
        let err = prepare(root, name, true).unwrap_err();
        assert!(matches!(err, OutputError::NotAResult(_)), "{name}: {err}");
    }
    assert_eq!(read(&root.join("notes/todo.txt")), "precious\n");
    // Nothing, or an empty folder, is replaced.
    fs::create_dir(root.join("empty")).unwrap();
    prepare(root, "empty", true).unwrap().commit().unwrap();
    prepare(root, "fresh", true).unwrap().commit().unwrap();
}

/// A temporary file's error is the system's, without the `at path "…"` the `tempfile` crate
/// adds (hostile round 13 F4); its kind, which picks the advice, is kept.
#[test]
fn a_temporary_files_error_is_shown_without_its_debug_path() {
    let tmp = tempfile::tempdir().unwrap();
    let e = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(tmp.path().join("missing"))
        .unwrap_err();
    assert!(e.to_string().contains(" at path \""), "{e}");
    let plain = error::os_error(e);
    assert_eq!(plain.kind(), io::ErrorKind::NotFound);
    assert!(!plain.to_string().contains("at path"), "{plain}");
    assert!(plain.to_string().contains("(os error 2)"), "{plain}");
    // A plain system error passes unchanged.
    let raw = io::Error::from_raw_os_error(28);
    assert_eq!(error::os_error(raw).raw_os_error(), Some(28));
}

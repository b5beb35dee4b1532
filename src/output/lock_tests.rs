//! Tests of `lock.rs`: the output folder's lock and the sweep of a killed run's leftovers.

use super::*;

#[test]
fn debris_names() {
    let legacy = Owner::legacy;
    assert_eq!(
        debris(".baseline.partial-123"),
        Some(("baseline", "partial", legacy(123)))
    );
    assert_eq!(debris(".a-b.old-7"), Some(("a-b", "old", legacy(7))));
    assert_eq!(debris(".a.aside-7"), Some(("a", "aside", legacy(7))));
    assert_eq!(debris(".a.trash-7"), Some(("a", "trash", legacy(7))));
    assert_eq!(
        debris(".x.shard-1-of-2.partial-9"),
        Some(("x.shard-1-of-2", "partial", legacy(9)))
    );
    let owner = Owner::with_id(7, 12345, "0a1b2c3d");
    assert_eq!(
        debris(&format!(".a_b-c.aside-{}", owner.tag())),
        Some(("a_b-c", "aside", owner.clone()))
    );
    assert_eq!(Owner::parse(&owner.tag()), Some(owner));
    assert_eq!(Owner::parse(&Owner::me().tag()).as_ref(), Some(Owner::me()));
    for no in [
        "baseline",
        ".x.partial-",
        ".x.partial-a",
        ".partial-3",
        ".x.new-3",
        "..old-1",
        "..aside-1",
        ".x.aside-7_1",
        ".x.aside-7_1_0A1B2C3D",
        ".x.aside-7_x_0a1b2c3d",
        ".x.aside-7_1_0a1b2c3",
        ".x.aside-7_1_0a1b2c3d_1",
        ".x.aside-_1_0a1b2c3d",
    ] {
        assert_eq!(debris(no), None, "{no}");
    }
}

fn entries(root: &Path) -> Vec<String> {
    let mut left: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    left
}

/// A result folder at `dir` whose `summary.csv` says `tag`, listed in its manifest with
/// a chart; with `half_deleted`, `summary.csv` is gone as a killed deletion leaves it.
fn result(dir: &Path, tag: &str, half_deleted: bool) {
    fs::create_dir_all(dir.join("charts")).unwrap();
    fs::write(dir.join("charts/brent.svg"), "<svg/>").unwrap();
    fs::write(
        dir.join("manifest.json"),
        r#"{"files": ["summary.csv", "charts/brent.svg", "manifest.json"]}"#,
    )
    .unwrap();
    if !half_deleted {
        fs::write(dir.join("summary.csv"), tag).unwrap();
    }
}

// A pid that cannot exist (above the kernel's pid_max of 2^22).
const DEAD: u32 = 4_194_999;

/// A dead owner as this version names it.
fn dead() -> Owner {
    Owner::with_id(DEAD, 77, "0a1b2c3d")
}

/// Every state a `--force` commit killed between its steps leaves (the table of the
/// module docs), built by hand: the sweep finishes each without ever showing a
/// partly deleted folder as a result.
#[cfg(unix)]
#[test]
fn sweep_finishes_a_replacement_killed_at_any_step() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let at = |name: &str, kind: &str| hidden(root, name, kind, &dead());
    let marked = |name: &str| fs::write(root.join(name).join(commit_mark(&dead())), "").unwrap();
    // Step 0: staging being written, the old result in place.
    result(&root.join("s0"), "old", false);
    result(&at("s0", PARTIAL), "new", true);
    // After step 1: the old result aside, its place empty.
    result(&at("s1", ASIDE), "old", false);
    result(&at("s1", PARTIAL), "new", false);
    // After step 2: the new result in place, the old one aside.
    result(&root.join("s2"), "new", false);
    marked("s2");
    result(&at("s2", ASIDE), "old", false);
    // After step 3 / during step 4: the old one in the trash, whole or partly deleted (killed
    // before the mark was removed, in s3).
    result(&root.join("s3"), "new", false);
    marked("s3");
    result(&at("s3", TRASH), "old", false);
    result(&root.join("s4"), "new", false);
    result(&at("s4", TRASH), "old", true);
    // During step 4, and the new result since moved away by the user: trash is never
    // put back (the reported bug: it came back holding manifest.json and charts only).
    result(&at("s5", TRASH), "old", true);
    // Both an aside and a trash of one dead process (pid reuse): the aside wins.
    result(&at("s6", ASIDE), "old", false);
    result(&at("s6", TRASH), "older", true);
    // This process's own folders are not debris.
    let mine = hidden(root, "d", ASIDE, Owner::me());
    fs::create_dir(&mine).unwrap();
    let mine = mine.file_name().unwrap().to_str().unwrap().to_string();

    sweep(root);

    assert_eq!(
        entries(root),
        [mine.as_str(), "s0", "s1", "s2", "s3", "s4", "s6"]
    );
    // No mark is left in a finished replacement.
    assert_eq!(entries(&root.join("s2")), entries(&root.join("s0")));
    assert_eq!(entries(&root.join("s3")), entries(&root.join("s0")));
    for (name, tag) in [("s0", "old"), ("s1", "old"), ("s2", "new"), ("s3", "new")] {
        let got = fs::read_to_string(root.join(name).join("summary.csv")).unwrap();
        assert_eq!(got, tag, "{name}");
        assert_eq!(complete_by_manifest(&root.join(name)), Some(true), "{name}");
    }
    assert_eq!(
        fs::read_to_string(root.join("s6/summary.csv")).unwrap(),
        "old"
    );
}

/// Folders of versions before the `.aside`/`.trash` scheme: `.old` was deleted in place,
/// so it is restored only when its manifest shows it complete.
#[cfg(unix)]
#[test]
fn sweep_restores_a_legacy_old_folder_only_when_provably_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let old = |name: &str| hidden(root, name, LEGACY_OLD, &Owner::legacy(DEAD));
    result(&old("complete"), "old", false);
    result(&old("half"), "old", true);
    fs::create_dir(old("bare")).unwrap();
    fs::write(old("bare").join("partial.bin"), "x").unwrap();
    fs::create_dir(old("empty")).unwrap();
    result(&root.join("taken"), "new", false);
    result(&old("taken"), "old", false);
    // A manifest naming a file outside the folder proves nothing.
    result(&old("escape"), "old", false);
    fs::write(
        old("escape").join("manifest.json"),
        r#"{"files": ["../taken/summary.csv"]}"#,
    )
    .unwrap();

    sweep(root);

    let bare = format!(".bare.old-{DEAD}");
    let escape = format!(".escape.old-{DEAD}");
    assert_eq!(
        entries(root),
        [bare.as_str(), escape.as_str(), "complete", "taken"]
    );
    assert_eq!(
        fs::read_to_string(root.join("complete/summary.csv")).unwrap(),
        "old"
    );
    assert_eq!(
        fs::read_to_string(root.join("taken/summary.csv")).unwrap(),
        "new"
    );
}

#[cfg(unix)]
#[test]
fn discard_goes_through_the_trash_name() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let aside = hidden(root, "a", ASIDE, &dead());
    let trash = hidden(root, "a", TRASH, &dead());
    result(&aside, "old", false);
    result(&trash, "stale", true);
    discard(&aside, &trash, None).unwrap();
    assert!(entries(root).is_empty());
    // A failed rename leaves the aside folder whole.
    result(&aside, "old", false);
    let blocked = root.join("no-such-dir").join("trash");
    assert!(discard(&aside, &blocked, None).is_err());
    assert_eq!(complete_by_manifest(&aside), Some(true));
}

#[test]
fn one_lock_per_folder_per_process() {
    let tmp = tempfile::tempdir().unwrap();
    let a = lock(tmp.path());
    let b = lock(tmp.path());
    assert!(held_here(tmp.path()));
    drop(a);
    assert!(held_here(tmp.path()));
    drop(b);
    assert!(!held_here(tmp.path()));
}

/// A child that has exited but is not reaped is a zombie: `kill(pid, 0)` still succeeds, yet
/// it writes nothing any more, so its folders are debris (D149).
#[cfg(target_os = "linux")]
#[test]
fn a_zombie_counts_as_gone() {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    let t = std::time::Instant::now();
    while !owner::zombie(pid) && t.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let gone = |pid| Owner::legacy(pid).gone();
    assert!(gone(pid), "an exited, unreaped child counts as running");
    child.wait().unwrap();
    assert!(gone(pid));
    assert!(!gone(std::process::id()));
}

/// A live process that has the id of a folder's owner but another start time, or any
/// process after a reboot, is not that owner (hostile round 7 finding 4).
#[cfg(target_os = "linux")]
#[test]
fn an_owner_is_its_id_start_time_and_boot() {
    let me = Owner::me();
    assert!(!me.gone());
    assert_ne!(
        me.tag(),
        me.pid.to_string(),
        "no start time or boot id read"
    );
    let (start, boot) = {
        let tag = me.tag();
        let mut p = tag.split('_').skip(1);
        let start: u64 = p.next().unwrap().parse().unwrap();
        (start, p.next().unwrap().to_string())
    };
    assert!(Owner::with_id(me.pid, start + 1, &boot).gone());
    let other_boot = if boot == "00000000" {
        "00000001"
    } else {
        "00000000"
    };
    assert!(Owner::with_id(me.pid, start, other_boot).gone());
    // Process 1 is always alive: only by its id does it look like an owner.
    assert!(!Owner::legacy(1).gone());
    assert!(Owner::with_id(1, u64::MAX, &boot).gone());
}

/// The reported sequence: a run killed after moving its result aside, whose id was then taken
/// by a live process. A run without `--force` writes a new result in the free place, and
/// once that process ends, the moved-aside result is still not deleted: nothing proves the
/// new one to be its replacement.
#[cfg(target_os = "linux")]
#[test]
fn an_aside_is_kept_unless_its_replacement_is_proven() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for owner in [Owner::legacy(1), Owner::with_id(1, u64::MAX, "0a1b2c3d")] {
        let aside = hidden(root, "t", ASIDE, &owner);
        result(&aside, "old", false);
        sweep(root);
        if owner.tag() == "1" {
            // Judged by its id alone: alive, so kept hidden (with a warning).
            assert!(aside.is_dir());
            result(&root.join("t"), "new", false); // the run without --force
            let dead = hidden(root, "t", ASIDE, &Owner::legacy(DEAD));
            fs::rename(&aside, &dead).unwrap(); // the process with that id ended
            sweep(root);
            assert!(dead.is_dir(), "the earlier result was deleted");
            fs::remove_dir_all(&dead).unwrap();
        } else {
            // Another start time: not the owner, so the result is restored at once.
            assert!(!aside.exists());
            assert_eq!(
                fs::read_to_string(root.join("t/summary.csv")).unwrap(),
                "old"
            );
            // A result written beside an aside of a dead owner, without its mark: kept.
            result(&aside, "older", false);
            sweep(root);
            assert!(aside.is_dir(), "the earlier result was deleted");
            fs::remove_dir_all(&aside).unwrap();
        }
        let _ = fs::remove_dir_all(root.join("t"));
    }
}

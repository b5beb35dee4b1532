//! The output folder a command writes into, resolved once (hostile round 13 F1).
//!
//! Every step of a result's commit (`files.rs`) names paths under the output folder. Written
//! as `o/mini/..`, that folder is reached *through* `o/mini`, the result that `--force`
//! moves aside in its first step: from then on `o/mini/..` names nothing, so the new result
//! could not move in, the old one could not move back, and the advice named a path that
//! could not be used. And `o/new/../x` created the folder `o/new` on the way and left it.
//! A link whose target climbs (`alias -> mini/..`) did the same. So a path that climbs is
//! resolved once, on the real folders, before anything is written.

use std::fs;
use std::path::{Component, Path, PathBuf};

/// The folder `out_root` names, resolved on the real folders when its resolution climbs out
/// of a folder with `..`, in its text or in the target of a link on the way (`o/alias` with
/// `alias -> mini/..`): then every link and `..` is resolved as the system resolves them on
/// what exists, and a missing folder followed by `..` is dropped (nothing is created for it).
/// Any other path is returned as written, since messages show it: a link that does not climb
/// names the same folder whatever the run renames beside it.
pub fn resolve_out_root(out_root: &Path) -> PathBuf {
    if !climbs(out_root) {
        return out_root.to_path_buf();
    }
    let mut at = PathBuf::new();
    for c in out_root.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                match fs::canonicalize(or_here(&at)) {
                    // The root's parent is the root: `pop` leaves it.
                    Ok(real) => {
                        at = real;
                        at.pop();
                    }
                    // Missing (or unreadable): it has no link to follow; `a/b/..` is `a`.
                    Err(_) => match at.components().next_back() {
                        Some(Component::Normal(_)) => {
                            at.pop();
                        }
                        Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                        _ => at.push(".."),
                    },
                }
            }
            other => at.push(other),
        }
    }
    // A link left on the way (one whose target climbs): the deepest folder that exists,
    // resolved, and the missing rest below it.
    let mut existing = at.clone();
    let mut missing = Vec::new();
    loop {
        if let Ok(mut real) = fs::canonicalize(or_here(&existing)) {
            real.extend(missing.iter().rev());
            return real;
        }
        match existing.file_name() {
            Some(n) => {
                missing.push(n.to_os_string());
                existing.pop();
            }
            None => return or_here(&at).to_path_buf(),
        }
    }
}

/// `p`, or `.` for the empty path.
fn or_here(p: &Path) -> &Path {
    if p.as_os_str().is_empty() {
        Path::new(".")
    } else {
        p
    }
}

/// Whether resolving `path` takes a `..` step: in its text, or in the target of a link met on
/// the way (followed as the system follows them, at most 40 links).
fn climbs(path: &Path) -> bool {
    let up = |p: &Path| p.components().any(|c| c == Component::ParentDir);
    if up(path) {
        return true;
    }
    // The components still to walk, the next one last.
    let mut pending: Vec<PathBuf> = path
        .components()
        .rev()
        .map(|c| PathBuf::from(c.as_os_str()))
        .collect();
    let mut cur = PathBuf::new();
    let mut links = 0;
    while let Some(c) = pending.pop() {
        match c.components().next() {
            Some(Component::ParentDir) => return true,
            Some(Component::Normal(n)) => {
                let next = cur.join(n);
                match fs::symlink_metadata(&next) {
                    Ok(m) if m.file_type().is_symlink() => {
                        links += 1;
                        let Ok(target) = fs::read_link(&next) else {
                            return false;
                        };
                        if links > 40 {
                            return false;
                        }
                        // An absolute target starts again from the root (its first
                        // component); a relative one from the link's folder, `cur`.
                        pending.extend(
                            target
                                .components()
                                .rev()
                                .map(|t| PathBuf::from(t.as_os_str())),
                        );
                    }
                    Ok(_) => cur = next,
                    // Nothing below a missing folder is a link.
                    Err(_) => return pending.iter().any(|p| up(p)),
                }
            }
            Some(Component::RootDir) | Some(Component::Prefix(_)) => cur = c,
            Some(Component::CurDir) | None => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::resolve_out_root;
    use std::path::Path;

    #[test]
    fn a_path_that_does_not_climb_is_kept_as_written() {
        for p in ["out", "./out", "a/b/c", "/tmp/x", "o/./k"] {
            assert_eq!(resolve_out_root(Path::new(p)), Path::new(p));
        }
    }

    #[test]
    fn dot_dot_is_taken_on_the_real_folders() {
        let d = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(d.path()).unwrap();
        std::fs::create_dir_all(real.join("o/mini")).unwrap();
        let got = resolve_out_root(&real.join("o/mini/.."));
        assert_eq!(got, real.join("o"));
        // A missing folder is dropped, not created.
        let got = resolve_out_root(&real.join("o/new/../x"));
        assert_eq!(got, real.join("o/x"));
        assert!(!real.join("o/new").exists());
        // Through a link, `..` is the parent of its target.
        #[cfg(unix)]
        {
            std::fs::create_dir_all(real.join("far/deep")).unwrap();
            std::os::unix::fs::symlink(real.join("far/deep"), real.join("o/ln")).unwrap();
            let got = resolve_out_root(&real.join("o/ln/../y"));
            assert_eq!(got, real.join("far/y"));
        }
    }

    /// A link whose target climbs (`alias -> o/mini/..`) is resolved too; one that does not
    /// is kept as written.
    #[cfg(unix)]
    #[test]
    fn a_link_that_climbs_is_resolved_and_others_are_kept() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(d.path()).unwrap();
        std::fs::create_dir_all(real.join("o/mini")).unwrap();
        symlink("o/mini/..", real.join("alias")).unwrap();
        assert_eq!(resolve_out_root(&real.join("alias")), real.join("o"));
        assert_eq!(
            resolve_out_root(&real.join("alias/new")),
            real.join("o/new")
        );
        symlink(real.join("o"), real.join("plain")).unwrap();
        assert_eq!(resolve_out_root(&real.join("plain")), real.join("plain"));
        // A link to a link that climbs.
        symlink("alias", real.join("twice")).unwrap();
        assert_eq!(resolve_out_root(&real.join("twice")), real.join("o"));
        // A dangling link stays as it is (`prepare` names it).
        symlink("nowhere/..", real.join("dangling")).unwrap();
        assert_eq!(
            resolve_out_root(&real.join("dangling")),
            real.join("dangling")
        );
    }
}

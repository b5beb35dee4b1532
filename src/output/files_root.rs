//! The output folder a command writes into, resolved once (hostile round 13 F1).
//!
//! Every step of a result's commit (`files.rs`) names paths under the output folder. Written
//! as `o/mini/..`, that folder is reached *through* `o/mini`, the result that `--force`
//! moves aside in its first step: from then on `o/mini/..` names nothing, so the new result
//! could not move in, the old one could not move back, and the advice named a path that
//! could not be used. And `o/new/../x` created the folder `o/new` on the way and left it.
//! So a `..` is taken once, on the real folders, before anything is written.

use std::fs;
use std::path::{Component, Path, PathBuf};

/// The folder `out_root` names, with every `..` resolved as the system resolves it (on what
/// exists: the parent of a link's target, the real folder's parent) and a missing folder
/// followed by `..` dropped (nothing is created for it). A path without `..` is returned
/// unchanged, as written, since messages show it.
pub fn resolve_out_root(out_root: &Path) -> PathBuf {
    if !out_root.components().any(|c| c == Component::ParentDir) {
        return out_root.to_path_buf();
    }
    let mut at = PathBuf::new();
    for c in out_root.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let base = if at.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    at.as_path()
                };
                match fs::canonicalize(base) {
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
    if at.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        at
    }
}

#[cfg(test)]
mod tests {
    use super::resolve_out_root;
    use std::path::Path;

    #[test]
    fn a_path_without_dot_dot_is_kept_as_written() {
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
            assert_eq!(
                resolve_out_root(&real.join("o/ln/../y")),
                real.join("far/y")
            );
        }
    }
}

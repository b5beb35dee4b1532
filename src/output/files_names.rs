//! Which names the output layer writes under (split from `files.rs`): result folders, shard
//! folders, files and sub-folders, each one path component or a plain relative path that
//! cannot leave the output root.

/// `[A-Za-z0-9_-]+`: a name that is one path component and cannot escape the output root.
pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A shard's partial-result folder name, `<valid name>.shard-<K>-of-<N>` (decimal K, N).
pub(super) fn valid_shard_name(name: &str) -> bool {
    let Some((base, rest)) = name.split_once(".shard-") else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    valid_name(base)
        && rest
            .split_once("-of-")
            .is_some_and(|(k, n)| digits(k) && digits(n))
}

/// A file name inside the result folder: `[A-Za-z0-9_.-]+`, not hidden, not `.`/`..`.
pub(super) fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

/// A sub-folder path inside the result folder: `/`-separated components, each
/// `[A-Za-z0-9_.=-]+` and not hidden (so never `.` or `..`).
pub(super) fn valid_sub_dir(sub: &str) -> bool {
    sub.split('/').all(|c| {
        !c.is_empty()
            && !c.starts_with('.')
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.=".contains(&b))
    })
}

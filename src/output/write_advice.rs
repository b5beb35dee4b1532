//! What to do about a failed write, keyed on the kind of the io error (D176).
//!
//! One text used to serve every write failure ("free some space or choose another output
//! directory with --out"): a read-only folder, a name too long for the filesystem and
//! `calibrate --write` (which has no `--out`) got disk-space advice. The advice now follows
//! the error's kind, and the "write elsewhere" part is the calling command's own.

use std::io::{self, ErrorKind};

/// The classes of write failure that get different advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteClass {
    /// No space, a quota, or a file-size limit.
    Space,
    /// Permission denied or a read-only filesystem.
    Permission,
    /// A file or folder name longer than the filesystem allows.
    NameTooLong,
    /// Anything else (an I/O error of the device, ...).
    Other,
}

/// The class of `e`.
pub fn classify(e: &io::Error) -> WriteClass {
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            WriteClass::Space
        }
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => WriteClass::Permission,
        ErrorKind::InvalidFilename => WriteClass::NameTooLong,
        _ => WriteClass::Other,
    }
}

/// The advice for `e`; `elsewhere` is how the command writes somewhere else ("choose another
/// output directory with --out"), since not every command has `--out`.
pub fn advice(e: &io::Error, elsewhere: &str) -> String {
    match classify(e) {
        WriteClass::Space => format!("free some space, or {elsewhere}"),
        WriteClass::Permission => {
            format!("the folder is read-only or not yours: fix its permissions, or {elsewhere}")
        }
        WriteClass::NameTooLong => format!(
            "a name is too long for the filesystem (255 bytes per name): use shorter names, \
             or {elsewhere}"
        ),
        WriteClass::Other => format!("check the disk and the folder, or {elsewhere}"),
    }
}

/// The "write elsewhere" part for commands that write a result folder under `--out`.
pub const WITH_OUT: &str = "choose another output directory with --out";

#[cfg(test)]
mod tests {
    use super::*;

    fn os(code: i32) -> io::Error {
        io::Error::from_raw_os_error(code)
    }

    #[cfg(unix)]
    #[test]
    fn each_class_gets_its_own_advice() {
        assert_eq!(classify(&os(libc::ENOSPC)), WriteClass::Space);
        assert_eq!(classify(&os(libc::EFBIG)), WriteClass::Space);
        assert_eq!(classify(&os(libc::EDQUOT)), WriteClass::Space);
        assert_eq!(classify(&os(libc::EROFS)), WriteClass::Permission);
        assert_eq!(classify(&os(libc::EACCES)), WriteClass::Permission);
        assert_eq!(classify(&os(libc::ENAMETOOLONG)), WriteClass::NameTooLong);
        assert_eq!(classify(&os(libc::EIO)), WriteClass::Other);
        let ro = advice(&os(libc::EROFS), "run without --write");
        assert!(!ro.contains("space") && ro.contains("permissions"), "{ro}");
        assert!(!ro.contains("--out"), "{ro}");
        let long = advice(&os(libc::ENAMETOOLONG), WITH_OUT);
        assert!(
            !long.contains("space") && long.contains("shorter names"),
            "{long}"
        );
    }
}

//! Reading an input file under a documented size limit (docs/reliability.md, "Limits").
//!
//! Every file the tool reads goes through [`read`]: its size is checked from its metadata
//! before anything is read, and the read itself stops one byte past the limit, so a huge
//! file, a file that grows while it is read, or an endless one (`/dev/zero`, a FIFO fed
//! forever) never drives an allocation past the limit. The caller learns whether the file is
//! a plain file whose whole content was read ([`Bytes::regular`]): only such files may be
//! quoted in a message (a `/proc` file reports size 0 and a device has no size at all).

use crate::suggest::ShowPath;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A kind of input file and the most bytes read from one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// What the limit applies to, for messages ("scenario and market files").
    pub what: &'static str,
    pub bytes: u64,
    /// Refuse anything but a regular file (binary formats, which nobody pipes in).
    pub regular_only: bool,
}

/// Scenario files and their `extends` chain, and market files. Shipped ones are a few KiB.
pub const SCENARIO: Limit = Limit {
    what: "scenario and market files",
    bytes: 16 << 20,
    regular_only: false,
};

/// Files a scenario names (`extends`, `scenario.market`, and `schema --market`): nobody
/// pipes those in, and a FIFO or a terminal there (`extends = "/dev/stdin"`) would block
/// the load for ever, so only regular files are read.
pub const NAMED: Limit = Limit {
    what: "files named by `extends` or `market`",
    bytes: 16 << 20,
    regular_only: true,
};

/// `[brent] imposed` series: 1,200 months (the longest run) take about 60 KiB. Named by
/// a scenario, so regular files only, like [`NAMED`].
pub const IMPOSED: Limit = Limit {
    what: "imposed Brent series",
    bytes: 4 << 20,
    regular_only: true,
};

/// The backtest's observed points (`data/backtest_observed.csv`, about 1 KiB): a file of
/// the repository, so regular files only, as [`IMPOSED`]. It was read whole with no limit,
/// so a link to `/dev/zero` there grew the process without end (hostile round 13 F3).
pub const OBSERVED: Limit = Limit {
    what: "the backtest's observed points",
    bytes: 4 << 20,
    regular_only: true,
};

/// A shard's `partial.bin`: exact summaries are at most the 1 GiB summary budget
/// (`engine::stats::DEFAULT_BUDGET_BYTES`) plus the group moments (1/1024 of that); sketch
/// summaries grow only with the number of path groups.
pub const PARTIAL: Limit = Limit {
    what: "partial results (partial.bin)",
    bytes: 4 << 30,
    regular_only: true,
};

/// A `summary.csv` read back by `show`: the largest a run writes (1,200 months of 4,096
/// variables, the most a partial result holds) is about 0.8 GiB. The file on the command
/// line may be a pipe (`show <(...)`), as a scenario file may.
pub const RESULT_TABLE: Limit = Limit {
    what: "result tables (summary.csv)",
    bytes: 1 << 30,
    regular_only: false,
};

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{}`: {source}", path.shown())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` is a folder, not a file", .0.shown())]
    Directory(PathBuf),
    #[error(
        "`{}` is not a regular file (a device, FIFO or socket): {what} must be regular files",
        path.shown()
    )]
    NotRegular { path: PathBuf, what: &'static str },
    #[error(
        "`{}` is {}: {what} may be at most {}",
        path.shown(), measured(*size), size_text(*limit)
    )]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
        what: &'static str,
    },
    #[error(
        "`{}` is larger than {} (reading stopped there): {what} may be at most {}",
        path.shown(), size_text(*limit), size_text(*limit)
    )]
    Endless {
        path: PathBuf,
        limit: u64,
        what: &'static str,
    },
}

impl ReadError {
    /// True when the file exceeds its limit (as opposed to being unreadable).
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            ReadError::TooLarge { .. } | ReadError::Endless { .. } | ReadError::NotRegular { .. }
        )
    }
}

/// `16 MiB`, `4 GiB`, `100.0 MiB`, `512 bytes`, up to `16.0 EiB` (`u64::MAX`).
pub fn size_text(n: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    const TIB: u64 = 1 << 40;
    const PIB: u64 = 1 << 50;
    const EIB: u64 = 1 << 60;
    let unit = |u: u64, name: &str| {
        if n.is_multiple_of(u) {
            format!("{} {name}", n / u)
        } else {
            format!("{:.1} {name}", n as f64 / u as f64)
        }
    };
    match n {
        n if n >= EIB => unit(EIB, "EiB"),
        n if n >= PIB => unit(PIB, "PiB"),
        n if n >= TIB => unit(TIB, "TiB"),
        n if n >= GIB => unit(GIB, "GiB"),
        n if n >= MIB => unit(MIB, "MiB"),
        n if n >= KIB => unit(KIB, "KiB"),
        n => format!("{n} bytes"),
    }
}

/// A measured size, always with one decimal in its unit (`100.0 MiB`), so it never reads
/// as equal to a limit it exceeds.
fn measured(n: u64) -> String {
    match n {
        n if n >= 1 << 60 => format!("{:.1} EiB", n as f64 / (1u64 << 60) as f64),
        n if n >= 1 << 50 => format!("{:.1} PiB", n as f64 / (1u64 << 50) as f64),
        n if n >= 1 << 40 => format!("{:.1} TiB", n as f64 / (1u64 << 40) as f64),
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / (1u64 << 10) as f64),
        n => format!("{n} bytes"),
    }
}

/// The bytes of a file read under a [`Limit`].
#[derive(Debug)]
pub struct Bytes {
    pub bytes: Vec<u8>,
    /// A regular file whose metadata size is the number of bytes read: not a `/proc` or
    /// `/sys` pseudo-file, a device, a FIFO or a file that changed while it was read.
    pub regular: bool,
}

/// Reads `path` under `limit`; see the module docs.
pub fn read(path: &Path, limit: Limit) -> Result<Bytes, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Opening a FIFO blocks until something writes to it: where only regular files are
    // read, look before opening.
    if limit.regular_only {
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(ReadError::Directory(path.to_path_buf()));
        }
        if !meta.is_file() {
            return Err(ReadError::NotRegular {
                path: path.to_path_buf(),
                what: limit.what,
            });
        }
    }
    let f = std::fs::File::open(path).map_err(io)?;
    let meta = f.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(ReadError::Directory(path.to_path_buf()));
    }
    if !meta.is_file() && limit.regular_only {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            what: limit.what,
        });
    }
    if meta.is_file() && meta.len() > limit.bytes {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: limit.bytes,
            what: limit.what,
        });
    }
    // The size is only a hint (pseudo-files report 0, a file may grow): never trust it for
    // more than the first allocation, and never beyond the limit.
    let hint = if meta.is_file() { meta.len() } else { 0 };
    let mut bytes = Vec::with_capacity(hint.min(limit.bytes) as usize);
    f.take(limit.bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(ReadError::Endless {
            path: path.to_path_buf(),
            limit: limit.bytes,
            what: limit.what,
        });
    }
    let regular = meta.is_file() && meta.len() == bytes.len() as u64;
    Ok(Bytes { bytes, regular })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limit = Limit {
        what: "test files",
        bytes: 100,
        regular_only: false,
    };

    #[test]
    fn refuses_large_files_from_their_size() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big");
        std::fs::write(&p, vec![b'x'; 101]).unwrap();
        let e = read(&p, SMALL).unwrap_err();
        assert!(e.is_limit());
        assert_eq!(
            e.to_string(),
            format!(
                "`{}` is 101 bytes: test files may be at most 100 bytes",
                p.shown()
            )
        );
        std::fs::write(&p, vec![b'x'; 100]).unwrap();
        let b = read(&p, SMALL).unwrap();
        assert_eq!(b.bytes.len(), 100);
        assert!(b.regular);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn endless_and_pseudo_files() {
        let e = read(Path::new("/dev/zero"), SMALL).unwrap_err();
        assert!(e.to_string().contains("larger than 100 bytes"), "{e}");
        let strict = Limit {
            regular_only: true,
            ..SMALL
        };
        let e = read(Path::new("/dev/zero"), strict).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        // procfs reports size 0: readable, but never "regular".
        let b = read(Path::new("/proc/self/stat"), SCENARIO).unwrap();
        assert!(!b.regular && !b.bytes.is_empty());
    }

    #[test]
    fn sizes_read_as_text() {
        assert_eq!(size_text(16 << 20), "16 MiB");
        assert_eq!(size_text(4 << 30), "4 GiB");
        assert_eq!(size_text(3 << 40), "3 TiB");
        assert_eq!(size_text(u64::MAX), "16.0 EiB");
        assert_eq!(measured(u64::MAX), "16.0 EiB");
        assert_eq!(measured((1 << 50) + (1 << 49)), "1.5 PiB");
        assert_eq!(size_text(100_000_000), "95.4 MiB");
        assert_eq!(size_text(12), "12 bytes");
    }
}

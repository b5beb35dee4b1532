//! Class 1 of issue 15, bounded inputs: every file is checked against its documented limit
//! before it is read, and no count in a file's header sizes an allocation unchecked
//! (docs/reliability.md, "Limits").

use super::{baseline, extending, rejected, sim, tiny_run};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};

/// A real one-shard partial result of the baseline (4 paths, 2 months) in `out`.
fn shard(out: &Path) -> PathBuf {
    let r = sim(&[
        "run",
        baseline().to_str().unwrap(),
        "--paths",
        "4",
        "--months",
        "2",
        "--shard",
        "1/1",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    out.join("baseline.shard-1-of-1")
}

/// Rewrites the JSON header of `partial.bin` with `edit` and recomputes the checksum, as an
/// attacker who read docs/scaling.md would.
fn forge(file: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let bytes = fs::read(file).unwrap();
    let hlen = u64::from_le_bytes(bytes[12..20].try_into().unwrap()) as usize;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[20..20 + hlen]).unwrap();
    edit(&mut header);
    let h = serde_json::to_vec(&header).unwrap();
    let mut out = bytes[..12].to_vec();
    out.extend_from_slice(&(h.len() as u64).to_le_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(&bytes[20 + hlen..bytes.len() - 32]);
    let digest = Sha256::digest(&out);
    out.extend_from_slice(&digest);
    fs::write(file, out).unwrap();
}

fn merge_fails(dir: &Path, needles: &[&str]) {
    let out = dir.parent().unwrap().join("merged");
    let r = sim(&[
        "merge",
        dir.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for n in needles {
        assert!(r.stderr.contains(n), "no `{n}` in:\n{}", r.stderr);
    }
    assert!(!out.join("baseline").exists());
}

#[test]
fn partial_header_claiming_huge_sizes_is_refused_before_allocating() {
    let d = tempfile::tempdir().unwrap();
    let dir = shard(d.path());
    let file = dir.join("partial.bin");
    let good = fs::read(&file).unwrap();
    for (field, value, needle) in [
        (
            "months",
            1_000_000_000_000u64,
            "months = 1000000000000, at most 1200",
        ),
        ("vars", 1 << 40, "vars = 1099511627776, at most 4096"),
        ("months", 0, "months = 0"),
    ] {
        fs::write(&file, &good).unwrap();
        forge(&file, |h| {
            let slot = if field == "months" {
                &mut h["fingerprint"]["months"]
            } else {
                &mut h[field]
            };
            *slot = value.into();
        });
        merge_fails(&dir, &["damaged partial result", needle]);
    }
    // Sketch mode: every declared cell needs bytes in the body.
    fs::write(&file, &good).unwrap();
    forge(&file, |h| {
        h["fingerprint"]["summary_mode"] = "sketch".into();
        h["fingerprint"]["months"] = 1200.into();
        h["vars"] = 4096.into();
    });
    merge_fails(&dir, &["sketch cells, which need at least"]);
    // Group counts beyond the body.
    fs::write(&file, &good).unwrap();
    let mut b = fs::read(&file).unwrap();
    let hlen = u64::from_le_bytes(b[12..20].try_into().unwrap()) as usize;
    let at = 20 + hlen;
    b[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    let n = b.len();
    let digest = Sha256::digest(&b[..n - 32]);
    b[n - 32..].copy_from_slice(&digest);
    fs::write(&file, b).unwrap();
    merge_fails(&dir, &["items of", "bytes left"]);
}

#[test]
fn partial_file_over_its_limit_or_not_a_file_is_refused_unread() {
    let d = tempfile::tempdir().unwrap();
    let dir = shard(d.path());
    let file = dir.join("partial.bin");
    let f = fs::OpenOptions::new().write(true).open(&file).unwrap();
    f.set_len(5 << 30).unwrap(); // sparse
    drop(f);
    let t0 = std::time::Instant::now();
    merge_fails(
        &dir,
        &[
            "is 5.0 GiB",
            "partial results (partial.bin) may be at most 4 GiB",
        ],
    );
    assert!(t0.elapsed().as_secs() < 10);
}

#[cfg(unix)]
#[test]
fn imposed_series_from_a_device_or_too_large_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = extending(d.path(), "zero", "[brent]\nimposed = \"/dev/zero\"");
    rejected(&p, &["brent.imposed", "larger than 4 MiB", "zero.toml:"]);
    let big = d.path().join("big.csv");
    fs::File::create(&big).unwrap().set_len(64 << 20).unwrap();
    let p = extending(d.path(), "big", "[brent]\nimposed = \"big.csv\"");
    rejected(&p, &["brent.imposed", "is 64.0 MiB", "at most 4 MiB"]);
}

#[cfg(unix)]
#[test]
fn market_file_from_a_device_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = extending(d.path(), "mk", "market = \"/dev/zero\"");
    rejected(&p, &["/dev/zero", "larger than 16 MiB"]);
    let p = extending(d.path(), "mk2", "market = \"/dev/urandom\"");
    rejected(&p, &["/dev/urandom"]);
    let _ = tiny_run; // shared helper, used by the other modules
}

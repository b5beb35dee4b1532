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

/// Rewrites the body of `partial.bin` (after the JSON header) with `edit` and recomputes
/// the checksum; `edit` gets the body's offset in the file.
fn forge_body(file: &Path, edit: impl Fn(&mut [u8], usize)) {
    let mut b = fs::read(file).unwrap();
    let hlen = u64::from_le_bytes(b[12..20].try_into().unwrap()) as usize;
    edit(&mut b, 20 + hlen);
    let n = b.len();
    let digest = Sha256::digest(&b[..n - 32]);
    b[n - 32..].copy_from_slice(&digest);
    fs::write(file, b).unwrap();
}

/// The class the `partial_bin` fuzzer found (fuzz/, docs/reliability.md "Fuzzing"): counts
/// that do not agree with each other or with the body, with a recomputed checksum, reached
/// the merge unchecked. A group moment count of 2^61 wrapped `8 × n` to 0 in the exact
/// summary (a division by zero); `shards = 2^62` made the check of the set count to 2^62.
/// Every count is now checked at decode (`engine::partial::check`): exit 1 naming the field
/// and what it should be, never a panic or a hang.
#[test]
fn partial_with_inconsistent_counts_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let dir = shard(d.path());
    let file = dir.join("partial.bin");
    let good = fs::read(&file).unwrap();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|h| h["fingerprint"]["shards"] = (1u64 << 62).into()),
            "groups = 1, expected 0 (shard 1/4611686018427387904 of 1 chunk groups (4 paths))",
        ),
        (
            Box::new(|h| h["fingerprint"]["paths"] = 0.into()),
            "paths = 0, a run has at least 1 path",
        ),
        (
            Box::new(|h| h["fingerprint"]["paths"] = u64::MAX.into()),
            "groups = 1, expected 4503599627370496",
        ),
        (
            Box::new(|h| h["shard"] = 0.into()),
            "shard 0 of shards = 1, expected 1 <= shard <= shards",
        ),
        (
            Box::new(|h| h["first_group"] = 3.into()),
            "first_group = 3, expected 0",
        ),
        (
            Box::new(|h| h["groups"] = 0.into()),
            "groups = 0, expected 1",
        ),
        (
            Box::new(|h| h["end_path"] = 4000.into()),
            "end_path = 4000, expected 4",
        ),
        (
            Box::new(|h| h["wall_seconds"] = (-1.0).into()),
            "wall_seconds = -1, expected a finite number in [0, 1e9]",
        ),
    ];
    for (edit, needle) in cases {
        fs::write(&file, &good).unwrap();
        forge(&file, edit);
        merge_fails(&dir, &["damaged partial result", needle]);
    }
    // Body: the first cell's moment count of the only group (groups u64, cells u64, then
    // n u64 of cell 0) forged to 2^61, then the same count of 0 (one path lost).
    for (n, needle) in [
        (
            1u64 << 61,
            "group moments n + nonfinite = 2305843009213693952, expected 4",
        ),
        (0, "group moments n + nonfinite = 0, expected 4"),
    ] {
        fs::write(&file, &good).unwrap();
        forge_body(&file, |b, at| {
            b[at + 16..at + 24].copy_from_slice(&n.to_le_bytes());
        });
        merge_fails(&dir, &["damaged partial result", needle]);
    }
    // Both counts moved together (n − 1, nonfinite + 1): consistent with the paths, but the
    // exact values hold one more finite value than the moments count.
    fs::write(&file, &good).unwrap();
    forge_body(&file, |b, at| {
        let n = u64::from_le_bytes(b[at + 16..at + 24].try_into().unwrap());
        b[at + 16..at + 24].copy_from_slice(&(n - 1).to_le_bytes());
        b[at + 24..at + 32].copy_from_slice(&1u64.to_le_bytes());
    });
    merge_fails(
        &dir,
        &["order statistics' values of a cell = 4, expected 3"],
    );
    // The untouched partial still merges.
    fs::write(&file, &good).unwrap();
    let out = d.path().join("merged");
    let r = sim(&[
        "merge",
        dir.to_str().unwrap(),
        "--quiet",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
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
    rejected(
        &p,
        &["brent.imposed", "is not a regular file", "zero.toml:"],
    );
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
    rejected(&p, &["/dev/zero", "is not a regular file"]);
    let p = extending(d.path(), "mk2", "market = \"/dev/urandom\"");
    rejected(&p, &["/dev/urandom"]);
    let _ = tiny_run; // shared helper, used by the other modules
}

/// `--paths` has no bound below 2⁶⁴ − 1 on `run` and `compare` (docs/reliability.md, "too
/// many paths"): summaries are streamed, counts saturate, and such a run starts, shows its
/// staging folder and stops cleanly on SIGINT (no overflow or allocation panic at start).
#[cfg(unix)]
#[test]
fn the_largest_paths_start_and_stop_cleanly() {
    use std::process::{Command, Stdio};
    let d = tempfile::tempdir().unwrap();
    let b = baseline();
    let b = b.to_str().unwrap();
    let other = baseline().with_file_name("summit_failure.toml");
    let max = u64::MAX.to_string();
    for (k, cmd) in [vec!["run", b], vec!["compare", b, other.to_str().unwrap()]]
        .into_iter()
        .enumerate()
    {
        let out = d.path().join(format!("out{k}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_sanctions-sim"))
            .args(&cmd)
            .args(["--paths", &max, "--months", "1", "--quiet", "--no-charts"])
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let t0 = std::time::Instant::now();
        while !super::entries(&out).iter().any(|e| e.contains(".partial-")) {
            assert!(
                child.try_wait().unwrap().is_none(),
                "{cmd:?} ended before simulating"
            );
            assert!(t0.elapsed().as_secs() < 30, "{cmd:?} never started");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        // SAFETY: signalling our own child.
        assert_eq!(
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) },
            0
        );
        let r = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(130), "{cmd:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(super::entries(&out).is_empty(), "{cmd:?}");
    }
}

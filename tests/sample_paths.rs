//! `--sample-paths` (paths.csv) through the command line: the sampled paths are the run's
//! own, byte for byte, and a request beyond the run is refused before it starts.

// Shared with tests/xlsx.rs, which uses the parts of the reader this test does not.
#[allow(dead_code)]
mod xlsx_read;

use std::collections::HashMap;
use xlsx_read::cli::{files_of, run_baseline, sim, summary_vars};

/// `paths.csv` rows as (path, date, variable, value text).
fn paths_rows(bytes: &[u8]) -> Vec<(u64, String, String, String)> {
    let mut rdr = csv::Reader::from_reader(bytes);
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["path", "date", "variable", "value"]
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].parse().unwrap(),
                r[1].to_string(),
                r[2].to_string(),
                r[3].to_string(),
            )
        })
        .collect()
}

#[test]
fn sample_paths_reproduce_the_runs_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let all = tmp.path().join("all");
    // N = all paths, on 2 threads: the mean over paths.csv must be summary.csv's mean.
    run_baseline(&all, "2", &["--sample-paths", "40"]);
    let dir = all.join("baseline");
    assert_eq!(
        files_of(&dir.join("manifest.json")),
        [
            "summary.csv",
            "wide.csv",
            "totals.csv",
            "averages.csv",
            "report.html",
            "paths.csv",
            "manifest.json"
        ]
    );
    let paths_bytes = std::fs::read(dir.join("paths.csv")).unwrap();
    let text = std::str::from_utf8(&paths_bytes).unwrap();
    assert!(text.starts_with("path,date,variable,value\n") && !text.contains('\r'));
    assert!(!text.contains("-0.0000"));
    let rows = paths_rows(&paths_bytes);
    let vars = summary_vars(&std::fs::read(dir.join("summary.csv")).unwrap());
    assert_eq!(rows.len(), 40 * 4 * vars);
    // Path outer, then month, then variable in summary.csv's order.
    let mut rdr = csv::Reader::from_reader(std::fs::File::open(dir.join("summary.csv")).unwrap());
    let summary: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    for (i, (p, date, var, _)) in rows.iter().enumerate() {
        let s = &summary[i % (4 * vars)];
        assert_eq!(*p, (i / (4 * vars)) as u64);
        assert_eq!(
            (date.as_str(), var.as_str()),
            (&s[1], &s[2]),
            "row {}",
            i + 2
        );
    }
    let mut sums: HashMap<(String, String), (f64, u32)> = HashMap::new();
    for (_, date, var, v) in &rows {
        if !v.is_empty() {
            let e = sums.entry((date.clone(), var.clone())).or_default();
            e.0 += v.parse::<f64>().unwrap();
            e.1 += 1;
        }
    }
    let mut checked = 0;
    for s in &summary {
        let Some(&(sum, n)) = sums.get(&(s[1].to_string(), s[2].to_string())) else {
            assert!(s[4].is_empty(), "{s:?}: no value in paths.csv");
            continue;
        };
        let want: f64 = s[4].parse().unwrap();
        let mean = sum / n as f64;
        // Each paths.csv value and the summary mean are rounded to 4 decimals.
        let tol = 1.0e-4 + 1e-12 * want.abs();
        assert!((mean - want).abs() <= tol, "{s:?}: paths.csv mean {mean}");
        checked += 1;
    }
    assert!(checked > 4 * vars * 9 / 10, "{checked} means checked");

    // The first 3 paths alone, on 1 thread: the same rows as the first 3 paths above.
    let few = tmp.path().join("few");
    run_baseline(&few, "1", &["--sample-paths", "3"]);
    let first = std::fs::read(few.join("baseline/paths.csv")).unwrap();
    let cut = text
        .match_indices('\n')
        .nth(3 * 4 * vars)
        .map(|(i, _)| i + 1)
        .unwrap();
    assert!(
        first == paths_bytes[..cut],
        "paths 0..3 differ from the N=40 file"
    );
}

#[test]
fn sample_paths_beyond_the_run_is_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let a = sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "5",
            "--months",
            "2",
        ])
        .args(["--quiet", "--sample-paths", "6", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("--sample-paths 6 is more than the 5 paths of scenario `baseline`"),
        "{err}"
    );
    assert!(!out.join("baseline").exists(), "nothing written");
    let a = sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--sample-paths",
            "0",
            "--out",
        ])
        .arg(&out)
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("--sample-paths"), "{err}");
    // 3,000 paths x 60 months x (about 100) variables: over the 10,000,000-row cap, refused.
    let a = sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "3000",
            "--months",
            "60",
        ])
        .args(["--quiet", "--sample-paths", "3000", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    let vars: usize = err
        .split(" months x ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no variable count in: {err}"));
    assert!(vars > 60, "{err}");
    let rows = 3000 * 60 * vars;
    let most = 10_000_000 / (60 * vars);
    assert!(
        err.contains(&format!("would write {rows} rows"))
            && err.contains(&format!("ask for at most {most} paths")),
        "{err}"
    );
    assert!(!out.join("baseline").exists(), "nothing written");
}

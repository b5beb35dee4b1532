//! Walkthrough 11 #4: `sensitivity` printed only the folder it wrote, so the analyst had to
//! open `sensitivity.csv` to learn what drives the target, and `show` on that folder said
//! only "no summary.csv". It now lists the top inputs, each figure the text of its CSV cell,
//! and `show` names what the folder is.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn sensitivity(out: &Path, quiet: bool) -> std::process::Output {
    let s = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    let mut c = Command::new(BIN);
    c.arg("sensitivity")
        .arg(&s)
        .args(["--target", "urals_discount_usd_bbl", "--month", "2025-12"])
        .args(["--paths", "400", "--swing-paths", "50", "--swing-top", "2"])
        .args(["--no-charts", "--force", "--out"])
        .arg(out);
    if quiet {
        c.arg("--quiet");
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn the_top_inputs_are_printed_as_the_csv_ranks_them() {
    let dir = tempfile::tempdir().unwrap();
    let o = sensitivity(dir.path(), false);
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(
        lines[1].starts_with("  top 5 of ")
            && lines[1].contains("urals_discount_usd_bbl in 2025-12"),
        "{text}"
    );
    let folder = dir
        .path()
        .join("sensitivity_summit_failure_urals_discount_usd_bbl_2025-12");
    let csv = std::fs::read_to_string(folder.join("sensitivity.csv")).unwrap();
    let mut rows = csv.lines();
    let head: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    for (k, row) in rows.take(5).enumerate() {
        let cells: Vec<&str> = row.split(',').collect();
        let line = lines[2 + k];
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], (k + 1).to_string(), "{line}");
        assert_eq!(words[1], cells[col("input")], "{line}");
        assert!(
            line.contains(&format!("srrc {}", cells[col("srrc")])),
            "{line} / {row}"
        );
        let swing = cells[col("swing_abs")];
        if !swing.is_empty() {
            assert!(line.contains(&format!("swing {swing} USD/bbl")), "{line}");
        }
    }
    // `--quiet` prints nothing.
    let o = sensitivity(dir.path(), true);
    assert!(o.stdout.is_empty());
    // `show` says what the folder is.
    let o = Command::new(BIN).arg("show").arg(&folder).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("this is a sensitivity result"), "{err}");
    assert!(err.contains("sensitivity.csv"), "{err}");
}

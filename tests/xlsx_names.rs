//! Sheet names of a single folder's `results.xlsx` with long by-outcome selectors (D218): the
//! walkthrough's `--by-outcome escalation_china --by-outcome escalation_china@2026-12` of
//! `summit_uncertain` used to give `escalation_china.by_2026-12=ent`, `…=e~2`, `…=not`,
//! `…=n~2` and no index. Now every name is at most 31 characters, unique, ends with its table
//! (or is the name it always had, when that fits), holds the sheet of the file it says, and
//! an `index` sheet first lists every sheet with its full file, table, selector and outcome.

// Shared with tests/xlsx.rs, which uses the parts of the reader this test does not.
#[allow(dead_code)]
mod xlsx_read;

use assert_cmd::Command;
use sanctions_sim::output::xlsx_results::sheet_name;
use std::path::PathBuf;
use xlsx_read::{read_book, XCell};

#[test]
fn long_selectors_give_distinct_readable_names_and_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("sanctions-sim")
        .unwrap()
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .args(["run", "scenarios/summit_uncertain.toml"])
        .args(["--paths", "30", "--months", "18", "--quiet", "--xlsx"])
        .args(["--no-charts", "--no-report", "--prob", "brent_usd_bbl>90"])
        .args(["--by-outcome", "escalation_china"])
        .args(["--by-outcome", "escalation_china@2026-12", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("summit_uncertain");
    let book = read_book(&dir.join("results.xlsx"));
    assert_eq!(book.names[0], "index");
    let mut seen = std::collections::HashSet::new();
    for n in &book.names {
        assert!(n.chars().count() <= 31, "{n}");
        assert!(seen.insert(n.to_lowercase()), "{n} twice");
    }
    let index = &book.cells["index"];
    let text = |r: usize, col: char| match index.get(&format!("{col}{r}")) {
        Some(XCell::Text(t)) => t.clone(),
        None => String::new(),
        other => panic!("index!{col}{r}: {other:?}"),
    };
    let header: Vec<String> = "ABCDEF".chars().map(|c| text(1, c)).collect();
    assert_eq!(
        header,
        ["sheet", "scenario", "file", "table", "selector", "outcome"]
    );
    let mut by_month = 0;
    for (i, sheet) in book.names.iter().enumerate().skip(1) {
        let r = i + 1;
        let [name, scenario, file, table, selector, outcome] =
            ['A', 'B', 'C', 'D', 'E', 'F'].map(|c| text(r, c));
        assert_eq!(&name, sheet, "index row {r}");
        assert_eq!(scenario, "summit_uncertain");
        let old = match file.as_str() {
            "manifest.json" => "manifest".to_string(),
            f => sheet_name(f),
        };
        let kept = old == *sheet;
        assert!(
            kept || sheet.ends_with(&format!(" {table}")),
            "{sheet}: neither its old name {old} nor ending with {table}"
        );
        // A name is shortened only when the old one did not fit.
        assert_eq!(kept, old.chars().count() <= 31, "{sheet}");
        assert_eq!(
            file.trim_end_matches(".csv").trim_end_matches(".json"),
            if selector.is_empty() {
                table.clone()
            } else {
                format!("by_outcome/{selector}={outcome}/{table}")
            }
        );
        if selector.is_empty() {
            continue;
        }
        // The sheet holds the file it says: a band's scenario column names its folder.
        assert_eq!(
            book.cells[sheet].get("A2"),
            Some(&XCell::Text(format!(
                "summit_uncertain|{selector}={outcome}"
            ))),
            "{sheet}"
        );
        if selector.ends_with(".by_2026-12") {
            assert!(sheet.contains("@2026-12"), "{sheet}: the month is kept");
            by_month += 1;
        }
    }
    // summary, totals, probabilities and averages of both outcomes.
    assert_eq!(by_month, 8);
    // Every listed table has its sheet, plus the manifest and the index.
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let tables = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.as_str().unwrap().ends_with(".csv"))
        .count();
    assert_eq!(book.names.len(), tables + 2);
}

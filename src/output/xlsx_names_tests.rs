use super::*;
use crate::output::xlsx_results::sheet_name;

fn text(c: &Cell) -> &str {
    match c {
        Cell::Text(s) => s,
        other => panic!("{other:?}"),
    }
}

/// Names every file as a single folder's workbook does; returns the names and the namer.
fn name_all(scenario: &str, files: &[String]) -> (Vec<String>, Namer) {
    let mut n = Namer::new();
    let names = files
        .iter()
        .map(|f| {
            let p = parts(f);
            let short = Short {
                prefix: "",
                head: outcome_folder(f).unwrap_or(""),
                table: &p.table,
            };
            n.name(scenario, f, &sheet_name(f), short)
        })
        .collect();
    (names, n)
}

fn band_files(folders: &[&str], tables: &[&str]) -> Vec<String> {
    let mut v = vec!["summary.csv".to_string(), "totals.csv".to_string()];
    for f in folders {
        for t in tables {
            v.push(format!("by_outcome/{f}/{t}.csv"));
        }
    }
    v
}

/// The walkthrough's case (escalation_china and escalation_china@2026-12 of summit_uncertain):
/// the names that fit keep their old spelling, the others keep the month, the outcome and the
/// table readable.
#[test]
fn the_escalation_china_selectors_stay_apart() {
    let files = band_files(
        &[
            "escalation_china=entered",
            "escalation_china=not_entered",
            "escalation_china.by_2026-12=entered",
            "escalation_china.by_2026-12=not_entered",
        ],
        &["summary", "totals"],
    );
    let (names, n) = name_all("summit_uncertain", &files);
    assert_eq!(
        names,
        [
            "summary",
            "totals",
            "escalation_china=entered",
            "escalation_china=entered totals",
            "escalation_china=not_entered",
            "escala_china=not_entered totals",
            "esca_chin@2026-12=enter summary",
            "esca_china@2026-12=enter totals",
            "esc_chi@2026-12=not_ent summary",
            "esc_chi@2026-12=not_ente totals",
        ]
    );
    assert!(n.needs_index());
}

/// Long scenario, selector and outcome names: every name at most 31 characters, unique
/// (ignoring case), ending with its table, and the index lists each with its full file.
#[test]
fn long_names_fit_stay_unique_and_end_with_their_table() {
    let long = "a_very_long_node_name_for_testing";
    let folders: Vec<String> = [
        format!("{long}=entered"),
        format!("{long}=not_entered"),
        format!("{long}.by_2026-12=entered"),
        format!("{long}.by_2026-12=not_entered"),
        format!("{long}.by_2027-01=not_entered"),
        format!("tree.{long}.2=an_outcome_with_a_long_name"),
        format!("tree.{long}.2=an_outcome_with_a_long_name_too"),
    ]
    .to_vec();
    let refs: Vec<&str> = folders.iter().map(String::as_str).collect();
    let tables = ["summary", "totals", "probabilities"];
    let files = band_files(&refs, &tables);
    let (names, n) = name_all("scenario_with_a_long_name_of_many_words", &files);
    let mut seen = std::collections::HashSet::new();
    for (name, file) in names.iter().zip(&files) {
        assert!(name.chars().count() <= MAX_SHEET_NAME, "{name}");
        assert!(seen.insert(name.to_lowercase()), "{name} twice");
        assert_eq!(clean_sheet_name(name), *name, "{name}: Excel accepts it");
        let table = parts(file).table;
        let old = sheet_name(file);
        assert!(
            name.ends_with(&format!(" {table}")) || *name == old,
            "{name} does not end with {table}"
        );
    }
    // The month of a `.by_` selector survives shortening.
    assert!(names.iter().any(|n| n.contains("@2027-01")), "{names:?}");
    let rows = n.index_rows();
    assert_eq!(rows[0].iter().map(text).collect::<Vec<_>>(), INDEX_HEADER);
    assert_eq!(rows.len(), 1 + files.len());
    for ((row, name), file) in rows[1..].iter().zip(&names).zip(&files) {
        let p = parts(file);
        let got: Vec<&str> = row.iter().map(text).collect();
        assert_eq!(
            got,
            [
                name.as_str(),
                "scenario_with_a_long_name_of_many_words",
                file.as_str(),
                p.table.as_str(),
                p.selector.as_str(),
                p.outcome.as_str()
            ]
        );
        if let Some(folder) = outcome_folder(file) {
            assert_eq!(format!("{}={}", p.selector, p.outcome), folder);
        }
    }
    assert!(n.needs_index());
}

/// A workbook whose names all fit and which has one folder needs no index.
#[test]
fn short_names_unchanged_and_no_index() {
    let files: Vec<String> = ["summary.csv", "wide.csv", "totals.csv"]
        .map(String::from)
        .to_vec();
    let (names, n) = name_all("baseline", &files);
    assert_eq!(names, ["summary", "wide", "totals"]);
    assert!(!n.needs_index());
}

#[test]
fn parts_and_abbreviations() {
    assert_eq!(
        parts("by_outcome/escalation_china.by_2026-12=not_entered/totals.csv"),
        Parts {
            table: "totals".into(),
            selector: "escalation_china.by_2026-12".into(),
            outcome: "not_entered".into()
        }
    );
    assert_eq!(parts("manifest.json").table, "manifest");
    assert_eq!(at_month("a.by_2026-12=x"), "a@2026-12=x");
    assert_eq!(at_month("a.by_x=y"), "a.by_x=y");
    assert_eq!(abbreviate("", "escalation_china", 16), "escalation_china");
    assert_eq!(abbreviate("", "escalation_china", 10), "esca_china");
    // The head goes down to three letters before the prefix is touched.
    assert_eq!(
        abbreviate("summit_u ", "escalation_china", 17),
        "summit_u esc_chin"
    );
    assert_eq!(
        abbreviate("summit_u ", "escalation_china", 15),
        "summi_u esc_chi"
    );
    assert_eq!(abbreviate("", "abc@2026-12", 4), "a@20");
    let short = Short {
        prefix: "",
        head: "x",
        table: "summary",
    };
    assert_eq!(fitted_name(short, 3), "x~3 summary");
}

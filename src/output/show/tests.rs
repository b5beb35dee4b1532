use super::*;
use crate::output::dialect::CsvDialect;

const HEAD: &str =
    "scenario,date,variable,unit,mean,sd,p05,p10,p25,p50,p75,p90,p95,mc_se_mean,mc_se_p50\n";

/// A summary.csv of `scenario` for 2025-08..2025-10 and two variables.
fn file(scenario: &str, brent_shift: f64) -> String {
    let mut s = HEAD.to_string();
    for (t, m) in ["2025-08", "2025-09", "2025-10"].iter().enumerate() {
        let b = 70.0 + brent_shift + t as f64;
        s += &format!(
            "{scenario},{m}-01,brent_usd_bbl,USD/bbl,{b:.4},4.0000,{:.4},{:.4},1,{b:.4},1,{:.4},{:.4},0.0400,0.0500\n",
            b - 6.5,
            b - 5.0,
            b + 5.0,
            b + 6.5
        );
        s += &format!(
            "{scenario},{m}-01,flow_india_mbd,mb/d,1.5000,0.1000,1.2000,1.3000,1.4000,1.5{t}00,1.6000,1.7000,,0.0010,\n"
        );
    }
    s
}

fn stats_of(list: &str) -> Vec<usize> {
    select::stats(&[list.to_string()]).unwrap()
}

fn read(name: &str, text: &str, stats: &str) -> SummaryFile {
    parse(name, text.as_bytes(), &stats_of(stats)).unwrap()
}

#[test]
fn both_dialects_read_alike() {
    let text = file("baseline", 0.0);
    let a = read("a/summary.csv", &text, "p10,p50,p90,p95");
    let eu = CsvDialect::ExcelEu.convert(text.as_bytes());
    let b = parse("a/summary.csv", &eu, &stats_of("p10,p50,p90,p95")).unwrap();
    assert_eq!(a.dialect, CsvDialect::Default);
    assert_eq!(b.dialect, CsvDialect::ExcelEu);
    assert_eq!(a.scenarios, b.scenarios);
    let s = &a.scenarios[0];
    assert_eq!(s.scenario, "baseline");
    assert_eq!(s.months.len(), 3);
    let v = s.var("flow_india_mbd").unwrap();
    assert_eq!(s.value(v, s.months[1], 1), Some(1.51));
    assert_eq!(s.value(v, s.months[1], 3), None, "empty p95 cell");
    // A BOM (a file saved again by a spreadsheet) is not part of the header.
    let bom = format!("\u{feff}{text}");
    assert_eq!(read("a", &bom, "p50").scenarios[0].vars.len(), 2);
}

#[test]
fn text_table_is_aligned_with_sensible_digits() {
    let f = read("a/summary.csv", &file("baseline", 0.0), "p10,p50,p90");
    let t = show(&[f], &["brent_usd_bbl,flow_india_mbd".into()], None, None).unwrap();
    let text = t.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3 + 3, "{text}");
    assert!(
        lines[0].starts_with("         brent_usd_bbl             flow"),
        "{text}"
    );
    assert!(
        lines[1].contains("USD/bbl") && lines[1].contains("mb/d"),
        "{text}"
    );
    assert!(lines[2].starts_with("date"), "{text}");
    // Brent below 100 keeps 3 decimals, flows 4; decimal points line up down a column.
    assert!(
        lines[3].starts_with("2025-08  65.000  70.000  75.000"),
        "{text}"
    );
    assert!(lines[5].contains("1.5200"), "{text}");
    let p50 = lines[2].find("p50").unwrap() + 3;
    for l in &lines[3..] {
        assert_eq!(&l[p50 - 4..p50 - 3], ".", "{text}");
    }
}

#[test]
fn csv_keeps_the_files_values_and_units() {
    let f = read("a/summary.csv", &file("baseline", 0.0), "p50,p95");
    let t = show(&[f], &["flow_*".into()], Some("2025-09"), Some("2025-10")).unwrap();
    let csv = String::from_utf8(t.csv()).unwrap();
    assert_eq!(
        csv,
        "date,flow_india_mbd_p50 (mb/d),flow_india_mbd_p95 (mb/d)\n\
         2025-09-01,1.5100,\n\
         2025-10-01,1.5200,\n"
    );
}

#[test]
fn several_results_side_by_side() {
    let a = read("a/summary.csv", &file("baseline", 0.0), "p50");
    let b = read("b/summary.csv", &file("summit_failure", 10.0), "p50");
    let t = show(&[a, b], &["brent_usd_bbl".into()], None, None).unwrap();
    assert_eq!(t.groups, ["baseline", "summit_failure"]);
    let csv = String::from_utf8(t.csv()).unwrap();
    assert!(csv.starts_with(
        "date,baseline: brent_usd_bbl_p50 (USD/bbl),summit_failure: brent_usd_bbl_p50 (USD/bbl)\n\
         2025-08-01,70.0000,80.0000\n"
    ));
    let text = t.text();
    assert!(
        text.lines().next().unwrap().contains("|  summit_failure"),
        "{text}"
    );
    assert_eq!(
        text.lines().nth(4).unwrap(),
        "2025-08         70.000  |          80.000",
        "{text}"
    );
    // The same scenario twice is told apart by its file.
    let a = read("a/summary.csv", &file("baseline", 0.0), "p50");
    let c = read("c/summary.csv", &file("baseline", 1.0), "p50");
    let t = show(&[a, c], &["brent_usd_bbl".into()], None, None).unwrap();
    assert_eq!(
        t.groups,
        ["baseline (a/summary.csv)", "baseline (c/summary.csv)"]
    );
}

#[test]
fn errors_name_the_file_the_flag_and_the_fix() {
    let f = || read("a/summary.csv", &file("baseline", 0.0), "p50");
    let err = |words: &[&str], from: Option<&str>, to: Option<&str>| {
        let w: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        show(&[f()], &w, from, to).unwrap_err().to_string()
    };
    let e = err(&["brent_usd"], None, None);
    assert!(
        e.contains("`a/summary.csv` has no variable `brent_usd`"),
        "{e}"
    );
    assert!(e.contains("did you mean `brent_usd_bbl`?"), "{e}");
    let e = err(&["zzz_qqq"], None, None);
    assert!(e.contains("docs/outputs.md §5"), "{e}");
    let e = err(&["espo_*"], None, None);
    assert!(
        e.starts_with("--var espo_*: matches no variable of `a/summary.csv`"),
        "{e}"
    );
    let e = err(&[], Some("2024-01"), None);
    assert_eq!(
        e,
        "--from 2024-01 is outside the months of the results: `a/summary.csv` has 2025-08 to 2025-10"
    );
    let e = err(&[], None, Some("2025-13"));
    assert!(e.starts_with("--to: "), "{e}");
    let e = err(&[], Some("2025-10"), Some("2025-08"));
    assert!(e.contains("--from 2025-10 is after --to 2025-08"), "{e}");
    // The key variables the file has are the default.
    let t = show(&[f()], &[], None, None).unwrap();
    let vars: Vec<&str> = t.columns.iter().map(|c| c.var.as_str()).collect();
    assert_eq!(vars, ["brent_usd_bbl", "flow_india_mbd"]);
}

#[test]
fn bad_files_are_refused_with_their_line() {
    let p = |text: &str, stats: &str| {
        parse("x.csv", text.as_bytes(), &stats_of(stats))
            .unwrap_err()
            .to_string()
    };
    let e = p("date,brent_usd_bbl_p05\n2025-08-01,1.0\n", "p50");
    assert!(e.contains("is not a summary.csv"), "{e}");
    let old = "scenario,date,variable,unit,mean,sd,p05,p10,p25,p50,p75,p90,p95\n";
    let e = p(old, "mc_se_p50");
    assert!(e.contains("has no `mc_se_p50` column"), "{e}");
    let e = p(
        &format!("{old}b,2025-08-01,x,u,1,1,1,1,1,NaN,1,1,1\n"),
        "p50",
    );
    assert_eq!(e, "`x.csv` line 2: column `p50`: `NaN` is not a number");
    let e = p(
        &format!("{old}b,2025-08,x,u,1,1,1,1,1,1,1,1,1\nb,2025-08-01,x,u,1,1,1,1,1,1,1,1,1\n"),
        "p50",
    );
    assert!(e.starts_with("`x.csv` line 3: a second row for `x`"), "{e}");
    let e = p(old, "p50");
    assert!(e.contains("no rows"), "{e}");
    let e = p("", "p50");
    assert!(e.contains("empty"), "{e}");
}

/// Hostile round 7 #8: an empty `--var`, `median` for `p50`, and one absurd cell.
#[test]
fn odd_requests_and_cells_get_sensible_answers() {
    let f = || read("a/summary.csv", &file("baseline", 0.0), "p10,p50,p90");
    for empty in ["", ",", " , "] {
        let e = show(&[f()], &[empty.into()], None, None).unwrap_err();
        assert_eq!(e, ShowError::NoVar, "{empty:?}");
        assert!(e.to_string().contains("name at least one variable"));
    }
    for (word, want) in [
        ("median", "`p50`"),
        ("q90", "`p90`"),
        ("std", "`sd`"),
        ("p5", "`p05`"),
    ] {
        let e = select::stats(&[word.into()]).unwrap_err().to_string();
        assert!(e.contains(&format!("did you mean {want}?")), "{word}: {e}");
    }
    assert_eq!(stats_of("p50,p50"), stats_of("p50"));
    // One p50 cell of 1e308: the p10/p90 cells keep their decimals, the cell is readable.
    let text = file("baseline", 0.0).replacen(",70.0000,1,", ",1e308,1,", 1);
    assert!(text.contains("1e308"));
    let t = show(
        &[read("a", &text, "p10,p50,p90")],
        &["brent_usd_bbl".into()],
        None,
        None,
    )
    .unwrap()
    .text();
    assert!(t.contains("1.000e308"), "{t}");
    assert!(t.contains("65.000") && t.contains("76.000"), "{t}");
}

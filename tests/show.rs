//! `show`: a few variables' monthly bands printed from result folders (docs/outputs.md §15).
//! Each test runs a small scenario (40 paths, 4 months) and checks what `show` prints against
//! the folder's own summary.csv.

mod common;

use common::{expect, sim, text};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
}

/// Runs `name` (40 paths, 4 months, seed 7) into `out` with `extra` flags; returns its folder.
fn run(out: &Path, name: &str, extra: &[&str]) -> PathBuf {
    sim()
        .args(["run", "--quiet", "--no-charts", "--no-report"])
        .args(["--paths", "40", "--months", "4", "--seed", "7"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(scenario(name))
        .assert()
        .success();
    out.join(name)
}

/// `show` with `args`; asserts exit 0 and returns stdout.
fn show(args: &[&str]) -> String {
    let o = sim().arg("show").args(args).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    text(&o.stdout)
}

/// `show` with `args`; asserts exit 1 and returns stderr.
fn show_fails(args: &[&str]) -> String {
    let err = expect(sim().arg("show").args(args), 1);
    assert!(err.starts_with("error: "), "{err}");
    err
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `(date, variable) → (unit, column → cell)` of a summary.csv in the default dialect.
type Rows = BTreeMap<(String, String), (String, BTreeMap<String, String>)>;

fn summary(dir: &Path) -> Rows {
    let mut r = csv::Reader::from_path(dir.join("summary.csv")).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut out = Rows::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let cells = head
            .iter()
            .cloned()
            .zip(rec.iter().map(String::from))
            .collect();
        out.insert(
            (rec[1].to_string(), rec[2].to_string()),
            (rec[3].to_string(), cells),
        );
    }
    out
}

/// The header and rows of `show --csv` output, parsed with the csv crate.
fn parse_csv(out: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let head = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (head, rows)
}

#[test]
fn printed_values_are_the_summary_values() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "baseline", &[]);
    let rows = summary(&dir);
    let vars = ["brent_usd_bbl", "flow_india_mbd"];
    let stats = ["mean", "p05", "p50", "p95", "mc_se_p50"];
    let out = show(
        &[s(&dir), "--var", "brent_usd_bbl", "--var", "flow_india_mbd"]
            .into_iter()
            .chain(["--stat", "mean,p05", "--stat", "p50,p95,mc_se_p50", "--csv"])
            .collect::<Vec<_>>(),
    );
    let (head, body) = parse_csv(&out);
    assert_eq!(head.len(), 1 + vars.len() * stats.len());
    assert_eq!(head[0], "date");
    assert_eq!(head[1], "brent_usd_bbl_mean (USD/bbl)");
    assert_eq!(head[10], "flow_india_mbd_mc_se_p50 (mb/d)");
    assert_eq!(body.len(), 4, "{out}");
    for row in &body {
        let date = &row[0];
        assert!(date.len() == 10 && date.ends_with("-01"), "not ISO: {date}");
        for (i, (v, st)) in vars
            .iter()
            .flat_map(|v| stats.iter().map(move |st| (v, st)))
            .enumerate()
        {
            let (_, cells) = &rows[&(date.clone(), v.to_string())];
            assert_eq!(row[1 + i], cells[*st], "{date} {v} {st}");
        }
    }
    // The text table: the same values, rounded to a column's decimals, one line a month.
    let table = show(&[s(&dir), "--var", "brent_usd_bbl", "--stat", "p50"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3 + 4, "{table}");
    assert_eq!(lines[0].trim(), "brent_usd_bbl");
    assert_eq!(lines[1].trim(), "USD/bbl");
    assert!(
        lines[2].starts_with("date") && lines[2].ends_with("p50"),
        "{table}"
    );
    for l in &lines[3..] {
        let f: Vec<&str> = l.split_whitespace().collect();
        let want: f64 = rows[&(format!("{}-01", f[0]), "brent_usd_bbl".into())].1["p50"]
            .parse()
            .unwrap();
        // Brent is below 100 USD/bbl: 5 significant digits are 3 decimals.
        assert_eq!(f[1], format!("{want:.3}"), "{l} vs {want}");
    }
}

#[test]
fn results_side_by_side_and_the_default_variables() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(tmp.path(), "baseline", &[]);
    let b = run(tmp.path(), "summit_failure", &[]);
    let out = show(
        &[
            s(&a),
            s(&b.join("summary.csv")),
            "--var",
            "urals_discount_usd_bbl",
        ]
        .into_iter()
        .chain(["--stat", "p50", "--csv"])
        .collect::<Vec<_>>(),
    );
    let (head, body) = parse_csv(&out);
    assert_eq!(
        head,
        [
            "date",
            "baseline: urals_discount_usd_bbl_p50 (USD/bbl)",
            "summit_failure: urals_discount_usd_bbl_p50 (USD/bbl)"
        ]
    );
    let (ra, rb) = (summary(&a), summary(&b));
    for row in &body {
        let key = (row[0].clone(), "urals_discount_usd_bbl".to_string());
        assert_eq!(row[1], ra[&key].1["p50"]);
        assert_eq!(row[2], rb[&key].1["p50"]);
    }
    assert_ne!(body[3][1], body[3][2], "two scenarios, two columns: {out}");
    // Text: a scenario line over each group, a bar between the groups.
    let table = show(&[s(&a), s(&b), "--var", "brent_usd_bbl", "--stat", "p50"]);
    let first = table.lines().next().unwrap();
    assert!(first.trim_start().starts_with("baseline"), "{table}");
    assert!(first.contains("|  summit_failure"), "{table}");
    assert!(table.lines().all(|l| l.contains('|')), "{table}");
    // No --var: the key variables of the charts, p10, p50 and p90.
    let out = show(&[s(&a), "--csv"]);
    let (head, _) = parse_csv(&out);
    assert_eq!(head.len(), 1 + 10 * 3, "{head:?}");
    assert_eq!(head[1], "brent_usd_bbl_p10 (USD/bbl)");
    assert_eq!(head[3], "brent_usd_bbl_p90 (USD/bbl)");
    assert_eq!(head[30], "shadow_fleet_share_p90 (share)");
}

#[test]
fn wildcards_match_variables_in_file_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "baseline", &[]);
    let out = show(&[
        s(&dir),
        "--var",
        "flow_*,*_discount_usd_bbl",
        "--stat",
        "p50",
        "--csv",
    ]);
    let (head, _) = parse_csv(&out);
    let want: Vec<String> = {
        let text = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
        let first = text
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(1)
            .unwrap()
            .to_string();
        let names: Vec<(String, String)> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f[1] == first)
            .map(|f| (f[2].to_string(), f[3].to_string()))
            .collect();
        let pick = |keep: &dyn Fn(&str) -> bool| {
            names
                .iter()
                .filter(|(n, _)| keep(n))
                .map(|(n, u)| format!("{n}_p50 ({u})"))
                .collect::<Vec<_>>()
        };
        let mut w = pick(&|n| n.starts_with("flow_"));
        w.extend(pick(&|n| n.ends_with("_discount_usd_bbl")));
        w
    };
    assert!(want.len() > 10, "{want:?}");
    assert_eq!(&head[1..], &want[..]);
}

#[test]
fn unknown_variables_and_statistics_name_the_nearest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "baseline", &[]);
    let file = dir.join("summary.csv");
    let err = show_fails(&[s(&dir), "--var", "brent_usd_bbl,urals_discont_usd_bbl"]);
    assert!(
        err.contains(&format!(
            "--var urals_discont_usd_bbl: `{}` has no variable `urals_discont_usd_bbl` \
             (did you mean `urals_discount_usd_bbl`?)",
            file.display()
        )),
        "{err}"
    );
    let err = show_fails(&[s(&dir), "--var", "brent"]);
    assert!(
        err.contains("variables starting with `brent`: `brent_usd_bbl`"),
        "{err}"
    );
    let err = show_fails(&[s(&dir), "--var", "qqq_*"]);
    assert!(err.contains("--var qqq_*: matches no variable of"), "{err}");
    let err = show_fails(&[s(&dir), "--stat", "p50,p5"]);
    assert!(
        err.contains("`p5` is not a statistic of summary.csv (did you mean `p05`?)"),
        "{err}"
    );
}

#[test]
fn month_ranges_inside_the_file_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "baseline", &[]);
    let out = show(&[
        s(&dir),
        "--var",
        "brent_usd_bbl",
        "--from",
        "2025-09",
        "--to",
        "2025-10",
        "--csv",
    ]);
    let (_, body) = parse_csv(&out);
    let dates: Vec<&str> = body.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(dates, ["2025-09-01", "2025-10-01"]);
    let err = show_fails(&[s(&dir), "--from", "2025-07"]);
    assert!(
        err.contains(&format!(
            "--from 2025-07 is outside the months of the results: `{}` has 2025-08 to 2025-11",
            dir.join("summary.csv").display()
        )),
        "{err}"
    );
    let err = show_fails(&[s(&dir), "--to", "2026-01"]);
    assert!(err.contains("--to 2026-01 is outside"), "{err}");
    let err = show_fails(&[s(&dir), "--to", "2025-9"]);
    assert!(
        err.contains("--to: expected a month `YYYY-MM`, got `2025-9`"),
        "{err}"
    );
    let err = show_fails(&[s(&dir), "--from", "2025-10", "--to", "2025-09"]);
    assert!(
        err.contains("--from 2025-10 is after --to 2025-09"),
        "{err}"
    );
}

#[test]
fn excel_eu_files_read_as_the_default_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = run(&tmp.path().join("a"), "baseline", &[]);
    let eu = run(
        &tmp.path().join("b"),
        "baseline",
        &["--csv-dialect", "excel-eu"],
    );
    let head = std::fs::read_to_string(eu.join("summary.csv")).unwrap();
    assert!(
        head.starts_with("scenario;date;variable;unit;mean;"),
        "{head}"
    );
    for extra in [&["--csv"][..], &[][..]] {
        let args = |d: &Path| {
            let mut v = vec![
                s(d).to_string(),
                "--var".into(),
                "brent_usd_bbl,flow_*".into(),
            ];
            v.extend(["--stat".into(), "mean,sd,p50".into()]);
            v.extend(extra.iter().map(|x| x.to_string()));
            v
        };
        let a = show(&args(&plain).iter().map(String::as_str).collect::<Vec<_>>());
        let b = show(&args(&eu).iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(a, b);
        assert!(!a.contains(';'));
    }
}

#[test]
fn a_folder_without_summary_csv_says_what_to_give() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run(&out, "baseline", &[]);
    run(&out, "summit_failure", &[]);
    let err = show_fails(&[s(&out)]);
    assert!(
        err.contains(&format!("{}: no summary.csv in this folder", out.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "this folder holds result folders: `{}`, `{}` (name one or more of them)",
            out.join("baseline").display(),
            out.join("summit_failure").display()
        )),
        "{err}"
    );
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = show_fails(&[s(&empty)]);
    assert!(
        err.contains("give a result folder (the folder holding summary.csv)"),
        "{err}"
    );
    assert!(!err.contains("holds result folders"), "{err}");
    let err = show_fails(&[s(&out.join("summit_failur"))]);
    assert!(
        err.contains("no such file or folder; did you mean"),
        "{err}"
    );
    assert!(err.contains("summit_failure`?"), "{err}");
    let err = show_fails(&[s(&out.join("baseline/wide.csv"))]);
    assert!(err.contains("is not a summary.csv"), "{err}");
}

#[test]
fn conditional_bands_folders_side_by_side() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(
        tmp.path(),
        "summit_uncertain",
        &["--by-outcome", "summit_pending"],
    );
    let split = dir.join("by_outcome");
    let err = show_fails(&[s(&split)]);
    assert!(err.contains("summit_pending=deal"), "{err}");
    let out = show(&[
        s(&split.join("summit_pending=deal")),
        s(&split.join("summit_pending=fail")),
        "--var",
        "brent_usd_bbl",
        "--stat",
        "p50",
        "--csv",
    ]);
    let (head, body) = parse_csv(&out);
    assert_eq!(
        head[1..],
        [
            "summit_uncertain|summit_pending=deal: brent_usd_bbl_p50 (USD/bbl)",
            "summit_uncertain|summit_pending=fail: brent_usd_bbl_p50 (USD/bbl)"
        ]
    );
    assert_eq!(body.len(), 4);
}

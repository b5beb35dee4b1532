//! Hostile round 9 (notes/hostile9.md), findings 1 and 5.
//!
//! 1: every file a scenario reads, the `[brent] imposed` CSV included, is part of the
//! manifest's `scenario_sha256`, listed in its `inputs`, looked at by the "reads … outside
//! the scenario's folder" warning, and so checked by `merge`.
//! 5: checks that stopped at the first plausible reading: a repeated CSV column,
//! `--sample-paths` against `--paths` under `--precision`, ids that differ only in case.

mod common;

use common::{expect, history_copy, run_small as run, sim};
use sanctions_sim::scenario::inputs::InputRole;
use std::fs;
use std::path::Path;

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// `data/brent_monthly.csv` of a history copy with its 2024-03 row at $150.
fn edit_brent(root: &Path) {
    let p = root.join("data/brent_monthly.csv");
    let text = fs::read_to_string(&p).unwrap();
    let edited: Vec<String> = text
        .lines()
        .map(|l| match l.strip_prefix("2024-03-01,") {
            Some(rest) => {
                let tail = rest
                    .split_once(',')
                    .map_or(String::new(), |(_, t)| format!(",{t}"));
                format!("2024-03-01,150.00{tail}")
            }
            None => l.to_string(),
        })
        .collect();
    assert_ne!(edited.join("\n") + "\n", text, "no 2024-03 row to edit");
    fs::write(&p, edited.join("\n") + "\n").unwrap();
}

/// #1: editing one row of the imposed CSV changes `scenario_sha256`; the manifest lists the
/// CSV with its SHA-256; the shipped layout (`data/` beside `scenarios/`) is not warned about.
#[test]
fn the_imposed_series_is_fingerprinted_and_listed() {
    let d = tempfile::tempdir().unwrap();
    let hist = history_copy(d.path());
    let sc = hist.join("replay_2024.toml");
    let err = run(&sc, &d.path().join("a"), &[], 0);
    assert!(!err.contains("outside the scenario"), "{err}");
    edit_brent(d.path());
    run(&sc, &d.path().join("b"), &[], 0);
    let (a, b) = (
        manifest(&d.path().join("a/replay_2024")),
        manifest(&d.path().join("b/replay_2024")),
    );
    assert_ne!(a["scenario_sha256"], b["scenario_sha256"]);
    let inputs = b["inputs"].as_array().expect("inputs");
    let roles: Vec<&str> = inputs.iter().map(|i| i["role"].as_str().unwrap()).collect();
    assert_eq!(roles.last(), Some(&"imposed_brent"), "{inputs:?}");
    assert!(roles.contains(&"market") && roles.contains(&"scenario"));
    let csv = inputs.last().unwrap();
    assert!(csv["path"].as_str().unwrap().ends_with("brent_monthly.csv"));
    let bytes = fs::read(d.path().join("data/brent_monthly.csv")).unwrap();
    assert_eq!(
        csv["sha256"],
        sanctions_sim::output::manifest::sha256_hex(&bytes)
    );
    assert_ne!(a["inputs"][roles.len() - 1]["sha256"], csv["sha256"]);
}

/// #1: the library view: the series is the last input and a section of the resolved text;
/// a scenario without one has no such section (its hash did not change).
#[test]
fn only_a_scenario_with_an_imposed_series_gets_the_section() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc =
        sanctions_sim::scenario::load(&root.join("scenarios/history/replay_2024.toml")).unwrap();
    assert_eq!(sc.inputs.last().unwrap().role, InputRole::ImposedBrent);
    assert!(sc
        .resolved_text
        .contains("\n## imposed brent file\ndate,usd_bbl"));
    let base = common::scenario("baseline");
    assert!(!base.resolved_text.contains("## imposed brent file"));
    assert_eq!(base.inputs.len(), base.files.len());
    assert!(base
        .inputs
        .iter()
        .all(|i| i.role != InputRole::ImposedBrent));
}

/// #1: `merge` refuses shards run before and after an edit of the imposed CSV.
#[test]
fn merge_refuses_shards_across_an_imposed_edit() {
    let d = tempfile::tempdir().unwrap();
    let hist = history_copy(d.path());
    let sc = hist.join("replay_2024.toml");
    let shards = d.path().join("sh");
    run(&sc, &shards, &["--shard", "1/2"], 0);
    edit_brent(d.path());
    run(&sc, &shards, &["--shard", "2/2"], 0);
    let err = expect(
        sim()
            .arg("merge")
            .arg(&shards)
            .arg("--out")
            .arg(d.path().join("m")),
        1,
    );
    assert!(err.contains("scenario_sha256"), "{err}");
    assert!(err.contains("brent.imposed"), "{err}");
    assert!(!d.path().join("m/replay_2024").exists());
}

/// #1: an imposed CSV outside the scenario's `scenarios/` tree (and outside the `data/`
/// beside it) gets the warning, naming the file and the key.
#[test]
fn an_imposed_series_outside_the_folder_is_warned() {
    let d = tempfile::tempdir().unwrap();
    let hist = history_copy(d.path());
    let elsewhere = d.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::copy(
        d.path().join("data/brent_monthly.csv"),
        elsewhere.join("b_ok.csv"),
    )
    .unwrap();
    let p = hist.join("mine.toml");
    fs::write(
        &p,
        "extends = \"replay_2024.toml\"\n[scenario]\nname = \"mine\"\n\
         [brent]\nimposed = \"../../elsewhere/b_ok.csv\"\n",
    )
    .unwrap();
    let err = run(&p, &d.path().join("o"), &[], 0);
    assert!(
        err.contains("warning: mine: reads") && err.contains("b_ok.csv"),
        "{err}"
    );
    assert!(err.contains("through `brent.imposed`"), "{err}");
    assert_eq!(err.matches("outside the scenario").count(), 1, "{err}");
    let m = manifest(&d.path().join("o/mine"));
    let last = m["inputs"].as_array().unwrap().last().unwrap().clone();
    assert!(last["path"].as_str().unwrap().ends_with("b_ok.csv"), "{m}");
}

/// #5a: an imposed CSV whose header repeats `usd_bbl` is refused at `brent.imposed`, naming
/// the file and the column (the first column was used, the second silently ignored).
#[test]
fn an_imposed_csv_with_a_repeated_column_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let hist = history_copy(d.path());
    let src = fs::read_to_string(d.path().join("data/brent_monthly.csv")).unwrap();
    let mut dup = String::from("date,usd_bbl,usd_bbl\n");
    for l in src.lines().skip(1) {
        let mut f = l.split(',');
        let (date, price) = (f.next().unwrap(), f.next().unwrap());
        dup.push_str(&format!("{date},{price},300\n"));
    }
    fs::write(hist.join("b_dupcol.csv"), dup).unwrap();
    let p = hist.join("imp_dupcol.toml");
    fs::write(
        &p,
        "extends = \"replay_2024.toml\"\n[scenario]\nname = \"imp_dupcol\"\n\
         [brent]\nimposed = \"b_dupcol.csv\"\n",
    )
    .unwrap();
    let e = sanctions_sim::scenario::load(&p).unwrap_err();
    let d0 = &e.diagnostics[0];
    assert_eq!(d0.key.as_deref(), Some("brent.imposed"), "{e}");
    assert!(d0.file.ends_with("imp_dupcol.toml") && d0.line == 5, "{e}");
    assert!(
        d0.message.contains("b_dupcol.csv:1:")
            && d0
                .message
                .contains("names the column `usd_bbl` twice (columns 2 and 3)"),
        "{e}"
    );
    // The sibling reader of the backtest's observed points refuses the same way.
    let obs = "date,variable,value,value,unit,source\n2024-01-01,x,1,2,u,s\n";
    let err = sanctions_sim::backtest::observed::parse(Path::new("obs.csv"), obs)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`value` twice"), "{err}");
    // Empty names (trailing commas) are never looked up, so they may repeat.
    let ok = "date,usd_bbl,,\n2024-01-01,80,,\n";
    assert!(sanctions_sim::scenario::imposed::ImposedBrent::parse(
        Path::new("b.csv"),
        ok.as_bytes()
    )
    .is_ok());
}

/// #5b: under `--precision`, `--sample-paths` is checked against the paths the run is sure to
/// have (its first batch: `--paths` rounded up to 4,096, capped at `--max-paths`), not against
/// `--paths`.
#[test]
fn sample_paths_under_precision_is_checked_against_the_first_batch() {
    let d = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let run_p = |extra: &[&str], out: &str, code: i32| {
        expect(
            sim()
                .arg("run")
                .arg(&base)
                .args(["--paths", "10", "--months", "2", "--precision", "0.5"])
                .args([
                    "--threads",
                    "1",
                    "--quiet",
                    "--no-charts",
                    "--no-report",
                    "--out",
                ])
                .arg(d.path().join(out))
                .args(extra),
            code,
        )
    };
    run_p(&["--max-paths", "300", "--sample-paths", "20"], "a", 0);
    let paths = fs::read_to_string(d.path().join("a/baseline/paths.csv")).unwrap();
    assert!(paths.lines().any(|l| l.starts_with("19,")), "no path 19");
    assert!(!paths.lines().any(|l| l.starts_with("20,")), "a path 20");
    let err = run_p(&["--max-paths", "300", "--sample-paths", "301"], "b", 1);
    assert!(
        err.contains("--sample-paths 301 is more than the 300 paths")
            && err.contains("raise --max-paths"),
        "{err}"
    );
    assert!(!err.contains("the 10 paths"), "{err}");
    // Without --max-paths (1,000,000), the first batch is 4,096: the advice is --paths.
    let err = run_p(&["--sample-paths", "5000"], "c", 1);
    assert!(
        err.contains("more than the 4096 paths") && err.contains("raise --paths"),
        "{err}"
    );
}

/// #5c: two buyer ids equal but for case are refused at the second `[[buyer]] id`, naming
/// both, instead of as a `report_as`/`[[output]]` clash at 1:1; pipelines alike.
#[test]
fn ids_equal_but_for_case_are_refused_at_the_id() {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/market/default.toml"),
    )
    .unwrap();
    let case = text
        .replace("id = \"TR\"", "id = \"In\"")
        .replace("to = \"TR\"", "to = \"In\"")
        .replace("buyers = [\"TR\"]", "buyers = [\"In\"]");
    assert_ne!(case, text);
    let d = common::market_diagnostic(&case, "buyer case", "buyer.id");
    assert!(d.line > 1, "{d:?}");
    assert!(
        d.message
            .contains("buyer id `In` differs from buyer id `IN`")
            && d.message.contains("only in case"),
        "{d:?}"
    );
    let e = common::load_with_market(&case, "buyer case").to_string();
    assert!(!e.contains("would be written twice"), "{e}");
    let pipe = text.replace("id = \"DRZ\"", "id = \"cnp\"");
    let d = common::market_diagnostic(&pipe, "pipeline case", "pipeline.id");
    assert!(
        d.message
            .contains("pipeline id `cnp` differs from pipeline id `CNP`")
            && d.line > 1,
        "{d:?}"
    );
}

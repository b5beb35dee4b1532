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

//! The seventh walkthrough's fixes (finding 6): `backtest` from a copy of `scenarios/`
//! whose replays cannot reach the repository's `data/` (or a market file) says how to fix it.

mod common;

use common::{copy_dir, expect, sim};
use std::path::Path;

const FIX: &str = "--history <repo>/scenarios/history";

/// The walkthrough's case: `scenarios/` copied alone, the backtest run from the copy's parent.
/// The replays' `../../data/brent_monthly.csv` is not there; the help names the fix.
#[test]
fn backtest_from_a_copy_of_scenarios_names_the_history_flag() {
    let d = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("scenarios"), &d.path().join("scenarios"));
    let err = expect(
        sim()
            .current_dir(d.path())
            .args(["backtest", "--paths", "1", "--out"])
            .arg(d.path().join("o")),
        1,
    );
    assert!(err.contains("error[brent.imposed]"), "{err}");
    assert!(err.contains("cannot read imposed Brent file"), "{err}");
    assert!(err.contains(FIX), "{err}");
    assert!(err.contains("repository root"), "{err}");
}

/// The same fix for any history-relative file: here `calibrate` with a copy of the history
/// folder and `data/`, but not `scenarios/market/` (`b6_free.toml` names
/// `../../market/default.toml`).
#[test]
fn a_missing_market_file_under_history_names_the_same_fix() {
    let d = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let history = d.path().join("scenarios/history");
    copy_dir(&root.join("scenarios/history"), &history);
    copy_dir(&root.join("data"), &d.path().join("data"));
    let err = expect(
        sim()
            .args(["calibrate", "--paths", "1", "--sweeps", "1", "--history"])
            .arg(&history),
        1,
    );
    assert!(err.contains("error[scenario.market]"), "{err}");
    assert!(err.contains("cannot read market file"), "{err}");
    assert!(err.contains(FIX), "{err}");
}

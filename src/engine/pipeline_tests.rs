//! The pipeline's determinism across thread counts and its stop request, end to end.

use super::super::run::{run, RunError, RunOptions};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

fn scenario() -> crate::scenario::Scenario {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    crate::scenario::load(&p).expect("shipped scenario loads")
}

/// Sketch mode (tiny budget) over more chunks than the look-ahead window of 3 threads,
/// ending in a partial chunk: every thread count gives the same bits.
#[test]
fn sketch_run_is_identical_for_any_thread_count() {
    let sc = scenario();
    let runs: Vec<String> = [1, 2, 3]
        .iter()
        .map(|&threads| {
            let o = RunOptions {
                paths: 15 * 256 + 17,
                months: 2,
                seed: 7,
                threads,
                budget_bytes: 1,
                cancel: None,
                probes: vec!["brent_usd_bbl>70".into()],
                periods: Vec::new(),
                rng: Default::default(),
            };
            let r = run(&sc, &o, &|_| {}).expect("run");
            assert_eq!(r.summary.mode.as_str(), "sketch");
            format!(
                "{:?} {:?} {:?} {:?}",
                r.summary.cells, r.derived, r.diagnostics, r.trees
            )
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[0], runs[2]);
}

#[test]
fn a_requested_stop_is_reported() {
    let o = RunOptions {
        paths: 600,
        months: 2,
        seed: 7,
        threads: 2,
        budget_bytes: 1,
        cancel: Some(Arc::new(AtomicBool::new(true))),
        probes: Vec::new(),
        periods: Vec::new(),
        rng: Default::default(),
    };
    assert_eq!(
        run(&scenario(), &o, &|_| {}).err(),
        Some(RunError::Cancelled)
    );
}

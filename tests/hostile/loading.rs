//! Class 2 of issue 15, linear loading: a 200,000-event file (16 MB, inside the 16 MiB
//! limit) loads in a few seconds, valid or with an error in every event. The bound is
//! generous on purpose (a loaded CI machine): it guards against a return of the quadratic
//! blow-up (minutes), not the timing, which benches/loading.rs measures.

use super::baseline;
use std::time::{Duration, Instant};

const EVENTS: usize = 200_000;
const LIMIT: Duration = Duration::from_secs(30);

fn events_file(dir: &std::path::Path, value: impl Fn(usize) -> usize) -> std::path::PathBuf {
    let mut text = format!(
        "extends = {:?}\n[scenario]\nname = \"many\"\n",
        baseline().to_str().unwrap()
    );
    for i in 0..EVENTS {
        text.push_str(&format!(
            "[[event]]\ndate = \"2025-09-01\"\nlever = \"tariff.IN.rate\"\naction = \"set\"\nvalue = {}\n",
            value(i)
        ));
    }
    let p = dir.join("many.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn two_hundred_thousand_events_load_in_seconds() {
    let d = tempfile::tempdir().unwrap();
    let p = events_file(d.path(), |i| i % 5);
    let t0 = Instant::now();
    let sc = sanctions_sim::scenario::load(&p).unwrap();
    assert!(t0.elapsed() < LIMIT, "valid: {:?}", t0.elapsed());
    assert!(sc.events.len() >= EVENTS, "{}", sc.events.len());
    // Simulating them is linear too: each path keys a stream per event by its (lever, date)
    // occurrence, which used to be counted by rescanning (a minute per path at 200,000).
    let t0 = Instant::now();
    for path in 0..2 {
        let mut sim = sanctions_sim::engine::path::PathSim::new(&sc, 1, path);
        sim.step_month();
        sim.step_month();
    }
    assert!(t0.elapsed() < LIMIT, "two paths: {:?}", t0.elapsed());
    // And `validate`'s findings (each event looked up among the earlier files' events on its
    // lever, not compared with every event: 20 s before).
    let t0 = Instant::now();
    let _ = sanctions_sim::scenario::overrides(&sc);
    assert!(t0.elapsed() < LIMIT, "findings: {:?}", t0.elapsed());
    // Every event wrong: one diagnostic each, each with its line (the path that was
    // quadratic).
    let p = events_file(d.path(), |_| 9);
    let t0 = Instant::now();
    let e = sanctions_sim::scenario::load(&p).unwrap_err();
    assert!(t0.elapsed() < LIMIT, "invalid: {:?}", t0.elapsed());
    assert_eq!(e.diagnostics.len(), EVENTS);
    let last = e.diagnostics.last().unwrap();
    assert_eq!(last.line, 3 + 5 * EVENTS, "{last}");
}

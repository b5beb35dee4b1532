//! (c) A full run of `scenarios/summit_failure.toml` with summaries, end to end in memory:
//! engine (paths, per-chunk summaries, ordered merge, quantiles) plus formatting
//! `summary.csv` and `wide.csv`. A custom timing harness (criterion's repeated sampling would
//! take many minutes at this size); it prints path-months/s for each thread count.
//!
//! `cargo bench --bench full_run` runs 100,000 paths × 36 months on 2 threads, then 1.
//! Environment overrides: `SIM_PATHS` (default 100000), `SIM_MONTHS` (36), `SIM_THREADS`
//! (comma-separated, default `2,1`), `SIM_REPS` (1; the best repetition is reported),
//! `SIM_BUDGET_BYTES` (the exact-summary budget; a small one forces sketch mode when profiling).
//! See docs/performance.md.

use sanctions_sim::engine::run::{run, RunOptions};
use sanctions_sim::engine::stats::DEFAULT_BUDGET_BYTES;
use sanctions_sim::output::csv::{summary_csv, wide_csv, VarMeta};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

/// The allocator of the `sanctions-sim` binary (src/main.rs), so the bench measures what the
/// command runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v}: not a valid value")),
        Err(_) => default,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing to do here.
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let paths: u64 = env_or("SIM_PATHS", 100_000);
    let months: usize = env_or("SIM_MONTHS", 36);
    let reps: usize = env_or::<usize>("SIM_REPS", 1).max(1);
    let threads: Vec<usize> = std::env::var("SIM_THREADS")
        .unwrap_or_else(|_| "2,1".into())
        .split(',')
        .map(|t| {
            t.trim()
                .parse()
                .expect("SIM_THREADS: comma-separated integers")
        })
        .collect();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    let sc = sanctions_sim::scenario::load(&path)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));
    for &t in &threads {
        let opts = RunOptions {
            paths,
            months,
            seed: sc.seed,
            threads: t,
            budget_bytes: env_or("SIM_BUDGET_BYTES", DEFAULT_BUDGET_BYTES),
            cancel: None,
            probes: Vec::new(),
            periods: Vec::new(),
            rng: Default::default(),
        };
        let mut best = f64::INFINITY;
        let mut engine_best = f64::INFINITY;
        let mut mode = "";
        for _ in 0..reps {
            let t0 = Instant::now();
            let r = run(&sc, &opts, &|_| {}).expect("engine run");
            let engine = t0.elapsed().as_secs_f64();
            let vars: Vec<VarMeta> = r
                .vars
                .iter()
                .map(|v| VarMeta {
                    name: v.name.clone(),
                    unit: v.unit.clone(),
                })
                .collect();
            black_box(summary_csv(&sc.name, sc.start, &vars, &r.summary));
            black_box(wide_csv(sc.start, &vars, &r.summary));
            best = best.min(t0.elapsed().as_secs_f64());
            mode = r.summary.mode.as_str();
            engine_best = engine_best.min(engine);
        }
        let pm = paths as f64 * months as f64;
        println!(
            "full_run/summit_failure {paths}x{months} threads {t} mode {mode}: {best:.3} s, \
             {:.0} path-months/s (engine alone {engine_best:.3} s, {:.0} path-months/s)",
            pm / best,
            pm / engine_best,
        );
    }
}

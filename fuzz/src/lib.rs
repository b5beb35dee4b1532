//! Shared harness of the fuzz targets: a scratch folder laid out like `scenarios/` (the
//! shipped scenarios and market file, so `extends = "baseline.toml"` and
//! `market = "market/default.toml"` resolve), into which each input is written before it is
//! handed to the real loader, [`sanctions_sim::scenario::load`]. The loader only takes a path,
//! so the input goes through the same file reading (size guard, UTF-8 check) as in the CLI.

pub mod structured;
mod vocab;

use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::vars::variables;
use sanctions_sim::scenario::{load, Scenario};
use std::path::PathBuf;
use std::sync::OnceLock;

const SHIPPED: &[(&str, &str)] = &[
    (
        "baseline.toml",
        include_str!("../../scenarios/baseline.toml"),
    ),
    (
        "summit_failure.toml",
        include_str!("../../scenarios/summit_failure.toml"),
    ),
    (
        "summit_success.toml",
        include_str!("../../scenarios/summit_success.toml"),
    ),
    (
        "summit_uncertain.toml",
        include_str!("../../scenarios/summit_uncertain.toml"),
    ),
    (
        "china_sanctions.toml",
        include_str!("../../scenarios/china_sanctions.toml"),
    ),
    (
        "market/default.toml",
        include_str!("../../scenarios/market/default.toml"),
    ),
];

/// Name of the file each input is written to, inside the scratch folder.
pub const INPUT: &str = "fuzz_input.toml";

pub(crate) fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Kept for the life of the fuzzing process; one folder per process so parallel
        // jobs (`-jobs=N`) never read each other's input.
        let dir = tempfile::Builder::new()
            .prefix("sanctions-sim-fuzz-")
            .tempdir()
            .expect("create scratch folder")
            .keep();
        for (rel, text) in SHIPPED {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    })
}

/// Writes `bytes` as the scenario file and loads it. Every error must render (the renderer
/// is part of what is fuzzed) and stay short whatever the input: a message that quotes a
/// huge line in full is a bug (docs/reliability.md).
pub fn load_input(bytes: &[u8]) -> Option<Scenario> {
    let path = scratch().join(INPUT);
    std::fs::write(&path, bytes).expect("write fuzz input");
    match load(&path) {
        Ok(sc) => Some(sc),
        Err(e) => {
            for d in &e.diagnostics {
                let shown = d.to_string();
                let longest = shown.lines().map(|l| l.chars().count()).max().unwrap_or(0);
                assert!(
                    longest <= MAX_RENDERED_LINE,
                    "a diagnostic line of {longest} characters: {}",
                    &shown[..shown.len().min(400)]
                );
            }
            let _ = e.to_string();
            None
        }
    }
}

/// Longest line a rendered diagnostic may have: the header `error[<key>]: <message>` with
/// key and message each elided at `MAX_QUOTED` (1000) characters; the source window is 120.
pub const MAX_RENDERED_LINE: usize = 2100;

/// Runs one path of a loaded scenario for at most `max_months` months and checks that every
/// output is finite. Fuzz builds keep debug assertions, so the engine's own §11.1 invariant
/// checks (`PathSim::step_month`) run too.
pub fn simulate_briefly(sc: &Scenario, max_months: usize) {
    let vars = variables(&sc.market);
    let mut out = vec![0.0; vars.len()];
    let mut p = PathSim::new(sc, sc.seed, 0);
    for _ in 0..sc.months.min(max_months) {
        p.step_month();
        p.write_vars(&vars, &mut out);
    }
    assert_eq!(
        p.diag.nonfinite, 0,
        "non-finite outputs in a valid scenario: {:?}",
        p.diag
    );
}

/// The baseline scenario, loaded once (the partials of [`partial_input`] merge into it).
fn baseline() -> &'static Scenario {
    static SC: OnceLock<Scenario> = OnceLock::new();
    SC.get_or_init(|| load(&scratch().join("baseline.toml")).expect("baseline loads"))
}

/// See `fuzz_targets/partial_bin.rs`.
pub fn partial_input(data: &[u8]) {
    use sanctions_sim::engine::partial::{check_set, decode, merge, FORMAT_VERSION};
    use sha2::{Digest, Sha256};
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let mut b = b"SSIMPART".to_vec();
        b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        b.extend_from_slice(rest);
        let digest = Sha256::digest(&b);
        b.extend_from_slice(&digest);
        b
    };
    let Ok(p) = decode(&bytes) else {
        return;
    };
    let mut set = vec![("fuzz".to_string(), p)];
    if check_set(&mut set).is_err() {
        return;
    }
    let parts = set.into_iter().map(|(_, p)| p).collect();
    if let Ok(r) = merge(baseline(), parts) {
        assert_eq!(r.summary.cells.len(), r.months * r.vars.len());
    }
}

/// Longest message of the imposed-series reader: it quotes at most 40 characters of a field.
pub const MAX_IMPOSED_MESSAGE: usize = 600;

/// See `fuzz_targets/imposed_csv.rs`.
pub fn imposed_input(data: &[u8]) {
    use sanctions_sim::scenario::imposed::ImposedBrent;
    let path = std::path::Path::new("fuzz.csv");
    match ImposedBrent::parse(path, data) {
        Ok(b) => {
            assert!(!b.prices.is_empty());
            assert!(b.prices.iter().all(|p| p.is_finite() && *p > 0.0));
            assert_eq!(b.last() - b.first + 1, b.prices.len() as i32);
            assert_eq!(b.price(b.first), Some(b.prices[0]));
            assert_eq!(b.price(b.last() + 1), None);
            let months = b.prices.len();
            assert!(b.covers(b.first + 1, months - 1).is_ok() || months == 1);
            assert!(b.covers(b.first, months).is_err());
        }
        Err(e) => assert!(
            e.chars().count() <= MAX_IMPOSED_MESSAGE,
            "an error of {} characters",
            e.chars().count()
        ),
    }
}

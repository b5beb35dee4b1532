//! `manifest.json`: what produced a result folder, from which input, and how fast.
//!
//! It records the tool version, the scenario and a SHA-256 of its resolved text, the seed and
//! run shape, so a result can be traced and reproduced; the timing fields (`wall_seconds`,
//! `path_months_per_second`) naturally differ between runs, unlike `summary.csv` and `wide.csv`.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The program name written into every manifest.
pub const TOOL: &str = "sanctions-sim";
/// This crate's version, written into every manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Contents of `manifest.json`. Field order is the JSON key order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// Always [`TOOL`].
    pub tool: String,
    /// Always [`VERSION`].
    pub version: String,
    /// Scenario name.
    pub scenario: String,
    /// Path of the scenario file as given.
    pub scenario_path: String,
    /// [`sha256_hex`] of the resolved scenario text.
    pub scenario_sha256: String,
    pub seed: u64,
    pub paths: u64,
    pub months: usize,
    /// First month, `YYYY-MM`.
    pub start: String,
    pub threads: usize,
    /// Like every number of the manifest, a string (`"nan"`, `"inf"`) when not finite (D212).
    #[serde(serialize_with = "crate::engine::run::number_or_text")]
    pub wall_seconds: f64,
    #[serde(serialize_with = "crate::engine::run::number_or_text")]
    pub path_months_per_second: f64,
    /// `"exact"` or `"sketch"` (see `SummaryMode::as_str`).
    pub summary_mode: String,
    /// Counts reported by the engine, e.g. solver fallbacks; sorted by name.
    pub diagnostics: BTreeMap<String, u64>,
    /// Names of the files written next to the manifest (relative paths).
    pub files: Vec<String>,
    /// Conditional bands (`run --by-outcome`): per split exit, the number of paths of each
    /// outcome. Left out when empty.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub by_outcome: BTreeMap<String, BTreeMap<String, u64>>,
    /// `merge`: the number of shard partials this result was merged from. Left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_from_shards: Option<u64>,
    /// `run --precision`: the stopping rule, the batches and why it stopped. Left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<crate::engine::precision::PrecisionReport>,
    /// `--csv-dialect` when not the default (`"excel-eu"`). Left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv_dialect: Option<String>,
    /// `seed` as a decimal string, when it is above [`EXACT_JSON_INT`]: JSON readers that
    /// hold numbers as doubles (JavaScript, jq, spreadsheets) round such a `seed`. Set by
    /// [`Manifest::set_seed`]; left out otherwise (D151).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed_text: Option<String>,
    /// `compare`: each compared scenario's market file, baseline first, in the order of
    /// `scenario_path`; the market file defines the variables that are paired by name
    /// (hostile round 8 finding 3). Left out otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub market_paths: Vec<String>,
    /// Every file the scenario read (`Scenario::inputs`): its role (`scenario`, `market`,
    /// `imposed_brent`), its path and the SHA-256 of its text, so that a result names the
    /// data it was made from and a changed file can be found (hostile round 9 #1). For
    /// `compare`, those of every compared scenario, each file once. Left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputEntry>,
}

/// One row of the manifest's `inputs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputEntry {
    pub role: String,
    pub path: String,
    pub sha256: String,
}

impl InputEntry {
    /// The rows of `sc`'s inputs.
    pub fn of(sc: &crate::scenario::Scenario) -> Vec<InputEntry> {
        sc.inputs
            .iter()
            .map(|f| InputEntry {
                role: f.role.as_str().to_string(),
                path: f.path.display().to_string(),
                sha256: f.sha256.clone(),
            })
            .collect()
    }
}

/// 2^53: the largest range of whole numbers a double holds exactly.
pub const EXACT_JSON_INT: u64 = 1 << 53;

impl Manifest {
    /// A manifest with [`TOOL`] and [`VERSION`] filled in and everything else empty or zero.
    pub fn new() -> Self {
        Manifest {
            tool: TOOL.to_string(),
            version: VERSION.to_string(),
            scenario: String::new(),
            scenario_path: String::new(),
            scenario_sha256: String::new(),
            seed: 0,
            paths: 0,
            months: 0,
            start: String::new(),
            threads: 0,
            wall_seconds: 0.0,
            path_months_per_second: 0.0,
            summary_mode: String::new(),
            diagnostics: BTreeMap::new(),
            files: Vec::new(),
            by_outcome: BTreeMap::new(),
            merged_from_shards: None,
            precision: None,
            csv_dialect: None,
            seed_text: None,
            market_paths: Vec::new(),
            inputs: Vec::new(),
        }
    }

    /// Sets `seed`, and `seed_text` when the seed is above [`EXACT_JSON_INT`].
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.seed_text = (seed > EXACT_JSON_INT).then(|| seed.to_string());
    }

    /// [`Manifest::new`] with the scenario's identity filled in: name, path as given, SHA-256
    /// of its resolved text and start month.
    pub fn for_scenario(sc: &crate::scenario::Scenario) -> Self {
        let mut m = Manifest::new();
        m.scenario = sc.name.clone();
        m.scenario_path = sc.path.display().to_string();
        m.scenario_sha256 = sha256_hex(sc.resolved_text.as_bytes());
        m.inputs = InputEntry::of(sc);
        m.start = crate::policy::calendar::iso_month(sc.start);
        m
    }
}

impl Default for Manifest {
    fn default() -> Self {
        Self::new()
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Pretty-printed JSON with a trailing newline. A non-finite number is written as the string
/// `"nan"`, `"inf"` or `"-inf"`, never as `null` (D212).
pub fn to_json(m: &Manifest) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(m).expect("a Manifest always serializes");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn json_shape() {
        let mut m = Manifest::new();
        m.scenario = "baseline".into();
        m.start = "2025-01".into();
        m.summary_mode = "exact".into();
        m.diagnostics.insert("solver_fallbacks".into(), 3);
        m.diagnostics.insert("brent_clamped".into(), 0);
        m.files = vec!["summary.csv".into(), "wide.csv".into()];
        m.wall_seconds = f64::NAN;
        let text = String::from_utf8(to_json(&m)).unwrap();
        assert!(text.ends_with("}\n"));
        assert!(text.starts_with("{\n  \"tool\": \"sanctions-sim\",\n  \"version\": \""));
        assert!(text.contains("\"wall_seconds\": \"nan\""));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], VERSION);
        assert_eq!(v["diagnostics"]["solver_fallbacks"], 3);
        assert_eq!(v["files"][1], "wide.csv");
        let keys: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("  \""))
            .map(|l| l.trim().split('"').nth(1).unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "tool",
                "version",
                "scenario",
                "scenario_path",
                "scenario_sha256",
                "seed",
                "paths",
                "months",
                "start",
                "threads",
                "wall_seconds",
                "path_months_per_second",
                "summary_mode",
                "diagnostics",
                "files"
            ]
        );
        let mut big = Manifest::new();
        big.set_seed(EXACT_JSON_INT);
        assert!(!String::from_utf8(to_json(&big))
            .unwrap()
            .contains("seed_text"));
        big.set_seed(i64::MAX as u64);
        let v: serde_json::Value = serde_json::from_slice(&to_json(&big)).unwrap();
        assert_eq!(v["seed_text"], "9223372036854775807");
        assert_eq!(v["seed"].as_u64(), Some(i64::MAX as u64));
        // BTreeMap: names sorted.
        assert!(text.find("brent_clamped").unwrap() < text.find("solver_fallbacks").unwrap());
    }
}

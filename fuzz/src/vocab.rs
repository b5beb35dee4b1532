//! The words `structured` builds scenarios from: real names of the scenario format
//! (docs/scenarios.md, `sanctions-sim schema`) with a few wrong ones mixed in, so that the
//! "unknown ..., did you mean" paths are reached too.

/// Real lever names plus wildcards and near-misses.
pub const LEVERS: &[&str] = &[
    "cap.eu_usd",
    "cap.eu_mode",
    "cap.eu_dyn_factor",
    "cap.eu_review_months",
    "cap.us_usd",
    "cap.authority",
    "cap.enforcement",
    "cap.attestation_usd",
    "cap.services_ban",
    "cap.refusal_prob",
    "fleet.shadow_capacity",
    "fleet.western_capacity",
    "fleet.designation.rate",
    "fleet.designation.mean_share",
    "fleet.designation.us_prob",
    "fleet.designation.batch",
    "sdn.share",
    "sdn.wave",
    "relief.active",
    "supply.russia_exports_adj",
    "supply.ramp_mbd",
    "supply.opec_spare_mbd",
    "supply.opec_adj_mbd",
    "demand.world_adj_mbd",
    "supply.gulf_outage_mbd",
    "risk_premium.jump",
    "tariff.IN.rate",
    "tariff.CN.base_rate",
    "tariff.TR.exposed_exports_bn",
    "tariff.IN.snapback_rate",
    "tariff.CN.snapback_prob",
    "secondary.CN.capacity_cut",
    "secondary.IN.risk_wedge_usd",
    "secondary.CN.pipeline_block_prob",
    "carrot.IN.value_bn",
    "buyer.IN.capacity_scale",
    "buyer.CN.capacity_scale",
    "buyer.EU.capacity_scale",
    "stance.IN.force",
    "stance.CN.force",
    "pipeline.CNP.availability",
    "pipeline.DRZ.availability",
    "freight.W.scale",
    "freight.E.scale",
    "tariff.*.rate",
    "buyer.*.capacity_scale",
    "stance.*.force",
    "pipeline.*.availability",
    "freight.*.scale",
    "*.IN.rate",
    "tariff.*",
    "tarif.IN.rate",
    "",
];
pub const ACTIONS: &[&str] = &["set", "add", "scale", "ramp", "pulse", "fire", "toggle"];
pub const WORDS: &[&str] = &[
    "fixed", "dynamic", "eu", "us", "min", "auto", "buy", "halt", "none", "rest", "", "x",
];
/// Basin ids for `sdn.wave` `basins`: the default market's, a stranger and an empty one.
pub const BASINS: &[&str] = &["W", "E", "X", ""];
pub const DIST_NAMES: &[&str] = &[
    "normal",
    "lognormal",
    "uniform",
    "tri",
    "triangular",
    "pert",
    "beta",
    "poisson",
    "const",
    "gamma",
];
pub const IDS: &[&str] = &["a", "b", "c", "d", "status_quo", "bad id", ""];
pub const EXTENDS: &[&str] = &[
    "baseline.toml",
    "summit_failure.toml",
    "summit_uncertain.toml",
    "fuzz_input.toml",
    "missing.toml",
    "market/default.toml",
    "../fuzz_input.toml",
];
pub const MARKETS: &[&str] = &["market/default.toml", "baseline.toml", "missing.toml", ""];
pub const NAMES: &[&str] = &["fuzzed", "a-b_1", "../../x", "", "x y", ".hidden"];
/// Keys that do not exist, to reach the unknown-key hints.
pub const JUNK_KEYS: &[&str] = &["month", "path", "seeds", "p_0", "levr", "valu"];

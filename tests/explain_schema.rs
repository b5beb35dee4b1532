//! `explain` and `schema`: the resolved scenario with provenance, and the JSON Schema of the
//! scenario format (every shipped scenario validates against it; broken files do not).

use assert_cmd::Command;
use sanctions_sim::cli::schema::{registry_of, DEFAULT_MARKET};
use sanctions_sim::dist::DIST_NAMES;
use sanctions_sim::market::params::ParamSpec;
use sanctions_sim::scenario::{self, scenario_schema};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> Vec<PathBuf> {
    let v = scenario::discover(&root().join("scenarios")).unwrap();
    assert!(v.len() >= 4, "{v:?}");
    v
}

fn schema() -> Value {
    let reg = registry_of(DEFAULT_MARKET, "default market").unwrap_or_else(|e| panic!("{e:?}"));
    scenario_schema(Some(&reg))
}

/// A TOML file as the JSON an editor's schema validator sees.
fn toml_as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let t: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::to_value(t).unwrap()
}

fn errors(schema: &Value, doc: &Value) -> Vec<String> {
    let v = jsonschema::validator_for(schema).expect("the schema compiles");
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn schema_is_valid_draft_2020_12() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&s).unwrap_or_else(|e| panic!("not a valid schema: {e}"));
    // Also without a market (lever names as a pattern).
    jsonschema::meta::validate(&scenario_schema(None)).unwrap();
}

#[test]
fn every_shipped_scenario_validates() {
    let s = schema();
    let any = scenario_schema(None);
    // The history replays and their counterfactuals too (they use `basins`, `imposed`, …).
    let mut files = shipped();
    for dir in ["scenarios/history", "scenarios/history/counterfactual"] {
        files.extend(scenario::discover(&root().join(dir)).unwrap());
    }
    assert!(files.len() >= 4 + 3 + 11, "{files:?}");
    for f in files {
        let doc = toml_as_json(&f);
        let errs = errors(&s, &doc);
        assert!(errs.is_empty(), "{}:\n{}", f.display(), errs.join("\n"));
        let errs = errors(&any, &doc);
        assert!(
            errs.is_empty(),
            "{} (any lever):\n{}",
            f.display(),
            errs.join("\n")
        );
    }
}

#[test]
fn broken_files_fail_validation() {
    let s = schema();
    let dir = root().join("tests/fixtures/broken");
    for (name, needle) in [
        ("unknown_key.toml", "monhts"),
        ("unknown_top_key.toml", "parmas"),
        ("unknown_brent_key.toml", "f42"),
        ("unknown_event_key.toml", "valeu"),
        ("unknown_lever.toml", "/event/0/lever"),
        ("unknown_param.toml", "kapa"),
        ("unknown_dist_name.toml", "/event/0/value"),
        ("unknown_action.toml", "/event/0/action"),
        ("months_zero.toml", "/scenario/months"),
        ("months_too_many.toml", "/scenario/months"),
        ("paths_zero.toml", "/scenario/paths"),
        ("seed_negative.toml", "/scenario/seed"),
        ("bad_start.toml", "/scenario/start"),
        ("bad_name.toml", "/scenario/name"),
        ("bad_date_format.toml", "/event/0/date"),
        ("p0_negative.toml", "/brent/p0"),
        ("prob_out_of_range.toml", "/event/0/prob"),
        ("event_without_value.toml", "value"),
        ("dist_param_count.toml", "/event/0/value"),
        ("batch_bad_authority.toml", "/event/0/value"),
    ] {
        let errs = errors(&s, &toml_as_json(&dir.join(name)));
        assert!(!errs.is_empty(), "{name} validates, but it is broken");
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "{name}: no error mentions `{needle}`:\n{}",
            errs.join("\n")
        );
    }
}

#[test]
fn schema_is_built_from_the_loader_constants() {
    let s = schema();
    let names: Vec<&str> = s["$defs"]["params"]["propertyNames"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(names, ParamSpec::NAMES);
    let dists = s["$defs"]["distribution"]["anyOf"].as_array().unwrap();
    assert_eq!(dists.len(), DIST_NAMES.len());
    let reg = registry_of(DEFAULT_MARKET, "default market").unwrap_or_else(|e| panic!("{e:?}"));
    let levers = &s["$defs"]["event"]["properties"]["lever"]["anyOf"][0]["enum"];
    assert_eq!(levers.as_array().unwrap().len(), reg.defs.len());
    assert!(levers
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v == "tariff.IN.rate"));
    // Closed tables everywhere.
    for t in ["scenario", "brent", "event"] {
        assert_eq!(s["$defs"][t]["additionalProperties"], false, "{t}");
    }
    assert_eq!(s["additionalProperties"], false);
    // A wildcard is accepted, a wildcard-free typo is not.
    let ev = |lever: &str| serde_json::json!({ "event": [{ "date": "2025-09", "lever": lever, "value": 0.1 }] });
    assert!(errors(&s, &ev("tariff.*.rate")).is_empty());
    assert!(!errors(&s, &ev("tarif.IN.rate")).is_empty());
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("sanctions-sim").unwrap();
    c.current_dir(root());
    c
}

#[test]
fn schema_command_prints_the_schema() {
    let out = bin().arg("schema").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, schema());
    let out = bin().args(["schema", "--any-lever"]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, scenario_schema(None));
    let out = bin()
        .args(["schema", "--market", "tests/fixtures/market_min.toml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let levers = v["$defs"]["event"]["properties"]["lever"]["anyOf"][0]["enum"].to_string();
    assert!(
        levers.contains("tariff.IN.rate") && !levers.contains("tariff.TR.rate"),
        "{levers}"
    );
}

#[test]
fn events_and_params_carry_their_provenance() {
    for f in shipped() {
        let sc = scenario::load(&f).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sc.events.len(), sc.event_origins.len(), "{}", f.display());
        for o in &sc.event_origins {
            assert!(sc.files.contains(&o.at.file), "{o:?}");
            let text = std::fs::read_to_string(&o.at.file).unwrap();
            let line = text.lines().nth(o.at.line - 1).unwrap();
            assert_eq!(line.trim(), "[[event]]", "{}", o.at);
        }
    }
    // A parameter override in a child file is attributed to that file and line.
    let dir = tempfile::tempdir().unwrap();
    let leaf = dir.path().join("child.toml");
    let base = root().join("scenarios/baseline.toml");
    std::fs::write(
        &leaf,
        format!(
            "extends = {:?}\n\n[params]\nkappa = 1.2\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    let sc = scenario::load(&leaf).unwrap_or_else(|e| panic!("{e}"));
    let o = &sc.param_origins["kappa"];
    assert_eq!((o.file.as_path(), o.line, o.col), (leaf.as_path(), 4, 1));
    let out = bin().arg("explain").arg(&leaf).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let kappa = text
        .lines()
        .find(|l| l.trim_start().starts_with("kappa "))
        .unwrap();
    assert!(
        kappa.contains("1.2") && kappa.contains(&format!("scenario file {}:4:1", leaf.display())),
        "{kappa}"
    );
    assert!(text.contains("; 1 overridden"), "{text}");
}

#[test]
fn explain_prints_header_events_params_and_levers() {
    let out = bin()
        .args(["explain", "scenarios/summit_failure.toml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "scenario     summit_failure",
        "horizon      2025-08 .. 2028-07 (36 months)",
        "paths        ",
        "seed         ",
        "brent        p0 = 71.04 $/bbl",
        "extends      scenarios/baseline.toml <- scenarios/summit_failure.toml (root first)",
        "market       scenarios/market/default.toml",
        // The dated outline: history first, then the horizon's events with provenance.
        "  2022-12-05  (history)",
        "    cap.eu_usd set 60",
        "      at scenarios/baseline.toml:",
        "  2025-10-22\n    sdn.wave fire { add_share = uniform(0.4, 0.5), wind_down_months = 1, authority = \"us\", sellers = \"rosneft_lukoil\" }",
        // D46: the wave names Rosneft, to which India's Reliance is tied by term contract.
        "      term ties: reaches IN rosneft tri(0.18, 0.25, 0.28)",
        "      at scenarios/summit_failure.toml:",
        "    tariff.TR.rate set 0.25  prob 0.4",
        "    cap.eu_mode set \"dynamic\"",
        "      note: escalation_us:",
        // Parameters with their distribution, unit, origin and source.
        "parameters (",
        "  kappa ",
        "(default)",
        "source: OU mean reversion",
        "means: How fast Brent's short-term swings fade",
        // Levers touched.
        "levers touched (",
        "  tariff.IN.rate ",
        "range [0, 5]",
        "default none, unit $/bbl or none, range [0, none]",
    ] {
        assert!(text.contains(want), "no `{want}` in\n{text}");
    }
    // Events come in date order.
    let dates: Vec<&str> = text
        .lines()
        .filter(|l| l.len() >= 12 && l.starts_with("  2"))
        .map(|l| &l[2..12])
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert!(dates.len() >= 5, "{dates:?}");
}

#[test]
fn explain_every_shipped_scenario() {
    for f in shipped() {
        let out = bin().arg("explain").arg(&f).output().unwrap();
        assert!(out.status.success(), "{}: {out:?}", f.display());
        let text = String::from_utf8(out.stdout).unwrap();
        let sc = scenario::load(&f).unwrap();
        assert_eq!(
            text.matches("\n      at ").count(),
            sc.events.len(),
            "{}",
            f.display()
        );
        for name in ParamSpec::NAMES {
            assert!(text.contains(&format!("\n  {name} ")), "{name} missing");
        }
    }
}

#[test]
fn explain_of_a_broken_scenario_exits_1_with_the_errors() {
    let out = bin()
        .args(["explain", "tests/fixtures/broken/unknown_lever.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--> tests/fixtures/broken/unknown_lever.toml:14:9"),
        "{err}"
    );
    assert!(err.contains("did you mean `tariff.IN.rate`?"), "{err}");
}

#[test]
fn explain_outlines_event_trees_with_probabilities_and_timing() {
    let out = bin()
        .args(["explain", "scenarios/summit_uncertain.toml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "trees (1)",
        "  tree us_russia (starts in status_quo)",
        "      exit at 2025-08-15 -> summit_pending",
        "      exit after 1 + poisson(1) months -> deal (tri(0.15, 0.35, 0.6)) | fail (rest)",
        "      exit hazard tri(0.01, 0.05, 0.15) a month -> escalation_china",
        "      on entry: sdn.share set 0  after poisson(2) months",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }
}

#[test]
fn scenario_and_brent_keys_name_the_file_that_set_them() {
    let sc = scenario::load(&root().join("scenarios/summit_uncertain.toml")).unwrap();
    let o = scenario::key_origins(&sc);
    let file_of = |k: &str| {
        o.get(k)
            .unwrap_or_else(|| panic!("no origin for {k}: {o:?}"))
            .file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    assert_eq!(file_of("scenario.seed"), "baseline.toml");
    assert_eq!(file_of("scenario.start"), "baseline.toml");
    assert_eq!(file_of("brent.p0"), "baseline.toml");
    assert_eq!(file_of("scenario.name"), "summit_uncertain.toml");
    // The position is the key itself.
    let at = &o["scenario.seed"];
    let text = std::fs::read_to_string(&at.file).unwrap();
    let line = text.lines().nth(at.line - 1).unwrap();
    assert!(line[at.col - 1..].starts_with("seed"), "{line}");
    // A child without `name` does not inherit its parent's.
    let tmp = tempfile::tempdir().unwrap();
    let base = root().join("scenarios/baseline.toml");
    let child = tmp.path().join("child.toml");
    std::fs::write(
        &child,
        format!(
            "extends = \"{}\"\n[scenario]\npaths = 10\n",
            base.to_str().unwrap().replace('\\', "\\\\")
        ),
    )
    .unwrap();
    let sc = scenario::load(&child).unwrap();
    let o = scenario::key_origins(&sc);
    assert!(!o.contains_key("scenario.name"), "{o:?}");
    assert_eq!(o["scenario.paths"].file, child);
    let out = bin().arg("explain").arg(&child).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("set in"), "{stdout}");
    assert!(stdout.contains("scenario.paths"), "{stdout}");
}

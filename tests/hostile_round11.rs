//! Hostile round 11 (/work/notes/hostile11.md), F1 and F4–F6: an event's random stream no
//! longer depends on its siblings (F1); a `--prob … for N months` longer than the run is an
//! error (F4); `[params]` that must keep an order are checked together (F5); `<lever>@<date>`
//! names are matched exactly, with a "did you mean" and escaped characters (F6). F2 and F3
//! (tree keys that never take effect) are in tests/hostile_round11_trees.rs.

mod common;
use common::*;
use sanctions_sim::engine::path::event_keys;
use sanctions_sim::scenario::{load, overrides, Scenario};
use std::path::{Path, PathBuf};

/// t_occp.toml of the finding: two events with ids on `sdn.share` on one day; `b` wins.
const OCCP: &str = r#"[scenario]
name = "t_occp"
months = 4
[[event]]
id = "a"
date = "2025-10-01"
lever = "sdn.share"
value = { uniform = [0.3, 0.4] }
[[event]]
id = "b"
date = "2025-10-01"
lever = "sdn.share"
value = { uniform = [0.5, 0.6] }
"#;

/// t_occadd.toml: OCCP with a switched-off event above `a`.
const OCCADD: &str = r#"[scenario]
name = "t_occadd"
months = 4
[[event]]
id = "off"
date = "2025-10-01"
lever = "sdn.share"
value = 0.9
prob = 0.0
[[event]]
id = "a"
date = "2025-10-01"
lever = "sdn.share"
value = { uniform = [0.3, 0.4] }
[[event]]
id = "b"
date = "2025-10-01"
lever = "sdn.share"
value = { uniform = [0.5, 0.6] }
"#;

/// `name.toml` in `dir` with `text`.
fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text).unwrap();
    p
}

fn loaded(p: &Path) -> Scenario {
    load(p).unwrap_or_else(|e| panic!("{e}"))
}

/// `sdn_share` in 2025-10 (month index 2 of the baseline's 2025-08 start) on 40 paths.
fn share(sc: &Scenario) -> Vec<f64> {
    values_at(sc, "sdn_share", 2, 5, 40)
}

#[test]
fn f1_removing_or_switching_off_a_sibling_leaves_the_draws_of_the_others() {
    let d = tempfile::tempdir().unwrap();
    let parent = write_extending(d.path(), "t_occp", OCCP);
    let child = file(
        d.path(),
        "t_occc",
        "extends = \"t_occp.toml\"\nremove_events = [\"a\"]\n[scenario]\nname = \"t_occc\"\n",
    );
    let add = write_extending(d.path(), "t_occadd", OCCADD);
    let p = share(&loaded(&parent));
    assert!(p.iter().all(|x| (0.5..=0.6).contains(x)), "{p:?}");
    assert_eq!(share(&loaded(&child)), p, "remove_events moved b's draws");
    assert_eq!(
        share(&loaded(&add)),
        p,
        "a prob = 0 sibling moved b's draws"
    );
    // Keyed by id and lever.
    let keys = event_keys(&loaded(&add));
    let own: Vec<&String> = keys.iter().filter(|k| k.contains(".id.")).collect();
    assert_eq!(
        own,
        [
            "event.sdn.share.id.off",
            "event.sdn.share.id.a",
            "event.sdn.share.id.b"
        ]
    );
}

#[test]
fn f1_removing_an_event_with_an_id_keeps_the_stream_of_one_without() {
    let d = tempfile::tempdir().unwrap();
    let body = OCCP.replace("id = \"b\"\n", "");
    let parent = write_extending(d.path(), "p", &body);
    let child = file(
        d.path(),
        "c",
        "extends = \"p.toml\"\nremove_events = [\"a\"]\n[scenario]\nname = \"c\"\n",
    );
    let (p, c) = (loaded(&parent), loaded(&child));
    assert_eq!(share(&c), share(&p));
    // The id-less event keeps `<k>` = 0 whether or not `a` survives.
    let k = |sc: &Scenario| {
        event_keys(sc)
            .into_iter()
            .filter(|k| k.starts_with("event.sdn.share.2025-10-01"))
            .collect::<Vec<_>>()
    };
    assert_eq!(k(&p), ["event.sdn.share.2025-10-01.0"]);
    assert_eq!(k(&c), k(&p));
}

/// Every `*_diff` of compare.csv, and `prob_greater`, for `base` against `other`.
fn compare_columns(base: &Path, other: &Path, out: &Path) -> Vec<(String, String, String)> {
    expect(
        sim()
            .arg("compare")
            .arg(base)
            .arg(other)
            .args(["--paths", "400", "--threads", "1", "--quiet"])
            .args(["--no-charts", "--no-report", "--out"])
            .arg(out),
        0,
    );
    let f = &files_named(out, "compare.csv")[0];
    let text = std::fs::read_to_string(f).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut got = Vec::new();
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        for (h, c) in head.iter().zip(&cells) {
            if h.ends_with("_diff") || *h == "prob_greater" {
                got.push((cells[1].to_string(), h.to_string(), c.to_string()));
            }
        }
    }
    got
}

#[test]
fn f1_compare_of_a_removed_or_switched_off_sibling_is_exactly_zero() {
    let d = tempfile::tempdir().unwrap();
    let parent = write_extending(d.path(), "t_occp", OCCP);
    let child = file(
        d.path(),
        "t_occc",
        "extends = \"t_occp.toml\"\nremove_events = [\"a\"]\n[scenario]\nname = \"t_occc\"\n",
    );
    let add = write_extending(d.path(), "t_occadd", OCCADD);
    for (other, out) in [(&child, "c1"), (&add, "c2")] {
        let cols = compare_columns(&parent, other, &d.path().join(out));
        assert!(cols.len() > 100);
        let bad: Vec<_> = cols
            .iter()
            .filter(|(_, _, v)| v.parse::<f64>().unwrap() != 0.0)
            .take(5)
            .collect();
        assert!(bad.is_empty(), "{}: {bad:?}", other.display());
    }
}

#[test]
fn f1_an_event_without_id_after_a_sibling_is_warned_at_its_position() {
    let d = tempfile::tempdir().unwrap();
    let body = OCCP.replace("id = \"a\"\n", "").replace("id = \"b\"\n", "");
    let p = write_extending(d.path(), "t", &body);
    let sc = loaded(&p);
    let w: Vec<String> = overrides(&sc)
        .iter()
        .map(|w| w.to_string())
        .filter(|w| w.contains("has no `id`"))
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    // The second [[event]] is on line 9 of the file (after the `extends` line).
    assert!(w[0].contains("warning[event[2]]"), "{}", w[0]);
    assert!(w[0].contains("t.toml:9:1"), "{}", w[0]);
    assert!(w[0].contains("the first at"), "{}", w[0]);
    assert!(w[0].contains("give these events `id`s"), "{}", w[0]);
    // validate prints it too; with ids there is none.
    let err = expect(sim().arg("validate").arg(&p), 0);
    assert!(err.contains("has no `id`"), "{err}");
    let ids = write_extending(d.path(), "ids", OCCP);
    assert!(!overrides(&loaded(&ids))
        .iter()
        .any(|w| w.message.contains("has no `id`")));
}

#[test]
fn f1_shipped_scenarios_keep_their_stream_keys() {
    for name in [
        "baseline",
        "summit_failure",
        "summit_success",
        "summit_uncertain",
    ] {
        let sc = scenario(name);
        let mut seen = std::collections::HashMap::new();
        for (k, e) in event_keys(&sc).iter().zip(&sc.events) {
            let base = format!("event.{}.{}", sc.registry.def(e.lever).name, e.date);
            let n = seen.entry(base.clone()).or_insert(0);
            assert_eq!(*k, format!("{base}.{n}"), "{name}");
            *n += 1;
        }
        assert!(!overrides(&sc)
            .iter()
            .any(|w| w.message.contains("has no `id`")));
    }
}

/// `run baseline --prob <probe>` with `extra`; the exit code and stderr.
fn run_probe(d: &Path, probe: &str, extra: &[&str], code: i32) -> String {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    expect(
        sim()
            .arg("run")
            .arg(base)
            .args(["--paths", "4", "--threads", "1", "--quiet"])
            .args(["--no-charts", "--no-report", "--prob", probe])
            .args(extra)
            .arg("--out")
            .arg(d),
        code,
    )
}

#[test]
fn f4_a_streak_longer_than_the_run_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let err = run_probe(d.path(), "brent_usd_bbl>80 for 37 months", &[], 1);
    assert!(
        err.contains("`for 37 months` is longer than the run's 36 months"),
        "{err}"
    );
    assert!(err.contains("the file's `months = 36`"), "{err}");
    assert!(
        err.contains("lower N to at most 36, or raise --months to 37"),
        "{err}"
    );
    let err = run_probe(
        d.path(),
        "brent_usd_bbl>80 for 3 months",
        &["--months", "2"],
        1,
    );
    assert!(err.contains("the run's 2 months (--months 2)"), "{err}");
    assert!(!d.path().join("baseline").exists());
    // As long as the run: a valid question.
    run_probe(
        d.path(),
        "brent_usd_bbl>80 for 2 months",
        &["--months", "2"],
        0,
    );
}

#[test]
fn f4_compare_names_the_shortest_file() {
    let d = tempfile::tempdir().unwrap();
    let short = write_extending(d.path(), "t_short", "[scenario]\nmonths = 12\n");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let err = expect(
        sim()
            .arg("compare")
            .arg(base)
            .arg(&short)
            .args(["--paths", "4", "--quiet", "--prob"])
            .arg("brent_usd_bbl>80 for 13 months")
            .arg("--out")
            .arg(d.path().join("o")),
        1,
    );
    assert!(err.contains("longer than the run's 12 months"), "{err}");
    assert!(err.contains("`months = 12` of t_short"), "{err}");
}

/// The load error of `[params]` `body`.
fn params_error(body: &str) -> String {
    let d = tempfile::tempdir().unwrap();
    let p = write_extending(d.path(), "t_inv", &format!("[params]\n{body}\n"));
    match load(&p) {
        Ok(_) => panic!("`{body}` loaded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn f5_inventory_parameters_must_keep_their_order() {
    let e = params_error("inv_min = 3.0");
    assert!(e.contains("error[params.inv_min]"), "{e}");
    assert!(e.contains("t_inv.toml:3:1"), "{e}");
    assert!(
        e.contains("`params.inv_min` = 3 is not below `params.inv_target` = 2.8"),
        "{e}"
    );
    assert!(e.contains("floor must lie below the target"), "{e}");
    assert!(e.contains("lower `inv_min` under 2.8"), "{e}");
    let e = params_error("inv_max = 1.0");
    assert!(e.contains("error[params.inv_max]"), "{e}");
    assert!(
        e.contains("`params.inv_target` = 2.8 is not below `params.inv_max` = 1"),
        "{e}"
    );
    // Both written: the error is at the later key, naming where the other is.
    let e = params_error("inv_min = 3.0\ninv_target = 2.9\ninv_max = 2.5");
    assert!(e.contains("error[params.inv_target]"), "{e}");
    assert!(e.contains("error[params.inv_max]"), "{e}");
    assert!(e.contains("written at"), "{e}");
    // Distributions: the supports may not overlap.
    let e = params_error("inv_min = { uniform = [2.0, 2.9] }");
    assert!(e.contains("values up to 2.9"), "{e}");
    // In order: loads.
    load_body("[params]\ninv_min = { uniform = [2.0, 2.7] }\ninv_max = 3.5").unwrap();
}

#[test]
fn f6_padded_names_are_not_trimmed_and_get_did_you_mean() {
    for (target, want) in [
        ("cap.eu_mode@2025-09-03 ", "cap.eu_mode@2025-09-03"),
        ("cap.eu_mode@ 2025-09-03", "cap.eu_mode@2025-09-03"),
        ("cap.eu_mode@2025-09-03\\t", "cap.eu_mode@2025-09-03"),
        (" cap.eu_mode@2025-09-03", "cap.eu_mode@2025-09-03"),
    ] {
        let e = load_body(&format!("remove_events = [\"{target}\"]\n")).unwrap_err();
        assert!(e.contains("no inherited event is named"), "{target}: {e}");
        assert!(
            e.contains(&format!("did you mean `{want}`?")),
            "{target}: {e}"
        );
    }
    let d = tempfile::tempdir().unwrap();
    write_extending(d.path(), "t_occp", OCCP);
    let c = file(
        d.path(),
        "t_sp",
        "extends = \"t_occp.toml\"\nremove_events = [\"a \", \"b\\t\"]\n",
    );
    let e = load(&c).unwrap_err().to_string();
    assert!(e.contains("did you mean `a`?"), "{e}");
    assert!(e.contains("did you mean `b`?"), "{e}");
    assert!(e.contains("named `b\\t`"), "{e}");
    assert!(!e.contains('\t'), "{e:?}");
}

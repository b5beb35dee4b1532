use super::*;
use crate::dist::Dist;
use crate::policy::calendar::{month_idx, Date};
use crate::policy::events::{Action, Cargo, Value};
use crate::policy::levers::NONE_CAP;
use std::path::Path;

const MARKET: &str = include_str!("../../tests/fixtures/market_min.toml");

const HEAD: &str = r#"
[scenario]
start = "2025-08"
months = 24
paths = 10
seed = 7
market = "market.toml"

[brent]
p0 = 71.0
"#;

fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("market.toml"), MARKET).unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    d
}

/// Loads `HEAD` plus `body` as `s.toml`.
fn with(body: &str) -> Result<Scenario, LoadError> {
    let d = dir(&[("s.toml", &format!("{HEAD}{body}"))]);
    load(&d.path().join("s.toml"))
}

fn err(body: &str) -> String {
    match with(body) {
        Ok(_) => panic!("expected an error for:\n{body}"),
        Err(e) => e.to_string(),
    }
}

fn one_event(body: &str) -> Vec<crate::policy::events::Event> {
    with(&format!("[[event]]\n{body}"))
        .unwrap_or_else(|e| panic!("{e}"))
        .events
}

#[test]
fn loads_a_plain_file() {
    let s = with("").unwrap();
    assert_eq!(s.name, "s");
    assert_eq!(s.start, month_idx("2025-08").unwrap());
    assert_eq!((s.months, s.paths, s.seed), (24, 10, 7));
    assert_eq!((s.brent_p0, s.brent_f24), (71.0, None));
    assert_eq!(s.files.len(), 2);
    assert!(s.files[1].ends_with("market.toml"));
    // Market [params] apply over the defaults.
    assert_eq!(s.params.kappa, Dist::Const(1.5));
    assert_eq!(s.registry.expand("tariff.*.rate").len(), 2);
    assert!(s.resolved_text.contains("## market file\n"));
}

#[test]
fn extends_merges_key_by_key() {
    let base = format!(
        "{HEAD}\n[params]\nkappa = 1.7\neps_d = -0.2\n\n[[event]]\ndate = \"2022-12-05\"\n\
         lever = \"cap.eu_usd\"\nvalue = 60\n"
    );
    let child = "extends = \"base.toml\"\n[scenario]\nmonths = 12\ndescription = \"child\"\n\
                 [brent]\nf24 = 69.5\n[params]\nkappa = 1.9\n\
                 [[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 0.5\n";
    let d = dir(&[("base.toml", &base), ("child.toml", child)]);
    let s = load(&d.path().join("child.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.name, "child", "name is the child's stem, never inherited");
    assert_eq!(s.description, "child");
    assert_eq!(
        (s.months, s.paths, s.brent_p0, s.brent_f24),
        (12, 10, 71.0, Some(69.5))
    );
    assert_eq!(s.params.kappa, Dist::Const(1.9), "child wins");
    assert_eq!(s.params.eps_d, Dist::Const(-0.2), "parent kept");
    assert_eq!(s.params.sigma_xi, Dist::Const(0.2), "market params kept");
    let levers: Vec<_> = s.events.iter().map(|e| e.lever).collect();
    assert_eq!(
        levers,
        vec![s.registry.ids.cap_eu_usd, s.registry.ids.tariff_rate[0]]
    );
    assert_eq!(s.files.len(), 3);
    assert!(s.files[0].ends_with("base.toml") && s.files[1].ends_with("child.toml"));
    let a = s.resolved_text.find("## scenario file 1 of 2").unwrap();
    let b = s.resolved_text.find("## scenario file 2 of 2").unwrap();
    assert!(a < b && s.resolved_text[a..b].contains("kappa = 1.7"));
}

#[test]
fn name_is_checked_and_not_inherited() {
    let d = dir(&[
        ("base.toml", &format!("{HEAD}\n")),
        ("c.toml", "extends = \"base.toml\"\n"),
    ]);
    let base = HEAD.replace("[scenario]", "[scenario]\nname = \"base_name\"");
    std::fs::write(d.path().join("base.toml"), base).unwrap();
    assert_eq!(load(&d.path().join("c.toml")).unwrap().name, "c");
    let bad = HEAD.replace("[scenario]", "[scenario]\nname = \"a b\"");
    let d = dir(&[("x.toml", &bad)]);
    let e = load(&d.path().join("x.toml")).unwrap_err().to_string();
    assert!(
        e.contains("scenario.name") && e.contains("x.toml:3:8"),
        "{e}"
    );
}

#[test]
fn extends_cycles_are_errors() {
    let d = dir(&[
        ("a.toml", "extends = \"b.toml\"\n"),
        ("b.toml", "extends = \"a.toml\"\n"),
    ]);
    let e = load(&d.path().join("a.toml")).unwrap_err().to_string();
    assert!(e.contains("cycle") && e.contains("b.toml:1:11"), "{e}");
}

#[test]
fn wildcards_expand_to_one_event_per_lever() {
    let s = with("[[event]]\ndate = \"2025-09-15\"\nlever = \"tariff.*.rate\"\nvalue = 0.25\n")
        .unwrap();
    let levers: Vec<_> = s.events.iter().map(|e| e.lever).collect();
    assert_eq!(levers, s.registry.ids.tariff_rate);
    assert!(s
        .events
        .iter()
        .all(|e| e.date == Date::parse("2025-09-15").unwrap()));
    let e = err("[[event]]\ndate = \"2025-09\"\nlever = \"tarif.*.rate\"\nvalue = 0.25\n");
    assert!(e.contains("no lever matches"), "{e}");
    // A wildcard's levers share a kind: one error, not one per buyer.
    let e = err("[[event]]\ndate = \"2025-09\"\nlever = \"tariff.*.rate\"\nvalue = 9\n");
    assert_eq!(e.matches("error[").count(), 1, "{e}");
}

#[test]
fn default_actions_follow_the_lever_kind() {
    let ev = |lever: &str, value: &str| {
        one_event(&format!(
            "date = \"2025-09\"\nlever = \"{lever}\"\nvalue = {value}\n"
        ))[0]
            .action
    };
    assert_eq!(ev("tariff.IN.rate", "0.5"), Action::Set);
    assert_eq!(ev("relief.active", "true"), Action::Set);
    assert_eq!(ev("cap.eu_mode", "\"dynamic\""), Action::Set);
    assert_eq!(ev("risk_premium.jump", "0.1"), Action::Fire);
    assert_eq!(
        ev("sdn.wave", "{ add_share = 0.2, wind_down_months = 3 }"),
        Action::Fire
    );
    assert_eq!(ev("fleet.shadow_capacity", "10"), Action::Set);
}

#[test]
fn number_levers() {
    let e = one_event("date = \"2025-09\"\nlever = \"cap.eu_usd\"\nvalue = \"none\"\n");
    assert_eq!(e[0].value, Value::Number(Dist::Const(NONE_CAP)));
    let e = one_event(
        "date = \"2025-09\"\nlever = \"freight.W.scale\"\naction = \"ramp\"\nmonths = 4\n\
         value = { tri = [1, 2, 3] }\nprob = { beta = [2, 2] }\nlag_months = { poisson = 2 }\n\
         note = \"x\"\n",
    );
    assert_eq!(e[0].action, Action::Ramp { months: 4 });
    assert_eq!(e[0].value, Value::Number(Dist::tri(1.0, 2.0, 3.0)));
    assert_eq!(e[0].prob, Dist::beta(2.0, 2.0));
    assert_eq!(e[0].lag_months, Some(Dist::Poisson { lambda: 2.0 }));
    // add/scale: the result must stay in the lever's range (D85).
    let e = one_event(
        "date = \"2025-09\"\nlever = \"freight.W.scale\"\naction = \"add\"\nvalue = -0.5\n",
    );
    assert_eq!(e[0].action, Action::Add);
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"freight.W.scale\"\naction = \"add\"\nvalue = -3\n");
    assert!(
        x.contains("adding -3 can take `freight.W.scale` to values in [-2, -2]"),
        "{x}"
    );
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"freight.W.scale\"\nvalue = 9\n");
    assert!(x.contains("must lie in [0.2, 5]"), "{x}");
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"freight.W.scale\"\nvalue = { uniform = [1, 6] }\n");
    assert!(x.contains("must lie in"), "{x}");
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = \"none\"\n");
    assert!(x.contains("event[1].value"), "{x}");
    let x = err(
        "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\naction = \"fire\"\nvalue = 1\n",
    );
    assert!(
        x.contains("not allowed") && x.contains("set, add, scale, ramp, pulse"),
        "{x}"
    );
    let x = err(
        "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\naction = \"ramp\"\nvalue = 1\n",
    );
    assert!(x.contains("needs `months`"), "{x}");
    // `months` of the wrong type is one error (its type), not also "needs `months`".
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\naction = \"ramp\"\nmonths = \"6\"\nvalue = 1\n");
    assert!(x.contains("must be a whole number"), "{x}");
    assert!(!x.contains("needs `months`"), "{x}");
    let x =
        err("[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nmonths = 2\nvalue = 1\n");
    assert!(x.contains("only allowed with action = \"ramp\""), "{x}");
}

#[test]
fn bool_and_enum_levers() {
    let e = one_event(
        "date = \"2025-09\"\nlever = \"relief.active\"\naction = \"pulse\"\nvalue = true\n",
    );
    assert_eq!(
        (e[0].action, &e[0].value),
        (Action::Pulse, &Value::Number(Dist::Const(1.0)))
    );
    let e = one_event("date = \"2025-09\"\nlever = \"cap.authority\"\nvalue = \"min\"\n");
    assert_eq!(e[0].value, Value::Number(Dist::Const(2.0)));
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"relief.active\"\nvalue = 1\n");
    assert!(x.contains("true or false"), "{x}");
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"relief.active\"\naction = \"add\"\nvalue = true\n");
    assert!(x.contains("use one of: set, pulse"), "{x}");
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamc\"\n");
    assert!(x.contains("did you mean `dynamic`"), "{x}");
}

#[test]
fn action_levers() {
    let e = one_event("date = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = { add_share = { uniform = [0.1, 0.3] }, wind_down_months = 2 }\n");
    assert_eq!(
        e[0].value,
        Value::Wave {
            add_share: Dist::uniform(0.1, 0.3),
            wind_down_months: 2,
            basins: vec![],
            authority: None,
            sellers: None,
        }
    );
    let e = one_event("date = \"2025-09\"\nlever = \"fleet.designation.batch\"\nvalue = { share = 0.1, authority = \"us\" }\n");
    assert_eq!(
        e[0].value,
        Value::Batch {
            share: Dist::Const(0.1),
            us: true,
            authority: crate::policy::events::WaveAuthority::Us,
            cargo: Cargo::FleetShare,
        }
    );
    // D40: one cargo share for every basin, a distribution, or a table by basin.
    let e = one_event("date = \"2025-09\"\nlever = \"fleet.designation.batch\"\nvalue = { share = 0.1, authority = \"us\", cargo_share = 0.3 }\n");
    assert!(
        matches!(&e[0].value, Value::Batch { cargo: Cargo::All(Dist::Const(c)), .. } if *c == 0.3)
    );
    let e = one_event("date = \"2025-09\"\nlever = \"fleet.designation.batch\"\nvalue = { share = 0.1, authority = \"us\", cargo_share = { uniform = [0.1, 0.3] } }\n");
    assert!(matches!(
        &e[0].value,
        Value::Batch {
            cargo: Cargo::All(Dist::Uniform { .. }),
            ..
        }
    ));
    let e = one_event("date = \"2025-09\"\nlever = \"fleet.designation.batch\"\nvalue = { share = 0.1, authority = \"us\", cargo_share = { W = 0.2 } }\n");
    let Value::Batch {
        cargo: Cargo::Basins(list),
        ..
    } = &e[0].value
    else {
        panic!("{:?}", e[0].value)
    };
    assert_eq!(list.len(), 1);
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"fleet.designation.batch\"\nvalue = { share = 0.1, authority = \"us\", cargo_share = { Ww = 0.2, W = 1.5 } }\n");
    assert!(
        x.contains("value.cargo_share.Ww") && x.contains(r#"did you mean "W"?"#),
        "{x}"
    );
    assert!(
        x.contains("value.cargo_share.W") && x.contains("[0, 1]"),
        "{x}"
    );
    let e = one_event(
        "date = \"2025-09\"\nlever = \"risk_premium.jump\"\nvalue = { normal = [0.1, 0.05] }\n",
    );
    assert_eq!(e[0].value, Value::Number(Dist::normal(0.1, 0.05)));
    let e = one_event(
        "date = \"2025-09\"\nlever = \"fleet.shadow_capacity\"\naction = \"scale\"\nvalue = 0.8\n",
    );
    assert_eq!(e[0].action, Action::Scale);
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = { add_share = 1.5, wind_down = 2 }\n");
    assert!(
        x.contains("value.add_share") && x.contains("did you mean `wind_down_months`"),
        "{x}"
    );
    assert!(x.contains("needs `wind_down_months`"), "{x}");
    // D45: a seller group's name.
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = { add_share = 0.2, wind_down_months = 1, sellers = \"Rosneft & Lukoil\" }\n");
    assert!(
        x.contains("value.sellers") && x.contains("rosneft_lukoil") && x.contains(":14:60"),
        "{x}"
    );
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = { add_share = 0.2, wind_down_months = 1, sellers = 3 }\n");
    assert!(
        x.contains("value.sellers") && x.contains("an integer"),
        "{x}"
    );
    let e = one_event("date = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = { add_share = 0.2, wind_down_months = 1, sellers = \"gpn.sng-2025\" }\n");
    assert!(matches!(&e[0].value, Value::Wave { sellers: Some(s), .. } if s == "gpn.sng-2025"));
    // D46: at most 8 companies, and at least one.
    for (name, why) in [
        ("a_b_c_d_e_f_g_h_i", "it names 9 companies, more than the 8"),
        ("__", "it names no company"),
        ("rosneft lukoil", "' ' is not a letter"),
    ] {
        let x = err(&format!("[[event]]\ndate = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = {{ add_share = 0.2, wind_down_months = 1, sellers = \"{name}\" }}\n"));
        assert!(
            x.contains("value.sellers") && x.contains("at most 8 companies") && x.contains(why),
            "{x}"
        );
    }
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"fleet.designation.batch\"\nvalue = { share = 0.6, authority = \"ofac\" }\n");
    assert!(
        x.contains("[0, 0.5]") && x.contains("\"us\", \"eu\" or \"uk\""),
        "{x}"
    );
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"fleet.shadow_capacity\"\nvalue = -1\n");
    assert!(x.contains("must lie in [0, 1000000]"), "{x}");
    let x = err("[[event]]\ndate = \"2025-09\"\nlever = \"risk_premium.jump\"\naction = \"set\"\nvalue = 0.1\n");
    assert!(x.contains("use one of: fire"), "{x}");
}

#[test]
fn collects_every_error_with_positions() {
    let x = err(
        "[[event]]\ndate = \"2025-13\"\nlever = \"tarif.IN.rate\"\nvalue = 1\nprob = 2\nfoo = 1\n\
         [[event]]\ndate = \"2031-01\"\nlever = \"cap.eu_usd\"\nvalue = 60\n\
         [params]\nkapa = 1\neps_d = { tri = [3, 2, 1] }\n",
    );
    for want in [
        "s.toml:12:8",
        "event[1].date",
        "did you mean `tariff.IN.rate`?",
        "event[1].prob",
        "event[1].foo",
        "event[2].date",
        "after the end of the horizon",
        "params.kapa",
        "did you mean `kappa`?",
        "params.eps_d",
        "lo <= mode <= hi",
    ] {
        assert!(x.contains(want), "missing {want:?} in\n{x}");
    }
    // Dates before the start are the historical calendar.
    assert_eq!(
        one_event("date = \"2022-12-05\"\nlever = \"cap.eu_usd\"\nvalue = 60\n").len(),
        1
    );
}

#[test]
fn required_keys_and_scenario_values() {
    let d = dir(&[("m.toml", "[scenario]\nstart = \"2025-08\"\n")]);
    let x = load(&d.path().join("m.toml")).unwrap_err().to_string();
    for k in [
        "scenario.months",
        "scenario.paths",
        "scenario.seed",
        "scenario.market",
        "brent.p0",
    ] {
        assert!(
            x.contains(&format!("missing required key `{k}`")),
            "{k}: {x}"
        );
    }
    let x = err("[extra]\n");
    assert!(x.contains("unknown key `extra`"), "{x}");
    let bad = HEAD
        .replace("months = 24", "months = 0")
        .replace("p0 = 71.0", "p0 = -1")
        .replace("seed = 7", "seed = 7\ninit = \"fitted\"\nmonhts = 3");
    let d = dir(&[("b.toml", &bad)]);
    let x = load(&d.path().join("b.toml")).unwrap_err().to_string();
    for k in [
        "scenario.months",
        "brent.p0",
        "scenario.init",
        "did you mean `months`?",
    ] {
        assert!(x.contains(k), "{k}: {x}");
    }
}

#[test]
fn unreadable_and_non_utf8_files_are_named() {
    let d = dir(&[]);
    std::fs::write(d.path().join("bin.toml"), b"a = 1\nb = \"\xff\"\n").unwrap();
    let x = load(&d.path().join("bin.toml")).unwrap_err().to_string();
    assert!(x.contains("bin.toml:2:6") && x.contains("UTF-8"), "{x}");
    let x = load(&d.path().join("nope.toml")).unwrap_err().to_string();
    assert!(x.contains("nope.toml"), "{x}");
}

#[test]
fn discover_lists_toml_files_sorted() {
    let d = dir(&[("b.toml", ""), ("a.toml", ""), ("notes.md", "")]);
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::write(d.path().join("sub/c.toml"), "").unwrap();
    let names: Vec<String> = discover(d.path())
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["a.toml", "b.toml", "market.toml"]);
    assert!(discover(Path::new("/definitely/not/here")).is_err());
}

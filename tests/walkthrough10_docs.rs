//! Walkthrough 10: a late-month risk jump is warned about and the shipped files scale theirs
//! (#3), an absolute `extends` outside the folder is taken as intended (#16), a seller
//! group's shared wave size is one sensitivity input named by the group (#17), and the docs
//! say what the analyst could not find (#1, #6, #10, #11, #12, #18, #19).

mod common;

use common::{run_small, sim, write_extending};
use sanctions_sim::scenario::{load, overrides, Severity};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const LATE_JUMP: &str = "a jump is not pro-rated";

/// Every scenario file under `scenarios/` (market files left out), at any depth.
fn shipped_scenarios(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "market") {
                shipped_scenarios(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

fn all_shipped() -> Vec<PathBuf> {
    let mut files = Vec::new();
    shipped_scenarios(&Path::new(ROOT).join("scenarios"), &mut files);
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    files
}

/// #3: no shipped scenario has a risk jump that counts for more of its month than it should:
/// `validate`'s finding is silent on every one of them.
#[test]
fn shipped_scenarios_have_no_unscaled_late_jump() {
    for f in all_shipped() {
        let sc = load(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let late: Vec<String> = overrides(&sc)
            .into_iter()
            .filter(|w| w.message.contains(LATE_JUMP))
            .map(|w| w.to_string())
            .collect();
        assert!(late.is_empty(), "{}:\n{}", f.display(), late.join("\n"));
    }
}

/// #3, the simplest form: a `risk_premium.jump` written after day 1 in a shipped file says
/// "scaled" in its `note`, whatever the finding does.
#[test]
fn shipped_late_jumps_say_scaled_in_their_note() {
    let mut seen = 0;
    for f in all_shipped() {
        let sc = load(&f).unwrap();
        let jump = sc.registry.ids.risk_premium_jump;
        for (ev, o) in sc.events.iter().zip(&sc.event_origins) {
            if ev.lever == jump && ev.date.day > 1 {
                seen += 1;
                let note = o.note.as_deref().unwrap_or("");
                assert!(
                    note.to_ascii_lowercase().contains("scaled"),
                    "{}: the jump at {} is dated {} and its note does not say it is scaled: {note}",
                    f.display(),
                    o.at,
                    ev.date
                );
            }
        }
    }
    assert!(seen >= 4, "only {seen} late jumps: the scan needs a look");
}

/// #3: summit_success's deal jump is N(−0.03, 0.015) scaled by the 17/31 of August left.
#[test]
fn summit_success_scales_its_deal_jump() {
    let sc = common::scenario("summit_success");
    let jump = sc.registry.ids.risk_premium_jump;
    let ev = sc
        .events
        .iter()
        .find(|e| e.lever == jump && e.date.to_string() == "2025-08-15")
        .expect("the deal jump");
    let sanctions_sim::policy::events::Value::Number(sanctions_sim::dist::Dist::Normal { mu, sd }) =
        ev.value
    else {
        panic!("{:?}", ev.value)
    };
    assert!((mu - (-0.03 * 17.0 / 31.0)).abs() < 1e-5, "{mu}");
    assert!((sd - 0.015 * 17.0 / 31.0).abs() < 1e-5, "{sd}");
}

/// #3: a user's jump on the 15th is warned about at its line, with the scaled value; a note
/// saying "scaled" silences it, and a jump on the 1st is not warned about.
#[test]
fn a_late_jump_is_warned_with_the_scaled_value() {
    let body = |date: &str, note: &str| {
        format!(
            "[scenario]\nname = \"late\"\n\n[[event]]\ndate = \"{date}\"\n\
             lever = \"risk_premium.jump\"\nvalue = {{ normal = [-0.03, 0.015] }}\n{note}"
        )
    };
    let d = tempfile::tempdir().unwrap();
    let p = write_extending(d.path(), "late", &body("2025-08-15", ""));
    let sc = load(&p).unwrap();
    let w: Vec<_> = overrides(&sc)
        .into_iter()
        .filter(|w| w.message.contains(LATE_JUMP))
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].severity, Severity::Warning);
    let text = w[0].to_string();
    assert!(text.contains("dated 2025-08-15"), "{text}");
    assert!(text.contains("whole of 2025-08"), "{text}");
    assert!(text.contains("late.toml:5:1"), "{text}");
    assert!(
        text.contains("17/31") && text.contains("value = { normal = [-0.01645, 0.008226] }"),
        "{text}"
    );
    // validate prints it, with its file:line:col, and still exits 0.
    let o = sim().arg("validate").arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        all.contains(LATE_JUMP) && all.contains("late.toml:5:1"),
        "{all}"
    );
    // `run` says it too.
    let r = run_small(&p, &d.path().join("out"), &[], 0);
    assert!(r.contains(LATE_JUMP), "{r}");
    for (date, note) in [
        ("2025-08-15", "note = \"deal jump, scaled by 17/31\""),
        ("2025-09-01", ""),
    ] {
        let p = write_extending(d.path(), "quiet", &body(date, note));
        let sc = load(&p).unwrap();
        assert!(
            !overrides(&sc).iter().any(|w| w.message.contains(LATE_JUMP)),
            "{date} {note}"
        );
    }
}

/// #3: a tree node entered mid-month by an `at` exit fires its jump for the whole month too.
#[test]
fn a_tree_node_entered_mid_month_is_warned_about_its_jump() {
    let tree = |note: &str| {
        format!(
            "[scenario]\nname = \"t\"\n\n[[tree]]\nid = \"s\"\nstart = \"a\"\n\n\
             [[tree.node]]\nid = \"a\"\nexits = [{{ kind = \"at\", date = \"2025-10-22\", to = \"b\" }}]\n\n\
             [[tree.node]]\nid = \"b\"\nactions = [{{ lever = \"risk_premium.jump\", value = 0.04{note} }}]\n"
        )
    };
    let d = tempfile::tempdir().unwrap();
    let p = write_extending(d.path(), "t", &tree(""));
    let w: Vec<String> = overrides(&load(&p).unwrap())
        .into_iter()
        .filter(|w| w.message.contains(LATE_JUMP))
        .map(|w| w.to_string())
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("entered on 2025-10-22") && w[0].contains("10/31"),
        "{}",
        w[0]
    );
    assert!(w[0].contains("value = 0.0129"), "{}", w[0]);
    let p = write_extending(d.path(), "t2", &tree(", note = \"scaled by 10/31\""));
    assert!(!overrides(&load(&p).unwrap())
        .iter()
        .any(|w| w.message.contains(LATE_JUMP)));
}

/// #16: a scenario outside any `scenarios/` tree that extends the shipped baseline by an
/// absolute path runs without the "outside the scenario's folder" warning.
#[test]
fn an_absolute_extends_runs_quietly() {
    let d = tempfile::tempdir().unwrap();
    let p = write_extending(d.path(), "mine", "[scenario]\nname = \"mine\"\n");
    let err = run_small(&p, &d.path().join("out"), &[], 0);
    assert!(!err.contains("outside the scenario"), "{err}");
}

/// #17: two waves of one seller group are one sensitivity input, named by the group; the
/// later wave has no value input of its own (its draw is the group's).
#[test]
fn a_seller_groups_shared_draw_is_one_input_named_by_the_group() {
    use sanctions_sim::analysis::sensitivity::inputs::inputs;
    let wave = |date: &str, auth: &str| {
        format!(
            "[[event]]\ndate = \"{date}\"\nlever = \"sdn.wave\"\nvalue = {{ add_share = {{ uniform \
             = [0.40, 0.50] }}, wind_down_months = 1, authority = \"{auth}\", sellers = \
             \"rosneft_lukoil\" }}\n\n"
        )
    };
    let body = format!(
        "[scenario]\nname = \"two\"\n\n{}{}",
        wave("2025-10-15", "uk"),
        wave("2025-10-22", "us")
    );
    let sc = common::load_body(&body).unwrap();
    let names: Vec<String> = inputs(&sc, 12).into_iter().map(|i| i.name).collect();
    let waves: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("event.sdn.wave.2025-10") && n.contains(".value"))
        .collect();
    assert_eq!(
        waves,
        ["event.sdn.wave.2025-10-15.0.value (shared by sellers rosneft_lukoil: 2 waves)"],
        "{names:?}"
    );
    // One wave alone keeps the plain name.
    let sc = common::load_body(&format!(
        "[scenario]\nname = \"one\"\n\n{}",
        wave("2025-10-22", "us")
    ))
    .unwrap();
    assert!(inputs(&sc, 12)
        .iter()
        .any(|i| i.name == "event.sdn.wave.2025-10-22.0.value"));
}

/// #17: holding the group's input holds both waves (the swing of the shared draw).
#[test]
fn holding_a_groups_input_holds_every_wave() {
    use sanctions_sim::analysis::sensitivity::inputs::{inputs, override_input};
    use sanctions_sim::dist::Dist;
    use sanctions_sim::policy::events::Value;
    let body = "[scenario]\nname = \"two\"\n\n[[event]]\ndate = \"2025-10-15\"\nlever = \
                \"sdn.wave\"\nvalue = { add_share = { uniform = [0.40, 0.50] }, sellers = \
                \"rosneft_lukoil\", authority = \"uk\", wind_down_months = 1 }\n\n[[event]]\ndate = \"2025-10-22\"\n\
                lever = \"sdn.wave\"\nvalue = { add_share = { uniform = [0.20, 0.30] }, sellers \
                = \"lukoil-rosneft\", authority = \"us\", wind_down_months = 1 }\n";
    let mut sc = common::load_body(body).unwrap();
    let inp = inputs(&sc, 12)
        .into_iter()
        .find(|i| i.name.contains("(shared by sellers"))
        .expect("the shared input");
    override_input(&mut sc, &inp, 0.475);
    let shares: Vec<Dist> = sc
        .events
        .iter()
        .filter_map(|e| match &e.value {
            Value::Wave { add_share, .. } => Some(*add_share),
            _ => None,
        })
        .collect();
    let n = shares.len();
    let (a, b) = (shares[n - 2], shares[n - 1]);
    let (Dist::Const(a), Dist::Const(b)) = (a, b) else {
        panic!("{shares:?}")
    };
    assert!((a - 0.475).abs() < 1e-12, "{a}");
    assert!(
        (b - 0.275).abs() < 1e-6,
        "{b}: the same quantile (0.75) of U(0.2, 0.3)"
    );
}

fn doc(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(name)).unwrap()
}

/// #1, #12: the README's quick start names the binary, `--out` and the default `./output`;
/// README and model.md §1 say volumes move only through withholding.
#[test]
fn readme_names_the_binary_the_output_folder_and_the_volume_rule() {
    let r = doc("README.md");
    assert!(r.contains("target/release/sanctions-sim run scenarios/ --out DIR"));
    assert!(r.contains("`./output` **under the current directory** unless `--out DIR`"));
    assert!(r.contains("move the volume only through\nwithholding"));
    let m = doc("docs/model.md");
    let s1 = &m[m.find("## 1. What the model is").unwrap()..m.find("## 2. ").unwrap()];
    assert!(
        s1.contains("Russian export volumes are set by supply"),
        "{s1}"
    );
    assert!(s1.contains("only through **withholding**"), "{s1}");
}

/// #10, #11: model.md lists the known omissions, each with its nearest approximation, and
/// says why the discount ignores a world supply shock.
#[test]
fn model_md_lists_known_omissions_and_the_discount_limitation() {
    let m = doc("docs/model.md");
    let s = &m[m.find("### Known omissions").expect("the subsection")..];
    for what in [
        "Product bans",
        "Nayara",
        "Port and refinery strikes",
        "Attacks on tankers",
        "EU listings of Chinese refiners",
        "US general licences",
    ] {
        assert!(s.contains(what), "Known omissions lacks {what}");
    }
    for key in [
        "`supply.russia_exports_adj`",
        "`freight.W.scale`",
        "`compliance.<buyer>.share`",
        "`secondary.CN.risk_wedge_usd`",
    ] {
        assert!(s.contains(key), "Known omissions lacks {key}");
    }
    assert!(m.contains("**Discounts ignore the world balance, except through the Gulf channel**"));
    assert!(m.contains("`supply.gulf_outage_mbd`"));
    assert!(m.contains("What is still\n  missing: (i) buyers' alternative supply"));
}

/// #6, #18, #19: outputs.md's totals note, the look-alike pairs and the halted label.
#[test]
fn outputs_md_explains_totals_units_lookalikes_and_halted() {
    let o = doc("docs/outputs.md");
    let totals = &o[o.find("## 11. Totals").unwrap()..];
    let head: String = totals.lines().take(6).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains("**Totals of `_mbd` variables are in mb (million barrels), not mb/d.**"),
        "{head}"
    );
    assert!(o.contains("| | `<x>_tariff_duty_usd_bn` | `<x>_tariff_cost_usd_bn` |"));
    assert!(o.contains("| | `<x>_net_gain_usd_bn` | `<x>_welfare_usd_bn` |"));
    for line in o
        .lines()
        .filter(|l| l.starts_with("| `china_halted_share`"))
    {
        assert!(line.contains("halted or cut deeply"), "{line}");
    }
    assert!(o.contains("**halted or cut deeply** this month (stance cut φ ≥ ½θ^halt)"));
}

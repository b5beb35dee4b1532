//! D219 (walkthrough 7, finding 1): a company designated twice is warned about, whether the
//! earlier designation is a wave's `sellers` or the `sellers` tag of a plain `sdn.share` set
//! (the baseline's 0.20 of 2025-01-10 is Gazprom Neft and Surgutneftegas), and whether the two
//! names spell the company alike, join it differently or misspell it.

mod common;
use common::{expect, load_body, sim, write_extending};

fn findings(body: &str) -> Vec<String> {
    let sc = load_body(body).unwrap();
    sanctions_sim::scenario::overrides(&sc)
        .iter()
        .filter(|w| w.message.contains("twice"))
        .map(|w| {
            format!(
                "{} {} | {}",
                w.key,
                w.message,
                w.help.clone().unwrap_or_default()
            )
        })
        .collect()
}

fn wave(date: &str, sellers: &str, extra: &str) -> String {
    format!(
        "[[event]]\ndate = \"{date}\"\nlever = \"sdn.wave\"\nvalue = {{ add_share = 0.25, \
         wind_down_months = 1, authority = \"us\", sellers = \"{sellers}\"{extra} }}\n"
    )
}

#[test]
fn a_wave_naming_the_baselines_designated_sellers_is_flagged() {
    let found = findings(&wave("2026-03-15", "gazpromneft_surgutneftegas", ""));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("`gazpromneft`")
            && found[0].contains("designated-share set of 2025-01-10")
            && found[0].contains("baseline.toml"),
        "{found:?}"
    );
    // One of the two companies is enough; order and case do not matter.
    let found = findings(&wave("2026-03-15", "Novatek-SurgutNefteGas", ""));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`surgutneftegas`"), "{found:?}");
}

#[test]
fn names_joined_differently_or_misspelt_are_matched_with_a_suggestion() {
    let found = findings(&wave("2026-03-15", "gazprom_neft", ""));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("did you mean `gazpromneft`?"),
        "{found:?}"
    );
    let found = findings(&wave("2026-03-15", "surgutneftegaz", ""));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("did you mean `surgutneftegas`"),
        "{found:?}"
    );
}

#[test]
fn other_sellers_or_a_delisting_in_between_are_not_flagged() {
    assert!(findings(&wave("2026-03-15", "novatek_tatneft", "")).is_empty());
    // The share restated (here: delisted) between the two: nothing stands any more.
    let delist = "[[event]]\ndate = \"2026-01-01\"\nlever = \"sdn.share\"\nvalue = 0.0\n";
    let body = format!("{delist}{}", wave("2026-03-15", "gazpromneft", ""));
    assert!(findings(&body).is_empty(), "{:?}", findings(&body));
    // A basin the tagged set does not cover still overlaps: sdn.share covers every basin.
    let found = findings(&wave("2026-03-15", "gazpromneft", ", basins = [\"E\"]"));
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn waves_sharing_some_companies_are_flagged_and_the_same_group_is_not() {
    // Partial overlap: a later wave lists Rosneft again, whatever the authority and the gap.
    let body = wave("2025-10-22", "rosneft_lukoil", "") + &wave("2026-06-01", "rosneft", "");
    let found = findings(&body);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("event[2]") && found[0].contains("`rosneft`"));
    assert!(found[0].contains("same `sellers` name"), "{found:?}");
    // D45: the same group counts once.
    let body = wave("2025-10-15", "rosneft_lukoil", "") + &wave("2025-10-22", "lukoil-ROSNEFT", "");
    assert!(findings(&body).is_empty(), "{:?}", findings(&body));
}

#[test]
fn a_tagged_set_of_a_wave_s_company_is_flagged_too() {
    let body = wave("2025-10-22", "rosneft_lukoil", "")
        + "[[event]]\ndate = \"2026-02-01\"\nlever = \"sdn.W.share\"\nvalue = 0.1\nsellers = \"lukoil\"\n";
    let found = findings(&body);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("this designated-share set"), "{found:?}");
}

#[test]
fn sellers_on_another_lever_or_action_is_an_error_with_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    for (body, want) in [
        (
            "[[event]]\ndate = \"2026-01-01\"\nlever = \"cap.eu_usd\"\nvalue = 40\nsellers = \"rosneft\"\n",
            "is not `sdn.share`",
        ),
        (
            "[[event]]\ndate = \"2026-01-01\"\nlever = \"sdn.share\"\naction = \"add\"\nvalue = 0.1\nsellers = \"rosneft\"\n",
            "not `add`",
        ),
        (
            "[[event]]\ndate = \"2026-01-01\"\nlever = \"sdn.share\"\nvalue = 0.1\nsellers = \"Rosneft & Lukoil\"\n",
            "1–64 letters",
        ),
    ] {
        let p = write_extending(tmp.path(), "bad", body);
        let err = expect(sim().arg("validate").arg(&p), 1);
        assert!(
            err.contains("event[1].sellers") && err.contains(want) && err.contains("bad.toml:"),
            "{err}"
        );
    }
}

#[test]
fn the_shipped_scenarios_name_no_company_twice() {
    for name in [
        "baseline",
        "summit_success",
        "summit_failure",
        "china_sanctions",
        "summit_uncertain",
    ] {
        let sc = common::scenario(name);
        let twice: Vec<_> = sanctions_sim::scenario::overrides(&sc)
            .into_iter()
            .filter(|w| w.message.contains("twice"))
            .collect();
        assert!(twice.is_empty(), "{name}: {twice:?}");
    }
}

/// D231 (hostile round 8, finding 1): two waves of one seller group designate, on each basin,
/// the larger of the shares of the waves that reach it, whatever the two waves' basin sets
/// (the same, one inside the other, or apart) and their order. The group's record used to be
/// one number for all basins, so a listing on the western ports cancelled a later
/// market-wide listing's ESPO share.
#[test]
fn a_groups_waves_designate_each_basin_by_the_largest_listing_there() {
    let tmp = tempfile::tempdir().unwrap();
    let market = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/market/default.toml")
        .display()
        .to_string()
        .replace('\\', "\\\\");
    let sets: [&[&str]; 4] = [&[], &["W"], &["E"], &["W", "E"]];
    let reaches = |set: &[&str], b: &str| set.is_empty() || set.contains(&b);
    let mut checked = 0;
    for first in sets {
        for second in sets {
            for (a1, a2) in [(0.2, 0.4), (0.4, 0.2), (0.3, 0.3)] {
                let basins = |set: &[&str]| {
                    if set.is_empty() {
                        String::new()
                    } else {
                        let q: Vec<String> = set.iter().map(|b| format!("\"{b}\"")).collect();
                        format!(", basins = [{}]", q.join(", "))
                    }
                };
                let body = format!(
                    "[scenario]\nname = \"g\"\nstart = \"2025-08\"\nmonths = 4\npaths = 2\n\
                     seed = 1\nmarket = \"{market}\"\n[brent]\np0 = 70\n\
                     [[event]]\ndate = \"2025-09-01\"\nlever = \"sdn.wave\"\nvalue = {{ \
                     add_share = {a1}, wind_down_months = 1, authority = \"uk\", \
                     sellers = \"rosneft\"{} }}\n\
                     [[event]]\ndate = \"2025-10-01\"\nlever = \"sdn.wave\"\nvalue = {{ \
                     add_share = {a2}, wind_down_months = 1, authority = \"us\", \
                     sellers = \"rosneft\"{} }}\n",
                    basins(first),
                    basins(second)
                );
                let p = tmp.path().join("g.toml");
                std::fs::write(&p, &body).unwrap();
                let sc = sanctions_sim::scenario::load(&p).unwrap_or_else(|e| panic!("{e}"));
                for (b, var) in [
                    ("W", "urals_designated_share"),
                    ("E", "espo_designated_share"),
                ] {
                    let want = [(first, a1), (second, a2)]
                        .iter()
                        .filter(|(set, _)| reaches(set, b))
                        .map(|(_, a)| *a)
                        .fold(0.0, f64::max);
                    for got in common::values_at(&sc, var, 3, 1, 2) {
                        assert!(
                            (got - want).abs() < 1e-9,
                            "{var}: {got} against {want} for {first:?} {a1} then {second:?} {a2}"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 4 * 4 * 3 * 2);
}

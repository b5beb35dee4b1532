//! D226 (hostile round 7, finding 1): a `ramp` that may meet a lever's marker default (the
//! market's compliance draw, the rate at the halt, a cap of none) is refused at load with the
//! fix, as `add` and `scale` are; after a `set` it is an ordinary ramp.

mod common;
use common::{expect, sim, write_extending};

fn ramp(lever: &str, value: &str) -> String {
    format!(
        "[[event]]\ndate = \"2025-10-01\"\nlever = \"{lever}\"\naction = \"ramp\"\nmonths = 4\nvalue = {value}\n"
    )
}

#[test]
fn a_ramp_from_a_marker_default_is_refused_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    for (lever, value, marker) in [
        ("compliance.IN.share", "0.5", "the market file's draw"),
        ("tariff.IN.snapback_rate", "0.5", "the rate at the halt"),
        ("cap.eu_usd", "40", "\"none\""),
    ] {
        let before = if lever == "cap.eu_usd" {
            "[[event]]\ndate = \"2025-09-10\"\nlever = \"cap.eu_usd\"\nvalue = \"none\"\n"
        } else {
            ""
        };
        let p = write_extending(tmp.path(), "r", &format!("{before}{}", ramp(lever, value)));
        let err = expect(sim().arg("validate").arg(&p), 1);
        assert!(
            err.contains(lever)
                && err.contains(marker)
                && err.contains("a `ramp` cannot start from")
                && err.contains("on an earlier date"),
            "{lever}: {err}"
        );
    }
}

#[test]
fn a_ramp_after_a_set_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let set = "[[event]]\ndate = \"2025-09-01\"\nlever = \"compliance.IN.share\"\nvalue = 0.3\n";
    let p = write_extending(
        tmp.path(),
        "ok",
        &format!("{set}{}", ramp("compliance.IN.share", "0.5")),
    );
    expect(sim().arg("validate").arg(&p), 0);
}

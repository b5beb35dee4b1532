//! Walkthrough 11 #3: a compound `--prob` whose sides are an earlier one's in another order
//! (`B and A` after `A and B`) is the same question, dropped with the repeat warning, for
//! monthly and period probabilities alike; another join, or other sides, stay questions of
//! their own.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn run(out: &Path, probs: &[&str]) -> Output {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let mut c = Command::new(BIN);
    c.args([
        "run",
        "--paths",
        "60",
        "--months",
        "14",
        "--no-charts",
        "--no-report",
    ])
    .arg("--out")
    .arg(out)
    .arg(base);
    for p in probs {
        c.args(["--prob", p]);
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// The distinct `probability` texts of a probabilities file.
fn questions(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = head.iter().position(|h| *h == "probability").unwrap();
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        // A period text is quoted (it holds commas): take the quoted field whole.
        let cell = if l.contains('"') {
            l.split('"').nth(1).unwrap().to_string()
        } else {
            l.split(',').nth(at).unwrap().to_string()
        };
        if !out.contains(&cell) {
            out.push(cell);
        }
    }
    out
}

#[test]
fn sides_in_another_order_are_the_same_monthly_question() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &[
            "arrivals_india_mbd < 1.9 and brent_usd_bbl > 70",
            "brent_usd_bbl>70 and arrivals_india_mbd<1.9",
            // Another join, and a streak: their own questions.
            "brent_usd_bbl>70 or arrivals_india_mbd<1.9",
            "brent_usd_bbl>70 and arrivals_india_mbd<1.9 for 2 months",
            // Three sides, one repeated: not the same as the other repeated.
            "brent_usd_bbl>70 and brent_usd_bbl>70 and arrivals_india_mbd<1.9",
            "brent_usd_bbl>70 and arrivals_india_mbd<1.9 and arrivals_india_mbd<1.9",
            "arrivals_india_mbd<1.9 and brent_usd_bbl>70 and brent_usd_bbl>70",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "--prob `brent_usd_bbl>70 and arrivals_india_mbd<1.9` repeats \
             `arrivals_india_mbd < 1.9 and brent_usd_bbl > 70`; dropped"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "--prob `arrivals_india_mbd<1.9 and brent_usd_bbl>70 and brent_usd_bbl>70` repeats \
             `brent_usd_bbl>70 and brent_usd_bbl>70 and arrivals_india_mbd<1.9`"
        ),
        "{err}"
    );
    let q = questions(&dir.path().join("baseline/probabilities.csv"));
    assert_eq!(
        q,
        [
            "arrivals_india_mbd<1.9_and_brent_usd_bbl>70",
            "brent_usd_bbl>70_or_arrivals_india_mbd<1.9",
            "brent_usd_bbl>70_and_arrivals_india_mbd<1.9_for_2_months",
            "brent_usd_bbl>70_and_brent_usd_bbl>70_and_arrivals_india_mbd<1.9",
            "brent_usd_bbl>70_and_arrivals_india_mbd<1.9_and_arrivals_india_mbd<1.9",
        ],
        "{err}"
    );
}

#[test]
fn sides_in_another_order_are_the_same_period_question() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &[
            "total(russia_export_revenue_usd_bn, 2026) < 80 and mean(brent_usd_bbl, 2026) > 70",
            "mean(brent_usd_bbl,2026)>70 and total(russia_export_revenue_usd_bn,2026)<80",
            "mean(brent_usd_bbl,2026)>70 or total(russia_export_revenue_usd_bn,2026)<80",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("repeats"), "{err}");
    let q = questions(&dir.path().join("baseline/period_probabilities.csv"));
    assert_eq!(q.len(), 2, "{q:?}");
    assert!(q[0].contains("_and_"), "{q:?}");
    assert!(q[1].contains("_or_"), "{q:?}");
}

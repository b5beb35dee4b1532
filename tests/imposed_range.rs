//! D227 (hostile round 7, finding 3): an imposed Brent skips the model's [5, 400] $/bbl
//! clamp, so its rows must lie in that range: a row of 1e6 gave revenue of $133,547 bn a
//! month, one of 1e-6 priced Urals $49 above Brent. Both are refused at their row; the real
//! series loads.

mod common;
use common::{expect, sim};
use std::path::Path;

fn with_row(dir: &Path, value: &str) -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let csv = std::fs::read_to_string(root.join("data/brent_monthly.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let last = lines.len() - 1;
    let date = lines[last].split(',').next().unwrap().to_string();
    lines[last] = format!("{date},{value},test row");
    let series = dir.join(format!("brent_{value}.csv"));
    std::fs::write(&series, lines.join("\n") + "\n").unwrap();
    let replay = root.join("scenarios/history/replay_2025q1.toml");
    let p = dir.join(format!("imp_{}.toml", value.replace(['.', '-'], "_")));
    std::fs::write(
        &p,
        format!(
            "extends = {:?}\n[brent]\nimposed = {:?}\n",
            replay.to_str().unwrap(),
            series.to_str().unwrap()
        ),
    )
    .unwrap();
    p
}

#[test]
fn imposed_rows_outside_the_models_brent_range_are_refused() {
    let d = tempfile::tempdir().unwrap();
    for bad in ["1000000", "0.000001", "4.5", "401"] {
        let err = expect(sim().arg("validate").arg(with_row(d.path(), bad)), 1);
        assert!(
            err.contains("must lie in [5, 400] $/bbl") && err.contains("brent_"),
            "{bad}: {err}"
        );
    }
    for ok in ["5", "400", "72.5"] {
        expect(sim().arg("validate").arg(with_row(d.path(), ok)), 0);
    }
}

//! The "Outcomes" block of a run's `report.html` under `--by-outcome` (walkthrough #2): for each
//! outcome, how likely it is and what it means over the whole horizon for the figures the
//! question names (Russia's revenue, what India and China pay and save, Brent), read back from
//! `outcome_totals.csv` like every other number of the page.

use super::content::CsvFile;
use super::lookup::Lookup;
use super::{Block, Cell, Table};

use crate::output::show::periods::HEADLINE;

/// Appends the block, one table row per selector × outcome × headline variable at `horizon`.
pub(super) fn outcome_blocks(f: CsvFile, out: &mut Vec<Block>) {
    let s = Lookup::new(f);
    let mut t = Table {
        caption: "Each outcome of --by-outcome: its share of paths (its probability, with its \
                  standard error) and its whole-horizon totals (Brent: the day-weighted mean); \
                  the (all) rows are the whole run, whose mean is the share-weighted sum of the \
                  outcomes' means (outcome_totals.csv)"
            .into(),
        header: [
            "selector",
            "outcome",
            "share",
            "mc_se_share",
            "variable",
            "unit",
            "mean",
            "p10",
            "p50",
            "p90",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    let variables = s.values("variable");
    for sel in s.values("selector") {
        let mut outcomes: Vec<&str> = Vec::new();
        for (o, _) in s.pairs("selector", &sel, "outcome", "outcome") {
            if !outcomes.contains(&o) {
                outcomes.push(o);
            }
        }
        for o in outcomes {
            for v in HEADLINE
                .iter()
                .filter(|v| variables.iter().any(|x| x == *v))
            {
                let key = [
                    ("selector", sel.as_str()),
                    ("outcome", o),
                    ("period", "horizon"),
                    ("variable", v),
                ];
                let mut row = vec![Cell::text(sel.clone()), Cell::text(o)];
                row.extend(["share", "mc_se_share"].map(|c| s.cell(&key, c)));
                row.push(Cell::text(*v));
                row.extend(["unit", "mean", "p10", "p50", "p90"].map(|c| s.cell(&key, c)));
                t.rows.push(row);
            }
        }
    }
    out.push(Block::Heading("Outcomes".into()));
    out.push(Block::Table(t));
}

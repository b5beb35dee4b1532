//! The market file checked and resolved: [`Market::from_file`] turns the TOML shape
//! ([`MarketFile`]) into the index-resolved [`Market`], and every problem it finds is a
//! [`MarketProblem`] that names its table, row and key. Split from `data.rs`, which holds the
//! shapes, so that each file stays short.

use super::{FlowPart, Market, MarketFile, Pipeline, Route};

/// A problem [`Market::from_file`] found, with where it sits: the array of tables (`basin`,
/// `buyer`, `route`, `pipeline`, `output`, or the `buyer_noise_corr` list), its 0-based row and
/// the key, so that the loader can name the line and column. `table: None` is a whole-file
/// problem (no basin at all, shares that do not sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct MarketProblem {
    pub table: Option<&'static str>,
    pub row: usize,
    /// Dotted within the row for sub-tables, e.g. `stance.noise_bn`.
    pub key: Option<String>,
    pub message: String,
}

impl MarketProblem {
    pub(super) fn at(
        table: &'static str,
        row: usize,
        key: &'static str,
        message: String,
    ) -> MarketProblem {
        MarketProblem {
            table: Some(table),
            row,
            // An empty key is the row itself (an entry of a list such as `buyer_noise_corr`).
            key: (!key.is_empty()).then(|| key.to_string()),
            message,
        }
    }

    pub(super) fn whole(message: String) -> MarketProblem {
        MarketProblem {
            table: None,
            row: 0,
            key: None,
            message,
        }
    }
}

impl std::fmt::Display for MarketProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The earlier of `ids[..i]` that `ids[i]` equals but for case. Output variables name a
/// basin, buyer or pipeline by its lower-case id (`flow_w_in_mbd`), so two such ids write one
/// column; the clash used to surface at 1:1 as a `report_as` problem (hostile round 9 #5, as
/// D213 for a repeated pipeline id).
fn same_but_case(ids: &[String], i: usize) -> Option<usize> {
    ids[..i]
        .iter()
        .position(|x| x.eq_ignore_ascii_case(&ids[i]))
}

/// The message for [`same_but_case`]: both ids, and why they must differ beyond case.
fn case_clash(what: &str, ids: &[String], k: usize, i: usize) -> String {
    format!(
        "{what} id `{}` differs from {what} id `{}` ([[{what}]] table {}) only in case: \
         output variables name a {what} by its lower-case id (`{}`), so both would write the \
         same columns; give ids that differ beyond case (rename one of them)",
        ids[i],
        ids[k],
        k + 1,
        ids[i].to_lowercase()
    )
}

impl Market {
    /// Validates references and resolves ids to indices. Each problem names its row and key.
    pub fn from_file(f: MarketFile) -> Result<Market, Vec<MarketProblem>> {
        let mut errs: Vec<MarketProblem> = Vec::new();
        let basin_ids: Vec<String> = f.basin.iter().map(|b| b.id.clone()).collect();
        let buyer_ids: Vec<String> = f.buyer.iter().map(|b| b.id.clone()).collect();
        // `at` is where the reference sits: (table, row, key).
        let find = |ids: &[String],
                    id: &str,
                    what: &str,
                    at: (&'static str, usize, &'static str),
                    errs: &mut Vec<MarketProblem>|
         -> usize {
            match ids.iter().position(|x| x == id) {
                Some(i) => i,
                None => {
                    errs.push(MarketProblem::at(
                        at.0,
                        at.1,
                        at.2,
                        format!(
                            "unknown {what} `{id}`{}; the market file defines {}",
                            crate::suggest::did_you_mean(id, ids),
                            ids.join(", ")
                        ),
                    ));
                    0
                }
            }
        };
        for (what, ids) in [("basin", &basin_ids), ("buyer", &buyer_ids)] {
            for (i, id) in ids.iter().enumerate() {
                if ids[..i].contains(id) {
                    errs.push(MarketProblem::at(
                        what,
                        i,
                        "id",
                        format!("duplicate {what} id `{id}`"),
                    ));
                } else if let Some(k) = same_but_case(ids, i) {
                    errs.push(MarketProblem::at(
                        what,
                        i,
                        "id",
                        case_clash(what, ids, k, i),
                    ));
                }
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    errs.push(MarketProblem::at(
                        what,
                        i,
                        "id",
                        format!("{what} id `{id}` must be letters, digits or `_`"),
                    ));
                }
            }
        }
        if f.basin.is_empty() {
            errs.push(MarketProblem::whole(
                "the market file needs at least one [[basin]]".into(),
            ));
        }
        let rest: Vec<usize> = f
            .basin
            .iter()
            .enumerate()
            .filter(|(_, b)| b.share.is_none())
            .map(|(i, _)| i)
            .collect();
        if rest.len() > 1 {
            errs.push(MarketProblem::at(
                "basin",
                rest[1],
                "id",
                "at most one basin may omit `share` (it takes the rest)".into(),
            ));
        }
        let explicit: f64 = f
            .basin
            .iter()
            .filter_map(|b| b.share.map(|d| d.median()))
            .sum();
        if rest.is_empty() && (explicit - 1.0).abs() > 1e-6 {
            errs.push(MarketProblem::whole(format!(
                "basin shares must sum to 1, got {}; omit `share` on one basin to give it the rest",
                crate::suggest::Num(explicit)
            )));
        }
        super::ranges::check_rows(&f, &mut errs);
        let mut routes = Vec::new();
        for (i, r) in f.route.iter().enumerate() {
            let basin = find(
                &basin_ids,
                &r.from,
                "basin",
                ("route", i, "from"),
                &mut errs,
            );
            let buyer = find(&buyer_ids, &r.to, "buyer", ("route", i, "to"), &mut errs);
            // A route is one basin and one buyer: a second table for the pair would clear twice
            // and write its flow column twice (hostile round 4 found only the column's error).
            if let Some(k) = f.route[..i]
                .iter()
                .position(|q| q.from == r.from && q.to == r.to)
            {
                errs.push(MarketProblem::at(
                    "route",
                    i,
                    "to",
                    format!(
                        "route {} -> {} is listed twice ([[route]] tables {} and {}): a route is \
                         one basin and one buyer; merge the two tables or delete one",
                        r.from,
                        r.to,
                        k + 1,
                        i + 1
                    ),
                ));
            }
            routes.push(Route {
                basin,
                buyer,
                spec: r.clone(),
            });
        }
        // Stable grouping by basin keeps file order inside each basin.
        routes.sort_by_key(|r| r.basin);
        let mut basin_routes = Vec::new();
        for b in 0..f.basin.len() {
            let lo = routes
                .iter()
                .position(|r| r.basin == b)
                .unwrap_or(routes.len());
            let n = routes.iter().filter(|r| r.basin == b).count();
            basin_routes.push(lo..lo + n);
        }
        let mut pipelines = Vec::new();
        for (i, p) in f.pipeline.iter().enumerate() {
            // A duplicate id used to surface as a clash of its output names at 1:1 (D213).
            let pipe_ids: Vec<String> = f.pipeline[..=i].iter().map(|q| q.id.clone()).collect();
            if f.pipeline[..i].iter().any(|q| q.id == p.id) {
                let id = &p.id;
                errs.push(MarketProblem::at(
                    "pipeline",
                    i,
                    "id",
                    format!("duplicate pipeline id `{id}`; give each [[pipeline]] its own id"),
                ));
            } else if let Some(k) = same_but_case(&pipe_ids, i) {
                let msg = case_clash("pipeline", &pipe_ids, k, i);
                errs.push(MarketProblem::at("pipeline", i, "id", msg));
            }
            let buyer = find(
                &buyer_ids,
                &p.buyer,
                "buyer",
                ("pipeline", i, "buyer"),
                &mut errs,
            );
            let priced_off = find(
                &basin_ids,
                &p.priced_off,
                "basin",
                ("pipeline", i, "priced_off"),
                &mut errs,
            );
            let fallback = find(
                &basin_ids,
                &p.fallback,
                "basin",
                ("pipeline", i, "fallback"),
                &mut errs,
            );
            pipelines.push(Pipeline {
                buyer,
                priced_off,
                fallback,
                spec: p.clone(),
            });
        }
        let mut corr: Vec<(usize, usize, f64)> = Vec::new();
        const CORR: &str = "buyer_noise_corr";
        for (i, (a, b, c)) in f.buyer_noise_corr.iter().enumerate() {
            let ia = find(&buyer_ids, a, "buyer", (CORR, i, ""), &mut errs);
            let ib = find(&buyer_ids, b, "buyer", (CORR, i, ""), &mut errs);
            if c.is_nan() || c.abs() >= 1.0 || ia == ib {
                errs.push(MarketProblem::at(
                    CORR,
                    i,
                    "",
                    format!(
                        "buyer_noise_corr [{a}, {b}, {c}]: need two different buyers and |corr| < 1"
                    ),
                ));
            } else if let Some(k) = corr
                .iter()
                .position(|q| (q.0, q.1) == (ia, ib) || (q.0, q.1) == (ib, ia))
            {
                // D166: the last entry used to win silently, as scenario [correlations] refuses.
                errs.push(MarketProblem::at(
                    CORR,
                    i,
                    "",
                    format!(
                        "buyer_noise_corr gives the pair {a}-{b} twice (entries {} and {}, {} and \
                         {c}): keep one entry per pair",
                        k + 1,
                        i + 1,
                        corr[k].2
                    ),
                ));
            }
            corr.push((ia, ib, *c));
        }
        if errs.is_empty() {
            if let Some((table, row, key, msg)) = super::noise_corr::inconsistent(&f, &corr) {
                errs.push(MarketProblem::at(table, row, key, msg));
            }
        }
        let mut outputs = Vec::new();
        // Output names are column names: `flow_<name>_mbd`, unique, and not a route's own
        // flow variable, so that no two columns share a name (D47 adds `arrivals_<name>_mbd`).
        let route_flows: Vec<String> = routes
            .iter()
            .map(|r| {
                format!(
                    "flow_{}_{}_mbd",
                    r.spec.from.to_lowercase(),
                    r.spec.to.to_lowercase()
                )
            })
            .collect();
        for (i, o) in f.output.iter().enumerate() {
            let v = o.variable.as_str();
            let stem = v.strip_prefix("flow_").and_then(|x| x.strip_suffix("_mbd"));
            let problem = if !stem.is_some_and(|x| {
                !x.is_empty()
                    && x.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            }) {
                Some(format!(
                    "output variable `{v}` must be `flow_<name>_mbd` with a name of lower-case \
                     letters, digits or `_` (e.g. `flow_korea_mbd`)"
                ))
            } else if f.output[..i].iter().any(|p| p.variable == v) {
                Some(format!("duplicate output variable `{v}`"))
            } else if route_flows.iter().any(|r| r == v) {
                Some(format!(
                    "output variable `{v}` is already a route's flow variable; name the \
                     aggregate differently (e.g. add the buyer's name)"
                ))
            } else {
                None
            };
            if let Some(msg) = problem {
                errs.push(MarketProblem::at("output", i, "variable", msg));
            }
            if let Some(k) = (1..o.buyers.len()).find(|&k| o.buyers[..k].contains(&o.buyers[k])) {
                errs.push(MarketProblem::at(
                    "output",
                    i,
                    "buyers",
                    format!(
                        "output `{v}` lists buyer `{}` twice: its flow would be counted twice; \
                         list each buyer once",
                        o.buyers[k]
                    ),
                ));
            }
            if o.buyers.is_empty() {
                errs.push(MarketProblem::at(
                    "output",
                    i,
                    "buyers",
                    format!(
                        "output `{v}` sums no buyer (`buyers = []`): its column would be 0 in \
                         every month; list the buyers it adds up, e.g. buyers = [\"IN\"]"
                    ),
                ));
            }
            let idx: Vec<usize> = o
                .buyers
                .iter()
                .map(|b| find(&buyer_ids, b, "buyer", ("output", i, "buyers"), &mut errs))
                .collect();
            // `part = "pipeline"` over buyers with no pipeline (or `"sea"` over buyers with no
            // route) is 0 in every month, like `buyers = []` (D213).
            let has = |b: usize| match o.part {
                FlowPart::Pipeline => pipelines.iter().any(|p| p.buyer == b),
                FlowPart::Sea => routes.iter().any(|r| r.buyer == b),
                FlowPart::All => true,
            };
            if !o.buyers.is_empty() && errs.is_empty() && !idx.iter().any(|&b| has(b)) {
                let (part, what) = match o.part {
                    FlowPart::Pipeline => ("pipeline", "a [[pipeline]]"),
                    _ => ("sea", "a [[route]]"),
                };
                errs.push(MarketProblem::at(
                    "output",
                    i,
                    "part",
                    format!(
                        "output `{v}` sums the {part} flow of {}, and none has {what}: its \
                         column would be 0 in every month; use `part = \"all\"`, or list buyers \
                         that have {what}",
                        o.buyers.join(", ")
                    ),
                ));
            }
            outputs.push((o.variable.clone(), idx, o.part));
        }
        // Two pipelines of one id give the same output names: that is the duplicate id, said
        // at its line above, not a second error about the names at 1:1.
        let dup_pipeline =
            (1..f.pipeline.len()).any(|i| f.pipeline[..i].iter().any(|q| q.id == f.pipeline[i].id));
        if !dup_pipeline {
            super::output_names::check_report_as(&f, &mut errs);
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let primaries: Vec<usize> = f
            .basin
            .iter()
            .enumerate()
            .filter(|(_, b)| b.primary)
            .map(|(i, _)| i)
            .collect();
        if primaries.len() > 1 {
            return Err(vec![MarketProblem::at(
                "basin",
                primaries[1],
                "primary",
                "at most one basin may be `primary = true`".into(),
            )]);
        }
        let m = Market {
            primary_basin: primaries.first().copied().unwrap_or(0),
            basins: f.basin,
            buyers: f.buyer,
            routes,
            basin_routes,
            pipelines,
            rest_basin: rest.first().copied(),
            buyer_noise_corr: corr,
            outputs,
            params: f.params,
        };
        super::output_names::clashing_variables(&m)?;
        Ok(m)
    }
}

//! The market file checked and resolved: [`Market::from_file`] turns the TOML shape
//! ([`MarketFile`]) into the index-resolved [`Market`], and every problem it finds is a
//! [`MarketProblem`] that names its table, row and key. Split from `data.rs`, which holds the
//! shapes, so that each file stays short.

use super::{Market, MarketFile, Pipeline, Route};

/// A problem [`Market::from_file`] found, with where it sits: the array of tables (`basin`,
/// `buyer`, `route`, `pipeline`, `output`, or the `buyer_noise_corr` list), its 0-based row and
/// the key, so that the loader can name the line and column. `table: None` is a whole-file
/// problem (no basin at all, shares that do not sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct MarketProblem {
    pub table: Option<&'static str>,
    pub row: usize,
    pub key: Option<&'static str>,
    pub message: String,
}

impl MarketProblem {
    fn at(table: &'static str, row: usize, key: &'static str, message: String) -> MarketProblem {
        MarketProblem {
            table: Some(table),
            row,
            // An empty key is the row itself (an entry of a list such as `buyer_noise_corr`).
            key: (!key.is_empty()).then_some(key),
            message,
        }
    }

    fn whole(message: String) -> MarketProblem {
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
                "basin shares must sum to 1, got {explicit}; omit `share` on one basin to give it the rest"
            )));
        }
        for (i, b) in f.basin.iter().enumerate() {
            if let Some(s) = b.share {
                let (lo, hi) = s.support();
                if lo < 0.0 || hi > 1.0 {
                    errs.push(MarketProblem::at(
                        "basin",
                        i,
                        "share",
                        format!("basin `{}` share must lie in [0, 1]", b.id),
                    ));
                }
            }
            if b.port_cap_mbd < 0.0 || !b.port_cap_mbd.is_finite() {
                errs.push(MarketProblem::at(
                    "basin",
                    i,
                    "port_cap_mbd",
                    format!("basin `{}` port_cap_mbd must be a finite number >= 0", b.id),
                ));
            }
        }
        for (i, b) in f.buyer.iter().enumerate() {
            if let Some(s) = &b.slate_mbd {
                if s.support().0 < 0.0 {
                    errs.push(MarketProblem::at(
                        "buyer",
                        i,
                        "slate_mbd",
                        format!(
                            "buyer `{}` slate_mbd must be >= 0 (mb/d of Russian crude), got {s}{}",
                            b.id,
                            if s.is_const() {
                                ""
                            } else {
                                ", whose values reach below 0: use a distribution with a floor, e.g. tri or uniform"
                            }
                        ),
                    ));
                }
            }
            let (lo, hi) = b.compliance_share.support();
            if lo < 0.0 || hi > 1.0 {
                errs.push(MarketProblem::at(
                    "buyer",
                    i,
                    "compliance_share",
                    format!(
                        "buyer `{}` compliance_share must lie in [0, 1] (a share), got {}",
                        b.id, b.compliance_share
                    ),
                ));
            }
            if b.authority_reach
                .as_array()
                .iter()
                .any(|x| !(0.0..=1.0).contains(x))
            {
                errs.push(MarketProblem::at(
                    "buyer",
                    i,
                    "authority_reach",
                    format!(
                        "buyer `{}` authority_reach values must lie in [0, 1] (shares)",
                        b.id
                    ),
                ));
            }
        }
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
            if r.dispersion_usd <= 0.0 {
                errs.push(MarketProblem::at(
                    "route",
                    i,
                    "dispersion_usd",
                    format!(
                        "route {}→{}: dispersion_usd must be > 0, got {}",
                        r.from, r.to, r.dispersion_usd
                    ),
                ));
            }
            for (key, v) in [
                ("capacity_mbd", r.capacity_mbd),
                ("round_trip_months", r.round_trip_months),
                ("insurance_usd", r.insurance_usd),
            ] {
                if v < 0.0 {
                    errs.push(MarketProblem::at(
                        "route",
                        i,
                        key,
                        format!("route {}→{}: {key} must be >= 0, got {v}", r.from, r.to),
                    ));
                }
            }
            if r.slate_max.support().0 < 1.0 {
                errs.push(MarketProblem::at(
                    "route",
                    i,
                    "slate_max",
                    format!("route {}→{}: slate_max must be >= 1", r.from, r.to),
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
        let mut corr = Vec::new();
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
            }
            corr.push((ia, ib, *c));
        }
        let mut outputs = Vec::new();
        for (i, o) in f.output.iter().enumerate() {
            let idx = o
                .buyers
                .iter()
                .map(|b| find(&buyer_ids, b, "buyer", ("output", i, "buyers"), &mut errs))
                .collect();
            outputs.push((o.variable.clone(), idx, o.part));
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
        Ok(Market {
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
        })
    }
}

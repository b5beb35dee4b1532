//! Range checks of the market file's rows: every number of a basin, buyer (and its stance),
//! route and pipeline against what it means, so that no value the model divides by, takes
//! a share of or compounds can be out of range. Each problem carries its row and key, so the
//! loader names the line and column (docs/reliability.md). References between rows (unknown
//! ids) are checked where they are resolved, in [`Market::from_file`](super::Market::from_file).

use super::check::MarketProblem;
use super::MarketFile;
use crate::dist::Dist;

/// Magnitudes above this are refused, as for `[params]` (market::param_ranges): no market
/// quantity is anywhere near it, and it keeps products and sums finite.
const MAX_MAGNITUDE: f64 = 1e6;

/// What a market value must satisfy.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// A share in [0, 1].
    Share,
    /// Zero or more.
    NonNeg,
    /// Strictly positive (the model divides by it).
    Pos,
    /// Any finite value within the magnitude bound.
    Finite,
    /// At least 1 (a multiplier that never shrinks).
    AtLeastOne,
    /// A correlation in [-1, 1].
    Corr,
    /// A value in `[lo, hi]`, with the reason for the bounds (D142).
    Within(f64, f64, &'static str),
}

/// A route's logistic width σ_r in $/bbl (D142): under 1 cent the route demand is a step the
/// clearing root search cannot follow (hostile report, finding 10: 1e-6 left 2,495 of 40 paths × 6
/// months' roots unconverged, 1e-3 none); above $1,000 a route ignores every price.
const DISPERSION: Want = Want::Within(
    0.01,
    1000.0,
    "the width of a route's logistic demand in $/bbl: under 1 cent the demand is a step the \
     clearing root search cannot follow, above $1,000 the route ignores every price",
);

/// D166: total crude imports grow by at most ±50–100 %/yr, so that over the longest horizon
/// (1900 to 2200) the import bill stays a finite number.
const IMPORTS_GROWTH: Want = Want::Within(
    -0.5,
    1.0,
    "an annual growth rate of total crude imports, -50 %/yr to +100 %/yr: beyond that the \
     import bill over a long horizon leaves every floating-point range",
);

impl Want {
    /// Whether `[lo, hi]` is finite, within the magnitude bound and inside the range.
    fn admits(self, lo: f64, hi: f64) -> bool {
        let within =
            lo.is_finite() && hi.is_finite() && lo >= -MAX_MAGNITUDE && hi <= MAX_MAGNITUDE;
        within && self.signs(lo, hi)
    }

    /// Whether `[lo, hi]` (possibly unbounded) is inside the range, magnitudes aside.
    fn signs(self, lo: f64, hi: f64) -> bool {
        match self {
            Want::Share => lo >= 0.0 && hi <= 1.0,
            Want::NonNeg => lo >= 0.0,
            Want::Pos => lo > 0.0,
            Want::Finite => true,
            Want::AtLeastOne => lo >= 1.0,
            Want::Corr => lo >= -1.0 && hi <= 1.0,
            Want::Within(a, b, _) => lo >= a && hi <= b,
        }
    }

    fn describe(self) -> String {
        let m = "1e6";
        match self {
            Want::Share => "must lie in [0, 1] (a share)".into(),
            Want::NonNeg => format!("must be >= 0 (and at most {m})"),
            Want::Pos => format!("must be > 0 (and at most {m}): the model divides by it"),
            Want::Finite => format!("must be a finite number within ±{m}"),
            Want::AtLeastOne => format!("must be >= 1 (and at most {m})"),
            Want::Corr => "must lie in [-1, 1] (a correlation)".into(),
            Want::Within(a, b, why) => format!(
                "must lie in [{}, {}] ({why})",
                crate::suggest::Num(a),
                crate::suggest::Num(b)
            ),
        }
    }
}

/// Collects the problems of one row.
struct Row<'a> {
    table: &'static str,
    /// Prefix of the keys within the row: "" or a sub-table's `stance.`.
    prefix: &'static str,
    index: usize,
    label: String,
    errs: &'a mut Vec<MarketProblem>,
}

impl<'a> Row<'a> {
    fn new(
        table: &'static str,
        index: usize,
        label: String,
        errs: &'a mut Vec<MarketProblem>,
    ) -> Row<'a> {
        Row {
            table,
            prefix: "",
            index,
            label,
            errs,
        }
    }

    fn num(&mut self, key: &str, v: f64, want: Want) {
        if !want.admits(v, v) {
            let msg = format!(
                "{} {key} {}, got {}",
                self.label,
                want.describe(),
                crate::suggest::Num(v)
            );
            self.push(key, msg);
        }
    }

    /// As for `[params]` (market::param_ranges): the whole support must lie inside the range,
    /// and an unbounded tail is held to the magnitude bound at its 1e-9 quantile, so a
    /// `normal` is fine where any sign is (a wedge) and refused where it is not (a volume).
    fn dist(&mut self, key: &str, d: &Dist, want: Want) {
        let (lo, hi) = d.support();
        let tail = |x: f64, p: f64| if x.is_finite() { x } else { d.quantile(p) };
        let ok = want.signs(lo, hi) && want.admits(tail(lo, 1e-9), tail(hi, 1.0 - 1e-9));
        if !ok {
            let msg = if d.is_const() {
                format!("{} {key} {}, got {d}", self.label, want.describe())
            } else {
                format!(
                    "{} {key} {}, got {d}, whose values reach outside that (support [{}, {}]): \
                     use a distribution with bounds inside it, e.g. tri or uniform",
                    self.label,
                    want.describe(),
                    crate::suggest::Num(lo),
                    crate::suggest::Num(hi)
                )
            };
            self.push(key, msg);
        }
    }

    fn push(&mut self, key: &str, message: String) {
        self.errs.push(MarketProblem {
            table: Some(self.table),
            row: self.index,
            key: Some(format!("{}{key}", self.prefix)),
            message,
        });
    }
}

/// Appends a problem for every out-of-range number of the file's rows.
pub(super) fn check_rows(f: &MarketFile, errs: &mut Vec<MarketProblem>) {
    for (index, b) in f.basin.iter().enumerate() {
        let mut r = Row::new("basin", index, format!("basin `{}`", b.id), errs);
        if let Some(s) = &b.share {
            r.dist("share", s, Want::Share);
        }
        r.num("port_cap_mbd", b.port_cap_mbd, Want::NonNeg);
        r.dist("seller_wedge_usd", &b.seller_wedge_usd, Want::Finite);
    }
    for (index, b) in f.buyer.iter().enumerate() {
        let mut r = Row::new("buyer", index, format!("buyer `{}`", b.id), errs);
        r.num("alt_premium_usd", b.alt_premium_usd, Want::Finite);
        r.dist("sdn_averse_share", &b.sdn_averse_share, Want::Share);
        r.num(
            "tariff_risk_wedge_usd",
            b.tariff_risk_wedge_usd,
            Want::Finite,
        );
        if let Some(v) = b.imports_mbd {
            r.num("imports_mbd", v, Want::NonNeg);
        }
        r.num("imports_growth", b.imports_growth, IMPORTS_GROWTH);
        if let Some(m) = &b.imports_base {
            // D166: a base that is not a month used to count from 2024-01 silently, and one
            // centuries from the horizon took the bill past every floating-point range.
            let ok = crate::policy::calendar::month_idx(m)
                .is_ok_and(|x| (1900 * 12..=2200 * 12 + 11).contains(&x));
            if !ok {
                let msg = format!(
                    "{} imports_base must be a month \"YYYY-MM\" from 1900-01 to 2200-12 (the \
                     month of imports_mbd), got \"{m}\"",
                    r.label
                );
                r.push("imports_base", msg);
            }
        }
        r.num("capacity_scale", b.capacity_scale, Want::NonNeg);
        r.num("exposed_exports_bn", b.exposed_exports_bn, Want::NonNeg);
        r.num("noise_corr_brent", b.noise_corr_brent, Want::Corr);
        r.dist("compliance_share", &b.compliance_share, Want::Share);
        r.dist("tanker_ban_share", &b.tanker_ban_share, Want::Share);
        r.dist("pause_months", &b.pause_months, Want::NonNeg);
        for (key, v) in [
            ("us", b.authority_reach.us),
            ("eu", b.authority_reach.eu),
            ("uk", b.authority_reach.uk),
        ] {
            r.num(&format!("authority_reach.{key}"), v, Want::Share);
        }
        if let Some(s) = &b.slate_mbd {
            r.dist("slate_mbd", s, Want::NonNeg);
        }
        for (name, d) in &b.term_ties {
            let key = format!("term_ties.{name}");
            r.dist(&key, d, Want::Share);
            // D46: one company, as a wave's `sellers` name lists it.
            let one = !name.is_empty()
                && name.len() <= 64
                && name.chars().all(|c| c.is_ascii_alphanumeric());
            if !one {
                let msg = format!(
                    "{} {key}: a term tie names one company in 1–64 letters or digits \
                     (no `_`, `-` or `.`: those separate companies in a wave's `sellers`), \
                     got \"{}\"",
                    r.label,
                    name.chars().take(70).collect::<String>()
                );
                r.push(&key, msg);
            }
        }
        if let Some(st) = &b.stance {
            // The stance is a sub-table of the buyer row: its keys are `stance.<key>`.
            let mut s = Row::new("buyer", index, format!("buyer `{}` stance", b.id), r.errs);
            s.prefix = "stance.";
            s.dist("welfare_loss", &st.welfare_loss, Want::NonNeg);
            s.dist("political_value_bn", &st.political_value_bn, Want::NonNeg);
            s.dist("noise_bn", &st.noise_bn, Want::Pos);
            s.dist("base_hazard", &st.base_hazard, Want::Share);
            s.dist("halt_depth", &st.halt_depth, Want::Share);
            s.num(
                "snapback_threshold_share",
                st.snapback_threshold_share,
                Want::NonNeg,
            );
        }
    }
    for (index, rt) in f.route.iter().enumerate() {
        let mut r = Row::new(
            "route",
            index,
            format!("route {}→{}:", rt.from, rt.to),
            errs,
        );
        r.num("capacity_mbd", rt.capacity_mbd, Want::NonNeg);
        r.num("half_saving_usd", rt.half_saving_usd, Want::Finite);
        r.num("dispersion_usd", rt.dispersion_usd, DISPERSION);
        r.dist("freight_usd", &rt.freight_usd, Want::NonNeg);
        r.num("insurance_usd", rt.insurance_usd, Want::NonNeg);
        r.num("round_trip_months", rt.round_trip_months, Want::NonNeg);
        r.dist("slate_max", &rt.slate_max, Want::AtLeastOne);
    }
    for (index, p) in f.pipeline.iter().enumerate() {
        let mut r = Row::new("pipeline", index, format!("pipeline `{}`", p.id), errs);
        r.num("price_adj_usd", p.price_adj_usd, Want::Finite);
        r.dist("capacity_mbd", &p.capacity_mbd, Want::NonNeg);
        if let Some(s) = &p.scheduled_mbd {
            r.dist("scheduled_mbd", s, Want::NonNeg);
        }
    }
}

//! One hand-written SVG per replay: the model's p10–p90 band and median of the key series,
//! with the observed points on top. Self-contained (no charting crate), so it does not depend
//! on `src/charts/`.

use super::panel::{quantile, Panel};
use super::BacktestError;
use crate::policy::calendar::{iso_month, month_idx};

/// Observed points drawn on the charts: (series, month, value, source). India figures are
/// arrivals (about one month after loading).
const OBSERVED: &[(&str, &str, f64, &str)] = &[
    (
        "urals_discount_usd_bbl",
        "2022-01",
        0.87,
        "MinFin Urals 85.64 - EIA 86.51 [D]",
    ),
    (
        "urals_discount_usd_bbl",
        "2022-05",
        34.85,
        "Reuters BFO-URL-NWE Apr-Jun 2022",
    ),
    ("urals_discount_usd_bbl", "2023-01", 40.05, "Argus Primorsk"),
    (
        "urals_discount_usd_bbl",
        "2023-06",
        20.5,
        "Argus Primorsk 20-21",
    ),
    (
        "urals_discount_usd_bbl",
        "2024-10",
        10.9,
        "MinEconomy Urals - EIA [D]",
    ),
    (
        "urals_discount_usd_bbl",
        "2024-12",
        10.4,
        "MinEconomy Urals - EIA [D]",
    ),
    (
        "urals_discount_usd_bbl",
        "2025-07",
        11.9,
        "Reuters/Argus NSD",
    ),
    ("flow_india_mbd", "2023-01", 1.4, "Kpler"),
    ("flow_india_mbd", "2023-03", 1.64, "Kpler"),
    ("flow_india_mbd", "2023-05", 1.96, "Kpler"),
    ("flow_india_mbd", "2024-04", 1.96, "Kpler"),
    ("flow_india_mbd", "2025-05", 1.96, "Kpler"),
    ("flow_china_mbd", "2024-01", 2.29, "China GAC Q1 2024"),
    ("flow_china_mbd", "2024-04", 2.25, "China GAC"),
    ("flow_china_mbd", "2025-07", 2.05, "China GAC 8.71 Mt [D]"),
];

const SERIES: &[(&str, &str)] = &[
    ("urals_discount_usd_bbl", "Urals discount to Brent, USD/bbl"),
    ("espo_discount_usd_bbl", "ESPO discount to Brent, USD/bbl"),
    ("flow_india_mbd", "India, mb/d (loadings)"),
    ("flow_china_mbd", "China all routes, mb/d"),
];

/// The chart of one replay: four stacked panels.
pub fn chart(p: &Panel) -> Result<String, BacktestError> {
    let (w, ph, left, top) = (720.0, 170.0, 60.0, 30.0);
    let h = top + SERIES.len() as f64 * (ph + 40.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         font-family=\"sans-serif\" font-size=\"11\">\n<text x=\"{left}\" y=\"18\" \
         font-size=\"14\">{} — model p10–p90 band, median (line), observed (dots)</text>\n",
        p.name
    );
    for (k, (var, title)) in SERIES.iter().enumerate() {
        let v = p.var(var)?;
        let bands: Vec<(f64, f64, f64)> = (0..p.months)
            .map(|t| {
                let xs: Vec<f64> = (0..p.paths).map(|i| p.get(i, v, t)).collect();
                (quantile(&xs, 0.1), quantile(&xs, 0.5), quantile(&xs, 0.9))
            })
            .collect();
        let obs: Vec<(usize, f64)> = OBSERVED
            .iter()
            .filter(|o| o.0 == *var)
            .filter_map(|o| {
                let t = month_idx(o.1).ok()? - p.start;
                (t >= 0 && (t as usize) < p.months).then_some((t as usize, o.2))
            })
            .collect();
        let lo = bands.iter().map(|b| b.0).chain(obs.iter().map(|o| o.1));
        let hi = bands.iter().map(|b| b.2).chain(obs.iter().map(|o| o.1));
        let ymin = lo.fold(f64::INFINITY, f64::min).min(0.0);
        let ymax = hi.fold(f64::NEG_INFINITY, f64::max).max(ymin + 1e-6) * 1.05;
        let y0 = top + k as f64 * (ph + 40.0) + 20.0;
        let pw = w - left - 20.0;
        let x = |t: usize| left + pw * (t as f64 + 0.5) / p.months as f64;
        let y = |val: f64| y0 + ph * (1.0 - (val - ymin) / (ymax - ymin));
        s.push_str(&format!(
            "<text x=\"{left}\" y=\"{:.1}\">{title}</text>\n<rect x=\"{left}\" y=\"{y0}\" \
             width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#999\"/>\n",
            y0 - 5.0
        ));
        for tick in [ymin, 0.5 * (ymin + ymax), ymax] {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{tick:.1}</text>\n",
                left - 4.0,
                y(tick) + 4.0
            ));
        }
        let mut poly: Vec<String> = (0..p.months)
            .map(|t| format!("{:.1},{:.1}", x(t), y(bands[t].2)))
            .collect();
        poly.extend(
            (0..p.months)
                .rev()
                .map(|t| format!("{:.1},{:.1}", x(t), y(bands[t].0))),
        );
        s.push_str(&format!(
            "<polygon points=\"{}\" fill=\"#9ecae1\" fill-opacity=\"0.6\"/>\n",
            poly.join(" ")
        ));
        let med: Vec<String> = (0..p.months)
            .map(|t| format!("{:.1},{:.1}", x(t), y(bands[t].1)))
            .collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\"/>\n",
            med.join(" ")
        ));
        for (t, val) in obs {
            s.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#d62728\"/>\n",
                x(t),
                y(val)
            ));
        }
        for t in (0..p.months).step_by(3) {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
                x(t),
                y0 + ph + 13.0,
                iso_month(p.start + t as i32)
            ));
        }
    }
    s.push_str("</svg>\n");
    Ok(s)
}

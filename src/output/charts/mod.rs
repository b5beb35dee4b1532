//! Charts (issue 5): fan charts of a run's bands, overlays of compared scenarios, and the
//! tornado of a sensitivity swing, as SVG and PNG.
//!
//! Pure rendering: data in, bytes out; nothing here knows about files or the command line.
//! Each chart is built once as a [`scene::Scene`] of primitives and rendered by [`svg`] and
//! [`raster`], with all text drawn from the bundled DejaVu Sans outlines ([`font`]), so charts
//! need no installed fonts and the same input gives the same bytes. See `docs/charts.md`.

pub mod axis;
pub mod diff_fan;
pub mod dist;
pub mod fan;
pub mod font;
pub mod frame;
pub mod overlay;
pub mod raster;
pub mod scene;
pub mod svg;
pub mod tornado;

pub use fan::{fan_png, fan_svg, FanSpec};
pub use overlay::{overlay_png, overlay_svg, OverlaySeries, OverlaySpec};
pub use tornado::{tornado_png, tornado_svg, TornadoBar, TornadoSpec};

use crate::engine::stats::{CellStats, Summary};
use crate::engine::vars::Var;
use crate::policy::calendar::{iso_month, MonthIdx};

/// A variable that gets a chart, and how it is titled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyVar {
    /// The variable's name in `summary.csv` (and the chart's file name).
    pub name: &'static str,
    pub label: &'static str,
}

/// The variables charted by `run` and `compare`, in this order; a variable the market does
/// not report (a custom market without India, say) is skipped.
pub const KEY_VARIABLES: [KeyVar; 10] = [
    KeyVar {
        name: "brent_usd_bbl",
        label: "Brent (Dated)",
    },
    KeyVar {
        name: "urals_discount_usd_bbl",
        label: "Urals discount to Brent",
    },
    KeyVar {
        name: "espo_discount_usd_bbl",
        label: "ESPO discount to Brent",
    },
    KeyVar {
        name: "russia_crude_exports_mbd",
        label: "Russian crude exports",
    },
    KeyVar {
        name: "russia_export_revenue_usd_bn",
        label: "Russian crude export revenue",
    },
    KeyVar {
        name: "flow_india_mbd",
        label: "Russian crude loaded for India",
    },
    KeyVar {
        name: "flow_china_mbd",
        label: "Russian crude loaded for China (sea and pipeline)",
    },
    KeyVar {
        name: "india_discount_savings_usd_bn",
        label: "India's savings on Russian crude",
    },
    KeyVar {
        name: "china_discount_savings_usd_bn",
        label: "China's savings on Russian crude",
    },
    KeyVar {
        name: "shadow_fleet_share",
        label: "Share of Russian cargoes on shadow-fleet tankers",
    },
];

/// Names of [`KEY_VARIABLES`].
pub fn key_variable_names() -> Vec<String> {
    KEY_VARIABLES.iter().map(|k| k.name.to_string()).collect()
}

/// A chart file: its name inside the `charts/` folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

fn column(s: &Summary, v: usize, f: fn(&CellStats) -> f64) -> Vec<f64> {
    (0..s.months).map(|t| f(s.cell(t, v))).collect()
}

fn thousands(n: u64) -> String {
    axis::fmt_value(n as f64, 0)
}

/// The fan chart spec of variable `key` of a run, or `None` if the run does not report it.
pub fn fan_from_summary(
    scenario: &str,
    start: MonthIdx,
    vars: &[Var],
    summary: &Summary,
    key: &KeyVar,
    paths: u64,
    seed: u64,
) -> Option<FanSpec> {
    let v = vars.iter().position(|m| m.name == key.name)?;
    if v >= summary.vars {
        return None;
    }
    let end = start + summary.months.max(1) as MonthIdx - 1;
    Some(FanSpec {
        title: format!("{scenario}: {}", key.label),
        subtitle: format!(
            "{} paths, seed {} · {} to {} · median, 25–75% and 5–95% bands across paths",
            thousands(paths),
            seed,
            iso_month(start),
            iso_month(end)
        ),
        note: format!(
            "sanctions-sim · variable {} in summary.csv · bands show the spread of simulated \
             paths, not a forecast interval",
            key.name
        ),
        unit: vars[v].unit.clone(),
        start,
        p05: column(summary, v, |c| c.p05),
        p25: column(summary, v, |c| c.p25),
        p50: column(summary, v, |c| c.p50),
        p75: column(summary, v, |c| c.p75),
        p95: column(summary, v, |c| c.p95),
    })
}

/// `<variable>.svg` and `<variable>.png` for every key variable the run reports.
pub fn run_charts(
    scenario: &str,
    start: MonthIdx,
    vars: &[Var],
    summary: &Summary,
    paths: u64,
    seed: u64,
) -> Vec<ChartFile> {
    let mut out = Vec::new();
    for key in &KEY_VARIABLES {
        if let Some(spec) = fan_from_summary(scenario, start, vars, summary, key, paths, seed) {
            out.push(ChartFile {
                name: format!("{}.svg", key.name),
                bytes: fan_svg(&spec).into_bytes(),
            });
            out.push(ChartFile {
                name: format!("{}.png", key.name),
                bytes: fan_png(&spec),
            });
        }
    }
    out
}

/// One compared scenario's own bands (levels, not differences).
#[derive(Debug, Clone, Copy)]
pub struct Levels<'a> {
    pub scenario: &'a str,
    pub vars: &'a [Var],
    pub summary: &'a Summary,
}

/// Overlay charts `<variable>.svg`/`.png` for every key variable reported by at least one of
/// `levels` (baseline first), from a comparison of `paths` paths on common random numbers.
pub fn compare_charts(start: MonthIdx, levels: &[Levels], paths: u64, seed: u64) -> Vec<ChartFile> {
    let names: Vec<&str> = levels.iter().map(|l| l.scenario).collect();
    let mut out = Vec::new();
    for key in &KEY_VARIABLES {
        let mut unit = None;
        let mut series = Vec::new();
        for l in levels {
            let Some(v) = l.vars.iter().position(|m| m.name == key.name) else {
                continue;
            };
            if v >= l.summary.vars {
                continue;
            }
            unit.get_or_insert_with(|| l.vars[v].unit.clone());
            series.push(OverlaySeries {
                name: l.scenario.to_string(),
                p05: column(l.summary, v, |c| c.p05),
                p50: column(l.summary, v, |c| c.p50),
                p95: column(l.summary, v, |c| c.p95),
            });
        }
        let Some(unit) = unit else { continue };
        let spec = OverlaySpec {
            title: format!("{} by scenario", key.label),
            subtitle: format!(
                "{} · {} paths each on common random numbers, seed {} · median and 5–95% band",
                names.join(" vs "),
                thousands(paths),
                seed
            ),
            note: format!(
                "sanctions-sim compare · variable {} · bands show the spread of simulated paths, not a \
                 forecast interval",
                key.name
            ),
            unit,
            start,
            series,
        };
        out.push(ChartFile {
            name: format!("{}.svg", key.name),
            bytes: overlay_svg(&spec).into_bytes(),
        });
        out.push(ChartFile {
            name: format!("{}.png", key.name),
            bytes: overlay_png(&spec),
        });
    }
    out
}

/// The variables with distribution charts (`cdf_<variable>.svg`/`.png`), in this order.
pub const DIST_VARIABLES: [&str; 4] = [
    "brent_usd_bbl",
    "russia_export_revenue_usd_bn",
    "flow_india_mbd",
    "flow_china_mbd",
];

/// `cdf_<variable>.svg` and `.png` for each of [`DIST_VARIABLES`] the run reports: the
/// distribution across paths in month 12 (the last month of a shorter run) and, for flows and
/// money, of the whole-horizon total (from `totals.csv`'s `horizon` row).
pub fn dist_charts(
    scenario: &str,
    start: MonthIdx,
    vars: &[Var],
    summary: &Summary,
    derived: &crate::engine::stats::derived::Derived,
    paths: u64,
    seed: u64,
) -> Vec<ChartFile> {
    use dist::{dist_png, dist_svg, DistPanel, DistSpec};
    let mut out = Vec::new();
    if summary.months == 0 {
        return out;
    }
    let t = summary.months.min(12) - 1;
    let horizon = derived.periods.iter().position(|p| p.label == "horizon");
    for name in DIST_VARIABLES {
        let Some(v) = vars.iter().position(|m| m.name == name) else {
            continue;
        };
        if v >= summary.vars {
            continue;
        }
        let label = KEY_VARIABLES
            .iter()
            .find(|k| k.name == name)
            .map_or(name, |k| k.label);
        let mut panels = vec![DistPanel::of(
            format!("Month {} ({})", t + 1, iso_month(start + t as MonthIdx)),
            vars[v].unit.clone(),
            summary.cell(t, v),
        )];
        if let (Some(p), Some(j)) = (horizon, derived.total_index(name)) {
            let end = start + summary.months as MonthIdx - 1;
            panels.push(DistPanel::of(
                format!("Total, {} to {}", iso_month(start), iso_month(end)),
                derived.totals[j].unit.clone(),
                derived.total(p, j),
            ));
        }
        let spec = DistSpec {
            title: format!("{scenario}: {label}, distribution across paths"),
            subtitle: format!(
                "{} paths, seed {} · share of paths at or below each value",
                thousands(paths),
                seed
            ),
            note: format!(
                "sanctions-sim · variable {name} in summary.csv (month) and totals.csv (total) · \
                 drawn through the seven kept percentiles, p05 to p95"
            ),
            panels,
        };
        out.push(ChartFile {
            name: format!("cdf_{name}.svg"),
            bytes: dist_svg(&spec).into_bytes(),
        });
        out.push(ChartFile {
            name: format!("cdf_{name}.png"),
            bytes: dist_png(&spec),
        });
    }
    out
}

//! D208: world demand is linear in calendar time from 2024-01, `D̄_t = demand_base +
//! demand_growth · (years since 2024-01)` (model.md §4.8, errata N1), and the ranges of the
//! two parameters and of the dates are checked one by one. Their combination is checked here:
//! over the run's horizon, with both parameters anywhere in their distributions' reach,
//! demand must stay at or above [`DEMAND_FLOOR`]. Below it Brent sits at its clamps (a start
//! in 1900 gave $400 then $5) and the warnings blamed the market file.

use super::lever_bounds::reach;
use super::Scenario;
use crate::policy::calendar::{iso_month, MonthIdx};

/// The lowest world demand a run may reach, mb/d: the lower end of `demand_base`'s range,
/// which keeps demand above the largest Russian availability (`market::param_ranges`).
pub const DEMAND_FLOOR: f64 = 50.0;

/// 2024-01, the base month of the demand trend.
const BASE_MONTH: MonthIdx = 2024 * 12;

impl Scenario {
    /// Whether world demand stays at or above [`DEMAND_FLOOR`] over `months` months from the
    /// start, for every `demand_base` and `demand_growth` their distributions can draw. The
    /// error names both parameters, the month and level reached, and the months a run with
    /// these parameters may cover. Checked at load (the file's `months`) and by
    /// [`Scenario::check_months`] (`--months`).
    pub fn check_demand(&self, months: usize) -> Result<(), String> {
        let (Some(base), Some(growth)) = (
            self.params.get("demand_base"),
            self.params.get("demand_growth"),
        ) else {
            return Ok(());
        };
        let (base_lo, _) = reach(&base);
        let (g_lo, g_hi) = reach(&growth);
        let first = self.start;
        let last = self.start + months.max(1) as MonthIdx - 1;
        let years = |t: MonthIdx| (t - BASE_MONTH) as f64 / 12.0;
        let (low, at, g) = [(first, g_lo), (first, g_hi), (last, g_lo), (last, g_hi)]
            .into_iter()
            .map(|(t, g)| (base_lo + g * years(t), t, g))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .expect("four corners");
        if low >= DEMAND_FLOOR {
            return Ok(());
        }
        // The months where demand stays above the floor for both ends of the growth.
        let mut from: MonthIdx = 1900 * 12;
        let mut to: MonthIdx = super::dates::LAST_MONTH;
        for g in [g_lo, g_hi] {
            let t = BASE_MONTH as f64 + 12.0 * (DEMAND_FLOOR - base_lo) / g;
            if g > 0.0 {
                from = from.max(t.ceil() as MonthIdx);
            } else if g < 0.0 {
                to = to.min(t.floor() as MonthIdx);
            }
        }
        let fits = if from <= to {
            format!(
                "with these parameters a run must lie within {} to {}",
                iso_month(from),
                iso_month(to)
            )
        } else {
            "no start keeps it there with these parameters".to_string()
        };
        Err(format!(
            "world demand falls to {:.1} mb/d in {} (demand_base {} + demand_growth {} x {:.1} \
             years from 2024-01), below {DEMAND_FLOOR} mb/d, the floor of `demand_base`'s \
             range: demand is a straight line from 2024-01 (model.md §4.8), and so far from it \
             Brent would sit at its clamps; {fits}. Move `scenario.start` (or shorten \
             `months`), or change `params.demand_base` / `params.demand_growth`",
            low,
            iso_month(at),
            crate::suggest::Num(base_lo),
            crate::suggest::Num(g),
            years(at)
        ))
    }
}

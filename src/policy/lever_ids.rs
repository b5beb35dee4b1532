//! [`LeverIds`]: the ids of the levers the model reads, re-exported from `levers`.

use super::levers::LeverId;

/// Ids of the levers the model reads, resolved once so the hot loop never looks up names.
/// Per-row levers are indexed like the market file's rows.
#[derive(Debug, Clone)]
pub struct LeverIds {
    pub cap_eu_usd: LeverId,
    pub cap_eu_mode: LeverId,
    pub cap_eu_dyn_factor: LeverId,
    pub cap_eu_review_months: LeverId,
    pub cap_us_usd: LeverId,
    pub cap_authority: LeverId,
    pub cap_enforcement: LeverId,
    pub cap_attestation_usd: LeverId,
    pub cap_services_ban: LeverId,
    pub cap_refusal_prob: LeverId,
    pub fleet_shadow_capacity: LeverId,
    pub fleet_western_capacity: LeverId,
    pub fleet_designation_rate: LeverId,
    pub fleet_designation_mean_share: LeverId,
    pub fleet_designation_us_prob: LeverId,
    pub fleet_designation_batch: LeverId,
    pub sdn_share: LeverId,
    pub sdn_wave: LeverId,
    pub relief_active: LeverId,
    pub supply_russia_exports_adj: LeverId,
    pub supply_ramp_mbd: LeverId,
    pub supply_opec_spare_mbd: LeverId,
    pub risk_premium_jump: LeverId,
    pub tariff_rate: Vec<LeverId>,
    pub tariff_base_rate: Vec<LeverId>,
    pub tariff_exposed_exports_bn: Vec<LeverId>,
    pub tariff_snapback_rate: Vec<LeverId>,
    pub tariff_snapback_prob: Vec<LeverId>,
    pub secondary_capacity_cut: Vec<LeverId>,
    pub secondary_risk_wedge_usd: Vec<LeverId>,
    pub secondary_pipeline_block_prob: Vec<LeverId>,
    pub carrot_value_bn: Vec<LeverId>,
    pub buyer_capacity_scale: Vec<LeverId>,
    pub stance_force: Vec<LeverId>,
    pub pipeline_availability: Vec<LeverId>,
    pub freight_scale: Vec<LeverId>,
    /// `sdn.<basin>.share`, in basin row order (D33).
    pub sdn_basin_share: Vec<LeverId>,
    /// `compliance.<buyer>.share` (D35), in buyer row order.
    pub compliance_share: Vec<LeverId>,
    /// `pledge.<buyer>.cut` (D36), in buyer row order.
    pub pledge_cut: Vec<LeverId>,
}

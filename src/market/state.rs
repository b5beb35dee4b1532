//! Per-path state (model.md §3) and the monthly shock block (§2).

use super::model::PathModel;

/// Number of outage size classes (§4.2.3).
pub const OUTAGE_CLASSES: usize = 3;
pub const OUTAGE_SIZES: [f64; OUTAGE_CLASSES] = [1.0, 3.0, 6.0];

/// One outage slot per size class; a second arrival in a busy slot is merged (errata N16).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Outage {
    pub size: f64,
    pub gulf: bool,
    pub active: bool,
    pub spr_months_left: u32,
}

/// National stance of a stance buyer (D38: continuous, with the errata-4 tariff machine).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stance {
    /// φ: the share of the buyer's intake (sea and pipeline) that has stopped, in [0, θ^halt].
    pub cut: f64,
    /// φ ≥ half of θ^halt: what the tariff machine and `<buyer>_halted_share` count as a halt.
    pub halted: bool,
    /// The conditional tariff is suspended: set at a halt, cleared by a snapback.
    pub suspended: bool,
    /// T^snap: the rate restored by a snapback.
    pub snap_rate: f64,
    /// Full-buying intake (sea + pipeline) when the halt began, for the relative m_thr.
    pub prehalt_intake: f64,
}

#[derive(Debug, Clone)]
pub struct State {
    // Brent
    pub chi: f64,
    pub xi: f64,
    /// The part of ξ its shocks put there: ξ less the path it would follow with every shock
    /// zero. Not read by the model; `sensitivity` ranks it as the path's long-term Brent shock.
    pub xi_shock: f64,
    pub regime: u8,
    pub pi: f64,
    pub outages: [Outage; OUTAGE_CLASSES],
    pub inv: f64,
    pub alpha_d: f64,
    pub alpha_s: f64,
    pub x_prev: f64,
    pub u_prev: f64,
    /// D172: the Western tankers' participation in the capped trade last month (1: all of
    /// `fleet.western_capacity`; `1 − 0.5 e` when the cap binds in full); `None` before the
    /// first month, which starts at its own target.
    pub west_stay: Option<f64>,
    // Russia
    pub nu: f64,
    pub adj: f64,
    pub storage: f64,
    pub shutin: f64,
    pub fleet: f64,
    pub fdes_us: f64,
    pub fdes_eu: f64,
    /// EMA of Brent (weight 0.3): the price a carry trade expects to sell at (D32).
    pub pbar: f64,
    pub ubar: [f64; 5],
    pub ubar_pos: usize,
    // Sanctions
    /// Designated share and laundering index of each basin (D33: a wave may hit one basin).
    pub s_prev: Vec<f64>,
    pub laundering: Vec<f64>,
    /// Intermediary-margin intensity ψ of each basin (a wave resets its own basins, D33).
    pub psi: Vec<f64>,
    pub adapt: Vec<f64>,
    pub slate: Vec<f64>,
    pub tariff_prev: Vec<f64>,
    pub secondary_prev: Vec<(f64, f64, f64)>,
    pub stance: Vec<Stance>,
    /// D35: the authority waves still biting (each remembered on its own).
    pub waves: Vec<super::compliance::WaveState>,
    /// D147: re-papered waves that left `waves`, for their share of the `sdn.share` lever.
    pub retired: Vec<super::compliance::RetiredWave>,
    /// D40: the tanker batches whose cargoes are not yet on replacement tankers.
    pub tanker_bans: Vec<super::tanker_ban::TankerBan>,
    // Noise
    pub zf: f64,
    pub eta: Vec<f64>,
    // Lags (t−1 outcomes)
    pub m_prev: Vec<f64>,
    pub delta_prev: Vec<f64>,
    /// Each buyer's alternative-crude premium `a_j` last month, Gulf outages included (D169).
    pub alt_prev: Vec<f64>,
    pub d_prev: Vec<f64>,
    pub n_prev: Vec<f64>,
    pub q_prev: Vec<f64>,
    pub p_prev: f64,
}

impl State {
    /// Empty state sized for the market; `engine` fills it by the explicit init (errata N2).
    pub fn sized(m: &PathModel) -> State {
        let nr = m.route_cap.len();
        let nj = m.n_buyers;
        State {
            chi: 0.0,
            xi: 0.0,
            xi_shock: 0.0,
            regime: 0,
            pi: 0.0,
            outages: [Outage::default(); OUTAGE_CLASSES],
            inv: m.p.inv_target,
            alpha_d: 0.0,
            alpha_s: 0.0,
            x_prev: 0.0,
            u_prev: m.p.u_star,
            west_stay: None,
            nu: 0.0,
            adj: 0.0,
            storage: 0.0,
            shutin: 0.0,
            fleet: 0.0,
            fdes_us: 0.0,
            fdes_eu: 0.0,
            pbar: 0.0,
            ubar: [0.0; 5],
            ubar_pos: 0,
            s_prev: vec![0.0; m.n_basins],
            laundering: vec![0.0; m.n_basins],
            psi: vec![0.0; m.n_basins],
            adapt: vec![1.0; nj],
            slate: vec![1.0; nr],
            tariff_prev: vec![0.0; nj],
            secondary_prev: vec![(0.0, 0.0, 0.0); nj],
            stance: vec![Stance::default(); nj],
            waves: Vec::new(),
            retired: Vec::new(),
            tanker_bans: Vec::new(),
            zf: 0.0,
            eta: vec![0.0; nj],
            m_prev: vec![0.0; nr],
            delta_prev: vec![0.0; nr],
            alt_prev: m.buyer_alt.clone(),
            d_prev: vec![10.0; m.n_basins],
            n_prev: vec![0.0; m.n_basins],
            q_prev: vec![0.0; m.pipe_flow.len()],
            p_prev: 0.0,
        }
    }

    pub fn ubar_mean(&self) -> f64 {
        self.ubar.iter().sum::<f64>() / self.ubar.len() as f64
    }

    pub fn push_ubar(&mut self, v: f64) {
        self.ubar[self.ubar_pos] = v;
        self.ubar_pos = (self.ubar_pos + 1) % self.ubar.len();
    }
}

/// Every draw of a month whose count does not depend on levers (§2), so that a lever change
/// never shifts the main stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Shocks {
    /// Correlated standard normals: χ, ξ, freight, ν, then one per buyer.
    pub normals: Vec<f64>,
    pub u_regime: f64,
    /// Per outage class: arrival, size, Gulf flag, end.
    pub u_outage: [[f64; 4]; OUTAGE_CLASSES],
    /// Per buyer: snapback, pipeline block (D38: the continuous stance draws nothing).
    pub u_snap: Vec<f64>,
    pub u_block: Vec<f64>,
    pub u_refuse: f64,
}

impl Shocks {
    pub fn zeros(m: &PathModel) -> Shocks {
        Shocks {
            normals: vec![0.0; m.n_normals],
            u_regime: 1.0,
            u_outage: [[1.0; 4]; OUTAGE_CLASSES],
            u_snap: vec![1.0; m.n_buyers],
            u_block: vec![1.0; m.n_buyers],
            u_refuse: 1.0,
        }
    }
}

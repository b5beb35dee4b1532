//! The month's working set: the inputs every sub-step of a month shares (`MonthCtx`, the
//! designation `Batch`es), the buffers they read and write (`Work`) and the diagnostics they
//! count (`StepDiag`).
//!
//! Named after `Work`, its main type. These types are shared by `step.rs`, which sequences the
//! month, and by every sub-step file (clearing, slate, fleet, Brent, accounting), so they live
//! apart from the sequencing: a change to the order of the month no longer touches the file
//! that defines what each sub-step may see, and a future batched step can replace `Work` here
//! without reading the sequencing.

use super::accounting::Outcome;
use super::clearing::BasinStatus;
use super::compliance::Exposure;
use super::model::PathModel;

/// One designation batch drawn for this month (scheduled or random).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Batch {
    pub share: f64,
    pub us: bool,
}

/// The calendar facts of the month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthCtx {
    pub month: i32,
    pub days: f64,
}

/// Scratch and outcome buffers reused across months of a path (no allocation in the loop).
#[derive(Debug, Clone)]
pub struct Work {
    pub m_cap: Vec<f64>,
    pub h: Vec<f64>,
    /// h_r before the slate's shadow price: h_r = h⁰_r + λ_{j(r)} (D39).
    pub h0: Vec<f64>,
    /// D39: each buyer's slate shadow price λ_j ($/bbl) and the sea part of its slate (mb/d).
    pub lambda: Vec<f64>,
    pub slate_sea: Vec<f64>,
    pub k: Vec<f64>,
    pub freight: Vec<f64>,
    pub alt: Vec<f64>,
    /// e^η_j of each buyer this month: every route of the buyer scales by it, so it is taken
    /// once per buyer, not once per route (the same bits).
    pub eta_exp: Vec<f64>,
    pub w: Vec<f64>,
    /// Designated share s_b and its non-laundered part s̃_b of each basin this month (D33).
    pub s: Vec<f64>,
    pub s_tilde: Vec<f64>,
    /// The laundering channel's share `s − a` of each basin (D147, D159): the lever share
    /// less what authority waves account for.
    pub s_chan: Vec<f64>,
    pub x_basin: Vec<f64>,
    pub x_del: Vec<f64>,
    pub d_clr: Vec<f64>,
    /// A split basin's pooled root D^c (the compliant refiners' discount), +∞ otherwise (D37).
    pub d_clean: Vec<f64>,
    pub status: Vec<BasinStatus>,
    pub q_sched: Vec<f64>,
    pub q: Vec<f64>,
    pub out: Outcome,
    /// D35: per route, the share of capacity refusing the designated tranche, the wind-down
    /// front-loading multiplier and the route's discount minus the basin's reported D_b.
    pub refuse: Vec<f64>,
    pub boost: Vec<f64>,
    /// D41: share of each route's capacity paused by its buyer's compliant refiners.
    pub pause: Vec<f64>,
    pub d_off: Vec<f64>,
    /// D35/D36: per route, the share of the rationed part's pooled intake it keeps.
    pub keep: Vec<f64>,
    pub exposure: Exposure,
    pub scratch: Vec<f64>,
    /// ln of the observed Brent imposed this month (`[brent] imposed`), or `None` for the
    /// free outer root; set by the engine before each step.
    pub imposed_x: Option<f64>,
}

impl Work {
    pub fn new(m: &PathModel) -> Work {
        let nr = m.route_cap.len();
        let nb = m.n_basins;
        Work {
            m_cap: vec![0.0; nr],
            h: vec![0.0; nr],
            h0: vec![0.0; nr],
            lambda: vec![0.0; m.n_buyers],
            slate_sea: vec![f64::INFINITY; m.n_buyers],
            k: vec![0.0; nr],
            freight: vec![0.0; nr],
            alt: vec![0.0; m.n_buyers],
            eta_exp: vec![0.0; m.n_buyers],
            w: vec![0.0; nb],
            s: vec![0.0; nb],
            s_tilde: vec![0.0; nb],
            s_chan: vec![0.0; nb],
            x_basin: vec![0.0; nb],
            x_del: vec![0.0; nb],
            d_clr: vec![0.0; nb],
            d_clean: vec![f64::INFINITY; nb],
            status: vec![BasinStatus::Cleared; nb],
            q_sched: vec![0.0; m.pipe_flow.len()],
            q: vec![0.0; m.pipe_flow.len()],
            out: Outcome::new(m),
            refuse: vec![0.0; nr],
            boost: vec![1.0; nr],
            pause: vec![0.0; nr],
            d_off: vec![0.0; nr],
            keep: vec![1.0; nr],
            exposure: Exposure::new(nb),
            scratch: Vec::new(),
            imposed_x: None,
        }
    }
}

/// Diagnostics counted per path-month and summed by the engine.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepDiag {
    pub basin_iters_max: u32,
    pub brent_iters: u32,
    pub bisections: u32,
    pub not_converged: u32,
    pub brent_clamped: bool,
    pub fleet_violation: bool,
    pub reclear_iters: u32,
    pub empty_basin: u32,
    /// D39: a buyer's routes were rationed to its slate (no discount cleared within it).
    pub slate_rationed: u32,
    /// D131: a shadow-capacity action or the risk premium π is held at its bound this month.
    pub state_bounded: bool,
}

//! The one-off actions an event fires (`Fired`) and who designates a wave's sellers
//! (`WaveAuthority`): the timeline's output that the market step reads.

use super::SellerNames;

/// Who designates the sellers of an `sdn.wave` (D35). A US designation reaches every buyer
/// with dollar exposure; EU and UK ones work through services and shipping. The index is the
/// column of a buyer's `authority_reach`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaveAuthority {
    Us = 0,
    Eu = 1,
    Uk = 2,
}

impl WaveAuthority {
    pub const NAMES: [&'static str; 3] = ["us", "eu", "uk"];

    pub fn parse(s: &str) -> Option<WaveAuthority> {
        match s {
            "us" => Some(WaveAuthority::Us),
            "eu" => Some(WaveAuthority::Eu),
            "uk" => Some(WaveAuthority::Uk),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// One-off actions the model applies in the month they fire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fired {
    /// An `sdn.wave` became effective: reset ψ (of the wave's basins), A and L (the share
    /// itself ramps as a lever). `basins` is a bit mask of basin rows; 0 means every basin.
    Wave {
        add_share: f64,
        basins: u64,
        /// D35: with an authority the wave also bites through buyers' compliance, from
        /// `wind_down_months` after the day it fires.
        authority: Option<WaveAuthority>,
        wind_down_months: u32,
        /// D42: share of the firing month before the announcement day, `(day − 1)/days`, so
        /// that the deadline falls `wind_down_months` after the day, not the month's start.
        day_offset: f64,
        /// D45: a hash of the wave's `sellers` name (never 0), or 0 for a wave of its own.
        group: u64,
        /// D46: the companies the `sellers` name lists (its parts between `_`, `-`, `.`),
        /// hashed, for the buyers' term ties (all zero without a name).
        names: SellerNames,
        /// D162: what the wave adds to the `sdn.share` lever: `add_share`, or for a wave of a
        /// seller group what it adds beyond the group's earlier waves (D45); the market's
        /// count of the authority waves' share follows the lever exactly with it.
        lever_share: f64,
    },
    Batch {
        share: f64,
        us: bool,
    },
    /// D40: buyers that ban designated tankers lose `cargo` of the masked basins' cargoes
    /// (0 = every basin) until replacement tankers carry them.
    TankerBan {
        basins: u64,
        cargo: f64,
        us: bool,
    },
    Jump(f64),
    ShadowSet(f64),
    ShadowScale(f64),
}

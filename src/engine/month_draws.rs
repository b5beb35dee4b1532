//! The month's fixed shock block (model.md §2) for a batch of consecutive paths, as arrays
//! over the paths (structure of arrays), filled in one call.
//!
//! Each path reads two kinds of stream at slot = month: `shocks` (the common normals χ, ξ,
//! freight, ν, then the regime, outage and refusal uniforms) and `shocks.buyer.<id>` (the
//! buyer's normal, then its snapback and pipeline-block uniforms). Normals are rand_distr's
//! ziggurat, as before D130: exact, and about one 64-bit word per normal. Its rare rejections
//! take extra words, so the words a month needs are not fixed; [`MonthDraws::fill`] computes
//! the blocks of every stream of every lane that no rejection needs more than, in one pass on
//! the vector unit ([`Blocks`]), and a lane that needs more continues its own stream from
//! there ([`LaneRng`]). A batch of one path and a batch of 64 give the same bits for that path.

use super::philox::Blocks;
use super::rng::{CounterRng, StreamKey};
use crate::market::model::{PathModel, N_BUYER0};
use crate::market::state::{Shocks, OUTAGE_CLASSES};
use ndarray::{Array2, Array3, Axis};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// Uniforms of the common stream: regime, four per outage class, refusal.
pub const COMMON_UNIFORMS: usize = 2 + 4 * OUTAGE_CLASSES;
/// Draws of a buyer's stream: its normal, snapback and pipeline-block uniforms.
const BUYER_DRAWS: usize = 3;

/// The keys of the month's streams; the same for every path of a run.
#[derive(Debug, Clone)]
pub struct MonthKeys {
    pub shocks: StreamKey,
    /// In market order.
    pub buyers: Vec<StreamKey>,
}

impl MonthKeys {
    pub fn new(seed: u64, buyer_ids: impl Iterator<Item = impl AsRef<str>>) -> MonthKeys {
        MonthKeys {
            shocks: StreamKey::new(seed, "shocks"),
            buyers: buyer_ids
                .map(|id| StreamKey::parts(seed, "shocks.buyer.", id.as_ref()))
                .collect(),
        }
    }
}

/// One month's shock block of `lanes` paths: every table's last axis is the lane (the path of
/// the batch), so a draw's row is contiguous across the batch.
#[derive(Debug, Clone)]
pub struct MonthDraws {
    lanes: usize,
    keys: MonthKeys,
    /// The common iid normals (χ, ξ, freight, ν) × lanes.
    pub common_normals: Array2<f64>,
    /// Regime, then per outage class arrival, size, Gulf flag, end, then refusal × lanes.
    pub common_uniforms: Array2<f64>,
    /// Buyer (market order) × (iid normal, snapback uniform, pipeline-block uniform) × lanes.
    pub buyer: Array3<f64>,
    /// Every block of every stream that no rejection needs more than: the common stream's
    /// first, then each buyer's.
    blocks: Blocks,
}

/// Blocks of the common stream and of a buyer stream.
const COMMON_BLOCKS: u32 = (N_BUYER0 + COMMON_UNIFORMS).div_ceil(2) as u32;
const BUYER_BLOCKS: u32 = BUYER_DRAWS.div_ceil(2) as u32;

impl MonthDraws {
    pub fn new(lanes: usize, keys: MonthKeys) -> MonthDraws {
        let nb = keys.buyers.len();
        let mut blocks = Blocks::default();
        blocks.push_stream(keys.shocks.words(), COMMON_BLOCKS);
        for k in &keys.buyers {
            blocks.push_stream(k.words(), BUYER_BLOCKS);
        }
        MonthDraws {
            lanes,
            keys,
            common_normals: Array2::zeros((N_BUYER0, lanes)),
            common_uniforms: Array2::zeros((COMMON_UNIFORMS, lanes)),
            buyer: Array3::zeros((nb, BUYER_DRAWS, lanes)),
            blocks,
        }
    }

    pub fn lanes(&self) -> usize {
        self.lanes
    }

    /// Fills the block of month index `month` (0 for the first month) of paths
    /// `path0 .. path0 + lanes`.
    pub fn fill(&mut self, path0: u64, month: u32) {
        let n = self.lanes;
        let bl = &mut self.blocks;
        bl.compute(month, path0, n);
        let at = |row: usize, blocks: u32, key, l: usize| LaneRng {
            blocks: &*bl,
            first: row * n + l,
            have: 2 * blocks as usize,
            lanes: n,
            next: 0,
            more: CounterRng::at_block(key, path0 + l as u64, month, blocks),
        };
        let (zs, us) = (&mut self.common_normals, &mut self.common_uniforms);
        for l in 0..n {
            let mut r = at(0, COMMON_BLOCKS, self.keys.shocks, l);
            common(&mut r, |k, z| zs[[k, l]] = z, |k, u| us[[k, l]] = u);
        }
        for (j, key) in self.keys.buyers.iter().enumerate() {
            let row = COMMON_BLOCKS as usize + j * BUYER_BLOCKS as usize;
            let mut rows = self.buyer.index_axis_mut(Axis(0), j);
            for l in 0..n {
                let mut r = at(row, BUYER_BLOCKS, *key, l);
                for (k, d) in buyer(&mut r).into_iter().enumerate() {
                    rows[[k, l]] = d;
                }
            }
        }
    }

    /// Fills lane 0 from sequential streams (the pre-D130 generator, `RngKind::Legacy`), in
    /// the order every generator reads them.
    pub fn fill_from<R: Rng, B: Rng>(&mut self, main: &mut R, buyers: &mut [B]) {
        let (zs, us) = (&mut self.common_normals, &mut self.common_uniforms);
        common(main, |k, z| zs[[k, 0]] = z, |k, u| us[[k, 0]] = u);
        for (j, b) in buyers.iter_mut().enumerate() {
            for (k, d) in buyer(b).into_iter().enumerate() {
                self.buyer[[j, k, 0]] = d;
            }
        }
    }

    /// Lane `lane` as the path's [`Shocks`]: the iid normals correlated by the path's
    /// Cholesky factor (buyers in `buyer_order`), and the uniforms in place.
    pub fn shocks(&self, lane: usize, m: &PathModel, out: &mut Shocks, iid: &mut [f64]) {
        for (k, z) in iid.iter_mut().take(N_BUYER0).enumerate() {
            *z = self.common_normals[[k, lane]];
        }
        for (rank, &j) in m.buyer_order.iter().enumerate() {
            let b = |k: usize| self.buyer[[j, k, lane]];
            iid[N_BUYER0 + rank] = b(0);
            out.u_snap[j] = b(1);
            out.u_block[j] = b(2);
        }
        let nn = m.n_normals;
        for i in 0..nn {
            let row = &m.chol[i * nn..i * nn + i + 1];
            out.normals[i] = row.iter().zip(iid.iter()).map(|(a, b)| a * b).sum();
        }
        let u = |k: usize| self.common_uniforms[[k, lane]];
        out.u_regime = u(0);
        for (c, slot) in out.u_outage.iter_mut().enumerate() {
            for (k, v) in slot.iter_mut().enumerate() {
                *v = u(1 + 4 * c + k);
            }
        }
        out.u_refuse = u(COMMON_UNIFORMS - 1);
    }
}

/// The common stream's draws, in stream order: the normals, then the uniforms.
#[inline]
fn common<R: Rng>(r: &mut R, mut z: impl FnMut(usize, f64), mut u: impl FnMut(usize, f64)) {
    for k in 0..N_BUYER0 {
        z(k, r.sample(StandardNormal));
    }
    for k in 0..COMMON_UNIFORMS {
        u(k, r.random());
    }
}

/// A buyer stream's draws, in stream order.
#[inline]
fn buyer<R: Rng>(r: &mut R) -> [f64; BUYER_DRAWS] {
    [r.sample(StandardNormal), r.random(), r.random()]
}

/// One lane's stream over the blocks [`Blocks::compute`] computed (word `w` in entry
/// `first + (w / 2) * lanes`), continued by its own counter when a ziggurat rejection needs
/// more.
struct LaneRng<'a> {
    blocks: &'a Blocks,
    first: usize,
    /// Words computed: twice the blocks listed.
    have: usize,
    lanes: usize,
    next: usize,
    more: CounterRng,
}

impl LaneRng<'_> {
    #[inline]
    fn word(&mut self) -> u64 {
        let w = self.next;
        if w >= self.have {
            return self.more.next_u64();
        }
        self.next += 1;
        self.blocks.word(self.first + (w / 2) * self.lanes, w % 2)
    }
}

super::rng::impl_word_rng!(LaneRng<'_>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::CounterRng;

    /// A lane of a batch is the path's own streams read in order, whatever the batch size,
    /// including the ziggurat's rejections (which some of 500 paths × 5 normals hit).
    #[test]
    fn a_lane_is_its_paths_sequential_streams() {
        let keys = MonthKeys::new(11, ["CN", "IN", "TR"].iter());
        let (path0, lanes, month) = (1_000, 500, 4);
        let mut batch = MonthDraws::new(lanes, keys.clone());
        batch.fill(path0, month);
        for l in [0, 1, 7, 63, 64, 255, 499] {
            let p = path0 + l as u64;
            let mut main = CounterRng::new(keys.shocks, p, month);
            let mut buyers: Vec<_> = (keys.buyers.iter())
                .map(|k| CounterRng::new(*k, p, month))
                .collect();
            let mut one = MonthDraws::new(1, keys.clone());
            one.fill_from(&mut main, &mut buyers);
            let mut solo = MonthDraws::new(1, keys.clone());
            solo.fill(p, month);
            let lane = |a: ndarray::ArrayViewD<f64>, l: usize| {
                let last = Axis(a.ndim() - 1);
                a.index_axis(last, l).iter().copied().collect::<Vec<f64>>()
            };
            for (t, (a, b)) in [
                (batch.common_normals.view(), one.common_normals.view()),
                (batch.common_uniforms.view(), one.common_uniforms.view()),
            ]
            .into_iter()
            .enumerate()
            {
                assert_eq!(
                    lane(a.into_dyn(), l),
                    lane(b.into_dyn(), 0),
                    "table {t}, lane {l}"
                );
            }
            assert_eq!(
                lane(batch.buyer.view().into_dyn(), l),
                lane(one.buyer.view().into_dyn(), 0),
                "buyers, lane {l}"
            );
            assert_eq!(solo.common_normals, one.common_normals);
            assert_eq!(solo.buyer, one.buyer);
        }
    }

    #[test]
    fn uniforms_are_in_the_unit_interval_and_months_differ() {
        let keys = MonthKeys::new(1, ["IN"].iter());
        let mut a = MonthDraws::new(8, keys.clone());
        let mut b = MonthDraws::new(8, keys);
        a.fill(0, 0);
        b.fill(0, 1);
        assert!(a.common_uniforms.iter().all(|u| (0.0..1.0).contains(u)));
        assert_ne!(a.common_normals, b.common_normals);
    }
}

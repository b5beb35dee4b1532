//! What a sharded run stores of an accumulator and how it folds back: the moments of one
//! group of chunks, held apart and folded in group order, and the order statistics'
//! encoding (docs/scaling.md).

use super::moments::Moments;
use super::sketch::Sketch;
use super::{codec, MonthlyStats, Order, BLOCK_VALUES};

/// The moments of every cell of one group of chunks, held apart from the order statistics
/// so that they can be folded later, in group order (sharded runs, docs/scaling.md).
#[derive(Debug, Clone)]
pub struct GroupMoments {
    moments: Vec<Moments>,
}

impl GroupMoments {
    pub fn encode(&self, w: &mut codec::Writer) {
        w.u64(self.moments.len() as u64);
        self.moments.iter().for_each(|m| m.encode(w));
    }

    pub fn decode(r: &mut codec::Reader, cells: usize) -> Result<GroupMoments, codec::CodecError> {
        let n = r.count(32)?;
        if n != cells {
            return Err(codec::CodecError::Corrupt(format!(
                "group of {n} cells, expected {cells}"
            )));
        }
        let moments = (0..n)
            .map(|_| Moments::decode(r))
            .collect::<Result<_, _>>()?;
        Ok(GroupMoments { moments })
    }

    /// `(n, nonfinite)` of every cell: finite values and non-finite ones seen (each path adds
    /// one to either), so a decoded group can be checked against the paths it covers.
    pub(super) fn moments(&self) -> &[Moments] {
        &self.moments
    }

    pub fn cell_counts(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.moments.iter().map(|m| (m.n, m.nonfinite))
    }
}

impl MonthlyStats {
    /// Takes the moments out (leaving empty ones): `self` keeps only its order statistics.
    pub fn take_moments(&mut self) -> GroupMoments {
        let empty = vec![Moments::default(); self.moments.len()];
        GroupMoments {
            moments: std::mem::replace(&mut self.moments, empty),
        }
    }

    /// Folds a group's moments after those already here, exactly as [`MonthlyStats::merge`]
    /// folds a whole accumulator's.
    pub fn fold_moments(&mut self, g: &GroupMoments) {
        assert_eq!(g.moments.len(), self.moments.len(), "fold_moments: shape");
        for (a, b) in self.moments.iter_mut().zip(&g.moments) {
            a.merge(b);
        }
    }

    /// Adds `other`'s order statistics (exact values or sketch counts), ignoring its moments.
    /// Quantiles do not depend on the order in which values arrive.
    pub fn merge_order(&mut self, mut other: MonthlyStats) {
        other
            .moments
            .iter_mut()
            .for_each(|m| *m = Moments::default());
        let mine = self.take_moments();
        self.merge(other);
        self.moments = mine.moments;
    }

    /// The same accumulator in sketch mode: every kept finite value goes into its cell's
    /// sketch, which is then identical to one fed path by path (integer counts and extremes).
    pub fn into_sketch(self) -> MonthlyStats {
        let Order::Exact { blocks } = &self.order else {
            return self;
        };
        let stride = self.kept();
        let mut cells: Vec<Sketch> = (0..stride).map(|_| Sketch::new()).collect();
        for row in blocks.iter().flat_map(|b| b.chunks_exact(stride)) {
            for (sk, &x) in cells.iter_mut().zip(row) {
                if x.is_finite() {
                    sk.add(x);
                }
            }
        }
        MonthlyStats {
            months: self.months,
            vars: self.vars,
            extra: self.extra,
            tail: self.tail,
            moments: self.moments,
            order: Order::Sketch { cells },
            block_paths: 0,
        }
    }

    /// Paths whose values exact mode keeps (`None` in sketch mode, which keeps counts only).
    pub fn exact_paths(&self) -> Option<u64> {
        match &self.order {
            Order::Exact { blocks } => {
                let values: usize = blocks.iter().map(Vec::len).sum();
                Some((values / self.kept().max(1)) as u64)
            }
            Order::Sketch { .. } => None,
        }
    }

    /// Finite values held by the order statistics of each cell that keeps them
    /// (`months × vars + extra` cells): counted in exact mode, the sketch's zeros and both
    /// stores in sketch mode. An error if a sketch's counts add up beyond `u64`.
    pub fn order_counts(&self) -> Result<Vec<u64>, codec::CodecError> {
        let stride = self.kept();
        match &self.order {
            Order::Exact { blocks } => {
                let mut n = vec![0u64; stride];
                for row in blocks.iter().flat_map(|b| b.chunks_exact(stride.max(1))) {
                    for (c, x) in n.iter_mut().zip(row) {
                        *c += u64::from(x.is_finite());
                    }
                }
                Ok(n)
            }
            Order::Sketch { cells } => cells.iter().map(Sketch::total).collect(),
        }
    }

    /// Number of cells, `months × vars + extra + tail`.
    pub fn cells(&self) -> usize {
        self.kept() + self.tail
    }

    /// The order statistics only (see [`MonthlyStats::merge_order`]): exact mode writes the
    /// count of values and the values in push order, sketch mode each cell's sketch.
    pub fn encode_order(&self, w: &mut codec::Writer) {
        match &self.order {
            Order::Exact { blocks } => {
                let n: usize = blocks.iter().map(Vec::len).sum();
                w.buf.reserve(8 + 8 * n);
                w.u64(n as u64);
                blocks.iter().flatten().for_each(|&x| w.f64(x));
            }
            Order::Sketch { cells } => cells.iter().for_each(|c| c.encode(w)),
        }
    }

    /// Reads what [`MonthlyStats::encode_order`] wrote into an accumulator shaped like
    /// `like` (whose own contents are ignored), with empty moments.
    pub fn decode_order(
        r: &mut codec::Reader,
        like: &MonthlyStats,
    ) -> Result<MonthlyStats, codec::CodecError> {
        let mut s = like.empty_like();
        let stride = s.kept();
        match &mut s.order {
            Order::Exact { blocks } => {
                let n = r.count(8)?;
                if stride == 0 || n % stride != 0 {
                    return Err(codec::CodecError::Corrupt(format!(
                        "{n} values are not whole paths of {stride}"
                    )));
                }
                let per_block = (BLOCK_VALUES / stride).max(1) * stride;
                let bytes = r.take(8 * n)?;
                for chunk in bytes.chunks(8 * per_block) {
                    blocks.push(
                        chunk
                            .chunks_exact(8)
                            .map(|b| f64::from_bits(u64::from_le_bytes(b.try_into().expect("8"))))
                            .collect(),
                    );
                }
            }
            Order::Sketch { cells } => {
                for c in cells.iter_mut() {
                    *c = Sketch::decode(r)?;
                }
            }
        }
        Ok(s)
    }
}

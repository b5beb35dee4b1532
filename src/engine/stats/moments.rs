//! Welford running moments of one cell, combined with Chan's formula.

/// Welford running moments of one cell, combined with Chan's formula.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Moments {
    pub(super) n: u64,
    pub(super) nonfinite: u64,
    pub(super) mean: f64,
    pub(super) m2: f64,
}

impl Moments {
    #[inline]
    pub(super) fn push(&mut self, x: f64) -> bool {
        if !x.is_finite() {
            self.nonfinite += 1;
            return false;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        true
    }

    pub(super) fn merge(&mut self, o: &Moments) {
        self.nonfinite += o.nonfinite;
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            self.n = o.n;
            self.mean = o.mean;
            self.m2 = o.m2;
            return;
        }
        let (na, nb) = (self.n as f64, o.n as f64);
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * (nb / n as f64);
        self.m2 += o.m2 + d * d * (na * nb / n as f64);
        self.n = n;
    }

    pub(super) fn sd(&self) -> f64 {
        match self.n {
            0 => f64::NAN,
            1 => 0.0,
            n => (self.m2.max(0.0) / (n - 1) as f64).sqrt(),
        }
    }
}

impl Moments {
    /// `n, nonfinite` (u64 LE), `mean, m2` (f64 LE bits): 32 bytes, exact.
    pub(super) fn encode(&self, w: &mut super::codec::Writer) {
        w.u64(self.n);
        w.u64(self.nonfinite);
        w.f64(self.mean);
        w.f64(self.m2);
    }

    pub(super) fn decode(
        r: &mut super::codec::Reader,
    ) -> Result<Moments, super::codec::CodecError> {
        Ok(Moments {
            n: r.u64()?,
            nonfinite: r.u64()?,
            mean: r.f64()?,
            m2: r.f64()?,
        })
    }
}

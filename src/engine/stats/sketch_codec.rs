//! How a sketch is written to and read from `partial.bin` (docs/scaling.md): pages as
//! stored, checked on the way in.

use super::super::codec::{CodecError, Reader, Writer};
use super::super::values::MAX_VALUE;
use super::{bucket_of, Sketch, Store, MAX_PAGE, MIN_PAGE, PAGE};

impl Store {
    pub(super) fn encode(&self, w: &mut Writer) {
        w.u64(self.count);
        w.f64(self.lo);
        w.f64(self.hi);
        w.i32(self.base);
        w.u64(self.pages.len() as u64);
        // Counts are written as u64 whatever the page's word: the format predates u32 pages.
        for (i, p) in self.pages.iter().enumerate() {
            match p {
                None => w.u8(0),
                Some(p) => {
                    w.u8(1);
                    let first = (self.base + i as i32) * PAGE as i32;
                    for (s, &c) in p.iter().enumerate() {
                        w.u64(self.full(first + s as i32, c));
                    }
                }
            }
        }
    }

    pub(super) fn decode(r: &mut Reader) -> Result<Store, CodecError> {
        let (count, lo, hi, base) = (r.u64()?, r.f64()?, r.f64()?, r.i32()?);
        let n = r.count(1)?;
        // Every page lies in the range of bucket keys, so page arithmetic (`(base + i) · 128`
        // at the merge) cannot overflow and a store spans at most 8,448 pages.
        if base < MIN_PAGE || base as i64 + n as i64 > MAX_PAGE as i64 + 1 {
            return Err(CodecError::Corrupt(format!(
                "sketch pages {base}..{} outside the bucket range {MIN_PAGE}..={MAX_PAGE}",
                base as i64 + n as i64
            )));
        }
        // The extremes are noted for every value counted: with a count they are finite
        // magnitudes, smallest first.
        if count > 0 && !(lo > 0.0 && lo <= hi && hi.is_finite()) {
            return Err(CodecError::Corrupt(format!(
                "sketch of {count} values with extremes {lo:e}..{hi:e}"
            )));
        }
        let mut store = Store {
            base,
            pages: Vec::with_capacity(n),
            carry: Vec::new(),
            count: 0,
            lo,
            hi,
        };
        let mut sum = 0u64;
        // The first and last occupied buckets: the extremes must lie in them (D205).
        let (mut first_key, mut last_key) = (None, None);
        for i in 0..n {
            let page = match r.u8()? {
                0 => None,
                1 => {
                    let mut p = Box::new([0u32; PAGE]);
                    let first = (base + i as i32) * PAGE as i32;
                    for (s, c) in p.iter_mut().enumerate() {
                        let v = r.u64()?;
                        if v > 0 {
                            let key = first + s as i32;
                            first_key.get_or_insert(key);
                            last_key = Some(key);
                        }
                        sum = sum.saturating_add(v);
                        *c = v as u32;
                        if v >> 32 != 0 {
                            store.carry_into(first + s as i32, v & !0xffff_ffff);
                        }
                    }
                    Some(p)
                }
                b => return Err(CodecError::Corrupt(format!("sketch page flag {b}"))),
            };
            store.pages.push(page);
        }
        if sum != count {
            return Err(CodecError::Corrupt(format!(
                "sketch bucket counts sum to {sum}, header says {count}"
            )));
        }
        // A run notes the exact extremes of the values it buckets, so they fall in the first
        // and last occupied buckets, and no run produces a magnitude beyond `MAX_VALUE`.
        if count > 0
            && (first_key != Some(bucket_of(lo))
                || last_key != Some(bucket_of(hi))
                || hi > MAX_VALUE)
        {
            return Err(CodecError::Corrupt(format!(
                "sketch extremes {lo:e}..{hi:e}: expected magnitudes at most {MAX_VALUE:e} \
                 lying in the sketch's first and last occupied buckets"
            )));
        }
        store.count = count;
        Ok(store)
    }
}

impl Sketch {
    pub(in super::super) fn encode(&self, w: &mut Writer) {
        if !self.pending.is_empty() {
            // Pending keys are not part of the file format: count them first.
            let mut s = self.clone();
            s.flush();
            return s.encode(w);
        }
        w.u64(self.zeros);
        self.pos.encode(w);
        self.neg.encode(w);
    }

    /// Values counted (zeros and both signs), pending keys included; an error if the
    /// counts of a decoded sketch add up beyond `u64`.
    pub(in super::super) fn total(&self) -> Result<u64, CodecError> {
        self.zeros
            .checked_add(self.pos.count)
            .and_then(|n| n.checked_add(self.neg.count))
            .and_then(|n| n.checked_add(self.pending.len() as u64))
            .ok_or_else(|| CodecError::Corrupt("sketch counts add up beyond 2^64".into()))
    }

    /// The smallest and largest value held (zeros and both signs), `None` when empty.
    pub(in super::super) fn range(&self) -> Option<(f64, f64)> {
        if !self.pending.is_empty() {
            let mut s = self.clone();
            s.flush();
            return s.range();
        }
        let min = if self.neg.count > 0 {
            -self.neg.hi
        } else if self.zeros > 0 {
            0.0
        } else if self.pos.count > 0 {
            self.pos.lo
        } else {
            return None;
        };
        let max = if self.pos.count > 0 {
            self.pos.hi
        } else if self.zeros > 0 {
            0.0
        } else {
            -self.neg.lo
        };
        Some((min, max))
    }

    pub(in super::super) fn decode(r: &mut Reader) -> Result<Sketch, CodecError> {
        let zeros = r.u64()?;
        let pos = Store::decode(r)?;
        let neg = Store::decode(r)?;
        Ok(Sketch {
            pos,
            neg,
            zeros,
            pending: Vec::new(),
        })
    }
}

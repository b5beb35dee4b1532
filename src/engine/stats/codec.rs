//! Little-endian binary writing and bounds-checked reading of accumulator state, for the
//! partial results of sharded runs (docs/scaling.md). `f64`s travel as their bits, so a
//! decoded accumulator is bit-for-bit the one encoded.

/// Why a buffer could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("truncated: needs {need} more bytes at offset {at}, has {have}")]
    Truncated { need: usize, at: usize, have: usize },
    #[error("corrupt: {n} items of {size} bytes announced, {left} bytes left")]
    CountTooLarge { n: u64, size: usize, left: usize },
    /// A value that cannot occur in what [`Writer`] wrote (a bad flag, counts that do not add
    /// up, a shape that does not match).
    #[error("corrupt: {0}")]
    Corrupt(String),
}

/// Appends little-endian values to a byte buffer.
#[derive(Debug, Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, x: u8) {
        self.buf.push(x);
    }
    pub fn u64(&mut self, x: u64) {
        self.buf.extend_from_slice(&x.to_le_bytes());
    }
    pub fn i32(&mut self, x: i32) {
        self.buf.extend_from_slice(&x.to_le_bytes());
    }
    pub fn f64(&mut self, x: f64) {
        self.buf.extend_from_slice(&x.to_bits().to_le_bytes());
    }
}

/// Reads what [`Writer`] wrote; every read is bounds-checked, so a truncated or corrupt
/// buffer gives an error, never a panic.
#[derive(Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or(CodecError::Truncated {
                need: n,
                at: self.pos,
                have: self.buf.len() - self.pos,
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.take(1)?[0])
    }
    pub fn u64(&mut self) -> Result<u64, CodecError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    pub fn i32(&mut self) -> Result<i32, CodecError> {
        Ok(i32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    pub fn f64(&mut self) -> Result<f64, CodecError> {
        Ok(f64::from_bits(self.u64()?))
    }
    /// A count of items of at least `size` bytes each that must fit in what is left, so a
    /// corrupt count can never size an allocation beyond the buffer it came from.
    pub fn count(&mut self, size: usize) -> Result<usize, CodecError> {
        let n = self.u64()?;
        if n.saturating_mul(size.max(1) as u64) > self.remaining() as u64 {
            return Err(CodecError::CountTooLarge {
                n,
                size,
                left: self.remaining(),
            });
        }
        Ok(n as usize)
    }
}

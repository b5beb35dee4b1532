//! Vector maths on f64 lanes: `exp` and `logistic` over slices, for the batched engine of
//! issue 16 (every quantity of a month an array over the paths of a batch).
//!
//! The lowest layer: it names no other module of the crate. The arithmetic is in `kernel.rs`,
//! one lane at a time without branches; the slice functions here run that loop inside
//! `pulp::Arch::dispatch`, which detects the instruction set at run time (AVX-512, AVX2 + FMA,
//! SSE, or the portable fallback elsewhere) and compiles the loop once per set, so LLVM
//! vectorises it to the widest lanes the machine has. Every set gives the same bits (the
//! fallback's `mul_add` is a correctly rounded software FMA), so outputs do not depend on the
//! machine.
//!
//! Accuracy against `libm::exp` (itself < 1 ulp), measured by the tests of `tests.rs`: at most
//! **1 ulp** for `exp` over −745.13..709.78 (1.2M grid points, 10k more over the subnormal
//! results, proptest draws over the range and over every bit pattern) and at most **2 ulp**
//! for `logistic` over −745..745 against the same formula on `libm::exp`
//! (`cargo test --lib vmath -- --nocapture` prints the maxima). NaN gives NaN, exp is 0 below ≈ −745.13 and +∞ only above
//! ln(f64::MAX) ≈ 709.7827; logistic saturates to exactly 1 and decays like eᶻ without
//! flushing to 0 before exp does. `docs/performance.md` has the speed.
//!
//! These are not bit-identical to `f64::exp` (glibc). The basin root
//! (`market/padded_root.rs`) uses the logistic, through [`logistic_inline`] inside its own
//! dispatch; there the difference stays below the root's tolerance, and the shipped
//! scenarios' CSV outputs did not change (docs/performance.md).

mod kernel;
#[cfg(test)]
mod tests;

/// eˣ of one value, the same bits as one lane of [`exp_slice`].
#[inline]
pub fn exp(x: f64) -> f64 {
    kernel::exp(x)
}

/// Λ(z) of one value, the same bits as one lane of [`logistic_slice`].
#[inline]
pub fn logistic(z: f64) -> f64 {
    kernel::logistic(z)
}

/// [`logistic`] for callers that run their own loop inside `pulp::Arch::dispatch`: always
/// inlined, so that it compiles with the dispatched instruction set (outside a dispatch the
/// fused multiply-adds are the slow software ones).
#[inline(always)]
pub fn logistic_inline(z: f64) -> f64 {
    kernel::logistic(z)
}

/// `out[i] = exp(xs[i])`.
///
/// # Panics
/// If the slices differ in length.
pub fn exp_slice(xs: &[f64], out: &mut [f64]) {
    assert_eq!(xs.len(), out.len(), "exp_slice: lengths differ");
    pulp::Arch::new().dispatch(
        #[inline(always)]
        || {
            for (o, x) in out.iter_mut().zip(xs) {
                *o = kernel::exp(*x);
            }
        },
    );
}

/// `out[i] = logistic(zs[i])`.
///
/// # Panics
/// If the slices differ in length.
pub fn logistic_slice(zs: &[f64], out: &mut [f64]) {
    assert_eq!(zs.len(), out.len(), "logistic_slice: lengths differ");
    pulp::Arch::new().dispatch(
        #[inline(always)]
        || {
            for (o, z) in out.iter_mut().zip(zs) {
                *o = kernel::logistic(*z);
            }
        },
    );
}

/// `xs[i] = exp(xs[i])`, in place (the batched step's buffers are reused).
pub fn exp_in_place(xs: &mut [f64]) {
    pulp::Arch::new().dispatch(
        #[inline(always)]
        || {
            for x in xs.iter_mut() {
                *x = kernel::exp(*x);
            }
        },
    );
}

//! The per-lane arithmetic of `exp` and `logistic`, written so that a loop over lanes has no
//! branch and no call: every special case is a select, the scaling by 2ⁿ is integer arithmetic
//! on the bits. LLVM vectorises such a loop with whatever instruction set the caller's
//! `target_feature` allows (see `mod.rs`), and every instruction set computes the same bits,
//! because each operation is either exact or one IEEE-rounded `+`, `×` or fused multiply-add.

/// ln 2 split so that n·`LN2_HI` is exact for |n| < 2²¹ (fdlibm's constants).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// 1.5·2⁵²: adding it rounds a |v| < 2⁵¹ to the nearest integer, which then sits in the low
/// bits of the sum.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// Inputs are clamped to this range before the reduction so that n stays where 2^(n/2) is a
/// normal number; exp is already 0 below and +∞ above it.
const X_MIN: f64 = -746.0;
const X_MAX: f64 = 710.0;

/// Taylor coefficients 1/k! for k = 13 down to 2. On |r| ≤ ln2/2 the truncation error of
/// degree 13 is below 5e-18 relative, far under half an ulp, so no minimax fit is needed.
const INV_FACT: [f64; 12] = [
    1.0 / 6_227_020_800.0,
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
];

/// 2ⁿ for an integral `n` in [−1022, 1023], built in the exponent bits.
#[inline(always)]
fn pow2(n: f64) -> f64 {
    // The low 12 bits of the rounded sum are n + 1023 modulo 4096; the shift drops the rest.
    f64::from_bits((n + ROUND).to_bits().wrapping_add(1023) << 52)
}

/// eˣ: NaN for NaN, 0 below ≈ −745.13 (subnormal results above it), +∞ above ≈ 709.78.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // NaN stays NaN through the clamp and is returned as it is at the end.
    let xc = x.clamp(X_MIN, X_MAX);
    // x = n·ln2 + r with n the nearest integer to x/ln2, |r| ≤ ln2/2.
    let n = xc.mul_add(std::f64::consts::LOG2_E, ROUND) - ROUND;
    let r = (-n).mul_add(LN2_HI, xc);
    let r = (-n).mul_add(LN2_LO, r);
    let mut p = INV_FACT[0];
    for c in &INV_FACT[1..] {
        p = p.mul_add(r, *c);
    }
    p = p.mul_add(r, 1.0);
    p = p.mul_add(r, 1.0);
    // 2ⁿ in two halves: n reaches 1024 (just below overflow) and −1076 (subnormal results),
    // outside the normal exponents; p·2^n₁ is exact and the second product rounds once.
    let n1 = (n * 0.5).floor();
    let y = p * pow2(n1) * pow2(n - n1);
    if x.is_nan() {
        x
    } else {
        y
    }
}

/// Λ(z) = 1/(1 + e⁻ᶻ), from e^−|z| so that it never overflows: 1 above z ≈ 37, eᶻ to full
/// relative accuracy far into the negative tail (subnormal below ≈ −708, 0 below ≈ −745).
#[inline(always)]
pub fn logistic(z: f64) -> f64 {
    let e = exp(-z.abs());
    if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

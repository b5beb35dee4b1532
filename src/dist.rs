//! Distributions as analysts write them in scenario and market files.
//!
//! Any number in a file may be replaced by a distribution that is drawn once per path
//! (model.md §2, "epistemic" layer). The TOML forms are single-key tables:
//! `{ normal = [mu, sd] }`, `{ lognormal = [mu, sigma] }` (parameters of ln X),
//! `{ uniform = [lo, hi] }`, `{ tri = [lo, mode, hi] }` (alias `triangular`),
//! `{ pert = [lo, mode, hi] }`, `{ beta = [a, b] }`, `{ poisson = lambda }`.
//! Constructors validate, so a `Dist` that exists can always be sampled.

use rand::{Rng, RngExt};
use rand_distr::{Beta, Distribution, LogNormal, Normal, Pert, Poisson, Triangular};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A scalar that is either fixed or drawn once per path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dist {
    Const(f64),
    Normal { mu: f64, sd: f64 },
    LogNormal { mu: f64, sigma: f64 },
    Uniform { lo: f64, hi: f64 },
    Triangular { lo: f64, mode: f64, hi: f64 },
    Pert { lo: f64, mode: f64, hi: f64 },
    Beta { a: f64, b: f64 },
    Poisson { lambda: f64 },
}

/// Why a distribution's parameters were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    #[error("{what} must be a finite number, got {value}")]
    NotFinite { what: &'static str, value: f64 },
    #[error("{0}")]
    Invalid(String),
}

fn finite(what: &'static str, value: f64) -> Result<f64, DistError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DistError::NotFinite { what, value })
    }
}

impl Dist {
    pub fn constant(v: f64) -> Self {
        Dist::Const(v)
    }
    pub fn uniform(lo: f64, hi: f64) -> Self {
        Dist::Uniform { lo, hi }
    }
    pub fn tri(lo: f64, mode: f64, hi: f64) -> Self {
        Dist::Triangular { lo, mode, hi }
    }
    pub fn normal(mu: f64, sd: f64) -> Self {
        Dist::Normal { mu, sd }
    }
    pub fn beta(a: f64, b: f64) -> Self {
        Dist::Beta { a, b }
    }

    /// Checks every parameter; the error says which and what was expected.
    pub fn validate(&self) -> Result<(), DistError> {
        match *self {
            Dist::Const(v) => finite("value", v).map(|_| ()),
            Dist::Normal { mu, sd } | Dist::LogNormal { mu, sigma: sd } => {
                finite("mean", mu)?;
                finite("standard deviation", sd)?;
                if sd < 0.0 {
                    return Err(DistError::Invalid(format!(
                        "standard deviation must be >= 0, got {sd}"
                    )));
                }
                Ok(())
            }
            Dist::Uniform { lo, hi } => {
                finite("lo", lo)?;
                finite("hi", hi)?;
                if lo > hi {
                    return Err(DistError::Invalid(format!(
                        "uniform needs lo <= hi, got [{lo}, {hi}]: swap the two numbers"
                    )));
                }
                Ok(())
            }
            Dist::Triangular { lo, mode, hi } | Dist::Pert { lo, mode, hi } => {
                finite("lo", lo)?;
                finite("mode", mode)?;
                finite("hi", hi)?;
                if !(lo <= mode && mode <= hi) || lo == hi && matches!(self, Dist::Pert { .. }) {
                    return Err(DistError::Invalid(format!(
                        "needs lo <= mode <= hi (and lo < hi for pert), got [{lo}, {mode}, {hi}]"
                    )));
                }
                Ok(())
            }
            Dist::Beta { a, b } => {
                finite("a", a)?;
                finite("b", b)?;
                if a <= 0.0 || b <= 0.0 {
                    return Err(DistError::Invalid(format!(
                        "beta needs a > 0 and b > 0, got [{a}, {b}]"
                    )));
                }
                Ok(())
            }
            Dist::Poisson { lambda } => {
                finite("lambda", lambda)?;
                if lambda < 0.0 {
                    return Err(DistError::Invalid(format!(
                        "poisson needs lambda >= 0, got {lambda}"
                    )));
                }
                Ok(())
            }
        }
    }

    /// True when the value never varies across paths.
    pub fn is_const(&self) -> bool {
        match *self {
            Dist::Const(_) => true,
            Dist::Normal { sd, .. } | Dist::LogNormal { sigma: sd, .. } => sd == 0.0,
            Dist::Uniform { lo, hi } | Dist::Triangular { lo, hi, .. } => lo == hi,
            Dist::Poisson { lambda } => lambda == 0.0,
            _ => false,
        }
    }

    /// The central value used for deterministic pre-steps and "median parameter" runs.
    pub fn median(&self) -> f64 {
        match *self {
            Dist::Const(v) => v,
            Dist::Normal { mu, .. } => mu,
            Dist::LogNormal { mu, .. } => mu.exp(),
            Dist::Uniform { lo, hi } => 0.5 * (lo + hi),
            Dist::Triangular { lo, mode, hi } => {
                if hi == lo {
                    return lo;
                }
                let c = (mode - lo) / (hi - lo);
                if c >= 0.5 {
                    lo + ((hi - lo) * (mode - lo) / 2.0).sqrt()
                } else {
                    hi - ((hi - lo) * (hi - mode) / 2.0).sqrt()
                }
            }
            // PERT: the usual approximation (lo + 4·mode + hi)/6 is its mean; close to the
            // median for the mild skews used here.
            Dist::Pert { lo, mode, hi } => (lo + 4.0 * mode + hi) / 6.0,
            Dist::Beta { a, b } => {
                if a > 1.0 && b > 1.0 {
                    (a - 1.0 / 3.0) / (a + b - 2.0 / 3.0)
                } else {
                    a / (a + b)
                }
            }
            Dist::Poisson { lambda } => (lambda + 1.0 / 3.0 - 0.02 / lambda.max(1e-9))
                .floor()
                .max(0.0),
        }
    }

    /// Smallest and largest value the distribution can produce (±inf when unbounded).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Const(v) => (v, v),
            Dist::Normal { mu, sd: 0.0 } => (mu, mu),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
            Dist::Uniform { lo, hi }
            | Dist::Triangular { lo, hi, .. }
            | Dist::Pert { lo, hi, .. } => (lo, hi),
            Dist::Beta { .. } => (0.0, 1.0),
            Dist::Poisson { .. } => (0.0, f64::INFINITY),
        }
    }

    /// One draw. Validated distributions never fail; a constant consumes no randomness.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Dist::Const(v) => v,
            Dist::Normal { mu, sd } => Normal::new(mu, sd).map_or(mu, |d| d.sample(rng)),
            Dist::LogNormal { mu, sigma } => {
                LogNormal::new(mu, sigma).map_or(mu.exp(), |d| d.sample(rng))
            }
            Dist::Uniform { lo, hi } => {
                if hi > lo {
                    lo + (hi - lo) * rng.random::<f64>()
                } else {
                    lo
                }
            }
            Dist::Triangular { lo, mode, hi } => {
                if hi > lo {
                    Triangular::new(lo, hi, mode).map_or(mode, |d| d.sample(rng))
                } else {
                    lo
                }
            }
            Dist::Pert { lo, mode, hi } => Pert::new(lo, hi)
                .with_mode(mode)
                .map_or(mode, |d| d.sample(rng)),
            Dist::Beta { a, b } => Beta::new(a, b).map_or(a / (a + b), |d| d.sample(rng)),
            Dist::Poisson { lambda } => {
                if lambda > 0.0 {
                    Poisson::new(lambda).map_or(lambda, |d| d.sample(rng))
                } else {
                    0.0
                }
            }
        }
    }

    /// The same distribution with every value multiplied by `k` (k > 0).
    pub fn scaled(&self, k: f64) -> Dist {
        match *self {
            Dist::Const(v) => Dist::Const(v * k),
            Dist::Normal { mu, sd } => Dist::Normal {
                mu: mu * k,
                sd: sd * k.abs(),
            },
            Dist::LogNormal { mu, sigma } => Dist::LogNormal {
                mu: mu + k.ln(),
                sigma,
            },
            Dist::Uniform { lo, hi } => Dist::Uniform {
                lo: lo * k,
                hi: hi * k,
            },
            Dist::Triangular { lo, mode, hi } => Dist::Triangular {
                lo: lo * k,
                mode: mode * k,
                hi: hi * k,
            },
            Dist::Pert { lo, mode, hi } => Dist::Pert {
                lo: lo * k,
                mode: mode * k,
                hi: hi * k,
            },
            // Beta and Poisson have no closed scale family; keep them unscaled.
            d => d,
        }
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Dist::Const(v) => write!(f, "{v}"),
            Dist::Normal { mu, sd } => write!(f, "normal({mu}, {sd})"),
            Dist::LogNormal { mu, sigma } => write!(f, "lognormal({mu}, {sigma})"),
            Dist::Uniform { lo, hi } => write!(f, "uniform({lo}, {hi})"),
            Dist::Triangular { lo, mode, hi } => write!(f, "tri({lo}, {mode}, {hi})"),
            Dist::Pert { lo, mode, hi } => write!(f, "pert({lo}, {mode}, {hi})"),
            Dist::Beta { a, b } => write!(f, "beta({a}, {b})"),
            Dist::Poisson { lambda } => write!(f, "poisson({lambda})"),
        }
    }
}

const FORMS: &str = "a number, or one of { normal = [mu, sd] }, { lognormal = [mu, sigma] }, \
{ uniform = [lo, hi] }, { tri = [lo, mode, hi] }, { pert = [lo, mode, hi] }, { beta = [a, b] }, \
{ poisson = lambda }";

/// The names accepted as distribution keys, for "did you mean" hints.
pub const DIST_NAMES: &[&str] = &[
    "normal",
    "lognormal",
    "uniform",
    "tri",
    "triangular",
    "pert",
    "beta",
    "poisson",
];

#[derive(Deserialize)]
#[serde(untagged)]
enum Params {
    One(f64),
    Many(Vec<f64>),
}

impl Params {
    fn take<E: de::Error>(self, name: &str, n: usize) -> Result<Vec<f64>, E> {
        let v = match self {
            Params::One(x) => vec![x],
            Params::Many(v) => v,
        };
        if v.len() != n {
            return Err(E::custom(format!(
                "`{name}` takes {n} number{}, got {}",
                if n == 1 { "" } else { "s" },
                v.len()
            )));
        }
        Ok(v)
    }
}

/// Builds a distribution from its file name and parameters, validating them.
pub fn from_parts(name: &str, p: &[f64]) -> Result<Dist, String> {
    let d = match (name, p.len()) {
        ("normal", 2) => Dist::Normal { mu: p[0], sd: p[1] },
        ("lognormal", 2) => Dist::LogNormal {
            mu: p[0],
            sigma: p[1],
        },
        ("uniform", 2) => Dist::Uniform { lo: p[0], hi: p[1] },
        ("tri" | "triangular", 3) => Dist::Triangular {
            lo: p[0],
            mode: p[1],
            hi: p[2],
        },
        ("pert", 3) => Dist::Pert {
            lo: p[0],
            mode: p[1],
            hi: p[2],
        },
        ("beta", 2) => Dist::Beta { a: p[0], b: p[1] },
        ("poisson", 1) => Dist::Poisson { lambda: p[0] },
        _ => {
            return Err(format!(
                "unknown distribution `{name}` with {} parameters; expected {FORMS}",
                p.len()
            ))
        }
    };
    d.validate().map_err(|e| format!("invalid `{name}`: {e}"))?;
    Ok(d)
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Dist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(FORMS)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dist, E> {
                Ok(Dist::Const(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dist, E> {
                Ok(Dist::Const(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dist, E> {
                if !v.is_finite() {
                    return Err(E::custom(format!("expected a finite number, got {v}")));
                }
                Ok(Dist::Const(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dist, A::Error> {
                let Some(name) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(format!("empty table; expected {FORMS}")));
                };
                let n = match name.as_str() {
                    "normal" | "lognormal" | "uniform" | "beta" => 2,
                    "tri" | "triangular" | "pert" => 3,
                    "poisson" => 1,
                    other => {
                        return Err(de::Error::custom(format!(
                            "unknown distribution `{other}`{}; expected {FORMS}",
                            crate::suggest::did_you_mean(other, DIST_NAMES)
                        )))
                    }
                };
                let p: Vec<f64> = map.next_value::<Params>()?.take(&name, n)?;
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "a distribution table has exactly one key; remove `{extra}`"
                    )));
                }
                from_parts(&name, &p).map_err(de::Error::custom)
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests;

/// Standard normal CDF Φ(x), via `erfc` (W. J. Cody's rational approximations, as in
/// `libm`): absolute error below 1e-15.
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Inverse standard normal CDF Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation
/// (relative error 1.15e-9) refined by one Halley step on [`norm_cdf`]. Returns ∓inf at 0 and 1.
pub fn norm_inv(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.024_25;
    let x = if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley step.
    let e = norm_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction for the incomplete beta (modified Lentz; Numerical Recipes `betacf`).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Regularized incomplete beta I_x(a, b).
pub fn beta_cdf(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Inverse of [`beta_cdf`] by bisection (to ~1e-14 in x).
pub fn beta_inv(a: f64, b: f64, u: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if beta_cdf(a, b, mid) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

impl Dist {
    /// The inverse CDF F⁻¹(u) for u in (0, 1) (the smallest x with F(x) >= u for Poisson).
    /// Used by the rank-correlation copula; constants return their value.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(1e-15, 1.0 - 1e-15);
        match *self {
            Dist::Const(v) => v,
            Dist::Normal { mu, sd } => mu + sd * norm_inv(u),
            Dist::LogNormal { mu, sigma } => (mu + sigma * norm_inv(u)).exp(),
            Dist::Uniform { lo, hi } => lo + (hi - lo) * u,
            Dist::Triangular { lo, mode, hi } => {
                if hi <= lo {
                    return lo;
                }
                let c = (mode - lo) / (hi - lo);
                if u < c {
                    lo + (u * (hi - lo) * (mode - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * (hi - lo) * (hi - mode)).sqrt()
                }
            }
            Dist::Pert { lo, mode, hi } => {
                let r = hi - lo;
                let a = 1.0 + 4.0 * (mode - lo) / r;
                let b = 1.0 + 4.0 * (hi - mode) / r;
                lo + r * beta_inv(a, b, u)
            }
            Dist::Beta { a, b } => beta_inv(a, b, u),
            Dist::Poisson { lambda } => {
                if lambda <= 0.0 {
                    return 0.0;
                }
                // Step CDF: sum the pmf until it reaches u.
                let mut k = 0u64;
                let mut pmf = (-lambda).exp();
                let mut cdf = pmf;
                if pmf == 0.0 {
                    // Very large lambda: normal approximation with continuity correction.
                    return (lambda + lambda.sqrt() * norm_inv(u) + 0.5)
                        .floor()
                        .max(0.0);
                }
                while cdf < u && k < 1_000_000 {
                    k += 1;
                    pmf *= lambda / k as f64;
                    cdf += pmf;
                }
                k as f64
            }
        }
    }
}

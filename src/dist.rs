//! Distributions as analysts write them in scenario and market files.
//!
//! Any number in a file may be replaced by a distribution that is drawn once per path
//! (model.md §2, "epistemic" layer). The TOML forms are single-key tables:
//! `{ normal = [mu, sd] }`, `{ lognormal = [mu, sigma] }` (parameters of ln X),
//! `{ uniform = [lo, hi] }`, `{ tri = [lo, mode, hi] }` (alias `triangular`),
//! `{ pert = [lo, mode, hi] }`, `{ beta = [a, b] }`, `{ poisson = lambda }`.
//! Constructors validate, so a `Dist` that exists can always be sampled.

use crate::suggest::Num;
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
    #[error("{what} must be a finite number, got {}", crate::suggest::Num(*value))]
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
                        "standard deviation must be >= 0, got {}",
                        Num(sd)
                    )));
                }
                Ok(())
            }
            Dist::Uniform { lo, hi } => {
                finite("lo", lo)?;
                finite("hi", hi)?;
                if lo > hi {
                    return Err(DistError::Invalid(format!(
                        "uniform needs lo <= hi, got [{}, {}]: swap the two numbers",
                        Num(lo),
                        Num(hi)
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
                        "needs lo <= mode <= hi (and lo < hi for pert), got [{}, {}, {}]",
                        Num(lo),
                        Num(mode),
                        Num(hi)
                    )));
                }
                Ok(())
            }
            Dist::Beta { a, b } => {
                finite("a", a)?;
                finite("b", b)?;
                if a <= 0.0 || b <= 0.0 {
                    return Err(DistError::Invalid(format!(
                        "beta needs a > 0 and b > 0, got [{}, {}]",
                        Num(a),
                        Num(b)
                    )));
                }
                Ok(())
            }
            Dist::Poisson { lambda } => {
                finite("lambda", lambda)?;
                if lambda < 0.0 {
                    return Err(DistError::Invalid(format!(
                        "poisson needs lambda >= 0, got {}",
                        Num(lambda)
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
            Dist::Const(v) => write!(f, "{}", Num(v)),
            Dist::Normal { mu, sd } => write!(f, "normal({}, {})", Num(mu), Num(sd)),
            Dist::LogNormal { mu, sigma } => write!(f, "lognormal({}, {})", Num(mu), Num(sigma)),
            Dist::Uniform { lo, hi } => write!(f, "uniform({}, {})", Num(lo), Num(hi)),
            Dist::Triangular { lo, mode, hi } => {
                write!(f, "tri({}, {}, {})", Num(lo), Num(mode), Num(hi))
            }
            Dist::Pert { lo, mode, hi } => {
                write!(f, "pert({}, {}, {})", Num(lo), Num(mode), Num(hi))
            }
            Dist::Beta { a, b } => write!(f, "beta({}, {})", Num(a), Num(b)),
            Dist::Poisson { lambda } => write!(f, "poisson({})", Num(lambda)),
        }
    }
}

impl Dist {
    /// The distribution in the form a scenario file writes it (a number, or a single-key
    /// table such as `{ tri = [lo, mode, hi] }`), so that reading it back gives `self`.
    pub fn to_toml(&self) -> toml::Value {
        let table = |key: &str, v: toml::Value| {
            let mut t = toml::Table::new();
            t.insert(key.to_string(), v);
            toml::Value::Table(t)
        };
        let list = |key: &str, xs: &[f64]| {
            table(
                key,
                toml::Value::Array(xs.iter().map(|&x| toml::Value::Float(x)).collect()),
            )
        };
        match *self {
            Dist::Const(v) => toml::Value::Float(v),
            Dist::Normal { mu, sd } => list("normal", &[mu, sd]),
            Dist::LogNormal { mu, sigma } => list("lognormal", &[mu, sigma]),
            Dist::Uniform { lo, hi } => list("uniform", &[lo, hi]),
            Dist::Triangular { lo, mode, hi } => list("tri", &[lo, mode, hi]),
            Dist::Pert { lo, mode, hi } => list("pert", &[lo, mode, hi]),
            Dist::Beta { a, b } => list("beta", &[a, b]),
            Dist::Poisson { lambda } => table("poisson", toml::Value::Float(lambda)),
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

/// How distribution `name` is written, e.g. `{ normal = [mu, sd] }`.
pub fn form(name: &str) -> Option<&'static str> {
    Some(match name {
        "normal" => "{ normal = [mu, sd] }",
        "lognormal" => "{ lognormal = [mu, sigma] }",
        "uniform" => "{ uniform = [lo, hi] }",
        "tri" => "{ tri = [lo, mode, hi] }",
        "triangular" => "{ triangular = [lo, mode, hi] }",
        "pert" => "{ pert = [lo, mode, hi] }",
        "beta" => "{ beta = [a, b] }",
        "poisson" => "{ poisson = lambda }",
        _ => return None,
    })
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
                    return Err(E::custom(format!(
                        "expected a finite number, got {}",
                        Num(v)
                    )));
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
                let p: Vec<f64> = map.next_value_seed(params::ParamsSeed { name: &name, n })?;
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

mod params;
mod quantile;
pub use quantile::{beta_cdf, beta_inv, norm_cdf, norm_inv};

#[cfg(test)]
mod tests;

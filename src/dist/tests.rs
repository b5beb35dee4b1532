use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn parse(s: &str) -> Result<Dist, String> {
    #[derive(Deserialize)]
    struct W {
        v: Dist,
    }
    toml::from_str::<W>(&format!("v = {s}"))
        .map(|w| w.v)
        .map_err(|e| e.to_string())
}

#[test]
fn parses_every_form() {
    assert_eq!(parse("3").unwrap(), Dist::Const(3.0));
    assert_eq!(parse("2.5").unwrap(), Dist::Const(2.5));
    assert_eq!(
        parse("{ normal = [0, 1] }").unwrap(),
        Dist::normal(0.0, 1.0)
    );
    assert_eq!(
        parse("{ tri = [1, 2, 3] }").unwrap(),
        Dist::tri(1.0, 2.0, 3.0)
    );
    assert_eq!(
        parse("{ triangular = [1, 2, 3] }").unwrap(),
        Dist::tri(1.0, 2.0, 3.0)
    );
    assert_eq!(
        parse("{ poisson = 2 }").unwrap(),
        Dist::Poisson { lambda: 2.0 }
    );
    assert!(matches!(
        parse("{ pert = [0, 1, 4] }").unwrap(),
        Dist::Pert { .. }
    ));
    assert!(matches!(
        parse("{ beta = [2, 3] }").unwrap(),
        Dist::Beta { .. }
    ));
    assert!(matches!(
        parse("{ lognormal = [0, 0.1] }").unwrap(),
        Dist::LogNormal { .. }
    ));
}

#[test]
fn refuses_bad_parameters_with_a_reason() {
    assert!(parse("{ tri = [3, 2, 1] }")
        .unwrap_err()
        .contains("lo <= mode <= hi"));
    assert!(parse("{ uniform = [2, 1] }").unwrap_err().contains("swap"));
    assert!(parse("{ beta = [0, 1] }").unwrap_err().contains("a > 0"));
    assert!(parse("{ normal = [0, -1] }").unwrap_err().contains(">= 0"));
    assert!(parse("{ tri = [1, 2] }")
        .unwrap_err()
        .contains("takes 3 numbers"));
    assert!(parse("{ normall = [0, 1] }")
        .unwrap_err()
        .contains("did you mean `normal`"));
    assert!(parse("{ normal = [0, 1], tri = [1,2,3] }")
        .unwrap_err()
        .contains("exactly one key"));
    assert!(parse("nan").is_err());
    assert!(parse("inf").is_err());
}

#[test]
fn samples_stay_in_support_and_centre_on_median() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for d in [
        Dist::tri(1.0, 2.0, 5.0),
        Dist::uniform(-1.0, 3.0),
        Dist::Pert {
            lo: 0.0,
            mode: 1.0,
            hi: 4.0,
        },
        Dist::beta(3.0, 97.0),
        Dist::normal(2.0, 0.5),
    ] {
        let (lo, hi) = d.support();
        let mut xs: Vec<f64> = (0..20_000).map(|_| d.sample(&mut rng)).collect();
        assert!(xs.iter().all(|x| *x >= lo && *x <= hi), "{d}");
        xs.sort_by(f64::total_cmp);
        let med = xs[xs.len() / 2];
        let spread = xs[xs.len() * 9 / 10] - xs[xs.len() / 10];
        assert!(
            (med - d.median()).abs() < 0.05 * spread.max(1e-3),
            "{d}: {med} vs {}",
            d.median()
        );
    }
}

#[test]
fn constants_consume_no_randomness() {
    let mut a = ChaCha8Rng::seed_from_u64(3);
    let mut b = ChaCha8Rng::seed_from_u64(3);
    Dist::Const(1.0).sample(&mut a);
    assert_eq!(a.random::<u64>(), b.random::<u64>());
}

/// Every form written by `to_toml` reads back as the same distribution.
#[test]
fn toml_form_reads_back() {
    #[derive(serde::Deserialize)]
    struct One {
        d: Dist,
    }
    for d in [
        Dist::Const(2.5),
        Dist::normal(0.0, 0.03),
        Dist::LogNormal {
            mu: 1.0,
            sigma: 0.5,
        },
        Dist::uniform(0.1, 0.6),
        Dist::tri(5.0, 8.0, 8.0),
        Dist::Pert {
            lo: 1.0,
            mode: 2.0,
            hi: 4.0,
        },
        Dist::beta(17.0, 3.0),
        Dist::Poisson { lambda: 2.0 },
    ] {
        let text = format!("d = {}\n", d.to_toml());
        let back: One = toml::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(back.d, d, "{text}");
    }
}

/// Inverse CDFs against reference values (closed forms, or published tables: Φ⁻¹(0.975) =
/// 1.959963984540054, Φ⁻¹(0.99) = 2.326347874040841), with the tolerance each method
/// promises: Acklam + one Halley step for the normal, bisection on the regularised incomplete
/// beta for Beta and PERT, exact step CDF for Poisson.
#[test]
fn quantile_reference_values() {
    let table: [(Dist, f64, f64, f64); 24] = [
        (Dist::normal(0.0, 1.0), 0.5, 0.0, 1e-15),
        (Dist::normal(0.0, 1.0), 0.975, 1.959_963_984_540_054, 1e-12),
        (Dist::normal(0.0, 1.0), 0.01, -2.326_347_874_040_841, 1e-12),
        (Dist::normal(0.0, 1.0), 1e-10, -6.361_340_902_404_056, 1e-9),
        (
            Dist::normal(10.0, 2.0),
            0.841_344_746_068_542_9,
            12.0,
            1e-11,
        ),
        (
            Dist::LogNormal {
                mu: 0.0,
                sigma: 1.0,
            },
            0.5,
            1.0,
            1e-15,
        ),
        (
            Dist::LogNormal {
                mu: 1.0,
                sigma: 0.5,
            },
            0.975,
            (1.0 + 0.5 * 1.959_963_984_540_054f64).exp(),
            1e-11,
        ),
        (Dist::uniform(2.0, 5.0), 0.3, 2.9, 1e-15),
        (Dist::uniform(-1.0, 1.0), 0.75, 0.5, 1e-15),
        (Dist::tri(0.0, 1.0, 2.0), 0.5, 1.0, 1e-15),
        // F(x) = x²/2 below the mode.
        (Dist::tri(0.0, 1.0, 2.0), 0.125, 0.5, 1e-15),
        (Dist::tri(0.0, 0.0, 1.0), 0.75, 0.5, 1e-15),
        (Dist::tri(5.0, 8.0, 8.0), 0.25, 6.5, 1e-12),
        (Dist::beta(1.0, 1.0), 0.37, 0.37, 1e-12),
        (Dist::beta(2.0, 2.0), 0.5, 0.5, 1e-12),
        // I_0.4(2, 3) = 0.5248.
        (Dist::beta(2.0, 3.0), 0.5248, 0.4, 1e-10),
        // Beta(1, 5): F(x) = 1 − (1 − x)^5.
        (Dist::beta(1.0, 5.0), 0.5, 0.129_449_436_703_875_88, 1e-10),
        (
            Dist::Pert {
                lo: 0.0,
                mode: 0.5,
                hi: 1.0,
            },
            0.5,
            0.5,
            1e-12,
        ),
        // PERT(0, 0, 1) is Beta(1, 5).
        (
            Dist::Pert {
                lo: 0.0,
                mode: 0.0,
                hi: 1.0,
            },
            0.5,
            0.129_449_436_703_875_88,
            1e-10,
        ),
        // Poisson(2): CDF 0.1353, 0.4060, 0.6767, 0.8571, 0.9473.
        (Dist::Poisson { lambda: 2.0 }, 0.1, 0.0, 0.0),
        (Dist::Poisson { lambda: 2.0 }, 0.2, 1.0, 0.0),
        (Dist::Poisson { lambda: 2.0 }, 0.5, 2.0, 0.0),
        (Dist::Poisson { lambda: 2.0 }, 0.9, 4.0, 0.0),
        (Dist::Const(3.5), 0.9, 3.5, 0.0),
    ];
    for (d, u, want, tol) in table {
        let got = d.quantile(u);
        assert!(
            (got - want).abs() <= tol,
            "{d}.quantile({u}) = {got}, want {want} (tolerance {tol})"
        );
    }
}

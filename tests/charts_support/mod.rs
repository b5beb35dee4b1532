//! Shared by `tests/charts.rs` and `tests/charts_cli.rs`: example chart data and the checks
//! that a PNG decodes at its size and that an SVG needs no font.
#![allow(dead_code)]

use sanctions_sim::output::charts::{FanSpec, TornadoBar, TornadoSpec};
use sanctions_sim::policy::calendar::month_idx;
use std::collections::BTreeSet;
use std::path::PathBuf;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fan that widens like a random walk's, centred on 70.
pub fn fan(months: usize) -> FanSpec {
    let band = |z: f64| -> Vec<f64> {
        (0..months)
            .map(|t| 70.0 + z * 3.0 * ((t + 1) as f64).sqrt())
            .collect()
    };
    FanSpec {
        title: "test: Brent (Dated)".into(),
        subtitle: "1,000 paths, seed 1".into(),
        note: "note".into(),
        unit: "USD/bbl".into(),
        start: month_idx("2025-08").unwrap(),
        p05: band(-1.645),
        p25: band(-0.674),
        p50: band(0.0),
        p75: band(0.674),
        p95: band(1.645),
    }
}

pub fn example_tornado() -> TornadoSpec {
    let bar = |input: &str, lo: &str, hi: &str, a: f64, b: f64| TornadoBar {
        input: input.into(),
        low_label: lo.into(),
        high_label: hi.into(),
        at_low: a,
        at_high: b,
        code: None,
    };
    TornadoSpec {
        title: "EXAMPLE DATA: drivers of cumulative Russian export revenue".into(),
        target_label: "Cumulative Russian crude export revenue, USD bn (made-up example values)"
            .into(),
        base: 300.0,
        bars: vec![
            bar(
                "brent.supply_elasticity",
                "p10 = 0.02",
                "p90 = 0.08",
                262.0,
                331.0,
            ),
            bar(
                "fleet.designation_rate",
                "p10 = 0.5%",
                "p90 = 3%",
                318.0,
                271.0,
            ),
            bar(
                "india.halt_probability",
                "p10 = 0.05",
                "p90 = 0.30",
                309.0,
                285.0,
            ),
            bar(
                "urals.discount_pass_through",
                "p10 = 0.4",
                "p90 = 0.9",
                306.0,
                291.0,
            ),
            bar(
                "china.capacity_scale",
                "p10 = 0.9",
                "p90 = 1.1",
                296.0,
                305.0,
            ),
            bar(
                "freight.base_rate",
                "p10 = $2.1",
                "p90 = $3.4",
                303.0,
                297.5,
            ),
        ],
        rank_r2: None,
    }
}

/// Decodes `png`, checks its size and returns the share of non-white pixels.
pub fn check_png(png: &[u8], w: u32, h: u32) -> f64 {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let pm = tiny_skia::Pixmap::decode_png(png).expect("PNG decodes");
    assert_eq!((pm.width(), pm.height()), (w, h));
    let ink = pm
        .pixels()
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) != (255, 255, 255))
        .count();
    ink as f64 / (w * h) as f64
}

/// Parses `svg`, checks it needs no font, and returns the text runs (from `aria-label`) with
/// the y of their baseline.
pub fn check_svg(svg: &str, w: u32, h: u32) -> Vec<(String, f64)> {
    let doc = roxmltree::Document::parse(svg).expect("SVG parses as XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some(w.to_string().as_str()));
    assert_eq!(root.attribute("height"), Some(h.to_string().as_str()));
    let mut ids = BTreeSet::new();
    let mut runs = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        assert!(
            !["text", "tspan", "font", "font-face", "style"].contains(&tag),
            "<{tag}> depends on installed fonts"
        );
        for a in n.attributes() {
            assert!(
                !a.name().starts_with("font"),
                "attribute {} depends on installed fonts",
                a.name()
            );
        }
        if let Some(id) = n.attribute("id") {
            ids.insert(id.to_string());
        }
        if let (Some(label), Some(t)) = (n.attribute("aria-label"), n.attribute("transform")) {
            let y: f64 = t
                .trim_start_matches("matrix(")
                .trim_end_matches(')')
                .split(' ')
                .nth(5)
                .unwrap()
                .parse()
                .unwrap();
            runs.push((label.to_string(), y));
        }
    }
    let xlink = "http://www.w3.org/1999/xlink";
    let uses: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("use"))
        .collect();
    assert!(uses.len() > 20, "text drawn with glyph references");
    for u in uses {
        let href = u.attribute((xlink, "href")).expect("use has xlink:href");
        assert!(ids.contains(&href[1..]), "{href} is defined in <defs>");
    }
    runs
}

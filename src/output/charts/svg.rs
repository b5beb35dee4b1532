//! [`Scene`] to SVG 1.1 text. Each glyph used is defined once in `<defs>` as a `<path>` in font
//! units and placed with `<use>`, so the file carries its own lettering (no `<text>`, no font
//! lookup) and stays small. Numbers are written with at most two decimals, so identical scenes
//! give identical bytes.

use super::font::{layout, outline, Seg, Weight};
use super::scene::{text_matrix, Item, Rgba, Scene};
use std::collections::BTreeSet;
use std::fmt::Write;

/// A coordinate: two decimals, trailing zeros dropped, never `-0`.
fn n(x: f32) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        _ => s.to_string(),
    }
}

fn colour(c: Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// ` fill="#rrggbb"` plus an opacity when translucent (`attr` is `fill` or `stroke`).
fn paint(attr: &str, c: Rgba) -> String {
    if c.3 == 255 {
        format!(" {attr}=\"{}\"", colour(c))
    } else {
        format!(
            " {attr}=\"{}\" {attr}-opacity=\"{}\"",
            colour(c),
            n(f32::from(c.3) / 255.0)
        )
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn glyph_id(w: Weight, g: u16) -> String {
    match w {
        Weight::Regular => format!("r{g}"),
        Weight::Bold => format!("b{g}"),
    }
}

fn path_data(segs: &[Seg]) -> String {
    let mut d = String::new();
    for s in segs {
        let _ = match *s {
            Seg::Move(x, y) => write!(d, "M{} {}", n(x), n(y)),
            Seg::Line(x, y) => write!(d, "L{} {}", n(x), n(y)),
            Seg::Quad(a, b, x, y) => write!(d, "Q{} {} {} {}", n(a), n(b), n(x), n(y)),
            Seg::Cubic(a, b, c, e, x, y) => {
                write!(d, "C{} {} {} {} {} {}", n(a), n(b), n(c), n(e), n(x), n(y))
            }
            Seg::Close => write!(d, "Z"),
        };
    }
    d
}

fn points(pts: &[(f32, f32)]) -> String {
    pts.iter()
        .map(|&(x, y)| format!("{},{}", n(x), n(y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The SVG document of `scene`.
pub fn render(scene: &Scene) -> String {
    let mut used: BTreeSet<(Weight, u16)> = BTreeSet::new();
    for it in &scene.items {
        if let Item::Text { text, weight, .. } = it {
            for g in layout(text, *weight).0 {
                used.insert((*weight, g.glyph));
            }
        }
    }
    let mut s = String::with_capacity(64 * 1024);
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">",
        w = scene.width,
        h = scene.height
    );
    let _ = writeln!(s, "<title>{}</title>", escape(&scene.title));
    s.push_str("<defs>\n");
    for (w, g) in &used {
        let d = path_data(&outline(*w, *g));
        if !d.is_empty() {
            let _ = writeln!(s, "<path id=\"{}\" d=\"{d}\"/>", glyph_id(*w, *g));
        }
    }
    s.push_str("</defs>\n");
    for it in &scene.items {
        match it {
            Item::Rect { x, y, w, h, fill } => {
                let _ = writeln!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}/>",
                    n(*x),
                    n(*y),
                    n(*w),
                    n(*h),
                    paint("fill", *fill)
                );
            }
            Item::Line {
                pts,
                color,
                width,
                dash,
            } => {
                let dash = dash.map_or(String::new(), |(a, b)| {
                    format!(" stroke-dasharray=\"{} {}\"", n(a), n(b))
                });
                let _ = writeln!(
                    s,
                    "<polyline points=\"{}\" fill=\"none\"{} stroke-width=\"{}\" \
                     stroke-linejoin=\"round\" stroke-linecap=\"butt\"{dash}/>",
                    points(pts),
                    paint("stroke", *color),
                    n(*width)
                );
            }
            Item::Area { pts, fill } => {
                let _ = writeln!(
                    s,
                    "<polygon points=\"{}\"{}/>",
                    points(pts),
                    paint("fill", *fill)
                );
            }
            Item::Text {
                x,
                y,
                size,
                weight,
                anchor,
                color,
                vertical,
                text,
            } => {
                let (glyphs, adv) = layout(text, *weight);
                let m = text_matrix(*x, *y, *size, *weight, *anchor, *vertical, adv);
                let _ = write!(
                    s,
                    "<g aria-label=\"{}\" transform=\"matrix({} {} {} {} {} {})\"{}>",
                    escape(text),
                    fmt_scale(m[0]),
                    fmt_scale(m[1]),
                    fmt_scale(m[2]),
                    fmt_scale(m[3]),
                    n(m[4]),
                    n(m[5]),
                    paint("fill", *color)
                );
                for g in glyphs {
                    if !outline(*weight, g.glyph).is_empty() {
                        let _ = write!(
                            s,
                            "<use xlink:href=\"#{}\" x=\"{}\"/>",
                            glyph_id(*weight, g.glyph),
                            n(g.x)
                        );
                    }
                }
                s.push_str("</g>\n");
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// A text scale factor (px per font unit, ~0.005): needs more digits than a coordinate.
fn fmt_scale(x: f32) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        _ => s.to_string(),
    }
}

//! The bundled typeface (DejaVu Sans, regular and bold; licence in
//! `assets/fonts/LICENSE-DejaVu.txt`) and simple left-to-right text layout.
//!
//! Text is never handed to a renderer as characters: both the SVG and the PNG draw glyph
//! outlines taken from these embedded files, so a chart looks the same on a machine with no
//! fonts installed, and the same input always gives the same bytes.

use std::sync::OnceLock;
use ttf_parser::{Face, GlyphId, OutlineBuilder};

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

struct Faces {
    regular: Face<'static>,
    bold: Face<'static>,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        // The files are compiled in and checked by a unit test, so this cannot fail at run time.
        regular: Face::parse(REGULAR, 0).expect("bundled DejaVuSans.ttf parses"),
        bold: Face::parse(BOLD, 0).expect("bundled DejaVuSans-Bold.ttf parses"),
    })
}

fn face(w: Weight) -> &'static Face<'static> {
    match w {
        Weight::Regular => &faces().regular,
        Weight::Bold => &faces().bold,
    }
}

/// Font units per em of the bundled faces (both are 2048).
pub fn units_per_em(w: Weight) -> f32 {
    f32::from(face(w).units_per_em())
}

/// One placed glyph: its id and the pen position in font units from the start of the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub glyph: u16,
    pub x: f32,
}

/// Lays out `text` on one line: glyphs (with `kern` table pairs) and the total advance in
/// font units. Characters the font lacks become its `.notdef` box rather than vanishing.
pub fn layout(text: &str, w: Weight) -> (Vec<Placed>, f32) {
    let f = face(w);
    let kern = f.tables().kern.and_then(|k| {
        k.subtables
            .into_iter()
            .find(|s| s.horizontal && !s.variable)
    });
    let mut out = Vec::with_capacity(text.len());
    let mut pen = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    for ch in text.chars() {
        let g = f.glyph_index(ch).unwrap_or(GlyphId(0));
        if let (Some(p), Some(k)) = (prev, &kern) {
            pen += f32::from(k.glyphs_kerning(p, g).unwrap_or(0));
        }
        out.push(Placed { glyph: g.0, x: pen });
        pen += f32::from(f.glyph_hor_advance(g).unwrap_or(0));
        prev = Some(g);
    }
    (out, pen)
}

/// Width in pixels of `text` at `size` px.
pub fn text_width(text: &str, w: Weight, size: f32) -> f32 {
    layout(text, w).1 * size / units_per_em(w)
}

/// A segment of a glyph outline, in font units, y up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seg {
    Move(f32, f32),
    Line(f32, f32),
    Quad(f32, f32, f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

struct Collect(Vec<Seg>);

impl OutlineBuilder for Collect {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.push(Seg::Move(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.push(Seg::Line(x, y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.push(Seg::Quad(x1, y1, x, y));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.push(Seg::Cubic(x1, y1, x2, y2, x, y));
    }
    fn close(&mut self) {
        self.0.push(Seg::Close);
    }
}

/// The outline of a glyph (empty for a space).
pub fn outline(w: Weight, glyph: u16) -> Vec<Seg> {
    let mut c = Collect(Vec::new());
    face(w).outline_glyph(GlyphId(glyph), &mut c);
    c.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_parse_and_have_the_glyphs_we_use() {
        for w in [Weight::Regular, Weight::Bold] {
            assert_eq!(units_per_em(w), 2048.0);
            for ch in "0123456789-–—.,:%/()·×abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$"
                .chars()
            {
                let g = face(w).glyph_index(ch);
                assert!(g.is_some(), "{ch:?} missing in {w:?}");
                if !ch.is_whitespace() {
                    assert!(
                        !outline(w, g.unwrap().0).is_empty(),
                        "{ch:?} has no outline"
                    );
                }
            }
        }
    }

    #[test]
    fn layout_widths_add_up_and_bold_is_wider() {
        let (g, w) = layout("2026-01", Weight::Regular);
        assert_eq!(g.len(), 7);
        assert!(g.windows(2).all(|p| p[1].x > p[0].x));
        let px = text_width("2026-01", Weight::Regular, 13.0);
        assert!((px - w * 13.0 / 2048.0).abs() < 1e-3);
        assert!(px > 40.0 && px < 70.0, "{px}");
        assert!(
            text_width("Brent", Weight::Bold, 20.0) > text_width("Brent", Weight::Regular, 20.0)
        );
        assert_eq!(layout("", Weight::Regular).1, 0.0);
        // A character outside the font still takes space (.notdef), never panics.
        assert!(layout("\u{10FFFF}", Weight::Regular).1 > 0.0);
    }
}

//! A chart as a flat list of drawing primitives in pixel coordinates (origin top left), which
//! [`super::svg`] and [`super::raster`] turn into bytes. Every chart is built once as a
//! [`Scene`], so the SVG and the PNG of a chart cannot drift apart.

use super::font::Weight;

/// sRGB colour with straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba(pub u8, pub u8, pub u8, pub u8);

impl Rgba {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba(r, g, b, 255)
    }
    pub const fn with_alpha(self, a: u8) -> Rgba {
        Rgba(self.0, self.1, self.2, a)
    }
    /// The opaque colour of `self` laid at strength `f` (0..=1) over white.
    pub fn tint(self, f: f32) -> Rgba {
        let mix = |c: u8| (255.0 - (255.0 - f32::from(c)) * f).round() as u8;
        Rgba(mix(self.0), mix(self.1), mix(self.2), 255)
    }
}

/// Horizontal anchor of a text run relative to its `x` (along the reading direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgba,
    },
    /// An open polyline.
    Line {
        pts: Vec<(f32, f32)>,
        color: Rgba,
        width: f32,
        /// Dash and gap lengths, if dashed.
        dash: Option<(f32, f32)>,
    },
    /// A closed filled polygon.
    Area { pts: Vec<(f32, f32)>, fill: Rgba },
    /// One line of text; `y` is the baseline. `vertical` reads bottom to top (y-axis titles).
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        anchor: Anchor,
        color: Rgba,
        vertical: bool,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    /// Shown as the SVG `<title>` (for screen readers and file browsers), not drawn.
    pub title: String,
    pub items: Vec<Item>,
}

impl Scene {
    pub fn new(width: u32, height: u32, title: &str) -> Scene {
        Scene {
            width,
            height,
            title: title.to_string(),
            items: Vec::new(),
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgba) {
        self.items.push(Item::Rect { x, y, w, h, fill });
    }

    pub fn line(&mut self, pts: Vec<(f32, f32)>, color: Rgba, width: f32) {
        if pts.len() >= 2 {
            self.items.push(Item::Line {
                pts,
                color,
                width,
                dash: None,
            });
        }
    }

    pub fn dashed(&mut self, pts: Vec<(f32, f32)>, color: Rgba, width: f32, dash: (f32, f32)) {
        if pts.len() >= 2 {
            self.items.push(Item::Line {
                pts,
                color,
                width,
                dash: Some(dash),
            });
        }
    }

    pub fn area(&mut self, pts: Vec<(f32, f32)>, fill: Rgba) {
        if pts.len() >= 3 {
            self.items.push(Item::Area { pts, fill });
        }
    }

    /// Text with the common defaults (horizontal).
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        anchor: Anchor,
        color: Rgba,
        text: &str,
    ) {
        if !text.is_empty() {
            self.items.push(Item::Text {
                x,
                y,
                size,
                weight,
                anchor,
                color,
                vertical: false,
                text: text.to_string(),
            });
        }
    }

    /// Text reading bottom to top, centred on `(x, y)` along its length; `x` is the baseline.
    pub fn vertical_text(&mut self, x: f32, y: f32, size: f32, color: Rgba, text: &str) {
        if !text.is_empty() {
            self.items.push(Item::Text {
                x,
                y,
                size,
                weight: Weight::Regular,
                anchor: Anchor::Middle,
                color,
                vertical: true,
                text: text.to_string(),
            });
        }
    }
}

/// The affine map `(a, b, c, d, e, f)` (SVG `matrix` order: `X = a·u + c·v + e`,
/// `Y = b·u + d·v + f`) from a text run's font units (y up) to pixels, with the anchor applied.
pub fn text_matrix(
    x: f32,
    y: f32,
    size: f32,
    weight: Weight,
    anchor: Anchor,
    vertical: bool,
    advance: f32,
) -> [f32; 6] {
    let s = size / super::font::units_per_em(weight);
    let shift = match anchor {
        Anchor::Start => 0.0,
        Anchor::Middle => advance * s / 2.0,
        Anchor::End => advance * s,
    };
    if vertical {
        // Advance runs up the page, glyph "up" points left.
        [0.0, -s, -s, 0.0, x, y + shift]
    } else {
        [s, 0.0, 0.0, -s, x - shift, y]
    }
}

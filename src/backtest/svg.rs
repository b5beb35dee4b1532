//! One chart per replay: for each key series, the model's p10–p90 band and median across
//! paths, with the observed points (`data/backtest_observed.csv`, [`super::observed`]) on top.
//! Drawn with the output charts' scene, frame and SVG renderer (`output::charts`), so the
//! backtest charts look like, and are tested like, the charts of a run; the four series are
//! stacked panels of one image.

use super::observed::Observation;
use super::panel::{quantile, Panel};
use super::BacktestError;
use crate::output::charts::frame::{
    finite_range, header, legend, Swatch, TimeFrame, HEIGHT, LEFT, PALETTE, WIDTH,
};
use crate::output::charts::scene::{Item, Rgba, Scene};
use crate::policy::calendar::iso_month;

/// The series drawn: (variable, title, unit).
const SERIES: &[(&str, &str, &str)] = &[
    (
        "urals_discount_usd_bbl",
        "Urals discount to Brent",
        "USD/bbl",
    ),
    ("espo_discount_usd_bbl", "ESPO discount to Brent", "USD/bbl"),
    ("flow_india_mbd", "India, loadings", "mb/d"),
    ("flow_china_mbd", "China, all routes", "mb/d"),
];

/// The observed points' colour (vermillion, as the second series of the output charts).
const OBSERVED: Rgba = PALETTE[1];

/// The SVG of one replay: four stacked panels.
pub fn chart(p: &Panel, observed: &[Observation]) -> Result<String, BacktestError> {
    let mut all = Scene::new(
        WIDTH,
        HEIGHT * SERIES.len() as u32,
        &format!("{}: model bands and observed history", p.name),
    );
    for (k, series) in SERIES.iter().enumerate() {
        let panel = panel(p, series, observed)?;
        let dy = k as f32 * HEIGHT as f32;
        all.items
            .extend(panel.items.into_iter().map(|it| shifted(it, dy)));
    }
    Ok(crate::output::charts::svg::render(&all))
}

/// One series of one replay as a full-size chart.
fn panel(
    p: &Panel,
    &(var, title, unit): &(&str, &str, &str),
    observed: &[Observation],
) -> Result<Scene, BacktestError> {
    let v = p.var(var)?;
    let mut p10 = Vec::with_capacity(p.months);
    let mut p50 = Vec::with_capacity(p.months);
    let mut p90 = Vec::with_capacity(p.months);
    for t in 0..p.months {
        let xs: Vec<f64> = (0..p.paths).map(|i| p.get(i, v, t)).collect();
        p10.push(quantile(&xs, 0.1));
        p50.push(quantile(&xs, 0.5));
        p90.push(quantile(&xs, 0.9));
    }
    let points: Vec<(usize, f64)> = observed
        .iter()
        .filter(|o| o.variable == var)
        .filter_map(|o| {
            let t = o.month - p.start;
            (t >= 0 && (t as usize) < p.months).then_some((t as usize, o.value))
        })
        .collect();
    let mut s = Scene::new(WIDTH, HEIGHT, title);
    let end = iso_month(p.start + p.months as i32 - 1);
    let top = header(
        &mut s,
        &format!("{}: {title}", p.name),
        &format!(
            "{} paths · {} to {end} · median and 10–90% band across paths, observed history",
            p.paths,
            iso_month(p.start)
        ),
        &format!("sanctions-sim backtest · variable {var} · observed: data/backtest_observed.csv"),
    );
    let colour = PALETTE[0];
    let band = colour.tint(0.30);
    let median = Rgba::rgb(0x00, 0x4a, 0x7c);
    let last = legend(
        &mut s,
        LEFT,
        top + 24.0,
        WIDTH as f32 - 48.0,
        &[
            (Swatch::Line(median), "Median".to_string()),
            (Swatch::Block(band), "10–90% of paths".to_string()),
            (Swatch::Block(OBSERVED), "Observed".to_string()),
        ],
    );
    let obs_values: Vec<f64> = points.iter().map(|o| o.1).collect();
    let range = finite_range([&p10[..], &p50[..], &p90[..], &obs_values[..]]);
    let frame = TimeFrame::new(p.start, p.months, last + 22.0, range);
    frame.axes(&mut s, unit);
    if range.is_none() {
        frame.message(&mut s, "No finite values to plot");
        return Ok(s);
    }
    frame.band(&mut s, &p10, &p90, band);
    frame.grid_over(&mut s);
    frame.series(&mut s, &p50, median, 2.5);
    for (t, val) in points {
        s.area(dot(frame.x(t), frame.y(val), 6.0), OBSERVED);
    }
    Ok(s)
}

/// A filled circle as a 16-gon (the scene has no circle primitive).
fn dot(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    (0..16)
        .map(|i| {
            let a = i as f32 * std::f32::consts::TAU / 16.0;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

/// `it` moved down by `dy` px.
fn shifted(it: Item, dy: f32) -> Item {
    let down = |pts: Vec<(f32, f32)>| pts.into_iter().map(|(x, y)| (x, y + dy)).collect();
    match it {
        Item::Rect { x, y, w, h, fill } => Item::Rect {
            x,
            y: y + dy,
            w,
            h,
            fill,
        },
        Item::Line {
            pts,
            color,
            width,
            dash,
        } => Item::Line {
            pts: down(pts),
            color,
            width,
            dash,
        },
        Item::Area { pts, fill } => Item::Area {
            pts: down(pts),
            fill,
        },
        Item::Text {
            x,
            y,
            size,
            weight,
            anchor,
            color,
            vertical,
            text,
        } => Item::Text {
            x,
            y: y + dy,
            size,
            weight,
            anchor,
            color,
            vertical,
            text,
        },
    }
}

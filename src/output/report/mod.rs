//! `report.html`: one self-contained page per result folder (issue 14). Inline CSS and inline
//! SVG charts, no script and no reference to anything outside the file, so it opens offline,
//! in a mail attachment or an intranet drop, and shows the same on every machine.
//!
//! Pure: data in, text out. Every number in a table is the exact text of a cell of one of the
//! folder's CSV files, and the cell says which (`data-file`, `data-key`, `data-col`), so a test
//! can check the page against the files (`tests/report.rs` does, in headless Chromium).

mod calendar;
pub mod content;
mod lookup;
mod outcomes;

/// A cell: its text, and where in the folder's CSV files it comes from (if it is a number).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub source: Option<Source>,
}

/// The CSV cell a table cell repeats: the row of `file` whose columns equal `key`, column
/// `col`.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub file: String,
    pub key: Vec<(String, String)>,
    pub col: String,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Cell {
        Cell {
            text: t.into(),
            source: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Para(String),
    Table(Table),
    /// An SVG chart, inlined.
    Chart {
        name: String,
        svg: String,
    },
    /// Preformatted text (the manifest).
    Pre(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    pub blocks: Vec<Block>,
}

/// `&`, `<`, `>`, `"` and `'` as entities.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px auto;\
max-width:1100px;color:#222;line-height:1.4}h1{font-size:24px;margin-bottom:4px}\
h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ccc}p.sub{color:#555;margin-top:0}\
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}\
caption{text-align:left;font-weight:bold;padding:4px 0}\
th,td{border:1px solid #ddd;padding:3px 8px}th{background:#f3f3f3}\
td.num{text-align:right;font-variant-numeric:tabular-nums}\
figure.chart{margin:12px 0;width:100%}figure.chart svg{width:100%;height:auto;\
max-width:900px;display:block}pre{background:#f7f7f7;padding:8px;overflow-x:auto;\
font-size:12px}";

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.parse::<f64>().is_ok()
}

/// The SVG markup without its XML declaration (not allowed inside HTML), with its element
/// ids prefixed: inline SVGs share the page's one id space, and the charts' glyph ids
/// (`r8`, …) would otherwise resolve to another chart's glyphs.
fn inline_svg(svg: &str, prefix: &str) -> String {
    let s = svg.trim_start();
    let s = match s.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(s, |(_, r)| r.trim_start()),
        None => s,
    };
    s.replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace("href=\"#", &format!("href=\"#{prefix}"))
        .replace("url(#", &format!("url(#{prefix}"))
}

fn table_html(t: &Table, out: &mut String) {
    out.push_str("<table>");
    if !t.caption.is_empty() {
        out.push_str(&format!("<caption>{}</caption>", esc(&t.caption)));
    }
    out.push_str("<thead><tr>");
    for h in &t.header {
        out.push_str(&format!("<th>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for c in row {
            let class = if is_number(&c.text) {
                " class=\"num\""
            } else {
                ""
            };
            let data = c.source.as_ref().map_or(String::new(), |s| {
                let key: Vec<String> = s.key.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!(
                    " data-file=\"{}\" data-key=\"{}\" data-col=\"{}\"",
                    esc(&s.file),
                    esc(&key.join(";")),
                    esc(&s.col)
                )
            });
            out.push_str(&format!("<td{class}{data}>{}</td>", esc(&c.text)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

/// The page.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    o.push_str(&format!("<title>{}</title>", esc(&r.title)));
    o.push_str(&format!("<style>{STYLE}</style></head><body>\n"));
    o.push_str(&format!(
        "<h1>{}</h1><p class=\"sub\">{}</p>\n",
        esc(&r.title),
        esc(&r.subtitle)
    ));
    let mut chart = 0;
    for b in &r.blocks {
        match b {
            Block::Heading(h) => o.push_str(&format!("<h2>{}</h2>\n", esc(h))),
            Block::Para(p) => o.push_str(&format!("<p>{}</p>\n", esc(p))),
            Block::Table(t) => table_html(t, &mut o),
            Block::Chart { name, svg } => {
                chart += 1;
                o.push_str(&format!(
                    "<figure class=\"chart\" id=\"chart-{chart}\" data-chart=\"{}\">{}</figure>\n",
                    esc(name),
                    inline_svg(svg, &format!("c{chart}-"))
                ));
            }
            Block::Pre(t) => o.push_str(&format!("<pre>{}</pre>\n", esc(t))),
        }
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_inlines() {
        let r = Report {
            title: "a<b".into(),
            subtitle: "s".into(),
            blocks: vec![
                Block::Table(Table {
                    caption: "c".into(),
                    header: vec!["x".into()],
                    rows: vec![vec![Cell {
                        text: "1.5000".into(),
                        source: Some(Source {
                            file: "summary.csv".into(),
                            key: vec![("variable".into(), "brent_usd_bbl".into())],
                            col: "p50".into(),
                        }),
                    }]],
                }),
                Block::Chart {
                    name: "x.svg".into(),
                    svg: "<?xml version=\"1.0\"?>\n<svg><path id=\"r1\"/><use href=\"#r1\"/></svg>"
                        .into(),
                },
            ],
        };
        let h = render(&r);
        assert!(h.contains("<title>a&lt;b</title>"));
        assert!(h.contains(
            "<td class=\"num\" data-file=\"summary.csv\" data-key=\"variable=brent_usd_bbl\" \
             data-col=\"p50\">1.5000</td>"
        ));
        assert!(h.contains(
            "id=\"chart-1\" data-chart=\"x.svg\"><svg><path id=\"c1-r1\"/><use href=\"#c1-r1\"/>\
             </svg></figure>"
        ));
        assert!(!h.contains("<?xml") && !h.contains("<script"));
    }
}

//! A small reader of the workbooks we write, for `tests/xlsx.rs`: sheet names, shared
//! strings, number formats and bold fonts from the styles, and every cell of every sheet.

pub mod cli;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// One cell as stored in the sheet XML.
#[derive(Debug, Clone, PartialEq)]
pub enum XCell {
    Text(String),
    /// A number and the number format code of its style (`General` when none).
    Number(f64, String),
}

pub struct Book {
    /// Sheet names in workbook order.
    pub names: Vec<String>,
    /// Per sheet: cell reference (`B2`) to cell.
    pub cells: HashMap<String, HashMap<String, XCell>>,
    /// Per sheet: the raw XML.
    pub xml: HashMap<String, String>,
    /// Style index to whether its font is bold.
    pub bold: Vec<bool>,
}

pub fn entry(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> String {
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name} in the workbook: {e}"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn el<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.descendants()
        .filter(|c| c.has_tag_name((MAIN, tag)))
        .collect()
}

pub fn read_book(path: &Path) -> Book {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let strings_xml = entry(&mut zip, "xl/sharedStrings.xml");
    let doc = roxmltree::Document::parse(&strings_xml).unwrap();
    let strings: Vec<String> = el(doc.root(), "si")
        .into_iter()
        .map(|si| el(si, "t").iter().filter_map(|t| t.text()).collect())
        .collect();
    let styles_xml = entry(&mut zip, "xl/styles.xml");
    let doc = roxmltree::Document::parse(&styles_xml).unwrap();
    let mut formats: HashMap<u32, String> = HashMap::new();
    for f in el(doc.root(), "numFmt") {
        formats.insert(
            f.attribute("numFmtId").unwrap().parse().unwrap(),
            f.attribute("formatCode").unwrap().to_string(),
        );
    }
    let fonts: Vec<bool> = el(doc.root(), "font")
        .into_iter()
        .map(|f| !el(f, "b").is_empty())
        .collect();
    let xfs_node = el(doc.root(), "cellXfs")[0];
    let xfs: Vec<(String, bool)> = el(xfs_node, "xf")
        .into_iter()
        .map(|x| {
            let id: u32 = x.attribute("numFmtId").unwrap_or("0").parse().unwrap();
            let font: usize = x.attribute("fontId").unwrap_or("0").parse().unwrap();
            let code = formats
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "General".into());
            (code, fonts[font])
        })
        .collect();
    let wb_xml = entry(&mut zip, "xl/workbook.xml");
    let rels_xml = entry(&mut zip, "xl/_rels/workbook.xml.rels");
    let rels_doc = roxmltree::Document::parse(&rels_xml).unwrap();
    let targets: HashMap<String, String> = rels_doc
        .descendants()
        .filter(|n| n.has_tag_name("Relationship"))
        .map(|n| {
            (
                n.attribute("Id").unwrap().to_string(),
                n.attribute("Target").unwrap().to_string(),
            )
        })
        .collect();
    let doc = roxmltree::Document::parse(&wb_xml).unwrap();
    let mut names = Vec::new();
    let mut cells = HashMap::new();
    let mut xml = HashMap::new();
    for s in el(doc.root(), "sheet") {
        let name = s.attribute("name").unwrap().to_string();
        let target = &targets[s.attribute((REL, "id")).unwrap()];
        let sheet_xml = entry(&mut zip, &format!("xl/{target}"));
        let sdoc = roxmltree::Document::parse(&sheet_xml).unwrap();
        let mut map = HashMap::new();
        for c in el(sdoc.root(), "c") {
            let r = c.attribute("r").unwrap().to_string();
            let v = el(c, "v")
                .first()
                .and_then(|v| v.text())
                .unwrap_or("")
                .to_string();
            let style: usize = c.attribute("s").unwrap_or("0").parse().unwrap();
            let cell = match c.attribute("t") {
                Some("s") => XCell::Text(strings[v.parse::<usize>().unwrap()].clone()),
                Some(t) => panic!("{name}!{r}: unexpected cell type {t}"),
                None => XCell::Number(v.parse().unwrap(), xfs[style].0.clone()),
            };
            let header = r.trim_start_matches(|ch: char| ch.is_ascii_uppercase()) == "1";
            assert_eq!(
                xfs[style].1, header,
                "{name}!{r}: bold if and only if a header"
            );
            map.insert(r, cell);
        }
        names.push(name.clone());
        cells.insert(name.clone(), map);
        xml.insert(name, sheet_xml);
    }
    Book {
        names,
        cells,
        xml,
        bold: xfs.iter().map(|x| x.1).collect(),
    }
}

pub fn col_letters(mut c: usize) -> String {
    let mut s = Vec::new();
    c += 1;
    while c > 0 {
        s.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// Excel serial day of an ISO date (1900 date system; valid from 1900-03-01).
pub fn excel_serial(iso: &str) -> f64 {
    let y: i64 = iso[0..4].parse().unwrap();
    let m: i64 = iso[5..7].parse().unwrap();
    let d: i64 = iso[8..10].parse().unwrap();
    // Days from civil (H. Hinnant), then shifted so that 1970-01-01 is serial 25569.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468 + 25_569) as f64
}

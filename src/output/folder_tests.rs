//! Unit tests of the result-folder builder: they read back what it wrote.

use super::*;
use crate::output::report::Block;

fn chart(name: &str) -> ChartFile {
    ChartFile {
        name: name.into(),
        bytes: b"<svg/>".to_vec(),
    }
}

/// Files are listed as written, then `report.html`, the audit files, `results.xlsx` and
/// `manifest.json`; charts are skipped when off; the report sees only the kept tables.
#[test]
fn finish_lists_files_in_one_order() {
    let tmp = tempfile::tempdir().unwrap();
    for charts in [true, false] {
        let name = format!("f{charts}");
        let stage = super::super::files::prepare(tmp.path(), &name, false).unwrap();
        let contents = Contents {
            charts,
            xlsx: true,
            report: true,
        };
        let mut f = ResultFolder::new(stage, contents);
        f.table("a.csv", b"x\n1\n".to_vec()).unwrap();
        f.file("b.csv", b"y\n2\n").unwrap();
        f.file("sub/c.csv", b"z\n3\n").unwrap();
        f.charts("charts", &[chart("k.svg")]).unwrap();
        f.audit("paths.csv", b"p\n4\n").unwrap();
        let page = |tables: &[(&str, &[u8])], manifest: &str| {
            assert_eq!(tables, [("a.csv", &b"x\n1\n"[..])]);
            assert!(manifest.contains("results.xlsx"));
            Report {
                title: "t".into(),
                subtitle: String::new(),
                blocks: Vec::<Block>::new(),
            }
        };
        let dir = f.finish(Manifest::new(), Some(&page), None).unwrap();
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).unwrap()).unwrap();
        let mut want = vec!["a.csv", "b.csv", "sub/c.csv"];
        if charts {
            want.push("charts/k.svg");
        }
        want.extend([REPORT, "paths.csv", "results.xlsx", MANIFEST]);
        assert_eq!(m["files"], serde_json::json!(want));
        for f in want {
            assert!(dir.join(f).is_file(), "{f} written");
        }
        assert!(!dir.join("charts").exists() || charts);
    }
}

//! The layer rules of `docs/architecture.md`, checked on the source: which top-level module
//! may name which (`crate::<module>` in code, comments excluded), and which layers may touch
//! files or threads. A rule broken here is a design change: update the document and this
//! table together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Each top-level module of `src/` and the modules it may name, lowest layer first.
const LAYERS: [(&str, &[&str]); 13] = [
    ("vmath", &[]),
    ("dist", &["suggest"]),
    ("suggest", &[]),
    ("bounded", &["suggest"]),
    ("policy", &["dist", "suggest"]),
    ("market", &["vmath", "dist", "suggest", "policy"]),
    (
        "scenario",
        &["vmath", "dist", "suggest", "bounded", "policy", "market"],
    ),
    (
        "engine",
        &[
            "vmath", "dist", "suggest", "bounded", "policy", "market", "scenario",
        ],
    ),
    (
        "output",
        &[
            "vmath", "dist", "suggest", "bounded", "policy", "market", "scenario", "engine",
        ],
    ),
    (
        "analysis",
        &[
            "vmath", "dist", "suggest", "bounded", "policy", "market", "scenario", "engine",
            "output",
        ],
    ),
    (
        "backtest",
        &[
            "vmath", "dist", "suggest", "bounded", "policy", "market", "scenario", "engine",
            "output",
        ],
    ),
    (
        "cli",
        &[
            "vmath", "dist", "suggest", "bounded", "policy", "market", "scenario", "engine",
            "output", "analysis", "backtest",
        ],
    ),
    ("lib", &[]),
];

/// Files that may use `std::fs`: the bounded reader every input goes through, the scenario
/// reader, the output writer (and its tests) and the output folder's lock, the command line,
/// and the shard file reader of `merge`.
const MAY_TOUCH_FILES: [&str; 8] = [
    "src/bounded.rs",
    "src/scenario/",
    "src/output/files",
    // The builder's unit tests read back the folder it committed.
    "src/output/folder_tests.rs",
    "src/output/lock",
    "src/cli/",
    "src/engine/partial",
    "src/main.rs",
];

/// Layers that run no threads: one path-month is a pure function.
const SINGLE_THREADED: [&str; 6] = ["vmath", "dist", "suggest", "policy", "market", "scenario"];

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`lib` for lib.rs, `main` for main.rs).
fn module_of(rel: &str) -> &str {
    let rest = rel.strip_prefix("src/").unwrap();
    let first = rest.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The code of a line, without a trailing `//` comment (string contents are kept; a `//`
/// inside a string only makes the check see less).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Every `crate::<module>` named in the code of a file, with its line.
fn named_modules(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let c = code(line);
        for (i, _) in c.match_indices("crate::") {
            if c[..i].ends_with(|ch: char| ch.is_alphanumeric() || ch == '_') {
                continue; // e.g. `sanctions_sim_crate::`
            }
            let name: String = c[i + 7..]
                .chars()
                .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
                .collect();
            // `crate::outln!(…)` is a macro exported at the crate root by `cli/out.rs`: it
            // names the command-line layer, not a module.
            let is_macro = c[i + 7 + name.len()..].starts_with('!');
            if is_macro {
                out.push((n + 1, "cli".to_string()));
            } else if !name.is_empty() {
                out.push((n + 1, name));
            }
        }
        // `use crate::{a, b}` names several.
        if let Some(i) = c.find("crate::{") {
            let inner: String = c[i + 8..].chars().take_while(|ch| *ch != '}').collect();
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((n + 1, name));
                }
            }
        }
    }
    out
}

fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    files_under(&Path::new(ROOT).join("src"), &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(ROOT).unwrap().display().to_string();
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn every_module_names_only_the_layers_below_it() {
    let rules: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut bad = Vec::new();
    let mut seen = 0;
    for (rel, text) in sources() {
        let m = module_of(&rel);
        if m == "main" {
            continue; // the binary sits on top of everything
        }
        let Some(allowed) = rules.get(m) else {
            bad.push(format!(
                "{rel}: top-level module `{m}` has no layer in docs/architecture.md"
            ));
            continue;
        };
        for (line, name) in named_modules(&text) {
            seen += 1;
            if name != m && !allowed.contains(&name.as_str()) {
                bad.push(format!(
                    "{rel}:{line}: `{m}` names `crate::{name}`, which is not below it"
                ));
            }
        }
    }
    assert!(
        seen > 200,
        "only {seen} crate paths found: is the scan broken?"
    );
    assert!(bad.is_empty(), "layer rules broken:\n{}", bad.join("\n"));
}

#[test]
fn only_the_edges_touch_files_and_threads() {
    let mut bad = Vec::new();
    for (rel, text) in sources() {
        let m = module_of(&rel);
        for (n, line) in text.lines().enumerate() {
            let c = code(line);
            let fs = c.contains("std::fs") || c.contains(" fs::") || c.contains("(fs::");
            if fs && !MAY_TOUCH_FILES.iter().any(|p| rel.starts_with(p)) {
                bad.push(format!("{rel}:{}: touches files: {}", n + 1, line.trim()));
            }
            let threads =
                c.contains("rayon") || c.contains("std::thread") || c.contains("thread::spawn");
            if threads && SINGLE_THREADED.contains(&m) {
                bad.push(format!("{rel}:{}: runs threads: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The scan itself: a forbidden import is seen, a comment is not.
#[test]
fn the_scan_sees_imports_and_skips_comments() {
    let text = "use crate::engine::vars::Var;\n\
                // crate::cli is only mentioned here\n\
                let x = crate::output::files::prepare(); // crate::analysis\n\
                use crate::{dist, policy::calendar};\n\
                crate::errln!(\"a macro, not a module\");\n";
    let names: Vec<String> = named_modules(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["engine", "output", "dist", "policy", "cli"]);
    assert_eq!(module_of("src/market/step.rs"), "market");
    assert_eq!(module_of("src/dist.rs"), "dist");
}

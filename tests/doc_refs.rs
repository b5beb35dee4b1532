//! The docs are self-contained: every reference the code and the docs make resolves inside
//! `docs/` (issue 12).
//!
//! - A section sign followed by a number or letter names a heading of a page in `docs/`: the
//!   page named just before it (`scenarios.md §5`, `[outputs.md §6](outputs.md#…)`), else
//!   `model.md` in code and the page itself in a doc.
//! - "errata 16", "errata N2/16", "N13" name a row of `decisions.md` §A (errata fixes) or §B
//!   (readings); `D34` and `D-3` name our own decisions and open inconsistencies there.
//! - A relative link to a page of `docs/` names a page that exists and, with `#anchor`, one of
//!   its headings.
//! - No code cites the design documents outside the repository.
//!
//! "Code" here is every `.rs` file of `src/`, `tests/`, `benches/` and `examples/` and every
//! scenario and market file under `scenarios/` (their comments and `note` strings).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The section sign, spelt out so that this file does not cite anything itself.
const SECTION: char = '\u{a7}';

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// One page of `docs/`: its numbered sections (`4.2.1`, `A`) and heading anchors.
#[derive(Default)]
struct Page {
    sections: BTreeSet<String>,
    anchors: BTreeSet<String>,
}

fn page(text: &str) -> Page {
    let mut p = Page::default();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        p.anchors.insert(slug(title));
        let first = title.split_whitespace().next().unwrap_or("");
        let id = first.trim_end_matches('.');
        let numbered = !id.is_empty()
            && id.chars().all(|c| c.is_ascii_digit() || c == '.')
            && id.starts_with(|c: char| c.is_ascii_digit());
        let lettered = id.len() == 1 && id.chars().all(|c| c.is_ascii_uppercase());
        if numbered || (lettered && first.ends_with('.')) {
            p.sections.insert(id.to_string());
        }
    }
    p
}

/// What `decisions.md` defines: errata rows (`16`, `3a`), readings (`N2`), decisions (`34`)
/// and open inconsistencies (`3` of `D-3`).
#[derive(Default)]
struct Decisions {
    errata: BTreeSet<String>,
    readings: BTreeSet<String>,
    decisions: BTreeSet<String>,
    open: BTreeSet<String>,
}

fn decisions(text: &str) -> Decisions {
    let mut d = Decisions::default();
    let mut section = ' ';
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            section = h.chars().next().unwrap_or(' ');
            continue;
        }
        if let Some(row) = line.strip_prefix("| ") {
            let cell = row.split('|').next().unwrap_or("").trim();
            let first = cell.split_whitespace().next().unwrap_or("");
            match section {
                'A' if first.starts_with(|c: char| c.is_ascii_digit()) => {
                    d.errata.insert(first.to_string());
                }
                'B' if first.starts_with('N') => {
                    d.readings.insert(first.to_string());
                }
                'D' if first.starts_with("D-") => {
                    d.open.insert(first[2..].to_string());
                }
                _ => {}
            }
        }
        if let Some(rest) = line.strip_prefix("**D") {
            let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if !n.is_empty() {
                d.decisions.insert(n);
            }
        }
    }
    d
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The errata ids after "errata " at `rest`: `N2/16`, `N3, 18`, `3a`, `1 and 2`.
fn errata_ids(rest: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut s = rest;
    loop {
        let n = usize::from(s.starts_with('N'));
        let digits = s[n..].chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return ids;
        }
        let mut end = n + digits;
        if s[end..].starts_with(|c: char| ('a'..='d').contains(&c))
            && !s[end + 1..].starts_with(|c: char| c.is_alphanumeric())
        {
            end += 1;
        }
        if s[end..].starts_with(|c: char| c.is_alphanumeric()) {
            return ids;
        }
        ids.push(s[..end].to_string());
        s = &s[end..];
        let mut next = None;
        for sep in ["/", ", ", " and ", " or "] {
            if let Some(t) = s.strip_prefix(sep) {
                if t.starts_with(|c: char| c.is_ascii_digit())
                    || (t.starts_with('N') && t[1..].starts_with(|c: char| c.is_ascii_digit()))
                {
                    next = Some(t);
                }
                break;
            }
        }
        match next {
            Some(t) => s = t,
            None => return ids,
        }
    }
}

/// A token `<prefix><digits>` standing alone at byte `i` of `line` (not inside a word).
fn standalone_number(line: &str, i: usize, prefix: &str) -> Option<String> {
    if !line[i..].starts_with(prefix) {
        return None;
    }
    if line[..i].chars().next_back().is_some_and(is_word) {
        return None;
    }
    let rest = &line[i + prefix.len()..];
    let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if n.is_empty() || rest[n.len()..].starts_with(is_word) {
        return None;
    }
    Some(n)
}

struct Checker {
    pages: HashMap<String, Page>,
    dec: Decisions,
    bad: Vec<String>,
}

impl Checker {
    fn check_file(&mut self, path: &Path, is_doc: bool) {
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(ROOT).unwrap().display().to_string();
        let own = path.file_name().unwrap().to_string_lossy().to_string();
        let default_page = if is_doc && self.pages.contains_key(&own) {
            own
        } else {
            "model.md".to_string()
        };
        for (n, line) in text.lines().enumerate() {
            let at = format!("{rel}:{}", n + 1);
            self.sections(line, &default_page, &at);
            self.errata(line, &at);
            if is_doc {
                self.links(line, path, &at);
            } else {
                for outside in ["model-errata.md", "design/model.md", "design/style.md"] {
                    if line.contains(outside) {
                        self.bad
                            .push(format!("{at}: cites `{outside}`, which is not in the repo"));
                    }
                }
            }
        }
    }

    fn sections(&mut self, line: &str, default_page: &str, at: &str) {
        for (i, _) in line.match_indices(SECTION) {
            let after = line[i + SECTION.len_utf8()..].trim_start_matches(' ');
            let id: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            let id = id.trim_end_matches('.');
            if id.is_empty() {
                self.bad
                    .push(format!("{at}: a section sign names no section"));
                continue;
            }
            let before = line[..i].trim_end();
            let named = before
                .rsplit(|c: char| !(is_word(c) || c == '.' || c == '-'))
                .next()
                .filter(|w| w.ends_with(".md"));
            let page_name = named.unwrap_or(default_page);
            match self.pages.get(page_name) {
                None => self.bad.push(format!(
                    "{at}: section {id} of `{page_name}`, which is not a page of docs/"
                )),
                Some(p) if !p.sections.contains(id) => self.bad.push(format!(
                    "{at}: `{page_name}` has no section {id} (it has {:?})",
                    p.sections
                )),
                Some(_) => {}
            }
        }
    }

    fn errata(&mut self, line: &str, at: &str) {
        let lower = line.to_lowercase();
        for (i, _) in lower.match_indices("errata") {
            let rest = &line[i + "errata".len()..];
            let Some(rest) = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('-')) else {
                continue;
            };
            for id in errata_ids(rest) {
                let known = if id.starts_with('N') {
                    self.dec.readings.contains(&id)
                } else {
                    // "errata 3" names the group 3a–3d.
                    self.dec.errata.contains(&id)
                        || self.dec.errata.iter().any(|e| {
                            e.strip_prefix(id.as_str())
                                .is_some_and(|t| t.len() == 1 && t.chars().all(char::is_alphabetic))
                        })
                };
                if !known {
                    self.bad.push(format!(
                        "{at}: errata {id} is not a row of decisions.md §A or §B"
                    ));
                }
            }
        }
        for (i, _) in line.char_indices() {
            if let Some(n) = standalone_number(line, i, "N") {
                if !self.dec.readings.contains(&format!("N{n}")) {
                    self.bad
                        .push(format!("{at}: reading N{n} is not in decisions.md §B"));
                }
            }
            if let Some(n) = standalone_number(line, i, "D-") {
                if !self.dec.open.contains(&n) {
                    self.bad
                        .push(format!("{at}: D-{n} is not in decisions.md §D"));
                }
            } else if let Some(n) = standalone_number(line, i, "D") {
                if !self.dec.decisions.contains(&n) {
                    self.bad
                        .push(format!("{at}: decision D{n} is not in decisions.md"));
                }
            }
        }
    }

    fn links(&mut self, line: &str, path: &Path, at: &str) {
        for (i, _) in line.match_indices("](") {
            let target: String = line[i + 2..].chars().take_while(|c| *c != ')').collect();
            if target.contains("://") || target.starts_with('#') {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            if !file.ends_with(".md") {
                continue;
            }
            let dest = path.parent().unwrap().join(file);
            if !dest.exists() {
                self.bad
                    .push(format!("{at}: link to `{file}`, which does not exist"));
                continue;
            }
            let name = dest.file_name().unwrap().to_string_lossy().to_string();
            if let (Some(a), Some(p)) = (anchor, self.pages.get(&name)) {
                if !p.anchors.contains(a) {
                    self.bad
                        .push(format!("{at}: `{name}` has no heading with anchor #{a}"));
                }
            }
        }
    }
}

fn checker() -> Checker {
    let mut docs = Vec::new();
    files_under(&Path::new(ROOT).join("docs"), "md", &mut docs);
    let mut pages = HashMap::new();
    for d in &docs {
        let name = d.file_name().unwrap().to_string_lossy().to_string();
        pages.insert(name, page(&std::fs::read_to_string(d).unwrap()));
    }
    let dec =
        decisions(&std::fs::read_to_string(Path::new(ROOT).join("docs/decisions.md")).unwrap());
    Checker {
        pages,
        dec,
        bad: Vec::new(),
    }
}

#[test]
fn every_reference_in_code_and_docs_resolves_in_docs() {
    let mut c = checker();
    let root = Path::new(ROOT);
    let mut code = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        files_under(&root.join(dir), "rs", &mut code);
    }
    code.retain(|p| !p.ends_with("tests/doc_refs.rs"));
    assert!(code.len() > 50, "found only {} source files", code.len());
    // Scenario and market files cite the docs in their comments and notes, as code does.
    let mut scenarios = Vec::new();
    files_under(&root.join("scenarios"), "toml", &mut scenarios);
    assert!(
        scenarios.len() > 10,
        "found only {} scenario files",
        scenarios.len()
    );
    code.extend(scenarios);
    for p in &code {
        c.check_file(p, false);
    }
    let mut docs = Vec::new();
    files_under(&root.join("docs"), "md", &mut docs);
    docs.push(root.join("README.md"));
    for p in &docs {
        c.check_file(p, true);
    }
    assert!(
        c.bad.is_empty(),
        "{} dangling references:\n{}",
        c.bad.len(),
        c.bad.join("\n")
    );
}

/// The checker itself finds what it is meant to find (so the test above can fail).
#[test]
fn the_checker_catches_dangling_references() {
    let mut c = checker();
    let s = SECTION;
    let probe = format!(
        "// model.md {s}4.8 and scenarios.md {s}5 resolve\n\
         // model.md {s}6.7 does not\n\
         // calibration.md {s}10 does not\n\
         // errata N2/16 resolve, errata 99 does not, N77 does not\n\
         // D34 resolves, D999 does not\n\
         // {s} alone names nothing\n"
    );
    for (n, line) in probe.lines().enumerate() {
        let at = format!("probe:{}", n + 1);
        c.sections(line, "model.md", &at);
        c.errata(line, &at);
    }
    let lines: Vec<&str> = c.bad.iter().map(|b| b.split(':').nth(1).unwrap()).collect();
    assert_eq!(lines, ["2", "3", "4", "4", "5", "6"], "{:#?}", c.bad);
    assert_eq!(errata_ids("N3, 18) and"), ["N3", "18"]);
    assert_eq!(errata_ids("3a), so"), ["3a"]);
    assert_eq!(errata_ids("fixes of"), Vec::<String>::new());
    assert_eq!(
        slug("4.2 Step 2: exogenous (`exogenous.rs`)"),
        "42-step-2-exogenous-exogenousrs"
    );
}

/// model.md section 7 has a row for every model parameter, and says how many there are: a
/// newcomer's "unknown parameter" hint points there.
#[test]
fn every_parameter_has_a_row_in_the_model_doc() {
    use sanctions_sim::market::params::ParamSpec;
    let text = std::fs::read_to_string(Path::new(ROOT).join("docs/model.md")).unwrap();
    let missing: Vec<&str> = ParamSpec::NAMES
        .iter()
        .copied()
        .filter(|n| !text.contains(&format!("| `{n}` |")))
        .collect();
    assert!(missing.is_empty(), "model.md has no row for {missing:?}");
    let count = format!("({} parameters;", ParamSpec::NAMES.len());
    assert!(text.contains(&count), "model.md does not say {count}");
}

//! A scenario shape for `arbitrary`, rendered as TOML. Keys, levers, parameter names,
//! actions and distribution names come from the real format (docs/scenarios.md) with a few
//! wrong ones mixed in, and numbers lean to plausible magnitudes, so the fuzzer spends its
//! time in value validation, event and tree resolution and the first simulated months rather
//! than in TOML syntax errors (the `load_bytes` target covers those).

use arbitrary::Arbitrary;
use sanctions_sim::market::params::ParamSpec;
use std::fmt::Write;

use crate::vocab::*;

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

/// A number, mostly in the ranges the format uses.
#[derive(Arbitrary, Debug, Clone)]
pub enum Num {
    /// `whole + frac/256`: the common case, small and signed.
    Small(i8, u8),
    Unit(u8),
    /// A small whole number (months, paths, seeds, counts).
    Count(u8),
    Int(i64),
    Float(f64),
    Special(u8),
}

impl Num {
    fn render(&self, out: &mut String) {
        match self {
            Num::Small(w, f) => write!(out, "{:?}", *w as f64 + *f as f64 / 256.0),
            Num::Unit(u) => write!(out, "{:?}", *u as f64 / 255.0),
            Num::Count(c) => write!(out, "{c}"),
            Num::Int(i) => write!(out, "{i}"),
            Num::Float(x) if x.is_nan() => write!(out, "nan"),
            Num::Float(x) if x.is_infinite() => {
                write!(out, "{}inf", if *x > 0.0 { "" } else { "-" })
            }
            Num::Float(x) => write!(out, "{x:?}"),
            Num::Special(k) => write!(
                out,
                "{}",
                ["nan", "inf", "-inf", "-0", "-0.0", "1e999", "0", "1e-320", "\"1\""]
                    [*k as usize % 9]
            ),
        }
        .unwrap();
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Dist {
    Const(Num),
    /// A named form with 1–3 parameters (the count may be wrong for the name).
    Named(u8, Vec<Num>),
    /// `poisson = λ`, the one scalar form.
    Poisson(Num),
    /// `{ const = c, <dist> = ... }`, the shifted lag form of tree exits.
    Shifted(Num, u8, Vec<Num>),
}

impl Dist {
    fn render(&self, out: &mut String) {
        match self {
            Dist::Const(n) => n.render(out),
            Dist::Named(k, ps) => {
                write!(out, "{{ {} = ", pick(DIST_NAMES, *k)).unwrap();
                render_list(ps, 3, out);
                out.push_str(" }");
            }
            Dist::Poisson(n) => {
                out.push_str("{ poisson = ");
                n.render(out);
                out.push_str(" }");
            }
            Dist::Shifted(c, k, ps) => {
                out.push_str("{ const = ");
                c.render(out);
                write!(out, ", {} = ", pick(DIST_NAMES, *k)).unwrap();
                render_list(ps, 3, out);
                out.push_str(" }");
            }
        }
    }
}

fn render_list(ps: &[Num], max: usize, out: &mut String) {
    out.push('[');
    for (i, p) in ps.iter().take(max).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        p.render(out);
    }
    out.push(']');
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Value {
    Dist(Dist),
    Bool(bool),
    Word(u8),
    /// `add_share`, `wind_down_months` and, when present, `basins` (D33).
    Wave(Dist, Num, Option<Vec<u8>>),
    Batch(Dist, u8),
}

impl Value {
    fn render(&self, out: &mut String) {
        match self {
            Value::Dist(d) => d.render(out),
            Value::Bool(b) => write!(out, "{b}").unwrap(),
            Value::Word(w) => write!(out, "{:?}", pick(WORDS, *w)).unwrap(),
            Value::Wave(d, m, basins) => {
                out.push_str("{ add_share = ");
                d.render(out);
                out.push_str(", wind_down_months = ");
                m.render(out);
                if let Some(b) = basins {
                    let names: Vec<String> = b
                        .iter()
                        .take(3)
                        .map(|&i| format!("{:?}", pick(BASINS, i)))
                        .collect();
                    write!(out, ", basins = [{}]", names.join(", ")).unwrap();
                }
                out.push_str(" }");
            }
            Value::Batch(d, a) => {
                out.push_str("{ share = ");
                d.render(out);
                write!(out, ", authority = {:?} }}", pick(WORDS, *a)).unwrap();
            }
        }
    }
}

/// `YYYY-MM[-DD]` near the shipped start (2025-08), sometimes out of range.
#[derive(Arbitrary, Debug, Clone)]
pub struct Date {
    year_offset: i8,
    month: u8,
    day: Option<u8>,
}

impl Date {
    fn render(&self, with_day: bool, out: &mut String) {
        let y = 2025 + (self.year_offset as i32 % 3);
        // Mostly valid months and days, with 0 and 13/32 reachable.
        let m = self.month % 14;
        write!(out, "\"{y:04}-{m:02}").unwrap();
        if let (true, Some(d)) = (with_day, self.day) {
            write!(out, "-{:02}", d % 33).unwrap();
        }
        out.push('"');
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Event {
    date: Option<Date>,
    lever: u8,
    action: Option<u8>,
    value: Option<Value>,
    months: Option<Num>,
    prob: Option<Dist>,
    lag: Option<Dist>,
    note: bool,
}

impl Event {
    fn render_fields(&self, sep: &str, date_key: bool, out: &mut String) {
        let mut first = true;
        let mut key = |out: &mut String, k: &str| {
            if !first {
                out.push_str(sep);
            }
            first = false;
            write!(out, "{k} = ").unwrap();
        };
        if date_key {
            if let Some(d) = &self.date {
                key(out, "date");
                d.render(true, out);
            }
        }
        key(out, "lever");
        write!(out, "{:?}", pick(LEVERS, self.lever)).unwrap();
        if let Some(a) = self.action {
            key(out, "action");
            write!(out, "{:?}", pick(ACTIONS, a)).unwrap();
        }
        if let Some(v) = &self.value {
            key(out, "value");
            v.render(out);
        }
        if let Some(m) = &self.months {
            key(out, "months");
            m.render(out);
        }
        if let Some(p) = &self.prob {
            key(out, "prob");
            p.render(out);
        }
        if let Some(l) = &self.lag {
            key(
                out,
                if date_key {
                    "lag_months"
                } else {
                    "after_months"
                },
            );
            l.render(out);
        }
        if self.note {
            key(out, "note");
            out.push_str("\"fuzz\"");
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Exit {
    kind: u8,
    date: Option<Date>,
    value: Option<Dist>,
    lag: Option<Dist>,
    to: Vec<u8>,
    /// `None` renders `"rest"`.
    probs: Vec<Option<Dist>>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Node {
    id: u8,
    exits: Vec<Exit>,
    actions: Vec<Event>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Tree {
    id: u8,
    start: u8,
    nodes: Vec<Node>,
}

/// The core keys, always valid: most documents should load, so that events, parameters,
/// trees and the simulation are reached. `Doc::alt` breaks at most one of them.
#[derive(Arbitrary, Debug, Clone)]
pub struct Base {
    extends_baseline: bool,
    start_month: u8,
    months: u8,
    paths: u8,
    seed: u8,
    p0: u8,
    f24: Option<u8>,
}

/// One deviation from the valid core: a name, a path, or a key left out or mistyped.
#[derive(Arbitrary, Debug, Clone)]
pub enum Alt {
    Name(u8),
    Extends(u8),
    Market(u8),
    Init(bool),
    /// Core key `CORE_KEYS[k]` left out (`None`) or written as the number.
    Key(u8, Option<Num>),
    /// An unknown key in `[scenario]`, `[brent]` or the first event.
    Junk(u8, u8),
}

const CORE_KEYS: &[&str] = &["start", "months", "paths", "seed", "market", "p0", "f24"];

/// A `[params]` value: mostly a constant inside the parameter's prior support (valid), or
/// any distribution.
#[derive(Arbitrary, Debug, Clone)]
pub enum Param {
    InSupport(u8),
    Prior,
    Any(Dist),
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Doc {
    base: Base,
    alt: Option<Alt>,
    params: Vec<(u8, Param)>,
    correlations: Vec<(u8, u8, Num)>,
    events: Vec<Event>,
    trees: Vec<Tree>,
}

impl Doc {
    pub fn render(&self) -> String {
        let names = ParamSpec::NAMES;
        let b = &self.base;
        let alt = self.alt.as_ref();
        let mut o = String::new();
        match alt {
            Some(Alt::Extends(e)) => writeln!(o, "extends = {:?}", pick(EXTENDS, *e)).unwrap(),
            _ if b.extends_baseline => o.push_str("extends = \"baseline.toml\"\n"),
            _ => {}
        }
        let junk = |o: &mut String, at: u8| {
            if let Some(Alt::Junk(where_, k)) = alt {
                if where_ % 3 == at {
                    writeln!(o, "{} = 1", pick(JUNK_KEYS, *k)).unwrap();
                }
            }
        };
        // The horizon always covers the baseline's last event (2025-09-03).
        let market = match alt {
            Some(Alt::Market(m)) => pick(MARKETS, *m),
            _ => "market/default.toml",
        };
        let core: [(&str, String); 7] = [
            ("start", format!("\"2025-{:02}\"", 1 + b.start_month % 8)),
            ("months", format!("{}", 12 + b.months % 25)),
            ("paths", format!("{}", 1 + b.paths % 4)),
            ("seed", format!("{}", b.seed)),
            ("market", format!("{market:?}")),
            ("p0", format!("{:?}", 20.0 + b.p0 as f64 * 0.5)),
            (
                "f24",
                b.f24
                    .map_or(String::new(), |f| format!("{:?}", 20.0 + f as f64)),
            ),
        ];
        let line = |o: &mut String, key: &str, v: &str| {
            let v = match alt {
                Some(Alt::Key(k, n)) if pick(CORE_KEYS, *k) == key => match n {
                    None => return,
                    Some(n) => {
                        let mut s = String::new();
                        n.render(&mut s);
                        s
                    }
                },
                _ if v.is_empty() => return,
                _ => v.to_string(),
            };
            writeln!(o, "{key} = {v}").unwrap();
        };
        o.push_str("[scenario]\n");
        if let Some(Alt::Name(n)) = alt {
            writeln!(o, "name = {:?}", pick(NAMES, *n)).unwrap();
        }
        for (k, v) in &core[..5] {
            line(&mut o, k, v);
        }
        if let Some(Alt::Init(i)) = alt {
            writeln!(o, "init = {:?}", if *i { "explicit" } else { "spin-up" }).unwrap();
        }
        junk(&mut o, 0);
        o.push_str("\n[brent]\n");
        for (k, v) in &core[5..] {
            line(&mut o, k, v);
        }
        junk(&mut o, 1);
        if !self.params.is_empty() {
            o.push_str("\n[params]\n");
            let spec = ParamSpec::default();
            for (k, v) in self.params.iter().take(6) {
                let name = names[*k as usize % names.len()];
                let prior = spec.get(name).unwrap();
                write!(o, "{name} = ").unwrap();
                match v {
                    Param::InSupport(u) => {
                        let x = prior.quantile((*u as f64 + 0.5) / 256.0);
                        write!(o, "{x:?}").unwrap();
                    }
                    // The default written out (a constant, or the median of a distribution).
                    Param::Prior => write!(o, "{:?}", prior.median()).unwrap(),
                    Param::Any(d) => d.render(&mut o),
                }
                o.push('\n');
            }
        }
        if !self.correlations.is_empty() {
            o.push_str("\n[correlations]\npairs = [");
            for (a, b, r) in self.correlations.iter().take(3) {
                write!(
                    o,
                    "[{:?}, {:?}, ",
                    names[*a as usize % names.len()],
                    names[*b as usize % names.len()]
                )
                .unwrap();
                r.render(&mut o);
                o.push_str("], ");
            }
            o.push_str("]\n");
        }
        for (i, e) in self.events.iter().take(4).enumerate() {
            o.push_str("\n[[event]]\n");
            e.render_fields("\n", true, &mut o);
            o.push('\n');
            if i == 0 {
                junk(&mut o, 2);
            }
        }
        for t in self.trees.iter().take(2) {
            render_tree(t, &mut o);
        }
        o
    }
}

fn render_tree(t: &Tree, o: &mut String) {
    writeln!(
        o,
        "\n[[tree]]\nid = {:?}\nstart = {:?}",
        pick(IDS, t.id),
        pick(IDS, t.start)
    )
    .unwrap();
    for n in t.nodes.iter().take(6) {
        writeln!(o, "\n[[tree.node]]\nid = {:?}", pick(IDS, n.id)).unwrap();
        if !n.exits.is_empty() {
            o.push_str("exits = [\n");
            for x in n.exits.iter().take(4) {
                let kind = ["at", "hazard", "after", "never"][x.kind as usize % 4];
                write!(o, "  {{ kind = {kind:?}").unwrap();
                if let Some(d) = &x.date {
                    o.push_str(", date = ");
                    d.render(true, o);
                }
                if let Some(v) = &x.value {
                    o.push_str(", value = ");
                    v.render(o);
                }
                if let Some(l) = &x.lag {
                    o.push_str(", lag = ");
                    l.render(o);
                }
                match x.to.len() {
                    0 => {}
                    1 => write!(o, ", to = {:?}", pick(IDS, x.to[0])).unwrap(),
                    _ => {
                        o.push_str(", to = [");
                        for id in x.to.iter().take(4) {
                            write!(o, "{:?}, ", pick(IDS, *id)).unwrap();
                        }
                        o.push(']');
                    }
                }
                if !x.probs.is_empty() {
                    o.push_str(", probs = [");
                    for p in x.probs.iter().take(4) {
                        match p {
                            Some(d) => d.render(o),
                            None => o.push_str("\"rest\""),
                        }
                        o.push_str(", ");
                    }
                    o.push(']');
                }
                o.push_str(" },\n");
            }
            o.push_str("]\n");
        }
        if !n.actions.is_empty() {
            o.push_str("actions = [\n");
            for a in n.actions.iter().take(4) {
                o.push_str("  { ");
                a.render_fields(", ", false, o);
                o.push_str(" },\n");
            }
            o.push_str("]\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arbitrary::Unstructured;

    /// The generator must mostly produce TOML that parses, or it only re-tests the parser.
    #[test]
    fn renders_parseable_toml() {
        let mut ok = 0;
        for seed in 0..200u32 {
            let bytes: Vec<u8> = (0..512u32)
                .map(|i| (i.wrapping_mul(2654435761).wrapping_add(seed * 40503) >> 13) as u8)
                .collect();
            let doc = Doc::arbitrary(&mut Unstructured::new(&bytes)).unwrap();
            if doc.render().parse::<toml::Table>().is_ok() {
                ok += 1;
            }
        }
        assert!(ok > 150, "only {ok}/200 rendered documents parse");
    }

    /// And some of them must load, or the simulation half of the target is never reached.
    #[test]
    fn some_rendered_documents_load() {
        let mut loaded = 0;
        for seed in 0..400u32 {
            // Short inputs, as libFuzzer starts with: few events and parameters.
            let bytes: Vec<u8> = (0..32 + seed % 96)
                .map(|i| (i.wrapping_mul(2246822519).wrapping_add(seed * 3266489917) >> 11) as u8)
                .collect();
            let doc = Doc::arbitrary(&mut Unstructured::new(&bytes)).unwrap();
            loaded += crate::load_input(doc.render().as_bytes()).is_some() as u32;
        }
        let zero = Doc::arbitrary(&mut Unstructured::new(&[0u8; 64])).unwrap();
        let text = zero.render();
        if crate::load_input(text.as_bytes()).is_none() {
            let p = crate::scratch().join(crate::INPUT);
            panic!("{text}\n{}", sanctions_sim::scenario::load(&p).unwrap_err());
        }
        eprintln!("{loaded}/400 rendered documents load");
        assert!(loaded > 0);
    }
}
#[cfg(test)]
mod show {
    #[test]
    #[ignore]
    fn show_artifact() {
        use arbitrary::{Arbitrary, Unstructured};
        let bytes = std::fs::read(std::env::var("ARTIFACT").unwrap()).unwrap();
        let doc = super::Doc::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
        println!("{}", doc.render());
    }
}

//! Inheritance along the `extends` chain, required keys, parameters and events → one
//! validated [`Scenario`].

use super::diagnostics::{Diagnostic, LoadError, Source};
use super::files::{load_market, read_chain, resolved_text, syntax};
use super::imposed::ImposedBrent;
use super::raw::{de, RawFile, Val, Walker};
use super::{event, EventOrigin, Init, Scenario};
use crate::dist::Dist;
use crate::market::data::Market;
use crate::market::param_ranges::range_of;
use crate::market::params::ParamSpec;
use crate::policy::calendar::{month_idx, MonthIdx};
use crate::policy::levers::LeverRegistry;
use crate::suggest;
use serde_spanned::Spanned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// The winning value of a key: `(file index, value)`, `value` `None` when it was invalid
/// (and already reported).
type Won<T> = Option<(usize, Option<T>)>;

/// Checks `[params]`: known names, a number or distribution, and every value it can draw
/// inside the parameter's valid range (`market::param_ranges`; fuzzing found `storage_cap < 0`
/// breaking the storage bound and `sigma_xi = -7e18` giving non-finite bands).
pub(crate) fn check_params(
    w: &mut Walker<'_>,
    entries: &[(Spanned<String>, &Val<'_>)],
    spec: &mut ParamSpec,
) {
    for (k, v) in entries {
        let name = k.get_ref();
        let key = format!("params.{name}");
        if !ParamSpec::NAMES.contains(&name.as_str()) {
            let help = match suggest::closest(name, ParamSpec::NAMES) {
                Some(c) => format!("did you mean `{c}`?"),
                None => "docs/model.md lists the model parameters".into(),
            };
            w.err(
                k.span(),
                &key,
                format!("unknown parameter `{name}`"),
                Some(help),
            );
            continue;
        }
        let r = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) | DeValue::Table(_) => de::<Dist>(v),
            other => Err((
                v.span(),
                format!(
                    "expected a number or a distribution, got {}",
                    super::hints::a_type(other.type_str())
                ),
            )),
        };
        match r {
            Ok(d) if !range_of(name).admits_dist(&d) => {
                let (lo, hi) = d.support();
                let what = if d.is_const() {
                    format!("{d}")
                } else {
                    format!(
                        "{d} (values in [{}, {}])",
                        crate::suggest::Num(lo),
                        crate::suggest::Num(hi)
                    )
                };
                w.err(
                    v.span(),
                    &key,
                    format!("`{key}` must lie {}, got {what}", range_of(name).describe()),
                    Some(format!(
                        "{}the default is {}; docs/model.md gives each parameter's unit and prior",
                        match (d, range_of(name)) {
                            (Dist::Const(x), crate::market::param_ranges::Range::Unit) => {
                                super::hints::fraction_help(name, &key, x, 0.0, 1.0)
                                    .map_or(String::new(), |h| format!("{h}; "))
                            }
                            _ => String::new(),
                        },
                        ParamSpec::default()
                            .get(name)
                            .map_or("-".into(), |d| d.to_string())
                    )),
                )
            }
            Ok(d) => {
                spec.set(name, d);
            }
            Err((span, m)) => w.err(
                span,
                &key,
                format!("`{key}`: {m}"),
                Some(super::hints::dist_help(v, &key)),
            ),
        }
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Loads and validates a scenario; see the module docs of `scenario`.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    let sources = read_chain(path)?;
    let leaf = sources.len() - 1;
    let mut diags: Vec<Diagnostic> = Vec::new();
    let docs: Vec<Spanned<DeTable<'_>>> = sources
        .iter()
        .map(|s| DeTable::parse(&s.text).map_err(|e| LoadError::one(syntax(s, &e))))
        .collect::<Result<_, _>>()?;
    if sources.len() == 1 && docs[leaf].get_ref().is_empty() {
        return Err(LoadError::one(Diagnostic::file_level(
            path,
            Some("scenario"),
            format!("`{}` has no settings: the file is empty", path.display()),
            Some(
                "a scenario needs `[scenario]` with start, months, paths, seed and market, and \
                 `[brent]` with p0; or `extends = \"baseline.toml\"` to inherit them"
                    .into(),
            ),
        )));
    }
    let raws: Vec<RawFile<'_>> = sources
        .iter()
        .zip(&docs)
        .map(|(src, doc)| {
            let mut w = Walker::new(src, &mut diags);
            w.file(doc.get_ref())
        })
        .collect();

    // [scenario] and [brent], key by key; later files win.
    let (mut start, mut months, mut paths, mut seed): (
        Won<MonthIdx>,
        Won<usize>,
        Won<u64>,
        Won<u64>,
    ) = (None, None, None, None);
    let (mut market, mut init, mut description): (Won<PathBuf>, Won<Init>, Won<String>) =
        (None, None, None);
    let mut imposed: Won<(PathBuf, usize, std::ops::Range<usize>)> = None;
    let (mut p0, mut f24): (Won<f64>, Won<f64>) = (None, None);
    for (i, (r, src)) in raws.iter().zip(&sources).enumerate() {
        let mut w = Walker::new(src, &mut diags);
        let s = &r.scenario;
        // A key written with a value of the wrong type counts as present (and invalid), so
        // it overrides the parent and is not reported as missing.
        let has = |k: &str| r.present.iter().any(|p| p == k);
        if has("scenario.start") {
            start = Some((i, None));
        }
        if has("scenario.months") {
            months = Some((i, None));
        }
        if has("scenario.paths") {
            paths = Some((i, None));
        }
        if has("scenario.seed") {
            seed = Some((i, None));
        }
        if has("scenario.market") {
            market = Some((i, None));
        }
        if has("brent.p0") {
            p0 = Some((i, None));
        }
        if has("brent.f24") {
            f24 = Some((i, None));
        }
        if let Some(v) = &s.start {
            let m = month_idx(v.get_ref())
                .map_err(|m| {
                    w.err(
                        v.span(),
                        "scenario.start",
                        format!("bad start month: {m}"),
                        Some("write `start = \"2025-08\"`".into()),
                    )
                })
                .ok();
            start = Some((i, m));
        }
        if let Some(v) = &s.months {
            let n = *v.get_ref();
            let ok = (1..=1200).contains(&n);
            if !ok {
                w.err(
                    v.span(),
                    "scenario.months",
                    format!("`scenario.months` must be between 1 and 1200, got {n}"),
                    Some("write e.g. `months = 36`".into()),
                );
            }
            months = Some((i, ok.then_some(n as usize)));
        }
        if let Some(v) = &s.paths {
            let n = *v.get_ref();
            if n < 1 {
                w.err(
                    v.span(),
                    "scenario.paths",
                    format!("`scenario.paths` must be at least 1, got {n}"),
                    Some("write e.g. `paths = 10000`".into()),
                );
            }
            paths = Some((i, (n >= 1).then_some(n as u64)));
        }
        if let Some(v) = &s.seed {
            let n = *v.get_ref();
            if n < 0 {
                w.err(
                    v.span(),
                    "scenario.seed",
                    format!("`scenario.seed` must be >= 0, got {n}"),
                    Some("write e.g. `seed = 42`".into()),
                );
            }
            seed = Some((i, (n >= 0).then_some(n as u64)));
        }
        if let Some(v) = &s.market {
            let base = src.path.parent().unwrap_or(Path::new(""));
            market = Some((i, Some(base.join(v.get_ref()))));
        }
        if let Some(v) = &s.init {
            let mode = match v.get_ref().as_str() {
                "explicit" => Some(Init::Explicit),
                "unsanctioned" => Some(Init::Unsanctioned),
                _ => None,
            };
            if mode.is_none() {
                w.err(
                    v.span(),
                    "scenario.init",
                    format!("unsupported init `{}`", v.get_ref()),
                    Some("write `init = \"explicit\"` or `init = \"unsanctioned\"`".into()),
                );
            }
            init = Some((i, mode));
        }
        if let Some(v) = &r.brent.imposed {
            let base = src.path.parent().unwrap_or(Path::new(""));
            imposed = Some((i, Some((base.join(v.get_ref()), i, v.span()))));
        }
        if let Some(v) = &s.description {
            description = Some((i, Some(v.get_ref().clone())));
        }
        for (slot, val, key, example) in [
            (&mut p0, &r.brent.p0, "brent.p0", "p0 = 71.04"),
            (&mut f24, &r.brent.f24, "brent.f24", "f24 = 70.0"),
        ] {
            if let Some(v) = val {
                let x = *v.get_ref();
                let ok = x.is_finite() && x > 0.0;
                if !ok {
                    w.err(
                        v.span(),
                        key,
                        format!(
                            "`{key}` must be a finite number > 0 ($/bbl), got {}",
                            crate::suggest::num(x)
                        ),
                        Some(format!("write e.g. `{example}`")),
                    );
                }
                *slot = Some((i, ok.then_some(x)));
            }
        }
    }
    let init = init.and_then(|(_, m)| m).unwrap_or(Init::Explicit);
    // The imposed Brent path must cover the month before the start and every simulated month.
    let mut brent_imposed = None;
    if let Some((_, Some((file, i, span)))) = imposed {
        let got = ImposedBrent::read(&file).and_then(|b| match (&start, &months) {
            (Some((_, Some(s))), Some((_, Some(m)))) => b.covers(*s, *m).map(|_| b),
            _ => Ok(b),
        });
        match got {
            Ok(b) => brent_imposed = Some(b),
            Err(m) => diags.push(sources[i].diag(
                span,
                Some("brent.imposed"),
                m,
                Some("point `imposed` at a CSV with `date,usd_bbl` rows covering the horizon, e.g. data/brent_monthly.csv".into()),
            )),
        }
    }

    // `name` is never inherited.
    let name = match &raws[leaf].scenario.name {
        Some(n) => {
            if !valid_name(n.get_ref()) {
                let msg = format!(
                    "scenario name `{}` may only use letters, digits, `_` and `-` \
                     (it names the output folder)",
                    n.get_ref()
                );
                let help = "write e.g. `name = \"tariff_IN_50pct\"`".to_string();
                let d = sources[leaf].diag(n.span(), Some("scenario.name"), msg, Some(help));
                diags.push(d);
            }
            n.get_ref().clone()
        }
        None => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !valid_name(&stem) {
                let msg = format!(
                    "the file name `{stem}` is not a valid scenario name (letters, digits, `_`, `-`)"
                );
                let help = "add `name = \"...\"` under [scenario], or rename the file".to_string();
                diags.push(Diagnostic::file_level(
                    path,
                    Some("scenario.name"),
                    msg,
                    Some(help),
                ));
            }
            stem
        }
    };

    // Required keys after inheritance.
    let missing = |diags: &mut Vec<Diagnostic>, key: &str, example: &str, brent: bool| {
        if raws.iter().any(|r| r.typos.iter().any(|t| t == key)) {
            // A misspelt key already pointed at this one ("did you mean ...").
            return;
        }
        let r = &raws[leaf];
        let (span, table) = if brent {
            (r.brent_span.clone(), "[brent]")
        } else {
            (r.scenario_span.clone(), "[scenario]")
        };
        let d = sources[leaf].diag(
            span.unwrap_or(0..0),
            Some(key),
            format!("missing required key `{key}`"),
            Some(format!(
                "add `{example}` under {table} in this file or in a file it extends"
            )),
        );
        diags.push(d);
    };
    macro_rules! need {
        ($w:expr, $key:literal, $ex:literal, $brent:expr) => {
            match $w {
                None => {
                    missing(&mut diags, $key, $ex, $brent);
                    None
                }
                Some((i, v)) => v.map(|v| (i, v)),
            }
        };
    }
    let start = need!(start, "scenario.start", "start = \"2025-08\"", false);
    let months = need!(months, "scenario.months", "months = 36", false);
    let paths = need!(paths, "scenario.paths", "paths = 10000", false);
    let seed = need!(seed, "scenario.seed", "seed = 42", false);
    let market_path = need!(
        market,
        "scenario.market",
        "market = \"market/default.toml\"",
        false
    );
    let p0 = need!(p0, "brent.p0", "p0 = 71.04", true);
    let f24 = f24.and_then(|(_, v)| v);

    // The market file and its own [params].
    let mut params = ParamSpec::default();
    let mut loaded: Option<(Market, Source)> = None;
    if let Some((i, mp)) = &market_path {
        let decl = raws[*i].scenario.market.as_ref().map_or(0..0, |m| m.span());
        loaded = load_market(mp, &sources[*i], decl, &mut params, &mut diags);
    }
    for (r, src) in raws.iter().zip(&sources) {
        let mut w = Walker::new(src, &mut diags);
        check_params(&mut w, &r.params, &mut params);
    }
    let chain: Vec<_> = raws
        .iter()
        .zip(&sources)
        .map(|(r, s)| (r.correlations.as_slice(), s))
        .collect();
    let correlations = super::correlations::resolve(&chain, &params, &mut diags);

    // Events, in chain order then file order.
    let horizon = match (&start, &months) {
        (Some((_, s)), Some((_, m))) => Some((*s, *m)),
        _ => None,
    };
    let mut events = Vec::new();
    let mut event_origins = Vec::new();
    let registry = loaded
        .as_ref()
        .map(|(m, _)| LeverRegistry::new(&m.registry_rows()));
    if let Some(reg) = &registry {
        for (r, src) in raws.iter().zip(&sources) {
            let mut w = Walker::new(src, &mut diags);
            for ev in &r.events {
                let got = event::resolve(&mut w, ev, reg, horizon);
                let origin = EventOrigin {
                    at: src.origin(ev.span.start),
                    index: ev.index,
                    lever_written: ev
                        .lever
                        .as_ref()
                        .map_or(String::new(), |l| l.get_ref().clone()),
                    note: ev.note.as_ref().map(|n| n.get_ref().clone()),
                };
                event_origins.extend(std::iter::repeat_n(origin, got.len()));
                events.extend(got);
            }
        }
    }
    // Event trees, in chain order then file order; ids must be unique across the chain.
    let mut trees: Vec<crate::policy::tree::Tree> = Vec::new();
    if let Some(reg) = &registry {
        let mut ids: Vec<String> = Vec::new();
        for (r, src) in raws.iter().zip(&sources) {
            let mut w = Walker::new(src, &mut diags);
            for t in &r.trees {
                if let Some(id) = &t.id {
                    if ids.contains(id.get_ref()) {
                        w.err(
                            id.span(),
                            &format!("{}.id", t.prefix),
                            format!(
                                "tree `{}` is defined twice (here or in a file this one extends)",
                                id.get_ref()
                            ),
                            Some("give each [[tree]] its own id".into()),
                        );
                    }
                    ids.push(id.get_ref().clone());
                }
                if let Some(tree) = super::tree::resolve(&mut w, t, reg, horizon) {
                    trees.push(tree);
                }
            }
        }
    }

    let mut files: Vec<PathBuf> = sources.iter().map(|s| s.path.clone()).collect();
    if let Some((_, mp)) = &market_path {
        files.push(mp.clone());
    }
    if !diags.is_empty() {
        let rank = |d: &Diagnostic| {
            files
                .iter()
                .position(|f| *f == d.file)
                .unwrap_or(files.len())
        };
        diags.sort_by_key(|d| (rank(d), d.line, d.col));
        diags.dedup();
        return Err(LoadError { diagnostics: diags });
    }
    let (
        Some((_, start)),
        Some((_, months)),
        Some((_, paths)),
        Some((_, seed)),
        Some((_, market_path)),
        Some((_, brent_p0)),
        Some((market, msrc)),
        Some(registry),
    ) = (
        start,
        months,
        paths,
        seed,
        market_path,
        p0,
        loaded,
        registry,
    )
    else {
        unreachable!("every missing piece was reported as a diagnostic");
    };
    // Provenance of parameter overrides: market file first, then the chain; later wins.
    let mut param_origins = BTreeMap::new();
    if let Ok(doc) = DeTable::parse(&msrc.text) {
        if let Some(DeValue::Table(t)) = doc.get_ref().get("params").map(|v| v.get_ref()) {
            for (k, _) in t.iter() {
                param_origins.insert(k.get_ref().to_string(), msrc.origin(k.span().start));
            }
        }
    }
    for (r, src) in raws.iter().zip(&sources) {
        for (k, _) in &r.params {
            param_origins.insert(k.get_ref().clone(), src.origin(k.span().start));
        }
    }
    Ok(Scenario {
        name,
        description: description.and_then(|(_, d)| d).unwrap_or_default(),
        path: path.to_path_buf(),
        files,
        resolved_text: resolved_text(&sources, &msrc),
        start,
        months,
        paths,
        seed,
        brent_p0,
        brent_f24: f24,
        brent_imposed,
        init,
        market,
        market_path,
        registry,
        params,
        correlations,
        events,
        event_origins,
        trees,
        param_origins,
    })
}

//! `[scenario]` and `[brent]` stage: inherited key by key along the chain (later files win),
//! each value checked, then the required keys checked after inheritance. `name` is never
//! inherited. Adding a `[scenario]` or `[brent]` key means: its name in `raw::SCENARIO_KEYS`
//! (or `BRENT_KEYS`), its field and walker arm in `raw.rs`, its merge and check here, its
//! `Scenario` field in `mod.rs`, and its schema entry in `schema.rs`.

use super::dates::LAST_MONTH;
use super::diagnostics::{Diagnostic, Source};
use super::imposed::ImposedBrent;
use super::raw::RawFile;
use super::walker::Walker;
use super::Init;
use crate::policy::calendar::{iso_month, MonthIdx};
use crate::suggest::ShowPath;
use std::path::{Path, PathBuf};

/// `[brent] imposed = "none"`: no imposed series, whatever a parent names.
pub(crate) const IMPOSED_NONE: &str = "none";

/// The range of `brent.p0`, `brent.f24` and an imposed series' prices, $/bbl: wide enough for the extreme fixtures
/// ($0.01 and $100,000), narrow enough that the anchor's moments stay finite.
pub(super) const BRENT_MIN: f64 = 1e-6;
pub(super) const BRENT_MAX: f64 = 1e6;

/// The winning value of a key: `(file index, value)`, `value` `None` when it was invalid
/// (and already reported).
type Won<T> = Option<(usize, Option<T>)>;

/// The winning value of every key, as written along the chain.
#[derive(Default)]
struct Written {
    start: Won<MonthIdx>,
    months: Won<usize>,
    paths: Won<u64>,
    seed: Won<u64>,
    market: Won<PathBuf>,
    init: Won<Init>,
    description: Won<String>,
    imposed: Won<(PathBuf, usize, std::ops::Range<usize>)>,
    p0: Won<f64>,
    f24: Won<f64>,
}

/// `[scenario]` and `[brent]` resolved; a required key is `None` when it was missing or
/// invalid (and reported). Each winner keeps the index of the file that set it.
pub(crate) struct Header {
    pub name: String,
    pub description: String,
    pub start: Option<(usize, MonthIdx)>,
    pub months: Option<(usize, usize)>,
    pub paths: Option<(usize, u64)>,
    pub seed: Option<(usize, u64)>,
    pub market: Option<(usize, PathBuf)>,
    pub init: Init,
    pub p0: Option<(usize, f64)>,
    pub f24: Option<f64>,
    pub brent_imposed: Option<ImposedBrent>,
}

impl Header {
    /// `(start, months)` when both are valid: the events' and trees' horizon.
    pub fn horizon(&self) -> Option<(MonthIdx, usize)> {
        match (&self.start, &self.months) {
            (Some((_, s)), Some((_, m))) => Some((*s, *m)),
            _ => None,
        }
    }
}

use super::MAX_NAME_LEN;

fn valid_name(s: &str) -> bool {
    super::valid_id(s)
}

/// Resolves `[scenario]` and `[brent]` of the chain whose leaf is `path`.
pub(crate) fn resolve(
    path: &Path,
    raws: &[RawFile<'_>],
    sources: &[Source],
    diags: &mut Vec<Diagnostic>,
) -> Header {
    let o = merge(raws, sources, diags);
    let init = o.init.and_then(|(_, m)| m).unwrap_or(Init::Explicit);
    let brent_imposed = imposed(&o, sources, diags);
    let name = name(path, raws, sources, diags);
    let leaf = sources.len() - 1;
    // Required keys after inheritance.
    let missing = |diags: &mut Vec<Diagnostic>, key: &str, example: &str, brent: bool| {
        if raws.iter().any(|r| r.typos.iter().any(|t| t == key)) {
            // A misspelt key already pointed at this one ("did you mean ...").
            return;
        }
        let table = key.split('.').next().unwrap_or_default();
        if raws.iter().any(|r| r.bad_tables.contains(&table)) {
            // `[[scenario]]`: the one error is the table's kind; its keys are written (D179).
            return;
        }
        if raws.iter().any(|r| r.bad_extends) {
            // An `extends` that is not a string is the one error: it would have given these.
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
                    missing(diags, $key, $ex, $brent);
                    None
                }
                Some((i, v)) => v.map(|v| (i, v)),
            }
        };
    }
    let start = need!(o.start, "scenario.start", "start = \"2025-08\"", false);
    let mut months = need!(o.months, "scenario.months", "months = 36", false);
    if let (Some(s), Some(m)) = (start, months) {
        if let Some(d) = past_last_month(raws, sources, s, m) {
            diags.push(d);
            // The events and trees are checked against the part of the horizon that exists
            // (a date cannot name a later month), and helps suggest dates inside it.
            months = Some((m.0, (LAST_MONTH - s.1 + 1) as usize));
        }
    }
    let paths = need!(o.paths, "scenario.paths", "paths = 10000", false);
    let seed = need!(o.seed, "scenario.seed", "seed = 42", false);
    let market_path = need!(
        o.market,
        "scenario.market",
        "market = \"market/default.toml\"",
        false
    );
    let p0 = need!(o.p0, "brent.p0", "p0 = 71.04", true);
    let f24 = o.f24.and_then(|(_, v)| v);

    Header {
        name,
        description: o.description.and_then(|(_, d)| d).unwrap_or_default(),
        start,
        months,
        paths,
        seed,
        market: market_path,
        init,
        p0,
        f24,
        brent_imposed,
    }
}

/// D156: a horizon that runs past 2200-12, the last month a date may name. Reported at
/// `months`, or at `start` when a later file of the chain set it; the help gives the largest
/// `months` that fits.
fn past_last_month(
    raws: &[RawFile<'_>],
    sources: &[Source],
    (si, start): (usize, MonthIdx),
    (mi, months): (usize, usize),
) -> Option<Diagnostic> {
    let last = start + months as MonthIdx - 1;
    if last <= LAST_MONTH {
        return None;
    }
    let fits = LAST_MONTH - start + 1;
    let message = format!(
        "the horizon runs past {}: `start = \"{}\"` with `months = {months}` would reach {}, \
         but dates are limited to years 1900–2200",
        iso_month(LAST_MONTH),
        iso_month(start),
        iso_month(last)
    );
    let help = Some(format!(
        "lower `months` to at most {fits} (to end in {}), or move `start` earlier",
        iso_month(LAST_MONTH)
    ));
    let (i, key, span) = if si > mi {
        (
            si,
            "scenario.start",
            raws[si].scenario.start.as_ref()?.span(),
        )
    } else {
        (
            mi,
            "scenario.months",
            raws[mi].scenario.months.as_ref()?.span(),
        )
    };
    Some(sources[i].diag(span, Some(key), message, help))
}

/// Every key's winner along the chain, each value checked on its own.
fn merge(raws: &[RawFile<'_>], sources: &[Source], diags: &mut Vec<Diagnostic>) -> Written {
    let mut o = Written::default();
    for (i, (r, src)) in raws.iter().zip(sources).enumerate() {
        let mut w = Walker::new(src, diags);
        let s = &r.scenario;
        // A key written with a value of the wrong type counts as present (and invalid), so
        // it overrides the parent and is not reported as missing.
        let has = |k: &str| r.present.iter().any(|p| p == k);
        if has("scenario.start") {
            o.start = Some((i, None));
        }
        if has("scenario.months") {
            o.months = Some((i, None));
        }
        if has("scenario.paths") {
            o.paths = Some((i, None));
        }
        if has("scenario.seed") {
            o.seed = Some((i, None));
        }
        if has("scenario.market") {
            o.market = Some((i, None));
        }
        if has("brent.p0") {
            o.p0 = Some((i, None));
        }
        if has("brent.f24") {
            o.f24 = Some((i, None));
        }
        if let Some(v) = &s.start {
            let m = super::dates::month(v.get_ref(), "start")
                .map_err(|b| {
                    let fix = b.fix.as_deref().unwrap_or("2025-08");
                    w.err(
                        v.span(),
                        "scenario.start",
                        format!("bad start month: {}", b.msg),
                        Some(format!("write `start = \"{fix}\"`")),
                    )
                })
                .ok();
            o.start = Some((i, m));
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
            o.months = Some((i, ok.then_some(n as usize)));
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
            o.paths = Some((i, (n >= 1).then_some(n as u64)));
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
            o.seed = Some((i, (n >= 0).then_some(n as u64)));
        }
        if let Some(v) = &s.market {
            let base = super::files::base_dir(&src.path);
            o.market = Some((i, Some(base.join(v.get_ref()))));
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
            o.init = Some((i, mode));
        }
        if let Some(v) = &r.brent.imposed {
            // `"none"`, as a cap's, unsets an inherited series: a child of a replay may want
            // a free Brent, and a key cannot be removed (hostile round 8 finding 5).
            let path = (v.get_ref() != IMPOSED_NONE).then(|| {
                (
                    super::files::base_dir(&src.path).join(v.get_ref()),
                    i,
                    v.span(),
                )
            });
            o.imposed = Some((i, path));
        }
        if let Some(v) = &s.description {
            o.description = Some((i, Some(v.get_ref().clone())));
        }
        for (slot, val, key, example) in [
            (&mut o.p0, &r.brent.p0, "brent.p0", "p0 = 71.04"),
            (&mut o.f24, &r.brent.f24, "brent.f24", "f24 = 70.0"),
        ] {
            if let Some(v) = val {
                let x = *v.get_ref();
                let positive = x.is_finite() && x > 0.0;
                // Magnitudes above 1e6 are refused like every parameter's (D87): a start
                // price of 1e300 loaded and gave a Brent anchor whose variance overflowed
                // (empty `sd` cells and 270-digit numbers in summary.csv).
                let ok = positive && (BRENT_MIN..=BRENT_MAX).contains(&x);
                if !positive {
                    w.err(
                        v.span(),
                        key,
                        format!(
                            "`{key}` must be a finite number > 0 ($/bbl), got {}",
                            crate::suggest::Num(x)
                        ),
                        Some(format!("write e.g. `{example}`")),
                    );
                } else if !ok {
                    w.err(
                        v.span(),
                        key,
                        format!(
                            "`{key}` must lie in [{}, {}] $/bbl, got {}",
                            crate::suggest::Num(BRENT_MIN),
                            crate::suggest::Num(BRENT_MAX),
                            crate::suggest::Num(x)
                        ),
                        Some(format!("write e.g. `{example}`")),
                    );
                }
                *slot = Some((i, ok.then_some(x)));
            }
        }
    }
    o
}

/// `[brent] imposed`: the observed path must cover the month before the start and the first
/// month. Every month a run simulates is checked against the run's horizon
/// (`Scenario::check_months`), so a file whose rows end early runs with a shorter `--months`
/// (D171; `validate` warns).
fn imposed(o: &Written, sources: &[Source], diags: &mut Vec<Diagnostic>) -> Option<ImposedBrent> {
    let mut brent_imposed = None;
    if let Some((_, Some((file, i, span)))) = &o.imposed {
        let got = ImposedBrent::read(file).and_then(|b| match &o.start {
            Some((_, Some(s))) => b.covers(*s, 1).map(|_| b),
            _ => Ok(b),
        });
        match got {
            Ok(b) => brent_imposed = Some(b),
            Err(m) => diags.push(sources[*i].diag(
                span.clone(),
                Some("brent.imposed"),
                m,
                Some("point `imposed` at a CSV with `date,usd_bbl` rows covering the horizon, e.g. data/brent_monthly.csv".into()),
            )),
        }
    }
    brent_imposed
}

/// `name` is never inherited: the leaf's, or its file stem.
fn name(
    path: &Path,
    raws: &[RawFile<'_>],
    sources: &[Source],
    diags: &mut Vec<Diagnostic>,
) -> String {
    let leaf = sources.len() - 1;
    // `name` is never inherited.
    match &raws[leaf].scenario.name {
        Some(n) => {
            let len = n.get_ref().chars().count();
            if len > MAX_NAME_LEN {
                let msg = format!(
                    "scenario name is {len} characters long; at most {MAX_NAME_LEN} are allowed \
                     (it names the output folder, and with the hidden staging folder's suffix \
                     it must fit the filesystem's 255-byte limit for a name)"
                );
                let help = "use a shorter name; `description` can hold the long text".to_string();
                let d = sources[leaf].diag(n.span(), Some("scenario.name"), msg, Some(help));
                diags.push(d);
            } else if !valid_name(n.get_ref()) {
                let msg = format!(
                    "scenario name `{}` may only use ASCII letters, digits, `_` and `-` \
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
            if !valid_name(&stem) || stem.chars().count() > MAX_NAME_LEN {
                // Shown as a path: a line break in the name would split the message.
                let shown = std::path::Path::new(&stem).shown();
                let msg = format!(
                    "the file name `{shown}` is not a valid scenario name (letters, digits, `_`, \
                     `-`, at most {MAX_NAME_LEN} characters)"
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
    }
}

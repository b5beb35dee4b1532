//! The `--prob` list of a run: repeats dropped, errors collected (see [`super`]).

use super::{Probe, ProbeErrors};

impl Probe {
    /// The same question: same variable, operator and threshold value, however it was
    /// spelled (`x<80`, `x < 80`, `x<80.0`, `x<8e1`).
    pub fn same_as(&self, other: &Probe) -> bool {
        self.var == other.var && self.op == other.op && self.threshold == other.threshold
    }
}

/// Parses every `--prob` text against `names`, keeping the first error of each. A probe that
/// asks the same question as an earlier one ([`Probe::same_as`]) is dropped: the first
/// spelling is kept ([`duplicate_probes`] names the dropped ones).
pub fn parse_probes<S: AsRef<str>>(
    texts: &[String],
    names: &[S],
) -> Result<Vec<Probe>, ProbeErrors> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for t in texts {
        match Probe::parse(t, names) {
            Ok(p) if out.iter().any(|q: &Probe| q.same_as(&p)) => {}
            Ok(p) => out.push(p),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ProbeErrors(errors))
    }
}

/// The `--prob` texts that [`parse_probes`] drops as repeats, each with the earlier text it
/// repeats: `(dropped, kept)`. Texts that do not parse are left out.
pub fn duplicate_probes<S: AsRef<str>>(texts: &[String], names: &[S]) -> Vec<(String, String)> {
    let mut kept: Vec<(Probe, &str)> = Vec::new();
    let mut dropped = Vec::new();
    for t in texts {
        let Ok(p) = Probe::parse(t, names) else {
            continue;
        };
        match kept.iter().find(|(q, _)| q.same_as(&p)) {
            Some((_, first)) => dropped.push((t.clone(), first.to_string())),
            None => kept.push((p, t)),
        }
    }
    dropped
}

//! Every file a scenario reads, in one list, and the canonical text that identifies them
//! (hostile round 9 #1). The `extends` chain, the market file and a `[brent] imposed` series
//! all decide the result, so each one is a section of [`Scenario::resolved_text`] (whose
//! SHA-256 is the manifest's `scenario_sha256`, which `merge` checks), a row of the
//! manifest's `inputs`, and a file the "reads … outside the scenario's folder" warning looks
//! at. A new file the loader reads is added here, and all three follow.
//!
//! [`Scenario::resolved_text`]: super::Scenario::resolved_text

use super::diagnostics::Source;
use super::imposed::ImposedBrent;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// What a file read by the loader is to the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRole {
    /// A file of the `extends` chain (the leaf included).
    Scenario,
    /// The market file (`scenario.market`).
    Market,
    /// The observed Brent series (`brent.imposed`).
    ImposedBrent,
}

impl InputRole {
    /// The name written to the manifest's `inputs`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputRole::Scenario => "scenario",
            InputRole::Market => "market",
            InputRole::ImposedBrent => "imposed_brent",
        }
    }

    /// The key that names a file of this role, for messages.
    pub fn key(self) -> &'static str {
        match self {
            InputRole::Scenario => "extends",
            InputRole::Market => "scenario.market",
            InputRole::ImposedBrent => "brent.imposed",
        }
    }
}

/// One file the scenario read.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFile {
    pub role: InputRole,
    /// As resolved by the loader (relative to the working folder when the scenario's path
    /// was).
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the file's text as it enters the resolved text: a UTF-8
    /// byte-order mark left out, line endings as `\n`. For a file saved with `\n` and no
    /// byte-order mark, what `sha256sum` prints.
    pub sha256: String,
    /// A file of the `extends` chain that its child named by an absolute path (walkthrough
    /// 10 #16): the "outside the scenario's folder" warning takes it, and the files inside
    /// its own folder tree, as intended.
    pub named_absolute: bool,
}

/// The text of a file as the fingerprint reads it: `\r\n` as `\n`.
fn normalised(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Lower-case hex SHA-256.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The files a scenario read, chain first (root first), then the market file, then the
/// imposed Brent series if any; and the resolved text (see [`super::Scenario::resolved_text`]).
/// A scenario without an imposed series gives the same text as before the series was added
/// to it, so its `scenario_sha256` did not change.
pub(crate) fn collect(
    chain: &[Source],
    market: &Source,
    imposed: Option<&ImposedBrent>,
) -> (Vec<InputFile>, String) {
    let mut files: Vec<(InputRole, PathBuf, &str, bool)> = chain
        .iter()
        .map(|s| {
            let (p, t) = (s.path.clone(), s.text.as_str());
            (InputRole::Scenario, p, t, s.named_absolute)
        })
        .collect();
    files.push((InputRole::Market, market.path.clone(), &market.text, false));
    if let Some(b) = imposed {
        files.push((InputRole::ImposedBrent, b.path.clone(), &b.text, false));
    }
    let mut out = String::from("## sanctions-sim resolved scenario v1\n");
    let n = chain.len();
    let mut inputs = Vec::with_capacity(files.len());
    for (k, (role, path, text, named_absolute)) in files.into_iter().enumerate() {
        let header = match role {
            InputRole::Scenario => format!("## scenario file {} of {n}\n", k + 1),
            InputRole::Market => "## market file\n".to_string(),
            InputRole::ImposedBrent => "## imposed brent file\n".to_string(),
        };
        let t = normalised(text);
        out.push_str(&header);
        out.push_str(&t);
        if !t.ends_with('\n') {
            out.push('\n');
        }
        inputs.push(InputFile {
            role,
            path,
            sha256: sha256_hex(t.as_bytes()),
            named_absolute,
        });
    }
    (inputs, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imposed_series_is_a_section_only_when_named() {
        let chain = [Source::new("a.toml".into(), "x = 1\r\n".into(), true)];
        let market = Source::new("m.toml".into(), "y = 2".into(), true);
        let (files, text) = collect(&chain, &market, None);
        assert_eq!(
            text,
            "## sanctions-sim resolved scenario v1\n## scenario file 1 of 1\nx = 1\n\
             ## market file\ny = 2\n"
        );
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].sha256, sha256_hex(b"x = 1\n"));
        let b = ImposedBrent::parse(
            std::path::Path::new("b.csv"),
            b"date,usd_bbl\n2024-01-01,80\n",
        )
        .unwrap();
        let (files, with) = collect(&chain, &market, Some(&b));
        assert!(with.starts_with(&text), "{with}");
        assert!(with.ends_with("## imposed brent file\ndate,usd_bbl\n2024-01-01,80\n"));
        assert_eq!(files[2].role, InputRole::ImposedBrent);
        assert_eq!(files[2].path, PathBuf::from("b.csv"));
    }
}

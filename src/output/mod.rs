//! Exporters. Every exporter here is pure (data in, bytes out) so it can be tested without a
//! disk and gives byte-identical output for identical input; [`files`] is the one place in the
//! crate that creates, renames or removes files, and does so atomically. One exception to
//! purity: [`paths_csv`] simulates the sampled paths again. [`xlsx_results`] builds its sheets
//! from the CSV bytes the result folder kept in memory as they were written.
pub mod answers_csv;
pub mod charts;
pub mod compare_csv;
pub mod csv;
pub mod dialect;
pub mod files;
pub mod folder;
pub mod labels;
pub mod lock;
pub mod manifest;
pub mod outcome_totals_csv;
pub mod paths_csv;
pub mod period_probs_csv;
pub mod report;
pub mod show;
pub mod tree_csv;
pub mod write_advice;
pub mod xlsx;
pub mod xlsx_names;
pub mod xlsx_results;
pub mod xlsx_typing;

pub use self::csv::{summary_csv, wide_csv, VarMeta};
pub use files::{prepare, OutputError, Staging};
pub use manifest::{sha256_hex, to_json, Manifest};

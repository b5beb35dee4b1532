//! The progress bar of `run`, `compare` and `sensitivity`, one line that fits 80 columns:
//!
//! `scenario 2 of 5 summit_failure [=====>     ] 4100/10000 paths 850 paths/s ETA 7s`
//!
//! "scenario K of N" only when a command runs several scenarios one after the other; the name
//! is shortened and the bar narrowed so that the widest counts, rate and ETA still fit.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;

/// Columns the whole line may use (one less than 80, so the cursor never wraps).
pub const WIDTH: usize = 79;
/// Room kept for the rate (`123456 paths/s`) and the ETA (`ETA 59m59s`).
const RATE: usize = 14;
const ETA: usize = 10;

/// A bar over `total` paths for `name`; `nth = Some((k, n))` adds "scenario k of n". Hidden
/// when `quiet` or when standard error is not a terminal.
pub fn bar(name: &str, nth: Option<(usize, usize)>, total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let (prefix, width) = layout(name, nth, total);
    let template = format!("{{prefix}} [{{bar:{width}}}] {{pos}}/{{len}} paths {{rate}} {{eta}}");
    b.set_style(
        ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} paths/s", s.per_sec());
            })
            .with_key("eta", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let t = s.eta().as_secs();
                let _ = if t >= 3600 {
                    write!(w, "ETA {}h{:02}m", t / 3600, t % 3600 / 60)
                } else if t >= 60 {
                    write!(w, "ETA {}m{:02}s", t / 60, t % 60)
                } else {
                    write!(w, "ETA {t}s")
                };
            })
            .progress_chars("=> "),
    );
    b.set_prefix(prefix);
    b
}

/// The prefix text and the bar width for a line of at most [`WIDTH`] columns.
pub fn layout(name: &str, nth: Option<(usize, usize)>, total: u64) -> (String, usize) {
    let counts = 2 * total.to_string().len() + 1 + " paths".len();
    // " [" + bar + "] " + counts + " " + rate + " " + eta
    let fixed = 2 + 2 + counts + 1 + RATE + 1 + ETA;
    let lead = nth.map_or(String::new(), |(k, n)| format!("scenario {k} of {n} "));
    // Prefer a bar of 10 to a long name, but keep a dozen characters of the name if the
    // counts are so wide that only a 3-character bar is left.
    let free = WIDTH.saturating_sub(fixed + lead.chars().count());
    let room = if free >= 10 + 12 {
        free - 10
    } else {
        free.saturating_sub(3)
    };
    let name: String = match room {
        _ if name.chars().count() <= room => name.to_string(),
        0 => String::new(),
        r => name
            .chars()
            .take(r - 1)
            .chain(std::iter::once('…'))
            .collect(),
    };
    let prefix = format!("{lead}{name}");
    let width = WIDTH
        .saturating_sub(fixed + prefix.chars().count())
        .clamp(3, 30);
    (prefix, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_line_fits_80_columns() {
        for name in ["b", "summit_failure", &"x".repeat(128)] {
            for nth in [None, Some((2, 5)), Some((100, 100))] {
                for total in [1, 10_000, 1_000_000, 100_000_000] {
                    let (prefix, width) = layout(name, nth, total);
                    let t = total.to_string();
                    let line = format!(
                        "{prefix} [{}] {t}/{t} paths {:>RATE$} {:>ETA$}",
                        "=".repeat(width),
                        "123456 paths/s",
                        "ETA 59m59s"
                    );
                    assert!(line.chars().count() <= WIDTH, "{line}");
                    if let Some((k, n)) = nth {
                        assert!(prefix.starts_with(&format!("scenario {k} of {n} ")));
                    }
                }
            }
        }
    }
}

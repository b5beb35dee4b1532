//! Tests of diagnostics rendering, source windows and the line index.

use super::*;

#[test]
fn renders_like_rustc() {
    let src = Source::new(
        "scenarios/x.toml".into(),
        "a = 1\n\nlever = \"tarif.IN.rate\"\n".into(),
        true,
    );
    let d = src.diag(
        15..30,
        Some("event[1].lever"),
        "unknown lever `tarif.IN.rate`",
        Some("did you mean `tariff.IN.rate`?".into()),
    );
    assert_eq!((d.line, d.col, d.span_len), (3, 9, 15));
    let want = "error[event[1].lever]: unknown lever `tarif.IN.rate`\n \
                --> scenarios/x.toml:3:9\n  |\n3 | lever = \"tarif.IN.rate\"\n  |         \
                ^^^^^^^^^^^^^^^\n  = help: did you mean `tariff.IN.rate`?";
    assert_eq!(d.to_string(), want);
}

#[test]
fn long_line_is_cut_to_a_window_around_the_column() {
    let mut text = "x".repeat(500_000);
    text.push_str("= oops");
    text.push_str(&"y".repeat(500_000));
    let src = Source::new("big.toml".into(), text, true);
    let d = src.diag(500_002..500_006, Some("k"), "bad", None);
    let shown = d.to_string();
    assert!(shown.len() < 1000, "{} bytes", shown.len());
    let lines: Vec<&str> = shown.lines().collect();
    let code = lines[3].strip_prefix("1 | ").unwrap();
    let caret = lines[4].strip_prefix("  | ").unwrap();
    assert!(code.starts_with('…') && code.ends_with('…'), "{code}");
    assert_eq!(code.chars().count(), SOURCE_WINDOW + 2);
    // The caret still sits under `oops`.
    let at = caret.find('^').unwrap();
    let under: String = code.chars().skip(at).take(4).collect();
    assert_eq!(under, "oops");
    assert_eq!(caret.trim_start(), "^^^^");
}

#[test]
fn window_at_line_ends_has_one_ellipsis() {
    let line = "a".repeat(1000);
    let (w, c) = window(&line, 0);
    assert_eq!((w.chars().count(), c), (SOURCE_WINDOW + 1, 0));
    assert!(w.ends_with('…') && !w.starts_with('…'));
    let (w, c) = window(&line, 999);
    assert!(w.starts_with('…') && !w.ends_with('…'));
    assert_eq!(w.chars().nth(c), Some('a'));
    assert_eq!(c, SOURCE_WINDOW);
    let short = "a = 1";
    assert_eq!(window(short, 4), (short.to_string(), 4));
}

#[test]
fn long_messages_and_keys_are_elided() {
    let key = "k".repeat(100_000);
    let d = Diagnostic::file_level(
        Path::new("x.toml"),
        Some(&key),
        format!("unknown key `{key}`"),
        Some(format!("did you mean `{key}`?")),
    );
    let shown = d.to_string();
    assert!(shown.len() < 4 * MAX_QUOTED, "{} bytes", shown.len());
    assert!(shown.contains("unknown key `kkk"));
    assert!(shown.contains("kkk`?"));
    assert_eq!(shown.matches('…').count(), 3);
    assert_eq!(elide("short", 10), "short");
    assert_eq!(elide("abcdefghij", 7).chars().count(), 7);
}

/// The straightforward O(n) window the excerpt replaced: the oracle.
fn window_naive(line: &str, col0: usize) -> (String, usize) {
    let n = line.chars().count();
    if n <= SOURCE_WINDOW {
        return (line.to_string(), col0);
    }
    let from = col0
        .saturating_sub(SOURCE_WINDOW / 3)
        .min(n - SOURCE_WINDOW);
    let to = from + SOURCE_WINDOW;
    let mut out = String::new();
    let mut col = col0 - from;
    if from > 0 {
        out.push('…');
        col += 1;
    }
    out.extend(line.chars().skip(from).take(to - from));
    if to < n {
        out.push('…');
    }
    (out, col)
}

/// Line and column by scanning the text from its start: the oracle for the index.
fn position_naive(text: &str, at: usize) -> (usize, usize) {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        text[..at].matches('\n').count() + 1,
        text[line_start..at].chars().count() + 1,
    )
}

proptest::proptest! {
    #[test]
    fn index_agrees_with_a_scan(
        parts in proptest::collection::vec("[a-z =\n\r\tü€😀]{0,40}", 0..80),
        picks in proptest::collection::vec(0usize..100_000, 1..20),
    ) {
        let text: String = parts.concat();
        let src = Source::new("x.toml".into(), text.clone(), true);
        for p in picks {
            let at = floor_char(&text, p % (text.len() + 1));
            let d = src.diag(at..at + 1, None, "m", None);
            proptest::prop_assert_eq!((d.line, d.col), position_naive(&text, at));
            let o = src.origin(at);
            proptest::prop_assert_eq!((o.line, o.col), (d.line, d.col));
        }
    }

    #[test]
    fn excerpt_agrees_with_the_naive_window(
        len in 0usize..400,
        col in 0usize..400,
        wide in proptest::bool::ANY,
    ) {
        let c = if wide { 'ü' } else { 'a' };
        let line: String = (0..len).map(|i| if i % 7 == 0 { 'x' } else { c }).collect();
        let col0 = col.min(len);
        proptest::prop_assert_eq!(window(&line, col0), window_naive(&line, col0));
    }
}

#[test]
fn index_handles_checkpoint_boundaries() {
    // Multi-byte characters straddling every 1024-byte checkpoint.
    let text = "€".repeat(3000) + "\n" + &"ü".repeat(2000);
    let src = Source::new("x.toml".into(), text.clone(), true);
    for at in [0, 1023, 1024, 1026, 3071, 9000, 9001, 9003, text.len()] {
        let at = floor_char(&text, at);
        let d = src.diag(at..at, None, "m", None);
        assert_eq!((d.line, d.col), position_naive(&text, at), "at {at}");
    }
}

#[test]
fn unquotable_sources_give_positions_only() {
    let src = Source::new("/proc/self/environ".into(), "SECRET=x\0y".into(), false);
    let d = src.diag(3..4, None, "TOML syntax error", None);
    assert_eq!((d.line, d.col, d.source_line.as_deref()), (1, 4, None));
    assert!(!d.to_string().contains("SECRET"), "{d}");
}

#[test]
fn columns_count_characters() {
    let src = Source::new("x.toml".into(), "note = \"ü\" x".into(), true);
    let d = src.diag(11..12, None, "m", None);
    assert_eq!((d.line, d.col), (1, 11));
}

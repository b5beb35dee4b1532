use super::*;

#[test]
fn numbers_accepted_and_refused() {
    for (s, v) in [
        ("0", 0.0),
        ("80.0000", 80.0),
        ("-12.5", -12.5),
        ("3", 3.0),
        ("1e20", 1e20),
        ("-1.5E-3", -0.0015),
        ("100000000000000000000.0000", 1e20),
    ] {
        assert_eq!(parse_plain_number(s), Some(v), "{s}");
    }
    for s in [
        "", "-", "inf", "NaN", "+1", ".5", "5.", "007", "1e", "1e+", "1,5", "1.5x", " 1", "0x10",
        "1e400",
    ] {
        assert_eq!(parse_plain_number(s), None, "{s:?}");
    }
}

#[test]
fn dates_accepted_and_refused() {
    assert_eq!(parse_iso_date("2025-08-01"), Some((2025, 8, 1)));
    assert_eq!(parse_iso_date("2028-02-29"), Some((2028, 2, 29)));
    for s in [
        "2025-13-01",
        "2025-02-30",
        "2025-8-01",
        "2025-08",
        "25-08-01",
        "2025/08/01",
        "1899-12-31",
        "2025-08-01T00",
    ] {
        assert_eq!(parse_iso_date(s), None, "{s}");
    }
}

#[test]
fn columns_typed_as_a_whole() {
    let csv = b"date,node,value,count,blank\n\
                2025-08-01,007,1.5000,3,\n\
                2025-09-01,deal,,4,\n";
    let rows = typed_rows("t", csv).unwrap();
    assert_eq!(rows[0][0], Cell::Text("date".into()));
    assert_eq!(
        rows[1][0],
        Cell::Date {
            year: 2025,
            month: 8,
            day: 1
        }
    );
    // One text cell makes the whole column text: `007` is not turned into 7.
    assert_eq!(rows[1][1], Cell::Text("007".into()));
    assert_eq!(
        rows[1][2],
        Cell::Number {
            value: 1.5,
            decimals: 4
        }
    );
    assert_eq!(rows[2][2], Cell::Empty);
    assert_eq!(
        rows[2][3],
        Cell::Number {
            value: 4.0,
            decimals: 0
        }
    );
    assert_eq!(rows[1][4], Cell::Empty);
}

#[test]
fn sheet_names_cleaned_and_unique() {
    assert_eq!(clean_sheet_name("a:b/c[d]"), "a_b_c_d_");
    assert_eq!(clean_sheet_name("'x'"), "_x_");
    assert_eq!(clean_sheet_name(""), "sheet");
    let long = "summit_pending=deal_and_a_very_long_outcome";
    assert_eq!(clean_sheet_name(long).chars().count(), MAX_SHEET_NAME);
    let mut b = Workbook::new();
    assert_eq!(b.add_csv("Summary", b"a\n1\n").unwrap(), "Summary");
    assert_eq!(b.add_csv("summary", b"a\n1\n").unwrap(), "summary~2");
    let n1 = b.add_csv(long, b"a\n1\n").unwrap();
    let n2 = b.add_csv(long, b"a\n1\n").unwrap();
    assert_ne!(n1, n2);
    assert!(n2.ends_with("~2") && n2.chars().count() == MAX_SHEET_NAME);
}

#[test]
fn limits_are_errors_not_panics() {
    let mut b = Workbook::new();
    let long = "x".repeat(MAX_CELL_CHARS + 1);
    let err = b
        .add_csv("t", format!("a\n{long}\n").as_bytes())
        .unwrap_err();
    assert!(matches!(err, XlsxError::CellTooLong { .. }), "{err}");
    let wide = vec![Cell::Empty; MAX_COLS + 1];
    let err = b.add_rows("w", vec![wide]).unwrap_err();
    assert!(
        err.to_string().contains("use the CSV file instead"),
        "{err}"
    );
    let err = b.add_csv("bad", b"a\n\xff\n").unwrap_err();
    assert!(matches!(err, XlsxError::BadCsv { .. }), "{err}");
    assert!(b.sheets().is_empty());
}

#[test]
fn same_sheets_same_bytes() {
    let build = || {
        let mut b = Workbook::new();
        b.add_csv("summary", b"date,x\n2025-08-01,1.0000\n")
            .unwrap();
        b.add_key_values(
            "manifest",
            vec![(
                "seed".into(),
                Cell::Number {
                    value: 42.0,
                    decimals: 0,
                },
            )],
        )
        .unwrap();
        b.to_bytes().unwrap()
    };
    let a = build();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(a, build(), "a second later, the same bytes");
    assert_eq!(&a[..2], b"PK");
}

/// A column shows as many places as its most precise value, at least 4: a `--prob` threshold
/// of `0.00001` must not read `0.0000` (it did).
#[test]
fn a_column_shows_its_most_precise_value() {
    assert_eq!(decimal_places("3"), 0);
    assert_eq!(decimal_places("1.5"), 4);
    assert_eq!(decimal_places("80.0000"), 4);
    assert_eq!(decimal_places("0.00001"), 5);
    assert_eq!(decimal_places("-1.25E-3"), 4);
    assert_eq!(decimal_places("0.12345678901234567890"), MAX_DECIMALS);
    let rows = typed_rows("p", b"threshold,share\n0.00001,0.5000\n2.5,1.0000\n").unwrap();
    for row in &rows[1..] {
        assert!(
            matches!(row[0], Cell::Number { decimals: 5, .. }),
            "{row:?}"
        );
        assert!(
            matches!(row[1], Cell::Number { decimals: 4, .. }),
            "{row:?}"
        );
    }
    let mut b = Workbook::new();
    b.add_csv("p", b"threshold\n0.00001\n").unwrap();
    assert!(b.to_bytes().is_ok());
}

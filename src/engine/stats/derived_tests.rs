use super::*;
use proptest::prelude::*;

fn vars() -> Vec<(String, String)> {
    [
        ("brent_usd_bbl", "USD/bbl"),
        ("flow_india_mbd", "mb/d"),
        ("russia_export_revenue_usd_bn", "USD bn/month"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

fn names() -> Vec<String> {
    vars().into_iter().map(|(n, _)| n).collect()
}

#[test]
fn parses_every_operator_and_suggests_names() {
    let n = names();
    let p = Probe::parse("flow_india_mbd < 1", &n).unwrap();
    assert_eq!((p.index, p.op, p.threshold), (1, Op::Lt, 1.0));
    assert_eq!(p.text, "flow_india_mbd<1");
    assert_eq!(Probe::parse("brent_usd_bbl>=90.5", &n).unwrap().op, Op::Ge);
    assert_eq!(
        Probe::parse("brent_usd_bbl<=-2", &n).unwrap().threshold,
        -2.0
    );
    assert_eq!(Probe::parse("brent_usd_bbl>90", &n).unwrap().op, Op::Gt);
    let e = Probe::parse("flow_indai_mbd<1", &n)
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean `flow_india_mbd`?"), "{e}");
    let e = Probe::parse("brent_usd_bbl=90", &n)
        .unwrap_err()
        .to_string();
    assert!(e.contains("<, <=, >, >="), "{e}");
    assert!(Probe::parse("brent_usd_bbl>x", &n).is_err());
    assert!(Probe::parse("brent_usd_bbl>inf", &n).is_err());
    assert!(Probe::parse("<3", &n).is_err());
    // An operator written backwards or doubled is named, with the fix where there is one.
    let e = Probe::parse("flow_india_mbd=<1.2", &n)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`=<` is not an operator (write `<=`)"), "{e}");
    let e = Probe::parse("brent_usd_bbl => 90", &n)
        .unwrap_err()
        .to_string();
    assert!(e.contains("(write `>=`)"), "{e}");
    let e = Probe::parse("brent_usd_bbl<>90", &n)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`<>` is not an operator;"), "{e}");
    // A threshold that underflows to 0 is refused; a written 0 is not.
    for t in ["1e-400", "0.5E-330"] {
        let e = Probe::parse(&format!("flow_india_mbd<{t}"), &n)
            .unwrap_err()
            .to_string();
        assert!(e.contains("too small to hold as a number"), "{e}");
    }
    for t in ["0", "0.0", "0e-400", "-0"] {
        let p = Probe::parse(&format!("flow_india_mbd<{t}"), &n).unwrap();
        assert_eq!(p.threshold, 0.0, "{t}");
    }
}

#[test]
fn periods_are_calendar_years_then_the_horizon() {
    // 2025-11 for 15 months: Nov–Dec 2025, all of 2026, Jan 2027.
    let l = Layout::new(2025 * 12 + 10, 15, &vars(), vec![]);
    let got: Vec<(&str, usize, usize)> = l
        .periods
        .iter()
        .map(|p| (p.label.as_str(), p.first, p.months))
        .collect();
    assert_eq!(
        got,
        [
            ("2025", 0, 2),
            ("2026", 2, 12),
            ("2027", 14, 1),
            ("horizon", 0, 15)
        ]
    );
    let units: Vec<&str> = l.totals.iter().map(|t| t.unit.as_str()).collect();
    assert_eq!(units, ["mb", "USD bn"]);
}

#[test]
fn totals_and_first_passage_by_hand() {
    let n = names();
    let probe = Probe::parse("flow_india_mbd<1", &n).unwrap();
    // 2025-12 for 3 months: Dec (31 d), Jan (31 d), Feb 2026 (28 d).
    let l = Layout::new(2025 * 12 + 11, 3, &vars(), vec![probe]);
    let monthly = [
        70.0,
        1.5,
        10.0, //
        60.0,
        0.5,
        8.0, //
        65.0,
        f64::NAN,
        9.0,
    ];
    let mut path = monthly.to_vec();
    path.resize(l.stride(), -1.0);
    l.fill(&mut path);
    let d = &path[9..];
    // periods 2025, 2026, horizon × (flow, revenue)
    assert_eq!(d[0], 1.5 * 31.0);
    assert_eq!(d[1], 10.0);
    assert!(
        d[2].is_nan(),
        "a non-finite month makes its period's total non-finite"
    );
    assert_eq!(d[3], 17.0);
    assert_eq!(d[5], 27.0);
    // then the averages of Brent (USD/bbl) per period, day-weighted (walkthrough 8 #4)
    let avg: Vec<&str> = l.averages.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(avg, ["brent_usd_bbl"]);
    assert_eq!(d[6], 70.0);
    assert_eq!(d[7], (60.0 * 31.0 + 65.0 * 28.0) / 59.0);
    assert_eq!(d[8], (70.0 * 31.0 + 60.0 * 31.0 + 65.0 * 28.0) / 90.0);
    // indicators: (now, ever, this year) per month
    let ind = &d[9..];
    assert_eq!(&ind[..6], &[0.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
    assert!(ind[6].is_nan());
    assert_eq!(ind[7], 1.0, "once past, always past");
    assert_eq!(ind[8], 1.0, "past in January: past this year in February");
}

#[test]
fn shares_come_back_exact_through_the_accumulator() {
    let n = names();
    let l = Layout::new(
        2026 * 12,
        2,
        &vars(),
        vec![Probe::parse("brent_usd_bbl>90", &n).unwrap()],
    );
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        let mut st = l.stats(mode);
        let mut k = 0;
        for i in 0..1001u32 {
            let b0 = f64::from(i % 7) * 20.0; // > 90 for i%7 in 5, 6
            let b1 = 80.0;
            let mut path = vec![b0, 1.0, 1.0, b1, 1.0, 1.0];
            path.resize(l.stride(), 0.0);
            l.fill(&mut path);
            k += u32::from(b0 > 90.0);
            st.push_path(&path);
        }
        let mut s = st.finish();
        let d = l.split(&mut s);
        assert_eq!(s.cells.len(), 6);
        let (now0, ever0, _) = d.prob(0, 0);
        let (now1, ever1, _) = d.prob(0, 1);
        assert_eq!(now0.p, f64::from(k) / 1001.0);
        assert_eq!(ever0.p, now0.p);
        assert_eq!(now1.p, 0.0);
        assert_eq!(ever1.p, now0.p);
        let se = (now0.p * (1.0 - now0.p) / 1001.0).sqrt();
        assert_eq!(ever1.se, se);
        // horizon total of revenue is 2 on every path
        let j = d.total_index("russia_export_revenue_usd_bn").unwrap();
        assert_eq!(d.total(d.periods.len() - 1, j).p50, 2.0);
    }
}

proptest! {
    /// The share read back from the moments is the exact count over n, whatever the order
    /// and chunking of the paths (Chan merges of 0/1 means round back to the integer).
    #[test]
    fn share_is_the_exact_count(bits in proptest::collection::vec(any::<bool>(), 1..3000), cut in 0usize..3000) {
        let l = Layout::new(2026 * 12, 1, &vars(), vec![Probe::parse("flow_india_mbd<1", &names()).unwrap()]);
        let cut = cut.min(bits.len());
        let mut a = l.stats(SummaryMode::Sketch);
        let mut b = l.stats(SummaryMode::Sketch);
        for (i, &x) in bits.iter().enumerate() {
            let mut path = vec![50.0, if x { 0.5 } else { 1.5 }, 1.0];
            path.resize(l.stride(), 0.0);
            l.fill(&mut path);
            if i < cut { a.push_path(&path) } else { b.push_path(&path) }
        }
        a.merge(b);
        let mut s = a.finish();
        let d = l.split(&mut s);
        let k = bits.iter().filter(|&&x| x).count();
        prop_assert_eq!(d.prob(0, 0).0.p, k as f64 / bits.len() as f64);
    }
}

/// Indicator cells keep moments only: the kept values of an exact-mode accumulator (and so
/// its memory and its partial) do not grow with the number of probes.
#[test]
fn indicators_keep_no_values() {
    let n = names();
    let bare = Layout::new(2026 * 12, 12, &vars(), vec![]);
    let probes: Vec<Probe> = ["brent_usd_bbl>90", "flow_india_mbd<1", "flow_india_mbd<=2"]
        .iter()
        .map(|e| Probe::parse(e, &n).unwrap())
        .collect();
    let with = Layout::new(2026 * 12, 12, &vars(), probes);
    let bytes = |l: &Layout| {
        let mut st = l.stats(SummaryMode::Exact);
        for i in 0..500 {
            let mut path: Vec<f64> = (0..12 * 3).map(|k| f64::from(i * 7 + k) % 5.0).collect();
            path.resize(l.stride(), 0.0);
            l.fill(&mut path);
            st.push_path(&path);
        }
        let mut w = super::super::codec::Writer::default();
        st.encode_order(&mut w);
        w.buf.len()
    };
    assert_eq!(bytes(&bare), bytes(&with));
}

#[test]
fn repeats_are_dropped_by_value_keeping_the_first_spelling() {
    let n = names();
    let texts: Vec<String> = [
        "brent_usd_bbl<80",
        "brent_usd_bbl < 80",
        "brent_usd_bbl<80.0",
        "brent_usd_bbl<8e1",
        "brent_usd_bbl<=80",
        "brent_usd_bbl<80.5",
        "flow_india_mbd<80",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let p = parse_probes(&texts, &n).unwrap();
    let kept: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        kept,
        [
            "brent_usd_bbl<80",
            "brent_usd_bbl<=80",
            "brent_usd_bbl<80.5",
            "flow_india_mbd<80"
        ]
    );
    let d = duplicate_probes(&texts, &n);
    let d: Vec<(&str, &str)> = d.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(
        d,
        [
            ("brent_usd_bbl < 80", "brent_usd_bbl<80"),
            ("brent_usd_bbl<80.0", "brent_usd_bbl<80"),
            ("brent_usd_bbl<8e1", "brent_usd_bbl<80"),
        ]
    );
    // Distinct small thresholds stay distinct.
    let texts = vec![
        "brent_usd_bbl>0.00001".to_string(),
        "brent_usd_bbl>0.00004".into(),
    ];
    assert_eq!(parse_probes(&texts, &n).unwrap().len(), 2);
    assert!(duplicate_probes(&texts, &n).is_empty());
}

/// *This year* restarts in January: a path past the threshold only in December 2025 counts in
/// 2025's rows and not in 2026's, while *ever* keeps it (D145).
#[test]
fn this_year_restarts_in_january() {
    let probe = Probe::parse("flow_india_mbd<1", &names()).unwrap();
    let start = 2025 * 12 + 10; // 2025-11
    let l = Layout::new(start, 4, &vars(), vec![probe]);
    let mut st = l.stats(SummaryMode::Exact);
    // Path A: below 1 in Dec 2025 only. Path B: below 1 in Feb 2026 only.
    for india in [[1.5, 0.5, 1.5, 1.5], [1.5, 1.5, 1.5, 0.5]] {
        let mut path = Vec::new();
        for x in india {
            path.extend([50.0, x, 1.0]);
        }
        path.resize(l.stride(), 0.0);
        l.fill(&mut path);
        st.push_path(&path);
    }
    let mut s = st.finish();
    let d = l.split(&mut s);
    let year: Vec<f64> = (0..4).map(|t| d.prob(0, t).2.p).collect();
    let ever: Vec<f64> = (0..4).map(|t| d.prob(0, t).1.p).collect();
    assert_eq!(year, vec![0.0, 0.5, 0.0, 0.5]);
    assert_eq!(ever, vec![0.0, 0.5, 0.5, 1.0]);
}

/// `… for N months` (walkthrough 9 #3): every spelling gives one canonical text and the streak;
/// `for 1` is the plain threshold; a name holding "for" is not a streak.
#[test]
fn streak_probes_parse_in_every_spelling() {
    let mut n = names();
    n.push("cap_eu_in_force_usd_bbl".into());
    for t in [
        "flow_india_mbd<1 for 3 months",
        "flow_india_mbd < 1 for 3",
        "flow_india_mbd<1_for_3_months",
        "flow_india_mbd<1 for 3 month",
    ] {
        let p = Probe::parse(t, &n).unwrap();
        assert_eq!(
            (p.text.as_str(), p.run),
            ("flow_india_mbd<1_for_3_months", 3)
        );
        assert_eq!((p.index, p.op, p.threshold), (1, Op::Lt, 1.0));
    }
    let one = Probe::parse("flow_india_mbd<1 for 1 month", &n).unwrap();
    assert!(one.same_as(&Probe::parse("flow_india_mbd<1", &n).unwrap()));
    assert_eq!(one.text, "flow_india_mbd<1");
    let p = Probe::parse("cap_eu_in_force_usd_bbl<50", &n).unwrap();
    assert_eq!((p.run, p.threshold), (1, 50.0));
    assert!(!Probe::parse("flow_india_mbd<1 for 2", &n)
        .unwrap()
        .same_as(&Probe::parse("flow_india_mbd<1 for 3", &n).unwrap()));
    for bad in [
        "flow_india_mbd<1 for three",
        "flow_india_mbd<1 for 0 months",
        "flow_india_mbd<1 for 1201",
        "flow_india_mbd<1 for",
        "flow_india_mbd<1 for 2.5",
    ] {
        let e = Probe::parse(bad, &n).unwrap_err().to_string();
        assert!(
            e.contains("whole number of months") && e.contains("'flow_india_mbd<1 for 3 months'"),
            "{bad}: {e}"
        );
    }
}

/// A streak probe holds *now* when the months in a row past the threshold, up to this one,
/// reach N; a non-finite month or a month not past breaks the streak; *ever* and *this year*
/// follow *now* as for a plain probe.
#[test]
fn streak_indicators_by_hand() {
    let probe = Probe::parse("flow_india_mbd<1 for 3", &names()).unwrap();
    let start = 2025 * 12 + 9; // 2025-10
    let india = [0.5, 0.5, 2.0, 0.5, 0.5, 0.5, 0.5, f64::NAN, 0.5, 0.5];
    let l = Layout::new(start, india.len(), &vars(), vec![probe]);
    let mut path = Vec::new();
    for x in india {
        path.extend([50.0, x, 1.0]);
    }
    path.resize(l.stride(), 0.0);
    l.fill(&mut path);
    let ind = &path[path.len() - 3 * india.len()..];
    let now: Vec<f64> = (0..india.len()).map(|t| ind[3 * t]).collect();
    let ever: Vec<f64> = (0..india.len()).map(|t| ind[3 * t + 1]).collect();
    let year: Vec<f64> = (0..india.len()).map(|t| ind[3 * t + 2]).collect();
    // Oct Nov Dec | Jan Feb Mar Apr May Jun Jul (2026)
    assert_eq!(&now[..7], &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]);
    assert!(now[7].is_nan());
    assert_eq!(&now[8..], &[0.0, 0.0], "NaN in May breaks the streak");
    assert_eq!(ever, vec![0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    assert_eq!(&year[..3], &[0.0, 0.0, 0.0]);
    assert_eq!(&year[5..], &[1.0, 1.0, 1.0, 1.0, 1.0]);
}

/// Walkthrough 10 #13 and #15: a `--period` window equal to a calendar year holds the year's
/// cells bit for bit, and a period probe's share is the count of paths past its threshold.
#[test]
fn a_window_of_a_year_has_the_years_cells_and_period_probes_count_paths() {
    use super::super::period_spec::window;
    let start = 2025 * 12 + 10; // 2025-11
    let months = 16; // to 2027-02
    let windows = vec![window("2026-01..2026-12", start, months).unwrap()];
    let texts = [
        "total(flow_india_mbd, 2026) > 560",
        "mean(brent_usd_bbl, 2026-01..2026-12) <= 80",
    ]
    .map(String::from);
    let probes = parse_probe_set(&texts, &vars(), start, months).unwrap();
    let l = Layout::of(start, months, &vars(), probes, windows);
    let labels: Vec<&str> = l.periods.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(
        labels,
        ["2025", "2026", "2027", "horizon", "2026-01..2026-12"]
    );
    assert_eq!(l.windows().count(), 1);
    assert_eq!(l.tail(), 2, "one moment-only cell per period probe");
    let mut st = l.stats(SummaryMode::Exact);
    let mut want = [0u64; 2];
    for k in 0..50 {
        let f = 1.0 + 0.02 * k as f64;
        let mut path = Vec::new();
        let mut brent = Vec::new();
        for t in 0..months {
            let b = 60.0 + k as f64 * 0.7 + (t % 5) as f64;
            path.extend([b, f + 0.001 * t as f64, 7.0 + 0.1 * k as f64]);
            if (2..14).contains(&t) {
                brent.push((b, days_in_month(start + t as MonthIdx) as f64));
            }
        }
        let total: f64 = (2..14)
            .map(|t| (f + 0.001 * t as f64) * days_in_month(start + t as MonthIdx) as f64)
            .sum();
        let mean = brent.iter().map(|(b, d)| b * d).sum::<f64>() / 365.0;
        want[0] += u64::from(total > 560.0);
        want[1] += u64::from(mean <= 80.0);
        path.resize(l.stride(), 0.0);
        l.fill(&mut path);
        st.push_path(&path);
    }
    assert!(want.iter().all(|&w| w > 0 && w < 50), "{want:?}");
    let mut s = st.finish();
    let d = l.split(&mut s);
    for j in 0..d.totals.len() {
        assert_eq!(d.total(1, j), d.total(4, j), "{}", d.totals[j].name);
    }
    for j in 0..d.averages.len() {
        assert_eq!(d.average(1, j), d.average(4, j), "{}", d.averages[j].name);
    }
    for (k, w) in want.iter().enumerate() {
        assert_eq!(d.period_probs[k].n, 50);
        assert_eq!(
            d.period_probs[k].p,
            *w as f64 / 50.0,
            "{}",
            d.period_probes[k].text
        );
    }
}

//! `report.html` in headless Chromium (Debian's `chromium`, installed by `.ci/run`): the page
//! loads with no console message, refers to nothing outside itself, every chart renders (a
//! screenshot with the charts stacked at a fixed size, each band checked for drawn pixels),
//! and every number in its tables equals the CSV cell it names. Skipped, with a message, when
//! Chromium is not installed.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const W: u32 = 600;
const H: u32 = 350;

fn chromium() -> Option<PathBuf> {
    let names = ["chromium", "chromium-browser", "google-chrome"];
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(names.iter().map(PathBuf::from))
        .find(|p| {
            std::process::Command::new(p)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

/// Headless Chromium as root on a machine without network: without these flags it stalls
/// (sandbox, GPU, QUIC and background fetches).
fn browse(bin: &Path, profile: &Path, args: &[String]) -> (String, String) {
    let out = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Console messages (`console.*`, uncaught errors) that Chromium logged.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split('"').next()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `(file, key, col, text)` of every table cell that names its CSV source.
fn sourced_cells(dom: &str) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for part in dom.split("<td").skip(1) {
        let Some((tag, rest)) = part.split_once('>') else {
            continue;
        };
        let (Some(f), Some(k), Some(c)) = (
            attr(tag, "data-file"),
            attr(tag, "data-key"),
            attr(tag, "data-col"),
        ) else {
            continue;
        };
        let text = rest.split("</td>").next().unwrap_or("");
        out.push((unescape(f), unescape(k), unescape(c), unescape(text)));
    }
    out
}

/// The CSV cell `col` of the row whose columns equal `key` (`a=1;b=2`).
fn csv_cell(dir: &Path, file: &str, key: &str, col: &str) -> String {
    let mut r = csv::Reader::from_path(dir.join(file)).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let pos = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("{file}: no column {n}"))
    };
    let want: Vec<(usize, &str)> = key
        .split(';')
        .map(|kv| kv.split_once('=').unwrap())
        .map(|(k, v)| (pos(k), v))
        .collect();
    let c = pos(col);
    for rec in r.records() {
        let rec = rec.unwrap();
        if want.iter().all(|(i, v)| &rec[*i] == *v) {
            return rec[c].to_string();
        }
    }
    panic!("{file}: no row {key}")
}

/// Share of pixels in rows `y0..y1` that are not white, and their number of distinct colours.
fn ink(img: &[u8], width: u32, y0: u32, y1: u32) -> (f64, usize) {
    let mut colours = std::collections::HashSet::new();
    let (mut n, mut total) = (0u64, 0u64);
    for y in y0..y1 {
        for x in 0..width {
            let i = ((y * width + x) * 4) as usize;
            let px = [img[i], img[i + 1], img[i + 2]];
            total += 1;
            if px.iter().any(|&v| v < 235) {
                n += 1;
                colours.insert(px);
            }
        }
    }
    (n as f64 / total.max(1) as f64, colours.len())
}

fn screenshot_rgba(path: &Path) -> (Vec<u8>, u32, u32) {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => buf[..info.buffer_size()].to_vec(),
        png::ColorType::Rgb => buf[..info.buffer_size()]
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    (rgba, info.width, info.height)
}

/// Loads `dir/report.html` and checks it; returns the number of checked numbers and charts.
fn check_report(bin: &Path, dir: &Path, tmp: &Path) -> (usize, usize) {
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "no script");
    for bad in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(bad), "refers outside itself: {bad}");
    }
    let url = format!("file://{}", dir.join("report.html").display());
    let (dom, err) = browse(bin, &tmp.join("p1"), &["--dump-dom".into(), url]);
    assert!(
        console_lines(&err).is_empty(),
        "console: {:?}",
        console_lines(&err)
    );
    assert!(
        dom.contains("</table>"),
        "the page rendered: {}",
        &dom[..dom.len().min(300)]
    );
    let cells = sourced_cells(&dom);
    for (f, k, c, text) in &cells {
        assert_eq!(text, &csv_cell(dir, f, k, c), "{f} [{k}] {c}");
    }
    assert!(
        cells.iter().filter(|c| !c.3.is_empty()).count() > 20,
        "{} numbers",
        cells.len()
    );

    // Every chart alone at a fixed size, stacked, plus an empty control figure last.
    let charts = html.matches("<figure class=\"chart\"").count();
    assert!(charts > 0);
    let style = format!(
        "<style>body{{margin:0!important;padding:0!important;max-width:none!important}}\
         body>*{{display:none!important}}\
         body>figure.chart{{display:block!important;margin:0!important;width:{W}px!important;\
         height:{H}px!important;overflow:hidden}}\
         figure.chart svg{{width:{W}px!important;height:{H}px!important}}</style>"
    );
    let variant = html.replace("</head>", &format!("{style}</head>")).replace(
        "</body>",
        "<figure class=\"chart\" id=\"control\"><svg></svg></figure></body>",
    );
    let file = tmp.join("charts.html");
    std::fs::write(&file, variant).unwrap();
    let shot = tmp.join("charts.png");
    let n = charts as u32 + 1;
    browse(
        bin,
        &tmp.join("p2"),
        &[
            format!("--screenshot={}", shot.display()),
            format!("--window-size={W},{}", n * H),
            format!("file://{}", file.display()),
        ],
    );
    let (img, w, h) = screenshot_rgba(&shot);
    assert!(w >= W && h >= n * H, "screenshot {w}x{h}");
    for k in 0..charts as u32 {
        let (share, colours) = ink(&img, w, k * H, (k + 1) * H);
        assert!(
            share > 0.02 && colours > 3,
            "chart {} blank: {share} ink, {colours} colours",
            k + 1
        );
    }
    let (share, _) = ink(&img, w, (n - 1) * H, n * H);
    assert!(
        share < 0.001,
        "the empty control figure must read as blank ({share})"
    );
    (cells.len(), charts)
}

fn sim() -> Command {
    Command::cargo_bin("sanctions-sim").unwrap()
}

#[test]
fn reports_load_render_and_match_their_csv_files() {
    let Some(bin) = chromium() else {
        println!("skipped: chromium not installed (apt-get install -y chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sim()
        .args([
            "run",
            "scenarios/summit_uncertain.toml",
            "--quiet",
            "--paths",
            "400",
        ])
        .args([
            "--months",
            "13",
            "--no-charts",
            "--prob",
            "flow_india_mbd<1",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let run_dir = out.join("summit_uncertain");
    let (n, c) = check_report(&bin, &run_dir, &tmp.path().join("a"));
    let html = std::fs::read_to_string(run_dir.join("report.html")).unwrap();
    assert!(html.contains("Event tree outcomes") && html.contains("Probabilities"));
    println!("run report: {n} numbers, {c} charts");

    sim()
        .args([
            "compare",
            "scenarios/summit_failure.toml",
            "scenarios/china_sanctions.toml",
        ])
        .args([
            "--quiet",
            "--paths",
            "300",
            "--months",
            "13",
            "--prob",
            "brent_usd_bbl>90",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let dir = out.join("compare_summit_failure_vs_china_sanctions");
    let (n, c) = check_report(&bin, &dir, &tmp.path().join("b"));
    println!("compare report: {n} numbers, {c} charts");

    // --no-report writes none.
    sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--quiet",
            "--paths",
            "50",
            "--months",
            "2",
        ])
        .args(["--no-report", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("baseline/report.html").exists());
}

#[test]
fn the_console_check_catches_errors() {
    let Some(bin) = chromium() else {
        println!("skipped: chromium not installed");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bad.html");
    std::fs::write(
        &f,
        "<!DOCTYPE html><html><body><script>nope()</script></body></html>",
    )
    .unwrap();
    let (_, err) = browse(
        &bin,
        &tmp.path().join("p"),
        &["--dump-dom".into(), format!("file://{}", f.display())],
    );
    assert!(!console_lines(&err).is_empty(), "{err}");
}

/// The rows (cells as text) of each table between `<h2>Policy calendar</h2>` and the next
/// heading: the dated events first, then, for a scenario with trees, its nodes and actions.
fn calendar_tables(html: &str) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
    let at = html
        .find("<h2>Policy calendar</h2>")
        .expect("a Policy calendar section");
    let section = &html[at + 4..];
    let section = &section[..section.find("<h2>").unwrap_or(section.len())];
    let cells = |row: &str, tag: &str| -> Vec<String> {
        row.split(&format!("<{tag}"))
            .skip(1)
            .filter(|c| c.starts_with(['>', ' ']))
            .map(|c| {
                let c = c.split_once('>').unwrap().1;
                unescape(c.split(&format!("</{tag}>")).next().unwrap())
            })
            .collect()
    };
    section
        .split("<table>")
        .skip(1)
        .map(|t| {
            let head = cells(t.split("</thead>").next().unwrap(), "th");
            let body = t.split("<tbody>").nth(1).unwrap_or("");
            let rows = body.split("<tr>").skip(1).map(|r| cells(r, "td")).collect();
            (head, rows)
        })
        .collect()
}

/// The row of `table` whose columns `cols` hold `want`.
fn row_with<'a>(
    (head, rows): &'a (Vec<String>, Vec<Vec<String>>),
    want: &[(&str, &str)],
) -> Option<&'a Vec<String>> {
    let idx: Vec<(usize, &str)> = want
        .iter()
        .map(|(c, v)| (head.iter().position(|h| h == c).unwrap(), *v))
        .collect();
    rows.iter().find(|r| idx.iter().all(|(i, v)| r[*i] == *v))
}

#[test]
fn the_policy_calendar_reads_as_the_scenario_files_write_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut html = std::collections::BTreeMap::new();
    for name in ["summit_success", "summit_failure", "summit_uncertain"] {
        sim()
            .args(["run", &format!("scenarios/{name}.toml"), "--quiet"])
            .args(["--paths", "50", "--months", "6", "--no-charts", "--out"])
            .arg(&out)
            .assert()
            .success();
        let page = std::fs::read_to_string(out.join(name).join("report.html")).unwrap();
        html.insert(name, page);
    }
    let mut tables = std::collections::BTreeMap::new();
    for (name, page) in &html {
        let at = page.find("<h2>Policy calendar</h2>").unwrap();
        let section = &page[at + 4..];
        let section = &section[..section.find("<h2>").unwrap_or(section.len())];
        // Never Rust's Debug form, nor the internal sentinel of a `none` cap.
        for bad in [
            "Const(",
            "Some(",
            "None",
            "Number(",
            "Wave {",
            "Batch {",
            "1000000000",
        ] {
            assert!(!section.contains(bad), "{name}: calendar shows {bad}");
        }
        let t = calendar_tables(page);
        let (head, rows) = &t[0];
        assert_eq!(
            head,
            &[
                "scenario",
                "date",
                "lever",
                "action",
                "value",
                "probability",
                "lag"
            ]
        );
        assert!(!rows.is_empty(), "{name}: no events");
        // By date, stably (a child's events are no longer listed after the parent's later ones).
        let dates: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
        assert!(
            dates.windows(2).all(|w| w[0] <= w[1]),
            "{name}: rows not in date order: {dates:?}"
        );
        // The baseline's dynamic cap review, by the enum's name.
        let mode = row_with(&t[0], &[("lever", "cap.eu_mode"), ("date", "2025-09-03")]);
        assert_eq!(mode.map(|r| r[4].as_str()), Some("\"dynamic\""), "{name}");
        tables.insert(*name, t);
    }

    // summit_success: the delisting's lag and the EU's `none` cap with its probability and lag.
    let s = &tables["summit_success"];
    let delist = row_with(&s[0], &[("lever", "sdn.share"), ("date", "2025-08-15")]).unwrap();
    assert_eq!(delist[3..], ["set", "0", "1", "poisson(2) months"]);
    let cap = row_with(&s[0], &[("lever", "cap.eu_usd"), ("date", "2025-08-15")]).unwrap();
    assert_eq!(
        cap[3..],
        ["set", "none", "0.25", "uniform(1.5, 12.49) months"]
    );
    assert_eq!(s.len(), 1, "no tree tables without trees");

    // summit_failure: the US wave and tanker batch as the file writes them.
    let f = &tables["summit_failure"];
    let wave = row_with(&f[0], &[("lever", "sdn.wave")]).unwrap();
    assert!(
        wave[4].starts_with("{ add_share = uniform(") && wave[4].contains("authority = \"us\""),
        "{wave:?}"
    );
    let batch = row_with(&f[0], &[("lever", "fleet.designation.batch")]).unwrap();
    assert!(batch[4].starts_with("{ share = "), "{batch:?}");

    // summit_uncertain: the tree's nodes, exits and actions.
    let u = &tables["summit_uncertain"];
    assert_eq!(u.len(), 3, "events, tree nodes, tree actions");
    assert_eq!(u[1].0, ["scenario", "tree", "node", "entered", "exits"]);
    let pending = row_with(&u[1], &[("node", "summit_pending")]).unwrap();
    assert_eq!(pending[3], "from status_quo at 2025-08-15");
    assert_eq!(
        pending[4],
        "after 1 + poisson(1) months -> deal (tri(0.15, 0.35, 0.6)) | fail (rest)"
    );
    let deal = row_with(&u[2], &[("node", "deal"), ("lever", "sdn.share")]).unwrap();
    assert_eq!(
        deal[4..],
        [
            "set",
            "0",
            "1",
            "poisson(2) months",
            "withdrawn on entering unravel first"
        ]
    );
    let eu = row_with(&u[2], &[("node", "eu_follows"), ("lever", "cap.eu_usd")]).unwrap();
    assert_eq!(eu[5], "none");
    let china = row_with(
        &u[2],
        &[("node", "escalation_china"), ("lever", "tariff.CN.rate")],
    )
    .unwrap();
    assert_eq!(china[5], "1");
    let wave = row_with(&u[2], &[("node", "escalation_us"), ("lever", "sdn.wave")]).unwrap();
    assert_eq!(
        wave[5],
        "{ add_share = uniform(0.4, 0.5), wind_down_months = 1, authority = \"us\", \
         sellers = \"rosneft_lukoil\" }"
    );
}

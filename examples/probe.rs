use sanctions_sim::engine::run::{run, RunOptions};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let sc = match sanctions_sim::scenario::load(std::path::Path::new(&path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1)
        }
    };
    let mut o = RunOptions::from_scenario(&sc);
    o.paths = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(2000);
    let r = run(&sc, &o, &|_| {}).unwrap();
    println!(
        "{} paths {:.2}s {:.0} pm/s {:?}",
        r.paths,
        r.wall_seconds,
        r.path_months_per_second(),
        r.diagnostics
    );
    for t in [0usize, 1, 2, 6, 11, 23, 35] {
        if t >= r.months {
            continue;
        }
        let names = [
            "brent_usd_bbl",
            "urals_discount_usd_bbl",
            "espo_discount_usd_bbl",
            "flow_india_mbd",
            "flow_china_sea_mbd",
            "flow_china_pipeline_mbd",
            "flow_turkey_mbd",
            "russia_crude_exports_mbd",
            "russia_export_revenue_usd_bn",
            "russia_withheld_mbd",
            "russia_shutin_mbd",
            "shadow_fleet_share",
            "india_halted_share",
            "china_halted_share",
            "cap_tranche_refused_share",
            "freight_w_in_usd_bbl",
            "sdn_share",
        ];
        let s: Vec<String> = names
            .iter()
            .map(|n| {
                format!(
                    "{}={:.2}",
                    &n[..n.len().min(14)],
                    if n.ends_with("share") && n.contains("halted") || n.contains("refused") {
                        r.mean(n, t)
                    } else {
                        r.p50(n, t)
                    }
                )
            })
            .collect();
        println!("t{t:2} {}", s.join(" "));
    }
}

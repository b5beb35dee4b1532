use sanctions_sim::engine::path::PathSim;
fn main() {
    let sc =
        sanctions_sim::scenario::load(std::path::Path::new("scenarios/baseline.toml")).unwrap();
    for t_target in [0usize, 1, 2, 5, 11] {
        let (mut over, mut fleet, mut floor, mut tot, mut refused, mut zeta_n, mut bound_n) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let n = 2000;
        for path in 0..n {
            let mut sim = PathSim::new(&sc, 1, path);
            for _ in 0..=t_target {
                sim.step_month();
            }
            let o = &sim.work.out;
            let w = &sim.work;
            let xb: f64 = w.x_basin.iter().sum();
            let xd: f64 = w.x_del.iter().sum();
            let sold: f64 = o.sold.iter().sum();
            over += o.port_overflow;
            fleet += xb - xd;
            floor += xd - sold;
            tot += o.withheld;
            if o.refused {
                refused += 1.0
            }
            if xd < xb - 1e-9 {
                zeta_n += 1.0
            }
            if o.floor_bound.iter().any(|b| *b) {
                bound_n += 1.0
            }
        }
        let n = n as f64;
        println!("t{t_target}: withheld {:.4} = overflow {:.4} + fleet {:.4} + floor {:.4}; refused {:.3} zeta<1 {:.3} floor-bound {:.3}", tot/n, over/n, fleet/n, floor/n, refused/n, zeta_n/n, bound_n/n);
    }
}

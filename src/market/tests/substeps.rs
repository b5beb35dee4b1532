//! One test per sub-step of the month, each on the hand-built path of [`super::path`]: the
//! sub-step's own equations (model.md §4.2–§4.11) checked on chosen inputs, and the whole step
//! checked against the identities of model.md §9.1.

use super::{close, path};
use crate::market::accounting::realised_netback;
use crate::market::exogenous::exogenous_step;
use crate::market::invariants::{check, Before};
use crate::market::model::{StanceDraw, DT};
use crate::market::stance::{
    snapback_threat_share, stance_step, stance_target, SNAPBACK_HORIZON_MONTHS,
};
use crate::market::step::step;
use crate::market::work::Batch;

#[test]
fn exogenous_step_follows_its_equations() {
    // (χ₀, π₀, jump) with zero normals: χ decays, ξ drifts, π decays and jumps (§4.2.1–2).
    for (chi0, pi0, jump) in [
        (0.0, 0.0, 0.0),
        (0.3, 0.0, 0.0),
        (-0.2, 0.1, 0.05),
        (0.1, 0.4, 0.0),
    ] {
        let mut t = path();
        t.st.chi = chi0;
        t.st.pi = pi0;
        let xi0 = t.st.xi;
        let p = t.m.p.clone();
        let exo = exogenous_step(&t.m, &mut t.st, &t.sh, jump);
        let what = format!("χ₀ = {chi0}, π₀ = {pi0}, jump = {jump}");
        close(t.st.chi, chi0 * (-p.kappa * DT).exp(), 1e-15, &what);
        let lr = p.p_long_run.ln();
        close(
            t.st.xi,
            xi0 + (p.mu_xi - p.kappa_xi * (xi0 - lr)) * DT,
            1e-15,
            &what,
        );
        close(t.st.pi, pi0 * (-1.0 / p.tau_pi).exp() + jump, 1e-15, &what);
        close(exo.anchor, t.st.chi + t.st.xi + t.st.pi, 1e-15, &what);
        assert_eq!((exo.outage, t.st.regime), (0.0, 0), "{what}");
    }
    // Outages (§4.2.3): an arrival of class c with size draw u₁ is OUTAGE_SIZES[c]·(0.75 +
    // 0.5u₁), net of the SPR offset for its first months; a Gulf one also counts in J^gulf.
    for (class, u_size, gulf) in [(0, 0.0, true), (1, 0.5, false), (2, 1.0, true)] {
        let mut t = path();
        t.sh.u_outage[class] = [0.0, u_size, if gulf { 0.0 } else { 1.0 }, 1.0];
        let p = t.m.p.clone();
        let exo = exogenous_step(&t.m, &mut t.st, &t.sh, 0.0);
        let size = [1.0, 3.0, 6.0][class] * (0.75 + 0.5 * u_size) * p.outage_scale;
        let what = format!("outage class {class}");
        close(exo.outage, size * (1.0 - p.spr_offset), 1e-15, &what);
        close(
            exo.gulf_outage,
            if gulf { exo.outage } else { 0.0 },
            0.0,
            &what,
        );
    }
    // A regime draw below p_ct switches to the turbulent regime before χ moves.
    let mut t = path();
    t.sh.u_regime = 0.0;
    exogenous_step(&t.m, &mut t.st, &t.sh, 0.0);
    assert_eq!(t.st.regime, 1);
}

#[test]
fn stance_hazards_and_step() {
    let sd = StanceDraw {
        welfare_loss: 0.3,
        political_value_bn: 4.0,
        noise_bn: 1.5,
        base_hazard: 0.5,
        halt_depth: 0.8,
        snapback_threshold_share: 0.5,
    };
    let lam = |z: f64| 1.0 / (1.0 + (-z).exp());
    // (T, X^exp, C, Sav^full) → θ^halt (Λ((λ T X^exp + C − Sav − V^pol)/σ) − Λ⁰)/(1 − Λ⁰) with
    // Λ⁰ = Λ((−Sav − V^pol)/σ), and 0 without T or C (§4.3, D38, D167).
    for (t, x, c, sav) in [
        (0.5, 58.0, 0.0, 3.0),
        (0.25, 58.0, 0.0, 2.0),
        (0.0, 58.0, 5.0, 1.0),
        (1.0, 440.0, 0.0, 20.0),
    ] {
        let l0 = lam((-sav - 4.0) / 1.5);
        let want = 0.8 * (lam((0.3 * t * x + c - sav - 4.0) / 1.5) - l0) / (1.0 - l0);
        close(stance_target(&sd, t, x, c, sav), want, 1e-12, "target");
    }
    assert_eq!(stance_target(&sd, 0.0, 58.0, 0.0, 3.0), 0.0);
    // D167: continuous at a vanishing tariff or carrot, and increasing in both.
    assert!(stance_target(&sd, 1e-9, 58.0, 0.0, 3.0) < 1e-9);
    assert!(stance_target(&sd, 0.0, 58.0, 1e-9, 3.0) < 1e-9);
    let mut prev = 0.0;
    for k in 1..50 {
        let v = stance_target(&sd, 0.02 * k as f64, 58.0, 0.1 * k as f64, 3.0);
        assert!(v >= prev && v <= 0.8, "{k}: {v} after {prev}");
        prev = v;
    }

    // The step: the cut moves h̄ = 0.5 of the way to its target, from t−1 savings at full
    // intake; the tariff counts from its first full month.
    let india = 0;
    let mut t = path();
    t.lv.set(t.ids.tariff_rate[india], 0.5);
    let x = t.lv.get(t.ids.tariff_exposed_exports_bn[india]);
    let sav = crate::market::stance::savings_bn_yr(&t.m, &t.st, india);
    let sd_in = t.m.stance(india).unwrap().clone();
    let target = stance_target(&sd_in, 0.5, x, 0.0, sav);
    assert!(target > 0.0 && target < sd_in.halt_depth, "{target}");
    stance_step(&t.m, &mut t.st, &t.lv, &t.ids, &t.sh);
    let s = t.st.stance[india];
    close(
        s.cut,
        sd_in.base_hazard * target,
        1e-12,
        "first month's cut",
    );
    // Iterated at fixed t−1 outcomes the cut converges to the target; the US suspends the
    // tariff only if that is at least half of the maximal depth.
    for _ in 0..200 {
        stance_step(&t.m, &mut t.st, &t.lv, &t.ids, &t.sh);
    }
    // Once suspended, the buyer weighs only the snapback threat: the share of the coming year
    // a snapback would put it under T^snap (D276; no draw can fire a snapback on these shocks).
    let s = t.st.stance[india];
    let suspended = target >= 0.5 * sd_in.halt_depth;
    assert_eq!(s.suspended, suspended);
    let p_snap = t.lv.get(t.ids.tariff_snapback_prob[india]);
    let threat = snapback_threat_share(p_snap, SNAPBACK_HORIZON_MONTHS);
    let t_weighed = if suspended { threat * 0.5 } else { 0.5 };
    let settled = stance_target(&sd_in, t_weighed, x, 0.0, sav);
    close(s.cut, settled, 1e-9, "converged cut");
    assert_eq!(s.halted, settled >= 0.5 * sd_in.halt_depth);
    // `stance.IN.force = halt` cuts the full depth and suspends the tariff at its rate; `buy`
    // resumes at once.
    let mut t = path();
    t.lv.set(t.ids.tariff_rate[india], 0.5);
    t.lv.set(t.ids.stance_force[india], 2.0);
    stance_step(&t.m, &mut t.st, &t.lv, &t.ids, &t.sh);
    let s = t.st.stance[india];
    assert!(s.halted && s.suspended);
    close(s.cut, sd_in.halt_depth, 0.0, "forced halt cuts θ");
    close(s.snap_rate, 0.5, 0.0, "snapback rate = rate at halt");
    t.lv.set(t.ids.stance_force[india], 1.0);
    stance_step(&t.m, &mut t.st, &t.lv, &t.ids, &t.sh);
    assert!(!t.st.stance[india].halted);
    assert_eq!(t.st.stance[india].cut, 0.0);
    // A buyer without a stance table never cuts.
    assert_eq!(t.st.stance[1].cut, 0.0);
}

#[test]
fn fleet_splits_the_capped_tranche() {
    // (shadow fleet as a share of the 2024 requirement, Western capacity on?) → the capped
    // share υ = max(0, Φ' − F)/Φ' and the bound Φ' ≤ capacity (model.md §4.7).
    for (share, western) in [(3.0, true), (0.5, true), (0.5, false), (0.2, false)] {
        let mut t = path();
        let f = share * t.m.phi_2024;
        t.st.fleet = f;
        if !western {
            t.lv.set(t.ids.cap_services_ban, 1.0);
        }
        t.step();
        let o = &t.w.out;
        let what = format!("F = {share}·Φ_2024, Western capacity {western}");
        let phi: f64 = o.m.iter().zip(&t.m.route_trip).map(|(m, r)| m * r).sum();
        let cap = f + if western { o.fleet_western } else { 0.0 };
        assert!(phi <= cap + 1e-9, "{what}: Φ' = {phi} above {cap}");
        let want = if o.refused {
            0.0
        } else {
            ((phi - f) / phi).max(0.0)
        };
        close(o.upsilon, want, 1e-9, &what);
        if !western {
            assert_eq!(
                o.fleet_western, 0.0,
                "{what}: a services ban leaves no Western tankers"
            );
        }
        if share >= 3.0 {
            assert_eq!(
                o.upsilon, 0.0,
                "{what}: an ample shadow fleet carries everything"
            );
        } else if western {
            assert!(o.upsilon > 0.0, "{what}: Western tankers carry the rest");
        } else {
            assert!(o.withheld > 0.0, "{what}: a short fleet withholds");
        }
    }
}

#[test]
fn accounting_realised_netback_and_storage() {
    // n̂ parts: n^c = e·min(n, c) + (1 − e)·n − c_att (§4.10).
    for (n, e, cap, c_att, want) in [
        (50.0, 1.0, 60.0, 0.5, 49.5),
        (70.0, 1.0, 60.0, 0.5, 59.5),
        (70.0, 0.0, 60.0, 0.5, 69.5),
        (70.0, 0.3, 47.6, 1.0, 0.3 * 47.6 + 0.7 * 70.0 - 1.0),
    ] {
        let got = realised_netback(n, 1.0, e, cap, c_att);
        close(got, want, 1e-12, &format!("n = {n}, e = {e}, c = {cap}"));
        close(
            realised_netback(n, 0.0, e, cap, c_att),
            n,
            0.0,
            "υ = 0 gives n",
        );
    }
    // Storage (§4.9): with Brent far below its average the carry trade withholds; the room
    // rule keeps withholding within the storage left, and ΔS = min(U·d, K_S − S).
    for (pbar, storage) in [(70.0, 0.0f64), (140.0, 0.0), (140.0, 1e9)] {
        let mut t = path();
        t.st.pbar = pbar;
        t.st.storage = storage.min(t.m.p.storage_cap);
        let s0 = t.st.storage;
        t.step();
        let o = &t.w.out;
        let what = format!("P̄ = {pbar}, S = {s0}");
        let d = t.ctx.days;
        // At P̄ = 140 Brent is far below (1 − m_s)·P̄: the carry trade withholds more than
        // the port overflow (sea exports 4.1 mb/d through a 4.0 port).
        close(o.port_overflow, 0.1, 1e-12, &what);
        let stored = o.withheld > o.port_overflow + 1e-9;
        // Full storage has no carry trade (B^store = −∞, model.md §4.8).
        let room = s0 < t.m.p.storage_cap;
        assert_eq!(
            stored,
            pbar > 100.0 && room,
            "{what}: withheld {}",
            o.withheld
        );
        close(
            o.delta_s,
            (o.withheld * d).min(t.m.p.storage_cap - s0),
            1e-9,
            &what,
        );
        close(t.st.storage, s0 + o.delta_s - o.release * d, 1e-9, &what);
        // Revenue: d/1000 · (Σ sold n̂ + Σ Q (n + padj)) (§4.10).
        let sea: f64 = o.sold.iter().zip(&o.n_hat).map(|(s, n)| s * n).sum();
        let pipes: f64 = (0..o.q.len())
            .map(|p| o.q[p] * (o.n[t.m.pipe_priced_off[p]] + t.m.pipe_padj[p]))
            .sum();
        close(o.revenue_bn, d / 1000.0 * (sea + pipes), 1e-9, &what);
    }
}

#[test]
fn step_keeps_every_identity_and_is_a_pure_function() {
    // Hand-built months: quiet, a wave of designations, a tariff, an outage, a tight fleet.
    type Setup = fn(&mut super::Path);
    let cases: [(&str, Setup); 5] = [
        ("quiet", |_| {}),
        ("sdn 0.45", |t| t.lv.set(t.ids.sdn_share, 0.45)),
        ("tariff IN 0.5", |t| t.lv.set(t.ids.tariff_rate[0], 0.5)),
        ("outage", |t| t.sh.u_outage[2] = [0.0, 0.5, 0.0, 1.0]),
        ("tight fleet", |t| t.st.fleet = 0.2 * t.m.phi_2024),
    ];
    for (name, set) in cases {
        let mut t = path();
        set(&mut t);
        let batches = [Batch {
            share: 0.05,
            us: true,
        }];
        let (st0, w0) = (t.st.clone(), t.w.clone());
        let before = Before {
            storage: t.st.storage,
        };
        let diag = step(
            &t.m,
            &mut t.st,
            &t.lv,
            &t.ids,
            &[],
            &batches,
            &t.sh,
            t.ctx,
            &mut t.w,
        );
        let bad = check(&t.m, before, &t.st, &t.w, &t.lv, &t.ids, t.ctx);
        assert!(bad.is_empty(), "{name}: {bad:#?}");
        assert_eq!(diag.not_converged, 0, "{name}");
        // Same inputs, same outputs, bit for bit: the step reads nothing else.
        let (mut st1, mut w1) = (st0, w0);
        step(
            &t.m,
            &mut st1,
            &t.lv,
            &t.ids,
            &[],
            &batches,
            &t.sh,
            t.ctx,
            &mut w1,
        );
        assert_eq!(format!("{:?}", t.w.out), format!("{:?}", w1.out), "{name}");
        assert_eq!(format!("{:?}", t.st), format!("{st1:?}"), "{name}");
    }
}

#[test]
fn snapback_threat_is_the_expected_share_of_the_year_under_the_tariff() {
    // D276: against the closed form, and its first-order limit where the closed form cancels.
    for p in [1e-6_f64, 0.05, 0.1, 0.3, 0.5, 0.9, 0.999_999] {
        for h in [1_u32, 6, 12, 24] {
            // The mean of 1 − (1 − p)^n, n = 1..h, against (h + 1)p/2 at small p.
            let closed = 1.0 - (1.0 - p) * (1.0 - (1.0 - p).powi(h as i32)) / (p * f64::from(h));
            // (the limit's own error is of relative order p·h)
            let (want, tol) = if p < 1e-3 {
                (f64::from(h + 1) * p / 2.0, p * f64::from(h))
            } else {
                (closed, 1e-9)
            };
            close(snapback_threat_share(p, h), want, tol * want, "mean share");
        }
    }
    // One month ahead is the spec's p; more months weigh more; the limits are 0 and 1.
    close(snapback_threat_share(0.3, 1), 0.3, 1e-15, "h = 1");
    assert_eq!(snapback_threat_share(0.0, 12), 0.0);
    assert_eq!(snapback_threat_share(f64::NAN, 12), 0.0);
    assert_eq!(snapback_threat_share(1.0, 12), 1.0);
    let mut last = 0.0;
    for k in 1..=1000 {
        let p = k as f64 / 1000.0;
        let q = snapback_threat_share(p, SNAPBACK_HORIZON_MONTHS);
        assert!(q >= p - 1e-15 && q <= 1.0 && q >= last, "p = {p}: {q}");
        last = q;
    }
}

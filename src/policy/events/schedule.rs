//! Drawing one event's probability, lag and value for a path and queueing the actions it
//! takes (`PolicyPath::schedule`, used by `PolicyPath::new` and `inject_event`). A child of
//! `events` so it shares the private timeline types.

use super::{Action, Cargo, Event, Fired, Op, PolicyPath, Value, CAP_MODE_FIXED};
use crate::policy::calendar::Date;
use crate::policy::levers::{ActionKind, LeverKind, LeverRegistry};
use rand::{Rng, RngExt};

/// FNV-1a of `text` (as `engine::rng::key_hash`, which this layer may not import), never 0.
fn fnv(text: &str) -> u64 {
    text.bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
        })
        .max(1)
}

/// The companies a `sellers` name lists: its non-empty parts between `_`, `-` and `.`,
/// case-folded, in order of appearance.
pub fn companies(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .map(str::to_ascii_lowercase)
}

/// D45: a seller group's id, from its `sellers` name (0 is kept for "no group"). The group is
/// the companies the name lists (D158): case, separators, order and a company repeated do not
/// matter, so `"Rosneft_Lukoil"`, `"rosneft-lukoil"` and `"lukoil_rosneft_rosneft"` are one
/// group. A name of one company has that company's [`company_id`].
pub fn seller_group(name: &str) -> u64 {
    let mut parts: Vec<String> = companies(name).collect();
    parts.sort_unstable();
    parts.dedup();
    fnv(&parts.join("_"))
}

/// D46: one company's id, from its name as a `sellers` name or a market-file term tie writes
/// it (case does not matter).
pub fn company_id(name: &str) -> u64 {
    fnv(&name.to_ascii_lowercase())
}

/// D46: the hashed company names of a `sellers` name, at most [`MAX_SELLER_NAMES`], zero-padded.
pub type SellerNames = [u64; MAX_SELLER_NAMES];

/// D46: how many companies one `sellers` name may list.
pub const MAX_SELLER_NAMES: usize = 8;

/// D46: the companies a `sellers` name lists: its non-empty parts between `_`, `-` and `.`,
/// case-folded and hashed (`"Rosneft_Lukoil"` lists `rosneft` and `lukoil`), each once, in
/// order of appearance. Parts past [`MAX_SELLER_NAMES`] are dropped (the scenario reader
/// refuses such names).
pub fn seller_names(name: &str) -> SellerNames {
    let mut out = [0; MAX_SELLER_NAMES];
    let mut n = 0;
    for part in companies(name) {
        let h = fnv(&part);
        if n < MAX_SELLER_NAMES && !out[..n].contains(&h) {
            out[n] = h;
            n += 1;
        }
    }
    out
}

impl PolicyPath {
    /// Draws one event's probability, lag and value from `rng` (in that fixed order, whether
    /// or not it happens) and, if it happens, queues it.
    pub(super) fn schedule<R: Rng>(&mut self, ev: &Event, reg: &LeverRegistry, rng: &mut R) {
        let happens = rng.random::<f64>() < ev.prob.sample(rng).clamp(0.0, 1.0);
        let lag = ev
            .lag_months
            .map(|d| d.sample(rng).round().max(0.0) as i32)
            .unwrap_or(0);
        let op = match (&ev.value, ev.action) {
            (Value::Number(d), a) => {
                let v = d.sample(rng);
                match (a, reg.def(ev.lever).kind.clone()) {
                    (Action::Fire, LeverKind::Action(ActionKind::RiskJump)) => {
                        Op::Fire(Fired::Jump(v))
                    }
                    (Action::Set, LeverKind::Action(ActionKind::ShadowCapacity)) => {
                        Op::Fire(Fired::ShadowSet(v))
                    }
                    (Action::Scale, LeverKind::Action(ActionKind::ShadowCapacity)) => {
                        Op::Fire(Fired::ShadowScale(v))
                    }
                    (Action::Fire, _) => Op::Set(v),
                    (Action::Set, _) => Op::Set(v),
                    (Action::Add, _) => Op::Add(v),
                    (Action::Scale, _) => Op::Scale(v),
                    (Action::Ramp { months }, _) => Op::Ramp {
                        target: v,
                        months: months.max(1),
                    },
                    (Action::Pulse, _) => Op::Pulse(v),
                }
            }
            (
                Value::Wave {
                    add_share,
                    authority,
                    wind_down_months,
                    sellers,
                    ..
                },
                _,
            ) => {
                // D189: the waves of one seller group size the same companies, so they share
                // one uniform per path (comonotone draws): two listings of `U(0.4, 0.5)` give
                // the same share, not the larger of two independent draws (+0.017 on average).
                let s = match sellers {
                    Some(name) => {
                        let g = seller_group(name);
                        let u = match self.group_draws.iter().find(|(k, _)| *k == g) {
                            Some(&(_, u)) => u,
                            None => {
                                let u = rng.random::<f64>();
                                self.group_draws.push((g, u));
                                u
                            }
                        };
                        add_share.quantile(u)
                    }
                    None => add_share.sample(rng),
                };
                Op::Fire(Fired::Wave {
                    add_share: s,
                    basins: 0,
                    authority: *authority,
                    wind_down_months: (*wind_down_months).max(1),
                    day_offset: 0.0,
                    group: 0,
                    names: [0; MAX_SELLER_NAMES],
                    lever_share: s,
                })
            }
            (Value::Batch { share, us, .. }, _) => Op::Fire(Fired::Batch {
                share: share.sample(rng),
                us: *us,
            }),
        };
        // D40: the cargo shares are drawn after the batch's share, so its draw is unchanged.
        let bans: Vec<Fired> = match (&ev.value, op) {
            (Value::Batch { cargo, us, .. }, Op::Fire(Fired::Batch { share, .. })) => {
                let ban = |basins: u64, cargo: f64| Fired::TankerBan {
                    basins,
                    cargo: cargo.clamp(0.0, 1.0),
                    us: *us,
                };
                match cargo {
                    Cargo::FleetShare => vec![ban(0, share)],
                    Cargo::All(d) => vec![ban(0, d.sample(rng))],
                    Cargo::Basins(list) => list
                        .iter()
                        .map(|(lever, d)| {
                            let b = reg
                                .ids
                                .sdn_basin_share
                                .iter()
                                .position(|x| x == lever)
                                .unwrap_or(0);
                            ban(1 << b.min(63), d.sample(rng))
                        })
                        .collect(),
                }
            }
            _ => Vec::new(),
        };
        if !happens {
            return;
        }
        let date = if lag > 0 {
            Date {
                month: ev.date.month + lag,
                day: 1,
            }
        } else {
            ev.date
        };
        match op {
            Op::Fire(Fired::Wave {
                add_share,
                authority,
                ..
            }) => {
                let months = ev_wave_months(&ev.value);
                let targets = match &ev.value {
                    Value::Wave { basins, .. } if !basins.is_empty() => basins.clone(),
                    _ => vec![reg.ids.sdn_share],
                };
                let mask = targets
                    .iter()
                    .filter_map(|l| reg.ids.sdn_basin_share.iter().position(|b| b == l))
                    .fold(0u64, |m, b| m | (1 << b.min(63)));
                let (group, names) = match &ev.value {
                    Value::Wave {
                        sellers: Some(name),
                        ..
                    } => (seller_group(name), seller_names(name)),
                    _ => (0, [0; MAX_SELLER_NAMES]),
                };
                let wave = self.next_seq;
                self.push(
                    date,
                    ev.lever,
                    Op::Fire(Fired::Wave {
                        add_share,
                        basins: mask,
                        authority,
                        wind_down_months: months,
                        day_offset: 0.0,
                        group,
                        names,
                        lever_share: add_share,
                    }),
                );
                if group != 0 {
                    // D45: the share ramps in when the wave fires, by what its sellers add to
                    // the group's earlier waves (`named_wave_ramps`).
                    if self.sdn_levers.is_empty() {
                        self.sdn_levers.push(reg.ids.sdn_share);
                        self.sdn_levers
                            .extend(reg.ids.sdn_basin_share.iter().copied());
                    }
                    return;
                }
                for lever in targets {
                    self.push(
                        date,
                        lever,
                        Op::RampBy {
                            total: add_share,
                            months,
                            wave,
                        },
                    );
                }
            }
            op => {
                self.push(date, ev.lever, op);
                for ban in bans {
                    self.push(date, ev.lever, Op::Fire(ban));
                }
                // D50: a cap the user writes fixes the EU cap, suspending the automatic
                // review from its date, unless `cap.eu_mode` is set again on or after it.
                // A pulse is an overlay of its month (D245): the review keeps running under it.
                if ev.lever == reg.ids.cap_eu_usd && !matches!(op, Op::Pulse(_)) {
                    self.push_due(date, reg.ids.cap_eu_mode, Op::Set(CAP_MODE_FIXED), true);
                }
            }
        }
    }
}

fn ev_wave_months(v: &Value) -> u32 {
    match v {
        Value::Wave {
            wind_down_months, ..
        } => (*wind_down_months).max(1),
        _ => 1,
    }
}

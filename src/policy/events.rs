//! Dated policy events and their per-path timeline (scenarios.md §2).
//!
//! An event changes one lever on a date: `set`, `add`, `scale`, `ramp` (linear over N months),
//! `pulse` (one month only) or, for action levers, `fire`. Distribution-valued values,
//! probabilities and lags are drawn once per path. Within a month, continuous levers take the
//! day-weighted value `((k−1)·old + (d−k+1)·new)/d`; booleans and enums take one value a
//! month: a `set` switches from the first full month (an event on day 1 counts as a full
//! month) and a `pulse` holds the whole month it is dated in. Events dated before the scenario's
//! start build the initial lever values (the historical calendar), so a baseline reads as the
//! policy in force.

use super::calendar::{days_in_month, Date, MonthIdx};
use super::levers::{LeverId, LeverKind, LeverRange, LeverRegistry, LeverSet};

/// `cap.eu_mode = "fixed"` (the first variant of `levers::CAP_MODES`).
const CAP_MODE_FIXED: f64 = 0.0;
use crate::dist::Dist;
use rand::Rng;

/// What an event does to its lever.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Set,
    Add,
    Scale,
    /// Linear interpolation from the current value to the target over `months` months; the
    /// event month is the first step.
    Ramp {
        months: u32,
    },
    /// The value holds from the date to the end of that month, then the old value returns.
    Pulse,
    /// Action levers: fire once in the month of the date.
    Fire,
}

/// The value an event carries, as written (drawn per path).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(Dist),
    Wave {
        add_share: Dist,
        wind_down_months: u32,
        /// `sdn.<basin>.share` levers the wave ramps; empty: the market-wide `sdn.share` (D33).
        basins: Vec<LeverId>,
        /// The designating authority (D35); `None` keeps the pre-D35 seller-chain semantics.
        authority: Option<WaveAuthority>,
        /// D45: the designated companies' name; waves of one name designate the same sellers.
        sellers: Option<String>,
    },
    Batch {
        share: Dist,
        /// Whether `authority` is the US (what the model reads: `uk` acts as `eu`).
        us: bool,
        /// The authority as the file wrote it, for display (walkthrough 9 #4).
        authority: WaveAuthority,
        /// D40: the share of each basin's cargoes the batch's tankers carried.
        cargo: Cargo,
    },
}

/// D40: which cargoes a designation batch's tankers carried, and so which a buyer that bans
/// designated tankers from its ports can no longer take until replacement tankers arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum Cargo {
    /// Not written: the batch's tankers carried their share of every basin's cargoes (`share`).
    FleetShare,
    /// One share for every basin.
    All(Dist),
    /// Per basin, by its `sdn.<basin>.share` lever; basins not listed carried none.
    Basins(Vec<(LeverId, Dist)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub date: Date,
    pub lever: LeverId,
    pub action: Action,
    pub value: Value,
    /// Probability that the event happens at all on a path.
    pub prob: Dist,
    /// Delay in whole months drawn per path; a positive lag moves the event to the 1st of the
    /// lagged month, a zero lag keeps its day (errata N9).
    pub lag_months: Option<Dist>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Set(f64),
    Add(f64),
    Scale(f64),
    Ramp {
        target: f64,
        months: u32,
    },
    Pulse(f64),
    /// A pulse's return to the value before it (D232): a `set` applied on the 1st of the month
    /// after the pulse *before* the other steps of that day, so that a ramp's or a wave's step
    /// due the same day lands on the restored value instead of being overwritten by it. It
    /// carries the pre-pulse value; a number lever returns to that value with what the
    /// pulse's month added or scaled applied on top (D245, `PolicyPath::under`).
    Restore(f64),
    Fire(Fired),
    /// An automatic rule's `set` (the EU cap review, `inject_set`): a `set`, except that under
    /// a pulse it sets the value the pulse returns to and leaves the pulse's month alone
    /// (D245: a review during a one-month licence applies from the licence's end).
    Review(f64),
    /// The review of a month whose `cap.eu_mode` is pulsed to `fixed`: the cap the lever
    /// returns to on the 1st of the next month, the month itself unchanged (hostile round 10
    /// #2: the review is judged on the mode under the pulse).
    HeldReview(f64),
    /// Adds `total` to the lever over `months` months (sdn.wave's share ramp); `wave` is the
    /// sequence number of the wave's `Fire` entry, which learns what the ramp could add (D186).
    RampBy {
        total: f64,
        months: u32,
        wave: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Due {
    date: Date,
    seq: u32,
    lever: LeverId,
    op: Op,
    /// Implied by another event (a user cap fixing `cap.eu_mode`, D50): applied before the
    /// explicit events of the same day, so an explicit `cap.eu_mode` written for that day wins.
    implied: bool,
    /// D183: a later step of a `ramp` or a wave's share ramp (or a pulse's restore), queued
    /// when the action first applied. A later `set` or `ramp` of the lever cancels the steps
    /// still pending; a step applies before the explicit events of its day, so an event
    /// dated on the 1st of a step's month comes after it.
    step: bool,
}

impl Due {
    /// The order `advance` applies one day's entries in: implied, then pulses' restores
    /// (D232), then ramp steps, then explicit entries, each in scheduling order.
    fn order(&self) -> (u32, u8, u32) {
        let rank = if self.implied {
            0
        } else if matches!(self.op, Op::Restore(_)) {
            1
        } else if self.step {
            2
        } else {
            3
        };
        (self.date.day, rank, self.seq)
    }
}

/// The policy timeline of one path.
#[derive(Debug, Clone)]
pub struct PolicyPath {
    /// Value in force at the end of the last month advanced.
    current: Vec<f64>,
    kinds: Vec<Kind>,
    /// D131: the run-time range of each number lever (`None` for the others).
    ranges: Vec<Option<LeverRange>>,
    pending: Vec<Due>,
    next_seq: u32,
    /// D45: the largest share each seller group has been designated with so far (fired
    /// waves), per basin (D231: a wave listing the group on one basin designates nothing on
    /// the others).
    groups: Vec<(u64, Vec<f64>)>,
    /// D45: the market-wide `sdn.share` lever and each basin's, once a named wave is scheduled.
    sdn_levers: Vec<LeverId>,
    /// The date on which an explicit `set` (not one implied by another event) last changed
    /// each discrete lever: the dynamic cap review counts its cadence from the day
    /// `cap.eu_mode` was switched to dynamic (D52).
    last_switch: Vec<Option<Date>>,
    /// D131: how many event applications the range clamp changed (reported as a diagnostic).
    clamps: u64,
    /// D186, during `advance`: the room each firing wave's share ramps found on their levers
    /// (by the wave's sequence number), and where each wave sits in `fired`.
    wave_room: Vec<(u32, f64)>,
    wave_fired: Vec<(u32, usize)>,
    /// D189: each seller group's uniform on this path, drawn by its first wave scheduled.
    group_draws: Vec<(u64, f64)>,
    /// D245: while a pulse holds a lever, the value the lever would have without the pulse:
    /// the pre-pulse value with every `add`, `scale` and step of the pulse's month applied
    /// to it. The restore returns this, so the pulse is an overlay that only its month sees.
    under: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Continuous,
    Discrete,
    Action,
}

impl PolicyPath {
    /// Draws the path's event values and applies every event dated before `start`.
    /// `rng_for(i)` gives event i's own stream, so events never shift each other's draws.
    pub fn new<R: Rng, F: FnMut(usize) -> R>(
        events: &[Event],
        reg: &LeverRegistry,
        initial: &LeverSet,
        start: MonthIdx,
        mut rng_for: F,
    ) -> PolicyPath {
        let kinds = reg
            .defs
            .iter()
            .map(|d| match d.kind {
                LeverKind::Number { .. } => Kind::Continuous,
                LeverKind::Bool | LeverKind::Enum(_) => Kind::Discrete,
                LeverKind::Action(_) => Kind::Action,
            })
            .collect();
        let ranges = reg.defs.iter().map(|d| d.range()).collect();
        let mut p = PolicyPath {
            current: initial.values.clone(),
            kinds,
            ranges,
            pending: Vec::new(),
            next_seq: 0,
            groups: Vec::new(),
            sdn_levers: Vec::new(),
            last_switch: vec![None; initial.values.len()],
            clamps: 0,
            wave_room: Vec::new(),
            wave_fired: Vec::new(),
            group_draws: Vec::new(),
            under: vec![None; initial.values.len()],
        };
        for (i, ev) in events.iter().enumerate() {
            p.schedule(ev, reg, &mut rng_for(i));
        }
        // The historical calendar: everything before the start builds the initial state.
        while let Some(m) = p
            .pending
            .iter()
            .map(|d| d.date.month)
            .filter(|m| *m < start)
            .min()
        {
            let mut scratch = LeverSet {
                values: p.current.clone(),
                on_share: vec![0.0; p.current.len()],
                end: p.current.clone(),
            };
            let mut fired = Vec::new();
            p.advance(m, &mut scratch, &mut fired);
        }
        p
    }

    fn push(&mut self, date: Date, lever: LeverId, op: Op) {
        self.push_due(date, lever, op, false);
    }

    fn push_due(&mut self, date: Date, lever: LeverId, op: Op, implied: bool) {
        self.pending.push(Due {
            date,
            seq: self.next_seq,
            lever,
            op,
            implied,
            step: false,
        });
        self.next_seq += 1;
    }

    /// Queues a later step of an action already applied (D183).
    fn push_step(&mut self, date: Date, lever: LeverId, op: Op) {
        self.push(date, lever, op);
        if let Some(e) = self.pending.last_mut() {
            e.step = true;
        }
    }

    /// Queues an event made during the run (an event-tree node's entry action): its
    /// probability, lag and value are drawn from `rng` exactly as for a scenario event, and it
    /// takes effect from its (lagged) date like any other event. Dates before the month being
    /// advanced count from day 1 of that month.
    pub fn inject_event<R: Rng>(&mut self, ev: &Event, reg: &LeverRegistry, rng: &mut R) {
        self.schedule(ev, reg, rng);
    }

    /// Sequence number the next scheduled action will get; with [`PolicyPath::cancel`], lets a
    /// caller withdraw what it scheduled.
    pub fn next_seq(&self) -> u32 {
        self.next_seq
    }

    /// Drops the pending actions numbered `lo..hi` (those already in force stay in force; a
    /// ramp stops where it is).
    pub fn cancel(&mut self, lo: u32, hi: u32) {
        self.pending.retain(|e| !(lo..hi).contains(&e.seq));
    }

    /// Engine-made event (the dynamic cap review): set `lever` to `value` from `day` of `month`.
    pub fn inject_set(&mut self, month: MonthIdx, day: u32, lever: LeverId, value: f64) {
        self.push(Date { month, day }, lever, Op::Review(value));
    }

    /// Engine-made event (the cap review in a month whose mode is pulsed to `fixed`): `lever`
    /// keeps its value through `month` and holds `value` from the 1st of the next month.
    pub fn inject_held_set(&mut self, month: MonthIdx, day: u32, lever: LeverId, value: f64) {
        self.push(Date { month, day }, lever, Op::HeldReview(value));
    }

    /// Engine-made event (the cap review in a month whose mode is pulsed to `dynamic`): `lever`
    /// holds `value` from `day` to the end of `month` only, as a `pulse`.
    pub fn inject_pulse(&mut self, month: MonthIdx, day: u32, lever: LeverId, value: f64) {
        self.push(Date { month, day }, lever, Op::Pulse(value));
    }

    /// The value `lever` returns to once a pulse holding it ends (D245), or its value in
    /// force when no pulse holds it: what a decision that outlasts the month (the cap review,
    /// its cadence and factor) judges (hostile round 10 #2).
    pub fn underlying(&self, lever: LeverId) -> f64 {
        self.under[lever].unwrap_or(self.current[lever])
    }

    /// How many event applications the range clamp has changed so far (D131).
    pub fn clamps(&self) -> u64 {
        self.clamps
    }

    /// The value a lever will hold from the next event on (the end-of-month value so far).
    pub fn current(&self, lever: LeverId) -> f64 {
        self.current[lever]
    }

    /// Computes month `month`'s lever values into `out` and lists the actions that fire.
    pub fn advance(&mut self, month: MonthIdx, out: &mut LeverSet, fired: &mut Vec<Fired>) {
        fired.clear();
        let d = days_in_month(month) as f64;
        out.values.clone_from(&self.current);
        out.end.clone_from(&self.current);
        for (i, v) in self.current.iter().enumerate() {
            out.on_share[i] = if *v > 0.0 { 1.0 } else { 0.0 };
        }
        let mut due: Vec<Due> = Vec::new();
        self.pending.retain(|e| {
            if e.date.month <= month {
                due.push(*e);
                false
            } else {
                true
            }
        });
        if due.is_empty() {
            return;
        }
        // Late entries (dated in an earlier month but only now reached) count from day 1.
        for e in &mut due {
            if e.date.month < month {
                e.date = Date { month, day: 1 };
            }
        }
        due.sort_by_key(Due::order);
        self.named_wave_ramps(&mut due);
        self.wave_room.clear();
        self.wave_fired.clear();
        let mut touched: Vec<LeverId> = due.iter().map(|e| e.lever).collect();
        touched.sort_unstable();
        touched.dedup();
        for lever in touched {
            let kind = self.kinds[lever];
            let mut val = self.current[lever];
            let (mut weighted, mut on_days, mut last_day) = (0.0, 0.0, 1.0);
            // A bool or enum takes one value a month: the value on day 1, or the value of a
            // pulse dated later in the month, which holds its whole month (hostile round 10
            // #1; it used to hold the whole next month).
            let mut month_val = val;
            // D161: a marker default (the market's compliance draw, "the rate at the halt")
            // is not a number to average: a month that mixes it with a number takes the value
            // held on the most days (the later on a tie).
            let marker = self.ranges[lever]
                .and_then(|r| r.sentinel)
                .filter(|s| *s != super::levers::NONE_CAP);
            let mut held: Vec<(f64, f64)> = Vec::new();
            for e in due.iter().filter(|e| e.lever == lever) {
                let day = (e.date.day as f64).clamp(1.0, d);
                if marker.is_some() && day > last_day {
                    held.push((val, day - last_day));
                }
                weighted += val * (day - last_day);
                if val > 0.0 {
                    on_days += day - last_day;
                }
                last_day = day;
                let before = val;
                // What a switch is judged on: the value under any pulse (hostile round 10 #2).
                let under = self.under[lever].unwrap_or(val);
                val = self.apply(e, val, month, fired);
                // D131: an event never takes a number lever out of its range, however often a
                // tree node re-applies it.
                if let Some(r) = self.ranges[lever] {
                    let arithmetic = matches!(e.op, Op::Add(_) | Op::Scale(_) | Op::RampBy { .. });
                    let held = r.bound(before, val, arithmetic);
                    // A sentinel kept through `add`/`scale` is the documented rule, not a hit.
                    if held != val && !(val.is_nan() && held.is_nan()) && Some(held) != r.sentinel {
                        self.clamps += 1;
                    }
                    val = held;
                }
                // D52: an explicit `set` that changes the value is a switch; a pulse and its
                // return are an overlay of the pulse's month, not a switch.
                if kind == Kind::Discrete
                    && !e.implied
                    && matches!(e.op, Op::Set(_))
                    && val != under
                {
                    self.last_switch[lever] = Some(e.date);
                }
                if e.date.day <= 1 || matches!(e.op, Op::Pulse(_)) {
                    month_val = val;
                }
            }
            weighted += val * (d + 1.0 - last_day);
            if val > 0.0 {
                on_days += d + 1.0 - last_day;
            }
            self.current[lever] = val;
            out.end[lever] = val;
            if let Some(s) = marker {
                held.push((val, d + 1.0 - last_day));
                let mixed = held.iter().any(|h| h.0 == s) && held.iter().any(|h| h.0 != s);
                if mixed {
                    let mut days: Vec<(f64, f64)> = Vec::new();
                    for &(v, n) in &held {
                        match days.iter_mut().find(|x| x.0 == v) {
                            Some(x) => x.1 += n,
                            None => days.push((v, n)),
                        }
                    }
                    // The later value wins a tie: scan from the last segment.
                    let (v, _) =
                        days.iter()
                            .rev()
                            .fold((val, -1.0), |best, x| if x.1 > best.1 { *x } else { best });
                    weighted = v * d;
                    on_days = if v > 0.0 { d } else { 0.0 };
                }
            }
            match kind {
                Kind::Continuous => {
                    out.values[lever] = weighted / d;
                    out.on_share[lever] = on_days / d;
                }
                Kind::Discrete => {
                    out.values[lever] = month_val;
                    out.on_share[lever] = if month_val > 0.0 { 1.0 } else { 0.0 };
                }
                Kind::Action => {}
            }
        }
        self.wave_lever_shares(fired);
    }
}

mod schedule;
pub use schedule::{
    companies, company_id, seller_group, seller_names, SellerNames, MAX_SELLER_NAMES,
};
mod discrete;
mod fired;
mod timeline;
pub use fired::{Fired, WaveAuthority};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_discrete;
#[cfg(test)]
mod tests_overlay;

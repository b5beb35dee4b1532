//! How one pending action changes its lever (`apply`, used by `PolicyPath::advance`), with
//! the seller groups' waves (D45) and the room a wave finds under its ceiling (D186). A child
//! of `events` so it shares the private timeline types.

use super::{Due, Fired, Op, PolicyPath};
use crate::policy::calendar::{days_in_month, Date, MonthIdx};
use crate::policy::levers::LeverId;

impl PolicyPath {
    /// D45: a named wave ramps its basins' share levers when it fires, by what its sellers add
    /// to the largest share their group was designated with before (in firing order: date,
    /// then file order), so two authorities listing the same companies count them once.
    /// D231: the group's record is kept per basin, so a listing on one basin does not use up
    /// what a wider listing of the same sellers adds on the others (a UK listing on the
    /// western ports used to cancel a later US listing's ESPO share). Where the wave adds
    /// different amounts on its basins it fires as several parts, one per amount, each
    /// ramping its own lever, so that every basin's share is its group's largest listing.
    pub(super) fn named_wave_ramps(&mut self, due: &mut Vec<Due>) {
        let nb = self.sdn_levers.len().saturating_sub(1);
        let mut extra = Vec::new();
        for e in due.iter_mut() {
            let Op::Fire(Fired::Wave {
                add_share,
                basins,
                wind_down_months,
                group,
                ..
            }) = e.op
            else {
                continue;
            };
            if group == 0 || self.sdn_levers.is_empty() {
                continue;
            }
            let k = match self.groups.iter().position(|(g, _)| *g == group) {
                Some(k) => k,
                None => {
                    self.groups.push((group, vec![0.0; nb]));
                    self.groups.len() - 1
                }
            };
            let record = &mut self.groups[k].1;
            let reach = |b: usize| b < 64 && (basins == 0 || (basins >> b) & 1 == 1);
            // What the wave adds on each basin it reaches, before it raises the record there.
            let adds: Vec<(usize, f64)> = (0..nb)
                .filter(|&b| reach(b))
                .map(|b| {
                    let a = (add_share - record[b]).max(0.0);
                    record[b] = record[b].max(add_share);
                    (b, a)
                })
                .collect();
            // The parts the wave fires as: (basin mask, what it adds, the share levers it
            // ramps by that). A market-wide wave keeps its market-wide part for what it adds
            // everywhere; the rest goes basin by basin.
            let lever = |b: usize| self.sdn_levers[1 + b];
            let parts: Vec<(u64, f64, Vec<LeverId>)> = if basins == 0 {
                let common = adds.iter().map(|a| a.1).fold(f64::INFINITY, f64::min);
                let common = if common.is_finite() { common } else { 0.0 };
                std::iter::once((0, common, vec![self.sdn_levers[0]]))
                    .chain(
                        adds.iter()
                            .filter(|a| a.1 > common)
                            .map(|&(b, a)| (1 << b, a - common, vec![lever(b)])),
                    )
                    .collect()
            } else if adds.windows(2).all(|w| w[0].1 == w[1].1) {
                let a = adds.first().map_or(0.0, |a| a.1);
                vec![(basins, a, adds.iter().map(|&(b, _)| lever(b)).collect())]
            } else {
                adds.iter()
                    .map(|&(b, a)| (1 << b, a, vec![lever(b)]))
                    .collect()
            };
            let months = wind_down_months.max(1);
            // The first part keeps the wave's own entry and number; the others get new ones.
            for (n, (mask, share, levers)) in parts.iter().enumerate() {
                let seq = if n == 0 {
                    e.seq
                } else {
                    let mut op = e.op;
                    set_part(&mut op, *mask, *share);
                    let seq = self.next_seq;
                    self.next_seq += 1;
                    extra.push(Due { seq, op, ..*e });
                    seq
                };
                for &lever in levers {
                    extra.push(Due {
                        date: e.date,
                        seq: e.seq,
                        lever,
                        op: Op::RampBy {
                            total: *share,
                            months,
                            wave: seq,
                        },
                        implied: false,
                        step: false,
                    });
                }
            }
            set_part(&mut e.op, parts[0].0, parts[0].1);
        }
        if !extra.is_empty() {
            due.extend(extra);
            due.sort_by_key(Due::order);
        }
    }

    /// D183: a `set` or `ramp` of `lever` says where the lever goes from now on, so the steps
    /// still pending of earlier ramps on it (a `ramp`'s, a wave's share ramp's, a pulse's
    /// restore) are dropped: a delisting during a wave's wind-down stays a delisting. `add`,
    /// `scale` and a new wave's ramp shift the lever and leave them running.
    fn cancel_steps(&mut self, lever: LeverId) {
        self.pending.retain(|p| !(p.step && p.lever == lever));
        // A pulse's restore is a step: a `set` or `ramp` inside the pulse's month ends it.
        self.under[lever] = None;
    }

    /// An `add`, `scale` or wave step inside a pulse's month applied to the value under the
    /// pulse, held to the lever's range as `advance` holds the lever itself (D131), so that the
    /// value the pulse returns to is the one the run without the pulse has (a marker default
    /// stays the marker; it used to become a number, -0.9, and then the range's edge).
    fn shift_under(&mut self, lever: LeverId, f: impl Fn(f64) -> f64) {
        if let Some(u) = self.under[lever] {
            let next = f(u);
            self.under[lever] = Some(self.ranges[lever].map_or(next, |r| r.bound(u, next, true)));
        }
    }

    /// A review's cap under a pulse, or in a month whose mode is pulsed to `fixed`: the value
    /// the lever returns to on the 1st of the next month, the month itself left as it is
    /// (D245). Like a review's `set`, it ends the ramp steps still to come on the cap, but
    /// not the pulse's return.
    fn hold_review(&mut self, lever: LeverId, v: f64, month: MonthIdx) {
        self.pending
            .retain(|p| !(p.step && p.lever == lever && !matches!(p.op, Op::Restore(_))));
        if self.under[lever].is_none() {
            self.push_step(
                Date {
                    month: month + 1,
                    day: 1,
                },
                lever,
                Op::Restore(v),
            );
        }
        self.under[lever] = Some(v);
    }

    /// D186: a wave counts in the compliance accounting what its share ramps could add to
    /// their levers (the smallest room over its basins), not its whole `add_share`.
    pub(super) fn wave_lever_shares(&mut self, fired: &mut [Fired]) {
        for &(seq, i) in &self.wave_fired {
            let room = self
                .wave_room
                .iter()
                .filter(|r| r.0 == seq)
                .map(|r| r.1)
                .fold(f64::INFINITY, f64::min);
            if let Some(Fired::Wave { lever_share, .. }) = fired.get_mut(i) {
                *lever_share = lever_share.min(room);
            }
        }
    }

    pub(super) fn apply(
        &mut self,
        e: &Due,
        val: f64,
        month: MonthIdx,
        fired: &mut Vec<Fired>,
    ) -> f64 {
        match e.op {
            // D163: lowering a designated share (a delisting) lowers the seller groups' record
            // in proportion, so a later wave of the same sellers designates them again (it
            // used to add only what went beyond their share before the delisting: nothing).
            // The record lasts, so the cut is judged on the share under any pulse, which was
            // no listing (hostile round 10 #2).
            Op::Set(v)
                if self.sdn_levers.contains(&e.lever) && v < self.under[e.lever].unwrap_or(val) =>
            {
                let base = self.under[e.lever].unwrap_or(val);
                if !e.step {
                    self.cancel_steps(e.lever);
                } else if let Some(u) = &mut self.under[e.lever] {
                    *u = v;
                }
                let f = if base > 0.0 { (v / base).max(0.0) } else { 0.0 };
                // D231: the market-wide lever lowers every basin's record, a basin's its own.
                let only = self.sdn_levers.iter().position(|&l| l == e.lever);
                for (_, record) in self.groups.iter_mut() {
                    for (b, max) in record.iter_mut().enumerate() {
                        if only.is_none_or(|k| k == 0 || k == b + 1) {
                            *max *= f;
                        }
                    }
                }
                v
            }
            Op::Set(v) => {
                if !e.step {
                    self.cancel_steps(e.lever);
                } else if let Some(u) = &mut self.under[e.lever] {
                    *u = v;
                }
                v
            }
            // D245: what the pulse's month adds or scales carries past the pulse.
            Op::Add(v) => {
                self.shift_under(e.lever, |u| u + v);
                val + v
            }
            Op::Scale(v) => {
                self.shift_under(e.lever, |u| u * v);
                val * v
            }
            // On a bool or enum, `advance` holds the pulse's value for its whole month, whatever
            // its day (hostile round 10 #1: it used to move a pulse dated after day 1 to the
            // whole next month).
            Op::Pulse(v) => {
                // A pulse inside a pulse returns to the value under both.
                let old = *self.under[e.lever].get_or_insert(val);
                self.push_step(
                    Date {
                        month: month + 1,
                        day: 1,
                    },
                    e.lever,
                    Op::Restore(old),
                );
                v
            }
            // The second restore of nested pulses finds nothing under: the first returned it.
            Op::Restore(_) => self.under[e.lever].take().unwrap_or(val),
            Op::Review(v) => match self.under[e.lever] {
                Some(_) => {
                    self.hold_review(e.lever, v, month);
                    val
                }
                None => {
                    self.cancel_steps(e.lever);
                    v
                }
            },
            // A review in a month whose `cap.eu_mode` is pulsed to `fixed` (hostile round 10
            // #2): the month keeps its cap, the reviewed cap holds from the 1st of the next.
            Op::HeldReview(v) => {
                self.hold_review(e.lever, v, month);
                val
            }
            Op::Ramp { target, months } => {
                self.cancel_steps(e.lever);
                // D226: a marker default (the market's draw, the rate at the halt, a cap of
                // none) is not a number to ramp from: such a ramp starts at its target. The
                // loader refuses the ones it can see; a tree node's can meet one at run time.
                if self.ranges[e.lever].and_then(|r| r.sentinel) == Some(val) {
                    return target;
                }
                for k in 2..=months {
                    let v = val + (target - val) * k as f64 / months as f64;
                    self.push_step(
                        Date {
                            month: month + k as i32 - 1,
                            day: 1,
                        },
                        e.lever,
                        Op::Set(v),
                    );
                }
                val + (target - val) / months as f64
            }
            Op::RampBy {
                total,
                months,
                wave,
            } => {
                let months = months.max(1);
                // D186: a share already near its ceiling takes only what fits; the ramp spreads
                // that over the wind-down, as the wave's compliance accounting counts it. The
                // wave's size lasts beyond the month, so under a pulse its room is judged on the
                // value the pulse returns to, not the pulsed one (hostile round 10 #2: a
                // one-month pulse to 0.9 cut a 0.4 wave to 0.1 for good); the pulse's month
                // alone is held at the ceiling if the two pass it.
                let base = self.under[e.lever].unwrap_or(val);
                let room = self.ranges[e.lever].map_or(f64::INFINITY, |r| (r.max - base).max(0.0));
                let total = if total > 0.0 { total.min(room) } else { total };
                self.wave_room.push((wave, total));
                for k in 2..=months {
                    self.push_step(
                        Date {
                            month: month + k as i32 - 1,
                            day: 1,
                        },
                        e.lever,
                        Op::Add(total / months as f64),
                    );
                }
                self.shift_under(e.lever, |u| u + total / months as f64);
                val + total / months as f64
            }
            Op::Fire(Fired::Wave {
                add_share,
                basins,
                authority,
                wind_down_months,
                group,
                names,
                lever_share,
                ..
            }) => {
                // A late entry was moved to day 1 of this month by `advance`.
                let d = days_in_month(month) as f64;
                let day = (e.date.day as f64).clamp(1.0, d);
                self.wave_fired.push((e.seq, fired.len()));
                fired.push(Fired::Wave {
                    add_share,
                    basins,
                    authority,
                    wind_down_months,
                    day_offset: (day - 1.0) / d,
                    group,
                    names,
                    lever_share,
                });
                val
            }
            Op::Fire(f) => {
                fired.push(f);
                val
            }
        }
    }
}

/// Makes a wave's fired entry one part of it (D231): the basins it covers and what it adds
/// to their share lever.
fn set_part(op: &mut Op, mask: u64, share: f64) {
    if let Op::Fire(Fired::Wave {
        basins,
        lever_share,
        ..
    }) = op
    {
        *basins = mask;
        *lever_share = share;
    }
}

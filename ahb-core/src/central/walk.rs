//! The hour-by-hour walk over the usage rows: one pass over the columns that checks the rows
//! (what [`HourlyUsage::check`] checks), interns their prices and counts each hour's vCores by
//! scope and price, with the hours split over threads.
//!
//! Why one pass: the columns of a year of 10⁴ databases are 1.7 GB, and reading them is most of
//! the cost. The walk used to read them three times (the check, a pass collecting the distinct
//! prices to rank them, then the walk); now each thread checks the rows of its own hours and
//! numbers their prices as it counts them, and the sequential [`HourlyUsage::check`] runs only once a thread has
//! seen a bad row, to report the first bad row of the whole usage exactly as before.

use std::collections::HashMap;
use std::ops::Range;

use super::cover::Ladder;
use super::usage::MAX_VCORES;
use super::{Billing, HourlyUsage, MAX_USAGE_HOURS, NO_PRICE, Setup};
use crate::error::{Error, ErrorCode, Result};

/// The error of usage that a walk found bad: the first bad row, as [`HourlyUsage::check`]
/// reports it.
pub(super) fn usage_error(usage: &HourlyUsage) -> Error {
    usage.check().err().unwrap_or_else(|| {
        // Unreachable: a walk finds a row bad only if the usage breaks an invariant that
        // `check` checks (see `Walker::run`); an error rather than a panic all the same.
        Error::new(
            ErrorCode::InvalidValue,
            "the usage rows are not in hour order",
        )
        .with_field("hour")
    })
}

/// `e`, unless the usage itself is bad: its errors come first, as when the usage was checked
/// before anything else.
pub(super) fn usage_first(usage: &HourlyUsage, e: Error) -> Error {
    usage.check().err().unwrap_or(e)
}

/// The number of hours of the usage (the last row's hour + 1), checking what can be checked
/// without reading the rows: equal column lengths, a last hour within the span. Anything else
/// the walk checks.
pub(super) fn checked_hours(usage: &HourlyUsage) -> Result<u32> {
    usage.check_lengths()?;
    match usage.hour.last() {
        None => Ok(0),
        Some(&h) if h < MAX_USAGE_HOURS => Ok(h + 1),
        Some(_) => Err(usage_error(usage)),
    }
}

/// Up to `threads` contiguous ranges of `hours` hours with the rows of each, found by binary
/// search on the hour column as if it were sorted; `None` when the boundaries found are not in
/// order, which only unsorted rows give. The ranges cover every row: if the rows are not in
/// hour order, some range has a row outside its hours, and its walk says so.
fn hour_ranges(
    usage: &HourlyUsage,
    hours: u32,
    threads: usize,
) -> Option<Vec<(Range<u32>, Range<usize>)>> {
    let t = threads.clamp(1, (hours as usize).max(1)) as u64;
    let bound = |k: u64| (u64::from(hours) * k / t) as u32;
    let n = usage.hour.len();
    let row = |k: u64| match k {
        0 => 0,
        k if k == t => n,
        k => usage.hour.partition_point(|&h| h < bound(k)),
    };
    let mut parts = Vec::with_capacity(t as usize);
    for k in 0..t {
        let (r0, r1) = (row(k), row(k + 1));
        if r1 < r0 {
            return None;
        }
        parts.push((bound(k)..bound(k + 1), r0..r1));
    }
    Some(parts)
}

/// Runs `f` on each range, the first on the calling thread and the others on scoped threads;
/// the results come back in range order.
fn in_parallel<S: Send>(
    parts: &[(Range<u32>, Range<usize>)],
    f: impl Fn(Range<u32>, Range<usize>) -> S + Sync,
) -> Vec<S> {
    match parts {
        [] => Vec::new(),
        [(h, r)] => vec![f(h.clone(), r.clone())],
        [(h, r), rest @ ..] => std::thread::scope(|sc| {
            let f = &f;
            let handles: Vec<_> = rest
                .iter()
                .map(|(h, r)| sc.spawn(move || f(h.clone(), r.clone())))
                .collect();
            let mut out = vec![f(h.clone(), r.clone())];
            out.extend(handles.into_iter().map(|j| {
                j.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }));
            out
        }),
    }
}

/// Walks the usage hour by hour, calling `each(state, hour, scope, ones, fours, hadr_nc)` with
/// the scope's 1-NC and 4-NC vCores of that hour as ladders (price, vCores), deepest scope
/// first; `each` returns the 1-NC and 4-NC vCores it covered. With `pass_up`, the vCores a
/// scope leaves uncovered (the cheapest) go on to the nearest enclosing scope with assignments
/// (SQL-18).
///
/// The `hours` hours (from [`checked_hours`]) are split into up to `threads` contiguous ranges
/// walked at once, each with its own `state` from `init(hours)`; the states come back in hour
/// order, so merging them in order gives the result of one thread. Also returns the rows
/// outside central management.
///
/// # Errors
///
/// The error of [`HourlyUsage::check`] when the rows break its invariants.
pub(super) fn walk<S: Send>(
    usage: &HourlyUsage,
    setup: &Setup,
    hours: u32,
    pass_up: bool,
    threads: usize,
    init: impl Fn(Range<u32>) -> S + Sync,
    each: impl Fn(&mut S, u32, usize, &mut Ladder, &mut Ladder, u64) -> (u64, u64) + Sync,
) -> Result<(usize, Vec<S>)> {
    let Some(parts) = hour_ranges(usage, hours, threads) else {
        return Err(usage_error(usage));
    };
    let results = in_parallel(&parts, |hours, rows| {
        let mut state = init(hours.clone());
        let outside = Walker::new(usage, setup, pass_up).run(hours, rows, &mut state, &each);
        outside.map(|o| (o, state))
    });
    let mut outside = 0;
    let mut states = Vec::with_capacity(results.len());
    for r in results {
        let Ok((o, s)) = r else {
            return Err(usage_error(usage));
        };
        outside += o;
        states.push(s);
    }
    Ok((outside, states))
}

/// A row breaks an invariant of [`HourlyUsage::check`] (which one, and whether it is the
/// first, `check` says).
struct BadRow;

/// What a thread knows of one resource: the last hour it had a row (duplicates), its last
/// price as written in the row and where that row's vCores are counted.
#[derive(Clone, Copy)]
struct Entry {
    /// The row's `price_micro` the slot was found for (`NO_PRICE` included).
    raw: i64,
    /// The hour of the resource's last row, `u32::MAX` before its first.
    last: u32,
    /// Index into [`Walker::counts`], `UNSET` before the first row.
    slot: usize,
    /// What a row of `v` vCores counts: `max(v, floor) * mul + one`, or `one` when `v` is 0
    /// (SQL VMs count at least 4 vCores, SQL-8; HA/DR replicas count NC; rows outside central
    /// management count as one row).
    floor: u32,
    mul: u32,
    one: u32,
}

const UNSET: usize = usize::MAX;

/// Entries of [`Walker::recent`].
const RECENT: usize = 256;

/// Hashes prices (the keys of [`Walker::ids`]) with the finaliser of MurmurHash3 over the price
/// xor a random seed: usage whose prices differ on every row (a cost export's charge over
/// fractional quantities) looks each up, and SipHash was most of that cost. The seed keeps
/// chosen prices from colliding; which ids prices get does not depend on the hash.
#[derive(Clone)]
struct PriceHash(u64);

impl PriceHash {
    fn new() -> PriceHash {
        use std::hash::BuildHasher;
        PriceHash(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64))
    }
}

impl std::hash::BuildHasher for PriceHash {
    type Hasher = PriceHasher;
    fn build_hasher(&self) -> PriceHasher {
        PriceHasher(self.0)
    }
}

/// See [`PriceHash`].
struct PriceHasher(u64);

impl std::hash::Hasher for PriceHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only `i64` keys are hashed (`write_i64`); any other bytes still hash.
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        let mut h = self.0 ^ x;
        h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h = (h ^ (h >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        self.0 = h ^ (h >> 33);
    }

    fn write_i64(&mut self, x: i64) {
        self.write_u64(x as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One thread's walk over its hours.
///
/// The rows' vCores are added up per (price, bucket) in `counts`, a bucket being a scope's
/// 1-NC or 4-NC vCores. Prices are numbered in the order the thread meets them (`prices`,
/// `ids`); the slot of price `id` in bucket `b` is `base + id × buckets + b`. The first `base`
/// slots are the scopes' HA/DR NC and the rows outside central management. A resource's slot is
/// cached in its [`Entry`] and found again only when its price changes, so a row costs a few
/// loads, compares and one add; the work per hour is proportional to the slots it touched.
struct Walker<'a> {
    usage: &'a HourlyUsage,
    setup: &'a Setup,
    pass_up: bool,
    /// Scopes with assignments.
    scopes: usize,
    /// 1-NC and 4-NC buckets: `2 × scopes`.
    buckets: usize,
    /// Slots before the first price's: HA/DR NC per scope, then the rows outside.
    base: usize,
    entries: Vec<Entry>,
    counts: Vec<u64>,
    /// Slots that became non-zero this hour (a slot may be listed twice if a row added 0).
    touched: Vec<usize>,
    /// Price per id, and id per price, with the last ids found by a hash of the price (a
    /// direct-mapped cache: prices that change every hour are found without the map).
    prices: Vec<i64>,
    ids: HashMap<i64, usize, PriceHash>,
    recent: Vec<(i64, usize)>,
    /// Ids by price, dearest first, when `ordered`.
    order: Vec<usize>,
    ordered: bool,
    /// Per bucket, the hour's ladder.
    ladders: Vec<Ladder>,
    hadr: Vec<u64>,
    outside: usize,
}

/// The end of the rows of hour `h` from row `from`: the first row of another hour or with
/// implausible vCores, or the number of rows. Sixteen rows at a time without early exits, so the
/// compiler can use vector compares: the row loop then need not test these.
fn hour_end(hour: &[u32], vcores: &[u32], from: usize, h: u32) -> usize {
    const LANES: usize = 16;
    let n = hour.len().min(vcores.len());
    let mut i = from.min(n);
    for (hs, vs) in hour[i..n]
        .chunks_exact(LANES)
        .zip(vcores[i..n].chunks_exact(LANES))
    {
        let same = hs
            .iter()
            .zip(vs)
            .fold(true, |ok, (&x, &v)| ok & (x == h) & (v <= MAX_VCORES));
        if !same {
            break;
        }
        i += LANES;
    }
    while i < n && hour[i] == h && vcores[i] <= MAX_VCORES {
        i += 1;
    }
    i
}

/// Counts the rows `rows` of hour `h` (all of that hour, with plausible vCores: see
/// [`hour_end`]) of the columns `(resource, vcores, price_micro)`: each adds its amount to its
/// resource's slot. Stops at the first row of a resource out of range or already seen in the
/// hour, or whose slot is to be found ([`Walker::run`] sees to it), and returns its index
/// (`rows.end` when all are counted).
///
/// This is the loop every row goes through, so it is kept apart from the rest of the walk:
/// its state stays in registers, and everything rare (a new hour, a new price, a bad row)
/// leaves it.
#[inline(never)]
fn count_rows(
    h: u32,
    rows: Range<usize>,
    (resource, vcores, price): (&[u32], &[u32], &[i64]),
    entries: &mut [Entry],
    counts: &mut [u64],
    touched: &mut Vec<usize>,
) -> usize {
    // The columns have the rows' length (`checked_hours`), so these are in bounds.
    let (resource, vcores, price) = (
        &resource[rows.clone()],
        &vcores[rows.clone()],
        &price[rows.clone()],
    );
    for (k, ((&r, &v), &raw)) in resource.iter().zip(vcores).zip(price).enumerate() {
        let Some(e) = entries.get_mut(r as usize) else {
            return rows.start + k;
        };
        if (e.last == h) | (e.raw != raw) {
            return rows.start + k;
        }
        let Some(c) = counts.get_mut(e.slot) else {
            return rows.start + k;
        };
        e.last = h;
        let amount = if v == 0 {
            e.one
        } else {
            v.max(e.floor) * e.mul + e.one
        };
        if *c == 0 {
            touch(touched, e.slot);
        }
        *c += u64::from(amount);
    }
    rows.end
}

/// Notes a slot that becomes non-zero: once per slot and hour, out of the row loop so that the
/// loop keeps its registers.
#[cold]
#[inline(never)]
fn touch(touched: &mut Vec<usize>, slot: usize) {
    touched.push(slot);
}

impl<'a> Walker<'a> {
    fn new(usage: &'a HourlyUsage, setup: &'a Setup, pass_up: bool) -> Walker<'a> {
        let scopes = setup.scopes.len();
        let entries = setup
            .billing
            .iter()
            .map(|b| {
                let (floor, mul, one) = match *b {
                    Billing::Pool { min4, .. } => (if min4 { 4 } else { 0 }, 1, 0),
                    Billing::Hadr { ratio, .. } => (0, ratio as u32, 0),
                    Billing::Outside => (0, 0, 1),
                };
                Entry {
                    raw: NO_PRICE,
                    last: u32::MAX,
                    slot: UNSET,
                    floor,
                    mul,
                    one,
                }
            })
            .collect();
        Walker {
            usage,
            setup,
            pass_up,
            scopes,
            buckets: 2 * scopes,
            base: scopes + 1,
            entries,
            counts: vec![0; scopes + 1],
            touched: Vec::new(),
            prices: Vec::new(),
            ids: HashMap::with_hasher(PriceHash::new()),
            recent: vec![(0, usize::MAX); RECENT],
            order: Vec::new(),
            ordered: true,
            ladders: vec![Ladder::default(); 2 * scopes],
            hadr: vec![0; scopes],
            outside: 0,
        }
    }

    /// Walks `hours` over `rows`, calling `each` for every hour and scope; the rows outside
    /// central management, or [`BadRow`] when a row breaks an invariant of
    /// [`HourlyUsage::check`].
    ///
    /// Each thread checks its own rows: hours within its range and in order, known resources,
    /// no resource twice in an hour (a thread's last hour per resource), plausible vCores; the
    /// span is within the range's last hour ([`checked_hours`]). Rows in order have each hour's
    /// rows in one range, so these local checks together find every bad usage that `check`
    /// finds, and nothing else.
    fn run<S>(
        mut self,
        hours: Range<u32>,
        rows: Range<usize>,
        state: &mut S,
        each: &impl Fn(&mut S, u32, usize, &mut Ladder, &mut Ladder, u64) -> (u64, u64),
    ) -> std::result::Result<usize, BadRow> {
        let u = self.usage;
        let (resource, hour_of, vcores, price_micro) = (
            &u.resource[rows.clone()],
            &u.hour[rows.clone()],
            &u.vcores[rows.clone()],
            &u.price_micro[rows],
        );
        let n = resource.len();
        let (mut i, mut cur) = (0, hours.start);
        // Rows `i..end` are of hour `cur`, with plausible vCores.
        let mut end = hour_end(hour_of, vcores, i, cur);
        loop {
            i = count_rows(
                cur,
                i..end,
                (resource, vcores, price_micro),
                &mut self.entries,
                &mut self.counts,
                &mut self.touched,
            );
            if i < end {
                // A row `count_rows` left: a resource out of range or twice in the hour, or
                // one whose slot is to be found.
                let r = resource[i] as usize;
                let Some(&e) = self.entries.get(r) else {
                    return Err(BadRow);
                };
                if e.last == cur {
                    return Err(BadRow);
                }
                self.entries[r] = self.refresh(r, e, price_micro[i]);
                continue;
            }
            let Some(&h) = hour_of.get(i) else {
                break;
            };
            // The next hour, unless the row is out of order, beyond the range, or of this hour
            // with implausible vCores.
            if h <= cur || h >= hours.end {
                return Err(BadRow);
            }
            while cur < h {
                self.end_hour(cur, state, each);
                cur += 1;
            }
            end = hour_end(hour_of, vcores, i, cur);
        }
        debug_assert_eq!(i, n);
        while cur < hours.end {
            self.end_hour(cur, state, each);
            cur += 1;
        }
        Ok(self.outside)
    }

    /// The entry of resource `r` for a row priced `raw`: its slot for that price.
    #[cold]
    fn refresh(&mut self, r: usize, mut e: Entry, raw: i64) -> Entry {
        e.raw = raw;
        e.slot = match self.setup.billing[r] {
            Billing::Pool { scope, ratio, .. } => {
                let price = match raw {
                    NO_PRICE => self.setup.estate_price[r],
                    p => p,
                };
                let at =
                    ((price as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize % RECENT;
                let id = match self.recent[at] {
                    (p, id) if p == price && id != usize::MAX => id,
                    _ => {
                        let id = match self.ids.get(&price) {
                            Some(&id) => id,
                            None => {
                                let id = self.prices.len();
                                self.ids.insert(price, id);
                                self.prices.push(price);
                                self.counts.resize(self.counts.len() + self.buckets, 0);
                                self.ordered = false;
                                id
                            }
                        };
                        self.recent[at] = (price, id);
                        id
                    }
                };
                let bucket = 2 * scope + usize::from(ratio == 4);
                self.base + id * self.buckets + bucket
            }
            Billing::Hadr { scope, .. } => scope,
            Billing::Outside => self.scopes,
        };
        e
    }

    /// The end of `hour`: its counts into ladders, `each` per scope (deepest first), what a
    /// scope leaves uncovered passed up, everything cleared for the next hour.
    fn end_hour<S>(
        &mut self,
        hour: u32,
        state: &mut S,
        each: &impl Fn(&mut S, u32, usize, &mut Ladder, &mut Ladder, u64) -> (u64, u64),
    ) {
        let s = self.scopes;
        for x in 0..s {
            self.hadr[x] = std::mem::take(&mut self.counts[x]);
        }
        self.outside += std::mem::take(&mut self.counts[s]) as usize;
        let priced = self.touched.len();
        if priced > 0 && priced * 16 > self.prices.len() {
            // Many prices this hour: scan them all, dearest first, so the ladders come sorted.
            if !self.ordered {
                self.order = (0..self.prices.len()).collect();
                let prices = &self.prices;
                self.order
                    .sort_unstable_by_key(|&id| std::cmp::Reverse(prices[id]));
                self.ordered = true;
            }
            for &id in &self.order {
                let at = self.base + id * self.buckets;
                let price = self.prices[id];
                for (b, c) in self.counts[at..at + self.buckets].iter_mut().enumerate() {
                    if *c > 0 {
                        self.ladders[b].push(price, std::mem::take(c));
                    }
                }
            }
        } else {
            // A few: in the order met, sorted by the ladder if it is needed.
            for &slot in &self.touched {
                if slot < self.base {
                    continue;
                }
                let c = std::mem::take(&mut self.counts[slot]);
                if c > 0 {
                    let (id, b) = (
                        (slot - self.base) / self.buckets,
                        (slot - self.base) % self.buckets,
                    );
                    self.ladders[b].push(self.prices[id], c);
                }
            }
        }
        self.touched.clear();
        for x in 0..s {
            let (lo, hi) = self.ladders.split_at_mut(2 * x + 2);
            let (ones, fours) = lo[2 * x..].split_at_mut(1);
            let (ones, fours) = (&mut ones[0], &mut fours[0]);
            let (c1, c4) = each(state, hour, x, ones, fours, self.hadr[x]);
            // The scope above is shallower, so it comes later in the order.
            let above = self.setup.up[x]
                .filter(|_| self.pass_up)
                .and_then(|p| p.checked_sub(x + 1))
                .and_then(|k| hi.get_mut(2 * k..2 * k + 2));
            if let Some([ones_above, fours_above]) = above {
                ones.move_cheapest(c1, ones_above);
                fours.move_cheapest(c4, fours_above);
            }
            ones.clear();
            fours.clear();
        }
    }
}

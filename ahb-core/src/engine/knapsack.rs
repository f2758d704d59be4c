//! Exact 0-1 knapsack for one pool of interchangeable licences.
//!
//! Real estates have thousands of resources but few distinct unit sizes (a Windows VM needs
//! `max(8, vCPUs)` core licences; vCPU counts are 2, 4, 8, 16, …). The solver exploits that:
//!
//! 1. The LP relaxation is solved by the greedy ratio order: a prefix of items fits whole, the
//!    next ("break") item fits in part. Its value, rounded up, is an upper bound.
//! 2. Proximity (Eisenbrand and Weismantel, "Proximity results and faster algorithms for integer
//!    programming using the Steinitz lemma", SODA 2018): for one constraint whose coefficients
//!    are at most Δ, some optimal integer solution differs from that LP vertex in at most
//!    2Δ + 1 coordinates. Within one unit size the best items to add are the most valuable
//!    untaken ones and the best to drop the least valuable taken ones, so an optimum is the
//!    greedy prefix changed by a count δ per distinct size, with |δ| ≤ 2Δ + 2.
//! 3. A dynamic programme over the distinct sizes and the capacity offset those changes
//!    produce finds the best δ exactly. The gain of changing one size's count by δ is concave
//!    in δ (the items dropped are the least valuable taken, the items added the most valuable
//!    untaken, and every taken item of a size is worth at least every untaken one), so each
//!    size's step is a max-plus convolution with a concave kernel: its row maxima are monotone
//!    and the SMAWK algorithm (Aggarwal, Klawe, Moran, Shor and Wilber, 1987) finds them in
//!    time linear in the offsets, instead of offsets × changes. Offsets past the residual
//!    capacity plus what the sizes still to come can drop are never computed: nothing can
//!    bring them back within capacity. States that cannot reach the greedy completion's value
//!    even at the break item's value per unit (`Promise`) are dropped after each size.
//!
//! Sizes are divided by their greatest common divisor first. When the programme would exceed
//! the work budget (very large sizes), the solver returns the greedy solution with the LP
//! bound, so the caller can report the gap honestly.

/// An item: units it needs (> 0) and its value (> 0), in integer micro-units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Units of capacity needed.
    pub units: u64,
    /// Value when chosen.
    pub value: i128,
}

/// The result of a solve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// Which items are chosen, by index into the input.
    pub chosen: Vec<bool>,
    /// Total value of the chosen items.
    pub value: i128,
    /// An upper bound on the optimum (equal to `value` when proven optimal).
    pub bound: i128,
}

/// The work budget of the exact programme: distinct sizes × (offsets + changes per size).
pub const DEFAULT_BUDGET: u64 = 400_000_000;

/// A knapsack instance with its greedy order precomputed, to be solved for many capacities.
pub struct Knapsack<'a> {
    items: &'a [Item],
    /// Item indices by value per unit, best first; ties by fewer units, then index.
    order: Vec<usize>,
    /// `prefix_units[k]` = units of the first `k` items of `order`.
    prefix_units: Vec<u64>,
    prefix_value: Vec<i128>,
    gcd: u64,
    /// Per distinct size (divided by `gcd`), ascending: the positions in `order` of its items,
    /// so that a solve finds the items next to the greedy break without scanning them all.
    by_size: Vec<(u64, Vec<usize>)>,
}

/// The greedy order of both solvers: value per unit, best first (compared exactly, without
/// division); then fewer units; then input position, so the order is deterministic.
pub(crate) fn best_ratio_first(x: (i128, u64, usize), y: (i128, u64, usize)) -> std::cmp::Ordering {
    (y.0 * i128::from(x.1))
        .cmp(&(x.0 * i128::from(y.1)))
        .then(x.1.cmp(&y.1))
        .then(x.2.cmp(&y.2))
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl<'a> Knapsack<'a> {
    /// Prepares `items` (all with positive units and value).
    pub fn new(items: &'a [Item]) -> Knapsack<'a> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&items[a], &items[b]);
            best_ratio_first((x.value, x.units, a), (y.value, y.units, b))
        });
        let mut prefix_units = Vec::with_capacity(items.len() + 1);
        let mut prefix_value = Vec::with_capacity(items.len() + 1);
        let (mut u, mut v) = (0u64, 0i128);
        prefix_units.push(0);
        prefix_value.push(0);
        for &i in &order {
            u += items[i].units;
            v += items[i].value;
            prefix_units.push(u);
            prefix_value.push(v);
        }
        let g = items.iter().fold(0, |g, it| gcd(g, it.units)).max(1);
        let mut by_size = std::collections::BTreeMap::<u64, Vec<usize>>::new();
        for (pos, &i) in order.iter().enumerate() {
            by_size.entry(items[i].units / g).or_default().push(pos);
        }
        Knapsack {
            items,
            order,
            prefix_units,
            prefix_value,
            gcd: g,
            by_size: by_size.into_iter().collect(),
        }
    }

    /// Number of whole items of the greedy prefix that fit in `capacity`.
    fn prefix_len(&self, capacity: u64) -> usize {
        self.prefix_units.partition_point(|&u| u <= capacity) - 1
    }

    /// The LP relaxation's optimum for `capacity`, rounded up: an upper bound on any solution.
    pub fn lp_bound(&self, capacity: u64) -> i128 {
        let k = self.prefix_len(capacity);
        let mut bound = self.prefix_value[k];
        if let Some(&b) = self.order.get(k) {
            let rest = i128::from(capacity - self.prefix_units[k]);
            let it = &self.items[b];
            let units = i128::from(it.units);
            bound += (it.value * rest + units - 1) / units;
        }
        bound
    }

    /// The best total value for `capacity`, exact unless the work budget is exceeded.
    pub fn solve(&self, capacity: u64, budget: u64) -> Solution {
        self.solve_pruned(capacity, budget, true)
    }

    /// [`Knapsack::solve`], with the reduced-cost filter and the bound on offsets by the drops
    /// still to come on or off (the tests compare both).
    fn solve_pruned(&self, capacity: u64, budget: u64, prune: bool) -> Solution {
        let n = self.items.len();
        let k = self.prefix_len(capacity);
        let mut chosen = vec![false; n];
        for &i in &self.order[..k] {
            chosen[i] = true;
        }
        if k == n {
            return Solution {
                chosen,
                value: self.prefix_value[n],
                bound: self.prefix_value[n],
            };
        }
        let bound = self.lp_bound(capacity);
        let g = self.gcd;
        let delta = self.by_size.last().map_or(1, |(s, _)| *s);
        let reach = 2 * delta + 2;
        let residual = (capacity - self.prefix_units[k]) / g;
        let keep = self.reduced_cost_filter(capacity, k, prune);
        // Items by scaled size: taken ones least valuable first, untaken most valuable first;
        // only the `reach` nearest the break on each side can change, and of those only the
        // ones whose reduced cost fits the slack.
        let near = reach as usize;
        let sizes: Vec<(u64, Vec<usize>, Vec<usize>)> = self
            .by_size
            .iter()
            .map(|(s, positions)| {
                let split = positions.partition_point(|&p| p < k);
                let taken = positions[split.saturating_sub(near)..split]
                    .iter()
                    .rev()
                    .map(|&p| self.order[p])
                    .take_while(|&i| keep(i, true))
                    .collect();
                let untaken = positions[split..positions.len().min(split + near)]
                    .iter()
                    .map(|&p| self.order[p])
                    .take_while(|&i| keep(i, false))
                    .collect();
                (*s, taken, untaken)
            })
            .collect();
        // Offsets run from −(capacity the drops can free) to +(capacity the additions can
        // use), each at most reach·Δ (the additions up to reach·Δ + residual): sizes are visited
        // in turn, so an addition may be counted before the drop that makes room.
        // (units that could be dropped, units that could be added), scaled.
        let (drops, adds) = sizes.iter().fold((0u64, 0u64), |(d, a), (s, t, u)| {
            (
                d.saturating_add(s.saturating_mul(t.len() as u64)),
                a.saturating_add(s.saturating_mul(u.len() as u64)),
            )
        });
        // And no offset past the residual plus what the sizes still to come can drop is ever
        // useful: the drops left cannot bring it back within capacity. That bounds the
        // offsets by residual + drops overall, and each size's step by the drops after it.
        let low = (reach * delta).min(drops);
        let mut high = (reach * delta + residual).min(adds);
        if prune {
            high = high.min(residual.saturating_add(drops));
        }
        let width = low + high + 1;
        let work: u64 = sizes
            .iter()
            .map(|(_, t, u)| width.saturating_add((t.len() + u.len() + 1) as u64))
            .fold(0u64, u64::saturating_add);
        if work > budget {
            return self.greedy_fill(capacity, chosen, k, bound);
        }
        let width = width as usize;
        let low = low as i64;
        // The programme's row and a spare one, both all unreached outside the window of
        // reached offsets, which is all a step reads and writes: pruned programmes reach a
        // few hundred of tens of thousands of offsets.
        let mut dp = vec![NONE; width];
        let mut spare = vec![NONE; width];
        dp[low as usize] = 0;
        let mut window = (low as usize, low as usize);
        // Per size, the first offset of its window and the change chosen at each.
        let mut choices: Vec<(usize, Vec<i32>)> = Vec::with_capacity(sizes.len());
        let promise = prune.then(|| self.promising(capacity, k)).flatten();
        // Units the sizes after each one can drop.
        let mut drops_after = vec![0u64; sizes.len()];
        for j in (0..sizes.len().saturating_sub(1)).rev() {
            let (s, taken, _) = &sizes[j + 1];
            drops_after[j] =
                drops_after[j + 1].saturating_add(s.saturating_mul(taken.len() as u64));
        }
        for ((s, taken, untaken), after) in sizes.iter().zip(&drops_after) {
            let s = *s as i64;
            // The highest offset (as an index) worth computing at this step.
            let top = if prune {
                (low as u64)
                    .saturating_add(residual)
                    .saturating_add(*after)
                    .min(width as u64 - 1)
            } else {
                width as u64 - 1
            };
            // gain[δ + t] for δ in −t..=u.
            let t = taken.len() as i64;
            let mut gain = vec![0i128; taken.len() + untaken.len() + 1];
            for d in 1..=taken.len() {
                gain[taken.len() - d] = gain[taken.len() - d + 1] - self.items[taken[d - 1]].value;
            }
            for d in 1..=untaken.len() {
                gain[taken.len() + d] =
                    gain[taken.len() + d - 1] + self.items[untaken[d - 1]].value;
            }
            // Changes of this size move an offset down by at most t·s, up by at most u·s.
            let out = (
                window.0.saturating_sub(taken.len() * s as usize),
                (window.1 + untaken.len() * s as usize).min(top as usize),
            );
            let pick = concave_step(
                &dp,
                window,
                &mut spare,
                out,
                s,
                t,
                &gain,
                self.prefix_value[n],
            );
            if let Some(promise) = &promise {
                for (o, v) in spare.iter_mut().enumerate().take(out.1 + 1).skip(out.0) {
                    if *v != NONE && !promise.keeps(*v, o as i64 - low) {
                        *v = NONE;
                    }
                }
            }
            dp[window.0..=window.1].fill(NONE);
            std::mem::swap(&mut dp, &mut spare);
            let reached = |o: &usize| dp[*o] != NONE;
            match (
                (out.0..=out.1).find(reached),
                (out.0..=out.1).rev().find(reached),
            ) {
                (Some(a), Some(b)) => window = (a, b),
                // Unchanging each size keeps the prefix's offset, within `top` and never
                // pruned (the completion is reached through it): not reached.
                _ => return self.greedy_fill(capacity, chosen, k, bound),
            }
            choices.push((out.0, pick));
        }
        // Best offset within the residual capacity; ties prefer fewer units used.
        let mut best = (NONE, 0usize);
        let limit = (low as usize + residual as usize).min(window.1);
        for (o, &v) in dp.iter().enumerate().take(limit + 1).skip(window.0) {
            if v > best.0 {
                best = (v, o);
            }
        }
        let (gain, mut o) = best;
        for ((s, taken, untaken), (start, pick)) in sizes.iter().zip(&choices).rev() {
            // The optimum's offsets were reached, so they lie in each step's window.
            let d = o.checked_sub(*start).and_then(|i| pick.get(i)).copied();
            debug_assert!(d.is_some(), "offset {o} outside its step's window");
            let d = d.unwrap_or(0);
            if d < 0 {
                for &i in &taken[..(-d) as usize] {
                    chosen[i] = false;
                }
            } else {
                for &i in &untaken[..d as usize] {
                    chosen[i] = true;
                }
            }
            o = (o as i64 - i64::from(d) * *s as i64) as usize;
        }
        let value = self.prefix_value[k] + gain;
        Solution {
            chosen,
            value,
            bound: value,
        }
    }

    /// The greedy prefix, then every later item that still fits: a feasible fallback.
    /// Which items near the break may change in an optimal solution: `keep(i, taken)`.
    ///
    /// With ρ the break item's value per unit, each item has a reduced cost — what it is worth
    /// less than ρ per unit if untaken, more if taken — and a change set that adds units `A`
    /// and drops units `D` gains ρ(A − D) minus the reduced costs of its items. A feasible set
    /// has A − D at most the residual capacity, and an optimal one gains at least the greedy
    /// completion, so every item of every optimal solution has a reduced cost of at most
    /// ρ·residual − (the greedy completion's gain). Items past that can be left out of the
    /// programme without losing any optimal solution, so the solution found (and its tie
    /// breaks) is the same; the offsets shrink with them. Everything is scaled by the break
    /// item's units, so the test is exact integer arithmetic; on overflow nothing is left out.
    fn reduced_cost_filter(
        &self,
        capacity: u64,
        k: usize,
        prune: bool,
    ) -> impl Fn(usize, bool) -> bool + '_ {
        let b = &self.items[self.order[k]];
        let (vb, wb) = (b.value, i128::from(b.units));
        let residual = i128::from(capacity - self.prefix_units[k]);
        let gain = self.fill_value(capacity, k) - self.prefix_value[k];
        // slack × wb = vb·residual − gain·wb.
        let slack = vb
            .checked_mul(residual)
            .zip(gain.checked_mul(wb))
            .and_then(|(x, y)| x.checked_sub(y))
            .filter(|_| prune);
        move |i, taken| {
            let Some(slack) = slack else { return true };
            let it = &self.items[i];
            let (x, y) = (
                it.value.checked_mul(wb),
                vb.checked_mul(i128::from(it.units)),
            );
            let cost = match (x, y) {
                (Some(x), Some(y)) if taken => x.checked_sub(y),
                (Some(x), Some(y)) => y.checked_sub(x),
                _ => None,
            };
            cost.is_none_or(|c| c <= slack)
        }
    }

    /// Which states of the offsets programme can still lead to an optimum (see [`Promise`]).
    /// `None` (every state kept) when the greedy completion's gain does not fit the arithmetic.
    fn promising(&self, capacity: u64, k: usize) -> Option<Promise> {
        let b = &self.items[self.order[k]];
        let wb = i128::from(b.units);
        Some(Promise {
            wb,
            per_offset: b.value.checked_mul(i128::from(self.gcd))?,
            residual: i128::from((capacity - self.prefix_units[k]) / self.gcd),
            target: (self.fill_value(capacity, k) - self.prefix_value[k]).checked_mul(wb)?,
        })
    }

    /// The value of the greedy completion: the prefix, then every later item that still fits.
    fn fill_value(&self, capacity: u64, k: usize) -> i128 {
        let (mut used, mut value) = (self.prefix_units[k], self.prefix_value[k]);
        for &i in &self.order[k..] {
            let it = &self.items[i];
            if used + it.units <= capacity {
                used += it.units;
                value += it.value;
            }
        }
        value
    }

    fn greedy_fill(&self, capacity: u64, mut chosen: Vec<bool>, k: usize, bound: i128) -> Solution {
        let mut used = self.prefix_units[k];
        let mut value = self.prefix_value[k];
        for &i in &self.order[k..] {
            let it = &self.items[i];
            if used + it.units <= capacity {
                used += it.units;
                value += it.value;
                chosen[i] = true;
            }
        }
        Solution {
            chosen,
            value,
            bound,
        }
    }
}

/// Unreached offsets of the programme.
const NONE: i128 = i128::MIN;

/// The test that prunes the offsets programme's states: with ρ the break item's value per
/// unit, every change still to come gains at most ρ per unit of offset it adds (an untaken
/// item is worth at most ρ per unit, a taken one at least ρ), and a solution ends at an offset
/// of at most the residual. So a state (gain, offset) ends no better than
/// gain + ρ·(residual − offset). When that is below the greedy completion's gain, which some
/// solution reaches, no optimum passes through the state; nor does any state that an
/// optimum's state takes its value from (ties included) fall below, so the choice is the
/// same. Everything is multiplied by the break item's units, so the test is exact.
struct Promise {
    /// The break item's units.
    wb: i128,
    /// The break item's value × the units of one offset step (the gcd of the sizes).
    per_offset: i128,
    /// The residual capacity, in offset steps.
    residual: i128,
    /// The greedy completion's gain over the prefix, × `wb`.
    target: i128,
}

impl Promise {
    /// Whether a state can still lead to an optimum (true when the arithmetic would overflow).
    fn keeps(&self, gain: i128, offset: i64) -> bool {
        gain.checked_mul(self.wb)
            .zip(
                self.per_offset
                    .checked_mul(self.residual - i128::from(offset)),
            )
            .and_then(|(x, y)| x.checked_add(y))
            .is_none_or(|bound| bound >= self.target)
    }
}

/// One size's step of the offsets programme: `next[o + δ·s] = max dp[o] + gain[δ + t]` over
/// δ in −t..=u, with the change δ that attains it (the smallest source offset on ties, as a
/// scan of sources in increasing order keeping the first strict improvement would give).
/// Only the offsets in `src` (inclusive) are read and only those in `out` written (`next`
/// is unreached there on entry); the changes are returned for `out`, from its first offset.
///
/// Offsets are split by their residue modulo `s`; within one residue class the step is a
/// max-plus convolution of the reached offsets with the concave `gain`, whose matrix
/// `M[i][m] = dp[m] + gain[i − m + t]` has monotone row maxima. The kernel is extended beyond
/// its ends with slopes steeper than any total (`4·total + 1` per unit), which keeps it
/// concave, so SMAWK applies unchanged; a maximum found on the extension means the offset
/// cannot be reached.
#[allow(clippy::too_many_arguments)]
fn concave_step(
    dp: &[i128],
    src: (usize, usize),
    next: &mut [i128],
    out: (usize, usize),
    s: i64,
    t: i64,
    gain: &[i128],
    total: i128,
) -> Vec<i32> {
    let width = dp.len();
    let mut pick = vec![0i32; out.1 + 1 - out.0];
    let s = s.max(1) as usize;
    let last = gain.len() as i64 - 1;
    let steep = total.saturating_mul(4).saturating_add(1);
    let kernel = |j: i64| -> i128 {
        if j < 0 {
            gain[0].saturating_sub(steep.saturating_mul(i128::from(-j)))
        } else if j > last {
            gain[last as usize].saturating_sub(steep.saturating_mul(i128::from(j - last)))
        } else {
            gain[j as usize]
        }
    };
    let (mut at, mut value) = (Vec::new(), Vec::new());
    let mut best = Vec::new();
    for r in 0..s.min(width) {
        // The reached offsets of this class: their index within it, and their values.
        at.clear();
        value.clear();
        // The class's first offset at or after the window's start.
        let from = src.0 + (r + s - src.0 % s) % s;
        for o in (from..=src.1).step_by(s) {
            if dp[o] != NONE {
                at.push(((o - r) / s) as i64);
                value.push(dp[o]);
            }
        }
        let (Some(&first), Some(&end)) = (at.first(), at.last()) else {
            continue;
        };
        // Only rows within the kernel's reach of a reached offset can be reached, and only
        // those in the output window are wanted.
        if out.1 < r {
            continue;
        }
        let row_min = (out.0.saturating_sub(r)).div_ceil(s) as i64;
        let row_max = ((out.1 - r) / s) as i64;
        let lo = (first - t).max(row_min);
        let hi = (end + last - t).min(row_max);
        if lo > hi {
            continue;
        }
        let store = |i: i64, c: usize, next: &mut [i128], pick: &mut [i32]| {
            let j = i - at[c] + t;
            if (0..=last).contains(&j) {
                let o2 = r + i as usize * s;
                next[o2] = value[c] + gain[j as usize];
                pick[o2 - out.0] = (j - t) as i32;
            }
        };
        let rows = (hi - lo + 1) as usize;
        if (at.len() as u64) * (gain.len() as u64) <= 8 * (rows + at.len()) as u64 {
            // Few reached offsets: trying each change from each is cheaper. Sources in
            // increasing order, first strict improvement kept: the same choice as SMAWK's.
            for c in 0..at.len() {
                for j in 0..=last {
                    let i = at[c] + j - t;
                    if i < lo || i > hi {
                        continue;
                    }
                    let o2 = r + i as usize * s;
                    let v = value[c] + gain[j as usize];
                    if v > next[o2] {
                        next[o2] = v;
                        pick[o2 - out.0] = (j - t) as i32;
                    }
                }
            }
            continue;
        }
        let entry = |row: usize, c: usize| -> i128 {
            let i = lo + row as i64;
            value[c].saturating_add(kernel(i - at[c] + t))
        };
        best.clear();
        best.resize(rows, 0);
        let row_ids: Vec<usize> = (0..rows).collect();
        let cols: Vec<usize> = (0..at.len()).collect();
        smawk(&row_ids, &cols, &entry, &mut best);
        for (row, &c) in best.iter().enumerate() {
            store(lo + row as i64, c, next, &mut pick);
        }
    }
    pick
}

/// The leftmost maximum of each row of a totally monotone matrix (row maxima move right, or
/// stay, as the row index grows), written to `best[row]` as a column: SMAWK, linear in rows
/// plus columns.
fn smawk<F: Fn(usize, usize) -> i128>(
    rows: &[usize],
    cols: &[usize],
    value: &F,
    best: &mut [usize],
) {
    if rows.is_empty() {
        return;
    }
    // Reduce: at most one column per row can hold a row maximum.
    let mut kept: Vec<usize> = Vec::with_capacity(rows.len().min(cols.len()));
    for &c in cols {
        while let Some(&top) = kept.last() {
            let r = rows[kept.len() - 1];
            if value(r, top) >= value(r, c) {
                break;
            }
            kept.pop();
        }
        if kept.len() < rows.len() {
            kept.push(c);
        }
    }
    let odd: Vec<usize> = rows.iter().skip(1).step_by(2).copied().collect();
    smawk(&odd, &kept, value, best);
    // The even rows: each one's maximum lies between its neighbours' (in kept order).
    let mut k = 0;
    for (at, &r) in rows.iter().enumerate().step_by(2) {
        let stop = match rows.get(at + 1) {
            Some(&below) => best[below],
            None => *kept.last().expect("kept has a column for every row"),
        };
        let (mut arg, mut top) = (kept[k], value(r, kept[k]));
        while kept[k] != stop {
            k += 1;
            let v = value(r, kept[k]);
            if v > top {
                (arg, top) = (kept[k], v);
            }
        }
        best[r] = arg;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(items: &[Item], cap: u64) -> i128 {
        let n = items.len();
        (0u32..1 << n)
            .filter_map(|m| {
                let (mut u, mut v) = (0, 0);
                for (i, it) in items.iter().enumerate() {
                    if m >> i & 1 == 1 {
                        u += it.units;
                        v += it.value;
                    }
                }
                (u <= cap).then_some(v)
            })
            .max()
            .unwrap_or(0)
    }

    /// Solves `items` at `cap` and checks the solution is feasible, adds up, equals `oracle`'s
    /// optimum and is proven (bound = value).
    fn check_against(items: &[Item], cap: u64, oracle: fn(&[Item], u64) -> i128) {
        let k = Knapsack::new(items);
        let s = k.solve(cap, DEFAULT_BUDGET);
        let used: u64 = items
            .iter()
            .zip(&s.chosen)
            .filter(|p| *p.1)
            .map(|p| p.0.units)
            .sum();
        let value: i128 = items
            .iter()
            .zip(&s.chosen)
            .filter(|p| *p.1)
            .map(|p| p.0.value)
            .sum();
        assert!(used <= cap);
        assert_eq!(value, s.value);
        assert_eq!(s.value, oracle(items, cap), "{items:?} cap {cap}");
        assert_eq!(s.bound, s.value);
        assert!(k.lp_bound(cap) >= s.value);
    }

    fn check(items: &[Item], cap: u64) {
        check_against(items, cap, brute);
    }

    #[test]
    fn a_16_vcpu_vm_can_crowd_out_two_12s_that_save_more() {
        // Greedy by savings per licence takes the 16 first; two 12s save more in 24 licences.
        let items = [
            Item {
                units: 16,
                value: 170,
            },
            Item {
                units: 12,
                value: 120,
            },
            Item {
                units: 12,
                value: 120,
            },
        ];
        check(&items, 24);
        let s = Knapsack::new(&items).solve(24, DEFAULT_BUDGET);
        assert_eq!(s.chosen, vec![false, true, true]);
    }

    #[test]
    fn matches_brute_force_on_a_pseudorandom_family() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..300 {
            let n = (next() % 12) as usize + 1;
            let items: Vec<Item> = (0..n)
                .map(|_| Item {
                    units: [8, 12, 16, 20, 24, 32, 4, 2][(next() % 8) as usize],
                    value: (next() % 500) as i128 + 1,
                })
                .collect();
            let cap = next() % 120;
            check(&items, cap);
        }
    }

    /// The textbook O(items × capacity) programme, as an oracle for larger instances.
    fn by_capacity(items: &[Item], cap: u64) -> i128 {
        let mut best = vec![0i128; cap as usize + 1];
        for it in items {
            for c in (it.units as usize..=cap as usize).rev() {
                best[c] = best[c].max(best[c - it.units as usize] + it.value);
            }
        }
        best[cap as usize]
    }

    #[test]
    fn matches_the_textbook_programme_on_hundreds_of_items_with_many_sizes() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..60 {
            let n = (next() % 300) as usize + 1;
            let sizes = [
                1u64, 2, 3, 4, 6, 8, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128,
            ];
            let kinds = (next() % sizes.len() as u64) as usize + 1;
            let items: Vec<Item> = (0..n)
                .map(|_| {
                    let units = sizes[(next() % kinds as u64) as usize];
                    // Values near proportional to size, so that the greedy break matters.
                    let value = (units as i128) * 100 + (next() % 200) as i128 - 100;
                    Item {
                        units,
                        value: value.max(1),
                    }
                })
                .collect();
            let all: u64 = items.iter().map(|i| i.units).sum();
            let cap = next() % (all + 10);
            check_against(&items, cap, by_capacity);
        }
    }

    #[test]
    fn leaving_out_items_by_reduced_cost_changes_no_solution() {
        // The same choice (not only the same value) with and without the filter and the
        // offset bound, on instances
        // where many items share a value per unit (ties) and where few do.
        let mut x: u64 = 0x0DDB_1A5E_5BAD_5EED;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut pruned_some = 0;
        for round in 0..400 {
            let n = (next() % 200) as usize + 1;
            let sizes = [1u64, 2, 4, 8, 12, 16, 24, 32];
            let items: Vec<Item> = (0..n)
                .map(|_| {
                    let units = sizes[(next() % sizes.len() as u64) as usize];
                    let noise = if round % 2 == 0 { 3 } else { 400 };
                    let value = (units as i128) * 100 + (next() % noise) as i128;
                    Item { units, value }
                })
                .collect();
            let all: u64 = items.iter().map(|i| i.units).sum();
            let cap = next() % (all + 10);
            let k = Knapsack::new(&items);
            let (a, b) = (
                k.solve_pruned(cap, DEFAULT_BUDGET, true),
                k.solve_pruned(cap, DEFAULT_BUDGET, false),
            );
            assert_eq!(a, b, "{items:?} cap {cap}");
            let split = k.prefix_len(cap);
            if split < items.len() {
                let keep = k.reduced_cost_filter(cap, split, true);
                pruned_some +=
                    usize::from((0..items.len()).any(|i| !keep(i, k.order[..split].contains(&i))));
            }
        }
        // The filter did leave items out, so the comparison tested something.
        assert!(pruned_some > 50, "{pruned_some}");
    }

    #[test]
    fn the_pruning_keeps_the_greedy_prefix_and_drops_states_that_lost_too_much() {
        // Sizes 2 and 3 (gcd 1): ratios 10, 9, 8, 7 per unit; capacity 6 breaks at item 2.
        let items = [
            Item {
                units: 2,
                value: 20,
            },
            Item {
                units: 3,
                value: 27,
            },
            Item {
                units: 2,
                value: 16,
            },
            Item {
                units: 3,
                value: 21,
            },
        ];
        let k = Knapsack::new(&items);
        let split = k.prefix_len(6);
        assert_eq!(split, 2);
        let promise = k.promising(6, split).expect("small numbers fit");
        // The prefix itself (gain 0, offset 0) can reach the optimum; so can adding the
        // break item after dropping a 3 (gain 16 - 27, offset -1).
        assert!(promise.keeps(0, 0));
        assert!(promise.keeps(16 - 27, -1));
        // The greedy completion adds nothing (residual 1), so the target gain is 0. From
        // offset -5 at most 6 units can be added at 8 per unit: a state there must have lost
        // no more than 48 (ties kept).
        assert!(promise.keeps(-48, -5));
        assert!(!promise.keeps(-49, -5));
        // Overflow keeps the state.
        assert!(promise.keeps(i128::MAX, 0));
    }

    #[test]
    fn over_budget_falls_back_to_a_feasible_solution_with_a_true_bound() {
        let items = [
            Item {
                units: 997,
                value: 1000,
            },
            Item {
                units: 1000,
                value: 1002,
            },
            Item { units: 3, value: 2 },
        ];
        let k = Knapsack::new(&items);
        let s = k.solve(1000, 10);
        assert!(s.bound >= brute(&items, 1000));
        assert!(s.value <= brute(&items, 1000));
    }
}

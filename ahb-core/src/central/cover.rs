//! One hour of one scope: how many normalised cores the assigned licences cover and the money
//! saved, at vCore granularity (OQ-6). Demand comes as vCores needing 1 NC (General Purpose,
//! Hyperscale, Standard VMs) and vCores needing 4 NC (Business Critical, Enterprise VMs),
//! each with its licence price per vCore-hour.

use crate::rules::CentralStrategy;

/// vCores by price: one hour's vCores of one scope and tier (1 NC or 4 NC per vCore), with
/// prefix sums for "the k dearest" once sorted. Prices may repeat (a nested scope's overflow
/// joins the scope's own vCores at the same prices); the values computed do not depend on the
/// order of equal prices.
#[derive(Debug, Default, Clone)]
pub(crate) struct Ladder {
    /// (price per vCore-hour in micro-units, vCores), dearest first unless `unsorted`.
    steps: Vec<(i64, u64)>,
    cum_vcores: Vec<u64>,
    cum_value: Vec<i128>,
    sum_vcores: u64,
    sum_value: i128,
    /// A step is dearer than the one before it (pushing dearest first needs no sort).
    unsorted: bool,
    /// The prefix sums are those of the steps.
    ready: bool,
}

impl Ladder {
    pub fn clear(&mut self) {
        self.steps.clear();
        self.cum_vcores.clear();
        self.cum_value.clear();
        self.sum_vcores = 0;
        self.sum_value = 0;
        self.unsorted = false;
        self.ready = false;
    }

    /// Adds vCores at a price.
    pub fn push(&mut self, price: i64, vcores: u64) {
        if vcores > 0 {
            self.unsorted |= self.steps.last().is_some_and(|s| s.0 < price);
            self.steps.push((price, vcores));
            self.sum_vcores += vcores;
            self.sum_value += i128::from(price) * i128::from(vcores);
            self.ready = false;
        }
    }

    /// Value of all the vCores.
    pub fn value(&self) -> i128 {
        self.sum_value
    }

    fn sort_steps(&mut self) {
        if self.unsorted {
            self.steps.sort_unstable_by_key(|s| std::cmp::Reverse(s.0));
            self.unsorted = false;
        }
    }

    /// Sorts by price, dearest first, and builds the prefix sums; only needed before
    /// [`Ladder::top`] and only when the licences do not cover everything.
    pub fn sort(&mut self) {
        if self.ready {
            return;
        }
        self.sort_steps();
        let (mut v, mut m) = (0u64, 0i128);
        self.cum_vcores.clear();
        self.cum_value.clear();
        for &(p, n) in &self.steps {
            v += n;
            m += i128::from(p) * i128::from(n);
            self.cum_vcores.push(v);
            self.cum_value.push(m);
        }
        self.ready = true;
    }

    pub fn total(&self) -> u64 {
        self.sum_vcores
    }

    /// Value of the `k` dearest vCores (after [`Ladder::sort`]).
    pub fn top(&self, k: u64) -> i128 {
        let j = self.cum_vcores.partition_point(|&c| c <= k);
        let (before_v, before_m) = if j == 0 {
            (0, 0)
        } else {
            (self.cum_vcores[j - 1], self.cum_value[j - 1])
        };
        match self.steps.get(j) {
            Some(&(p, _)) => before_m + i128::from(p) * i128::from(k - before_v),
            None => before_m,
        }
    }

    /// Adds to `to` the vCores beyond the `keep` dearest (the ones left uncovered), cheapest
    /// first: a nested scope's overflow reaching the assignments above it (SQL-18).
    pub fn move_cheapest(&mut self, keep: u64, to: &mut Ladder) {
        let mut left = self.sum_vcores.saturating_sub(keep);
        if left == 0 {
            return;
        }
        self.sort_steps();
        for &(p, n) in self.steps.iter().rev() {
            if left == 0 {
                break;
            }
            let take = n.min(left);
            to.push(p, take);
            left -= take;
        }
    }
}

/// Covered NC and the money saved with `a` NC assigned.
pub(crate) fn cover(
    ones: &mut Ladder,
    fours: &mut Ladder,
    a: u64,
    strategy: CentralStrategy,
) -> (u64, i128) {
    let (nc, value, _, _) = cover_split(ones, fours, a, strategy);
    (nc, value)
}

/// [`cover`], with the vCores covered of each ladder (the dearest of each): `(NC, money,
/// 1-NC vCores, 4-NC vCores)`.
pub(crate) fn cover_split(
    ones: &mut Ladder,
    fours: &mut Ladder,
    a: u64,
    strategy: CentralStrategy,
) -> (u64, i128, u64, u64) {
    let (n1, n4) = (ones.total(), fours.total());
    if a >= n1 + 4 * n4 {
        return (n1 + 4 * n4, ones.value() + fours.value(), n1, n4);
    }
    if a == 0 {
        return (0, 0, 0, 0);
    }
    ones.sort();
    fours.sort();
    let (ones, fours) = (&*ones, &*fours);
    let value = |x4: u64| fours.top(x4) + ones.top(n1.min(a - 4 * x4));
    let nc = |x4: u64| 4 * x4 + n1.min(a - 4 * x4);
    let hi = n4.min(a / 4);
    let lo = match strategy {
        // Maximum NC first (Azure's documented behaviour, SQL-18): every x4 from the smallest
        // that still fills `a` up to `hi` covers the most NC; the dearest among them is taken.
        CentralStrategy::MaxNcUtilization | CentralStrategy::DeterministicOrder => {
            if n1 + 4 * hi >= a {
                (a - n1.min(a)).div_ceil(4).min(hi)
            } else {
                hi
            }
        }
        CentralStrategy::MaxCostSavings => 0,
    };
    // `value` is concave in x4 (both ladders are concave and the cap is affine): search it.
    let (mut l, mut h) = (lo, hi);
    while h - l > 2 {
        let m1 = l + (h - l) / 3;
        let m2 = h - (h - l) / 3;
        if value(m1) < value(m2) {
            l = m1 + 1;
        } else {
            h = m2;
        }
    }
    let best = (l..=h)
        .max_by(|&x, &y| value(x).cmp(&value(y)).then(y.cmp(&x)))
        .unwrap_or(lo);
    (nc(best), value(best), n1.min(a - 4 * best), best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder(items: &[(i64, u64)]) -> Ladder {
        let mut l = Ladder::default();
        for &(p, v) in items {
            l.push(p, v);
        }
        l.sort();
        l
    }

    /// Every split of `a` over single vCores, brute force.
    fn brute(
        ones: &[(i64, u64)],
        fours: &[(i64, u64)],
        a: u64,
        strategy: CentralStrategy,
    ) -> (u64, i128) {
        let mut o: Vec<i64> = ones
            .iter()
            .flat_map(|&(p, v)| std::iter::repeat_n(p, v as usize))
            .collect();
        let mut f: Vec<i64> = fours
            .iter()
            .flat_map(|&(p, v)| std::iter::repeat_n(p, v as usize))
            .collect();
        o.sort_by(|a, b| b.cmp(a));
        f.sort_by(|a, b| b.cmp(a));
        let mut best = (0u64, 0i128);
        for x4 in 0..=f.len() as u64 {
            for x1 in 0..=o.len() as u64 {
                if 4 * x4 + x1 > a {
                    continue;
                }
                let v: i128 = f[..x4 as usize]
                    .iter()
                    .chain(&o[..x1 as usize])
                    .map(|&p| i128::from(p))
                    .sum();
                let cand = (4 * x4 + x1, v);
                let better = match strategy {
                    CentralStrategy::MaxCostSavings => (cand.1, cand.0) > (best.1, best.0),
                    _ => cand > best,
                };
                if better {
                    best = cand;
                }
            }
        }
        best
    }

    #[test]
    fn cover_matches_brute_force() {
        let mut x: u64 = 7;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 33
        };
        for _ in 0..400 {
            let ones: Vec<(i64, u64)> = (0..next() % 4)
                .map(|_| ((next() % 50) as i64 + 1, next() % 4 + 1))
                .collect();
            let fours: Vec<(i64, u64)> = (0..next() % 4)
                .map(|_| ((next() % 200) as i64 + 1, next() % 3 + 1))
                .collect();
            let a = next() % 40;
            for s in [
                CentralStrategy::MaxNcUtilization,
                CentralStrategy::MaxCostSavings,
            ] {
                let got = cover(&mut ladder(&ones), &mut ladder(&fours), a, s);
                let want = brute(&ones, &fours, a, s);
                match s {
                    CentralStrategy::MaxCostSavings => {
                        assert_eq!(got.1, want.1, "{ones:?} {fours:?} {a}")
                    }
                    _ => assert_eq!(got, want, "{ones:?} {fours:?} {a}"),
                }
            }
        }
    }
}

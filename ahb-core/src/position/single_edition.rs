//! OQ-10 (`ws_single_edition_per_vm`): when each Windows VM must be covered by one edition,
//! the VM claims must split into a Standard set and a Datacenter set that each fit — a
//! subset-sum problem, solved exactly with a bitset over the Standard supply (claims grouped by
//! size and split in powers of two, so the work is a few shifts per distinct size).

/// Largest Standard supply checked exactly (bits of the bitset).
const MAX_BITS: u64 = 50_000_000;

/// The least uncovered units when every claim takes all its units from one edition: Standard
/// supply `standard`, Datacenter supply `datacenter`. `None` when the supply is too large to
/// check exactly.
pub(crate) fn shortfall(claims: &[u64], standard: u64, datacenter: u64) -> Option<u64> {
    let total: u64 = claims.iter().sum();
    if standard > MAX_BITS {
        return None;
    }
    let bits = standard as usize + 1;
    let mut set = vec![0u64; bits.div_ceil(64)];
    set[0] = 1;
    let mut sizes = std::collections::BTreeMap::<u64, u64>::new();
    for &u in claims.iter().filter(|&&u| u > 0) {
        *sizes.entry(u).or_default() += 1;
    }
    for (size, mut count) in sizes {
        let mut k = 1;
        while count > 0 {
            let take = k.min(count);
            count -= take;
            k *= 2;
            let shift = size * take;
            if shift >= bits as u64 {
                continue;
            }
            shift_or(&mut set, shift as usize, bits);
        }
    }
    // Standard takes s (reachable, at most its supply); Datacenter takes the rest if it fits.
    let best = (0..bits)
        .filter(|&s| set[s / 64] >> (s % 64) & 1 == 1)
        .map(|s| total.saturating_sub(s as u64).saturating_sub(datacenter))
        .min()
        .unwrap_or(total.saturating_sub(datacenter));
    Some(best)
}

/// `set |= set << shift`, keeping `bits` bits.
fn shift_or(set: &mut [u64], shift: usize, bits: usize) {
    let (words, rem) = (shift / 64, shift % 64);
    for i in (words..set.len()).rev() {
        let lo = set[i - words] << rem;
        let hi = if rem > 0 && i > words {
            set[i - words - 1] >> (64 - rem)
        } else {
            0
        };
        set[i] |= lo | hi;
    }
    if bits % 64 != 0 {
        let last = set.len() - 1;
        set[last] &= (1u64 << (bits % 64)) - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::shortfall;

    fn brute(claims: &[u64], s: u64, d: u64) -> u64 {
        let n = claims.len();
        (0u32..1 << n)
            .map(|m| {
                let (mut a, mut b) = (0, 0);
                for (i, &u) in claims.iter().enumerate() {
                    if m >> i & 1 == 1 { a += u } else { b += u }
                }
                // Claims that fit neither are uncovered: the best split leaves the least out.
                if a > s { u64::MAX } else { b.saturating_sub(d) }
            })
            .min()
            .unwrap_or(0)
    }

    #[test]
    fn matches_brute_force() {
        let mut x: u64 = 99;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            x >> 33
        };
        for _ in 0..500 {
            let claims: Vec<u64> = (0..next() % 8)
                .map(|_| [8, 12, 16, 20, 32][(next() % 5) as usize])
                .collect();
            let (s, d) = (next() % 70, next() % 70);
            assert_eq!(
                shortfall(&claims, s, d),
                Some(brute(&claims, s, d)),
                "{claims:?} {s} {d}"
            );
        }
    }

    #[test]
    fn two_12s_do_not_fit_16_and_8_without_splitting() {
        // Split across editions, 24 units fit 16 + 8; whole VMs leave one 12 without cover.
        assert_eq!(shortfall(&[12, 12], 16, 8), Some(4));
    }
}

//! A seeded generator of realistic Windows Server estates for the benchmarks: VM sizes drawn
//! from a typical mix, savings from list-price-like rates and running hours, licence ledgers of
//! Standard and Datacenter lines with different SA ends and on-premises use, a few dedicated
//! hosts and Azure Local clusters. The same seed gives the same estate.

use ahb_core::model::Edition;
use ahb_core::rules::{Draw, LineSupply, Pool};
use ahb_core::solve::Candidate;

/// splitmix64: small, fast and reproducible on every platform.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// vCPU counts of Azure VM sizes with their share of a typical estate (per mille).
const VCPU_MIX: [(u32, u64); 9] = [
    (2, 180),
    (4, 300),
    (8, 250),
    (12, 20),
    (16, 150),
    (20, 10),
    (32, 60),
    (48, 10),
    (64, 20),
];

/// One generated pool: its licence lines and candidates (one per VM, host or cluster).
pub struct Instance {
    /// The licence lines on the audit date.
    pub lines: Vec<LineSupply>,
    /// The candidates.
    pub candidates: Vec<Candidate<'static>>,
    /// Monthly savings of each candidate, in micro-units of money.
    pub savings: Vec<i128>,
}

fn line(id: usize, edition: Edition, licences: u64, free: u64, azure_local: bool) -> LineSupply {
    LineSupply {
        line: format!("L{id:05}"),
        pool: Pool::WindowsServer,
        edition: Some(edition),
        scope: None,
        sa_end: chrono::NaiveDate::from_ymd_opt(2026 + (id % 4) as i32, 1 + (id % 12) as u32, 28),
        licences,
        units_per_licence: 1,
        eligible: true,
        for_vms: if edition == Edition::Datacenter {
            licences
        } else {
            free
        },
        for_hosts: if edition == Edition::Datacenter {
            free
        } else {
            0
        },
        azure_local_programme: azure_local,
        additive: licences,
        reasons: Vec::new(),
    }
}

/// A Windows Server pool of `resources` candidates and `lines` licence lines. Supply covers
/// about 60% of the eligible demand, so the choice matters.
pub fn windows_instance(resources: usize, lines: usize, seed: u64) -> Instance {
    let mut rng = Rng::new(seed);
    let mut candidates = Vec::with_capacity(resources);
    let mut savings = Vec::with_capacity(resources);
    let mut demand = 0u64;
    let specials = 10.min(resources / 100);
    for i in 0..resources {
        let (units, draw) = if i < specials {
            // Dedicated hosts (64 or 96 physical cores) and two Azure Local clusters.
            if i % 5 == 4 {
                (128, Draw::DatacenterAzureLocal)
            } else {
                (64 + 32 * rng.below(2), Draw::DatacenterHost)
            }
        } else {
            let mut pick = rng.below(1000);
            let mut vcpus = 2;
            for (v, share) in VCPU_MIX {
                if pick < share {
                    vcpus = v;
                    break;
                }
                pick -= share;
            }
            (u64::from(vcpus.max(8)), Draw::Any)
        };
        // $0.046 per vCPU-hour of Windows licence, 730 hours at 20%…100% running, ±25% by region.
        let vcpus = if draw == Draw::Any { units } else { units * 2 };
        let hours = 146 + rng.below(585);
        let rate = 34_500 + rng.below(23_000); // micro-dollars per vCPU-hour
        let s = i128::from(vcpus * hours * rate);
        demand += units;
        savings.push(s);
        candidates.push(Candidate {
            draw,
            scope: None,
            units,
            // max_savings with today's setting off: savings first, then fewer changes.
            value: s * (2 * resources as i128 + 1) - 1,
            forced: false,
        });
    }
    let supply = demand * 6 / 10;
    let lines = lines.max(1);
    let per = (supply / lines as u64).max(1);
    let lines = (0..lines)
        .map(|id| {
            let licences = per / 2 + rng.below(per.max(1));
            let dc = id % 3 == 0;
            let onprem = if id % 4 == 0 { licences / 2 } else { 0 };
            let edition = if dc {
                Edition::Datacenter
            } else {
                Edition::Standard
            };
            line(id, edition, licences, licences - onprem, dc && id % 2 == 0)
        })
        .collect();
    Instance {
        lines,
        candidates,
        savings,
    }
}

//! Recommendations: how many more licences are worth buying (the marginal-value curve), which
//! SA terms are worth renewing (the savings lost at expiry), and how to license dense
//! dedicated hosts (Datacenter for the host, WS-9, or per VM, WS-11).

use chrono::Days;
use rust_decimal::Decimal;
use serde::Serialize;

use super::allocate::Prepared;
use super::knapsack::Item;
use super::{Objective, OptimizeOptions, Solved, from_micro, micro};
use crate::model::ScopeTree;
use crate::model::{Edition, Estate, Os, ResourceSpec};
use crate::rules::{Assessment, LineSupply, Pool, Reason, RuleSet, core_licences_per_vm};

/// Extra capacity steps of the marginal-value curve, in multiples of the pool's step.
const CURVE_STEPS: [u64; 12] = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
/// At most this many lines get a renewal estimate (largest first).
const MAX_RENEWALS: usize = 20;

/// One point of a marginal-value curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MarginalPoint {
    /// Extra pool units (core licences, or NC for SQL).
    pub extra_units: u64,
    /// Extra savings per year the optimal plan would make with them.
    #[serde(serialize_with = "crate::money::ser")]
    pub extra_yearly_savings: Decimal,
    /// Net of the licences' yearly price, when a price was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub net_yearly: Option<Decimal>,
}

/// The marginal-value curve of one pool and the best purchase on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Purchase {
    /// The pool.
    pub pool: Pool,
    /// The curve.
    pub curve: Vec<MarginalPoint>,
    /// The extra units with the largest positive net yearly gain, when prices were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommended_extra_units: Option<u64>,
    /// How the price per unit was set.
    pub basis: String,
}

/// What letting one line's SA lapse would cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Renewal {
    /// The line.
    pub line: String,
    /// The pool.
    pub pool: Pool,
    /// Its SA end.
    pub sa_end: chrono::NaiveDate,
    /// Savings per year the optimal plan loses without it.
    #[serde(serialize_with = "crate::money::ser")]
    pub yearly_savings_lost: Decimal,
    /// The renewal's yearly price, when a price was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub yearly_price: Option<Decimal>,
    /// Whether renewing pays for itself (when a price was given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worth_renewing: Option<bool>,
}

/// Host-level or per-VM licensing of one dedicated host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HostAdvice {
    /// The host.
    pub host: String,
    /// Its physical cores.
    pub physical_cores: u64,
    /// Windows VMs on it.
    pub windows_vms: usize,
    /// Core licences to license those VMs one by one (WS-1, Standard or Datacenter).
    pub per_vm_core_licences: u64,
    /// Datacenter core licences to license the whole host (WS-9).
    pub host_level_core_licences: u64,
    /// `datacenter_host_level` or `per_vm`.
    pub recommendation: &'static str,
    /// Why.
    pub reason: Reason,
}

/// All recommendations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Recommendations {
    /// Marginal value of more licences, per pool (max_savings plans only).
    pub purchases: Vec<Purchase>,
    /// SA terms ending within the renewal horizon, by savings lost.
    pub renewals: Vec<Renewal>,
    /// Dedicated hosts running Windows VMs.
    pub dedicated_hosts: Vec<HostAdvice>,
}

/// One pool, ready to be re-solved with other lines: what its candidates alone decide (sorted
/// once, see [`Prepared`]) and each candidate's saving and today's setting, so that a
/// re-solve's net savings are a sum, not a walk through the assessments.
struct Resolver<'s, 'a, 'k> {
    solved: &'s Solved<'a>,
    prep: Prepared<'k>,
    /// Each candidate's monthly saving in micro-units when chosen (0 when unpriced).
    saving: Vec<i128>,
    /// Whether each candidate carries the benefit today.
    claimed: Vec<bool>,
}

impl<'s, 'a, 'k> Resolver<'s, 'a, 'k> {
    fn new(s: &'s Solved<'a>, items: &'k [Item], assessments: &[Assessment]) -> Self {
        let (saving, claimed) = s
            .origin
            .iter()
            .map(|&(ri, qi)| {
                let q = &assessments[ri].requirements[qi];
                (q.monthly_savings.map_or(0, micro), q.claimed)
            })
            .unzip();
        Resolver {
            solved: s,
            prep: Prepared::new(&s.cands, items),
            saving,
            claimed,
        }
    }

    /// The plan's net savings (micro, per month) for the pool's chosen candidates.
    fn net_savings(&self, chosen: &[bool]) -> i128 {
        // The penalty is held in the value transform's units (× the unit weight).
        let penalty = self.solved.penalty / self.solved.unit_weight;
        chosen
            .iter()
            .zip(self.saving.iter().zip(&self.claimed))
            .map(|(&c, (&saving, &claimed))| {
                (if c { saving } else { 0 }) - if c != claimed { penalty } else { 0 }
            })
            .sum()
    }

    /// Re-solves the pool with other lines; `None` if it cannot be solved (pins no longer
    /// covered). Only the choice is needed, not the attribution of lines to it.
    fn resolve(
        &self,
        lines: Vec<LineSupply>,
        options: &OptimizeOptions,
        tree: &ScopeTree,
    ) -> Option<i128> {
        let s = self.solved;
        let choice = super::allocate::choose(
            &self.prep,
            s.pool,
            lines,
            &s.cands,
            s.reserve,
            tree,
            options.prefer_later_expiry,
            options.exact_work_budget,
        )
        .ok()?;
        Some(self.net_savings(&choice.chosen))
    }
}

/// Runs independent re-solves (a pool, by its index in `pools`, and its lines) on the
/// machine's cores and returns their results in job order, so the recommendations are the
/// same whatever the number of threads.
fn resolve_all(
    pools: &[Resolver],
    jobs: Vec<(usize, Vec<LineSupply>)>,
    options: &OptimizeOptions,
    tree: &ScopeTree,
) -> Vec<Option<i128>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(jobs.len());
    if threads <= 1 {
        return jobs
            .into_iter()
            .map(|(p, lines)| pools[p].resolve(lines, options, tree))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results = vec![None; jobs.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((p, lines)) = jobs.get(k) else { break };
                        done.push((k, pools[*p].resolve(lines.clone(), options, tree)));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            // `resolve` returns errors as values; a panic (a bug) goes on as it would have
            // on one thread.
            let done = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (k, v) in done {
                results[k] = v;
            }
        }
    });
    results
}

fn purchase_line(pool: Pool, units: u64) -> LineSupply {
    LineSupply {
        line: "(purchase)".into(),
        pool,
        edition: match pool {
            Pool::WindowsServer | Pool::SqlServer => Some(Edition::Standard),
            Pool::Rhel | Pool::Sles => None,
        },
        scope: None,
        sa_end: None,
        licences: units,
        units_per_licence: 1,
        eligible: true,
        for_vms: units,
        for_hosts: 0,
        azure_local_programme: false,
        additive: units,
        reasons: Vec::new(),
    }
}

/// Yearly price of one pool unit, and how it was chosen.
fn unit_price(pool: Pool, options: &OptimizeOptions) -> (Option<Decimal>, String) {
    let p = &options.licence_prices_per_year;
    match pool {
        Pool::WindowsServer => (
            p.windows_server_per_core_year,
            "one Windows Server core licence per unit".into(),
        ),
        Pool::SqlServer => {
            let per_nc = [
                p.sql_standard_per_core_year,
                p.sql_enterprise_per_core_year.map(|e| e / Decimal::from(4)),
            ]
            .into_iter()
            .flatten()
            .min();
            (
                per_nc,
                "the cheaper of a Standard core (1 NC) and a quarter Enterprise core (SQL-1)"
                    .into(),
            )
        }
        Pool::Rhel | Pool::Sles => (None, "vendor subscriptions: no price option".into()),
    }
}

/// One pool's re-solves: which jobs are its purchase curve's points and its renewals' lapses.
struct PoolPlan<'s, 'a> {
    solved: &'s Solved<'a>,
    base: i128,
    purchase: Option<Vec<(u64, usize)>>,
    lapses: Vec<(usize, usize)>,
}

pub(crate) fn recommend(
    estate: &Estate,
    rules: &RuleSet,
    options: &OptimizeOptions,
    assessments: &[Assessment],
    solved: &[Solved],
    tree: &ScopeTree,
) -> Recommendations {
    let mut out = Recommendations {
        dedicated_hosts: host_advice(estate, rules),
        ..Recommendations::default()
    };
    if options.objective != Objective::MaxSavings || !options.recommendations {
        return out;
    }
    // Every re-solve first (the purchase curve's points and the renewals' lapses of every
    // pool), spread over the cores; then the curves and renewals are read off in order.
    let horizon = options
        .as_of
        .checked_add_days(Days::new(u64::from(options.renewal_horizon_days)))
        .unwrap_or(options.as_of);
    let items: Vec<Vec<Item>> = solved.iter().map(|s| Prepared::items(&s.cands)).collect();
    let pools: Vec<Resolver> = solved
        .iter()
        .zip(&items)
        .map(|(s, items)| Resolver::new(s, items, assessments))
        .collect();
    let mut plans: Vec<PoolPlan> = Vec::new();
    let mut jobs = Vec::new();
    for (p, s) in solved.iter().enumerate() {
        let base = pools[p].net_savings(&s.solution.chosen);
        // Purchases: only while some eligible demand is uncovered.
        let unmet: u64 = s
            .solution
            .chosen
            .iter()
            .zip(&s.units)
            .filter(|(c, _)| !**c)
            .map(|(_, u)| *u)
            .sum();
        let mut curve_steps = Vec::new();
        if unmet > 0 && matches!(s.pool, Pool::WindowsServer | Pool::SqlServer) {
            let step = if s.pool == Pool::WindowsServer { 8 } else { 4 };
            for k in CURVE_STEPS {
                let extra = k * step;
                let mut lines = s.solution.lines.clone();
                lines.push(purchase_line(s.pool, extra));
                curve_steps.push((extra, jobs.len()));
                jobs.push((p, lines));
                if extra >= unmet {
                    break;
                }
            }
        }
        // Renewals: lines whose SA ends within the horizon.
        let mut expiring: Vec<usize> = (0..s.solution.lines.len())
            .filter(|&i| {
                let l = &s.solution.lines[i];
                l.eligible && l.sa_end.is_some_and(|e| e >= options.as_of && e <= horizon)
            })
            .collect();
        expiring.sort_by(|&a, &b| {
            let (x, y) = (&s.solution.lines[a], &s.solution.lines[b]);
            y.licences.cmp(&x.licences).then(x.line.cmp(&y.line))
        });
        let mut lapses = Vec::new();
        for &i in expiring.iter().take(MAX_RENEWALS) {
            let mut lines = s.solution.lines.clone();
            lines[i].eligible = false;
            lapses.push((i, jobs.len()));
            jobs.push((p, lines));
        }
        plans.push(PoolPlan {
            solved: s,
            base,
            purchase: (unmet > 0 && matches!(s.pool, Pool::WindowsServer | Pool::SqlServer))
                .then_some(curve_steps),
            lapses,
        });
    }
    let values = resolve_all(&pools, jobs, options, tree);
    for plan in plans {
        let (s, base) = (plan.solved, plan.base);
        if let Some(steps) = plan.purchase {
            let (price, basis) = unit_price(s.pool, options);
            let mut curve = Vec::new();
            for (extra, job) in steps {
                // The curve ends at the first capacity the pool cannot be solved with.
                let Some(v) = values[job] else { break };
                let gain = from_micro((v - base) * 12);
                curve.push(MarginalPoint {
                    extra_units: extra,
                    extra_yearly_savings: gain,
                    net_yearly: price.map(|p| gain - p * Decimal::from(extra)),
                });
            }
            let recommended = curve
                .iter()
                .filter_map(|p| p.net_yearly.map(|n| (n, p.extra_units)))
                .filter(|(n, _)| *n > Decimal::ZERO)
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                .map(|(_, u)| u);
            out.purchases.push(Purchase {
                pool: s.pool,
                curve,
                recommended_extra_units: recommended,
                basis,
            });
        }
        for (i, job) in plan.lapses {
            let lost = values[job].map_or(base, |v| base - v);
            let l = &s.solution.lines[i];
            let p = &options.licence_prices_per_year;
            let per = match (s.pool, l.edition) {
                (Pool::WindowsServer, _) => p.windows_server_per_core_year,
                (Pool::SqlServer, Some(Edition::Enterprise)) => p.sql_enterprise_per_core_year,
                (Pool::SqlServer, _) => p.sql_standard_per_core_year,
                _ => None,
            };
            let lost = from_micro(lost * 12);
            let price = per.map(|p| p * Decimal::from(l.licences));
            out.renewals.push(Renewal {
                line: l.line.clone(),
                pool: s.pool,
                sa_end: l.sa_end.unwrap_or(options.as_of),
                yearly_savings_lost: lost,
                yearly_price: price,
                worth_renewing: price.map(|p| lost > p),
            });
        }
    }
    out.renewals.sort_by(|a, b| {
        b.yearly_savings_lost
            .cmp(&a.yearly_savings_lost)
            .then(a.line.cmp(&b.line))
    });
    out
}

/// Per-VM versus host-level Windows licensing of each dedicated host that runs Windows VMs.
/// The Windows VMs are indexed by host first, so the advice is linear in resources.
fn host_advice(estate: &Estate, rules: &RuleSet) -> Vec<HostAdvice> {
    // Per host id: (Windows VMs, their per-VM core licences).
    let mut on_host: std::collections::HashMap<&str, (usize, u64)> =
        std::collections::HashMap::new();
    for r in &estate.resources {
        if let ResourceSpec::Vm {
            os: Os::Windows,
            vcpus,
            active_vcpus,
            host: Some(on),
            ..
        } = &r.spec
        {
            let basis = match rules.knobs.ws_core_basis {
                crate::rules::CoreBasis::OriginalSizeVcpus => *vcpus,
                crate::rules::CoreBasis::ActiveVcpus => active_vcpus.unwrap_or(*vcpus),
            };
            let e = on_host.entry(on.as_str()).or_default();
            e.0 += 1;
            e.1 += core_licences_per_vm(basis, rules.knobs.ws_rule).0;
        }
    }
    let mut out = Vec::new();
    for h in &estate.resources {
        let ResourceSpec::DedicatedHost { physical_cores, .. } = &h.spec else {
            continue;
        };
        let (vms, per_vm) = on_host.get(h.id.as_str()).copied().unwrap_or_default();
        if vms == 0 {
            continue;
        }
        let cores = u64::from(*physical_cores);
        let (recommendation, reason) = if per_vm > cores {
            (
                "datacenter_host_level",
                Reason::new(
                    "WS-9",
                    format!(
                        "{vms} Windows VMs need {per_vm} core licences one by one; Datacenter for \
                         the host's {cores} physical cores covers any number of them"
                    ),
                ),
            )
        } else {
            (
                "per_vm",
                Reason::new(
                    "WS-11",
                    format!(
                        "{vms} Windows VMs need {per_vm} core licences (Standard or Datacenter), \
                         no more than the host's {cores} Datacenter core licences"
                    ),
                ),
            )
        };
        out.push(HostAdvice {
            host: h.id.clone(),
            physical_cores: cores,
            windows_vms: vms,
            per_vm_core_licences: per_vm,
            host_level_core_licences: cores,
            recommendation,
            reason,
        });
    }
    out
}

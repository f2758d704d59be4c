//! Checks that an estate makes sense before any rule reads it: ids are unique, references
//! resolve, counts are positive and plausible, terms run forwards, and each licence line's
//! edition and metric fit its product.

use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};

use rust_decimal::Decimal;

use super::{Edition, Estate, LicenceLine, Metric, Product, Resource, ResourceSpec, SqlTier};
use crate::error::{Error, ErrorCode, RecordRef, Result};
use crate::text::IdMap;

/// Largest vCPU or core count ahb accepts on one resource; larger is a unit mistake.
const MAX_CORES: u32 = 4096;
/// Largest scale-set instance count ahb accepts.
const MAX_INSTANCES: u32 = 100_000;
/// Largest licence quantity ahb accepts on one line.
const MAX_QUANTITY: u32 = 100_000_000;
/// Most hours a month can have.
const MAX_HOURS_PER_MONTH: Decimal = Decimal::from_parts(744, 0, 0, false, 0);

/// Where a check runs; the record reference is built only when a check fails.
struct Ctx<'a> {
    at: (&'static str, usize, &'a str),
}

impl Ctx<'_> {
    fn err(&self, code: ErrorCode, field: &str, message: impl Into<String>) -> Error {
        let (collection, index, id) = self.at;
        Error::at_record(code, at(collection, index, id), field, message)
    }

    /// A date in the years ahb accepts ([`crate::text::PLAUSIBLE_YEARS`]).
    fn date(&self, field: &str, date: chrono::NaiveDate) -> Result<()> {
        if crate::text::plausible(date) {
            Ok(())
        } else {
            Err(self.err(
                ErrorCode::InvalidValue,
                field,
                crate::text::implausible_message(date),
            ))
        }
    }

    fn count(&self, field: &str, value: u32, max: u32) -> Result<()> {
        if value == 0 {
            return Err(self.err(ErrorCode::InvalidValue, field, "must be at least 1"));
        }
        if value > max {
            return Err(self.err(
                ErrorCode::InvalidValue,
                field,
                format!("{value} is implausibly large (at most {max})"),
            ));
        }
        Ok(())
    }
}

impl Estate {
    /// Checks the whole estate; the first problem found is returned.
    pub fn validate(&self) -> Result<()> {
        let scopes = unique_ids("scopes", self.scopes.iter().map(|s| s.id.as_str()))?;
        unique_ids("licences", self.licences.iter().map(|l| l.id.as_str()))?;
        let resources = unique_ids("resources", self.resources.iter().map(|r| r.id.as_str()))?;
        self.validate_scope_tree(&scopes)?;
        for (i, line) in self.licences.iter().enumerate() {
            let ctx = Ctx {
                at: ("licences", i, &line.id),
            };
            validate_licence(&ctx, line, &scopes)?;
        }
        let is_host = |id: &str| {
            resources.index(id).is_some_and(|i| {
                matches!(self.resources[i].spec, ResourceSpec::DedicatedHost { .. })
            })
        };
        for (i, r) in self.resources.iter().enumerate() {
            let ctx = Ctx {
                at: ("resources", i, &r.id),
            };
            validate_resource(&ctx, r, &scopes, &is_host)?;
        }
        unique_ids(
            "central_assignments",
            self.central_assignments.iter().map(|a| a.id.as_str()),
        )?;
        for (i, a) in self.central_assignments.iter().enumerate() {
            let ctx = Ctx {
                at: ("central_assignments", i, &a.id),
            };
            ctx.count("cores", a.cores, MAX_QUANTITY)?;
            ctx.date("start", a.start)?;
            if let Some(d) = a.review_date {
                ctx.date("review_date", d)?;
            }
            if a.edition == Edition::Datacenter {
                return Err(ctx.err(
                    ErrorCode::InvalidValue,
                    "edition",
                    "central assignments are SQL Server licences: enterprise or standard (SQL-15)",
                ));
            }
            if a.review_date.is_some_and(|r| r < a.start) {
                return Err(ctx.err(
                    ErrorCode::InvalidValue,
                    "review_date",
                    "the review date is before the start",
                ));
            }
            known_scope(&ctx, Some(&a.scope), &scopes)?;
        }
        Ok(())
    }

    /// Every parent resolves and no chain loops. Linear: each scope's chain is walked until it
    /// meets a scope already known to end at a root, so a 30,000-deep chain costs 30,000
    /// steps, not 30,000² / 2. The first scope (in input order) whose chain fails is named.
    fn validate_scope_tree(&self, index: &Ids) -> Result<()> {
        const UNSEEN: u8 = 0;
        const ON_PATH: u8 = 1;
        const ENDS: u8 = 2;
        let mut state = vec![UNSEEN; self.scopes.len()];
        let mut path = Vec::new();
        for (i, s) in self.scopes.iter().enumerate() {
            if state[i] == ENDS {
                continue;
            }
            let ctx = Ctx {
                at: ("scopes", i, &s.id),
            };
            path.clear();
            path.push(i);
            state[i] = ON_PATH;
            let mut parent = s.parent.as_deref();
            while let Some(p) = parent {
                let Some(j) = index.index(p) else {
                    return Err(ctx.err(
                        ErrorCode::UnknownReference,
                        "parent",
                        format!("no scope has id {p:?}"),
                    ));
                };
                match state[j] {
                    ENDS => break,
                    ON_PATH => {
                        return Err(ctx.err(
                            ErrorCode::InvalidValue,
                            "parent",
                            "scopes form a cycle",
                        ));
                    }
                    _ => {}
                }
                state[j] = ON_PATH;
                path.push(j);
                parent = self.scopes[j].parent.as_deref();
            }
            for &k in &path {
                state[k] = ENDS;
            }
        }
        Ok(())
    }
}

fn at(collection: &'static str, index: usize, id: &str) -> RecordRef {
    RecordRef {
        collection,
        index,
        id: Some(id.to_string()),
    }
}

/// An id compared and hashed case-insensitively (ASCII), without making a lowercase copy.
#[derive(Clone, Copy)]
struct Folded<'a>(&'a str);

impl Hash for Folded<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let mut buf = [0u8; 64];
        for chunk in self.0.as_bytes().chunks(buf.len()) {
            let lower = &mut buf[..chunk.len()];
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            h.write(lower);
        }
        h.write_u8(0xff);
    }
}

impl PartialEq for Folded<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Folded<'_> {}

/// The ids of one collection, each with its position; no two of them differ only in case.
struct Ids<'a>(IdMap<Folded<'a>, (&'a str, usize)>);

impl Ids<'_> {
    /// The position of the record whose id is exactly `id`.
    fn index(&self, id: &str) -> Option<usize> {
        match self.0.get(&Folded(id)) {
            Some(&(known, i)) if known == id => Some(i),
            _ => None,
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.index(id).is_some()
    }
}

/// Ids must be unique within a collection, compared case-insensitively (ASCII): Azure resource
/// ids are case-insensitive, so `VM1` and `vm1` are one resource, and two records whose ids
/// differ only in case are a [`ErrorCode::DuplicateId`] rather than two resources counted twice.
/// One hash of each id, with no copy: an id equal to an earlier one but for case is either that
/// very id again or one that differs only in case (the earlier ids are already distinct).
fn unique_ids<'a>(collection: &'static str, ids: impl Iterator<Item = &'a str>) -> Result<Ids<'a>> {
    let mut seen: IdMap<Folded<'a>, (&'a str, usize)> =
        IdMap::with_capacity_and_hasher(ids.size_hint().0, Default::default());
    for (i, id) in ids.enumerate() {
        let ctx = Ctx {
            at: (collection, i, id),
        };
        if id.trim().is_empty() {
            return Err(ctx.err(ErrorCode::InvalidValue, "id", "must not be empty"));
        }
        match seen.entry(Folded(id)) {
            Entry::Vacant(v) => {
                v.insert((id, i));
            }
            Entry::Occupied(o) if o.get().0 == id => {
                return Err(ctx.err(
                    ErrorCode::DuplicateId,
                    "id",
                    format!("another record of `{collection}` already has id {id:?}"),
                ));
            }
            Entry::Occupied(o) => {
                let other = o.get().0;
                return Err(ctx.err(
                    ErrorCode::DuplicateId,
                    "id",
                    format!(
                        "another record of `{collection}` has id {other:?}, which differs only \
                         in case (ids are case-insensitive, as Azure's are)"
                    ),
                ));
            }
        }
    }
    Ok(Ids(seen))
}

fn known_scope(ctx: &Ctx, scope: Option<&str>, scopes: &Ids) -> Result<()> {
    match scope {
        Some(s) if !scopes.contains(s) => Err(ctx.err(
            ErrorCode::UnknownReference,
            "scope",
            format!("no scope has id {s:?}"),
        )),
        _ => Ok(()),
    }
}

fn validate_licence(ctx: &Ctx, l: &LicenceLine, scopes: &Ids) -> Result<()> {
    ctx.count("quantity", l.quantity, MAX_QUANTITY)?;
    if let Some(t) = l.sa {
        ctx.date("sa.start", t.start)?;
        ctx.date("sa.end", t.end)?;
    }
    if let Some(d) = l.migration_start {
        ctx.date("migration_start", d)?;
    }
    let is_linux = matches!(l.product, Product::Rhel | Product::Sles);
    let editions: &[Edition] = match l.product {
        Product::WindowsServer => &[Edition::Standard, Edition::Datacenter],
        Product::SqlServer => &[Edition::Standard, Edition::Enterprise],
        Product::Rhel | Product::Sles => &[],
    };
    match (l.edition, is_linux) {
        (None, false) => {
            return Err(ctx.err(
                ErrorCode::MissingField,
                "edition",
                format!(
                    "a {:?} licence needs an edition: one of {editions:?}",
                    l.product
                ),
            ));
        }
        (Some(e), _) if !editions.contains(&e) => {
            return Err(ctx.err(
                ErrorCode::InvalidValue,
                "edition",
                format!("{e:?} is not an edition of {:?}", l.product),
            ));
        }
        _ => {}
    }
    let metric_ok = match l.product {
        Product::WindowsServer => {
            matches!(
                l.metric,
                Metric::Core | Metric::TwoProcessor | Metric::ServerCal
            )
        }
        Product::SqlServer => matches!(l.metric, Metric::Core | Metric::ServerCal),
        Product::Rhel | Product::Sles => l.metric == Metric::Subscription,
    };
    if !metric_ok {
        return Err(ctx.err(
            ErrorCode::InvalidValue,
            "metric",
            format!("{:?} is not a metric of {:?} licences", l.metric, l.product),
        ));
    }
    if let Some(t) = l.sa
        && t.end < t.start
    {
        return Err(ctx.err(
            ErrorCode::InvalidValue,
            "sa.end",
            format!("the term ends ({}) before it starts ({})", t.end, t.start),
        ));
    }
    if l.on_premises_in_use > l.quantity {
        return Err(ctx.err(
            ErrorCode::InvalidValue,
            "on_premises_in_use",
            format!(
                "{} in use on premises exceeds the quantity {}",
                l.on_premises_in_use, l.quantity
            ),
        ));
    }
    if l.unit.is_some() && !is_linux {
        return Err(ctx.err(
            ErrorCode::InvalidValue,
            "unit",
            "only RHEL and SLES subscriptions have a unit",
        ));
    }
    if l.virtual_datacenters && l.product != Product::Rhel {
        return Err(ctx.err(
            ErrorCode::InvalidValue,
            "virtual_datacenters",
            "only RHEL subscriptions can be RHEL for Virtual Datacenters",
        ));
    }
    known_scope(ctx, l.scope.as_deref(), scopes)
}

fn validate_resource(
    ctx: &Ctx,
    r: &Resource,
    scopes: &Ids,
    is_host: &impl Fn(&str) -> bool,
) -> Result<()> {
    known_scope(ctx, r.scope.as_deref(), scopes)?;
    if let ResourceSpec::SqlDatabase {
        created: Some(d), ..
    } = &r.spec
    {
        ctx.date("created", *d)?;
    }
    if let Some(h) = r.hours_per_month
        && (h.is_sign_negative() && !h.is_zero() || h > MAX_HOURS_PER_MONTH)
    {
        return Err(ctx.err(
            ErrorCode::InvalidValue,
            "hours_per_month",
            format!("{h} is not between 0 and {MAX_HOURS_PER_MONTH}"),
        ));
    }
    if let Some(p) = &r.prices {
        check_prices(ctx, "prices", p)?;
    }
    let host_ref = |host: &Option<String>| -> Result<()> {
        match host {
            Some(h) if !is_host(h) => Err(ctx.err(
                ErrorCode::UnknownReference,
                "host",
                format!("no dedicated_host resource has id {h:?}"),
            )),
            _ => Ok(()),
        }
    };
    let active = |vcpus: u32, active: Option<u32>| -> Result<()> {
        ctx.count("vcpus", vcpus, MAX_CORES)?;
        if let Some(a) = active {
            ctx.count("active_vcpus", a, MAX_CORES)?;
            if a > vcpus {
                return Err(ctx.err(
                    ErrorCode::InvalidValue,
                    "active_vcpus",
                    format!("{a} active vCPUs exceed the size's {vcpus} vCPUs"),
                ));
            }
        }
        Ok(())
    };
    match &r.spec {
        ResourceSpec::Vm {
            vcpus,
            active_vcpus,
            host,
            ..
        } => {
            active(*vcpus, *active_vcpus)?;
            host_ref(host)
        }
        ResourceSpec::ScaleSet {
            vcpus,
            active_vcpus,
            instances,
            ..
        } => {
            active(*vcpus, *active_vcpus)?;
            ctx.count("instances", *instances, MAX_INSTANCES)
        }
        ResourceSpec::DedicatedHost {
            physical_cores,
            vcpus,
            sql_prices,
            ..
        } => {
            ctx.count("physical_cores", *physical_cores, MAX_CORES)?;
            if let Some(v) = vcpus {
                ctx.count("vcpus", *v, MAX_CORES)?;
            }
            if let Some(p) = sql_prices {
                check_prices(ctx, "sql_prices", p)?;
            }
            Ok(())
        }
        ResourceSpec::SqlVm {
            vcpus,
            active_vcpus,
            host,
            ..
        } => {
            active(*vcpus, *active_vcpus)?;
            host_ref(host)
        }
        ResourceSpec::SqlDatabase {
            tier, vcores, dtu, ..
        }
        | ResourceSpec::SqlElasticPool {
            tier, vcores, dtu, ..
        } => check_sql_size(ctx, *tier, *vcores, *dtu),
        ResourceSpec::SqlManagedInstance { tier, vcores, .. }
        | ResourceSpec::SqlInstancePool { tier, vcores, .. } => {
            if !matches!(tier, SqlTier::GeneralPurpose | SqlTier::BusinessCritical) {
                return Err(ctx.err(
                    ErrorCode::InvalidValue,
                    "tier",
                    format!("{tier:?} is not a Managed Instance tier (general_purpose or business_critical)"),
                ));
            }
            ctx.count("vcores", *vcores, MAX_CORES)
        }
        ResourceSpec::SsisRuntime { vcores, .. } => ctx.count("vcores", *vcores, MAX_CORES),
        ResourceSpec::AksHybrid { worker_vcpus, .. } => {
            ctx.count("worker_vcpus", *worker_vcpus, MAX_CORES * 64)
        }
        ResourceSpec::AzureLocalCluster { node_cores, .. } => {
            if node_cores.is_empty() || node_cores.len() > 16 {
                return Err(ctx.err(
                    ErrorCode::InvalidValue,
                    "node_cores",
                    format!(
                        "an Azure Local cluster has 1 to 16 nodes, not {}",
                        node_cores.len()
                    ),
                ));
            }
            for (n, c) in node_cores.iter().enumerate() {
                ctx.count(&format!("node_cores[{n}]"), *c, MAX_CORES)?;
            }
            Ok(())
        }
    }
}

fn check_prices(ctx: &Ctx, field: &str, p: &super::Prices) -> Result<()> {
    for (name, v) in [
        ("payg_per_hour", p.payg_per_hour),
        ("ahb_per_hour", p.ahb_per_hour),
    ] {
        if v.is_sign_negative() && !v.is_zero() {
            return Err(ctx.err(
                ErrorCode::InvalidValue,
                &format!("{field}.{name}"),
                format!("price {v} is negative"),
            ));
        }
        crate::money::check_amount(v)
            .map_err(|m| ctx.err(ErrorCode::InvalidValue, &format!("{field}.{name}"), m))?;
    }
    // The benefit removes the licence from the price: a dearer AHB price would be a negative
    // saving, which is a data mistake (swapped columns), not a result.
    if p.ahb_per_hour > p.payg_per_hour {
        return Err(ctx.err(
            ErrorCode::InvalidValue,
            &format!("{field}.ahb_per_hour"),
            format!(
                "the AHB price {} is above the pay-as-you-go price {}",
                p.ahb_per_hour, p.payg_per_hour
            ),
        ));
    }
    Ok(())
}

fn check_sql_size(ctx: &Ctx, tier: SqlTier, vcores: Option<u32>, dtu: Option<u32>) -> Result<()> {
    if tier.is_dtu() {
        if vcores.is_some() {
            return Err(ctx.err(
                ErrorCode::InvalidValue,
                "vcores",
                format!("the DTU tier {tier:?} has DTUs, not vCores"),
            ));
        }
        if let Some(d) = dtu {
            ctx.count("dtu", d, 100_000)?;
        }
        return Ok(());
    }
    if dtu.is_some() {
        return Err(ctx.err(
            ErrorCode::InvalidValue,
            "dtu",
            format!("the vCore tier {tier:?} has vCores, not DTUs"),
        ));
    }
    match vcores {
        None => Err(ctx.err(
            ErrorCode::MissingField,
            "vcores",
            format!("the vCore tier {tier:?} needs `vcores`"),
        )),
        Some(v) => ctx.count("vcores", v, MAX_CORES),
    }
}

//! SQL Server: normalised cores per resource (SQL-1, SQL-2, SQL-8), eligibility of tiers
//! (SQL-5, GEN-5), free replicas (SQL-9, SQL-14), host-level licensing (SQL-10) and Dev/Test
//! (SQL-15).

use super::{Context, Draw, Knobs, Pool, Reason, Requirement, requirement};
use crate::model::{
    PaasLicenseType, ResourceSpec, SqlCompute, SqlTier, SqlVmEdition, SqlVmLicenseType, SsisEdition,
};
use crate::rules::{CoreBasis, HyperscaleAhb, SqlVmMinBasis};

/// NC per vCore of a tier (SQL-2): Business Critical 4, General Purpose and Hyperscale 1.
pub fn nc_per_vcore(tier: SqlTier) -> u64 {
    match tier {
        SqlTier::BusinessCritical => 4,
        _ => 1,
    }
}

/// Normalised cores of `enterprise` Enterprise and `standard` Standard core licences (SQL-1).
pub fn normalised_cores(enterprise: u64, standard: u64) -> u64 {
    4 * enterprise + standard
}

/// SQL host-level licensing of a Dedicated Host: Enterprise for every physical core (SQL-10),
/// expressed in NC (4 per Enterprise core).
pub(super) fn dedicated_host(spec: &ResourceSpec, ctx: &Context) -> Option<Requirement> {
    let ResourceSpec::DedicatedHost {
        physical_cores,
        vcpus,
        sql_host_level,
        ..
    } = spec
    else {
        return None;
    };
    if !*sql_host_level && ctx.sql_vms_on_host == 0 {
        return None;
    }
    let cores = u64::from(*physical_cores);
    let reach = vcpus.map_or(String::new(), |v| format!(" up to the host's {v} vCPUs"));
    Some(requirement(
        Pool::SqlServer,
        4 * cores,
        Draw::EnterpriseOnly,
        *sql_host_level,
        true,
        vec![Reason::new(
            "SQL-10",
            format!(
                "host-level SQL Enterprise: {cores} Enterprise core licences ({} NC) for all \
                 physical cores, unlimited SQL VMs{reach}",
                4 * cores
            ),
        )],
    ))
}

/// SQL Server VMs, SQL PaaS and SSIS.
pub(super) fn paas_or_vm(spec: &ResourceSpec, ctx: &Context, k: &Knobs) -> Option<Requirement> {
    let mut reasons = Vec::with_capacity(4);
    let (claimed, eligible, units, draw) = match spec {
        ResourceSpec::SqlVm {
            edition,
            vcpus,
            active_vcpus,
            license_type,
            vm,
            ..
        } => {
            let vc = match k.sql_core_basis {
                CoreBasis::ActiveVcpus => active_vcpus.unwrap_or(*vcpus),
                CoreBasis::OriginalSizeVcpus => *vcpus,
            };
            let out = sql_vm(*edition, vc, *license_type, ctx, k, &mut reasons);
            if let Some(vm) = vm
                && out.2 > 0
            {
                // GEN-12: SQL and Windows AHB stack on one VM, each from its own pool.
                reasons.push(Reason::new(
                    "GEN-12",
                    format!(
                        "runs on VM {vm:?}: SQL Server AHB combines with any Windows Server AHB \
                         on that VM; its normalised cores come from the separate SQL pool"
                    ),
                ));
            }
            out
        }
        ResourceSpec::SqlDatabase {
            tier,
            vcores,
            compute,
            created,
            license_type,
            standby,
            ..
        } => {
            let claimed = *license_type == PaasLicenseType::BasePrice;
            let ok = vcore_tier_eligible(
                *tier,
                *compute,
                Hyperscale::Single(*created),
                ctx,
                k,
                &mut reasons,
            );
            // SQL-5: an ineligible database consumes 0 NC, so its explanation states no NC.
            let units = if ok {
                vcores_units(*tier, vcores.unwrap_or(0), &mut reasons)
            } else {
                0
            };
            if ok && *standby {
                if matches!(tier, SqlTier::GeneralPurpose | SqlTier::BusinessCritical) {
                    reasons.push(Reason::new(
                        "SQL-14",
                        "licence-free standby replica: its vCores return to the pool",
                    ));
                    (claimed, true, 0, Draw::Any)
                } else {
                    reasons.push(Reason::new(
                        "SQL-14",
                        format!(
                            "standby replicas are not supported for {tier:?}: licensed as usual"
                        ),
                    ));
                    (
                        claimed,
                        true,
                        units,
                        strict_draw(*tier == SqlTier::BusinessCritical, None, k),
                    )
                }
            } else {
                (
                    claimed,
                    ok,
                    units,
                    strict_draw(*tier == SqlTier::BusinessCritical, None, k),
                )
            }
        }
        ResourceSpec::SqlElasticPool {
            tier,
            vcores,
            license_type,
            ..
        } => {
            let claimed = *license_type == PaasLicenseType::BasePrice;
            let ok = vcore_tier_eligible(
                *tier,
                SqlCompute::Provisioned,
                Hyperscale::ElasticPool,
                ctx,
                k,
                &mut reasons,
            );
            // SQL-5: an ineligible pool consumes 0 NC, so its explanation states no NC.
            let units = if ok {
                vcores_units(*tier, vcores.unwrap_or(0), &mut reasons)
            } else {
                0
            };
            (
                claimed,
                ok,
                units,
                strict_draw(*tier == SqlTier::BusinessCritical, None, k),
            )
        }
        ResourceSpec::SqlManagedInstance {
            tier,
            vcores,
            license_type,
            passive_dr,
            ..
        } => {
            let claimed = *license_type == PaasLicenseType::BasePrice;
            let mut units = vcores_units(*tier, *vcores, &mut reasons);
            if *passive_dr {
                reasons.push(Reason::new(
                    "SQL-9",
                    "hybridSecondaryUsage = Passive: a free passive DR secondary",
                ));
                units = 0;
            }
            (
                claimed,
                true,
                units,
                strict_draw(*tier == SqlTier::BusinessCritical, None, k),
            )
        }
        ResourceSpec::SqlInstancePool {
            tier,
            vcores,
            license_type,
        } => {
            let claimed = *license_type == PaasLicenseType::BasePrice;
            let units = vcores_units(*tier, *vcores, &mut reasons);
            (
                claimed,
                true,
                units,
                strict_draw(*tier == SqlTier::BusinessCritical, None, k),
            )
        }
        ResourceSpec::SsisRuntime {
            edition,
            vcores,
            license_type,
        } => {
            let claimed = *license_type == PaasLicenseType::BasePrice;
            let ratio = if *edition == SsisEdition::Enterprise {
                4
            } else {
                1
            };
            let units = ratio * u64::from(*vcores);
            reasons.push(Reason::new(
                "SQL-2",
                format!("SSIS {edition:?}: {ratio} NC per vCore × {vcores} = {units} NC"),
            ));
            reasons.push(Reason::new(
                "SQL-16",
                "SSIS is licensed at resource level only, never by central assignment",
            ));
            let enterprise = *edition == SsisEdition::Enterprise;
            (
                claimed,
                true,
                units,
                strict_draw(enterprise, Some(!enterprise), k),
            )
        }
        _ => return None,
    };
    let mut units = units;
    if ctx.dev_test && eligible && units > 0 {
        reasons.push(Reason::new(
            "SQL-15",
            "Dev/Test subscription: SQL software usage is free, no licence needed",
        ));
        units = 0;
    }
    if claimed && !eligible {
        reasons.push(Reason::new(
            "GEN-7",
            "the benefit is claimed on a resource that is not eligible",
        ));
    }
    Some(requirement(
        Pool::SqlServer,
        units,
        draw,
        claimed,
        eligible,
        reasons,
    ))
}

/// Under strict edition matching (SQL-4 before August 2020) Enterprise-edition and Business
/// Critical demand needs Enterprise licences, Standard-edition demand Standard licences.
fn strict_draw(enterprise: bool, standard: Option<bool>, k: &Knobs) -> Draw {
    if !k.sql_strict_edition_match {
        Draw::Any
    } else if enterprise {
        Draw::EnterpriseOnly
    } else if standard == Some(true) {
        Draw::StandardOnly
    } else {
        Draw::Any
    }
}

fn vcores_units(tier: SqlTier, vcores: u32, reasons: &mut Vec<Reason>) -> u64 {
    let ratio = nc_per_vcore(tier);
    let units = ratio * u64::from(vcores);
    if !tier.is_dtu() {
        reasons.push(Reason::new(
            "SQL-2",
            format!("{tier:?}: {ratio} NC per vCore × {vcores} vCores = {units} NC"),
        ));
    }
    units
}

/// What OQ-7 needs to know of a Hyperscale resource.
#[derive(Debug, Clone, Copy)]
enum Hyperscale {
    /// A single database and its creation date.
    Single(Option<chrono::NaiveDate>),
    /// An elastic pool: never grandfathered.
    ElasticPool,
}

/// Whether a database or pool tier can carry AHB (SQL-5, OQ-7, SQL-15).
fn vcore_tier_eligible(
    tier: SqlTier,
    compute: SqlCompute,
    kind: Hyperscale,
    ctx: &Context,
    k: &Knobs,
    reasons: &mut Vec<Reason>,
) -> bool {
    if tier.is_dtu() {
        reasons.push(Reason::new(
            "SQL-5",
            format!("the DTU tier {tier:?} is not eligible; only the vCore model is"),
        ));
        return false;
    }
    if compute == SqlCompute::Serverless {
        reasons.push(Reason::new(
            "SQL-5",
            "the serverless compute tier is not eligible",
        ));
        return false;
    }
    if tier == SqlTier::Hyperscale {
        return hyperscale_grandfathered(kind, ctx, k, reasons);
    }
    true
}

/// OQ-7 (verified 2026-12): "As of December 2023, Azure Hybrid Benefit isn't available for new
/// Hyperscale databases, or in dev/test subscriptions. Existing Hyperscale single databases
/// with provisioned compute can continue to use Azure Hybrid Benefit … until December 2026."
/// Grandfathering covers only existing single databases with provisioned compute (serverless
/// is excluded before this, SQL-5), and ends on `hyperscale_grandfathering_end`.
fn hyperscale_grandfathered(
    kind: Hyperscale,
    ctx: &Context,
    k: &Knobs,
    reasons: &mut Vec<Reason>,
) -> bool {
    if ctx.dev_test {
        reasons.push(Reason::new(
            "SQL-5",
            "Hyperscale AHB is not available in Dev/Test subscriptions",
        ));
        return false;
    }
    let cutoff = k.hyperscale_cutoff;
    let end = k.hyperscale_grandfathering_end;
    if k.sql_hyperscale_ahb == HyperscaleAhb::None {
        reasons.push(Reason::new(
            "OQ-7",
            "Hyperscale is not eligible (sql_hyperscale_ahb = none)",
        ));
        return false;
    }
    let created = match kind {
        Hyperscale::ElasticPool => {
            reasons.push(Reason::new(
                "OQ-7",
                "Hyperscale elastic pools are not grandfathered: only existing single databases \
                 with provisioned compute kept AHB",
            ));
            return false;
        }
        Hyperscale::Single(None) => {
            reasons.push(Reason::new(
                "OQ-7",
                "Hyperscale with no creation date: treated as new, AHB not available",
            ));
            return false;
        }
        Hyperscale::Single(Some(d)) => d,
    };
    if created >= cutoff {
        reasons.push(Reason::new(
            "SQL-5",
            format!(
                "Hyperscale created {created}, on or after {cutoff}: AHB not available for new \
                 Hyperscale databases"
            ),
        ));
        return false;
    }
    match ctx.as_of {
        Some(date) if date >= end => {
            reasons.push(Reason::new(
                "OQ-7",
                format!(
                    "Hyperscale created {created}, before {cutoff}: its grandfathered AHB ended \
                     on {end} (hyperscale_grandfathering_end); not eligible on {date}"
                ),
            ));
            false
        }
        _ => {
            reasons.push(Reason::new(
                "OQ-7",
                format!(
                    "Hyperscale single database with provisioned compute created {created}, \
                     before {cutoff}: keeps AHB (grandfathered) until {end}"
                ),
            ));
            true
        }
    }
}

/// SQL Server on a VM (SQL-2, SQL-6, SQL-7, SQL-8, SQL-9, SQL-10, GEN-5).
fn sql_vm(
    edition: SqlVmEdition,
    vcores: u32,
    license_type: SqlVmLicenseType,
    ctx: &Context,
    k: &Knobs,
    reasons: &mut Vec<Reason>,
) -> (bool, bool, u64, Draw) {
    let claimed = license_type == SqlVmLicenseType::Ahub;
    let ratio: u64 = match edition {
        SqlVmEdition::Enterprise => 4,
        SqlVmEdition::Standard => 1,
        other => {
            reasons.push(Reason::new(
                "GEN-5",
                format!(
                    "{other:?} edition: licence model changes are only for Standard and Enterprise"
                ),
            ));
            return (claimed, false, 0, Draw::Any);
        }
    };
    if license_type == SqlVmLicenseType::Dr {
        reasons.push(Reason::new(
            "SQL-9",
            "licence type DR: a free passive HA/DR replica, 0 NC",
        ));
        return (false, true, 0, Draw::Any);
    }
    if ctx.host_sql_licensed {
        reasons.push(Reason::new(
            "SQL-10",
            "runs on a Dedicated Host with SQL host-level licensing: covered by the host's \
             licences (when they cover the host)",
        ));
        return (claimed, true, 0, Draw::Any);
    }
    let c = u64::from(vcores);
    let units = match k.sql_vm_min_basis {
        SqlVmMinBasis::Vcores => {
            let n = ratio * c.max(4);
            reasons.push(Reason::new(
                "SQL-8",
                format!("{edition:?} VM: {ratio} NC per vCPU × max(4, {c} vCPUs) = {n} NC"),
            ));
            n
        }
        SqlVmMinBasis::CoreLicences => core_licence_minimum(edition, ratio, c, ctx, k, reasons),
    };
    let enterprise = edition == SqlVmEdition::Enterprise;
    (
        claimed,
        true,
        units,
        strict_draw(enterprise, Some(!enterprise), k),
    )
}

/// OQ-5, alternative reading (S19): "a minimum of 4 core licenses (Enterprise or Standard) per
/// VM". RULES.md OQ-5: the two readings disagree only "when Standard licenses cover an
/// Enterprise VM with fewer than 4 vCPUs: 16 versus 8 Standard licenses". So the NC a VM needs
/// depend on the edition that covers it: from Standard licences `max(4, nc)`; from Enterprise
/// licences the S3 figure, `ratio × max(4, vCPUs)` (an Enterprise VM of 2 vCPUs: 8 NC from
/// Standard licences, 16 NC from Enterprise ones, TV-35). The requirement takes the edition
/// the VM can be covered by: the one edition the estate holds, the matching edition under
/// strict matching (SQL-4), and otherwise the larger figure, so the count is never short
/// whichever edition covers it.
fn core_licence_minimum(
    edition: SqlVmEdition,
    ratio: u64,
    vcpus: u64,
    ctx: &Context,
    k: &Knobs,
    reasons: &mut Vec<Reason>,
) -> u64 {
    let nc = ratio * vcpus;
    let standard = nc.max(4);
    let enterprise = ratio * vcpus.max(4);
    let (ent_held, std_held) = ctx.sql_editions_held;
    let (n, how) = if k.sql_strict_edition_match {
        if edition == SqlVmEdition::Enterprise {
            (
                enterprise,
                "covered by Enterprise licences (strict edition match, SQL-4)",
            )
        } else {
            (
                standard,
                "covered by Standard licences (strict edition match, SQL-4)",
            )
        }
    } else {
        match (ent_held, std_held) {
            (true, false) => (enterprise, "the estate holds Enterprise SQL licences only"),
            (false, true) => (standard, "the estate holds Standard SQL licences only"),
            _ if standard == enterprise => (standard, "either edition"),
            _ => (
                standard.max(enterprise),
                "either edition may cover it: the larger figure, never short",
            ),
        }
    };
    reasons.push(Reason::new(
        "OQ-5",
        format!(
            "{edition:?} VM, {nc} NC before the minimum; at least 4 core licences: {standard} NC \
             from Standard licences or {enterprise} NC from Enterprise licences; {how}: {n} NC"
        ),
    ));
    n
}

//! Windows Server: per-VM licensing (WS-1, WS-3, WS-6), Dedicated Host licensing (WS-9, WS-11,
//! OQ-14).

use super::{Context, Draw, Knobs, Pool, Reason, Requirement, requirement};
use crate::model::{HostLicenseType, Os, ResourceSpec, VmLicenseType};
use crate::rules::{CoreBasis, WsRule};

/// The facts of a VM or scale set that the Windows and Linux rules read.
pub(super) struct VmFacts {
    pub os: Os,
    pub vcpus: u32,
    pub active_vcpus: Option<u32>,
    pub instances: u32,
    pub license_type: VmLicenseType,
    pub on_host: bool,
    pub sql_image: bool,
}

impl VmFacts {
    pub fn of(spec: &ResourceSpec) -> Option<VmFacts> {
        Some(match spec {
            ResourceSpec::Vm {
                os,
                vcpus,
                active_vcpus,
                license_type,
                host,
                sql_image,
                ..
            } => VmFacts {
                os: *os,
                vcpus: *vcpus,
                active_vcpus: *active_vcpus,
                instances: 1,
                license_type: *license_type,
                on_host: host.is_some(),
                sql_image: *sql_image,
            },
            ResourceSpec::ScaleSet {
                os,
                vcpus,
                active_vcpus,
                instances,
                license_type,
                ..
            } => VmFacts {
                os: *os,
                vcpus: *vcpus,
                active_vcpus: *active_vcpus,
                instances: *instances,
                license_type: *license_type,
                on_host: false,
                sql_image: false,
            },
            _ => return None,
        })
    }

    /// The vCPUs licensed under `basis` (OQ-2).
    pub fn licensed_vcpus(&self, basis: CoreBasis) -> u32 {
        match basis {
            CoreBasis::OriginalSizeVcpus => self.vcpus,
            CoreBasis::ActiveVcpus => self.active_vcpus.unwrap_or(self.vcpus),
        }
    }
}

/// Core licences one Windows VM of `vcores` needs.
///
/// WS-1 (current): `max(8, vcores)`. WS-3 (legacy): `8·ceil(vcores/8)`; the estate-wide
/// 16-licence minimum of WS-3 is applied to the pool, not here.
pub fn core_licences_per_vm(vcores: u32, rule: WsRule) -> (u64, Reason) {
    let c = u64::from(vcores);
    let (n, rule_id) = match rule {
        WsRule::Current2023 => (c.max(8), "WS-1"),
        WsRule::LegacyGroupsOf8 => (8 * c.div_ceil(8), "WS-3"),
    };
    (n, Reason::new(rule_id, per_vm_text(c, rule)))
}

/// The reason's text of [`core_licences_per_vm`].
fn per_vm_text_of(c: u64, rule: WsRule) -> String {
    match rule {
        WsRule::Current2023 => format!("max(8, {c} vCPUs) = {} core licences per VM", c.max(8)),
        WsRule::LegacyGroupsOf8 => {
            let n = 8 * c.div_ceil(8);
            format!("8 × ceil({c} vCPUs / 8) = {n} core licences per VM (groups of 8)")
        }
    }
}

/// VM sizes up to this many vCPUs have their texts written once.
const COMMON_VCPUS: u64 = 256;

/// The texts of [`core_licences_per_vm`] for 0..=[`COMMON_VCPUS`] vCPUs under both rules,
/// written once: nearly every Windows VM of an estate has one of them, and a borrowed text is
/// neither allocated for each VM nor copied into the plan.
static PER_VM_TEXTS: std::sync::LazyLock<[Vec<String>; 2]> = std::sync::LazyLock::new(|| {
    [WsRule::Current2023, WsRule::LegacyGroupsOf8].map(|rule| {
        (0..=COMMON_VCPUS)
            .map(|c| per_vm_text_of(c, rule))
            .collect()
    })
});

fn per_vm_text(c: u64, rule: WsRule) -> std::borrow::Cow<'static, str> {
    let texts = &PER_VM_TEXTS[usize::from(rule == WsRule::LegacyGroupsOf8)];
    match usize::try_from(c).ok().and_then(|c| texts.get(c)) {
        Some(text) => std::borrow::Cow::Borrowed(text.as_str()),
        None => std::borrow::Cow::Owned(per_vm_text_of(c, rule)),
    }
}

/// A Windows VM or scale set (WS-1, WS-3, WS-5, WS-6, WS-9, WS-13).
pub(super) fn vm(
    vm: &VmFacts,
    ctx: &Context,
    k: &Knobs,
    notes: &mut Vec<Reason>,
) -> Option<Requirement> {
    let claimed = vm.license_type == VmLicenseType::WindowsServer;
    match vm.os {
        Os::Windows => {}
        Os::WindowsClient => {
            notes.push(Reason::new(
                "WC-1",
                "Windows client multitenant hosting is per user, not core-based AHB",
            ));
            return None;
        }
        _ => {
            if claimed {
                notes.push(Reason::new(
                    "API-1",
                    format!(
                        "Windows_Server is set on a {:?} VM: it has no effect",
                        vm.os
                    ),
                ));
            }
            return None;
        }
    }
    // Room for the reasons a VM usually gets (WS-13, WS-1 or WS-3, and the plan's decision).
    let mut reasons = Vec::with_capacity(4);
    reasons.push(Reason::new(
        "WS-13",
        "every Windows Server image is eligible for AHB",
    ));
    if ctx.host_windows_licensed {
        reasons.push(Reason::new(
            "WS-9",
            "runs on a Dedicated Host licensed with Datacenter for all physical cores: \
             covered by the host's licences (when they cover the host), no per-VM licences",
        ));
        return Some(requirement(
            Pool::WindowsServer,
            0,
            Draw::Any,
            claimed,
            true,
            reasons,
        ));
    }
    if ctx.dev_test {
        // GEN-13: Dev/Test bills Windows VMs at the Linux rate, as SQL-15 makes SQL free there.
        reasons.push(Reason::new(
            "GEN-13",
            "Dev/Test subscription: Windows VMs are billed at the Linux rate, so no Windows \
             Server licence is needed and the benefit saves nothing",
        ));
        return Some(requirement(
            Pool::WindowsServer,
            0,
            Draw::Any,
            claimed,
            true,
            reasons,
        ));
    }
    if vm.on_host {
        reasons.push(Reason::new(
            "WS-11",
            "on a Dedicated Host without host-level licensing: licensed per VM",
        ));
    }
    let vcores = vm.licensed_vcpus(k.ws_core_basis);
    if vm.active_vcpus.is_some_and(|a| a != vm.vcpus) {
        reasons.push(Reason::new(
            "OQ-2",
            format!(
                "constrained size: {} of {} vCPUs active; licensing {vcores} ({:?})",
                vm.active_vcpus.unwrap_or(vm.vcpus),
                vm.vcpus,
                k.ws_core_basis
            ),
        ));
    }
    let (per_vm, why) = core_licences_per_vm(vcores, k.ws_rule);
    reasons.push(why);
    let units = per_vm * u64::from(vm.instances);
    if vm.instances > 1 || vm.on_host {
        reasons.push(Reason::new(
            "WS-6",
            format!(
                "{} instances × {per_vm} = {units} core licences",
                vm.instances
            ),
        ));
    }
    Some(requirement(
        Pool::WindowsServer,
        units,
        Draw::Any,
        claimed,
        true,
        reasons,
    ))
}

/// Host-level Windows licensing of a Dedicated Host: Datacenter for every physical core
/// (WS-9), optionally with the on-premises 16-core minimum (OQ-14). Present when the host is
/// licensed at host level or runs Windows VMs.
pub(super) fn dedicated_host(spec: &ResourceSpec, ctx: &Context, k: &Knobs) -> Option<Requirement> {
    let ResourceSpec::DedicatedHost {
        physical_cores,
        license_type,
        ..
    } = spec
    else {
        return None;
    };
    let claimed = *license_type == HostLicenseType::WindowsServerHybrid;
    if *license_type == HostLicenseType::WindowsServerPerpetual {
        return Some(requirement(
            Pool::WindowsServer,
            0,
            Draw::DatacenterHost,
            false,
            false,
            vec![Reason::new(
                "API-4",
                "Windows_Server_Perpetual: licensed with perpetual licences outside AHB",
            )],
        ));
    }
    if !claimed && ctx.windows_vms_on_host == 0 {
        return None;
    }
    let cores = u64::from(*physical_cores);
    let mut reasons = vec![Reason::new(
        "WS-9",
        format!(
            "unlimited Windows VMs need Datacenter licences for all {cores} physical cores; \
             Standard gives no unlimited virtualization"
        ),
    )];
    let units = if k.dh_apply_onprem_minimums && cores < 16 {
        reasons.push(Reason::new(
            "OQ-14",
            format!("on-premises minimum applied: 16 core licences instead of {cores}"),
        ));
        16
    } else {
        cores
    };
    if ctx.windows_vms_on_host > 0 {
        reasons.push(Reason::new(
            "WS-11",
            format!(
                "{} Windows VMs run on the host; without host-level licensing each is licensed per VM",
                ctx.windows_vms_on_host
            ),
        ));
    }
    Some(requirement(
        Pool::WindowsServer,
        units,
        Draw::DatacenterHost,
        claimed,
        true,
        reasons,
    ))
}

#[cfg(test)]
mod per_vm_tests {
    use super::*;

    /// The written-once texts are the texts: for every size, in and beyond the table.
    #[test]
    fn the_per_vm_texts_are_the_formatted_ones() {
        for rule in [WsRule::Current2023, WsRule::LegacyGroupsOf8] {
            for c in (0..=300u32).chain([1_000, u32::MAX]) {
                let (_, reason) = core_licences_per_vm(c, rule);
                assert_eq!(reason.text, per_vm_text_of(u64::from(c), rule));
                let borrowed = matches!(reason.text, std::borrow::Cow::Borrowed(_));
                assert_eq!(borrowed, u64::from(c) <= COMMON_VCPUS);
            }
        }
        assert_eq!(
            core_licences_per_vm(4, WsRule::Current2023).1.text,
            "max(8, 4 vCPUs) = 8 core licences per VM"
        );
        assert_eq!(
            core_licences_per_vm(12, WsRule::LegacyGroupsOf8).1.text,
            "8 × ceil(12 vCPUs / 8) = 16 core licences per VM (groups of 8)"
        );
    }
}

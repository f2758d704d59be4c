//! RHEL and SLES: bring-your-own-subscription on pay-as-you-go images (LNX-1…LNX-7). Azure
//! counts nothing; the units are the vendor's, configured per rule set (LNX-6, OQ-17).

use super::windows::VmFacts;
use super::{Draw, Knobs, Pool, Reason, Requirement, requirement};
use crate::model::{LinuxUnit, Os, VmLicenseType};

/// Units one RHEL or SLES VM instance needs in `unit` (OQ-17).
pub fn units_per_instance(unit: LinuxUnit, vcpus: u32) -> u64 {
    match unit {
        LinuxUnit::Vm => 1,
        LinuxUnit::Vcpu => u64::from(vcpus),
    }
}

/// A RHEL or SLES VM or scale set.
pub(super) fn vm(vm: &VmFacts, k: &Knobs, notes: &mut Vec<Reason>) -> Option<Requirement> {
    let (pool, unit, byos, name) = match vm.os {
        Os::Rhel => (Pool::Rhel, k.rhel_unit, VmLicenseType::RhelByos, "RHEL"),
        Os::Sles => (Pool::Sles, k.sles_unit, VmLicenseType::SlesByos, "SLES"),
        _ => {
            if matches!(
                vm.license_type,
                VmLicenseType::RhelByos | VmLicenseType::SlesByos
            ) {
                notes.push(Reason::new(
                    "LNX-7",
                    format!(
                        "{:?} is set on a {:?} VM: no billing change",
                        vm.license_type, vm.os
                    ),
                ));
            }
            return None;
        }
    };
    let mut reasons = Vec::with_capacity(4);
    let mismatched = matches!(
        vm.license_type,
        VmLicenseType::RhelByos | VmLicenseType::SlesByos
    ) && vm.license_type != byos;
    if mismatched {
        reasons.push(Reason::new(
            "LNX-7",
            format!(
                "{:?} does not match the {name} distribution: no billing change",
                vm.license_type
            ),
        ));
    }
    let claimed = vm.license_type == byos;
    if vm.sql_image && vm.os == Os::Rhel {
        reasons.push(Reason::new(
            "LNX-4",
            "SQL Server on RHEL images cannot use AHB for pay-as-you-go",
        ));
        return Some(requirement(pool, 0, Draw::Any, claimed, false, reasons));
    }
    let per = units_per_instance(unit, vm.vcpus);
    let units = per * u64::from(vm.instances);
    reasons.push(Reason::new(
        "LNX-6",
        format!(
            "{name} BYOS: {per} subscription unit(s) per instance ({unit:?}) × {} = {units}",
            vm.instances
        ),
    ));
    if k.linux_combination_warning && vm.on_host && claimed {
        notes.push(Reason::new(
            "OQ-13",
            "Linux AHB on a Dedicated Host: the docs say host and SQL benefits may then be unavailable",
        ));
    }
    Some(requirement(pool, units, Draw::Any, claimed, true, reasons))
}

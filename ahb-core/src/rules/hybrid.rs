//! Azure Local (HCI-1…HCI-5) and AKS enabled by Azure Arc (AKS-1…AKS-4).

use super::{Draw, Knobs, Pool, Reason, Requirement, requirement};
use crate::model::{AksHost, ResourceSpec};
use crate::rules::AksVcpuBasis;

/// An Azure Local cluster: one Datacenter core licence per physical core of every node (HCI-2).
pub(super) fn azure_local(node_cores: &[u32], ahb: bool) -> Requirement {
    let cores: u64 = node_cores.iter().map(|&c| u64::from(c)).sum();
    let mut reasons = vec![
        Reason::new(
            "HCI-2",
            format!(
                "{} nodes, {cores} physical cores: {cores} core licences",
                node_cores.len()
            ),
        ),
        Reason::new(
            "HCI-1",
            "Windows Server Datacenter with SA or subscription only, from the allowed programmes (OQ-9)",
        ),
        Reason::new(
            "HCI-3",
            "waives the host fee and the Windows Server subscription; unlimited Windows VMs",
        ),
    ];
    if ahb {
        reasons.push(Reason::new(
            "HCI-5",
            "the benefit is activated and cannot be deactivated",
        ));
    }
    requirement(
        Pool::WindowsServer,
        cores,
        Draw::DatacenterAzureLocal,
        ahb,
        true,
        reasons,
    )
}

/// AKS hybrid: one Windows Server core licence per vCPU of AKS (AKS-1), on Datacenter or Azure
/// Local hosts only (AKS-2), used additively with every other use (AKS-4).
pub(super) fn aks(spec: &ResourceSpec, k: &Knobs) -> Requirement {
    let ResourceSpec::AksHybrid {
        host,
        worker_vcpus,
        control_plane_vcpus,
        ahb,
        oem_bundled,
    } = spec
    else {
        return requirement(
            Pool::WindowsServer,
            0,
            Draw::Additive,
            false,
            false,
            Vec::new(),
        );
    };
    let draw = if k.aks_exclusive {
        Draw::Any
    } else {
        Draw::Additive
    };
    if *host == AksHost::WindowsServerStandard {
        let why = Reason::new(
            "AKS-2",
            "the host runs Windows Server Standard: only Datacenter hosts or Azure Local are eligible",
        );
        return requirement(Pool::WindowsServer, 0, draw, *ahb, false, vec![why]);
    }
    if *oem_bundled {
        let why = Reason::new(
            "AKS-2",
            "a bundled OEM partner SKU: the setting has no effect",
        );
        return requirement(Pool::WindowsServer, 0, draw, *ahb, false, vec![why]);
    }
    let vcpus = match k.aks_vcpu_basis {
        AksVcpuBasis::AllNodes => u64::from(*worker_vcpus) + u64::from(*control_plane_vcpus),
        AksVcpuBasis::WorkersOnly => u64::from(*worker_vcpus),
    };
    let mut reasons = vec![Reason::new(
        "AKS-1",
        format!(
            "{vcpus} vCPUs ({:?}, OQ-12): {vcpus} core licences, Standard or Datacenter (AKS-3)",
            k.aks_vcpu_basis
        ),
    )];
    if !k.aks_exclusive {
        reasons.push(Reason::new(
            "AKS-4",
            "additive: the same licences may also be used on premises and for other AHB",
        ));
    }
    requirement(Pool::WindowsServer, vcpus, draw, *ahb, true, reasons)
}

//! Hybrid: AKS enabled by Azure Arc and Azure Local clusters (API-7).

use serde_json::Value;

use super::{Ctx, R, Row, bad, count, missing};
use crate::catalogue::Catalogue;
use crate::error::ErrorCode;
use crate::import::json::{self, fact, fact_str};
use crate::model::{AksHost, ResourceSpec as S};

/// An Azure Local (Azure Stack HCI) cluster: physical cores of each node.
pub(super) fn azure_local(row: &Value, cx: &Ctx) -> R<Row> {
    let ready = |spec| cx.ready(spec);
    Ok({
        let (nodes, at) = fact(row, "reportedProperties.nodes").ok_or_else(|| {
            missing(
                "properties.reportedProperties.nodes",
                "the cluster's nodes (reportedProperties.nodes): register the cluster first",
            )
        })?;
        let Value::Array(nodes) = nodes else {
            return Err(bad(
                ErrorCode::InvalidValue,
                at,
                "nodes must be an array".into(),
            ));
        };
        let mut cores = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            let c = json::get(n, "coreCount")
                .and_then(Value::as_u64)
                .filter(|&c| c > 0 && c < 100_000)
                .ok_or_else(|| {
                    bad(
                        ErrorCode::InvalidValue,
                        format!("{at}[{i}].coreCount"),
                        "a node needs a positive coreCount".into(),
                    )
                })?;
            cores.push(c as u32);
        }
        if cores.is_empty() {
            return Err(bad(
                ErrorCode::InvalidValue,
                at,
                "a cluster without nodes".into(),
            ));
        }
        let ahb = match fact_str(row, "softwareAssuranceProperties.softwareAssuranceStatus") {
            None => false,
            Some((s, at)) => match s.to_ascii_lowercase().as_str() {
                "enabled" => true,
                "disabled" => false,
                _ => {
                    return Err(bad(
                        ErrorCode::UnknownVariant,
                        at,
                        format!("unknown softwareAssuranceStatus {s:?}"),
                    ));
                }
            },
        };
        ready(S::AzureLocalCluster {
            node_cores: cores,
            ahb,
        })
    })
}

/// AKS enabled by Azure Arc (`provisionedClusterInstances`): these run on Azure Local, the only
/// host of that resource type (AKS on Windows Server is not an ARM resource).
pub(super) fn aks(row: &Value, cat: &Catalogue, cx: &Ctx) -> R<Row> {
    let ready = |spec| cx.ready(spec);
    let pool_vcpus = |v: &Value, at: &str| -> R<std::result::Result<u32, Row>> {
        let count = count(json::get(v, "count"), &format!("{at}.count"))?.unwrap_or(1);
        let Some(size) = json::get_str(v, "vmSize") else {
            return Err(missing(&format!("{at}.vmSize"), "node size"));
        };
        match cat.vm_size(size) {
            None => Ok(Err(Row::Unknown {
                size: size.to_string(),
                field: format!("{at}.vmSize"),
            })),
            Some(f) => Ok(Ok(u32::try_from(count)
                .unwrap_or(u32::MAX)
                .saturating_mul(f.vcpus))),
        }
    };
    let mut worker = 0u32;
    if let Some((Value::Array(pools), at)) = fact(row, "agentPoolProfiles") {
        for (i, p) in pools.iter().enumerate() {
            match pool_vcpus(p, &format!("{at}[{i}]"))? {
                Ok(n) => worker = worker.saturating_add(n),
                Err(u) => return Ok(u),
            }
        }
    }
    let mut control = 0u32;
    if let Some((cp, at)) = fact(row, "controlPlane") {
        match pool_vcpus(cp, &at)? {
            Ok(n) => control = n,
            Err(u) => return Ok(u),
        }
    }
    if worker == 0 {
        return Err(missing("properties.agentPoolProfiles", "worker node pools"));
    }
    let ahb = match fact_str(row, "licenseProfile.azureHybridBenefit") {
        None => false,
        Some((s, at)) => match s.to_ascii_lowercase().as_str() {
            "true" => true,
            "false" | "notapplicable" => false,
            _ => {
                return Err(bad(
                    ErrorCode::UnknownVariant,
                    at,
                    format!("unknown azureHybridBenefit {s:?}"),
                ));
            }
        },
    };
    Ok(ready(S::AksHybrid {
        host: AksHost::AzureLocal,
        worker_vcpus: worker,
        control_plane_vcpus: control,
        ahb,
        oem_bundled: false,
    }))
}

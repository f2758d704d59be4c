//! Azure Local and AKS hybrid (TV-21…TV-24)

use super::*;

fn cluster() -> Value {
    json!({"id": "hci", "kind": "azure_local_cluster", "node_cores": [32, 32, 32, 32],
           "ahb": true})
}

#[test]
fn tv_21_azure_local_four_nodes_of_32_need_128_datacenter() {
    let p = run(
        &estate(json!([ws("dc", "datacenter", 128)]), json!([cluster()])),
        &RuleSet::current(),
    );
    let q = requirement(&p, "hci", Pool::WindowsServer);
    assert_eq!((q.units, q.draw), (128, Draw::DatacenterAzureLocal));
    assert_cites(&q.reasons, &["HCI-1", "HCI-2", "HCI-3"]);
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_eq!((wp.claimed, wp.covered, wp.idle), (128, 128, 0));

    let p = run(
        &estate(json!([ws("dc", "datacenter", 127)]), json!([cluster()])),
        &RuleSet::current(),
    );
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 1);
}

#[test]
fn tv_22_azure_local_with_standard_licences_is_not_eligible() {
    let p = run(
        &estate(json!([ws("std", "standard", 128)]), json!([cluster()])),
        &RuleSet::current(),
    );
    let wp = pool(&p, Pool::WindowsServer);
    assert!(!p.compliant);
    assert_eq!((wp.covered, wp.shortfall), (0, 128));
    assert_eq!(
        wp.shortfall_by_draw.get(&Draw::DatacenterAzureLocal),
        Some(&128)
    );
    assert_cites(
        &requirement(&p, "hci", Pool::WindowsServer).reasons,
        &["HCI-1"],
    );
    // Datacenter from a programme outside EA/CSP (OQ-9 default per HCI-1) does not qualify
    // either.
    let open = with(ws("dc", "datacenter", 128), "programme", json!("open"));
    let p = run(
        &estate(json!([open]), json!([cluster()])),
        &RuleSet::current(),
    );
    assert!(!p.compliant);
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 128);
}

fn aks(host: &str) -> Value {
    json!({"id": "aks", "kind": "aks_hybrid", "host": host, "worker_vcpus": 48,
           "control_plane_vcpus": 8, "ahb": true})
}

#[test]
fn tv_23_aks_hybrid_48_vcpus_need_48_additive_licences() {
    // 48 Standard licences, all already used by six 8-vCPU Azure VMs: AKS use is additive.
    let mut resources = win_vms("vm", 6, 8);
    resources.push(aks("windows_server_datacenter"));
    let lic = json!([ws("std", "standard", 48)]);
    let workers = current_with(|r| r.knobs.aks_vcpu_basis = AksVcpuBasis::WorkersOnly);
    let p = run(&estate(lic.clone(), json!(resources)), &workers);
    let q = requirement(&p, "aks", Pool::WindowsServer);
    assert_eq!((q.units, q.draw, q.eligible), (48, Draw::Additive, true));
    assert_cites(&q.reasons, &["AKS-1", "AKS-4"]);
    let wp = pool(&p, Pool::WindowsServer);
    let additive = wp.additive.as_ref().expect("an additive check");
    assert_eq!(
        (additive.demand, additive.supply, additive.shortfall),
        (48, 48, 0)
    );
    assert_eq!((wp.claimed, wp.covered), (48, 48));
    assert!(p.compliant);

    // OQ-12 default counts every node VM: 48 workers + 8 control plane = 56, 8 short.
    let p = run(&estate(lic.clone(), json!(resources)), &RuleSet::current());
    assert_eq!(requirement(&p, "aks", Pool::WindowsServer).units, 56);
    let additive = pool(&p, Pool::WindowsServer)
        .additive
        .clone()
        .expect("check");
    assert_eq!(additive.shortfall, 8);
    assert!(!p.compliant);

    // OQ-12 alternative: exclusive use is deducted from the pool, so the VMs and AKS need 96.
    let exclusive = current_with(|r| {
        r.knobs.aks_vcpu_basis = AksVcpuBasis::WorkersOnly;
        r.knobs.aks_exclusive = true;
    });
    let p = run(&estate(lic, json!(resources)), &exclusive);
    let wp = pool(&p, Pool::WindowsServer);
    assert_eq!(requirement(&p, "aks", Pool::WindowsServer).draw, Draw::Any);
    assert_eq!((wp.claimed, wp.shortfall), (96, 48));
    assert!(!p.compliant);
}

#[test]
fn tv_24_aks_hybrid_on_standard_host_is_not_eligible() {
    let p = run(
        &estate(
            json!([ws("dc", "datacenter", 64)]),
            json!([aks("windows_server_standard")]),
        ),
        &RuleSet::current(),
    );
    let q = requirement(&p, "aks", Pool::WindowsServer);
    assert!(!q.eligible);
    assert_eq!(q.units, 0);
    assert_cites(&q.reasons, &["AKS-2"]);
    assert!(!p.compliant);
    assert_eq!(p.over_claimed.len(), 1);
    assert_eq!(p.over_claimed[0].reason.rule, "AKS-2");

    // The same cluster on a Datacenter host or Azure Local is eligible.
    for host in ["windows_server_datacenter", "azure_local"] {
        let p = run(
            &estate(json!([ws("dc", "datacenter", 64)]), json!([aks(host)])),
            &RuleSet::current(),
        );
        assert!(requirement(&p, "aks", Pool::WindowsServer).eligible);
        assert!(p.compliant);
    }
}

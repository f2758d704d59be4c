//! SQL Server: normalised cores (TV-25…TV-29)

use super::*;

/// The NC a ledger of `ent` Enterprise and `std` Standard core licences supplies, through the
/// audit; checks that the lines cite SQL-1 and GEN-2.
fn ledger_nc(ent: u32, std: u32) -> u64 {
    let mut lines = Vec::new();
    if ent > 0 {
        lines.push(sql("ent", "enterprise", ent));
    }
    if std > 0 {
        lines.push(sql("std", "standard", std));
    }
    let p = run(&estate(json!(lines), json!([])), &RuleSet::current());
    let sp = pool(&p, Pool::SqlServer);
    assert_cites(&line_reasons(sp), &["SQL-1", "GEN-2"]);
    sp.supply_for_vms
}

#[test]
fn tv_25_four_enterprise_seven_standard_is_23_nc() {
    assert_eq!(normalised_cores(4, 7), 23);
    assert_eq!(ledger_nc(4, 7), 23);
}

#[test]
fn tv_26_eight_standard_eight_enterprise_is_40_nc() {
    assert_eq!(normalised_cores(8, 8), 40);
    assert_eq!(ledger_nc(8, 8), 40);
}

#[test]
fn tv_27_ten_standard_ten_enterprise_is_50_nc() {
    assert_eq!(normalised_cores(10, 10), 50);
    assert_eq!(ledger_nc(10, 10), 50);
}

#[test]
fn tv_28_sixty_standard_twelve_enterprise_is_108_nc() {
    assert_eq!(normalised_cores(12, 60), 108);
    assert_eq!(ledger_nc(12, 60), 108);
}

#[test]
fn tv_29_s7_tutorial_totals() {
    for (ent, std, nc) in [
        (2000, 750, 8750),
        (1500, 750, 6750),
        (500, 0, 2000),
        (1800, 2000, 9200),
    ] {
        assert_eq!(normalised_cores(ent, std), nc);
        assert_eq!(
            ledger_nc(u32::try_from(ent).unwrap(), u32::try_from(std).unwrap()),
            nc
        );
    }
}

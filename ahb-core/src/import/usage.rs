//! One row of cost or usage data, as the hourly central-SQL simulation and the AHB evidence
//! checks consume it. The fields are plain on purpose: the row is a faithful, typed copy of what
//! the export says, with no licensing decision taken on it (those stay in `rules/`).

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{Product, SqlTier};

/// What a cost row says about Azure Hybrid Benefit on its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AhbEvidence {
    /// The product whose benefit the row shows (`windows_server` or `sql_server`).
    pub product: Product,
    /// Whether the benefit was applied to the usage of the row.
    pub enabled: bool,
}

/// One usage row of a Cost Management (EA or MCA, actual or amortized) or FOCUS 1.0 export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageRow {
    /// One-based line of the row in its file, so every figure can be traced back (for a
    /// Parquet file or Arrow data, the one-based row number).
    pub line: usize,
    /// The ARM resource id (`ResourceId`, `InstanceId`), absent for rows without one (taxes,
    /// some purchases). Kept as the export spells it; ARM ids compare case-insensitively.
    pub resource_id: Option<String>,
    /// Start of the charge period: the day at 00:00 for daily cost exports (`Date`), the hour
    /// for hourly FOCUS rows (`ChargePeriodStart`). No time zone: Azure exports are UTC.
    pub start: NaiveDateTime,
    /// End of the charge period (exclusive): `ChargePeriodEnd`, or the next day for daily rows.
    pub end: NaiveDateTime,
    /// Consumed quantity (`Quantity`, `ConsumedQuantity`) in `unit`; negative for refunds.
    /// Absent only on rows that are not usage (purchases, taxes, credits), where FOCUS leaves it
    /// null; a usage row without a quantity is an error.
    pub quantity: Option<Decimal>,
    /// Unit of `quantity` (`1 Hour`, `Hours`, `vCore`…), as written in the export.
    pub unit: Option<String>,
    /// `MeterCategory` / `x_SkuMeterCategory` (`Virtual Machines`, `SQL Managed Instance`), or
    /// FOCUS `ServiceName` when no meter category exists.
    pub meter_category: Option<String>,
    /// `MeterSubCategory` / `x_SkuMeterSubcategory` (`Dv3/DSv3 Series Windows`,
    /// `Managed Instance General Purpose - SQL License`).
    pub meter_subcategory: Option<String>,
    /// `MeterName` / `x_SkuMeterName` (`D2 v3/D2s v3`, `vCore`).
    pub meter_name: Option<String>,
    /// The SQL service tier named by the meter subcategory (General Purpose, Business Critical,
    /// Hyperscale), when it names one.
    pub tier: Option<SqlTier>,
    /// Price per unit as stated by the export (`UnitPrice`, else `EffectivePrice`; FOCUS
    /// `ContractedUnitPrice`, else `ListUnitPrice`).
    pub unit_price: Option<Decimal>,
    /// Cost of the row (`Cost`, `CostInBillingCurrency`; FOCUS `EffectiveCost`, else
    /// `BilledCost`), in `currency`.
    pub cost: Option<Decimal>,
    /// Billing currency.
    pub currency: Option<String>,
    /// `ChargeType` / `ChargeCategory` (`Usage`, `Purchase`, `Refund`…).
    pub charge_type: Option<String>,
    /// `PricingModel` / `PricingCategory` (`OnDemand`, `Reservation`, `SavingsPlan`, `Spot`…).
    pub pricing_model: Option<String>,
    /// The exact VM size (`AdditionalInfo.ServiceType`), when given.
    pub vm_size: Option<String>,
    /// vCPUs of a VM row (`AdditionalInfo.VCPUs`).
    pub vcpus: Option<u32>,
    /// vCores of a SQL PaaS row (`AdditionalInfo.vCores`).
    pub vcores: Option<u32>,
    /// What the row says about AHB, when it says anything.
    pub ahb: Option<AhbEvidence>,
}

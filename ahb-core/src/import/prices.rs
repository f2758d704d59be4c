//! Prices: the Azure Retail Prices API response (list prices) and the customer's own cost export
//! (effective prices), joined to imported resources.
//!
//! **Retail Prices API** (`https://prices.azure.com/api/retail/prices`, documented on Microsoft
//! Learn, "Azure Retail Prices REST API overview"): each page is `{"BillingCurrency",
//! "Items": [...], "NextPageLink", "Count"}`; every page file is added in turn. An item has
//! `currencyCode`, `retailPrice`, `unitPrice`, `armRegionName`, `armSkuName`, `meterName`,
//! `skuName`, `productName`, `serviceName`, `unitOfMeasure`, `type` (`Consumption`,
//! `DevTestConsumption`, `Reservation`) and `tierMinimumUnits`. ahb keeps `Consumption` and
//! `DevTestConsumption` items priced per hour (`1 Hour`), and passes over reservations, tiers
//! above zero units, and Spot and Low Priority meters (their names end in `Spot` or
//! `Low Priority`), which cannot carry the benefit.
//!
//! What is priced, per instance and hour (GEN-11: the benefit removes the licence part of the
//! rate and leaves the base compute rate):
//! - a Windows VM, scale set or dedicated host: the Windows meter (`productName` ending in
//!   `Windows`) is the pay-as-you-go price and the base meter of the same `armSkuName` and
//!   region (no OS in the product name, or `Linux`) the price with the benefit;
//! - a RHEL or SLES VM or scale set: the software meter of its vCPU band (`serviceName`
//!   `Virtual Machines Licenses`, `productName` `Red Hat Enterprise Linux` / `SUSE Linux
//!   Enterprise Server`, `meterName` `1-4 vCPU VM License` / `1-2 vCPU VM Support`), against
//!   zero (BYOS removes it);
//! - a SQL VM: the SQL Server licence meter of its edition (`serviceName` `Virtual Machines
//!   Licenses`, `productName` `SQL Server Enterprise` / `Standard`, `meterName` `<n> vCPU VM
//!   License` for the licensed vCPUs), against zero;
//! - a SQL database, elastic pool, managed instance or instance pool on a vCore tier: the
//!   tier's `SQL License` meter per vCore-hour (what `LicenseIncluded` adds to `BasePrice`) ×
//!   vCores, against zero.
//!
//! **Effective prices** from a cost export (EA, MCA or FOCUS rows, read by
//! [`super::usage_from_csv`]): a usage row of the resource billed per hour gives the price the
//! customer actually pays for the meter it is billed on. The list price of that meter is scaled
//! to it and the same discount is applied to its counterpart meter (the base meter of a Windows
//! VM billed licence-included, or the Windows meter of a VM billed with the benefit), so that
//! savings reflect the negotiated rate. Effective prices are preferred over list prices and
//! every priced resource says which was used ([`PriceSource`]).
//!
//! Every price carries its currency; two currencies in one import are a typed error
//! (`invalid_value`, field `currencyCode`), never one sum.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::json;
use super::usage::UsageRow;
use crate::error::{Error, ErrorCode, RecordRef, Result};
use crate::model::{Os, Prices, ResourceSpec, SqlTier, SqlVmEdition};
use crate::text;

/// Which price list a price belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceType {
    /// `Consumption`: pay-as-you-go.
    Consumption,
    /// `DevTestConsumption`: Dev/Test subscriptions (no Windows licence charge).
    DevTest,
}

/// The licence variant a meter prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Variant {
    Base,
    Windows,
    Rhel,
    Sles,
    SqlVm(SqlEd),
    SqlPaas(Family, TierKey),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SqlEd {
    Enterprise,
    Standard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Family {
    Database,
    ManagedInstance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TierKey {
    GeneralPurpose,
    BusinessCritical,
    Hyperscale,
}

/// Key of one meter: SKU (lower case; vCPUs for SQL VM licence meters, empty for PaaS),
/// region (lower case), variant and price type.
type Key = (String, String, Variant, PriceType);

/// List prices read from Retail Prices API pages.
#[derive(Debug, Clone, Default)]
pub struct RetailPrices {
    meters: BTreeMap<Key, Decimal>,
    currency: Option<(String, String)>,
    /// Items read, over every page added.
    pub items: usize,
    /// Items passed over: reservations, Spot and Low Priority meters, tiers above zero units,
    /// units other than hours, and meters that price nothing ahb assesses.
    pub passed_over: usize,
}

/// Where a resource's prices come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "source")]
pub enum PriceSource {
    /// Retail list prices from the named file(s).
    RetailList {
        /// The price type used.
        price_type: PriceType,
    },
    /// The customer's effective price from a cost export, at the line named.
    CostExport {
        /// The export file.
        file: String,
        /// The one-based line of the row whose unit price was used.
        line: usize,
    },
}

/// How one resource was priced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Priced {
    /// The resource id.
    pub resource: String,
    /// Where the prices come from.
    pub source: PriceSource,
}

/// A resource that could carry the benefit but has no price, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unpriced {
    /// The resource id.
    pub resource: String,
    /// Why no price was found (no region, no meter for the SKU…).
    pub reason: String,
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The standard form of a VM size or host SKU for matching (`standard_d4s_v5`, `dsv3-type1`).
fn sku_key(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

fn variant_of(item: &Value) -> Option<(String, Variant)> {
    let product = json::get_str(item, "productName").unwrap_or("");
    let service = json::get_str(item, "serviceName").unwrap_or("");
    let meter = json::get_str(item, "meterName").unwrap_or("");
    let p = squash(product);
    let s = squash(service);
    let arm = json::get_str(item, "armSkuName")
        .map(sku_key)
        .unwrap_or_default();
    if s == "sqldatabase" || s == "sqlmanagedinstance" {
        if !p.contains("sqllicense") {
            return None;
        }
        let family = if s == "sqlmanagedinstance" || p.contains("managedinstance") {
            Family::ManagedInstance
        } else {
            Family::Database
        };
        let tier = if p.contains("generalpurpose") {
            TierKey::GeneralPurpose
        } else if p.contains("businesscritical") {
            TierKey::BusinessCritical
        } else if p.contains("hyperscale") {
            TierKey::Hyperscale
        } else {
            return None;
        };
        return Some((String::new(), Variant::SqlPaas(family, tier)));
    }
    if s == "virtualmachineslicenses" {
        let variant = if p.contains("sqlserverenterprise") {
            Variant::SqlVm(SqlEd::Enterprise)
        } else if p.contains("sqlserverstandard") {
            Variant::SqlVm(SqlEd::Standard)
        } else if p.contains("redhat") || p.contains("rhel") {
            Variant::Rhel
        } else if p.contains("suse") || p.contains("sles") {
            Variant::Sles
        } else {
            return None;
        };
        // `4 vCPU VM License`, `1-4 vCPU VM License`, `1-2 vCPU VM Support`: the band's upper
        // bound, the most vCPUs the meter covers.
        let m = meter.to_ascii_lowercase();
        let n = m.split("vcpu").next()?.trim();
        let n = n.rsplit(['-', ' ']).next()?.trim();
        let n: u32 = n.parse().ok()?;
        return Some((n.to_string(), variant));
    }
    if s != "virtualmachines" || arm.is_empty() || p.contains("cloudservices") {
        return None;
    }
    // Base meters have no OS suffix (older families) or ` Linux` (newer ones).
    let v = if p.ends_with("windows") {
        Variant::Windows
    } else if p.contains("redhat")
        || p.contains("rhel")
        || p.contains("suse")
        || p.contains("sles")
        || p.contains("sqlserver")
        || p.contains("ubuntu")
        || p.contains("biztalk")
    {
        return None;
    } else {
        Variant::Base
    };
    Some((arm, v))
}

impl RetailPrices {
    /// An empty price list.
    pub fn new() -> RetailPrices {
        RetailPrices::default()
    }

    /// The currency of the prices read so far.
    pub fn currency(&self) -> Option<&str> {
        self.currency.as_ref().map(|(c, _)| c.as_str())
    }

    /// Adds one page of the Retail Prices API (`{"Items": [...]}`) or a bare array of items.
    pub fn add_json(&mut self, file: &str, text: &str) -> Result<()> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc: Value = serde_json::from_str(text)
            .map_err(|e| Error::parse(e.line(), e.column(), e.to_string()).in_file(file))?;
        let items = match &doc {
            Value::Array(a) => a,
            Value::Object(_) => match json::get(&doc, "Items") {
                Some(Value::Array(a)) => a,
                _ => {
                    return Err(Error::new(
                        ErrorCode::InvalidValue,
                        "not a Retail Prices API page: expected {\"Items\": [...]}",
                    )
                    .in_file(file));
                }
            },
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    "not a Retail Prices API page: expected {\"Items\": [...]}",
                )
                .in_file(file));
            }
        };
        for (index, item) in items.iter().enumerate() {
            let at = |code, field: &str, msg: String| {
                Error::at_record(
                    code,
                    RecordRef {
                        collection: "Items",
                        index,
                        id: json::get_str(item, "meterId").map(str::to_string),
                    },
                    field,
                    msg,
                )
                .in_file(file)
            };
            self.items += 1;
            let ty = match json::get(item, "type") {
                Some(Value::String(s)) => s.as_str(),
                Some(other) => {
                    return Err(at(
                        ErrorCode::InvalidValue,
                        "type",
                        format!("type {other} is not a string"),
                    ));
                }
                None => return Err(at(ErrorCode::MissingField, "type", "missing type".into())),
            };
            let price_type = match ty.to_ascii_lowercase().as_str() {
                "consumption" => PriceType::Consumption,
                "devtestconsumption" => PriceType::DevTest,
                _ => {
                    self.passed_over += 1;
                    continue;
                }
            };
            let names = format!(
                "{} {}",
                json::get_str(item, "meterName").unwrap_or(""),
                json::get_str(item, "skuName").unwrap_or("")
            )
            .to_ascii_lowercase();
            let unit = json::get_str(item, "unitOfMeasure").unwrap_or("");
            let tier_min = match json::get(item, "tierMinimumUnits") {
                None | Some(Value::Null) => Decimal::ZERO,
                Some(v) => number(v).ok_or_else(|| {
                    at(
                        ErrorCode::InvalidValue,
                        "tierMinimumUnits",
                        format!("tierMinimumUnits {v} is not a number"),
                    )
                })?,
            };
            if names.contains("spot")
                || names.contains("low priority")
                || !tier_min.is_zero()
                || !matches!(squash(unit).as_str(), "1hour" | "hour" | "hours")
            {
                self.passed_over += 1;
                continue;
            }
            let Some((sku, variant)) = variant_of(item) else {
                self.passed_over += 1;
                continue;
            };
            let price =
                match json::get(item, "retailPrice").or_else(|| json::get(item, "unitPrice")) {
                    Some(v) => number(v).ok_or_else(|| {
                        at(
                            ErrorCode::InvalidValue,
                            "retailPrice",
                            format!("retailPrice {v} is not a number"),
                        )
                    })?,
                    None => {
                        return Err(at(
                            ErrorCode::MissingField,
                            "retailPrice",
                            "missing retailPrice".into(),
                        ));
                    }
                };
            if price.is_sign_negative() && !price.is_zero() {
                return Err(at(
                    ErrorCode::InvalidValue,
                    "retailPrice",
                    format!("price {price} is negative"),
                ));
            }
            let currency = match json::get(item, "currencyCode") {
                Some(Value::String(c)) if !c.trim().is_empty() => c.trim().to_ascii_uppercase(),
                Some(Value::String(_)) | None => {
                    return Err(at(
                        ErrorCode::MissingField,
                        "currencyCode",
                        "a price without its currency".into(),
                    ));
                }
                Some(other) => {
                    return Err(at(
                        ErrorCode::InvalidValue,
                        "currencyCode",
                        format!("currencyCode {other} is not a string"),
                    ));
                }
            };
            match &self.currency {
                None => self.currency = Some((currency, file.to_string())),
                Some((c, first)) if *c != currency => {
                    return Err(at(
                        ErrorCode::InvalidValue,
                        "currencyCode",
                        format!(
                            "price in {currency}, but {first} has prices in {c}: one import takes one currency"
                        ),
                    ));
                }
                Some(_) => {}
            }
            let region = json::get_str(item, "armRegionName")
                .unwrap_or("")
                .to_ascii_lowercase();
            self.meters
                .insert((sku, region, variant, price_type), price);
        }
        Ok(())
    }

    /// The price of the smallest band of a per-vCPU licence meter that covers `n` vCPUs.
    fn band(&self, region: &str, v: Variant, n: u32, t: PriceType) -> Option<Decimal> {
        self.meters
            .iter()
            .filter(|((sku, r, var, ty), _)| {
                r == region && *var == v && *ty == t && !sku.is_empty()
            })
            .filter_map(|((sku, ..), p)| sku.parse::<u32>().ok().map(|b| (b, *p)))
            .filter(|(b, _)| *b >= n)
            .min_by_key(|(b, _)| *b)
            .map(|(_, p)| p)
    }

    fn get(&self, sku: &str, region: &str, v: Variant, t: PriceType) -> Option<Decimal> {
        self.meters
            .get(&(sku.to_string(), region.to_string(), v, t))
            .copied()
    }

    /// List prices of one resource, or why there are none.
    pub(crate) fn price(
        &self,
        spec: &ResourceSpec,
        region: Option<&str>,
        price_type: PriceType,
    ) -> std::result::Result<Prices, String> {
        let Some(region) = region.map(str::to_ascii_lowercase) else {
            return Err("the inventory gives no location (region) to price it in".into());
        };
        let currency = self.currency().map(str::to_string);
        let pair = |sku: &str, v: Variant| -> std::result::Result<Prices, String> {
            let key = sku_key(sku);
            let payg = self.get(&key, &region, v, price_type);
            let base = self.get(&key, &region, Variant::Base, price_type);
            match (payg, base) {
                (Some(payg), Some(ahb)) => Ok(Prices {
                    payg_per_hour: payg,
                    ahb_per_hour: ahb,
                    currency: currency.clone(),
                }),
                (None, _) => Err(format!(
                    "no {v:?} meter for {sku} in {region} in the price list"
                )),
                (_, None) => Err(format!(
                    "no base (Linux) meter for {sku} in {region} in the price list"
                )),
            }
        };
        let licence = |per_hour: Option<Decimal>, what: String| match per_hour {
            Some(p) => Ok(Prices {
                payg_per_hour: p,
                ahb_per_hour: Decimal::ZERO,
                currency: currency.clone(),
            }),
            None => Err(format!("no {what} meter in {region} in the price list")),
        };
        let os_variant = |os: Os| match os {
            Os::Windows => Ok(Variant::Windows),
            Os::Rhel => Ok(Variant::Rhel),
            Os::Sles => Ok(Variant::Sles),
            _ => Err("its OS carries no benefit".to_string()),
        };
        match spec {
            ResourceSpec::Vm {
                os: os @ (Os::Rhel | Os::Sles),
                vcpus,
                ..
            }
            | ResourceSpec::ScaleSet {
                os: os @ (Os::Rhel | Os::Sles),
                vcpus,
                ..
            } => {
                // The RHEL / SLES software meter of the VM's vCPU band, which BYOS removes.
                let v = os_variant(*os)?;
                licence(
                    self.band(&region, v, *vcpus, price_type),
                    format!("{v:?} software meter for {vcpus} vCPUs"),
                )
            }
            ResourceSpec::Vm { os, size, .. } | ResourceSpec::ScaleSet { os, size, .. } => {
                let size = size.as_deref().ok_or("no VM size")?;
                pair(size, os_variant(*os)?)
            }
            ResourceSpec::DedicatedHost { sku, .. } => {
                pair(sku.as_deref().ok_or("no host SKU")?, Variant::Windows)
            }
            ResourceSpec::SqlVm {
                edition,
                vcpus,
                active_vcpus,
                ..
            } => {
                let ed = match edition {
                    SqlVmEdition::Enterprise => SqlEd::Enterprise,
                    SqlVmEdition::Standard => SqlEd::Standard,
                    _ => return Err("a free edition has no licence price".into()),
                };
                // SQL-2: licensed on the active vCPUs, at least four.
                let n = active_vcpus.unwrap_or(*vcpus).max(4);
                licence(
                    self.band(&region, Variant::SqlVm(ed), n, price_type),
                    format!("SQL Server {ed:?} licence for {n} vCPUs"),
                )
            }
            ResourceSpec::SqlDatabase { tier, vcores, .. }
            | ResourceSpec::SqlElasticPool { tier, vcores, .. } => {
                paas(self, &region, Family::Database, *tier, *vcores, price_type)
                    .and_then(|p| licence(p, format!("SQL Database {tier:?} SQL License")))
            }
            ResourceSpec::SqlManagedInstance { tier, vcores, .. }
            | ResourceSpec::SqlInstancePool { tier, vcores, .. } => paas(
                self,
                &region,
                Family::ManagedInstance,
                *tier,
                Some(*vcores),
                price_type,
            )
            .and_then(|p| licence(p, format!("SQL Managed Instance {tier:?} SQL License"))),
            _ => Err("this kind is not priced from the Retail Prices API".into()),
        }
    }
}

/// The SQL License meter × vCores, `Ok(None)` when the meter is missing.
fn paas(
    list: &RetailPrices,
    region: &str,
    family: Family,
    tier: SqlTier,
    vcores: Option<u32>,
    t: PriceType,
) -> std::result::Result<Option<Decimal>, String> {
    let tier = match tier {
        SqlTier::GeneralPurpose => TierKey::GeneralPurpose,
        SqlTier::BusinessCritical => TierKey::BusinessCritical,
        SqlTier::Hyperscale => TierKey::Hyperscale,
        _ => return Err("a DTU tier includes its licence and has no benefit".into()),
    };
    let vcores = vcores.ok_or("no vCores")?;
    Ok(list
        .get("", region, Variant::SqlPaas(family, tier), t)
        .and_then(|p| p.checked_mul(Decimal::from(vcores))))
}

/// A JSON number or numeric string, read by the one decimal rule.
fn number(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => text::parse_decimal(&n.to_string()),
        Value::String(s) => text::parse_decimal(s),
        _ => None,
    }
}

/// The effective hourly rate a cost export shows for each resource: the unit price of its
/// hourly usage rows on a compute meter (`Virtual Machines`), with the file and line used.
#[derive(Debug, Clone, Default)]
pub(crate) struct Effective {
    /// Lower-case resource id → (unit price per hour, billed with the benefit, currency, file,
    /// line).
    by_id: BTreeMap<String, (Decimal, bool, Option<String>, String, usize)>,
}

impl Effective {
    pub fn add_rows(&mut self, file: &str, rows: &[UsageRow]) {
        for r in rows {
            let (Some(id), Some(price)) = (&r.resource_id, r.unit_price) else {
                continue;
            };
            let usage = r
                .charge_type
                .as_deref()
                .is_none_or(|c| c.eq_ignore_ascii_case("usage"));
            let on_demand = r
                .pricing_model
                .as_deref()
                .is_none_or(|p| p.eq_ignore_ascii_case("ondemand"));
            let hourly = r
                .unit
                .as_deref()
                .is_some_and(|u| matches!(squash(u).as_str(), "1hour" | "hour" | "hours"));
            let compute = r
                .meter_category
                .as_deref()
                .is_some_and(|c| squash(c) == "virtualmachines");
            if !(usage && on_demand && hourly && compute)
                || price.is_zero()
                || price.is_sign_negative()
            {
                continue;
            }
            let with_benefit = match r.ahb {
                Some(e) => e.enabled,
                None => continue,
            };
            self.by_id.entry(id.to_ascii_lowercase()).or_insert((
                price,
                with_benefit,
                r.currency.clone(),
                file.to_string(),
                r.line,
            ));
        }
    }

    /// Effective prices of a Windows VM or scale set: the billed meter's rate, and its
    /// counterpart scaled by the same discount from the list.
    pub fn price(&self, id: &str, list: Option<&Prices>) -> Option<(Prices, PriceSource)> {
        let (price, with_benefit, currency, file, line) =
            self.by_id.get(&id.to_ascii_lowercase())?;
        let list = list?;
        let billed_list = if *with_benefit {
            list.ahb_per_hour
        } else {
            list.payg_per_hour
        };
        if billed_list.is_zero() {
            return None;
        }
        // Checked: user numbers never overflow into a panic; an absurd rate is left unpriced.
        let ratio = price.checked_div(billed_list)?;
        let prices = Prices {
            payg_per_hour: list
                .payg_per_hour
                .checked_mul(ratio)?
                .round_dp(6)
                .normalize(),
            ahb_per_hour: list
                .ahb_per_hour
                .checked_mul(ratio)?
                .round_dp(6)
                .normalize(),
            currency: currency.clone().or_else(|| list.currency.clone()),
        };
        Some((
            prices,
            PriceSource::CostExport {
                file: file.clone(),
                line: *line,
            },
        ))
    }

    /// The currencies of the rows kept.
    pub fn currencies(&self) -> impl Iterator<Item = (&str, &str, usize)> {
        self.by_id
            .values()
            .filter_map(|(_, _, c, f, l)| c.as_deref().map(|c| (c, f.as_str(), *l)))
    }
}

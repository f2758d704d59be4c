//! The licence-inventory CSV: one licence line per row, modelled on what SAM tools export
//! (Microsoft License Statement, Snow, Flexera, Ivanti; docs/IMPORT-FORMATS.md §4).
//!
//! Columns, matched by name without regard to case, spaces, punctuation or the spelling of
//! *licence*/*license* (`Licence ID` and `License ID` are one column; aliases in brackets):
//!
//! | column | required | values |
//! |---|---|---|
//! | `id` (`licence id`) | no | unique; default `L<line>` |
//! | `product` (`application name`, `license product family`, `product name`) | yes | `Windows Server`, `SQL Server`, `RHEL` / `Red Hat Enterprise Linux`, `SLES` / `SUSE Linux Enterprise Server`; may name the edition too (`Windows Server Datacenter`) |
//! | `edition` | for Windows and SQL, unless in `product` | `Standard`, `Datacenter`, `Enterprise` |
//! | `metric` (`unit`, `licence metric`) | yes | `core`, `2-core pack` (×2), `16-core pack` (×16), `two processor` / `processor`, `subscription`, `server + cal` |
//! | `quantity` (`effective license quantity`, `entitlement count`, `count`) | yes | whole number ≥ 0 |
//! | `programme` (`program`, `agreement type`, `channel`, `licensing program`) | yes | `EA`, `EAS`, `MPSA`, `Select`, `Select Plus`, `Open`, `OVS`, `Open Value`, `CSP`, `SCE`, `OEM`, `Retail`, `Other` |
//! | `agreement` (`agreement number`, `enrollment number`, `contract number`) | no | text |
//! | `sa start` (`maintenance start date`, `valid from`, `subscription start`) | with `sa end` | date |
//! | `sa end` (`maintenance end date`, `valid to`, `expiry date`, `subscription end`) | with `sa start` | date |
//! | `on-premises use` (`on premises in use`, `on premises`) | no | whole number of licences in use on premises (default 0) |
//! | `migration start` | no | date the 180-day dual-use window opened |
//! | `scope` | no | scope id the line is assigned to |
//! | `linux unit` | no | `vm` or `vcpu` (RHEL/SLES) |
//! | `virtual datacenters` | no | `true`/`false` (RHEL for Virtual Datacenters) |
//!
//! Dates are `YYYY-MM-DD` or slash dates. A SAM export is written in its author's locale, so the
//! order of a slash date is read from the file: when any date of the file has a first field
//! above 12 the file is day-first (`DD/MM/YYYY`), when any has a second field above 12 it is
//! month-first (`MM/DD/YYYY`); when every slash date could be read either way the caller must
//! state the order ([`licences_from_csv_with_order`], `date_order` in Python, the CLI and C), and
//! without it the first ambiguous date is an error that says so. Other columns are reported in
//! [`LicenceImport::ignored_columns`], never silently read or dropped.

use std::collections::BTreeSet;

use super::table::{Table, header_key, norm};
use crate::error::{ErrorCode, Result};
use crate::model::{Edition, LicenceLine, LinuxUnit, Metric, Product, Programme, Term};
use crate::text::DateOrder;

/// The licence lines of one inventory file.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenceImport {
    /// One line per data row, in file order.
    pub licences: Vec<LicenceLine>,
    /// The one-based file line of each licence line, so later errors can point at it.
    pub lines: Vec<usize>,
    /// Header cells ahb does not read (SAM exports carry many), so the caller sees them.
    pub ignored_columns: Vec<String>,
}

const ID: &[&str] = &["id", "licence id"];
const PRODUCT: &[&str] = &[
    "product",
    "application name",
    "license product family",
    "product name",
];
const EDITION: &[&str] = &["edition"];
const METRIC: &[&str] = &["metric", "unit", "licence metric"];
const QUANTITY: &[&str] = &[
    "quantity",
    "effective license quantity",
    "entitlement count",
    "count",
];
const PROGRAMME: &[&str] = &[
    "programme",
    "program",
    "agreement type",
    "channel",
    "licensing program",
];
const AGREEMENT: &[&str] = &[
    "agreement",
    "agreement number",
    "enrollment number",
    "contract number",
];
const SA_START: &[&str] = &[
    "sa start",
    "maintenance start date",
    "valid from",
    "subscription start",
];
const SA_END: &[&str] = &[
    "sa end",
    "maintenance end date",
    "valid to",
    "expiry date",
    "subscription end",
];
const ON_PREM: &[&str] = &["on-premises use", "on premises in use", "on premises"];
const MIGRATION: &[&str] = &["migration start"];
const SCOPE: &[&str] = &["scope"];
const LINUX_UNIT: &[&str] = &["linux unit"];
const VDC: &[&str] = &["virtual datacenters"];

/// Reads a licence-inventory CSV (see the module documentation for its columns and dates).
pub fn licences_from_csv(file: &str, bytes: &[u8]) -> Result<LicenceImport> {
    licences_from_csv_with_order(file, bytes, None)
}

/// [`licences_from_csv`] with the order of slash dates stated; `None` infers it from the file
/// and rejects an ambiguous date.
pub fn licences_from_csv_with_order(
    file: &str,
    bytes: &[u8],
    date_order: Option<DateOrder>,
) -> Result<LicenceImport> {
    let mut t = Table::open(file, bytes)?;
    let known: BTreeSet<String> = [
        ID, PRODUCT, EDITION, METRIC, QUANTITY, PROGRAMME, AGREEMENT, SA_START, SA_END, ON_PREM,
        MIGRATION, SCOPE, LINUX_UNIT, VDC,
    ]
    .iter()
    .flat_map(|names| names.iter().map(|n| header_key(n)))
    .collect();
    let ignored_columns = t
        .headers
        .iter()
        .filter(|h| !known.contains(&header_key(h)))
        .cloned()
        .collect();
    let c = |names: &[&str]| t.col(names);
    let (id, product, edition, metric, quantity, programme) = (
        c(ID),
        c(PRODUCT),
        c(EDITION),
        c(METRIC),
        c(QUANTITY),
        c(PROGRAMME),
    );
    let (agreement, sa_start, sa_end, on_prem, migration, scope, unit, vdc) = (
        c(AGREEMENT),
        c(SA_START),
        c(SA_END),
        c(ON_PREM),
        c(MIGRATION),
        c(SCOPE),
        c(LINUX_UNIT),
        c(VDC),
    );
    for (col, name) in [
        (product, "product"),
        (metric, "metric"),
        (quantity, "quantity"),
        (programme, "programme"),
    ] {
        if col.is_none() {
            t.required(None, name)?;
        }
    }
    t.decide_date_order(date_order, None, &[sa_start, sa_end, migration])?;
    let mut licences: Vec<LicenceLine> = Vec::new();
    let mut lines = Vec::new();
    let mut ids = BTreeSet::new();
    while t.next_row()? {
        if t.row_is_blank() {
            continue;
        }
        let product_text = t.required(product, "product")?;
        let (prod, edition_in_name) = parse_product(product_text)
            .ok_or_else(|| t.error(ErrorCode::UnknownVariant, product, format!("unknown product {product_text:?}: expected Windows Server, SQL Server, RHEL or SLES")))?;
        let ed = match t.cell(edition) {
            Some(s) => Some(parse_edition(s).ok_or_else(|| {
                t.error(
                    ErrorCode::UnknownVariant,
                    edition,
                    format!("unknown edition {s:?}: expected Standard, Datacenter or Enterprise"),
                )
            })?),
            None => edition_in_name,
        };
        if ed.is_none() && matches!(prod, Product::WindowsServer | Product::SqlServer) {
            return Err(t.error(
                ErrorCode::MissingField,
                edition.or(product),
                "Windows Server and SQL Server lines need an edition",
            ));
        }
        let metric_text = t.required(metric, "metric")?;
        let (met, pack) = parse_metric(metric_text).ok_or_else(|| {
            t.error(
                ErrorCode::UnknownVariant,
                metric,
                format!("unknown metric {metric_text:?}: expected core, 2-core pack, 16-core pack, two processor, subscription or server + cal"),
            )
        })?;
        let qty = whole(&t, quantity, "quantity")?.unwrap_or(0);
        let qty = qty
            .checked_mul(pack)
            .ok_or_else(|| t.error(ErrorCode::InvalidValue, quantity, "quantity is too large"))?;
        let prog_text = t.required(programme, "programme")?;
        let prog = parse_programme(prog_text).ok_or_else(|| {
            t.error(
                ErrorCode::UnknownVariant,
                programme,
                format!("unknown programme {prog_text:?}"),
            )
        })?;
        let sa = match (t.date(sa_start)?, t.date(sa_end)?) {
            (None, None) => None,
            (Some(start), Some(end)) => {
                if end < start {
                    return Err(t.error(
                        ErrorCode::InvalidValue,
                        sa_end,
                        "SA ends before it starts",
                    ));
                }
                Some(Term { start, end })
            }
            (None, Some(_)) => {
                return Err(t.error(
                    ErrorCode::MissingField,
                    sa_start,
                    "an SA end date needs an SA start date",
                ));
            }
            (Some(_), None) => {
                return Err(t.error(
                    ErrorCode::MissingField,
                    sa_end,
                    "an SA start date needs an SA end date",
                ));
            }
        };
        let line_id = t
            .cell(id)
            .map_or_else(|| format!("L{}", t.line), str::to_string);
        if !ids.insert(line_id.clone()) {
            return Err(t.error(
                ErrorCode::DuplicateId,
                id,
                format!("licence id {line_id:?} appears twice"),
            ));
        }
        let linux_unit = match t.cell(unit) {
            None => None,
            Some(s) => Some(match norm(s).as_str() {
                "vm" | "virtualnode" | "virtualguest" => LinuxUnit::Vm,
                "vcpu" | "vcpus" => LinuxUnit::Vcpu,
                _ => {
                    return Err(t.error(
                        ErrorCode::UnknownVariant,
                        unit,
                        format!("unknown Linux unit {s:?}: expected vm or vcpu"),
                    ));
                }
            }),
        };
        let virtual_datacenters = match t.cell(vdc) {
            None => false,
            Some(s) => match norm(s).as_str() {
                "true" | "yes" | "y" | "1" => true,
                "false" | "no" | "n" | "0" => false,
                _ => {
                    return Err(t.error(
                        ErrorCode::InvalidValue,
                        vdc,
                        format!("{s:?} is not true or false"),
                    ));
                }
            },
        };
        let on_premises_in_use = whole(&t, on_prem, "on-premises use")?.unwrap_or(0);
        let on_premises_in_use = on_premises_in_use.checked_mul(pack).ok_or_else(|| {
            t.error(
                ErrorCode::InvalidValue,
                on_prem,
                "on-premises use is too large",
            )
        })?;
        lines.push(t.line);
        licences.push(LicenceLine {
            id: line_id,
            product: prod,
            edition: ed,
            metric: met,
            quantity: qty,
            programme: prog,
            sa,
            on_premises_in_use,
            migration_start: t.date(migration)?,
            scope: t.cell(scope).map(str::to_string),
            agreement: t.cell(agreement).map(str::to_string),
            unit: linux_unit,
            virtual_datacenters,
        });
    }
    Ok(LicenceImport {
        licences,
        lines,
        ignored_columns,
    })
}

fn whole(t: &Table<'_>, col: Option<usize>, what: &str) -> Result<Option<u32>> {
    let Some(s) = t.cell(col) else {
        return Ok(None);
    };
    let s = s.replace(',', "");
    s.trim().parse::<u32>().map(Some).map_err(|_| {
        t.error(
            ErrorCode::InvalidValue,
            col,
            format!("{what} {s:?} is not a whole number ≥ 0"),
        )
    })
}

/// Product and, when the text names it, edition: `Windows Server Datacenter - 2 Core`.
fn parse_product(s: &str) -> Option<(Product, Option<Edition>)> {
    let n = norm(s);
    let prod = if n.contains("windowsserver") {
        Product::WindowsServer
    } else if n.contains("sqlserver") {
        Product::SqlServer
    } else if n == "rhel" || n.contains("redhat") {
        Product::Rhel
    } else if n == "sles" || n.contains("suselinux") || n.starts_with("suse") {
        Product::Sles
    } else {
        return None;
    };
    let ed = if n.contains("datacenter") {
        Some(Edition::Datacenter)
    } else if n.contains("enterprise") && prod == Product::SqlServer {
        Some(Edition::Enterprise)
    } else if n.contains("standard") && matches!(prod, Product::WindowsServer | Product::SqlServer)
    {
        Some(Edition::Standard)
    } else {
        None
    };
    Some((prod, ed))
}

fn parse_edition(s: &str) -> Option<Edition> {
    match norm(s).as_str() {
        "standard" | "std" => Some(Edition::Standard),
        "datacenter" | "datacentre" | "dc" => Some(Edition::Datacenter),
        "enterprise" | "ent" => Some(Edition::Enterprise),
        _ => None,
    }
}

/// The metric and how many core licences one counted unit holds (core packs).
fn parse_metric(s: &str) -> Option<(Metric, u32)> {
    Some(match norm(s).as_str() {
        "core" | "cores" | "percore" | "corelicence" | "corelicense" | "microsoftpercore" => {
            (Metric::Core, 1)
        }
        "2core" | "2corepack" | "corepack2" | "twocorepack" => (Metric::Core, 2),
        "16core" | "16corepack" | "corepack16" => (Metric::Core, 16),
        "twoprocessor" | "2processor" | "2proc" | "processor" | "perprocessor" => {
            (Metric::TwoProcessor, 1)
        }
        "subscription" | "subscriptions" => (Metric::Subscription, 1),
        "servercal" | "serverandcal" => (Metric::ServerCal, 1),
        _ => return None,
    })
}

fn parse_programme(s: &str) -> Option<Programme> {
    Some(match norm(s).as_str() {
        "ea" | "enterpriseagreement" => Programme::Ea,
        "eas" | "enterpriseagreementsubscription" => Programme::Eas,
        "mpsa" => Programme::Mpsa,
        "select" => Programme::Select,
        "selectplus" => Programme::SelectPlus,
        "open" | "openlicense" | "openlicence" => Programme::Open,
        "ovs" | "openvaluesubscription" => Programme::Ovs,
        "openvalue" | "ov" => Programme::OpenValue,
        "csp" | "cloudsolutionprovider" => Programme::Csp,
        "sce" | "serverandcloudenrollment" | "serverandcloudenrolment" => Programme::Sce,
        "oem" => Programme::Oem,
        "retail" | "fpp" => Programme::Retail,
        "other" | "redhat" | "suse" | "vendor" => Programme::Other,
        _ => return None,
    })
}

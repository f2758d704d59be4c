//! `ahb_import`: Azure exports in, an estate and an import report out — the same importer as
//! Rust and Python, with the VM size catalogue extension, prices, cost exports, the slash-date
//! order and strict mode.

use ahb_core::catalogue::Catalogue;
use ahb_core::import::Importer;
use ahb_core::text::DateOrder;
use serde::Deserialize;

use crate::bytes::{ahb_bytes, give};
use crate::estate::ahb_estate;
use crate::ffi::{FfiError, Handle, Out, str_in};
use crate::panic::guard;
use crate::status::ahb_status;

/// One input file: the name used in errors and its text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    name: String,
    text: String,
}

/// The request of `ahb_import`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    #[serde(default)]
    inventory: Vec<Input>,
    #[serde(default)]
    licences: Vec<Input>,
    #[serde(default)]
    catalogue: Vec<Input>,
    #[serde(default)]
    prices: Vec<Input>,
    #[serde(default)]
    costs: Vec<Input>,
    #[serde(default)]
    date_order: Option<String>,
    #[serde(default)]
    strict: bool,
}

fn run(text: &str) -> Result<ahb_core::import::ImportOutcome, FfiError> {
    let r: Request = serde_json::from_str(text)
        .map_err(|e| FfiError::from(ahb_core::Error::option("request", e.to_string())))?;
    let order = match r.date_order.as_deref() {
        None => None,
        Some(s) => Some(DateOrder::parse(s).ok_or_else(|| {
            FfiError::from(ahb_core::Error::option(
                "date_order",
                format!("date_order {s:?} is neither \"dmy\" nor \"mdy\""),
            ))
        })?),
    };
    let mut cat = Catalogue::bundled();
    for f in &r.catalogue {
        cat = cat.with_vm_skus_json(&f.name, &f.text)?;
    }
    let mut imp = Importer::with_catalogue(cat);
    imp.set_strict(r.strict);
    imp.set_date_order(order);
    for f in &r.inventory {
        imp.add_inventory_json(&f.name, &f.text)?;
    }
    for f in &r.licences {
        imp.add_licences_csv(&f.name, f.text.as_bytes())?;
    }
    for f in &r.prices {
        imp.add_retail_prices_json(&f.name, &f.text)?;
    }
    for f in &r.costs {
        imp.add_cost_export_csv(&f.name, f.text.as_bytes())?;
    }
    Ok(imp.finish()?)
}

/// Imports Azure exports into a new estate. The request is `len` bytes of UTF-8 JSON:
/// `{"inventory": [{"name": "vms.json", "text": "..."}], "licences": [...], "catalogue": [...],
/// "prices": [...], "costs": [...], "date_order": "dmy", "strict": false}` (every member
/// optional; `catalogue` holds `az vm list-skus` JSON, `prices` Retail Prices API pages, `costs`
/// cost exports; `date_order` is `"dmy"` or `"mdy"` for ambiguous slash dates). On success writes
/// the estate, owned by the caller, to `*estate_out`, and the import report (`ahb.import/1`
/// JSON: skipped, unknown sizes, warnings, priced and unpriced resources, currency) to a new
/// `ahb_bytes` at `*report_out`.
///
/// Errors: `AHB_STATUS_NULL_ARGUMENT`, `AHB_STATUS_LENGTH_TOO_LARGE`, `AHB_STATUS_INVALID_UTF8`,
/// `AHB_STATUS_INVALID_OPTION` (a malformed request or `date_order`), and the ahb-core codes,
/// whose last error names the input file, its line or record, and the field.
///
/// # Safety
///
/// `request_json` must be NULL or valid for reads of `len` bytes; `estate_out` and `report_out`
/// must each be NULL or valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_import(
    request_json: *const u8,
    len: usize,
    estate_out: *mut *mut ahb_estate,
    report_out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (text, estate_out, report_out) = unsafe {
            (
                str_in("request_json", request_json, len)?,
                Out::new("estate_out", estate_out)?,
                Out::new("report_out", report_out)?,
            )
        };
        let outcome = run(text)?;
        let report = outcome.report_json();
        give(report_out, report)?;
        estate_out.write(ahb_estate::into_raw(outcome.estate));
        Ok(())
    })
}

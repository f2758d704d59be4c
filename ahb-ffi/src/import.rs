//! `ahb_importer`: real data in. Azure inventory JSON, licence-inventory CSVs, cost exports,
//! Retail Prices pages and `az vm list-skus` output, converted into an `ahb_estate` by
//! `ahb_core::import::Importer`. The C face only converts: every file is read by ahb-core.

use ahb_core::catalogue::Catalogue;
use ahb_core::import::{ImportOutcome, Importer};
use ahb_core::text::DateOrder;
use ahb_core::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::bytes::{ahb_bytes, give};
use crate::estate::ahb_estate;
use crate::ffi::{FfiError, FfiResult, Handle, Out, bytes_in, str_in};
use crate::panic::{guard, guard_value};
use crate::status::ahb_status;

/// The `schema` value of `ahb_importer_report_json`'s document.
pub const IMPORT_REPORT_SCHEMA: &str = "ahb.import-report/1";

/// An import in progress: files are added one by one, then `ahb_importer_finish` joins them
/// into a validated estate. Mutable, so an importer must not be used by two threads at once.
/// Created by `ahb_importer_new`; released by `ahb_importer_free` (also after a failure, and
/// after `ahb_importer_finish`).
pub struct ahb_importer {
    _private: [u8; 0],
}

impl Handle for ahb_importer {
    type Rust = ImportState;
}

/// The options of `ahb_importer_new`, as JSON.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ImportOptions {
    /// A reference to a resource outside the import is an error.
    #[serde(default)]
    strict: bool,
    /// `"dmy"` or `"mdy"`: how slash dates in CSV files read.
    #[serde(default)]
    date_order: Option<String>,
    /// An unknown VM size fails `ahb_importer_finish`.
    #[serde(default)]
    require_known_sizes: bool,
}

/// Where an importer is in its life.
enum Stage {
    /// Files may be added. The catalogue is moved into the importer with the first file that
    /// is not a catalogue.
    Open {
        catalogue: Option<Catalogue>,
        importer: Option<Box<Importer>>,
    },
    /// An add or the finish failed: the files added so far may be half-read, so no estate is
    /// ever built from them.
    Failed,
    /// `ahb_importer_finish` ran; the report of what was left out is kept.
    Finished(String),
}

/// The Rust value behind an `ahb_importer`.
pub(crate) struct ImportState {
    stage: Stage,
    strict: bool,
    date_order: Option<DateOrder>,
    require_known_sizes: bool,
}

impl ImportState {
    fn new(options: ImportOptions) -> Result<ImportState> {
        let date_order = match options.date_order.as_deref() {
            None => None,
            Some(s) => Some(DateOrder::parse(s).ok_or_else(|| {
                Error::option("date_order", format!("{s:?} is not \"dmy\" or \"mdy\""))
            })?),
        };
        Ok(ImportState {
            stage: Stage::Open {
                catalogue: Some(Catalogue::bundled()),
                importer: None,
            },
            strict: options.strict,
            date_order,
            require_known_sizes: options.require_known_sizes,
        })
    }

    /// The stage's catalogue and importer, or the error of an importer past its open stage.
    fn open(&mut self) -> FfiResult<(&mut Option<Catalogue>, &mut Option<Box<Importer>>)> {
        match &mut self.stage {
            Stage::Open {
                catalogue,
                importer,
            } => Ok((catalogue, importer)),
            Stage::Failed => Err(FfiError::invalid(
                "importer",
                "an earlier call on this importer failed, so its files may be half-read; \
                 free it and start a new importer without the bad file",
            )),
            Stage::Finished(_) => Err(FfiError::invalid(
                "importer",
                "ahb_importer_finish has already run on this importer",
            )),
        }
    }

    /// Adds one file, moving the importer to `Failed` when ahb-core rejects it.
    fn add(&mut self, kind: Kind, name: &str, data: &[u8]) -> FfiResult {
        let (strict, order) = (self.strict, self.date_order);
        let (catalogue, importer) = self.open()?;
        let result = match (kind, importer.as_mut()) {
            (Kind::Catalogue, Some(_)) => {
                return Err(FfiError::invalid(
                    "importer",
                    "add the catalogue (az vm list-skus) before any other file: inventory \
                     already read used the catalogue as it was",
                ));
            }
            (Kind::Catalogue, None) => {
                let cat = catalogue.take().unwrap_or_else(Catalogue::bundled);
                utf8(name, data)
                    .and_then(|text| cat.with_vm_skus_json(name, text))
                    .map(|cat| *catalogue = Some(cat))
            }
            (kind, existing) => {
                let imp = match existing {
                    Some(imp) => imp,
                    None => {
                        let cat = catalogue.take().unwrap_or_else(Catalogue::bundled);
                        let mut imp = Importer::with_catalogue(cat);
                        imp.set_strict(strict);
                        imp.set_date_order(order);
                        importer.insert(Box::new(imp))
                    }
                };
                match kind {
                    Kind::Inventory => imp.add_inventory_bytes(name, data),
                    Kind::Licences => imp.add_licences_csv(name, data),
                    Kind::Costs => imp.add_cost_export(name, data),
                    Kind::RetailPrices => {
                        utf8(name, data).and_then(|t| imp.add_retail_prices_json(name, t))
                    }
                    Kind::Catalogue => unreachable!("handled above"),
                }
            }
        };
        result.map_err(|e| {
            self.stage = Stage::Failed;
            FfiError::from(e)
        })
    }

    /// Joins the files into an estate, keeping the report.
    fn finish(&mut self) -> FfiResult<ahb_core::ValidEstate> {
        let (catalogue, importer) = self.open()?;
        let imp = importer.take().map_or_else(
            || Importer::with_catalogue(catalogue.take().unwrap_or_default()),
            |imp| *imp,
        );
        let outcome = match imp.finish() {
            Ok(o) => o,
            Err(e) => {
                self.stage = Stage::Failed;
                return Err(e.into());
            }
        };
        self.stage = Stage::Finished(report_json(&outcome));
        if self.require_known_sizes {
            outcome.require_known_sizes()?;
        }
        Ok(outcome.estate)
    }
}

/// UTF-8 text of a file, located in the file when it is not.
fn utf8<'a>(name: &str, data: &'a [u8]) -> Result<&'a str> {
    ahb_core::text::utf8(data).map_err(|(_, line, column)| {
        Error::parse(line, column, "the input is not valid UTF-8").in_file(name)
    })
}

#[derive(Clone, Copy)]
enum Kind {
    Catalogue,
    Inventory,
    Licences,
    Costs,
    RetailPrices,
}

/// The report of an import: what is in the estate, and what was left out and why.
#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    resources: usize,
    licences: usize,
    skipped: &'a [ahb_core::import::Skipped],
    unknown_sizes: &'a [ahb_core::import::UnknownSize],
    ignored_columns: Vec<IgnoredColumns<'a>>,
    warnings: &'a [ahb_core::import::Warning],
    priced: &'a [ahb_core::import::Priced],
    unpriced: &'a [ahb_core::import::Unpriced],
    currency: Option<&'a str>,
    replica_links: &'a [ahb_core::import::ReplicaLink],
}

#[derive(Serialize)]
struct IgnoredColumns<'a> {
    file: &'a str,
    columns: &'a [String],
}

fn report_json(o: &ImportOutcome) -> String {
    let report = Report {
        schema: IMPORT_REPORT_SCHEMA,
        resources: o.estate.resources.len(),
        licences: o.estate.licences.len(),
        skipped: &o.skipped,
        unknown_sizes: &o.unknown_sizes,
        ignored_columns: o
            .ignored_columns
            .iter()
            .map(|(file, columns)| IgnoredColumns { file, columns })
            .collect(),
        warnings: &o.warnings,
        priced: &o.priced,
        unpriced: &o.unpriced,
        currency: o.currency.as_deref(),
        replica_links: &o.replica_links,
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// Starts an import with the options given as `len` bytes of UTF-8 JSON at `options_json`
/// (empty text, or `{}`, for the defaults), and writes the new importer, owned by the caller,
/// to `*out`. Options:
///
/// - `"strict": true`: a reference to a resource outside the import (a dedicated host, a SQL
///   VM's compute VM) is an error; by default it becomes a warning or a skipped record.
/// - `"date_order": "dmy"` or `"mdy"`: how slash dates (`01/07/2025`) in the CSV files read;
///   by default inferred from each file, and an ambiguous file is an error.
/// - `"require_known_sizes": true`: a VM size the catalogue does not know fails
///   `ahb_importer_finish`; by default the resource is left out and listed in the report.
///
/// Errors: `AHB_STATUS_NULL_ARGUMENT`, `AHB_STATUS_LENGTH_TOO_LARGE`, `AHB_STATUS_INVALID_UTF8`,
/// `AHB_STATUS_PARSE` (malformed JSON), `AHB_STATUS_INVALID_OPTION` (an unknown option or a
/// bad value; the last error names it).
///
/// # Safety
///
/// `options_json` must be NULL or valid for reads of `len` bytes; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_new(
    options_json: *const u8,
    len: usize,
    out: *mut *mut ahb_importer,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers both pointers.
        let (text, out) = unsafe {
            (
                str_in("options_json", options_json, len)?,
                Out::new("out", out)?,
            )
        };
        let options = if text.trim().is_empty() {
            ImportOptions::default()
        } else {
            ahb_core::options::from_json::<ImportOptions>(text)?
        };
        out.write(ahb_importer::into_raw(ImportState::new(options)?));
        Ok(())
    })
}

/// Shared body of the `ahb_importer_add_*` functions.
///
/// # Safety
///
/// As for those functions.
unsafe fn add(
    importer: *mut ahb_importer,
    kind: Kind,
    name: *const u8,
    name_len: usize,
    data: *const u8,
    len: usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let (state, name, data) = unsafe {
            (
                ahb_importer::from_mut("importer", importer)?,
                str_in("name", name, name_len)?,
                bytes_in("data", data, len)?,
            )
        };
        state.add(kind, name, data)
    })
}

/// Adds Azure inventory JSON (`len` bytes at `data`): Resource Graph rows (`az graph query`),
/// `az vm|vmss|sql … list/show`, ARM GET bodies and list responses, PowerShell
/// `ConvertTo-Json`. `name` (`name_len` UTF-8 bytes, e.g. the file name) names the input in
/// errors and in the report. A byte-order mark is accepted.
///
/// Errors: the pointer and UTF-8 statuses, `AHB_STATUS_PARSE` (malformed JSON, with line and
/// column), `AHB_STATUS_INVALID_VALUE` and the other ahb-core codes for a record ahb cannot
/// read (the last error names the file, record and field), `AHB_STATUS_INVALID_ARGUMENT` for an
/// importer that is finished or has failed. After any failure other than a pointer, length or
/// UTF-8 status of the arguments, the importer refuses further files (they might join with a
/// half-read file): free it and start again without the bad file.
///
/// # Safety
///
/// `importer` must be NULL or a live importer from this library that no other thread is using;
/// `name` must be NULL or valid for reads of `name_len` bytes, `data` for reads of `len` bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_add_inventory(
    importer: *mut ahb_importer,
    name: *const u8,
    name_len: usize,
    data: *const u8,
    len: usize,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(importer, Kind::Inventory, name, name_len, data, len) }
}

/// Adds a licence-inventory CSV (`len` bytes at `data`; the columns are those of
/// docs/data-formats.md §5.2: licence id, product, edition, metric, quantity, programme, SA dates,
/// scope, …). Errors and the effect of a failure as for `ahb_importer_add_inventory`; CSV
/// errors give the line and the column.
///
/// # Safety
///
/// As for `ahb_importer_add_inventory`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_add_licences_csv(
    importer: *mut ahb_importer,
    name: *const u8,
    name_len: usize,
    data: *const u8,
    len: usize,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(importer, Kind::Licences, name, name_len, data, len) }
}

/// Adds a cost export (EA, MCA or FOCUS, `len` bytes at `data`: CSV, gzip-compressed CSV or a
/// Parquet file, as Cost Management writes each, told apart by their first bytes) whose hourly
/// VM rows give the customer's effective prices, preferred over list prices. Errors and the
/// effect of a failure as for `ahb_importer_add_inventory`; a Parquet error names the row.
///
/// # Safety
///
/// As for `ahb_importer_add_inventory`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_add_cost_csv(
    importer: *mut ahb_importer,
    name: *const u8,
    name_len: usize,
    data: *const u8,
    len: usize,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(importer, Kind::Costs, name, name_len, data, len) }
}

/// Adds one page of the Azure Retail Prices API response (`{"Items": [...]}`, `len` bytes of
/// UTF-8 JSON at `data`); call once per page. All prices must be in one currency. Errors and
/// the effect of a failure as for `ahb_importer_add_inventory`.
///
/// # Safety
///
/// As for `ahb_importer_add_inventory`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_add_retail_prices(
    importer: *mut ahb_importer,
    name: *const u8,
    name_len: usize,
    data: *const u8,
    len: usize,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(importer, Kind::RetailPrices, name, name_len, data, len) }
}

/// Adds VM sizes from `az vm list-skus` JSON (or the Resource SKUs REST response
/// `{"value": [...]}`, `len` bytes of UTF-8 at `data`), extending or overriding the bundled
/// catalogue. It must come before every other file (`AHB_STATUS_INVALID_ARGUMENT` otherwise,
/// without failing the importer); several catalogue files may be added. Other errors and the
/// effect of a failure as for `ahb_importer_add_inventory`.
///
/// # Safety
///
/// As for `ahb_importer_add_inventory`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_add_catalogue(
    importer: *mut ahb_importer,
    name: *const u8,
    name_len: usize,
    data: *const u8,
    len: usize,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { add(importer, Kind::Catalogue, name, name_len, data, len) }
}

/// Joins the files added (SQL VMs to their compute VMs, VMs to their hosts), builds the
/// subscription and resource-group scopes, prices the resources, validates the estate, and
/// writes it, owned by the caller, to `*out`. Afterwards the importer accepts no more files;
/// `ahb_importer_report_json` tells what was left out, and why. It must still be freed.
///
/// Errors: `AHB_STATUS_NULL_ARGUMENT`; `AHB_STATUS_DUPLICATE_ID` (a resource imported twice),
/// `AHB_STATUS_UNKNOWN_REFERENCE` (strict mode), `AHB_STATUS_INVALID_VALUE` (prices in a second
/// currency, …) and every estate validation error, located in the file and line or record it
/// came from; `AHB_STATUS_UNKNOWN_VARIANT` for an unknown VM size with `require_known_sizes`
/// (the report is then still available); `AHB_STATUS_INVALID_ARGUMENT` for an importer that is
/// finished or has failed.
///
/// # Safety
///
/// `importer` must be NULL or a live importer from this library that no other thread is using;
/// `out` must be NULL or valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_finish(
    importer: *mut ahb_importer,
    out: *mut *mut ahb_estate,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (state, out) = unsafe {
            (
                ahb_importer::from_mut("importer", importer)?,
                Out::new("out", out)?,
            )
        };
        let estate = state.finish()?;
        out.write(ahb_estate::into_raw(estate));
        Ok(())
    })
}

/// Writes the report of a finished import as JSON (`ahb.import-report/1`: counts of resources
/// and licences; `skipped` records with the reason; `unknown_sizes`; `ignored_columns` of the
/// licence files; `warnings` about references outside the import; `priced` resources with
/// their price source; `unpriced` resources with the reason; `currency`) to a new `ahb_bytes`
/// at `*out`, owned by the caller. `AHB_STATUS_INVALID_ARGUMENT` before `ahb_importer_finish`
/// has run, or when it failed for another reason than `require_known_sizes`.
///
/// # Safety
///
/// `importer` must be NULL or a live importer from this library that no other thread is
/// writing to; `out` must be NULL or valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_report_json(
    importer: *const ahb_importer,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (state, out) = unsafe {
            (
                ahb_importer::from_ptr("importer", importer)?,
                Out::new("out", out)?,
            )
        };
        match &state.stage {
            Stage::Finished(report) => give(out, report.clone()),
            _ => Err(FfiError::invalid(
                "importer",
                "the report exists once ahb_importer_finish has succeeded",
            )),
        }
    })
}

/// Frees an importer (finished, failed or not). NULL is fine (nothing happens). Calling it
/// twice with the same importer, or using it afterwards, is forbidden (undefined behaviour).
/// Estates it produced stay valid.
///
/// # Safety
///
/// `importer` must be NULL or a live importer from this library, not freed before, and not in
/// use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_importer_free(importer: *mut ahb_importer) {
    guard_value((), || {
        // SAFETY: the caller passes NULL or a live importer, freed once.
        unsafe { ahb_importer::free(importer) }
    })
}

//! Audits an estate and prints a readable report (or the JSON position).
//!
//! ```text
//! cargo run -p ahb-core --example audit                         # the bundled sample estate
//! cargo run -p ahb-core --example audit -- FILE [--as-of 2026-11-25] [--rules 2021-11] [--json]
//! ```

use std::process::ExitCode;

use ahb_core::{RuleSet, ValidEstate};
use chrono::NaiveDate;

/// The date the bundled sample estate tells its story on.
const SAMPLE_DATE: &str = "2026-11-25";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/sample-estate.json"
    )
    .to_string();
    let mut as_of = SAMPLE_DATE.to_string();
    let mut rules = RuleSet::current();
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--as-of" => as_of = args.next().ok_or("--as-of needs a date (YYYY-MM-DD)")?,
            "--rules" => {
                let v = args.next().ok_or("--rules needs 2023-04 or 2021-11")?;
                rules = RuleSet::by_version(&v).map_err(|e| e.to_string())?;
            }
            "--json" => json = true,
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            file => path = file.to_string(),
        }
    }
    let date: NaiveDate = as_of
        .parse()
        .map_err(|_| format!("--as-of {as_of:?} is not a YYYY-MM-DD date"))?;
    let estate = ValidEstate::from_path(&path).map_err(|e| e.to_string())?;
    let position = estate.audit(&rules, date).map_err(|e| e.to_string())?;
    if json {
        // Streamed: at 10⁶ resources the JSON is about a gigabyte. A closed pipe ends it quietly.
        let mut out = std::io::stdout().lock();
        let _ = position
            .write_json(&mut out)
            .and_then(|()| std::io::Write::write_all(&mut out, b"\n"));
    } else {
        emit(&position.to_text());
    }
    // The program ends here: the operating system takes the memory back at once, faster than
    // freeing the estate's and the position's millions of allocations one by one.
    std::mem::forget((estate, position));
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

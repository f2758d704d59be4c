//! Prints the position of an estate at every date where its supply changes.
//!
//! ```text
//! cargo run -p ahb-core --example timeline [-- FILE FROM TO]
//! ```

use std::process::ExitCode;

use ahb_core::{RuleSet, ValidEstate};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/data/sample-estate.json"
        )
        .to_string()
    });
    let date = |i: usize, d: &str| args.get(i).map_or(d, String::as_str).parse();
    let (Ok(from), Ok(to)) = (date(1, "2026-11-25"), date(2, "2027-12-31")) else {
        eprintln!("error: FROM and TO must be YYYY-MM-DD dates");
        return ExitCode::FAILURE;
    };
    match ValidEstate::from_path(&path).and_then(|e| e.timeline(&RuleSet::current(), from, to)) {
        Ok(t) => {
            emit(&t.to_text());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

//! Finds the savings-maximising compliant plan for an estate and prints it (or its JSON).
//!
//! ```text
//! cargo run -p ahb-core --example optimize                       # the bundled sample estate
//! cargo run -p ahb-core --example optimize -- FILE [--as-of 2026-11-25] [--options OPTIONS.json] [--json]
//! ```

use std::process::ExitCode;

use ahb_core::{OptimizeOptions, RuleSet, ValidEstate};

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
    let mut as_of = "2026-11-25".to_string();
    let mut options_file = None;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--as-of" => as_of = args.next().ok_or("--as-of needs a date (YYYY-MM-DD)")?,
            "--options" => options_file = Some(args.next().ok_or("--options needs a file")?),
            "--json" => json = true,
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            file => path = file.to_string(),
        }
    }
    let options = match options_file {
        Some(f) => {
            let text = std::fs::read_to_string(&f).map_err(|e| format!("{f}: {e}"))?;
            OptimizeOptions::from_json(&text).map_err(|e| e.in_file(f).to_string())?
        }
        None => OptimizeOptions::new(
            as_of
                .parse()
                .map_err(|_| format!("--as-of {as_of:?} is not a YYYY-MM-DD date"))?,
        ),
    };
    let estate = ValidEstate::from_path(&path).map_err(|e| e.to_string())?;
    let plan = estate
        .optimize(&RuleSet::current(), &options)
        .map_err(|e| e.to_string())?;
    if json {
        // Streamed: at 10⁶ resources the JSON is about a gigabyte. A closed pipe ends it quietly.
        let mut out = std::io::stdout().lock();
        let _ = plan
            .write_json(&mut out)
            .and_then(|()| std::io::Write::write_all(&mut out, b"\n"));
    } else {
        emit(&plan.to_text());
    }
    // The program ends here: the operating system takes the memory back at once, faster than
    // freeing the estate's and the plan's millions of allocations one by one.
    std::mem::forget((estate, plan));
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

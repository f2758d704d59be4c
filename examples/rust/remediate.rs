//! Optimizes the bundled sample estate on 2026-11-25 and prints the `az` script that applies the
//! plan's changes (or, with `--rollback`, the script that undoes them; `--patches` prints the ARM
//! requests instead).
//!
//! ```text
//! cargo run -p ahb-core --example remediate [-- FILE] [--as-of 2026-11-25] [--rollback | --patches]
//! ```

use std::process::ExitCode;

use ahb_core::export::{arm_patches_json, az_script};
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
    let (mut rollback, mut patches) = (false, false);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--as-of" => as_of = args.next().ok_or("--as-of needs a date (YYYY-MM-DD)")?,
            "--rollback" => rollback = true,
            "--patches" => patches = true,
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            file => path = file.to_string(),
        }
    }
    let date = as_of
        .parse()
        .map_err(|_| format!("--as-of {as_of:?} is not a YYYY-MM-DD date"))?;
    let estate = ValidEstate::from_path(&path).map_err(|e| e.to_string())?;
    let plan = estate
        .optimize(&RuleSet::current(), &OptimizeOptions::new(date))
        .map_err(|e| e.to_string())?;
    if patches {
        emit(&format!(
            "{}\n",
            arm_patches_json(&estate, &plan).map_err(|e| e.to_string())?
        ));
        return Ok(());
    }
    let script = az_script(&estate, &plan).map_err(|e| e.to_string())?;
    emit(if rollback {
        &script.rollback
    } else {
        &script.apply
    });
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

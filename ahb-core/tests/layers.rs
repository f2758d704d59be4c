//! The layers of docs/ARCHITECTURE.md, enforced: every `crate::…` path in a module of
//! `ahb-core/src` names a module of the same layer or of a layer below it. A new import of a
//! higher layer fails here, with the file and the line.

use std::path::Path;

/// Each top-level module of `ahb-core/src` and its layer (docs/ARCHITECTURE.md §3).
const LAYERS: [(&str, u8); 18] = [
    ("error", 0),
    ("pretty", 0),
    ("arrow", 0),
    ("money", 0),
    ("text", 0),
    ("options", 0),
    ("strict_json", 0),
    ("model", 1),
    ("rules", 2),
    ("engine", 3),
    ("position", 4),
    ("solve", 4),
    ("central", 5),
    ("timeline", 5),
    ("catalogue", 6),
    ("import", 6),
    ("export", 6),
    ("lib", 7),
];

/// Imports between modules of one layer (above the foundation) that the layering allows: the
/// optimiser uses today's position (to report today's savings and to re-audit its plan), and
/// the importers read the catalogue of sizes.
const ALLOWED: [(&str, &str); 2] = [("solve", "position"), ("import", "catalogue")];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

fn visit(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            visit(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    visit(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|s| s.trim_end_matches(".rs"))
            .expect("a top module");
        let own = layer(top).unwrap_or_else(|| panic!("{} has no layer in LAYERS", rel.display()));
        let text = std::fs::read_to_string(file).expect("readable file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let Some(theirs) = layer(&name) else { continue };
                let sideways = theirs == own && own > 0 && name != top;
                if (theirs > own || sideways) && !ALLOWED.contains(&(top, name.as_str())) {
                    violations.push(format!(
                        "{}:{}: `{top}` (layer {own}) imports `{name}` (layer {theirs})",
                        rel.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn every_top_level_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).expect("readable src") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).expect("a name");
        if path.is_dir() || path.extension().is_some_and(|e| e == "rs") {
            assert!(layer(name).is_some(), "src/{name} has no layer in LAYERS");
        }
    }
}

//! `progenitor-bench SPEC OUT_DIR`: what `cargo progenitor` does, as a measured child of
//! `cargo xtask bench-codegen --progenitor`. Reads a YAML or JSON OpenAPI 3.0 spec,
//! generates the client with progenitor's default settings, formats it with
//! prettyplease, and writes a crate (`Cargo.toml`, `src/lib.rs`) to OUT_DIR. Prints the
//! number of lines of `src/lib.rs`.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: progenitor-bench SPEC OUT_DIR");
        return ExitCode::FAILURE;
    };
    match run(Path::new(spec), Path::new(out)) {
        Ok(lines) => {
            println!("{lines}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(spec: &Path, out: &Path) -> Result<usize, String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("reading {}: {e}", spec.display()))?;
    let api: openapiv3::OpenAPI = if spec.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())?
    } else {
        serde_yaml::from_str(&text).map_err(|e| e.to_string())?
    };
    let mut generator = progenitor::Generator::default();
    let tokens = generator
        .generate_tokens(&api)
        .map_err(|e| format!("progenitor: {e}"))?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    let source = prettyplease::unparse(&file);
    let lines = source.lines().count();
    // What `cargo progenitor` writes for a spec without dates, UUIDs or patterns.
    let manifest = "[package]\nname = \"progenitor-client-bench\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\nbytes = \"1\"\nfutures-core = \"0.3\"\nprogenitor-client = \"0.15\"\nreqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"stream\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\nserde_urlencoded = \"0.7\"\n";
    fs::create_dir_all(out.join("src")).map_err(|e| e.to_string())?;
    fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(out.join("src/lib.rs"), source).map_err(|e| e.to_string())?;
    Ok(lines)
}

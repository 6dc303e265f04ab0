//! The per-API table of `docs/errors.md` (which vendor codes and statuses give which
//! `Error::kind()`), rendered from every spec in `specs/` and compared with the docs, so
//! that it cannot go stale: a spec that declares other codes fails this test until
//! `METERAGE_BLESS=1 cargo test -p meterage-codegen --test error_kinds` rewrites it.

use std::fmt::Write as _;
use std::path::Path;

use meterage_codegen::ir::Envelope;
use meterage_codegen::{lower_spec, SpecSource};

const BEGIN: &str = "<!-- begin: the per-API tables, written by codegen/tests/error_kinds.rs -->\n";
const END: &str = "<!-- end: the per-API tables -->\n";

/// `codes` as a Markdown list of code spans, or `none`.
fn codes(codes: &[String]) -> String {
    if codes.is_empty() {
        return "none".to_owned();
    }
    codes
        .iter()
        .map(|code| format!("`{code}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn statuses(statuses: &[u16]) -> String {
    statuses
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table of one envelope, as the runtime's `api_kind` and `ErrorEnvelope::is_transient`
/// read it.
fn table(out: &mut String, env: &Envelope) {
    out.push_str("| `kind()` | vendor codes | HTTP statuses (when no listed code decides) |\n");
    out.push_str("| --- | --- | --- |\n");
    let mut refused = "401".to_owned();
    if !env.credential_statuses.is_empty() {
        let _ = write!(refused, ", {}", statuses(&env.credential_statuses));
    }
    let _ = writeln!(out, "| `auth` | {} | {refused} |", codes(&env.credentials));
    let _ = writeln!(out, "| `throttled` | {} | 429 |", codes(&env.transient));
    let mut service = "any other".to_owned();
    if !env.final_codes.is_empty() {
        let _ = write!(service, "; {} whatever the status", codes(&env.final_codes));
    }
    let _ = writeln!(out, "| `service` | {service} | any other failure status |");
    let mut retried = "408, 429, 500, 502, 503, 504".to_owned();
    if !env.transient_statuses.is_empty() {
        let _ = write!(retried, ", {}", statuses(&env.transient_statuses));
    }
    if !env.final_statuses.is_empty() {
        let _ = write!(retried, " except {}", statuses(&env.final_statuses));
    }
    let _ = writeln!(
        out,
        "\n`is_transient()` (retried): the `throttled` codes on any status, else HTTP {retried}; never a code of `auth`{}.\n",
        if env.final_codes.is_empty() {
            ""
        } else {
            " or `final`"
        }
    );
}

/// The tables of every spec in `specs/`, in file name order.
fn render(root: &Path) -> String {
    let mut paths: Vec<_> = std::fs::read_dir(root.join("specs"))
        .expect("specs/")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    let mut out = String::new();
    for path in paths {
        let name = format!(
            "specs/{}",
            path.file_name().expect("a file name").to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).expect("a readable spec");
        let api = lower_spec(&SpecSource {
            path: &name,
            text: &text,
        })
        .unwrap_or_else(|d| panic!("{d}"));
        let _ = writeln!(out, "### {} (`{name}`)\n", api.title);
        table(&mut out, &api.envelope);
        for operation in &api.operations {
            if let Some(own) = operation.envelope.as_ref().filter(|e| **e != api.envelope) {
                let _ = writeln!(out, "`{}` has its own envelope:\n", operation.id);
                table(&mut out, own);
            }
        }
    }
    out
}

#[test]
fn the_docs_table_of_error_kinds_matches_the_specs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let docs_path = root.join("docs/errors.md");
    let docs = std::fs::read_to_string(&docs_path).expect("docs/errors.md");
    let start = docs
        .find(BEGIN)
        .expect("the begin marker in docs/errors.md")
        + BEGIN.len();
    let end = docs.find(END).expect("the end marker in docs/errors.md");
    let rendered = render(&root);
    if docs[start..end] == rendered {
        return;
    }
    if std::env::var_os("METERAGE_BLESS").is_some() {
        let updated = format!("{}{rendered}{}", &docs[..start], &docs[end..]);
        std::fs::write(&docs_path, updated).expect("docs/errors.md written");
        return;
    }
    panic!(
        "docs/errors.md's per-API tables differ from the specs; rerun with METERAGE_BLESS=1 \
         and read the diff. Rendered:\n{rendered}"
    );
}

//! The spec's vocabulary is declared once in codegen (`extensions::ALL`,
//! `ir::AuthKind`) and documented in docs/spec-extensions.md: every extension meterage
//! reads has its section there, every `x-auth-scheme` kind its row in that section's
//! table, every `x-pagination` style its `### style:` section, and the page documents
//! no other.

use meterage_codegen::extensions;
use meterage_codegen::ir::AuthKind;

fn guide() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/spec-extensions.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first `code` span of `line`.
fn first_code(line: &str) -> Option<&str> {
    line.split('`').nth(1)
}

fn sorted<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names
}

#[test]
fn every_extension_has_a_section_and_every_section_an_extension() {
    let guide = guide();
    let documented = guide
        .lines()
        .filter(|line| line.starts_with("## `x-"))
        .filter_map(first_code);
    assert_eq!(
        sorted(documented),
        sorted(extensions::ALL.iter().copied()),
        "the `## `x-...`` sections of docs/spec-extensions.md against codegen's extensions::ALL"
    );
}

#[test]
fn every_auth_kind_has_a_row_and_every_row_a_kind() {
    let guide = guide();
    let heading = format!("## `{}`", extensions::X_AUTH_SCHEME);
    let section = guide
        .lines()
        .skip_while(|line| !line.starts_with(&heading))
        .skip(1)
        .take_while(|line| !line.starts_with("## "));
    let documented = section
        .filter(|line| line.starts_with("| `"))
        .filter_map(first_code);
    assert_eq!(
        sorted(documented),
        sorted(AuthKind::declared().iter().copied()),
        "the kinds of the `x-auth-scheme` table of docs/spec-extensions.md against codegen's AuthKind"
    );
}

#[test]
fn every_paging_style_has_a_section_and_every_section_a_style() {
    let guide = guide();
    let heading = format!("## `{}`", extensions::X_PAGINATION);
    let documented = guide
        .lines()
        .skip_while(|line| !line.starts_with(&heading))
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .filter(|line| line.starts_with("### `style:"))
        .filter_map(first_code)
        .filter_map(|code| code.strip_prefix("style: "));
    assert_eq!(
        sorted(documented),
        sorted(extensions::PAGING_STYLES.iter().copied()),
        "the `### `style: ...`` sections of `x-pagination` in docs/spec-extensions.md against codegen's PAGING_STYLES"
    );
}

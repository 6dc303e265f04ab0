//! Naming: every Rust identifier the generator writes is made here.
//!
//! Wire names come from vendors and may be anything: `userName`, `-userName`,
//! `X-Auth-Token`, `type`, `2fa`, `用户名`. These functions turn them into
//! identifiers that compile, read like hand-written Rust and stay unique. An identifier
//! is an [`Ident`]: made here only, valid by construction, and a keyword is marked raw
//! instead of carrying an `r#` prefix in its text.

use std::collections::BTreeSet;
use std::fmt;

/// A Rust identifier made by this module.
///
/// Its [name](Ident::as_str) is what documentation, doc links and derived names use
/// (`type`); [`Display`](fmt::Display) writes it as code, raw where it is a keyword
/// (`r#type`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ident {
    name: String,
    raw: bool,
}

impl Ident {
    /// The snake_case identifier for a wire name (`userName` to `user_name`).
    pub fn snake(wire: &str) -> Ident {
        sanitize(wire, Case::Snake)
    }

    /// The PascalCase identifier for a wire name (`user-name` to `UserName`).
    pub fn pascal(wire: &str) -> Ident {
        sanitize(wire, Case::Pascal)
    }

    /// A name the caller knows to be a valid, non-keyword identifier (a reserved name).
    fn plain(name: &str) -> Ident {
        Ident {
            name: name.to_owned(),
            raw: false,
        }
    }

    /// The name without any `r#`: for docs, doc links and names derived from it.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Whether it is a keyword, written as a raw identifier (`r#type`).
    pub fn is_raw(&self) -> bool {
        self.raw
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.name)
    }
}

/// The identifier case to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: modules, functions, fields.
    Snake,
    /// `PascalCase`: types and enum variants.
    Pascal,
}

/// Words that are keywords in some edition; escaped as raw identifiers (`r#type`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NON_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits a wire name into lower-case words: on any character that is not an ASCII
/// letter or digit, and at lower-to-upper case humps (`userName`, `SDKHmac`).
/// Non-ASCII characters become `u<hex>` words so that `用户名` still names something.
fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let next = chars.get(i + 1).copied();
            let hump = c.is_ascii_uppercase()
                && prev.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                });
            if hump && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        } else {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            if !c.is_ascii() {
                words.push(format!("u{:x}", c as u32));
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Converts a wire name to an identifier in `case`, escaping keywords.
pub fn sanitize(name: &str, case: Case) -> Ident {
    let words = words(name);
    let mut ident = match case {
        Case::Snake => words.join("_"),
        Case::Pascal => words
            .iter()
            .map(|w| {
                let mut cs = w.chars();
                match cs.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                    None => String::new(),
                }
            })
            .collect(),
    };
    if ident.is_empty() {
        ident = match case {
            Case::Snake => "value".to_owned(),
            Case::Pascal => "Value".to_owned(),
        };
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident = match case {
            Case::Snake => format!("n{ident}"),
            Case::Pascal => format!("N{ident}"),
        };
    }
    escape_keyword(ident)
}

/// Escapes a finished identifier that is a keyword.
fn escape_keyword(ident: String) -> Ident {
    if NON_RAW.contains(&ident.as_str()) {
        Ident {
            name: format!("{ident}_"),
            raw: false,
        }
    } else {
        let raw = KEYWORDS.contains(&ident.as_str());
        Ident { name: ident, raw }
    }
}

/// Converts a name to the code text of a snake_case identifier (`r#type` for `type`).
pub fn snake(name: &str) -> String {
    Ident::snake(name).to_string()
}

/// Converts a name to the code text of a PascalCase identifier.
pub fn pascal(name: &str) -> String {
    Ident::pascal(name).to_string()
}

/// Converts a spec file stem (`nce-campus`) to its module and feature name (`nce_campus`).
pub fn module_name(stem: &str) -> String {
    snake(stem)
}

/// Hands out identifiers that are unique within one scope (one struct's fields, one
/// module's types), appending `2`, `3`, ... to later claimants of a taken name.
///
/// Names are compared without `r#`: `type` and `r#type` are the same name.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `ident`, or the first free numbered variant of it (never a keyword, so
    /// never raw: `type2`).
    pub fn claim(&mut self, ident: Ident) -> Ident {
        if !self.taken.contains(ident.as_str()) {
            self.taken.insert(ident.name.clone());
            return ident;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{}{n}", ident.name);
            if !self.taken.contains(&candidate) {
                self.taken.insert(candidate.clone());
                return Ident::plain(&candidate);
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_vendor_names() {
        let cases: &[(&str, &str, &str)] = &[
            ("userName", "user_name", "UserName"),
            ("-userName", "user_name", "UserName"),
            ("siteId", "site_id", "SiteId"),
            ("pool_name", "pool_name", "PoolName"),
            ("X-Auth-Token", "x_auth_token", "XAuthToken"),
            ("PageSize", "page_size", "PageSize"),
            ("ResourceUUID", "resource_uuid", "ResourceUuid"),
            ("SDKHmacSha256", "sdk_hmac_sha256", "SdkHmacSha256"),
            ("OWN_ECS", "own_ecs", "OwnEcs"),
            ("ListSimPools", "list_sim_pools", "ListSimPools"),
            (
                "getTimeFlowStInfoList",
                "get_time_flow_st_info_list",
                "GetTimeFlowStInfoList",
            ),
            ("type", "r#type", "Type"),
            ("ref", "r#ref", "Ref"),
            ("self", "self_", "Self_"),
            ("2fa", "n2fa", "N2fa"),
            ("user-name", "user_name", "UserName"),
            ("用户名", "u7528_u6237_u540d", "U7528U6237U540d"),
            ("", "value", "Value"),
            ("$", "value", "Value"),
        ];
        for (wire, snake_case, pascal_case) in cases {
            assert_eq!(snake(wire), *snake_case, "snake of {wire:?}");
            assert_eq!(pascal(wire), *pascal_case, "pascal of {wire:?}");
        }
    }

    #[test]
    fn every_result_parses_as_an_identifier() {
        for wire in [
            "type",
            "self",
            "Self",
            "super",
            "crate",
            "2fa",
            "用户名",
            "fn",
            "async",
            "_",
        ] {
            for case in [Case::Snake, Case::Pascal] {
                let ident = sanitize(wire, case).to_string();
                assert!(
                    syn::parse_str::<syn::Ident>(&ident).is_ok(),
                    "{ident:?} from {wire:?}"
                );
            }
        }
    }

    #[test]
    fn scope_keeps_names_unique() {
        let mut scope = Scope::with_reserved(&["client"]);
        let mut claim = |wire: &str| scope.claim(Ident::snake(wire)).to_string();
        assert_eq!(claim("user_name"), "user_name");
        assert_eq!(claim("userName"), "user_name2");
        assert_eq!(claim("user_name"), "user_name3");
        assert_eq!(claim("client"), "client2");
        assert_eq!(claim("type"), "r#type");
        assert_eq!(claim("type"), "type2");
    }

    #[test]
    fn an_ident_knows_its_name_and_its_code() {
        let t = Ident::snake("type");
        assert_eq!(
            (t.as_str(), t.is_raw(), t.to_string()),
            ("type", true, "r#type".into())
        );
        let s = Ident::pascal("self");
        assert_eq!(
            (s.as_str(), s.is_raw(), s.to_string()),
            ("Self_", false, "Self_".into())
        );
    }
}

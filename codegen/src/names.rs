//! Naming: every Rust identifier the generator writes is made here.
//!
//! Wire names come from vendors and may be anything: `userName`, `-userName`,
//! `X-Auth-Token`, `type`, `2fa`, `用户名`. These functions turn them into
//! identifiers that compile, read like hand-written Rust and stay unique.

use std::collections::BTreeSet;

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
///
/// The result is the text of a valid Rust identifier (possibly raw, `r#type`).
pub fn sanitize(name: &str, case: Case) -> String {
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
fn escape_keyword(ident: String) -> String {
    if NON_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// Converts a name to a snake_case identifier.
pub fn snake(name: &str) -> String {
    sanitize(name, Case::Snake)
}

/// Converts a name to a PascalCase identifier.
pub fn pascal(name: &str) -> String {
    sanitize(name, Case::Pascal)
}

/// Converts a spec file stem (`nce-campus`) to its module and feature name (`nce_campus`).
pub fn module_name(stem: &str) -> String {
    snake(stem)
}

/// Hands out identifiers that are unique within one scope (one struct's fields, one
/// module's types), appending `2`, `3`, ... to later claimants of a taken name.
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

    /// Claims `ident` (already sanitized), or the first free numbered variant of it.
    pub fn claim(&mut self, ident: String) -> String {
        if self.taken.insert(ident.clone()) {
            return ident;
        }
        let bare = ident.strip_prefix("r#").unwrap_or(&ident).to_owned();
        let mut n = 2;
        loop {
            let candidate = format!("{bare}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
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
                let ident = sanitize(wire, case);
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
        assert_eq!(scope.claim("user_name".into()), "user_name");
        assert_eq!(scope.claim("user_name".into()), "user_name2");
        assert_eq!(scope.claim("user_name".into()), "user_name3");
        assert_eq!(scope.claim("client".into()), "client2");
        assert_eq!(scope.claim("r#type".into()), "r#type");
        assert_eq!(scope.claim("r#type".into()), "type2");
    }
}

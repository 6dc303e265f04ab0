//! Security schemes (with `x-auth-scheme`) and the security requirements of operations.

use std::collections::BTreeMap;

use openapiv3::SecurityScheme;
use serde_json::Value;

use super::{clean, json_text, Lowerer};
use crate::diagnostics::escape_token;
use crate::ir::{AuthKind, AuthScheme, Operation};
use crate::names::{Ident, Scope};

/// Auth scheme kinds the runtime knows (see docs/spec-extensions.md).
const AUTH_KINDS: &[&str] = &[
    "header-token",
    "login-token",
    "sdk-hmac-sha256",
    "rpc-signature-v1",
    "django-session",
];

impl Lowerer<'_, '_> {
    /// The security schemes, in spec order.
    pub(super) fn auth_schemes(&mut self) -> Vec<AuthScheme> {
        let Some(components) = &self.doc.components else {
            return Vec::new();
        };
        let mut scope = Scope::default();
        let mut out = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let pointer = format!("/components/securitySchemes/{}", escape_token(key));
            let scheme = match self.refs.security_scheme(scheme) {
                Ok(s) => s,
                Err(m) => {
                    self.error(&pointer, m);
                    continue;
                }
            };
            let SecurityScheme::APIKey {
                location,
                name,
                description,
                extensions,
            } = scheme
            else {
                self.error(&pointer, format!("security scheme `{key}`: only `apiKey` schemes (with `x-auth-scheme` where needed) are supported yet"));
                continue;
            };
            let declared: Option<BTreeMap<String, Value>> =
                self.extension(extensions, "x-auth-scheme", &pointer);
            let kind = match declared {
                None if *location == openapiv3::APIKeyLocation::Header => AuthKind::HeaderToken {
                    header: name.clone(),
                },
                None => {
                    self.error(&pointer, format!("security scheme `{key}`: an API key outside a header needs `x-auth-scheme`"));
                    continue;
                }
                Some(map) => {
                    let mut settings: Vec<(String, String)> = Vec::new();
                    let mut kind = None;
                    for (k, v) in &map {
                        if k == "kind" {
                            kind = Some(json_text(v));
                        } else {
                            settings.push((k.clone(), json_text(v)));
                        }
                    }
                    match kind.as_deref() {
                        Some("header-token") if *location == openapiv3::APIKeyLocation::Header => {
                            AuthKind::HeaderToken {
                                header: name.clone(),
                            }
                        }
                        Some(k) if AUTH_KINDS.contains(&k) && k != "header-token" => {
                            AuthKind::Declared {
                                kind: k.to_owned(),
                                header: (*location == openapiv3::APIKeyLocation::Header)
                                    .then(|| name.clone()),
                                settings,
                            }
                        }
                        other => {
                            self.error(
                                &format!("{pointer}/x-auth-scheme"),
                                format!(
                                    "unknown auth scheme kind {}; known kinds: {}",
                                    other.map_or("(none given)".to_owned(), |k| format!("`{k}`")),
                                    AUTH_KINDS.join(", ")
                                ),
                            );
                            continue;
                        }
                    }
                }
            };
            out.push(AuthScheme {
                key: key.clone(),
                fn_name: scope.claim(Ident::snake(key)),
                description: clean(description.as_deref()),
                kind,
            });
        }
        out
    }

    /// Checks that auth settings naming operations name real ones.
    pub(super) fn check_auth_settings(&mut self, auth: &[AuthScheme], operations: &[Operation]) {
        for scheme in auth {
            if let AuthKind::Declared { settings, .. } = &scheme.kind {
                for (k, v) in settings {
                    let pointer = format!(
                        "/components/securitySchemes/{}/x-auth-scheme/{k}",
                        escape_token(&scheme.key)
                    );
                    let names_op = matches!(k.as_str(), "login" | "logout");
                    if names_op && !operations.iter().any(|o| &o.id == v) {
                        self.error(
                            &pointer,
                            format!("`{k}: {v}` names no operation of this spec"),
                        );
                    }
                    if k == "token" && !v.starts_with('/') {
                        self.error(
                            &pointer,
                            format!("`token: {v}` must be a JSON pointer such as `/data/token_id`"),
                        );
                    }
                }
            }
        }
    }

    /// The scheme keys of an operation's security requirements (any one of them applies).
    pub(super) fn security(
        &mut self,
        requirements: Option<&Vec<openapiv3::SecurityRequirement>>,
        pointer: &str,
    ) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for requirement in requirements.into_iter().flatten() {
            for key in requirement.keys() {
                let known = self
                    .doc
                    .components
                    .as_ref()
                    .is_some_and(|c| c.security_schemes.contains_key(key));
                if !known {
                    self.error(
                        &format!("{pointer}/security"),
                        format!("security requirement `{key}` names no security scheme"),
                    );
                }
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        }
        keys
    }
}

//! Security schemes (with `x-auth-scheme`) and the security requirements of operations.

use indexmap::IndexMap;
use openapiv3::SecurityScheme;
use serde::Deserialize;
use serde_json::Value;

use super::{clean, Lowerer};
use crate::diagnostics::escape_token;
use crate::extensions::X_AUTH_SCHEME;
use crate::ir::{
    AuthKind, AuthScheme, HeaderToken, KeyPair, Location, Oauth2ClientCredentials, Operation,
};
use crate::names::{Ident, Scope};

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
                Ok((s, _)) => s,
                Err(m) => {
                    self.error(&pointer, m);
                    continue;
                }
            };
            let (location, name, description, extensions) = match scheme {
                SecurityScheme::APIKey {
                    location,
                    name,
                    description,
                    extensions,
                } => (location, name, description, extensions),
                SecurityScheme::HTTP {
                    scheme: http,
                    description,
                    extensions,
                    ..
                } => {
                    if extensions.contains_key(X_AUTH_SCHEME) {
                        self.error(&format!("{pointer}/{X_AUTH_SCHEME}"), format!("`{X_AUTH_SCHEME}` goes on `apiKey` schemes; an `http` scheme is implemented as its `scheme` says"));
                    }
                    let kind = match http.to_ascii_lowercase().as_str() {
                        "bearer" => AuthKind::Bearer {
                            source: "http".into(),
                        },
                        "basic" => AuthKind::Basic,
                        other => {
                            self.warn(&format!("{pointer}/scheme"), format!("security scheme `{key}`: HTTP `{other}` authentication is not implemented: the caller supplies an `Authorize` for it"));
                            AuthKind::Custom {
                                what: format!("HTTP `{other}` authentication"),
                            }
                        }
                    };
                    out.push(AuthScheme {
                        key: key.clone(),
                        fn_name: scope.claim(Ident::snake(key)),
                        description: clean(description.as_deref()),
                        kind,
                    });
                    continue;
                }
                SecurityScheme::OAuth2 {
                    flows:
                        openapiv3::OAuth2Flows {
                            client_credentials: Some(flow),
                            ..
                        },
                    description,
                    ..
                } if flow.token_url.starts_with("https://")
                    || flow.token_url.starts_with("http://") =>
                {
                    // The client credentials grant is one the client can run itself;
                    // the declared scopes are asked for, space-separated.
                    let scopes: Vec<&str> = flow.scopes.keys().map(String::as_str).collect();
                    out.push(AuthScheme {
                        key: key.clone(),
                        fn_name: scope.claim(Ident::snake(key)),
                        description: clean(description.as_deref()),
                        kind: AuthKind::Oauth2ClientCredentials(Oauth2ClientCredentials {
                            token_url: flow.token_url.clone(),
                            scope: (!scopes.is_empty()).then(|| scopes.join(" ")),
                            form: IndexMap::new(),
                            stale_codes: Vec::new(),
                            env: None,
                        }),
                    });
                    continue;
                }
                SecurityScheme::OAuth2 { description, .. }
                | SecurityScheme::OpenIDConnect { description, .. } => {
                    let source = match scheme {
                        SecurityScheme::OAuth2 { .. } => "oauth2",
                        _ => "openIdConnect",
                    };
                    out.push(AuthScheme {
                        key: key.clone(),
                        fn_name: scope.claim(Ident::snake(key)),
                        description: clean(description.as_deref()),
                        kind: AuthKind::Bearer {
                            source: source.into(),
                        },
                    });
                    continue;
                }
            };
            let in_header = *location == openapiv3::APIKeyLocation::Header;
            let kind = match extensions.get(X_AUTH_SCHEME) {
                None if in_header => AuthKind::HeaderToken(HeaderToken {
                    header: name.clone(),
                    env: None,
                }),
                None => AuthKind::ApiKey {
                    name: name.clone(),
                    cookie: *location == openapiv3::APIKeyLocation::Cookie,
                },
                Some(value) => {
                    let at = format!("{pointer}/{X_AUTH_SCHEME}");
                    match self.auth_kind(value, name, in_header, &at) {
                        Some(kind) => kind,
                        None => continue,
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

    /// The settings of `x-auth-scheme` (at `at`), typed by their `kind`; `header` is
    /// the scheme's `name`.
    fn auth_kind(
        &mut self,
        value: &Value,
        header: &str,
        in_header: bool,
        at: &str,
    ) -> Option<AuthKind> {
        if !value.is_object() {
            self.error(
                at,
                format!("`{X_AUTH_SCHEME}` must be a mapping with a `kind`"),
            );
            return None;
        }
        let declared = AuthKind::declared();
        let name = match value.get("kind").and_then(Value::as_str) {
            Some(name) if declared.contains(&name) => name,
            other => {
                self.error(
                    at,
                    format!(
                        "unknown auth scheme kind {}; known kinds: {}",
                        other.map_or("(none given)".to_owned(), |k| format!("`{k}`")),
                        declared.join(", ")
                    ),
                );
                return None;
            }
        };
        let mut kind = match AuthKind::deserialize(value) {
            Ok(kind) => kind,
            Err(e) => {
                self.error(
                    at,
                    format!("invalid `{X_AUTH_SCHEME}`: {e} (see docs/spec-extensions.md)"),
                );
                return None;
            }
        };
        if let Some(slot) = kind.header_mut() {
            if !in_header {
                self.error(
                    at,
                    format!("`{name}` sends a token in a header: declare the scheme `in: header`"),
                );
            }
            header.clone_into(slot);
        }
        match &mut kind {
            AuthKind::LoginToken(login) => self.login_token_settings(login, at),
            AuthKind::KeystonePassword(keystone) => {
                let endpoint = &keystone.endpoint;
                if !endpoint.starts_with("https://") && !endpoint.starts_with("http://") {
                    self.error(
                        &format!("{at}/endpoint"),
                        format!("`endpoint: {endpoint}` must be an absolute http(s) URL"),
                    );
                }
                keystone.endpoint = endpoint.trim_end_matches('/').to_owned();
            }
            AuthKind::AwsSigv4(sigv4) => {
                if !in_header || !header.eq_ignore_ascii_case("Authorization") {
                    self.error(
                        at,
                        format!("`{name}` signs in the `Authorization` header: declare the scheme `in: header` with `name: Authorization`"),
                    );
                }
                for (setting, value) in [("service", &sigv4.service), ("region", &sigv4.region)] {
                    let valid = !value.is_empty()
                        && value
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                    if !valid {
                        self.error(
                            &format!("{at}/{setting}"),
                            format!("`{setting}: {value}` must be an AWS {setting} name such as `{}` (lower-case letters, digits and `-`)", if setting == "service" { "ce" } else { "us-east-1" }),
                        );
                    }
                }
            }
            AuthKind::Oauth2ClientCredentials(oauth) => {
                if !in_header || !header.eq_ignore_ascii_case("Authorization") {
                    self.error(
                        at,
                        format!("`{name}` sends `Authorization: Bearer <token>`: declare the scheme `in: header` with `name: Authorization`"),
                    );
                }
                let url = &oauth.token_url;
                if !url.starts_with("https://") && !url.starts_with("http://") {
                    self.error(
                        &format!("{at}/token-url"),
                        format!("`token-url: {url}` must be an absolute http(s) URL"),
                    );
                }
                let tenant = oauth.env.as_ref().and_then(|env| env.tenant.as_ref());
                if let Some(var) = tenant.filter(|_| !url.contains("{tenant}")) {
                    self.error(
                        &format!("{at}/env/tenant"),
                        format!("`env: {{tenant: {var}}}` has no effect: `token-url: {url}` has no `{{tenant}}`"),
                    );
                }
            }
            AuthKind::RpcSignatureV1(KeyPair { env: Some(env) }) => {
                if let Some(var) = &env.project_id {
                    self.error(
                        &format!("{at}/env/project-id"),
                        format!("`env: {{project-id: {var}}}` has no effect: `{name}` sends no project id (only `sdk-hmac-sha256` does)"),
                    );
                }
            }
            _ => {}
        }
        Some(kind)
    }

    /// Resolves the operations auth schemes name, checks that the credential fields are
    /// body properties of the login calls, and marks sign-in calls as carrying secrets.
    pub(super) fn check_auth_settings(
        &mut self,
        auth: &mut [AuthScheme],
        operations: &mut [Operation],
    ) {
        for scheme in auth.iter_mut() {
            let at = format!(
                "/components/securitySchemes/{}/{X_AUTH_SCHEME}",
                escape_token(&scheme.key)
            );
            if let AuthKind::LoginToken(login) = &mut scheme.kind {
                let body = operations
                    .iter()
                    .find(|o| o.id == login.login.id)
                    .and_then(|o| {
                        o.params
                            .iter()
                            .find(|p| p.wire_name == login.credentials.username)
                    })
                    .map(|p| p.location);
                login.json_body = body != Some(Location::Form);
            }
            for (role, op) in scheme.kind.operations_mut() {
                match operations.iter_mut().find(|o| o.id == op.id) {
                    Some(found) => {
                        op.builder = Some(found.builder_name.clone());
                        if role == "login" {
                            found.secret_response = true;
                        }
                    }
                    None => self.error(
                        &format!("{at}/{role}"),
                        format!("`{role}: {}` names no operation of this spec", op.id),
                    ),
                }
            }
            if let AuthKind::LoginToken(login) = &mut scheme.kind {
                if let Some(op) = operations.iter().find(|o| o.id == login.login.id) {
                    self.login_values(login, op, &at);
                }
                let logout = login.logout.as_ref().map(|op| op.id.as_str());
                if let Some(op) = operations.iter().find(|o| Some(o.id.as_str()) == logout) {
                    self.logout_token_field(login, op, &at);
                }
            }
            let Some((login, credentials)) = scheme.kind.credentials() else {
                continue;
            };
            let Some(op) = operations.iter().find(|o| o.id == login.id) else {
                continue;
            };
            for (role, field) in [
                ("username", &credentials.username),
                ("password", &credentials.password),
            ] {
                let in_body = op.params.iter().any(|p| {
                    &p.wire_name == field && matches!(p.location, Location::Json | Location::Form)
                });
                if !in_body {
                    self.error(
                        &format!("{at}/credentials/{role}"),
                        format!("`{field}` is not a request body property of `{}`", op.id),
                    );
                }
            }
        }
    }

    /// The scheme keys of an operation's security requirements (any one of them
    /// applies), and whether the operation is public: `security: []`, or requirements
    /// naming only schemes the document does not define (each a warning, ignored).
    pub(super) fn security(
        &mut self,
        requirements: Option<&Vec<openapiv3::SecurityRequirement>>,
        pointer: &str,
    ) -> (Vec<String>, bool) {
        let mut keys: Vec<String> = Vec::new();
        let mut unknown = false;
        for (i, requirement) in requirements.into_iter().flatten().enumerate() {
            if requirement.len() > 1 {
                let names: Vec<String> = requirement.keys().map(|k| format!("`{k}`")).collect();
                self.warn(
                    &format!("{pointer}/security/{i}"),
                    format!(
                        "this requirement asks for {} together: a client sends one scheme at a time, so each is offered as an alternative (give the builder your own `Authorize` that applies them all)",
                        names.join(" and ")
                    ),
                );
            }
            for key in requirement.keys() {
                let known = self
                    .doc
                    .components
                    .as_ref()
                    .is_some_and(|c| c.security_schemes.contains_key(key));
                if !known {
                    unknown = true;
                    self.warn(
                        &format!("{pointer}/security/{i}"),
                        format!("security requirement `{key}` names no security scheme: it is ignored, and an operation no other requirement gives a scheme is public (sends no credentials); define `{key}` under `components.securitySchemes` to send it"),
                    );
                    continue;
                }
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        }
        let public = requirements.is_some_and(Vec::is_empty) || (unknown && keys.is_empty());
        (keys, public)
    }
}

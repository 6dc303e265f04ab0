//! Security schemes (with `x-auth-scheme`) and the security requirements of operations.

use openapiv3::SecurityScheme;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::{clean, Lowerer};
use crate::diagnostics::escape_token;
use crate::ir::{AuthKind, AuthScheme, KeyEnv, KeystoneEnv, Location, OpRef, Operation};
use crate::names::{Ident, Scope};

/// Auth scheme kinds the runtime knows (see docs/spec-extensions.md).
const AUTH_KINDS: &[&str] = &[
    "header-token",
    "login-token",
    "keystone-password",
    "sdk-hmac-sha256",
    "rpc-signature-v1",
    "django-session",
];

/// `env` of `header-token`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEnv {
    token: String,
}

/// `env` of the kinds that sign in with a user name and password.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEnv {
    username: String,
    password: String,
}

/// `env` of the key-pair kinds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct KeyEnvExt {
    access_key: String,
    secret_key: String,
    #[serde(default)]
    security_token: Option<String>,
    #[serde(default)]
    project_id: Option<String>,
}

/// `credentials` of a login call: the body fields of the user name and password.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    username: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderTokenExt {
    #[serde(default)]
    env: Option<TokenEnv>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LoginTokenExt {
    login: String,
    credentials: Credentials,
    token: String,
    #[serde(default)]
    logout: Option<String>,
    #[serde(default)]
    logout_token_field: Option<String>,
    #[serde(default)]
    stale_codes: Vec<String>,
    #[serde(default)]
    env: Option<UserEnv>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct KeystoneEnvExt {
    #[serde(default)]
    endpoint: Option<String>,
    username: String,
    password: String,
    domain: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    project_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct KeystoneExt {
    login: String,
    endpoint: String,
    default_region: String,
    #[serde(default)]
    token_header: Option<String>,
    #[serde(default)]
    stale_codes: Vec<String>,
    #[serde(default)]
    env: Option<KeystoneEnvExt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysExt {
    #[serde(default)]
    env: Option<KeyEnvExt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DjangoExt {
    open: String,
    login: String,
    csrf_cookie: String,
    session_cookie: String,
    csrf_header: String,
    csrf_field: String,
    credentials: Credentials,
    #[serde(default)]
    env: Option<UserEnv>,
}

fn op_ref(id: String) -> OpRef {
    OpRef { id, builder: None }
}

fn key_env(env: Option<KeyEnvExt>) -> Option<KeyEnv> {
    env.map(|env| KeyEnv {
        access_key: env.access_key,
        secret_key: env.secret_key,
        security_token: env.security_token,
        project_id: env.project_id,
    })
}

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
                    if extensions.contains_key("x-auth-scheme") {
                        self.error(&format!("{pointer}/x-auth-scheme"), "`x-auth-scheme` goes on `apiKey` schemes; an `http` scheme is implemented as its `scheme` says");
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
            let kind = match extensions.get("x-auth-scheme") {
                None if in_header => AuthKind::HeaderToken {
                    header: name.clone(),
                    env_token: None,
                },
                None => AuthKind::ApiKey {
                    name: name.clone(),
                    cookie: *location == openapiv3::APIKeyLocation::Cookie,
                },
                Some(value) => {
                    let at = format!("{pointer}/x-auth-scheme");
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

    /// The settings of `x-auth-scheme` (at `at`), typed by their `kind`.
    fn auth_kind(
        &mut self,
        value: &Value,
        header: &str,
        in_header: bool,
        at: &str,
    ) -> Option<AuthKind> {
        let mut settings = match value {
            Value::Object(map) => map.clone(),
            _ => {
                self.error(at, "`x-auth-scheme` must be a mapping with a `kind`");
                return None;
            }
        };
        let kind = settings.remove("kind");
        let kind = kind.as_ref().and_then(Value::as_str);
        let header = header.to_owned();
        let needs_header = |l: &mut Self, kind: &str| {
            if !in_header {
                l.error(
                    at,
                    format!("`{kind}` sends a token in a header: declare the scheme `in: header`"),
                );
            }
        };
        let rest = Value::Object(settings);
        Some(match kind {
            Some("header-token") => {
                needs_header(self, "header-token");
                let ext: HeaderTokenExt = self.settings(rest, at)?;
                AuthKind::HeaderToken {
                    header,
                    env_token: ext.env.map(|env| env.token),
                }
            }
            Some("login-token") => {
                needs_header(self, "login-token");
                let ext: LoginTokenExt = self.settings(rest, at)?;
                if !ext.token.starts_with('/') {
                    self.error(
                        &format!("{at}/token"),
                        format!(
                            "`token: {}` must be a JSON pointer such as `/data/token_id`",
                            ext.token
                        ),
                    );
                }
                if ext.logout_token_field.is_some() && ext.logout.is_none() {
                    self.error(
                        &format!("{at}/logout-token-field"),
                        "`logout-token-field` needs `logout`",
                    );
                }
                AuthKind::LoginToken {
                    header,
                    login: op_ref(ext.login),
                    username_field: ext.credentials.username,
                    password_field: ext.credentials.password,
                    json_body: true,
                    token: ext.token,
                    logout: ext.logout.map(|id| (op_ref(id), ext.logout_token_field)),
                    stale_codes: ext.stale_codes,
                    env: ext.env.map(|env| (env.username, env.password)),
                }
            }
            Some("keystone-password") => {
                needs_header(self, "keystone-password");
                let ext: KeystoneExt = self.settings(rest, at)?;
                if !ext.endpoint.starts_with("https://") && !ext.endpoint.starts_with("http://") {
                    self.error(
                        &format!("{at}/endpoint"),
                        format!(
                            "`endpoint: {}` must be an absolute http(s) URL",
                            ext.endpoint
                        ),
                    );
                }
                AuthKind::KeystonePassword {
                    header,
                    login: op_ref(ext.login),
                    endpoint: ext.endpoint.trim_end_matches('/').to_owned(),
                    default_region: ext.default_region,
                    token_header: ext
                        .token_header
                        .unwrap_or_else(|| "X-Subject-Token".to_owned()),
                    stale_codes: ext.stale_codes,
                    env: ext.env.map(|env| KeystoneEnv {
                        endpoint: env.endpoint,
                        username: env.username,
                        password: env.password,
                        domain: env.domain,
                        region: env.region,
                        project_id: env.project_id,
                    }),
                }
            }
            Some("sdk-hmac-sha256") => {
                let ext: KeysExt = self.settings(rest, at)?;
                AuthKind::SdkHmacSha256 {
                    env: key_env(ext.env),
                }
            }
            Some("rpc-signature-v1") => {
                let ext: KeysExt = self.settings(rest, at)?;
                AuthKind::RpcSignatureV1 {
                    env: key_env(ext.env),
                }
            }
            Some("django-session") => {
                let ext: DjangoExt = self.settings(rest, at)?;
                AuthKind::DjangoSession {
                    open: op_ref(ext.open),
                    login: op_ref(ext.login),
                    csrf_cookie: ext.csrf_cookie,
                    session_cookie: ext.session_cookie,
                    csrf_header: ext.csrf_header,
                    csrf_field: ext.csrf_field,
                    username_field: ext.credentials.username,
                    password_field: ext.credentials.password,
                    env: ext.env.map(|env| (env.username, env.password)),
                }
            }
            other => {
                self.error(
                    at,
                    format!(
                        "unknown auth scheme kind {}; known kinds: {}",
                        other.map_or("(none given)".to_owned(), |k| format!("`{k}`")),
                        AUTH_KINDS.join(", ")
                    ),
                );
                return None;
            }
        })
    }

    /// Parses a kind's settings, reporting a mismatch at `at`.
    fn settings<T: DeserializeOwned>(&mut self, value: Value, at: &str) -> Option<T> {
        match T::deserialize(value) {
            Ok(settings) => Some(settings),
            Err(e) => {
                self.error(
                    at,
                    format!("invalid `x-auth-scheme`: {e} (see docs/spec-extensions.md)"),
                );
                None
            }
        }
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
                "/components/securitySchemes/{}/x-auth-scheme",
                escape_token(&scheme.key)
            );
            let mut refs: Vec<(&str, &mut OpRef)> = Vec::new();
            let mut fields: Vec<(String, String, String)> = Vec::new();
            match &mut scheme.kind {
                AuthKind::LoginToken {
                    login,
                    logout,
                    username_field,
                    password_field,
                    json_body,
                    ..
                } => {
                    let body = operations
                        .iter()
                        .find(|o| o.id == login.id)
                        .and_then(|o| o.params.iter().find(|p| &p.wire_name == username_field))
                        .map(|p| p.location);
                    *json_body = body != Some(Location::Form);
                    fields.push((
                        login.id.clone(),
                        username_field.clone(),
                        "credentials/username".into(),
                    ));
                    fields.push((
                        login.id.clone(),
                        password_field.clone(),
                        "credentials/password".into(),
                    ));
                    refs.push(("login", login));
                    if let Some((logout, _)) = logout {
                        refs.push(("logout", logout));
                    }
                }
                AuthKind::KeystonePassword { login, .. } => refs.push(("login", login)),
                AuthKind::DjangoSession {
                    open,
                    login,
                    username_field,
                    password_field,
                    ..
                } => {
                    fields.push((
                        login.id.clone(),
                        username_field.clone(),
                        "credentials/username".into(),
                    ));
                    fields.push((
                        login.id.clone(),
                        password_field.clone(),
                        "credentials/password".into(),
                    ));
                    refs.push(("open", open));
                    refs.push(("login", login));
                }
                _ => {}
            }
            for (role, op) in refs {
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
            for (op_id, field, role) in fields {
                let Some(op) = operations.iter().find(|o| o.id == op_id) else {
                    continue;
                };
                let in_body = op.params.iter().any(|p| {
                    p.wire_name == field && matches!(p.location, Location::Json | Location::Form)
                });
                if !in_body {
                    self.error(
                        &format!("{at}/{role}"),
                        format!("`{field}` is not a request body property of `{op_id}`"),
                    );
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

//! The `auth` module: one constructor per security scheme kind (and per way of signing
//! in), the specs of sign-in flows as statics, and `from_env`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, ident, inner_docs, paragraphs};
use crate::ir::{
    Api, AuthKind, AuthScheme, AwsSigv4, DjangoSession, HeaderToken, KeyPair, KeystonePassword,
    Location, LoginToken, LoginValue, Oauth2ClientCredentials, OpRef,
};

/// The `auth` module of `api`.
pub(super) fn emit_auth(api: &Api) -> TokenStream {
    let schemes = &api.auth;
    if schemes.is_empty() {
        return TokenStream::new();
    }
    let mut module_doc = "Credentials for this API's security schemes.".to_owned();
    for scheme in schemes {
        module_doc.push_str(&format!(
            "\n- `{}`: {}",
            scheme.key,
            describe_scheme(scheme, "")
        ));
    }
    let module_doc = inner_docs(&module_doc);
    let fns = schemes.iter().map(emit_scheme);
    let from_env = emit_from_env(api);
    quote! {
        pub mod auth {
            #module_doc
            #(#fns)*
            #from_env
        }
    }
}

/// The name of a scheme's sign-in constructor (`access_token_login`).
fn login_fn(scheme: &AuthScheme) -> proc_macro2::Ident {
    format_ident!("{}_login", scheme.fn_name.as_str())
}

/// The name of a scheme's sign-in spec static (`ACCESS_TOKEN_LOGIN`).
fn spec_static(scheme: &AuthScheme) -> proc_macro2::Ident {
    format_ident!("{}_LOGIN", scheme.fn_name.as_str().to_uppercase())
}

/// `&super::Builder::OPERATION` for an operation an auth scheme names.
fn operation_ref(op: &OpRef) -> TokenStream {
    match &op.builder {
        Some(builder) => {
            let builder = ident(builder);
            quote! { &super::#builder::OPERATION }
        }
        // Lowering reported the unknown operation; nothing is emitted for it.
        None => quote! { compile_error!("unknown operation") },
    }
}

/// A one-line description of a scheme, linking its constructors through `link_prefix`.
pub(super) fn describe_scheme(scheme: &AuthScheme, link_prefix: &str) -> String {
    let fixed = format!("[`{link_prefix}{}`]", scheme.fn_name.as_str());
    let login = format!("[`{link_prefix}{}`]", login_fn(scheme));
    match &scheme.kind {
        AuthKind::HeaderToken(HeaderToken { header, .. }) => {
            format!("a token in the `{header}` header, from {fixed}")
        }
        AuthKind::Bearer { source } => match source.as_str() {
            "http" => format!("a bearer token in the `Authorization` header, from {fixed}"),
            other => format!("an `{other}` access token, which you obtain from the provider, as a bearer token in the `Authorization` header, from {fixed}"),
        },
        AuthKind::Basic => {
            format!("a user name and password (HTTP basic) in the `Authorization` header, from {fixed}")
        }
        AuthKind::ApiKey { name, cookie } => format!(
            "an API key in the `{name}` {}, from {fixed}",
            if *cookie { "cookie" } else { "query parameter" }
        ),
        AuthKind::Custom { what } => format!(
            "{what}, which this client does not implement: give the client builder your own `meterage_runtime::Authorize`"
        ),
        AuthKind::LoginToken(LoginToken {
            header,
            login: op,
            lifetime_seconds,
            expires_in,
            ..
        }) => format!(
            "a token in the `{header}` header, obtained by logging in with `{}` ({login}; renewed {}when refused), or a token of your own ({fixed})",
            op.id,
            if lifetime_seconds.is_some() || expires_in.is_some() {
                "before it expires and "
            } else {
                ""
            }
        ),
        AuthKind::KeystonePassword(KeystonePassword { header, .. }) => format!(
            "an IAM token in the `{header}` header, obtained with a password ({login}; renewed before it expires), or a token of your own ({fixed})"
        ),
        AuthKind::SdkHmacSha256(_) => {
            format!("requests signed with an access key pair, `SDK-HMAC-SHA256`, from {fixed}")
        }
        AuthKind::RpcSignatureV1(_) => {
            format!("requests signed with an access key pair, RPC signature v1 (HMAC-SHA1), from {fixed}")
        }
        AuthKind::AwsSigv4(AwsSigv4 { service, .. }) => format!(
            "requests signed with an access key pair, AWS Signature Version 4 for service `{service}`, from {fixed}"
        ),
        AuthKind::DjangoSession(DjangoSession { login: op, .. }) => format!(
            "a console session (cookies and CSRF token) opened by logging in with `{}`, from {fixed}",
            op.id
        ),
        AuthKind::Oauth2ClientCredentials(Oauth2ClientCredentials { token_url, .. }) => format!(
            "an OAuth 2.0 access token as a bearer token in the `Authorization` header, obtained with a client id and secret from `{token_url}` ({login}; renewed before it expires), or a token of your own ({fixed})"
        ),
    }
}

/// The constructors (and sign-in spec) of one scheme.
fn emit_scheme(scheme: &AuthScheme) -> TokenStream {
    let name = ident(&scheme.fn_name);
    let key = &scheme.key;
    let doc = |what: &str| docs(&paragraphs([scheme.description.as_deref(), Some(what)]));
    let fixed_token = |header: &str| {
        let doc = doc(&format!(
            "Sends `token` in the `{header}` header of every request (security scheme `{key}`)."
        ));
        quote! {
            #doc
            pub fn #name(token: impl Into<meterage_runtime::Secret>) -> meterage_runtime::HeaderToken {
                meterage_runtime::HeaderToken::new(#header, token)
            }
        }
    };
    match &scheme.kind {
        AuthKind::HeaderToken(HeaderToken { header, .. }) => fixed_token(header),
        AuthKind::Oauth2ClientCredentials(Oauth2ClientCredentials {
            token_url,
            scope,
            form,
            stale_codes,
            ..
        }) => {
            let spec = spec_static(scheme);
            let login_fn = login_fn(scheme);
            let fixed_doc = doc(&format!(
                "Sends `Authorization: Bearer <token>` on every request, with an access token you obtained (security scheme `{key}`)."
            ));
            let scope_doc = match scope {
                Some(scope) => format!(", scope `{scope}`"),
                None => String::new(),
            };
            let spec_doc = docs(&format!(
                "How security scheme `{key}` obtains its token: the OAuth 2.0 client credentials grant at `{token_url}`{scope_doc}."
            ));
            let login_doc = doc(&format!(
                "Obtains an access token for `client` by the OAuth 2.0 client credentials grant at `{token_url}` before the first call, sends it as `Authorization: Bearer <token>` on every request, renews it before it expires and again (once) when the API refuses it; concurrent calls share one sign-in (security scheme `{key}`). Set `.tenant(..)` (or `.variable(name, value)`) for the token URL's variables, `.scope(..)`, `.authority_host(..)` (another cloud's sign-in host) or `.token_endpoint(..)` on the result to change them."
            ));
            let scope = match scope {
                Some(scope) => quote! { Some(#scope) },
                None => quote! { None },
            };
            let (names, values): (Vec<_>, Vec<_>) = form.iter().unzip();
            quote! {
                #fixed_doc
                pub fn #name(token: impl Into<meterage_runtime::Secret>) -> meterage_runtime::HeaderToken {
                    meterage_runtime::HeaderToken::bearer(token)
                }

                #spec_doc
                pub static #spec: meterage_runtime::auth::OAuth2Spec = meterage_runtime::auth::OAuth2Spec {
                    token_url: #token_url,
                    scope: #scope,
                    form: &[#((#names, #values)),*],
                    stale_codes: &[#(#stale_codes),*],
                };

                #login_doc
                pub fn #login_fn(
                    client: meterage_runtime::auth::ClientCredentials,
                ) -> meterage_runtime::auth::OAuth2Auth {
                    meterage_runtime::auth::OAuth2ClientCredentials::bearer(&#spec, client)
                }
            }
        }
        AuthKind::Bearer { source } => {
            let obtain = match source.as_str() {
                "http" => String::new(),
                other => format!(" The spec declares an `{other}` scheme: obtain the access token from the provider (its flows are yours to run) and pass it here; build a `TokenAuth` with your own provider to renew it."),
            };
            let doc = doc(&format!(
                "Sends `Authorization: Bearer <token>` on every request (security scheme `{key}`).{obtain}"
            ));
            quote! {
                #doc
                pub fn #name(token: impl Into<meterage_runtime::Secret>) -> meterage_runtime::HeaderToken {
                    meterage_runtime::HeaderToken::bearer(token)
                }
            }
        }
        AuthKind::Basic => {
            let doc = doc(&format!(
                "Sends `Authorization: Basic` with `username` and `password` on every request (security scheme `{key}`)."
            ));
            quote! {
                #doc
                pub fn #name(username: &str, password: impl Into<meterage_runtime::Secret>) -> meterage_runtime::HeaderToken {
                    meterage_runtime::HeaderToken::basic(username, password)
                }
            }
        }
        AuthKind::ApiKey {
            name: param,
            cookie,
        } => {
            let (place, word) = if *cookie {
                (quote! { Cookie }, "cookie")
            } else {
                (quote! { Query }, "query parameter")
            };
            let doc = doc(&format!(
                "Sends `key` as the `{param}` {word} of every request (security scheme `{key}`)."
            ));
            quote! {
                #doc
                pub fn #name(key: impl Into<meterage_runtime::Secret>) -> meterage_runtime::auth::ApiKey {
                    meterage_runtime::auth::ApiKey::new(meterage_runtime::auth::KeyPlace::#place, #param, key)
                }
            }
        }
        AuthKind::Custom { .. } => TokenStream::new(),
        AuthKind::LoginToken(LoginToken {
            header,
            login,
            credentials,
            json_body,
            token,
            logout,
            logout_token_field,
            stale_codes,
            values,
            prefix,
            lifetime: lifetime_text,
            lifetime_seconds,
            expires_in,
            parameters,
            ..
        }) => {
            let (username_field, password_field) = (&credentials.username, &credentials.password);
            let prefix = prefix.as_deref().unwrap_or_default();
            let fixed = if prefix.is_empty() {
                fixed_token(header)
            } else {
                let doc = doc(&format!(
                    "Sends `token` in the `{header}` header of every request, after `{prefix}` (security scheme `{key}`)."
                ));
                quote! {
                    #doc
                    pub fn #name(token: impl Into<meterage_runtime::Secret>) -> meterage_runtime::HeaderToken {
                        meterage_runtime::HeaderToken::new(#header, token).with_prefix(#prefix)
                    }
                }
            };
            let field = |value: &LoginValue| {
                let place = match value.location {
                    Location::Path => quote! { Path },
                    Location::Query => quote! { Query },
                    Location::Header => quote! { Header },
                    _ => quote! { Body },
                };
                let name = &value.name;
                quote! {
                    meterage_runtime::auth::LoginField {
                        place: meterage_runtime::auth::LoginPlace::#place,
                        name: #name,
                    }
                }
            };
            let constants = values.iter().filter_map(|v| {
                let field = field(v);
                v.constant.as_ref().map(|c| quote! { (#field, #c) })
            });
            let caller = values.iter().filter(|v| v.constant.is_none()).map(field);
            let lifetime = match lifetime_seconds {
                Some(seconds) => quote! { Some(std::time::Duration::from_secs(#seconds)) },
                None => quote! { None },
            };
            let expires = match expires_in {
                Some(pointer) => quote! { Some(#pointer) },
                None => quote! { None },
            };
            let spec = spec_static(scheme);
            let login_fn = login_fn(scheme);
            let login_op = operation_ref(login);
            let logout = match logout {
                Some(op) => {
                    let op = operation_ref(op);
                    let field = match logout_token_field {
                        Some(field) => quote! { Some(#field) },
                        None => quote! { None },
                    };
                    quote! {
                        Some(meterage_runtime::auth::LogoutSpec {
                            operation: #op,
                            header: #header,
                            token_field: #field,
                        })
                    }
                }
                None => quote! { None },
            };
            let spec_doc = docs(&format!(
                "How security scheme `{key}` logs in: `{}` with the user name in `{username_field}` and the password in `{password_field}`, the token at `{token}` of the response.",
                login.id
            ));
            let renewal = match (lifetime_seconds, expires_in) {
                (_, Some(pointer)) => format!(
                    ", renews it before the lifetime at `{pointer}` of the answer runs out{}",
                    lifetime_text
                        .as_ref()
                        .map_or(String::new(), |l| format!(" (else {l})"))
                ),
                (Some(_), None) => format!(
                    ", renews it before its lifetime of {} runs out",
                    lifetime_text.as_deref().unwrap_or_default()
                ),
                (None, None) => String::new(),
            };
            let after = if prefix.is_empty() {
                String::new()
            } else {
                format!(" after `{prefix}`")
            };
            let setters = if parameters.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = parameters
                    .iter()
                    .map(|p| format!("`.parameter(\"{p}\", ..)`"))
                    .collect();
                format!(" Set the login's {} on the result.", names.join(", "))
            };
            let login_doc = doc(&format!(
                "Logs in with `credentials` through `{}` before the first call, sends the token in the `{header}` header of every request{after}{renewal}, and logs in again (once) when the server refuses it (HTTP 401{}); concurrent calls share one login (security scheme `{key}`).{setters}",
                login.id,
                if stale_codes.is_empty() {
                    String::new()
                } else {
                    format!(" or vendor code {}", stale_codes.join(", "))
                }
            ));
            quote! {
                #fixed

                #spec_doc
                pub static #spec: meterage_runtime::auth::LoginTokenSpec = meterage_runtime::auth::LoginTokenSpec {
                    login: #login_op,
                    json_body: #json_body,
                    username_field: #username_field,
                    password_field: #password_field,
                    constants: &[#(#constants),*],
                    parameters: &[#(#caller),*],
                    token: #token,
                    prefix: #prefix,
                    lifetime: #lifetime,
                    expires_in: #expires,
                    stale_codes: &[#(#stale_codes),*],
                    logout: #logout,
                };

                #login_doc
                pub fn #login_fn(
                    credentials: meterage_runtime::auth::UsernamePassword,
                ) -> meterage_runtime::auth::TokenAuth<meterage_runtime::auth::LoginToken> {
                    meterage_runtime::auth::LoginToken::in_header(#header, &#spec, credentials)
                }
            }
        }
        AuthKind::KeystonePassword(KeystonePassword {
            header,
            login,
            endpoint,
            default_region,
            token_header,
            stale_codes,
            ..
        }) => {
            let fixed = fixed_token(header);
            let spec = spec_static(scheme);
            let login_fn = login_fn(scheme);
            let login_op = operation_ref(login);
            let spec_doc = docs(&format!(
                "How security scheme `{key}` obtains its token: `{}` at `{endpoint}` (region `{default_region}` unless set), the token in the `{token_header}` response header.",
                login.id
            ));
            let login_doc = doc(&format!(
                "Obtains an IAM token for `user` through `{}` before the first call, sends it in the `{header}` header of every request, renews it before it expires and again (once) when the service refuses it; concurrent calls share one sign-in (security scheme `{key}`). Set `.region(..)`, `.project_id(..)` or `.iam_endpoint(..)` on the result to change the scope or the endpoint.",
                login.id
            ));
            quote! {
                #fixed

                #spec_doc
                pub static #spec: meterage_runtime::auth::KeystoneSpec = meterage_runtime::auth::KeystoneSpec {
                    login: #login_op,
                    endpoint: #endpoint,
                    default_region: #default_region,
                    token_header: #token_header,
                    stale_codes: &[#(#stale_codes),*],
                };

                #login_doc
                pub fn #login_fn(
                    user: meterage_runtime::auth::KeystoneUser,
                ) -> meterage_runtime::auth::TokenAuth<meterage_runtime::auth::KeystonePassword> {
                    meterage_runtime::auth::TokenAuth::with_provider(
                        #header,
                        meterage_runtime::auth::KeystonePassword::new(&#spec, user),
                    )
                }
            }
        }
        AuthKind::SdkHmacSha256(_) => {
            let doc = doc(&format!("Signs every request with the access key pair `key`, `SDK-HMAC-SHA256` (security scheme `{key}`). Add `.project_id(..)` for project-scoped calls; temporary keys carry their `security_token`."));
            quote! {
                #doc
                pub fn #name(key: meterage_runtime::auth::AccessKey) -> meterage_runtime::SdkHmacSha256 {
                    meterage_runtime::SdkHmacSha256::new(key)
                }
            }
        }
        AuthKind::RpcSignatureV1(_) => {
            let doc = doc(&format!("Adds the common RPC parameters and signs every request with the access key pair `key` (HMAC-SHA1), with a fresh nonce and timestamp each attempt (security scheme `{key}`); temporary keys carry their `security_token`, sent and signed as `SecurityToken`."));
            quote! {
                #doc
                pub fn #name(key: meterage_runtime::auth::AccessKey) -> meterage_runtime::RpcSignatureV1 {
                    meterage_runtime::RpcSignatureV1::new(key)
                }
            }
        }
        AuthKind::AwsSigv4(AwsSigv4 {
            service, region, ..
        }) => {
            let doc = doc(&format!("Signs every request with the access key pair `key`, AWS Signature Version 4 for service `{service}` in region `{region}` unless `.region(..)` sets another; a fresh `X-Amz-Date` and signature each attempt, and a temporary key's `security_token` sent and signed as `X-Amz-Security-Token` (security scheme `{key}`)."));
            quote! {
                #doc
                pub fn #name(key: meterage_runtime::auth::AccessKey) -> meterage_runtime::AwsSigv4 {
                    meterage_runtime::AwsSigv4::new(key, #service, #region)
                }
            }
        }
        AuthKind::DjangoSession(DjangoSession {
            open,
            login,
            csrf_cookie,
            session_cookie,
            csrf_header,
            csrf_field,
            credentials,
            ..
        }) => {
            let (username_field, password_field) = (&credentials.username, &credentials.password);
            let spec = spec_static(scheme);
            let open_op = operation_ref(open);
            let login_op = operation_ref(login);
            let spec_doc = docs(&format!(
                "How security scheme `{key}` logs in: `{}` for the `{csrf_cookie}` cookie, then `{}` with the form fields `{csrf_field}`, `{username_field}` and `{password_field}`.",
                open.id, login.id
            ));
            let doc = doc(&format!(
                "Opens a console session with `credentials` before the first call (`{}`, then `{}`), and sends its cookies, the `{csrf_header}` header, `Origin` and `Referer` with every request; logs in again (once) when the session ends (an HTML 403 or a redirect to the login page). A rejected password is an `Error::Auth` that says so (security scheme `{key}`). Add `.login_field(name, value)` for other login form fields.",
                open.id, login.id
            ));
            quote! {
                #spec_doc
                pub static #spec: meterage_runtime::auth::DjangoSessionSpec = meterage_runtime::auth::DjangoSessionSpec {
                    open: #open_op,
                    login: #login_op,
                    csrf_cookie: #csrf_cookie,
                    session_cookie: #session_cookie,
                    csrf_header: #csrf_header,
                    csrf_field: #csrf_field,
                    username_field: #username_field,
                    password_field: #password_field,
                };

                #doc
                pub fn #name(
                    credentials: meterage_runtime::auth::UsernamePassword,
                ) -> meterage_runtime::auth::DjangoSession {
                    meterage_runtime::auth::DjangoSession::new(&#spec, credentials)
                }
            }
        }
    }
}

/// `auth::from_env`: the first scheme (in `x-env` order, else spec order) whose
/// variables are all set. Not emitted when no scheme names its variables.
fn emit_from_env(api: &Api) -> TokenStream {
    let mut ordered: Vec<&AuthScheme> = api
        .env
        .auth_order
        .iter()
        .filter_map(|key| api.auth.iter().find(|scheme| &scheme.key == key))
        .collect();
    for scheme in &api.auth {
        if !ordered.iter().any(|s| s.key == scheme.key) {
            ordered.push(scheme);
        }
    }
    let mut branches = Vec::new();
    let mut alternatives = Vec::new();
    for scheme in ordered {
        let Some(required) = scheme.kind.required_env() else {
            continue;
        };
        alternatives.push(format!("{} ({})", required.join(", "), scheme.key));
        let build = from_env_scheme(scheme);
        branches.push(quote! {
            if env::all_set(&[#(#required),*]) {
                #build
            }
        });
    }
    if branches.is_empty() {
        return TokenStream::new();
    }
    let missing = format!(
        "no credentials in the environment: set {}",
        alternatives.join(", or ")
    );
    let doc = docs(&format!(
        "Credentials from the environment, for the first scheme whose variables are all set:\n{}\n\n# Errors\n\n`Error::Config` naming the variables when none of these is complete, or when a variable is not valid UTF-8.",
        alternatives
            .iter()
            .map(|a| format!("- {a}"))
            .collect::<Vec<_>>()
            .join("\n")
    ));
    quote! {
        #doc
        pub fn from_env() -> Result<std::sync::Arc<dyn meterage_runtime::Authorize>, meterage_runtime::Error> {
            use meterage_runtime::auth::env;
            #(#branches)*
            Err(meterage_runtime::Error::Config(#missing.to_owned()))
        }
    }
}

/// The body of one `from_env` branch: the scheme built from its variables.
fn from_env_scheme(scheme: &AuthScheme) -> TokenStream {
    let name = ident(&scheme.fn_name);
    let login = login_fn(scheme);
    let optional = |var: &Option<String>, apply: TokenStream| match var {
        Some(var) => quote! {
            if let Some(value) = env::var_opt(#var)? {
                auth = auth.#apply(value);
            }
        },
        None => TokenStream::new(),
    };
    match &scheme.kind {
        AuthKind::HeaderToken(HeaderToken { env: Some(env), .. }) => {
            let var = &env.token;
            quote! { return Ok(std::sync::Arc::new(#name(env::secret(#var)?))); }
        }
        AuthKind::LoginToken(LoginToken { env: Some(env), .. }) => {
            let (user, password) = (&env.username, &env.password);
            let (names, vars): (Vec<_>, Vec<_>) = env.parameters.iter().unzip();
            quote! {
                return Ok(std::sync::Arc::new(#login(meterage_runtime::auth::UsernamePassword {
                    username: env::var(#user)?,
                    password: env::secret(#password)?,
                })#(.parameter(#names, env::var(#vars)?))*));
            }
        }
        AuthKind::DjangoSession(DjangoSession { env: Some(env), .. }) => {
            let (user, password) = (&env.username, &env.password);
            quote! {
                return Ok(std::sync::Arc::new(#name(meterage_runtime::auth::UsernamePassword {
                    username: env::var(#user)?,
                    password: env::secret(#password)?,
                })));
            }
        }
        AuthKind::KeystonePassword(KeystonePassword { env: Some(env), .. }) => {
            let (user, password, domain) = (&env.username, &env.password, &env.domain);
            let region = optional(&env.region, quote! { region });
            let project = optional(&env.project_id, quote! { project_id });
            let endpoint = optional(&env.endpoint, quote! { iam_endpoint });
            quote! {
                let mut auth = #login(meterage_runtime::auth::KeystoneUser {
                    domain: env::var(#domain)?,
                    name: env::var(#user)?,
                    password: env::secret(#password)?,
                });
                #region
                #project
                #endpoint
                return Ok(std::sync::Arc::new(auth));
            }
        }
        AuthKind::Oauth2ClientCredentials(Oauth2ClientCredentials { env: Some(env), .. }) => {
            let (id, secret) = (&env.client_id, &env.client_secret);
            let tenant = match &env.tenant {
                Some(var) => quote! { Some(env::var(#var)?) },
                None => quote! { None },
            };
            let scope = optional(&env.scope, quote! { scope });
            let token_url = optional(&env.token_url, quote! { token_endpoint });
            let authority = optional(&env.authority_host, quote! { authority_host });
            let binding = if scope.is_empty() && token_url.is_empty() && authority.is_empty() {
                quote! { let auth }
            } else {
                quote! { let mut auth }
            };
            quote! {
                #binding = #login(meterage_runtime::auth::ClientCredentials {
                    tenant: #tenant,
                    client_id: env::var(#id)?,
                    client_secret: env::secret(#secret)?,
                });
                #scope
                #authority
                #token_url
                return Ok(std::sync::Arc::new(auth));
            }
        }
        AuthKind::SdkHmacSha256(KeyPair { env: Some(env) })
        | AuthKind::RpcSignatureV1(KeyPair { env: Some(env) }) => {
            let (id, secret) = (&env.access_key, &env.secret_key);
            let token = match &env.security_token {
                Some(var) => quote! { Some(#var) },
                None => quote! { None },
            };
            let project = match (&scheme.kind, &env.project_id) {
                (AuthKind::SdkHmacSha256(_), Some(_)) => {
                    optional(&env.project_id, quote! { project_id })
                }
                _ => TokenStream::new(),
            };
            let binding = if project.is_empty() {
                quote! { let auth }
            } else {
                quote! { let mut auth }
            };
            quote! {
                #binding = #name(meterage_runtime::auth::AccessKey::from_env(#id, #secret, #token)?);
                #project
                return Ok(std::sync::Arc::new(auth));
            }
        }
        AuthKind::AwsSigv4(AwsSigv4 { env: Some(env), .. }) => {
            let (id, secret) = (&env.access_key, &env.secret_key);
            let token = match &env.session_token {
                Some(var) => quote! { Some(#var) },
                None => quote! { None },
            };
            let region = optional(&env.region, quote! { region });
            let binding = if region.is_empty() {
                quote! { let auth }
            } else {
                quote! { let mut auth }
            };
            quote! {
                #binding = #name(meterage_runtime::auth::AccessKey::from_env(#id, #secret, #token)?);
                #region
                return Ok(std::sync::Arc::new(auth));
            }
        }
        AuthKind::HeaderToken(HeaderToken { env: None, .. })
        | AuthKind::AwsSigv4(AwsSigv4 { env: None, .. })
        | AuthKind::LoginToken(LoginToken { env: None, .. })
        | AuthKind::DjangoSession(DjangoSession { env: None, .. })
        | AuthKind::KeystonePassword(KeystonePassword { env: None, .. })
        | AuthKind::SdkHmacSha256(KeyPair { env: None })
        | AuthKind::RpcSignatureV1(KeyPair { env: None })
        | AuthKind::Oauth2ClientCredentials(Oauth2ClientCredentials { env: None, .. })
        | AuthKind::Bearer { .. }
        | AuthKind::Basic
        | AuthKind::ApiKey { .. }
        | AuthKind::Custom { .. } => TokenStream::new(),
    }
}

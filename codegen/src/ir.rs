//! The intermediate representation: one API, as the emitter needs it.
//!
//! The IR is plain data. It holds no openapiv3 and no proc-macro2 types: lowering
//! ([`crate::lower`]) makes every decision that needs the spec (names, types, constants,
//! constraints, vendor extensions), and emitting ([`crate::emit`]) only writes Rust.
//! Every list is in spec order, so output is deterministic. Rust names are
//! [`Ident`]s, made and kept unique by lowering.
//!
//! One part of it is also the spec's shape: the settings of each `x-auth-scheme` kind
//! are read by serde straight into its variant of [`AuthKind`], which is where a kind is
//! declared (its name, its settings, and the list of kinds error messages give).

use serde::{Deserialize, Deserializer};

pub use crate::names::Ident;

/// One API: everything one generated module holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The spec file as named by the caller, for the preamble (`specs/huawei-gsl.yaml`).
    pub spec_path: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL, the client's default base URL.
    pub base_url: Option<String>,
    /// The spec-wide error envelope.
    pub envelope: Envelope,
    /// The environment variables `Client::from_env` reads (`x-env`).
    pub env: ClientEnv,
    /// The security schemes, in spec order.
    pub auth: Vec<AuthScheme>,
    /// The operations, in spec order.
    pub operations: Vec<Operation>,
    /// The generated types, addressed by [`TypeId`].
    pub types: Types,
}

/// A generated type: its index in [`Api::types`].
///
/// Types refer to each other by id, so a recursive schema or a `$ref` used in many
/// places is one type, not copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(u32);

impl TypeId {
    /// The position in the arena.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The arena of an API's generated types.
///
/// A type gets its id when lowering names it (before its fields are lowered, so that
/// it can refer to itself) and its definition when lowering finishes it. Types are
/// written in the order they were finished: component schemas in spec order, each after
/// the inline types its properties made, then the inline types of operations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Types {
    defs: Vec<TypeDef>,
    order: Vec<TypeId>,
}

impl Types {
    /// The type `id` names.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.index()]
    }

    /// Every type with its id, in the order they are written.
    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.order.iter().map(|&id| (id, self.get(id)))
    }

    /// How many types there are.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Gives `name` an id, to be defined later by [`Types::define`].
    pub(crate) fn reserve(&mut self, name: Ident) -> TypeId {
        let id = TypeId(u32::try_from(self.defs.len()).unwrap_or(u32::MAX));
        self.defs.push(TypeDef {
            name,
            doc: None,
            kind: TypeKind::Struct { fields: Vec::new() },
            usage: Usage::default(),
            same_as: None,
        });
        id
    }

    /// Keeps only the types `keep` accepts (their ids stay valid; the others are no
    /// longer written).
    pub(crate) fn retain(&mut self, keep: impl Fn(&TypeDef) -> bool) {
        let defs = &self.defs;
        self.order.retain(|id| keep(&defs[id.index()]));
    }

    /// Defines the type `id`, which is written after every type defined before it.
    pub(crate) fn define(&mut self, id: TypeId, doc: Option<String>, kind: TypeKind) {
        let def = &mut self.defs[id.index()];
        def.doc = doc;
        def.kind = kind;
        self.order.push(id);
    }

    /// The type `id` names, to change.
    pub(crate) fn get_mut(&mut self, id: TypeId) -> &mut TypeDef {
        &mut self.defs[id.index()]
    }
}

impl std::ops::Index<TypeId> for Types {
    type Output = TypeDef;

    fn index(&self, id: TypeId) -> &TypeDef {
        self.get(id)
    }
}

/// Where a vendor puts its error code and message (`x-error-envelope`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    /// JSON pointers to the vendor error code, tried in order.
    pub code: Vec<String>,
    /// JSON pointers to the error message.
    pub message: Vec<String>,
    /// JSON pointers to the request id.
    pub request_id: Vec<String>,
    /// A response header carrying the request id.
    pub request_id_header: Option<String>,
    /// How a 2xx body reports a failure.
    pub success: SuccessRule,
    /// Vendor codes meaning "busy, try again later".
    pub transient: Vec<String>,
    /// Vendor codes that are final even on a status retried by default (`final`).
    pub final_codes: Vec<String>,
    /// Vendor codes saying the credentials were refused (`credentials`).
    pub credentials: Vec<String>,
    /// Statuses saying the credentials were refused (`credential-statuses`).
    pub credential_statuses: Vec<u16>,
    /// Statuses retried besides the runtime's default table (`transient-statuses`).
    pub transient_statuses: Vec<u16>,
    /// Statuses of the default table this API means as final (`final-statuses`).
    pub final_statuses: Vec<u16>,
}

/// How a 2xx body reports a failure (`x-error-envelope` `success`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SuccessRule {
    /// The HTTP status alone decides.
    #[default]
    Status,
    /// A code present and not one of these is a failure.
    Codes(Vec<String>),
    /// Any code present is a failure.
    NoCode,
}

/// The environment variables of `Client::from_env` (`x-env`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientEnv {
    /// The variables that may hold the base URL, the first set winning (none: the spec's
    /// server, which is then required).
    pub base_url: Vec<String>,
    /// The security scheme keys to try, in order (default: spec order).
    pub auth_order: Vec<String>,
}

/// A security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthScheme {
    /// The scheme's key in `components.securitySchemes` (`iamToken`).
    pub key: String,
    /// The snake_case name of its constructor (`iam_token`).
    pub fn_name: Ident,
    /// The scheme's description.
    pub description: Option<String>,
    /// What the runtime does.
    pub kind: AuthKind,
}

/// What an auth scheme does, as the runtime implements it.
///
/// This enum declares the `kind`s of `x-auth-scheme` (docs/spec-extensions.md): each
/// variant that is not `#[serde(skip)]` is one, named by its variant in kebab-case
/// (`LoginToken` is `login-token`), with its settings the fields of its struct. Lowering
/// reads an `x-auth-scheme` with this enum's `Deserialize`, and [`AuthKind::declared`]
/// lists the kinds from the same derive, so a kind's name is written nowhere else. The
/// skipped variants are what the other security schemes lower to.
// An API has a handful of schemes, each read once: the size of the largest kind's
// settings costs nothing, and boxing it would cost every `match` its patterns.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AuthKind {
    /// A fixed token in a header (`header-token`, the default of `apiKey` in a header).
    HeaderToken(HeaderToken),
    /// A token from a login call, in a header (`login-token`).
    LoginToken(LoginToken),
    /// An IAM token obtained with a password, OpenStack Keystone v3 style
    /// (`keystone-password`).
    KeystonePassword(KeystonePassword),
    /// Huawei Cloud AK/SK signing (`sdk-hmac-sha256`).
    SdkHmacSha256(KeyPair),
    /// Alibaba Cloud RPC signature v1 (`rpc-signature-v1`).
    RpcSignatureV1(KeyPair),
    /// AWS Signature Version 4 (`aws-sigv4`).
    AwsSigv4(AwsSigv4),
    /// A Django console session (`django-session`).
    DjangoSession(DjangoSession),
    /// An OAuth 2.0 access token by the client credentials grant, as a bearer token
    /// (`oauth2-client-credentials`; also what an `oauth2` scheme with a
    /// `clientCredentials` flow lowers to). Spelt `Oauth2`, so that serde's kebab case
    /// of the variant is the kind's name.
    Oauth2ClientCredentials(Oauth2ClientCredentials),
    /// `Authorization: Bearer <token>`: HTTP `bearer`, or the access token of an
    /// `oauth2` or `openIdConnect` scheme, which the caller obtains.
    #[serde(skip)]
    Bearer {
        /// The scheme's `type` (`http`, `oauth2`, `openIdConnect`), for the docs.
        source: String,
    },
    /// `Authorization: Basic <user:password>` (HTTP `basic`).
    #[serde(skip)]
    Basic,
    /// An API key in the query string or a cookie.
    #[serde(skip)]
    ApiKey {
        /// The parameter or cookie name.
        name: String,
        /// `true` for a cookie, `false` for the query.
        cookie: bool,
    },
    /// A scheme the generator cannot implement (an HTTP scheme other than bearer and
    /// basic, such as `digest`): the caller supplies an `Authorize`.
    #[serde(skip)]
    Custom {
        /// What the spec declares, for the docs.
        what: String,
    },
}

/// `header-token`: a fixed token in the scheme's header.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderToken {
    /// The header the token is sent in: the scheme's `name`, set by lowering.
    #[serde(skip)]
    pub header: String,
    /// The variable holding the token, for `from_env`.
    #[serde(default)]
    pub env: Option<TokenEnv>,
}

/// `login-token`: a token from a login call, in the scheme's header.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LoginToken {
    /// The header the token is sent in: the scheme's `name`, set by lowering.
    #[serde(skip)]
    pub header: String,
    /// The login operation.
    pub login: OpRef,
    /// The login body fields taking the user name and the password.
    pub credentials: Credentials,
    /// Whether the login body is JSON (else a form), set by lowering from the login
    /// operation.
    #[serde(skip)]
    pub json_body: bool,
    /// A JSON pointer to the token in the login response.
    pub token: String,
    /// Constant values of the login call, by the wire name of a parameter or body
    /// property of the login operation (`grant_type: password`), in spec order.
    #[serde(default)]
    pub fields: indexmap::IndexMap<String, String>,
    /// Parameters or body properties of the login operation the caller fills
    /// (`tenantId`), in spec order.
    #[serde(default)]
    pub parameters: Vec<String>,
    /// Written before the token in the header (`"Bearer "`).
    #[serde(default)]
    pub prefix: Option<String>,
    /// How long a token is valid (`30m`, `1h`, `3600s`, `3600`), as written.
    #[serde(default)]
    pub lifetime: Option<String>,
    /// A JSON pointer to the token's lifetime in seconds in the login response.
    #[serde(default)]
    pub expires_in: Option<String>,
    /// `lifetime` in seconds, set by lowering.
    #[serde(skip)]
    pub lifetime_seconds: Option<u64>,
    /// Every value of the login call besides the credentials, set by lowering: the
    /// constants of the operation and of `fields`, then `parameters`.
    #[serde(skip)]
    pub values: Vec<LoginValue>,
    /// The logout operation.
    #[serde(default)]
    pub logout: Option<OpRef>,
    /// The JSON body field of the logout call taking the token, if any.
    #[serde(default)]
    pub logout_token_field: Option<String>,
    /// Vendor codes meaning "token expired".
    #[serde(default)]
    pub stale_codes: Vec<String>,
    /// The variables holding the user name, the password and the parameters.
    #[serde(default)]
    pub env: Option<LoginEnv>,
}

/// A value of a login call besides the credentials: a constant, or a parameter the
/// caller fills (`login-token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginValue {
    /// Where it goes (a path, query or header parameter, or a body field).
    pub location: Location,
    /// Its wire name.
    pub name: String,
    /// The constant sent, or `None` for a parameter the caller fills.
    pub constant: Option<String>,
}

/// `keystone-password`: an IAM token obtained with a password, in the scheme's header.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KeystonePassword {
    /// The header the token is sent in: the scheme's `name`, set by lowering.
    #[serde(skip)]
    pub header: String,
    /// The token operation.
    pub login: OpRef,
    /// The IAM endpoint with `{region}` where the region goes (without a trailing `/`
    /// once lowered).
    pub endpoint: String,
    /// The region (project name) used unless the caller sets one.
    pub default_region: String,
    /// The response header carrying the token (`X-Subject-Token` unless the spec says).
    #[serde(
        default = "subject_token_header",
        deserialize_with = "or_subject_token_header"
    )]
    pub token_header: String,
    /// Vendor codes meaning "token expired".
    #[serde(default)]
    pub stale_codes: Vec<String>,
    /// The variables of `from_env`.
    #[serde(default)]
    pub env: Option<KeystoneEnv>,
}

/// `oauth2-client-credentials`: an OAuth 2.0 access token by the client credentials
/// grant (RFC 6749 §4.4), sent as `Authorization: Bearer <token>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Oauth2ClientCredentials {
    /// The token endpoint, an absolute URL with `{name}` where a variable goes
    /// (`https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`).
    pub token_url: String,
    /// The `scope` asked for unless the caller sets one; none is sent without it.
    #[serde(default)]
    pub scope: Option<String>,
    /// Constant form fields sent after the standard ones, in spec order.
    #[serde(default)]
    pub form: indexmap::IndexMap<String, String>,
    /// Vendor codes meaning "token expired" (besides HTTP 401).
    #[serde(default)]
    pub stale_codes: Vec<String>,
    /// The variables of `from_env`.
    #[serde(default)]
    pub env: Option<OauthClientEnv>,
}

/// The response header Keystone sends a new token in.
fn subject_token_header() -> String {
    "X-Subject-Token".to_owned()
}

/// `token-header`, where `null` means the default.
fn or_subject_token_header<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_else(subject_token_header))
}

/// `sdk-hmac-sha256` and `rpc-signature-v1`: requests signed with an access key pair.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPair {
    /// The variables of `from_env`.
    #[serde(default)]
    pub env: Option<KeyEnv>,
}

/// `aws-sigv4`: requests signed with an access key pair, AWS Signature Version 4.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSigv4 {
    /// The signing name of the service (`ce` for Cost Explorer).
    pub service: String,
    /// The region signed for unless the caller (or the environment) sets one.
    pub region: String,
    /// The variables of `from_env`.
    #[serde(default)]
    pub env: Option<AwsEnv>,
}

/// `django-session`: a console session opened with a login form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DjangoSession {
    /// The operation that opens the console (sets the CSRF cookie).
    pub open: OpRef,
    /// The login form operation.
    pub login: OpRef,
    /// The CSRF cookie.
    pub csrf_cookie: String,
    /// The session cookie.
    pub session_cookie: String,
    /// The CSRF header.
    pub csrf_header: String,
    /// The login form field carrying the CSRF token.
    pub csrf_field: String,
    /// The login form fields taking the user name and the password.
    pub credentials: Credentials,
    /// The variables holding the user name and password.
    #[serde(default)]
    pub env: Option<UserEnv>,
}

impl AuthKind {
    /// The `kind`s of `x-auth-scheme`, in declaration order: the variants this enum's
    /// `Deserialize` accepts, as it spells them.
    pub fn declared() -> &'static [&'static str] {
        crate::probe::variants::<AuthKind>("kind")
    }

    /// The settings of the kind `kind` (one of [`AuthKind::declared`]): the keys its
    /// `x-auth-scheme` mapping takes besides `kind`, a nested mapping's keys as
    /// `env.username`, as the kind's type declares them.
    pub fn settings(kind: &'static str) -> Vec<String> {
        crate::probe::keys::<AuthKind>("kind", kind)
    }

    /// The header the token is sent in, for the kinds that send one in the scheme's
    /// `name` header.
    pub(crate) fn header_mut(&mut self) -> Option<&mut String> {
        match self {
            AuthKind::HeaderToken(HeaderToken { header, .. })
            | AuthKind::LoginToken(LoginToken { header, .. })
            | AuthKind::KeystonePassword(KeystonePassword { header, .. }) => Some(header),
            AuthKind::SdkHmacSha256(_)
            | AuthKind::RpcSignatureV1(_)
            | AuthKind::AwsSigv4(_)
            | AuthKind::DjangoSession(_)
            | AuthKind::Oauth2ClientCredentials(_)
            | AuthKind::Bearer { .. }
            | AuthKind::Basic
            | AuthKind::ApiKey { .. }
            | AuthKind::Custom { .. } => None,
        }
    }

    /// The operations the scheme names, each with the setting that names it (`login`,
    /// `logout`, `open`).
    pub(crate) fn operations_mut(&mut self) -> Vec<(&'static str, &mut OpRef)> {
        match self {
            AuthKind::LoginToken(LoginToken { login, logout, .. }) => {
                let mut ops = vec![("login", login)];
                ops.extend(logout.as_mut().map(|op| ("logout", op)));
                ops
            }
            AuthKind::KeystonePassword(KeystonePassword { login, .. }) => vec![("login", login)],
            AuthKind::DjangoSession(DjangoSession { open, login, .. }) => {
                vec![("open", open), ("login", login)]
            }
            AuthKind::HeaderToken(_)
            | AuthKind::SdkHmacSha256(_)
            | AuthKind::RpcSignatureV1(_)
            | AuthKind::AwsSigv4(_)
            | AuthKind::Oauth2ClientCredentials(_)
            | AuthKind::Bearer { .. }
            | AuthKind::Basic
            | AuthKind::ApiKey { .. }
            | AuthKind::Custom { .. } => Vec::new(),
        }
    }

    /// The login operation and the fields of its body that take the user name and the
    /// password, for the kinds that sign in with them.
    pub fn credentials(&self) -> Option<(&OpRef, &Credentials)> {
        match self {
            AuthKind::LoginToken(LoginToken {
                login, credentials, ..
            })
            | AuthKind::DjangoSession(DjangoSession {
                login, credentials, ..
            }) => Some((login, credentials)),
            AuthKind::HeaderToken(_)
            | AuthKind::KeystonePassword(_)
            | AuthKind::SdkHmacSha256(_)
            | AuthKind::RpcSignatureV1(_)
            | AuthKind::AwsSigv4(_)
            | AuthKind::Oauth2ClientCredentials(_)
            | AuthKind::Bearer { .. }
            | AuthKind::Basic
            | AuthKind::ApiKey { .. }
            | AuthKind::Custom { .. } => None,
        }
    }

    /// The environment variables `from_env` needs for this scheme, or `None` when the
    /// spec names none.
    pub fn required_env(&self) -> Option<Vec<&str>> {
        match self {
            AuthKind::HeaderToken(HeaderToken { env, .. }) => {
                env.as_ref().map(|env| vec![env.token.as_str()])
            }
            AuthKind::LoginToken(LoginToken { env, .. }) => env.as_ref().map(|env| {
                let mut vars = vec![env.username.as_str(), env.password.as_str()];
                vars.extend(env.parameters.values().map(String::as_str));
                vars
            }),
            AuthKind::DjangoSession(DjangoSession { env, .. }) => env
                .as_ref()
                .map(|env| vec![env.username.as_str(), env.password.as_str()]),
            AuthKind::KeystonePassword(KeystonePassword { env, .. }) => env.as_ref().map(|env| {
                let mut vars = vec![
                    env.username.as_str(),
                    env.password.as_str(),
                    env.domain.as_str(),
                ];
                vars.extend(env.endpoint.as_deref());
                vars
            }),
            AuthKind::SdkHmacSha256(KeyPair { env })
            | AuthKind::RpcSignatureV1(KeyPair { env }) => env
                .as_ref()
                .map(|env| vec![env.access_key.as_str(), env.secret_key.as_str()]),
            AuthKind::AwsSigv4(AwsSigv4 { env, .. }) => env
                .as_ref()
                .map(|env| vec![env.access_key.as_str(), env.secret_key.as_str()]),
            AuthKind::Oauth2ClientCredentials(Oauth2ClientCredentials { env, .. }) => {
                env.as_ref().map(|env| {
                    let mut vars = vec![env.client_id.as_str(), env.client_secret.as_str()];
                    vars.extend(env.tenant.as_deref());
                    vars
                })
            }
            AuthKind::Bearer { .. }
            | AuthKind::Basic
            | AuthKind::ApiKey { .. }
            | AuthKind::Custom { .. } => None,
        }
    }
}

/// An operation named by an auth scheme (by its `operationId` in the spec).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub struct OpRef {
    /// The `operationId`.
    pub id: String,
    /// Its request builder type, filled in once operations are lowered.
    pub builder: Option<Ident>,
}

impl From<String> for OpRef {
    fn from(id: String) -> Self {
        OpRef { id, builder: None }
    }
}

/// The body fields of a login call that take the user name and the password
/// (`credentials`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The field taking the user name.
    pub username: String,
    /// The field taking the password.
    pub password: String,
}

/// The environment variable of a fixed token (`env` of `header-token`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEnv {
    /// The token.
    pub token: String,
}

/// The environment variables of the kinds that sign in with a user name and password.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEnv {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

/// The environment variables of `login-token`: the credentials, and a variable per
/// login parameter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginEnv {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
    /// The variable of each login parameter, by the parameter's name.
    #[serde(default)]
    pub parameters: indexmap::IndexMap<String, String>,
}

/// The environment variables of a key-pair scheme.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KeyEnv {
    /// The access key id.
    pub access_key: String,
    /// The secret key.
    pub secret_key: String,
    /// The security token of temporary keys (optional).
    #[serde(default)]
    pub security_token: Option<String>,
    /// The project id to send (optional).
    #[serde(default)]
    pub project_id: Option<String>,
}

/// The environment variables of an `aws-sigv4` scheme.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AwsEnv {
    /// The access key id (`AWS_ACCESS_KEY_ID`).
    pub access_key: String,
    /// The secret access key (`AWS_SECRET_ACCESS_KEY`).
    pub secret_key: String,
    /// The session token of temporary credentials (optional; `AWS_SESSION_TOKEN`).
    #[serde(default)]
    pub session_token: Option<String>,
    /// The region, instead of the spec's (optional; `AWS_REGION`).
    #[serde(default)]
    pub region: Option<String>,
}

/// The environment variables of a Keystone password scheme.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KeystoneEnv {
    /// The IAM endpoint (required when named).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
    /// The account (domain) name.
    pub domain: String,
    /// The region (optional; the scheme's default region otherwise).
    #[serde(default)]
    pub region: Option<String>,
    /// The project id (optional).
    #[serde(default)]
    pub project_id: Option<String>,
}

/// The environment variables of an OAuth 2.0 client (`oauth2-client-credentials`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OauthClientEnv {
    /// The tenant, for the token URL's `{tenant}` (required when named).
    #[serde(default)]
    pub tenant: Option<String>,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// The scope (optional; the scheme's otherwise).
    #[serde(default)]
    pub scope: Option<String>,
    /// The token URL (optional; the scheme's otherwise).
    #[serde(default)]
    pub token_url: Option<String>,
    /// The authority host (optional): replaces the scheme, host and port of the token
    /// URL, as Azure's SDKs read `AZURE_AUTHORITY_HOST`.
    #[serde(default)]
    pub authority_host: Option<String>,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
}

/// The intermediate representation of an operation that will become a client method
/// and a request builder.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: String,
    /// The client method (`list_sim_pools`).
    pub method_name: Ident,
    /// The builder type (`ListSimPools`).
    pub builder_name: Ident,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// The HTTP method.
    pub http_method: Method,
    /// The URL path template, with any `#fragment` of the path key removed.
    pub path: String,
    /// An operation-level server URL.
    pub server: Option<String>,
    /// The RPC action this operation sends (`x-rpc-action`).
    pub rpc_action: Option<RpcAction>,
    /// Parameters and body properties, in spec order (parameters first).
    pub params: Vec<Param>,
    /// The request body's media type, if it has one.
    pub body: Option<BodyKind>,
    /// The body's `Content-Type` when it is not the one its kind implies
    /// (`application/merge-patch+json`, `text/csv`).
    pub content_type: Option<String>,
    /// The success response.
    pub response: SuccessResponse,
    /// Response examples, for the generated decoding tests.
    pub examples: Vec<Example>,
    /// The types of its error responses' bodies (every response but the success one
    /// that has a JSON schema), in spec order.
    pub error_bodies: Vec<TypeRef>,
    /// An operation-specific error envelope.
    pub envelope: Option<Envelope>,
    /// Page-number pagination (`x-pagination`).
    pub pagination: Option<Pagination>,
    /// Security scheme keys that apply (any one of them).
    pub security: Vec<String>,
    /// Whether the spec explicitly says the operation takes no credentials
    /// (`security: []` on the operation or inherited from the root).
    pub public: bool,
    /// Whether sending it twice does no more than sending it once: GET, HEAD, PUT,
    /// DELETE, OPTIONS, or `x-idempotent`.
    pub idempotent: bool,
    /// Whether its success body may carry a credential (a sign-in call, or a type with a
    /// `format: password` field).
    pub secret_response: bool,
    /// The vendor error codes it documents (`x-error-codes`), in spec order.
    pub error_codes: Vec<ErrorCode>,
    /// The name of its error code enum (`ListSimPoolsErrorCode`), when it documents codes:
    /// unique among the module's items, builders included.
    pub error_code_enum: Option<Ident>,
    /// The field of an unpaged success body holding the records (`x-records`).
    pub records: Option<RecordsField>,
    /// The wire names of the top-level record fields that identify a record
    /// (`x-record-key`), empty when the spec declares none.
    pub record_key: Vec<String>,
    /// The parameters carrying the period a listing covers (`x-period`).
    pub period: Option<Period>,
    /// How its records become FOCUS rows (`x-focus`).
    pub focus: Option<FocusMap>,
}

impl Operation {
    /// The type of one record the operation returns: a page's item for a paged
    /// operation, an element of the records field (`x-records`), else the success
    /// body, or the element of an array body.
    pub fn record_type(&self) -> Option<&TypeRef> {
        if let Some(pagination) = &self.pagination {
            return Some(&pagination.item_type);
        }
        if let Some(records) = &self.records {
            return Some(&records.item);
        }
        match self.response.ty.as_ref()? {
            TypeRef::Array(inner) => Some(inner),
            other => Some(other),
        }
    }
}

/// How a listing's records become FOCUS rows (`x-focus`), checked against its record
/// type.
#[derive(Debug, Clone, PartialEq)]
pub struct FocusMap {
    /// The offset of the records' local times from UTC, in seconds.
    pub time_zone_seconds: i32,
    /// The columns: FOCUS columns in FOCUS order, then `x_` columns in name order.
    pub columns: Vec<FocusColumn>,
}

/// One column of a [`FocusMap`].
#[derive(Debug, Clone, PartialEq)]
pub struct FocusColumn {
    /// The FOCUS column, or an `x_` name.
    pub name: String,
    /// The type of its values.
    pub ty: FocusType,
    /// Where its value comes from.
    pub source: FocusSource,
}

/// The type of a FOCUS column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusType {
    /// An exact decimal.
    Decimal,
    /// A UTC date-time.
    DateTime,
    /// Text.
    String,
    /// JSON.
    Json,
}

/// Where a FOCUS column's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum FocusSource {
    /// A record field by JSON pointer, with its conversions.
    Field {
        /// The JSON pointer.
        pointer: String,
        /// Vendor values to FOCUS values.
        map: Vec<(String, String)>,
        /// The value of an unlisted vendor value.
        default: Option<String>,
        /// The `time` format of a date-time field.
        format: Option<String>,
        /// An exact factor for a decimal.
        multiply: Option<String>,
        /// Whether the time is the inclusive last instant at the format's precision.
        end_inclusive: bool,
    },
    /// A constant.
    Value(String),
    /// The first instant of a field's month, or of the next month.
    Month {
        /// The JSON pointer.
        pointer: String,
        /// The `time` format of the field.
        format: String,
        /// Whether it is the next month's first instant.
        next: bool,
    },
    /// Always null, for the reason given.
    Unavailable(String),
}

/// The array field of an unpaged success body that holds the records (`x-records`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordsField {
    /// The field's Rust name.
    pub field: Ident,
    /// Whether it is optional (absent: no records).
    pub optional: bool,
    /// The type of one record.
    pub item: TypeRef,
}

/// The parameters carrying a listing's period (`x-period`), by setter name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The parameter of the start (or of the month, without `end`).
    pub start: Ident,
    /// The parameter of the end, if any.
    pub end: Option<Ident>,
    /// How a time is written in them, as a `time` crate format description.
    pub format: String,
    /// Whether the end is the period's last instant rather than the next one's first.
    pub end_inclusive: bool,
}

/// A vendor error code an operation documents (`x-error-codes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code as the vendor sends it (`ProductTypeIsInvalid`, `GSL.00010004`).
    pub code: String,
    /// Its variant in the operation's error code enum.
    pub variant: Ident,
    /// What it means, if the spec says.
    pub description: Option<String>,
}

/// The action parameter of an RPC operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcAction {
    /// Where it goes.
    pub location: Location,
    /// Its wire name (`Action`).
    pub name: String,
    /// Its value (`DescribeFlowBills`).
    pub value: String,
}

impl RpcAction {
    /// Whether `other` names the same parameter: header names compare without case.
    pub fn same_name(&self, other: &RpcAction) -> bool {
        if self.location == Location::Header {
            self.name.eq_ignore_ascii_case(&other.name)
        } else {
            self.name == other.name
        }
    }
}

/// A request body's media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` (or another JSON media type, see [`Operation::content_type`]).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Bytes sent as they are (any other media type).
    Bytes,
}

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A field of a form body.
    Form,
    /// A top-level property of a JSON body.
    Json,
    /// A cookie.
    Cookie,
    /// A part of a multipart body.
    Multipart,
    /// The whole body (a JSON value that is not an object of properties, or bytes).
    Body,
}

impl Location {
    /// The word used in docs.
    pub fn describe(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Form => "form body",
            Location::Json => "JSON body",
            Location::Cookie => "`Cookie` header",
            Location::Multipart => "multipart body",
            Location::Body => "request body",
        }
    }
}

/// How a parameter that is not a single value is written (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form` (query, cookie and form-body default).
    Form,
    /// `simple` (path and header default).
    Simple,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
    /// `content: application/json`: the value as JSON text.
    Json,
}

/// A request parameter (or a property of the request body).
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The wire name (`siteId`).
    pub wire_name: String,
    /// The setter / argument name (`site_id`).
    pub rust_name: Ident,
    /// Where it goes.
    pub location: Location,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the caller must give it.
    pub required: bool,
    /// Whether it is an argument of the client method (a required parameter no other
    /// argument of the call could be swapped with silently); every other parameter has a
    /// setter, and a required one left unset fails validation before sending.
    pub argument: bool,
    /// A value the generated code always sends (a required single-value enum).
    pub constant: Option<String>,
    /// The documented default, as JSON text.
    pub default: Option<String>,
    /// Checked before sending.
    pub constraints: Constraints,
    /// Its description.
    pub doc: Option<String>,
    /// For arrays in the query: repeat the name (`true`) or join with commas.
    pub explode: bool,
    /// How a value that is not a single scalar is written.
    pub style: ParamStyle,
    /// Whether the value keeps RFC 3986's reserved characters where it goes
    /// (`allowReserved: true` or `x-ms-skip-url-encoding: true`; path and query
    /// parameters only): a path value may then span segments.
    pub allow_reserved: bool,
    /// The spec's example value, as JSON.
    pub example: Option<String>,
}

/// Validation keywords of a schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minimum` (exclusive when `exclusive_minimum`).
    pub minimum: Option<f64>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: bool,
    /// `maximum` (exclusive when `exclusive_maximum`).
    pub maximum: Option<f64>,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: bool,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `multipleOf` (not checked; a power of ten fixes a decimal's scale for tools).
    pub multiple_of: Option<f64>,
    /// `pattern`, checked on strings and dates before sending (an expression the
    /// runtime's regex engine cannot compile is dropped with a warning).
    pub pattern: Option<String>,
}

/// The type of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `meterage_runtime::Secret` (`format: password`).
    Secret,
    /// `meterage_runtime::Decimal` (`format: decimal`).
    Decimal,
    /// A date or time as text in a named format (`format: date`, `year-month`,
    /// `local-date-time`): `meterage_runtime::dates::Date` and its kin.
    Date(DateFormat),
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// Any JSON value.
    Json,
    /// A free-form JSON object.
    JsonObject,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>` (`additionalProperties`).
    Map(Box<TypeRef>),
    /// Raw bytes (`meterage_runtime::Bytes`): a body or multipart part of
    /// `format: binary`, or a media type the generator cannot type.
    Bytes,
    /// A generated type.
    Named(TypeId),
}

impl TypeRef {
    /// The generated type this is, or holds (as items or map values).
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

/// A named date or time format of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// `format: date`: `YYYY-MM-DD` (`meterage_runtime::dates::Date`).
    Date,
    /// `format: year-month`: `yyyy-MM` (`meterage_runtime::dates::YearMonth`).
    YearMonth,
    /// `format: local-date-time`: `yyyy-MM-dd HH:mm:ss`, no zone
    /// (`meterage_runtime::dates::LocalDateTime`).
    LocalDateTime,
}

impl DateFormat {
    /// The format as vendors write it.
    pub fn text(self) -> &'static str {
        match self {
            DateFormat::Date => "YYYY-MM-DD",
            DateFormat::YearMonth => "yyyy-MM",
            DateFormat::LocalDateTime => "yyyy-MM-dd HH:mm:ss",
        }
    }

    /// The runtime type's name in `meterage_runtime::dates`.
    pub fn type_name(self) -> &'static str {
        match self {
            DateFormat::Date => "Date",
            DateFormat::YearMonth => "YearMonth",
            DateFormat::LocalDateTime => "LocalDateTime",
        }
    }
}

/// The success response of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessResponse {
    /// The documented success status (200, 201, ...): the first 2xx or 3xx in spec
    /// order, or the later 2xx whose body is read when that one has no content.
    pub status: u16,
    /// The body type; `None` when there is no JSON body to decode.
    pub ty: Option<TypeRef>,
    /// The status of a documented 2xx answer without content (`204`, `2XX`), when the
    /// body type is `Some`: the call then returns `Option` of it, `None` for that
    /// answer.
    pub empty: Option<String>,
}

/// A response example from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The response status it belongs to (`200`, `403`, `default`).
    pub status: String,
    /// The type it must decode into.
    pub ty: TypeRef,
    /// The example as compact JSON.
    pub json: String,
}

/// How a paged operation pages (`x-pagination`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The style and its parameters.
    pub style: PagingStyle,
    /// The integer type of page numbers, offsets and sizes ([`TypeRef::I32`] or
    /// [`TypeRef::I64`]).
    pub index: TypeRef,
    /// The response field echoing the page number, if any (`page-echo`).
    pub echo_field: Option<PageField>,
    /// The response type that carries the page.
    pub response_type: TypeId,
    /// The path to the response field holding the items (`items`).
    pub items: Vec<PathStep>,
    /// The item type.
    pub item_type: TypeRef,
    /// The response field holding the total item count, if any.
    pub total_field: Option<PageField>,
}

/// A paging style with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingStyle {
    /// Pages asked for by number and size (`style: page-number`).
    PageNumber {
        /// The wire name of the page-number parameter.
        page_param: String,
        /// The wire name of the page-size parameter.
        size_param: String,
        /// The builder field of the page-number parameter.
        page_field: Ident,
        /// The builder field of the page-size parameter.
        size_field: Ident,
        /// The number of the first page.
        first_page: u64,
        /// The page size when the caller sets none (the size parameter's `default`).
        default_size: Option<u64>,
        /// The largest page number (the page parameter's `maximum`).
        last_page: Option<u64>,
    },
    /// Items asked for by offset and limit (`style: offset`).
    Offset {
        /// The wire name of the offset parameter.
        offset_param: String,
        /// The wire name of the limit parameter.
        limit_param: String,
        /// The builder field of the offset parameter.
        offset_field: Ident,
        /// The builder field of the limit parameter.
        limit_field: Ident,
        /// The limit when the caller sets none (the limit parameter's `default`).
        default_limit: Option<u64>,
        /// The largest offset (the offset parameter's `maximum`).
        max_offset: Option<u64>,
    },
    /// Pages asked for with the token the page before gave (`style: cursor`).
    Cursor {
        /// The wire name of the parameter (or JSON body property) carrying the token.
        token_param: String,
        /// Where it goes (`token-in`): [`Location::Query`], [`Location::Header`] or
        /// [`Location::Json`].
        token_in: Location,
        /// The builder field of that parameter.
        token_field: Ident,
        /// The response header carrying the next token (`next-header`), if the body
        /// does not.
        next_header: Option<String>,
        /// The path to the string property of the body carrying the next token
        /// (`next`), if a header does not.
        next_body: Option<Vec<PathStep>>,
    },
    /// Pages asked for at the link the page before gave (`style: next-link`).
    NextLink {
        /// The response header of RFC 8288 links carrying the next one (`next-header`),
        /// if the body does not.
        next_header: Option<String>,
        /// The path to the string property of the body carrying the next link
        /// (`next`), if a header does not.
        next_body: Option<Vec<PathStep>>,
    },
}

/// One step of a JSON pointer into a response: a field of the struct reached so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathStep {
    /// The Rust field name.
    pub name: Ident,
    /// Whether it is optional.
    pub optional: bool,
}

/// An integer field of a paged response (the total, the echoed page number), at the end
/// of a path from the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageField {
    /// The fields from the response to it.
    pub path: Vec<PathStep>,
    /// Its type ([`TypeRef::I32`] or [`TypeRef::I64`]).
    pub ty: TypeRef,
}

/// A generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: Ident,
    /// The schema's description (or title).
    pub doc: Option<String>,
    /// Struct or enum.
    pub kind: TypeKind,
    /// How the client uses it (see [`Usage`]).
    pub usage: Usage,
    /// For an enum: the enum written before it with the same variants (Rust names and
    /// wire values) and the same openness, when there is one. It is then written as a
    /// type alias of that enum (`pub type Name = Earlier;`): its name stays, and a spec
    /// that repeats a value list in every operation (`$select`, `$orderby`) gets one
    /// enum per list, not one per operation.
    pub same_as: Option<TypeId>,
}

/// How a client uses a type, found after lowering by following types from the
/// operations: a type no operation sends or returns is not written at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// A caller builds it: a parameter or body has it, or contains it.
    pub sent: bool,
    /// A caller reads it: a success response has it, or contains it, or it is an error
    /// body the error envelope does not read (the caller decodes it from the error).
    pub received: bool,
    /// It is an error body of these operations' answers (builder names), for its docs.
    pub error_of: Vec<String>,
}

/// The shape of a generated type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object schema.
    Struct {
        /// Its properties, in spec order.
        fields: Vec<Field>,
    },
    /// A string enum.
    Enum {
        /// The known values.
        variants: Vec<Variant>,
        /// Whether the set is open (`x-extensible-enum`): any other value decodes to an
        /// `Unknown` variant and can be sent. A closed enum (`enum`) refuses others.
        open: bool,
    },
    /// `oneOf` or `anyOf`: a value of one of several types.
    OneOf {
        /// The alternatives, in spec order.
        variants: Vec<OneOfVariant>,
        /// The discriminator property, when every alternative has a tag value: the
        /// value of that property picks the alternative. Otherwise the first
        /// alternative that decodes is taken (`#[serde(untagged)]`).
        discriminator: Option<String>,
    },
}

/// One alternative of a [`TypeKind::OneOf`].
#[derive(Debug, Clone, PartialEq)]
pub struct OneOfVariant {
    /// The Rust variant name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it is boxed, because its type contains the enum itself by value.
    pub boxed: bool,
    /// The discriminator values that select it.
    pub tags: Vec<String>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub rust_name: Ident,
    /// The JSON property name.
    pub wire_name: String,
    /// Its type (without the `Option` for optional fields).
    pub ty: TypeRef,
    /// Whether it is optional (not required, or nullable).
    pub optional: bool,
    /// Whether it is boxed, because its type contains the struct itself by value.
    pub boxed: bool,
    /// Its description.
    pub doc: Option<String>,
    /// Documented constraints (never enforced on responses).
    pub constraints: Constraints,
}

/// A known enum value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// The Rust variant name.
    pub name: Ident,
    /// The wire value.
    pub value: String,
}

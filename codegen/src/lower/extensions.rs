//! The `x-` extensions other than `x-auth-scheme` (see `auth`) and `x-pagination` (see
//! `pagination`): each parsed into a typed value at its pointer, then checked and
//! lowered (`docs/spec-extensions.md`). Their names are declared in
//! [`crate::extensions`].

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::{json_text, Lowerer};
use crate::extensions::{
    X_ENUM_VARNAMES, X_ENV, X_ERROR_CODES, X_ERROR_ENVELOPE, X_IDEMPOTENT, X_RPC_ACTION,
};
use crate::ir::{ClientEnv, Envelope, ErrorCode, Location, RpcAction, SuccessRule};
use crate::names::Ident;

/// A JSON pointer or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// `x-error-envelope`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct EnvelopeExt {
    #[serde(default)]
    code: Option<OneOrMany>,
    #[serde(default)]
    message: Option<OneOrMany>,
    #[serde(default)]
    request_id: Option<OneOrMany>,
    #[serde(default)]
    request_id_header: Option<String>,
    #[serde(default)]
    success: Option<Value>,
    #[serde(default)]
    transient: Vec<String>,
    #[serde(default, rename = "final")]
    final_codes: Vec<String>,
    #[serde(default)]
    credentials: Vec<String>,
    #[serde(default)]
    credential_statuses: Vec<u16>,
    #[serde(default)]
    transient_statuses: Vec<u16>,
    #[serde(default)]
    final_statuses: Vec<u16>,
}

/// One entry of `x-error-codes`: a code, or a code and what it means.
#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorCodeExt {
    Code(String),
    Described {
        code: String,
        #[serde(default)]
        description: Option<String>,
    },
}

/// `x-env`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct EnvExt {
    #[serde(default)]
    base_url: Option<Value>,
    #[serde(default)]
    auth: Vec<String>,
}

/// `x-rpc-action`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RpcActionExt {
    #[serde(rename = "in")]
    location: String,
    name: String,
    value: String,
}

impl Lowerer<'_, '_> {
    /// Parses the extension `name` of the object at `base`, reporting a mismatch at its
    /// pointer.
    pub(super) fn extension<T: serde::de::DeserializeOwned>(
        &mut self,
        extensions: &IndexMap<String, Value>,
        name: &str,
        base: &str,
    ) -> Option<T> {
        let value = extensions.get(name)?;
        match T::deserialize(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    &format!("{base}/{name}"),
                    format!("invalid `{name}`: {e} (see docs/spec-extensions.md)"),
                );
                None
            }
        }
    }

    /// `x-enum-varnames` of a string enum with `count` values.
    pub(super) fn enum_varnames(
        &mut self,
        extensions: &IndexMap<String, Value>,
        count: usize,
        pointer: &str,
    ) -> Option<Vec<String>> {
        let varnames: Vec<String> = self.extension(extensions, X_ENUM_VARNAMES, pointer)?;
        if varnames.len() != count {
            self.error(
                &format!("{pointer}/{X_ENUM_VARNAMES}"),
                format!("{} names for {count} enum values", varnames.len()),
            );
        }
        Some(varnames)
    }

    /// `x-error-envelope` of the document (`base` empty) or of an operation.
    pub(super) fn envelope(
        &mut self,
        extensions: &IndexMap<String, Value>,
        base: &str,
    ) -> Option<Envelope> {
        let ext: EnvelopeExt = self.extension(extensions, X_ERROR_ENVELOPE, base)?;
        let pointers = |v: Option<OneOrMany>| v.map(OneOrMany::into_vec).unwrap_or_default();
        let success = match ext.success {
            None => SuccessRule::Status,
            Some(Value::Array(codes)) => SuccessRule::Codes(codes.iter().map(json_text).collect()),
            Some(Value::String(rule)) if rule == "no-code" => SuccessRule::NoCode,
            Some(other) => {
                self.error(
                    &format!("{base}/{X_ERROR_ENVELOPE}/success"),
                    format!(
                        "`success: {}`: give the list of success codes, or `no-code` when any code in a 2xx body means a failure",
                        json_text(&other)
                    ),
                );
                SuccessRule::Status
            }
        };
        let env = Envelope {
            code: pointers(ext.code),
            message: pointers(ext.message),
            request_id: pointers(ext.request_id),
            request_id_header: ext.request_id_header,
            success,
            transient: ext.transient,
            final_codes: ext.final_codes,
            credentials: ext.credentials,
            credential_statuses: ext.credential_statuses,
            transient_statuses: ext.transient_statuses,
            final_statuses: ext.final_statuses,
        };
        for p in env.code.iter().chain(&env.message).chain(&env.request_id) {
            if !p.starts_with('/') {
                self.error(
                    &format!("{base}/{X_ERROR_ENVELOPE}"),
                    format!("`{p}` is not a JSON pointer: write `/{p}`"),
                );
            }
        }
        if env.success != SuccessRule::Status && env.code.is_empty() {
            self.error(
                &format!("{base}/{X_ERROR_ENVELOPE}"),
                "`success` needs a `code` pointer to compare",
            );
        }
        if !env.transient.is_empty() && env.code.is_empty() {
            self.error(
                &format!("{base}/{X_ERROR_ENVELOPE}"),
                "`transient` needs a `code` pointer to compare",
            );
        }
        for (key, list) in [
            ("final", &env.final_codes),
            ("credentials", &env.credentials),
        ] {
            if !list.is_empty() && env.code.is_empty() {
                self.error(
                    &format!("{base}/{X_ERROR_ENVELOPE}"),
                    format!("`{key}` needs a `code` pointer to compare"),
                );
            }
        }
        for code in env.credentials.iter().filter(|c| env.transient.contains(c)) {
            self.error(
                &format!("{base}/{X_ERROR_ENVELOPE}/credentials"),
                format!(
                    "`{code}` is listed both as `transient` and as `credentials`: refused credentials are not worth another attempt"
                ),
            );
        }
        for code in env.final_codes.iter().filter(|c| env.transient.contains(c)) {
            self.error(
                &format!("{base}/x-error-envelope/final"),
                format!("`{code}` is listed both as `transient` and as `final`"),
            );
        }
        for (key, list) in [
            ("credential-statuses", &env.credential_statuses),
            ("transient-statuses", &env.transient_statuses),
            ("final-statuses", &env.final_statuses),
        ] {
            for (i, status) in list.iter().enumerate() {
                if !(100..=599).contains(status) {
                    self.error(
                        &format!("{base}/x-error-envelope/{key}/{i}"),
                        format!("`{status}` is not an HTTP status (100 to 599)"),
                    );
                }
            }
        }
        for status in env
            .final_statuses
            .iter()
            .filter(|s| env.transient_statuses.contains(s))
        {
            self.error(
                &format!("{base}/x-error-envelope/final-statuses"),
                format!("HTTP {status} is listed both as transient and as final"),
            );
        }
        for status in env
            .credential_statuses
            .iter()
            .filter(|s| env.transient_statuses.contains(s))
        {
            self.error(
                &format!("{base}/x-error-envelope/credential-statuses"),
                format!(
                    "HTTP {status} is listed both as transient and as a credential refusal: refused credentials are not worth another attempt"
                ),
            );
        }
        Some(env)
    }

    /// `x-error-codes` of an operation: its codes, each with a distinct variant name.
    pub(super) fn error_codes(
        &mut self,
        extensions: &IndexMap<String, Value>,
        base: &str,
    ) -> Vec<ErrorCode> {
        let Some(entries) = self.extension::<Vec<ErrorCodeExt>>(extensions, X_ERROR_CODES, base)
        else {
            return Vec::new();
        };
        let mut codes: Vec<ErrorCode> = Vec::new();
        for (i, entry) in entries.into_iter().enumerate() {
            let (code, description) = match entry {
                ErrorCodeExt::Code(code) => (code, None),
                ErrorCodeExt::Described { code, description } => (code, description),
            };
            let variant = Ident::pascal(&code);
            let at = format!("{base}/{X_ERROR_CODES}/{i}");
            if variant.as_str() == "Unknown" {
                self.error(
                    &at,
                    format!(
                        "`{code}` would be the variant `Unknown`, which holds the codes not listed"
                    ),
                );
            } else if let Some(other) = codes.iter().find(|c| c.variant == variant) {
                self.error(
                    &at,
                    format!(
                        "`{code}` and `{}` both make the variant `{}`",
                        other.code,
                        variant.as_str()
                    ),
                );
            } else {
                codes.push(ErrorCode {
                    code,
                    variant,
                    description,
                });
            }
        }
        codes
    }

    /// `x-env` of the document: the variables `Client::from_env` reads.
    pub(super) fn client_env(&mut self, extensions: &IndexMap<String, Value>) -> ClientEnv {
        let Some(ext) = self.extension::<EnvExt>(extensions, X_ENV, "") else {
            return ClientEnv::default();
        };
        let schemes = self.doc.components.as_ref().map(|c| &c.security_schemes);
        for (i, key) in ext.auth.iter().enumerate() {
            if !schemes.is_some_and(|s| s.contains_key(key)) {
                self.error(
                    &format!("/{X_ENV}/auth/{i}"),
                    format!("`{key}` names no security scheme"),
                );
            }
        }
        let names = match &ext.base_url {
            None => Some(Vec::new()),
            Some(Value::String(name)) => Some(vec![name.clone()]),
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect(),
            Some(_) => None,
        };
        let base_url = match names {
            Some(names) if !names.iter().any(String::is_empty) => names,
            _ => {
                self.error(
                    &format!("/{X_ENV}/base-url"),
                    "`base-url` names an environment variable, or a list of them of which the first set wins",
                );
                Vec::new()
            }
        };
        ClientEnv {
            base_url,
            auth_order: ext.auth,
        }
    }

    /// `x-idempotent` of an operation: whether it may be sent twice; by default whether
    /// its method is idempotent.
    pub(super) fn idempotent(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        method_is_idempotent: bool,
    ) -> bool {
        self.extension::<bool>(extensions, X_IDEMPOTENT, pointer)
            .unwrap_or(method_is_idempotent)
    }

    /// `x-rpc-action` of an operation.
    pub(super) fn rpc_action(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
    ) -> Option<RpcAction> {
        let ext: RpcActionExt = self.extension(extensions, X_RPC_ACTION, pointer)?;
        let location = match ext.location.as_str() {
            "query" => Location::Query,
            "form" => Location::Form,
            "json" => Location::Json,
            "header" => Location::Header,
            other => {
                self.error(
                    &format!("{pointer}/{X_RPC_ACTION}/in"),
                    format!("`in: {other}`: use `query`, `form`, `json` or `header`"),
                );
                return None;
            }
        };
        if location == Location::Header {
            let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if ext.name.is_empty() || !ext.name.bytes().all(token) {
                self.error(
                    &format!("{pointer}/{X_RPC_ACTION}/name"),
                    format!("`name: {}` is not an HTTP header name", ext.name),
                );
                return None;
            }
            if !ext.value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
                self.error(
                    &format!("{pointer}/{X_RPC_ACTION}/value"),
                    format!(
                        "`value: {}` is not a header value (visible ASCII)",
                        ext.value
                    ),
                );
                return None;
            }
        }
        Some(RpcAction {
            location,
            name: ext.name,
            value: ext.value,
        })
    }
}

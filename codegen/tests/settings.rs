//! Nothing declared is silently ignored: every setting of every `x-auth-scheme` kind
//! and every key of every `x-pagination` style either changes the generated code when
//! its value changes, or is refused (an error or a warning at its file:line); and a
//! setting of another kind (or a key of another style) is refused.
//!
//! The kinds, styles and settings come from the generator itself
//! (`meterage_codegen::extensions::auth_settings` and `paging_keys`, read from the types
//! lowering reads the spec into), so a kind or setting added without a row here fails
//! [`every_setting_has_a_row`], naming what is missing. A row is one line of [`AUTH`] or
//! [`PAGING`]; a new kind also needs its base scheme in [`KINDS`], a new style its base
//! in [`STYLES`].

use meterage_codegen::extensions::{auth_settings, paging_keys};
use meterage_codegen::{generate_full, Diagnostics, NoFiles, Settings, SpecSource};
use serde_yaml::Value;

/// The base `x-auth-scheme` of each kind, on the security scheme `s` (`type`, `in`,
/// `name`, then the extension): valid, warning-free, and as small as the kind allows.
const KINDS: &[(&str, &str)] = &[
    ("header-token", "{type: apiKey, in: header, name: X-Auth-Token, x-auth-scheme: {kind: header-token, env: {token: T}}}"),
    ("login-token", "{type: apiKey, in: header, name: X-Auth-Token, x-auth-scheme: {kind: login-token, login: createToken, credentials: {username: username, password: password}, token: /token, fields: {grant_type: password}, parameters: [tenantId], env: {username: U, password: P}}}"),
    ("keystone-password", "{type: apiKey, in: header, name: X-Auth-Token, x-auth-scheme: {kind: keystone-password, login: iamToken, endpoint: 'https://iam.{region}.example.com', default-region: r1, env: {username: U, password: P, domain: D}}}"),
    ("sdk-hmac-sha256", "{type: apiKey, in: header, name: Authorization, x-auth-scheme: {kind: sdk-hmac-sha256, env: {access-key: A, secret-key: S}}}"),
    ("rpc-signature-v1", "{type: apiKey, in: query, name: Signature, x-auth-scheme: {kind: rpc-signature-v1, env: {access-key: A, secret-key: S}}}"),
    ("django-session", "{type: apiKey, in: cookie, name: sessionid, x-auth-scheme: {kind: django-session, open: openConsole, login: loginForm, csrf-cookie: csrftoken, session-cookie: sessionid, csrf-header: X-CSRFToken, csrf-field: csrfmiddlewaretoken, credentials: {username: username, password: password}, env: {username: U, password: P}}}"),
    ("oauth2-client-credentials", "{type: apiKey, in: header, name: Authorization, x-auth-scheme: {kind: oauth2-client-credentials, token-url: 'https://login.example.com/token', env: {client-id: C, client-secret: S}}}"),
    ("aws-sigv4", "{type: apiKey, in: header, name: Authorization, x-auth-scheme: {kind: aws-sigv4, service: ce, region: us-east-1, env: {access-key: A, secret-key: S}}}"),
];

/// The base `x-pagination` of `listUsage` for each style.
const STYLES: &[(&str, &str)] = &[
    (
        "page-number",
        "{style: page-number, page: page, size: size, items: /Data/Items}",
    ),
    (
        "offset",
        "{style: offset, offset: offset, limit: limit, items: /Data/Items}",
    ),
    (
        "cursor",
        "{style: cursor, token: token, next: /Data/NextToken, items: /Data/Items}",
    ),
    (
        "next-link",
        "{style: next-link, next: /Data/nextLink, items: /Data/Items}",
    ),
];

/// What a row expects.
#[derive(Clone, Copy)]
enum Expect {
    /// The generated code differs from the same spec without the change.
    Changes,
    /// An error or a warning at the setting's line (or its extension's) saying this.
    Refused(&'static str),
}
use Expect::{Changes, Refused};

/// One row: the kind (or style), the setting (`env.username` for a nested one), its new
/// value as YAML (`None`: the setting removed), settings set in the spec it is compared
/// with as well (`key=yaml`), other settings changed along with it (`key=yaml` set,
/// `key` removed: `next-header` replacing `next`), and what must follow.
type Row = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    &'static [&'static str],
    Expect,
);

#[rustfmt::skip]
const AUTH: &[Row] = &[
    ("header-token", "env", None, &[], &[], Changes),
    ("header-token", "env.token", Some("T2"), &[], &[], Changes),

    ("login-token", "login", Some("createToken2"), &[], &[], Changes),
    ("login-token", "login", Some("nope"), &[], &[], Refused("names no operation")),
    ("login-token", "credentials", Some("{username: user, password: secret}"), &[], &[], Changes),
    ("login-token", "credentials.username", Some("user"), &[], &[], Changes),
    ("login-token", "credentials.username", Some("nope"), &[], &[], Refused("not a request body property")),
    ("login-token", "credentials.password", Some("secret"), &[], &[], Changes),
    ("login-token", "token", Some("/token2"), &[], &[], Changes),
    ("login-token", "token", Some("token"), &[], &[], Refused("must be a JSON pointer")),
    ("login-token", "fields", Some("{grant_type: password, scope: openid}"), &[], &[], Changes),
    ("login-token", "fields", Some("{}"), &[], &[], Refused("needs `grant_type` (JSON body)")),
    ("login-token", "fields", Some("{grant_type: a, nope: b}"), &[], &[], Refused("`nope` is not a parameter or body property of `createToken`")),
    ("login-token", "parameters", Some("[tenantId, region]"), &[], &[], Changes),
    ("login-token", "parameters", Some("[]"), &[], &[], Refused("needs `tenantId` (path)")),
    ("login-token", "parameters", Some("[tenantId, grant_type]"), &[], &[], Refused("`grant_type` is given twice")),
    ("login-token", "prefix", Some("'Bearer '"), &[], &[], Changes),
    ("login-token", "lifetime", Some("30m"), &[], &[], Changes),
    ("login-token", "lifetime", Some("soon"), &[], &[], Refused("not a duration")),
    ("login-token", "expires-in", Some("/expires_in"), &[], &[], Changes),
    ("login-token", "expires-in", Some("expires_in"), &[], &[], Refused("must be a JSON pointer")),
    ("login-token", "logout", Some("deleteToken"), &[], &[], Changes),
    ("login-token", "logout-token-field", Some("token"), &["logout=deleteToken"], &[], Changes),
    ("login-token", "logout-token-field", Some("token"), &[], &[], Refused("needs `logout`")),
    ("login-token", "logout-token-field", Some("nope"), &["logout=deleteToken"], &[], Refused("is not a JSON body property of `deleteToken`")),
    ("login-token", "stale-codes", Some("[TokenExpired]"), &[], &[], Changes),
    ("login-token", "env", None, &[], &[], Changes),
    ("login-token", "env.username", Some("U2"), &[], &[], Changes),
    ("login-token", "env.password", Some("P2"), &[], &[], Changes),
    ("login-token", "env.parameters", Some("{tenantId: TENANT}"), &[], &[], Changes),
    ("login-token", "env.parameters", Some("{region: R}"), &[], &[], Refused("`region` is not one of the scheme's `parameters`")),

    ("keystone-password", "login", Some("iamToken2"), &[], &[], Changes),
    ("keystone-password", "endpoint", Some("'https://iam2.{region}.example.com'"), &[], &[], Changes),
    ("keystone-password", "endpoint", Some("iam.example.com"), &[], &[], Refused("must be an absolute http(s) URL")),
    ("keystone-password", "default-region", Some("r2"), &[], &[], Changes),
    ("keystone-password", "token-header", Some("X-Token"), &[], &[], Changes),
    ("keystone-password", "stale-codes", Some("[TokenExpired]"), &[], &[], Changes),
    ("keystone-password", "env", None, &[], &[], Changes),
    ("keystone-password", "env.endpoint", Some("E"), &[], &[], Changes),
    ("keystone-password", "env.username", Some("U2"), &[], &[], Changes),
    ("keystone-password", "env.password", Some("P2"), &[], &[], Changes),
    ("keystone-password", "env.domain", Some("D2"), &[], &[], Changes),
    ("keystone-password", "env.region", Some("R"), &[], &[], Changes),
    ("keystone-password", "env.project-id", Some("PID"), &[], &[], Changes),

    ("sdk-hmac-sha256", "env", None, &[], &[], Changes),
    ("sdk-hmac-sha256", "env.access-key", Some("A2"), &[], &[], Changes),
    ("sdk-hmac-sha256", "env.secret-key", Some("S2"), &[], &[], Changes),
    ("sdk-hmac-sha256", "env.security-token", Some("T"), &[], &[], Changes),
    ("sdk-hmac-sha256", "env.project-id", Some("PID"), &[], &[], Changes),

    ("rpc-signature-v1", "env", None, &[], &[], Changes),
    ("rpc-signature-v1", "env.access-key", Some("A2"), &[], &[], Changes),
    ("rpc-signature-v1", "env.secret-key", Some("S2"), &[], &[], Changes),
    ("rpc-signature-v1", "env.security-token", Some("T"), &[], &[], Changes),
    ("rpc-signature-v1", "env.project-id", Some("PID"), &[], &[], Refused("sends no project id")),

    ("django-session", "open", Some("openConsole2"), &[], &[], Changes),
    ("django-session", "login", Some("loginForm2"), &[], &[], Changes),
    ("django-session", "csrf-cookie", Some("csrf2"), &[], &[], Changes),
    ("django-session", "session-cookie", Some("session2"), &[], &[], Changes),
    ("django-session", "csrf-header", Some("X-CSRF2"), &[], &[], Changes),
    ("django-session", "csrf-field", Some("csrf2"), &[], &[], Changes),
    ("django-session", "credentials", Some("{username: user, password: secret}"), &[], &[], Changes),
    ("django-session", "credentials.username", Some("user"), &[], &[], Changes),
    ("django-session", "credentials.password", Some("secret"), &[], &[], Changes),
    ("django-session", "env", None, &[], &[], Changes),
    ("django-session", "env.username", Some("U2"), &[], &[], Changes),
    ("django-session", "env.password", Some("P2"), &[], &[], Changes),

    ("oauth2-client-credentials", "token-url", Some("'https://login.example.com/token2'"), &[], &[], Changes),
    ("oauth2-client-credentials", "token-url", Some("/token"), &[], &[], Refused("must be an absolute http(s) URL")),
    ("oauth2-client-credentials", "scope", Some("usage"), &[], &[], Changes),
    ("oauth2-client-credentials", "form", Some("{resource: usage}"), &[], &[], Changes),
    ("oauth2-client-credentials", "stale-codes", Some("[TokenExpired]"), &[], &[], Changes),
    ("oauth2-client-credentials", "env", None, &[], &[], Changes),
    ("oauth2-client-credentials", "env.tenant", Some("TENANT"), &["token-url='https://login.example.com/{tenant}/token'"], &[], Changes),
    ("oauth2-client-credentials", "env.tenant", Some("TENANT"), &[], &[], Refused("has no `{tenant}`")),
    ("oauth2-client-credentials", "env.client-id", Some("C2"), &[], &[], Changes),
    ("oauth2-client-credentials", "env.client-secret", Some("S2"), &[], &[], Changes),
    ("oauth2-client-credentials", "env.scope", Some("SCOPE"), &[], &[], Changes),
    ("oauth2-client-credentials", "env.token-url", Some("URL"), &[], &[], Changes),
    ("oauth2-client-credentials", "env.authority-host", Some("AUTHORITY"), &[], &[], Changes),

    ("aws-sigv4", "service", Some("pricing"), &[], &[], Changes),
    ("aws-sigv4", "region", Some("eu-west-1"), &[], &[], Changes),
    ("aws-sigv4", "env", None, &[], &[], Changes),
    ("aws-sigv4", "env.access-key", Some("A2"), &[], &[], Changes),
    ("aws-sigv4", "env.secret-key", Some("S2"), &[], &[], Changes),
    ("aws-sigv4", "env.session-token", Some("T"), &[], &[], Changes),
    ("aws-sigv4", "env.region", Some("R"), &[], &[], Changes),
];

#[rustfmt::skip]
const PAGING: &[Row] = &[
    ("page-number", "page", Some("page2"), &[], &[], Changes),
    ("page-number", "page", Some("token"), &[], &[], Refused("integer")),
    ("page-number", "size", Some("size2"), &[], &[], Changes),
    ("page-number", "items", Some("/Data/Items2"), &[], &[], Changes),
    ("page-number", "items", Some("/Data/Total"), &[], &[], Refused("array")),
    ("page-number", "total", Some("/Data/Total"), &[], &[], Changes),
    ("page-number", "page-echo", Some("/Data/Page"), &[], &[], Changes),
    ("page-number", "first", Some("0"), &[], &[], Changes),

    ("offset", "offset", Some("offset2"), &[], &[], Changes),
    ("offset", "limit", Some("limit2"), &[], &[], Changes),
    ("offset", "items", Some("/Data/Items2"), &[], &[], Changes),
    ("offset", "total", Some("/Data/Total"), &[], &[], Changes),
    ("offset", "total", Some("/Data/Items"), &[], &[], Refused("integer")),

    ("cursor", "token", Some("token2"), &[], &[], Changes),
    ("cursor", "token", Some("page"), &[], &[], Refused("string")),
    ("cursor", "token", Some("X-Token"), &[], &[], Refused("query")),
    ("cursor", "token-in", Some("header"), &[], &["token=X-Token"], Changes),
    ("cursor", "token-in", Some("body"), &[], &[], Refused("`token-in: body` needs a JSON request body")),
    ("cursor", "token-in", Some("cookie"), &[], &[], Refused("the token goes in the `query`")),
    ("cursor", "next", Some("/Data/NextToken2"), &[], &[], Changes),
    ("cursor", "next-header", Some("X-Next-Token"), &[], &["next"], Changes),
    ("cursor", "next-header", Some("X-Next-Token"), &[], &[], Refused("exactly one of `next`")),
    ("cursor", "items", Some("/Data/Items2"), &[], &[], Changes),
    ("cursor", "total", Some("/Data/Total"), &[], &[], Changes),

    ("next-link", "next", Some("/Data/nextLink2"), &[], &[], Changes),
    ("next-link", "next-header", Some("Link"), &[], &["next"], Changes),
    ("next-link", "next-header", Some("Link"), &[], &[], Refused("exactly one of `next`")),
    ("next-link", "items", Some("/Data/Items2"), &[], &[], Changes),
    ("next-link", "total", Some("/Data/Total"), &[], &[], Changes),
];

const SPEC: &str = "tests/fixtures/walk.yaml";
const AUTH_AT: &str = "/components/securitySchemes/s/x-auth-scheme";
const PAGING_AT: &str = "/paths/~1usage/get/x-pagination";

/// What one spec gives: the module and its warnings, or the problems.
fn run(spec: &Value) -> Result<(String, Diagnostics), Diagnostics> {
    let text = serde_yaml::to_string(spec).expect("YAML");
    generate_full(
        &SpecSource {
            path: SPEC,
            text: &text,
        },
        &Settings::default(),
        &NoFiles,
    )
    .map(|g| (g.source, g.warnings))
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The walk spec with the base scheme of `kind` and, for a style, its base paging.
fn base(kind: &str, style: Option<&str>) -> Value {
    let fixture =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SPEC))
            .expect("fixture");
    let mut spec = yaml(&fixture);
    let scheme = KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .unwrap_or_else(|| panic!("no base scheme for kind `{kind}`: add a line to KINDS"));
    let mut schemes = serde_yaml::Mapping::new();
    schemes.insert("s".into(), yaml(scheme.1));
    spec["components"]
        .as_mapping_mut()
        .expect("components")
        .insert("securitySchemes".into(), Value::Mapping(schemes));
    if let Some(style) = style {
        let paging = STYLES
            .iter()
            .find(|(s, _)| *s == style)
            .unwrap_or_else(|| panic!("no base paging for style `{style}`: add a line to STYLES"));
        spec["paths"]["/usage"]["get"]
            .as_mapping_mut()
            .expect("listUsage")
            .insert("x-pagination".into(), yaml(paging.1));
    }
    spec
}

/// The extension mapping rows change: the scheme's, or the paging's.
fn extension(spec: &mut Value, paging: bool) -> &mut Value {
    if paging {
        &mut spec["paths"]["/usage"]["get"]["x-pagination"]
    } else {
        &mut spec["components"]["securitySchemes"]["s"]["x-auth-scheme"]
    }
}

/// Sets `path` (`env.username`) in `ext` to `value`, or removes it.
fn set(ext: &mut Value, path: &str, value: Option<Value>) {
    let (parent, key) = match path.rsplit_once('.') {
        Some((parent, key)) => (&mut ext[parent], key),
        None => (ext, path),
    };
    if parent.is_null() {
        *parent = Value::Mapping(serde_yaml::Mapping::new());
    }
    let map = parent.as_mapping_mut().expect("a mapping");
    match value {
        Some(value) => {
            map.insert(key.into(), value);
        }
        None => {
            map.remove(key);
        }
    }
}

/// The generated code of a spec that must generate without a problem.
fn clean(spec: &Value, what: &str) -> Result<String, String> {
    match run(spec) {
        Ok((source, warnings)) if warnings.0.is_empty() => Ok(source),
        Ok((_, warnings)) => Err(format!("{what}: warnings:\n{warnings}")),
        Err(problems) => Err(format!("{what}: refused:\n{problems}")),
    }
}

/// Checks one row; a message saying what went wrong.
fn check(row: &Row, paging: bool) -> Result<(), String> {
    let &(kind, setting, value, with, along, expect) = row;
    let mut before = if paging {
        base("header-token", Some(kind))
    } else {
        base(kind, None)
    };
    for entry in with {
        let (key, value) = entry.split_once('=').expect("key=yaml");
        set(extension(&mut before, paging), key, Some(yaml(value)));
    }
    let mut after = before.clone();
    for entry in along {
        let (key, value) = match entry.split_once('=') {
            Some((key, value)) => (key, Some(yaml(value))),
            None => (*entry, None),
        };
        set(extension(&mut after, paging), key, value);
    }
    set(extension(&mut after, paging), setting, value.map(yaml));
    let what = format!("{kind} `{setting}: {}`", value.unwrap_or("(removed)"));
    let at = if paging { PAGING_AT } else { AUTH_AT };
    match expect {
        Changes => {
            let before = clean(&before, &format!("{what}: the spec before the change"))?;
            let after = clean(&after, &what)?;
            if before == after {
                return Err(format!("{what}: the generated code is the same as without it: the setting is silently ignored"));
            }
        }
        Refused(said) => {
            let problems = match run(&after) {
                Ok((_, warnings)) => warnings,
                Err(problems) => problems,
            };
            let found = problems.0.iter().any(|d| {
                d.file == SPEC
                    && d.pointer.starts_with(at)
                    && d.position.is_some()
                    && d.message.contains(said)
            });
            if !found {
                return Err(format!(
                    "{what}: expected a problem at {at} with a line, saying {said:?}; got:\n{problems}"
                ));
            }
        }
    }
    Ok(())
}

/// Rows missing for a declared setting, and rows for settings no longer declared.
fn missing_rows(
    declared: &[(&'static str, Vec<String>)],
    rows: &[Row],
    what: &str,
    table: &str,
) -> Vec<String> {
    let mut missing = Vec::new();
    for (kind, settings) in declared {
        for setting in settings {
            if !rows.iter().any(|r| r.0 == *kind && r.1 == setting) {
                missing.push(format!(
                    "{what} `{kind}` has the setting `{setting}` but {table} has no row for it: add one saying how changing it changes the generated code, or how it is refused"
                ));
            }
        }
    }
    for row in rows {
        let known = declared
            .iter()
            .any(|(kind, settings)| *kind == row.0 && settings.iter().any(|s| s == row.1));
        if !known {
            missing.push(format!(
                "{table} has a row for `{}` of {what} `{}`, which does not declare it",
                row.1, row.0
            ));
        }
    }
    missing
}

#[test]
fn every_setting_has_a_row() {
    let mut problems = missing_rows(&auth_settings(), AUTH, "auth kind", "AUTH");
    problems.extend(missing_rows(
        &paging_keys(),
        PAGING,
        "paging style",
        "PAGING",
    ));
    for (kind, _) in auth_settings() {
        if !KINDS.iter().any(|(k, _)| *k == kind) {
            problems.push(format!(
                "auth kind `{kind}` has no base scheme: add a line to KINDS"
            ));
        }
    }
    for (style, _) in paging_keys() {
        if !STYLES.iter().any(|(s, _)| *s == style) {
            problems.push(format!(
                "paging style `{style}` has no base: add a line to STYLES"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_auth_setting_changes_the_code_or_is_refused() {
    let failures: Vec<String> = AUTH
        .iter()
        .filter_map(|row| check(row, false).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_paging_key_changes_the_code_or_is_refused() {
    let failures: Vec<String> = PAGING
        .iter()
        .filter_map(|row| check(row, true).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// For each kind (or style), every setting only another one declares, set to a string.
fn foreign(declared: &[(&'static str, Vec<String>)]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (kind, own) in declared {
        for (_, others) in declared.iter().filter(|(other, _)| other != kind) {
            for setting in others {
                // A nested setting is foreign where its parent is the kind's own.
                let parent_own = setting
                    .split_once('.')
                    .is_none_or(|(parent, _)| own.iter().any(|s| s == parent));
                let listed = out
                    .iter()
                    .any(|(k, s): &(&str, String)| k == kind && s == setting);
                if !own.contains(setting) && parent_own && !listed {
                    out.push((*kind, setting.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn a_setting_of_another_kind_or_style_is_refused_where_it_is() {
    let mut failures = Vec::new();
    for (paging, declared) in [(false, auth_settings()), (true, paging_keys())] {
        let foreign = foreign(&declared);
        assert!(!foreign.is_empty());
        for (kind, setting) in foreign {
            let mut spec = if paging {
                base("header-token", Some(kind))
            } else {
                base(kind, None)
            };
            set(extension(&mut spec, paging), &setting, Some(yaml("x")));
            let at = if paging { PAGING_AT } else { AUTH_AT };
            let key = setting.rsplit('.').next().unwrap_or_default();
            match run(&spec) {
                Err(problems)
                    if problems.0.iter().any(|d| {
                        d.pointer.starts_with(at)
                            && d.position.is_some()
                            && d.message.contains(&format!("unknown field `{key}`"))
                    }) => {}
                Err(problems) => failures.push(format!(
                    "{kind} `{setting}`: refused, but not where it is:\n{problems}"
                )),
                Ok(_) => failures.push(format!(
                    "{kind} `{setting}`: accepted, though `{kind}` does not use it"
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

//! The Microsoft identity platform's (Entra ID's) token endpoint, on its own host:
//! `POST /{tenant}/oauth2/v2.0/token`, the OAuth 2.0 client credentials grant.
//!
//! A form of `grant_type=client_credentials`, `client_id`, `client_secret` and
//! `scope=https://management.azure.com/.default` gets
//! `{"token_type":"Bearer","expires_in":N,"ext_expires_in":N,"access_token":"..."}`,
//! the token a JWT ([`super::token`]) that Resource Manager accepts until `expires_in`
//! has passed on the fake's clock. Refusals are Entra's: `{error, error_description,
//! error_codes, timestamp, trace_id, correlation_id, error_uri}`, the description
//! starting with its `AADSTS` code:
//!
//! | check | status | `error` | `AADSTS` |
//! |---|---|---|---|
//! | the tenant is not the fake's (by id or domain) | 400 | `invalid_request` | 90002 |
//! | a form field missing (`grant_type`, `client_id`, `scope`) | 400 | `invalid_request` | 900144 |
//! | `grant_type` not `client_credentials` | 400 | `unsupported_grant_type` | 70003 |
//! | an unknown `client_id` | 400 | `unauthorized_client` | 700016 |
//! | no `client_secret` | 401 | `invalid_client` | 7000218 |
//! | a wrong `client_secret` | 401 | `invalid_client` | 7000215 |
//! | a `scope` without `/.default` | 400 | `invalid_scope` | 1002012 |
//! | a `/.default` scope of another resource | 400 | `invalid_resource` | 500011 |

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::json;

use super::token::{self, Claims, AUDIENCE};
use super::{Arm, CLIENT, TENANT_DOMAIN, TENANT_ID, TRACE_ID};
use crate::clock::Utc;
use crate::harness::{Canned, Harness, Injected, Outcome, Vendor};
use crate::log::{Log, Recorded};
use crate::server::{Fake, Options};
use crate::{get as param, json as reply, parse_pairs};

/// The scope a client asks for to call Resource Manager.
pub const SCOPE: &str = "https://management.azure.com/.default";
/// The correlation id of every refusal.
pub const CORRELATION_ID: &str = "6f3c4a12-7d59-4e2b-9c1a-2b4d6e8f0a13";

/// The token endpoint's state: the Resource Manager fake it issues tokens for.
#[derive(Debug)]
pub struct Entra {
    arm: Arc<Arm>,
    log: Arc<Log>,
}

impl Entra {
    /// The Resource Manager fake's state, whose clock and token lifetime this uses.
    pub fn arm(&self) -> &Arm {
        &self.arm
    }

    fn refuse(&self, status: StatusCode, error: &str, code: u32, description: &str) -> Response {
        let now = Utc::from_unix_ms(self.arm.clock.now_ms());
        let stamp = format!(
            "{} {}Z",
            &now.iso_seconds()[..10],
            &now.iso_seconds()[11..19]
        );
        reply(
            status,
            json!({
                "error": error,
                "error_description": format!(
                    "AADSTS{code}: {description} Trace ID: {TRACE_ID} Correlation ID: {CORRELATION_ID} Timestamp: {stamp}"
                ),
                "error_codes": [code],
                "timestamp": stamp,
                "trace_id": TRACE_ID,
                "correlation_id": CORRELATION_ID,
                "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
            }),
        )
    }
}

impl Vendor for Entra {
    const BUSY: Canned = Canned::Json(
        503,
        r#"{"error":"temporarily_unavailable","error_description":"AADSTS50196: The server terminated an operation because it encountered a client request loop. Please contact your app vendor.","error_codes":[50196]}"#,
    );
    const THROTTLED: Canned = Canned::Json(
        429,
        r#"{"error":"temporarily_unavailable","error_description":"AADSTS90055: The server is temporarily unavailable. Please try again.","error_codes":[90055]}"#,
    );

    fn listing_page(&self, _: &Recorded) -> Option<u64> {
        None
    }

    fn signs_in(&self, request: &Recorded) -> bool {
        request.method == "POST" && request.path.ends_with("/oauth2/v2.0/token")
    }

    fn error(&self, status: StatusCode, code: &str, message: &str) -> Response {
        reply(
            status,
            json!({"error": code, "error_description": message, "error_codes": [], "trace_id": TRACE_ID, "correlation_id": CORRELATION_ID}),
        )
    }

    fn expire_sessions(&self) {
        self.arm.expire_tokens();
    }
}

/// Starts the token endpoint on its own host, issuing tokens the Resource Manager fake
/// `arm` accepts (and sharing its clock), over HTTPS (from a CA of its own) when `arm`
/// serves HTTPS. Its log counts the sign-ins.
pub async fn start_entra(arm: &Fake<Arm>) -> Fake<Entra> {
    let options = if arm.vendor.tls {
        Options::https()
    } else {
        Options::default()
    };
    let vendor = arm.vendor.clone();
    let routes = Router::new().route("/{tenant}/oauth2/v2.0/token", post(issue));
    Fake::start(
        0,
        options,
        |harness: &Harness| Entra {
            arm: vendor,
            log: harness.log.clone(),
        },
        routes,
    )
    .await
}

/// A refusal for a missing form field.
fn missing(entra: &Entra, field: &str) -> Response {
    entra.refuse(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        900_144,
        &format!("The request body must contain the following parameter: '{field}'."),
    )
}

async fn issue(
    State(entra): State<Arc<Entra>>,
    injected: Injected,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Outcome {
    injected.backend(&*entra)?;
    if tenant != TENANT_ID && !tenant.eq_ignore_ascii_case(TENANT_DOMAIN) {
        return Err(entra.refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90_002,
            &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."),
        ));
    }
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let pairs = if form {
        parse_pairs(std::str::from_utf8(&body).unwrap_or(""))
    } else {
        Vec::new()
    };
    let Some(grant) = param(&pairs, "grant_type") else {
        return Err(missing(&entra, "grant_type"));
    };
    if grant != "client_credentials" {
        return Err(entra.refuse(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70_003,
            &format!("The app requested an unsupported grant type '{grant}'."),
        ));
    }
    let Some(client_id) = param(&pairs, "client_id") else {
        return Err(missing(&entra, "client_id"));
    };
    let (known_id, known_secret) = CLIENT;
    if client_id != known_id {
        return Err(entra.refuse(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700_016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{TENANT_DOMAIN}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."),
        ));
    }
    match param(&pairs, "client_secret") {
        None => {
            return Err(entra.refuse(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7_000_218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            ))
        }
        Some(secret) if secret != known_secret => {
            return Err(entra.refuse(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7_000_215,
                &format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{known_id}'."),
            ))
        }
        Some(_) => {}
    }
    let Some(scope) = param(&pairs, "scope") else {
        return Err(missing(&entra, "scope"));
    };
    let Some(resource) = scope.strip_suffix("/.default") else {
        return Err(entra.refuse(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1_002_012,
            &format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
        ));
    };
    if format!("{resource}/") != AUDIENCE {
        return Err(entra.refuse(
            StatusCode::BAD_REQUEST,
            "invalid_resource",
            500_011,
            &format!("The resource principal named {resource} was not found in the tenant named {TENANT_DOMAIN}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."),
        ));
    }
    let arm = &entra.arm;
    let serial = arm.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let now = arm.clock.now_ms() / 1000;
    let lifetime = arm.lifetime.ms() / 1000;
    let token = token::mint(&Claims {
        audience: AUDIENCE.to_owned(),
        tenant: TENANT_ID.to_owned(),
        app: known_id.to_owned(),
        issued: now,
        expires: now + lifetime,
        serial,
    });
    entra.log.count_login();
    let mut answer = reply(
        StatusCode::OK,
        json!({"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token}),
    );
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store, no-cache"),
    );
    Ok(answer)
}

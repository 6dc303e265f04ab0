//! The login fixture's generated module (`codegen/tests/snapshots/login.rs`) compiles
//! warning-free and logs in as its spec says: the tenant the caller sets in the path,
//! the operation's constant query parameter, the constant body fields besides the
//! credentials, and the token sent after `Bearer `.

// Public items of a module inside a test binary are unreachable, hence `dead_code`;
// every other warning fails the build.
#[deny(warnings)]
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../codegen/tests/snapshots/login.rs"]
mod login_api;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use login_api::{auth, Client};
use meterage_runtime::auth::UsernamePassword;
use meterage_tests::Server;
use serde_json::{json, Value};

/// Logins so far.
#[derive(Default)]
struct Logins(AtomicUsize);

async fn login(
    State(logins): State<Arc<Logins>>,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
    Json(body): Json<Value>,
) -> Response {
    let wanted = json!({
        "username": "alice",
        "password": "pw",
        "grant_type": "password",
        "scope": "openid usage"
    });
    if tenant != "contoso" || query.as_deref() != Some("client=meterage") || body != wanted {
        let seen = json!({"tenant": tenant, "query": query, "body": body});
        return (StatusCode::BAD_REQUEST, Json(seen)).into_response();
    }
    let n = logins.0.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({"access_token": format!("tok-{n}"), "expires_in": 3600})).into_response()
}

async fn usage(headers: HeaderMap) -> Response {
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some("Bearer tok-1") => Json(json!({"value": ["a", "b"]})).into_response(),
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

#[tokio::test]
async fn the_generated_login_sends_the_tenant_the_constants_and_a_bearer_token() {
    let logins = Arc::new(Logins::default());
    let router = Router::new()
        .route("/v3/{tenant}/tokens", post(login))
        .route("/usage", get(usage))
        .with_state(logins.clone());
    let server = Server::start(router).await;
    let credentials = UsernamePassword {
        username: "alice".into(),
        password: "pw".into(),
    };
    let auth = auth::session_login(credentials).parameter("tenantId", "contoso");
    let client: Client = crate::support::client(&server, auth);
    let usage = client
        .list_usage()
        .send()
        .await
        .expect("signed in and served");
    assert_eq!(
        usage.value.as_deref(),
        Some(&["a".to_owned(), "b".to_owned()][..])
    );
    client
        .list_usage()
        .send()
        .await
        .expect("served with the same token");
    assert_eq!(logins.0.load(Ordering::SeqCst), 1);
}

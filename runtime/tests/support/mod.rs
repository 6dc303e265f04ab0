//! What the runtime's integration tests share: a server on loopback for any router, and
//! the vendors' error envelopes and operations as generated clients declare them.
//!
//! Each test binary includes this module (`mod support;`) and uses a part of it.

#![allow(dead_code)]

use axum::Router;
use meterage_runtime::{
    AuthContext, AuthFuture, Authorize, Client, ErrorEnvelope, Method, Operation,
};

/// Serves `router` on an ephemeral loopback port for the rest of the test; returns its
/// base URL, `http://127.0.0.1:<port>`.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("the bound address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    format!("http://{addr}")
}

/// A client of `base` that signs with `auth` and ignores proxy settings.
pub fn client(base: &str, auth: impl Authorize) -> Client {
    Client::builder(base)
        .http_client(
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("reqwest client"),
        )
        .auth(auth)
        .build()
        .expect("client")
}

/// A scheme `A` whose signed request is then changed by `tamper`, as a proxy might.
#[derive(Debug)]
pub struct TamperAfterSigning<A>(pub A, pub fn(&mut reqwest::Request));

impl<A: Authorize> Authorize for TamperAfterSigning<A> {
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        Box::pin(async move {
            let used = self.0.authorize(ctx, &mut *request).await?;
            (self.1)(request);
            Ok(used)
        })
    }
}

/// RFC 3986 percent-encoding, as signatures canonicalize: unreserved characters kept,
/// every other byte `%XX`.
pub fn rfc3986(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An operation of `envelope` answering 200, idempotent when it is a `GET`, as
/// generated code declares one.
pub const fn op(
    id: &'static str,
    method: Method,
    path: &'static str,
    envelope: &'static ErrorEnvelope,
) -> Operation {
    Operation {
        id,
        method,
        success: 200,
        public: false,
        idempotent: matches!(method, Method::Get),
        secret_response: false,
        path,
        server: None,
        envelope,
    }
}

#[path = "../../src/testing.rs"]
mod fixtures;

#[allow(unused_imports)]
pub use fixtures::{GSL, KAOPUYUN, NCE, PLCLOUD};

pub mod paging;

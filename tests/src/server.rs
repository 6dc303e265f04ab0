//! Serving a fake on loopback: a hand-written accept loop over hyper (so a fault can
//! close a connection without answering), plain HTTP or HTTPS from a [`TestCa`].

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

use axum::body::Body;
use axum::middleware;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use crate::dataset::Dataset;
use crate::faults::Faults;
use crate::harness::{layer, Hangup, Harness, Hooks, Plain, Vendor};
use crate::log::Log;
use crate::tls::TestCa;

/// How to serve a fake.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Serve HTTPS with a certificate from a CA generated for this server
    /// ([`Server::ca_pem`]) instead of plain HTTP.
    pub tls: bool,
}

impl Options {
    /// HTTPS from a fresh test CA.
    pub fn https() -> Options {
        Options { tls: true }
    }
}

/// A server listening on `127.0.0.1`; it stops (its connections too) when dropped.
pub struct Server {
    addr: SocketAddr,
    ca: Option<TestCa>,
    /// The request log and counters.
    pub log: Arc<Log>,
    /// The fault plan.
    pub faults: Arc<Faults>,
    /// The dataset size and listing latency.
    pub dataset: Arc<Dataset>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

/// The error that makes hyper close a connection without a response.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

impl Server {
    /// Serves any `router` over plain HTTP on an ephemeral loopback port, recording
    /// every request; faults that need no vendor ([`crate::Fault::Respond`],
    /// [`crate::Fault::DropConnection`], ...) work on every route.
    pub async fn start(router: Router) -> Server {
        Server::serve(router, Harness::new(0), Arc::new(Plain), Options::default()).await
    }

    /// Serves `router` (whose handlers share `harness`) for `vendor`.
    pub(crate) async fn serve<V: Vendor>(
        router: Router,
        harness: Harness,
        vendor: Arc<V>,
        options: Options,
    ) -> Server {
        let hooks = Arc::new(Hooks {
            harness: harness.clone(),
            vendor,
        });
        let app = router.layer(middleware::from_fn_with_state(hooks, layer::<V>));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let ca = options.tls.then(TestCa::generate);
        let task = tokio::spawn(accept(listener, app, ca.clone()));
        Server {
            addr,
            ca,
            log: harness.log,
            faults: harness.faults,
            dataset: harness.dataset,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`, or `https://...` for a TLS server.
    pub fn base_url(&self) -> String {
        let scheme = if self.ca.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The PEM certificate of the CA that issued the server's certificate (TLS
    /// servers only).
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca.as_ref().map(TestCa::ca_pem)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, app: Router, ca: Option<TestCa>) {
    let acceptor = ca.as_ref().map(TestCa::acceptor);
    // Dropping the set (when the accept task is aborted) aborts every connection.
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors or similar: wait a little rather than spin.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let app = app.clone();
        let acceptor = acceptor.clone();
        connections.spawn(async move {
            match acceptor {
                None => connection(stream, app).await,
                Some(acceptor) => {
                    // A failed handshake ends the connection; the client reports it.
                    if let Ok(tls) = acceptor.accept(stream).await {
                        connection(tls, app).await;
                    }
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
}

async fn connection<S>(stream: S, app: Router)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let app = app.clone();
        async move {
            let response = app
                .oneshot(request.map(Body::new))
                .await
                .unwrap_or_else(|never| match never {});
            if response.extensions().get::<Hangup>().is_some() {
                Err(Dropped)
            } else {
                Ok(response)
            }
        }
    });
    // A dropped connection ends here with an error: nothing to report.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// A vendor fake: its server and the vendor's own state (sessions, clock, settings).
/// It dereferences to its [`Server`] (`fake.base_url()`, `fake.log`, `fake.faults`,
/// `fake.dataset`).
pub struct Fake<V> {
    /// The server.
    pub server: Server,
    /// The vendor's state.
    pub vendor: Arc<V>,
}

impl<V> std::fmt::Debug for Fake<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fake")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl<V: Vendor> Fake<V> {
    /// Starts a fake of `len` records: `vendor` makes the vendor's state from the
    /// server's harness (its log and dataset), and `routes` are the vendor's routes,
    /// whose handlers share that state.
    pub(crate) async fn start(
        len: u64,
        options: Options,
        vendor: impl FnOnce(&Harness) -> V,
        routes: Router<Arc<V>>,
    ) -> Fake<V> {
        let harness = Harness::new(len);
        let vendor = Arc::new(vendor(&harness));
        let router = routes.with_state(vendor.clone());
        let server = Server::serve(router, harness, vendor.clone(), options).await;
        Fake { server, vendor }
    }
}

impl<V> Deref for Fake<V> {
    type Target = Server;

    fn deref(&self) -> &Server {
        &self.server
    }
}

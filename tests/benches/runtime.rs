//! Runtime benchmarks, reported as ratios against a baseline measured in the same run:
//!
//! 1. one generated call against a hand-written `reqwest` + `serde_json::from_slice`
//!    call to the same loopback server, for a page of 10 and of 500 GSL pools;
//! 2. `items()` over 100,000 records at 10 ms server latency per page: one page at a
//!    time against `prefetch(4)`;
//! 3. peak memory (the process's peak RSS, `VmHWM`, reset between runs) while streaming
//!    10,000, 100,000 and 1,000,000 records;
//! 4. the auth step of each scheme, per request (AWS SigV4 against `SDK-HMAC-SHA256`
//!    as a ratio), and a call with a cached identity against one that must sign in
//!    first;
//! 5. decoding a page of 500 Kaopuyun bills (two decimals each): plain
//!    `serde_json::from_slice` into the generated type and into a `serde_json::Value`,
//!    and a whole call against a hand-written one ([`decode`]);
//! 6. reading a body of about 268 KB undecoded against `reqwest`'s `bytes()` ([`body`]).
//!
//! `cargo bench -p meterage-tests --bench runtime` (release build). Figures go to
//! BENCHMARKS.md. Nothing here asserts a time: the numbers are printed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use meterage_clients::huawei_gsl::{self, types::ListSimPoolsResponse};
use meterage_clients::runtime::auth::{AccessKey, UsernamePassword};
use meterage_clients::runtime::{
    AuthContext, Authorize, AwsSigv4, Client, ClientBuilder, HeaderToken, RpcSignatureV1,
    SdkHmacSha256, TryStreamExt,
};
use meterage_clients::{nce_campus, plcloud as pl};
use meterage_tests::{gsl, nce, plcloud, Server};

#[path = "runtime/body.rs"]
mod body;
#[path = "runtime/decode.rs"]
mod decode;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let wanted = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    runtime.block_on(async {
        // First, so that no other section's freed memory (which the allocator keeps)
        // counts in its peak.
        if wanted("memory") {
            memory().await;
        }
        if wanted("call") {
            call_overhead().await;
        }
        if let Some(variant) = std::env::var_os("METERAGE_BENCH_ONE_CALL") {
            one_call_variant(&variant.to_string_lossy()).await;
        }
        if wanted("prefetch") {
            prefetch().await;
        }
        if wanted("auth") {
            auth_schemes().await;
            cached_identity().await;
        }
        if wanted("decode") {
            decode::bills().await;
        }
        if let Some(variant) = std::env::var_os("METERAGE_BENCH_DECODE") {
            decode::variant(&variant.to_string_lossy()).await;
        }
        if wanted("body") {
            body::read().await;
        }
        if let Some(variant) = std::env::var_os("METERAGE_BENCH_BODY") {
            body::variant(&variant.to_string_lossy()).await;
        }
    });
}

/// The median of `runs` timings of `f`, after `warmup` untimed runs.
async fn median<F, Fut>(warmup: usize, runs: usize, f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    median_after(warmup, runs, || async {}, f).await
}

/// [`median`] of `f`, with `setup` run before each call and not timed.
async fn median_after<S, SFut, F, Fut>(
    warmup: usize,
    runs: usize,
    mut setup: S,
    mut f: F,
) -> Duration
where
    S: FnMut() -> SFut,
    SFut: std::future::Future<Output = ()>,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..warmup {
        setup().await;
        f().await;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        setup().await;
        let start = Instant::now();
        f().await;
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A loopback server answering `GET /v1/sim-pools` with a fixed body of `pools` pools,
/// so that the server's own cost is small and the same for both clients.
async fn fixed_pages(pools: u64) -> String {
    let body = serde_json::json!({
        "limit": pools, "offset": 1, "count": pools,
        "pools": gsl::pools(pools).collect::<Vec<_>>(),
    })
    .to_string();
    serve_fixed("/v1/sim-pools", body).await
}

/// The body of the answer to `request`, sent with plain `reqwest`.
async fn body_of(request: reqwest::RequestBuilder) -> meterage_clients::runtime::Bytes {
    request
        .send()
        .await
        .expect("sent")
        .bytes()
        .await
        .expect("body")
}

/// A loopback server answering every `GET path` with the JSON `body`; its base URL.
async fn serve_fixed(path: &str, body: String) -> String {
    let router = Router::new().route(
        path,
        get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

/// One GSL listing call of a page of `pools` pools against [`fixed_pages`], three ways.
struct OneCall {
    pools: u64,
    url: String,
    http: reqwest::Client,
    client: huawei_gsl::Client,
}

impl OneCall {
    async fn new(pools: u64) -> OneCall {
        let base = fixed_pages(pools).await;
        OneCall {
            pools,
            url: format!("{base}/v1/sim-pools?limit={pools}&offset=1"),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("reqwest"),
            client: gsl_client(&base),
        }
    }

    /// Hand-written: `reqwest`, then `serde_json::from_slice`.
    async fn hand(&self) {
        let request = self
            .http
            .get(&self.url)
            .header("X-Auth-Token", gsl::TOKEN)
            .header("Accept", "application/json");
        let bytes = body_of(request).await;
        let page: ListSimPoolsResponse = serde_json::from_slice(&bytes).expect("decoded");
        black_box(page);
    }

    /// The generated client's call, its page decoded (`raw`: `send_raw`, the bytes).
    async fn generated(&self, raw: bool) {
        let call = self
            .client
            .list_sim_pools()
            .limit(self.pools as i64)
            .offset(1);
        if raw {
            black_box(call.send_raw().await.expect("page"));
        } else {
            black_box(call.send().await.expect("page"));
        }
    }
}

/// A GSL client of `base` with the token the fakes always accept.
fn gsl_client(base: &str) -> huawei_gsl::Client {
    huawei_gsl::Client::builder()
        .base_url(base)
        .auth(huawei_gsl::auth::iam_token(gsl::TOKEN))
        .build()
        .expect("client")
}

async fn call_overhead() {
    println!("\n## One call: generated client vs hand-written reqwest + serde_json::from_slice");
    println!(
        "| pools per page | hand-written µs | generated µs | generated `send_raw` µs | ratio |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for pools in [10, 500] {
        let call = OneCall::new(pools).await;
        let runs = if pools == 10 { 4000 } else { 600 };
        // Interleave the three, several rounds, and keep each one's best median.
        let (mut hand, mut generated, mut raw) = (Duration::MAX, Duration::MAX, Duration::MAX);
        for _ in 0..5 {
            hand = hand.min(median(50, runs / 5, || call.hand()).await);
            generated = generated.min(median(50, runs / 5, || call.generated(false)).await);
            raw = raw.min(median(50, runs / 5, || call.generated(true)).await);
        }
        println!(
            "| {pools} | {:.1} | {:.1} | {:.1} | {:.3} |",
            micros(hand),
            micros(generated),
            micros(raw),
            generated.as_secs_f64() / hand.as_secs_f64()
        );
    }
}

/// Runs 2,000 calls of one variant (`hand`, `generated`, `raw`) for a page of 10 pools:
/// under `valgrind --tool=callgrind`, the instruction counts of the variants compare the
/// clients' own costs, the in-process server's being the same for all three.
async fn one_call_variant(variant: &str) {
    let call = OneCall::new(10).await;
    for _ in 0..2000 {
        match variant {
            "hand" => call.hand().await,
            "raw" => call.generated(true).await,
            _ => call.generated(false).await,
        }
    }
    println!("ran 2000 calls of {variant}");
}

/// Records in the prefetch run, and the page size.
const PREFETCH_RECORDS: u64 = 100_000;
const PREFETCH_PAGE: u64 = 500;

/// A loopback server answering GSL's listing from pages rendered in advance, each after
/// the latency in `latency_ms` (read per request): the server's own work is a lookup, so
/// the run measures the client's (on a vendor's network the server's CPU is not ours).
async fn rendered_pages(
    latency_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    use std::collections::HashMap;
    use std::sync::atomic::Ordering;
    let pages = PREFETCH_RECORDS.div_ceil(PREFETCH_PAGE);
    let bodies: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
        (0..pages)
            .map(|p| {
                let first = p * PREFETCH_PAGE;
                let last = (first + PREFETCH_PAGE).min(PREFETCH_RECORDS);
                serde_json::json!({
                    "limit": PREFETCH_PAGE, "offset": p + 1, "count": PREFETCH_RECORDS,
                    "pools": (first..last).map(gsl::pool).collect::<Vec<_>>(),
                })
                .to_string()
            })
            .collect(),
    );
    let router = Router::new().route(
        "/v1/sim-pools",
        get(
            move |axum::extract::Query(q): axum::extract::Query<HashMap<String, u64>>| {
                let bodies = bodies.clone();
                let latency = Duration::from_millis(latency_ms.load(Ordering::SeqCst));
                async move {
                    if !latency.is_zero() {
                        tokio::time::sleep(latency).await;
                    }
                    let page = q.get("offset").copied().unwrap_or(1).max(1) - 1;
                    let body = bodies.get(page as usize).cloned().unwrap_or_else(|| {
                        format!(
                            r#"{{"limit":{PREFETCH_PAGE},"offset":{},"count":{PREFETCH_RECORDS},"pools":[]}}"#,
                            page + 1
                        )
                    });
                    ([("content-type", "application/json")], body)
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), server)
}

async fn prefetch() {
    println!(
        "\n## items() over {PREFETCH_RECORDS} records in pages of {PREFETCH_PAGE}, with and without 10 ms server latency"
    );
    println!("| fetching | seconds | records | speed-up |");
    println!("|---|---:|---:|---:|");
    let latency = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (base, server) = rendered_pages(latency.clone()).await;
    let client = gsl_client(&base);
    // Without latency the two differ only by the overlap of decoding and fetching: the
    // floor below which hiding latency cannot go.
    for latency_ms in [0, 10] {
        latency.store(latency_ms, std::sync::atomic::Ordering::SeqCst);
        items_with_prefetch(&client, latency_ms).await;
    }
    // Its pages (tens of MB) must not count in the memory section's peak.
    drop(client);
    server.abort();
}

async fn items_with_prefetch(client: &huawei_gsl::Client, latency_ms: u64) {
    let mut baseline = None;
    for prefetch in [0, 4] {
        let start = Instant::now();
        let count = client
            .list_sim_pools()
            .limit(PREFETCH_PAGE as i64)
            .items()
            .prefetch(prefetch)
            .try_fold(0u64, |n, _| async move { Ok(n + 1) })
            .await
            .expect("every record");
        let took = start.elapsed();
        let base = *baseline.get_or_insert(took);
        let label = if prefetch == 0 {
            format!("one page at a time, {latency_ms} ms latency")
        } else {
            format!("prefetch({prefetch}), {latency_ms} ms latency")
        };
        println!(
            "| {label} | {:.2} | {count} | {:.2}× |",
            took.as_secs_f64(),
            base.as_secs_f64() / took.as_secs_f64()
        );
    }
}

/// The process's peak resident set size, in KiB (`VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets the peak RSS to the current RSS (Linux: `5` to `/proc/self/clear_refs`).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

async fn memory() {
    println!(
        "\n## Peak memory while streaming (pages of 500; the fake server runs in the same process)"
    );
    println!("| records | peak RSS MiB | growth over 10,000 |");
    println!("|---:|---:|---:|");
    let server = gsl::start().await;
    server.log.keep_requests(false);
    let client = gsl_client(&server.base_url());
    let mut first = None;
    for records in [10_000u64, 100_000, 1_000_000] {
        server.dataset.set_len(records);
        if !reset_peak_rss() {
            println!("(peak RSS cannot be reset here; skipped)");
            return;
        }
        let count = client
            .list_sim_pools()
            .limit(500)
            .items()
            .try_fold(0u64, |n, pool| async move {
                black_box(pool);
                Ok(n + 1)
            })
            .await
            .expect("every record");
        assert_eq!(count, records);
        let peak = peak_rss_kib().unwrap_or(0);
        let base = *first.get_or_insert(peak);
        println!(
            "| {records} | {:.1} | {:.2}× |",
            peak as f64 / 1024.0,
            peak as f64 / base as f64
        );
    }
}

async fn auth_schemes() {
    println!("\n## The auth step per request (identity cached)");
    println!("| scheme | µs per request |");
    println!("|---|---:|");
    let client = Client::builder("http://127.0.0.1:9")
        .build()
        .expect("client");
    let op = &huawei_gsl::ListSimPools::OPERATION;
    let key = || AccessKey {
        id: gsl::AKSK.0.into(),
        secret: gsl::AKSK.1.into(),
        security_token: None,
    };
    let schemes: Vec<(&str, Box<dyn Authorize>)> = vec![
        (
            "header token (fixed)",
            Box::new(HeaderToken::new("X-Auth-Token", gsl::TOKEN)),
        ),
        (
            "SDK-HMAC-SHA256 (AK/SK)",
            Box::new(SdkHmacSha256::new(key())),
        ),
        (
            "RPC signature v1 (HMAC-SHA1)",
            Box::new(RpcSignatureV1::new(key())),
        ),
        (
            "AWS SigV4 (aws-sigv4 crate)",
            Box::new(AwsSigv4::new(key(), "ce", "us-east-1")),
        ),
    ];
    let mut took_by_name = Vec::new();
    let url = reqwest::Url::parse(
        "https://gsl.cn-north-4.myhuaweicloud.com/v1/sim-pools?limit=10&offset=1",
    )
    .expect("url");
    for (name, auth) in schemes {
        let took = median(200, 20_000, || async {
            let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
            auth.authorize(AuthContext::new(op, &client), &mut request)
                .await
                .expect("signed");
            black_box(request);
        })
        .await;
        println!("| {name} | {:.2} |", micros(took));
        took_by_name.push((name, took));
    }
    // The same work as each scheme's, less the signing.
    let baseline = median(200, 20_000, || async {
        black_box(reqwest::Request::new(reqwest::Method::GET, url.clone()));
    })
    .await;
    println!("| (building the request alone) | {:.2} |", micros(baseline));
    let took = |prefix: &str| {
        took_by_name
            .iter()
            .find(|(name, _)| name.starts_with(prefix))
            .map(|(_, took)| took.as_secs_f64())
            .expect("measured")
    };
    println!(
        "\nAWS SigV4 / SDK-HMAC-SHA256 per request: {:.2}x",
        took("AWS SigV4") / took("SDK-HMAC-SHA256")
    );
}

async fn cached_identity() {
    println!("\n## A call with a cached identity vs one that signs in first (loopback fakes)");
    println!("| vendor | cached µs | signing in first µs | ratio |");
    println!("|---|---:|---:|---:|");
    let nce = nce::start().await;
    let login = nce_campus::auth::access_token_login(user(nce::USER));
    cached_vs_signing_in::<nce_campus::Client>("NCE login token", &nce, login).await;
    let console = plcloud::start().await;
    let session = pl::auth::console_session(user(plcloud::USER));
    cached_vs_signing_in::<pl::Client>("PLCloud console session", &console, session).await;
}

/// A user name and password.
fn user((username, password): (&str, &str)) -> UsernamePassword {
    UsernamePassword {
        username: username.into(),
        password: password.into(),
    }
}

/// A client that signs in, whose identity the bench can drop so that its next call
/// signs in first.
trait SignsIn: From<Client> {
    /// One call of the listing.
    async fn call(&self);

    /// Drops the identity (a call to the server or not; it is not timed).
    async fn forget(&self);
}

impl SignsIn for nce_campus::Client {
    async fn call(&self) {
        black_box(
            self.get_time_flow_st_info_list()
                .send()
                .await
                .expect("call"),
        );
    }

    async fn forget(&self) {
        self.logout().await.expect("logout");
    }
}

impl SignsIn for pl::Client {
    async fn call(&self) {
        black_box(self.get_consumptions_by_query().send().await.expect("call"));
    }

    async fn forget(&self) {
        let listing = &pl::GetConsumptionsByQuery::OPERATION;
        let forgotten = self.runtime().logout(listing).await;
        forgotten.expect("forget the session");
    }
}

/// Prints the row `vendor`: the median call of a `C` client of `server` signing in
/// with `auth`, with a cached identity (after a first call that signs in), and the
/// median call that must sign in first, its identity dropped (not timed) before each.
/// The server counts the requests but keeps none.
async fn cached_vs_signing_in<C: SignsIn>(vendor: &str, server: &Server, auth: impl Authorize) {
    server.log.keep_requests(false);
    let client: C = ClientBuilder::new(server.base_url())
        .auth(auth)
        .build()
        .expect("client");
    client.call().await;
    let cached = median(20, 400, || client.call()).await;
    let fresh = median_after(5, 200, || client.forget(), || client.call()).await;
    println!(
        "| {vendor} | {:.0} | {:.0} | {:.2} |",
        micros(cached),
        micros(fresh),
        fresh.as_secs_f64() / cached.as_secs_f64()
    );
}

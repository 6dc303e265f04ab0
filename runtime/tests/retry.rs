//! Timeouts, retries and interceptors against servers on loopback that fail on purpose:
//! busy answers, `Retry-After`, dropped connections, slow answers, cut-off bodies.

#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use meterage_runtime::interceptor::{
    AttemptContext, AttemptOutcome, InterceptFuture, Interceptor, Replay,
};
use meterage_runtime::{
    CallOptions, Client, Error, Method, Operation, Request, RetryPolicy, TimeoutKind,
};
use serde_json::Value;
use support::GSL;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

mod support;

const fn op(id: &'static str, method: Method, idempotent: bool) -> Operation {
    Operation {
        idempotent,
        ..support::op(id, method, "/x", &GSL)
    }
}

static GET: Operation = op("ListSimPools", Method::Get, true);
static POST: Operation = op("CreateThing", Method::Post, false);
static READ_ONLY_POST: Operation = op("GetConsumptionsByQuery", Method::Post, true);

/// One scripted answer of the raw server.
#[derive(Debug, Clone)]
enum Answer {
    /// Status, extra headers and body.
    Http(u16, Vec<(&'static str, String)>, String),
    /// Close the connection without answering.
    Drop,
    /// Wait, then answer.
    Slow(Duration, u16, String),
    /// A 200 whose body is cut off (the connection closes after these bytes).
    Truncated(String),
}

fn ok(body: &str) -> Answer {
    Answer::Http(200, Vec::new(), body.to_owned())
}

/// A raw HTTP/1.1 server answering connection by connection from a script (then 200 `{}`).
struct Script {
    answers: Mutex<VecDeque<Answer>>,
    requests: AtomicUsize,
    seen: Mutex<Vec<String>>,
}

async fn serve(answers: Vec<Answer>) -> (String, Arc<Script>) {
    let script = Arc::new(Script {
        answers: Mutex::new(answers.into()),
        requests: AtomicUsize::new(0),
        seen: Mutex::new(Vec::new()),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = script.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let server = server.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                // The body too, when the head announces one.
                let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let end = text.find("\r\n\r\n").unwrap_or(text.len()) + 4;
                let length = text
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|n| n.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                while head.len() < end + length {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                server.requests.fetch_add(1, Ordering::SeqCst);
                server
                    .seen
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let answer = server
                    .answers
                    .lock()
                    .unwrap()
                    .pop_front()
                    .unwrap_or_else(|| ok("{}"));
                let reply = |status: u16, headers: &[(&str, String)], body: &str| {
                    let mut text = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                        body.len()
                    );
                    for (name, value) in headers {
                        text.push_str(&format!("{name}: {value}\r\n"));
                    }
                    text.push_str("\r\n");
                    text.push_str(body);
                    text
                };
                let text = match answer {
                    Answer::Drop => return,
                    Answer::Http(status, headers, body) => reply(status, &headers, &body),
                    Answer::Slow(wait, status, body) => {
                        tokio::time::sleep(wait).await;
                        reply(status, &[], &body)
                    }
                    Answer::Truncated(body) => {
                        let full = reply(200, &[], &body);
                        let cut = full.len() - body.len() / 2;
                        full[..cut].to_owned()
                    }
                };
                let _ = socket.write_all(text.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), script)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(2))
        .max_backoff(Duration::from_millis(10))
}

fn client(base: &str) -> Client {
    Client::builder(base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .retry(fast_retries())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

const BUSY: &str = r#"{"error_code":"GSL.00010003","error_msg":"系统繁忙,请稍后重试。"}"#;

#[tokio::test]
async fn transient_failures_of_idempotent_calls_are_retried() {
    let (base, script) = serve(vec![
        Answer::Http(500, Vec::new(), BUSY.to_owned()),
        Answer::Http(
            503,
            Vec::new(),
            "<html>Service Unavailable</html>".to_owned(),
        ),
        Answer::Drop,
        ok(r#"{"count":7}"#),
    ])
    .await;
    let response = client(&base)
        .send::<Value>(Request::new(&GET))
        .await
        .unwrap();
    assert_eq!(response["count"], 7);
    assert_eq!(script.requests.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_retry_sends_the_same_request_again() {
    let (base, script) = serve(vec![
        Answer::Http(503, Vec::new(), BUSY.to_owned()),
        Answer::Drop,
        ok(r#"{"count":1}"#),
    ])
    .await;
    let mut request = Request::new(&READ_ONLY_POST);
    request.query("region", "cn-north-4");
    request.header("X-Tenant", "t1");
    request.cookie("lang", "en");
    request.multipart_body();
    request.part("name", "pools");
    request.part_file("file", &bytes::Bytes::from_static(b"a,b\n1,2\n"));
    let response = client(&base).send::<Value>(request).await.unwrap();
    assert_eq!(response["count"], 1);
    let seen = script.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    let first = &seen[0];
    assert!(first.starts_with("POST /x?region=cn-north-4 "), "{first}");
    let wanted = ["x-tenant: t1", "cookie: lang=en", "boundary=", "a,b\n1,2"];
    let missing: Vec<_> = wanted.iter().filter(|w| !first.contains(*w)).collect();
    assert!(missing.is_empty(), "{missing:?} not in {first}");
    // Byte for byte, the multipart boundary included.
    assert!(seen.iter().all(|request| request == first), "{seen:#?}");
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_says_how_many() {
    let answers = vec![Answer::Http(500, Vec::new(), BUSY.to_owned()); 10];
    let (base, script) = serve(answers).await;
    let error = client(&base)
        .send::<Value>(Request::new(&GET))
        .await
        .unwrap_err();
    assert_eq!(error.vendor_code(), Some("GSL.00010003"));
    assert!(error.is_transient());
    assert_eq!(error.attempts(), 4);
    assert_eq!(script.requests.load(Ordering::SeqCst), 4);
    assert_eq!(
        error.to_string(),
        "ListSimPools: HTTP 500, vendor error GSL.00010003: 系统繁忙,请稍后重试。 (after 4 attempts)"
    );

    // A non-transient failure is not retried.
    let (base, script) = serve(vec![Answer::Http(
        400,
        Vec::new(),
        r#"{"error_code":"GSL.00010004","error_msg":"参数异常"}"#.to_owned(),
    )])
    .await;
    let error = client(&base)
        .send::<Value>(Request::new(&GET))
        .await
        .unwrap_err();
    assert!(!error.is_transient());
    assert_eq!(script.requests.load(Ordering::SeqCst), 1);

    // Per call, retries can be turned off.
    let (base, script) = serve(vec![Answer::Http(503, Vec::new(), String::new()); 3]).await;
    let mut request = Request::new(&GET);
    request.set_options(CallOptions::new().no_retries());
    let error = client(&base).send::<Value>(request).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(script.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn calls_that_are_not_idempotent_are_never_replayed_once_sent() {
    let (base, script) = serve(vec![Answer::Http(503, Vec::new(), String::new()), ok("{}")]).await;
    let error = client(&base)
        .send::<Value>(Request::new(&POST))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(script.requests.load(Ordering::SeqCst), 1);

    let (base, script) = serve(vec![Answer::Drop, ok("{}")]).await;
    let error = client(&base)
        .send::<Value>(Request::new(&POST))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(script.requests.load(Ordering::SeqCst), 1);

    // A POST the spec marks idempotent (a read-only RPC action) is retried.
    let (base, script) = serve(vec![Answer::Drop, ok(r#"{"code":200}"#)]).await;
    client(&base)
        .send::<Value>(Request::new(&READ_ONLY_POST))
        .await
        .unwrap();
    assert_eq!(script.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_dropped_connection_says_why() {
    let (base, _) = serve(vec![Answer::Drop; 4]).await;
    let error = client(&base)
        .send::<Value>(Request::new(&GET))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("ListSimPools: HTTP request failed: "),
        "{text}"
    );
    assert!(
        text.contains("connection closed before message completed"),
        "{text}"
    );
    assert!(text.ends_with("(after 4 attempts)"), "{text}");
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn retry_after_is_honoured_up_to_the_cap() {
    let (base, script) = serve(vec![
        Answer::Http(429, vec![("Retry-After", "1".to_owned())], String::new()),
        ok(r#"{"n":1}"#),
    ])
    .await;
    let started = Instant::now();
    let response = client(&base)
        .send::<Value>(Request::new(&GET))
        .await
        .unwrap();
    assert_eq!(response["n"], 1);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(script.requests.load(Ordering::SeqCst), 2);

    // Asked to wait longer than the cap, the client gives up with the server's answer.
    let (base, script) = serve(vec![
        Answer::Http(429, vec![("Retry-After", "3600".to_owned())], String::new()),
        ok("{}"),
    ])
    .await;
    let error = client(&base)
        .send::<Value>(Request::new(&GET))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(script.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_silent_server_times_out_per_attempt_and_per_call() {
    let slow = Answer::Slow(Duration::from_secs(3), 200, "{}".to_owned());
    let (base, script) = serve(vec![slow.clone(), ok(r#"{"late":false}"#)]).await;
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .retry(fast_retries())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let response = client.send::<Value>(Request::new(&GET)).await.unwrap();
    assert_eq!(response["late"], false);
    assert_eq!(script.requests.load(Ordering::SeqCst), 2);

    let (base, _) = serve(vec![slow.clone(); 4]).await;
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .retry(fast_retries())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let error = client.send::<Value>(Request::new(&GET)).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                attempts: 4,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "ListSimPools: no complete response after 0.1s (after 4 attempts)"
    );

    // An overall deadline ends the call even with attempts left.
    let (base, _) = serve(vec![slow; 4]).await;
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .retry(fast_retries())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let mut request = Request::new(&GET);
    request.set_options(CallOptions::new().total_timeout(Duration::from_millis(300)));
    let started = Instant::now();
    let error = client.send::<Value>(request).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                kind: TimeoutKind::Total,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_cut_off_body_is_retried_a_mismatched_one_is_not() {
    let body = r#"{"pools":[{"pool_name":"a"},{"pool_name":"b"}],"count":2}"#;
    let (base, script) = serve(vec![Answer::Truncated(body.to_owned()), ok(body)]).await;
    let response = client(&base)
        .send::<Value>(Request::new(&GET))
        .await
        .unwrap();
    assert_eq!(response["count"], 2);
    assert_eq!(script.requests.load(Ordering::SeqCst), 2);

    let (base, script) = serve(vec![ok(r#"{"count":"two"}"#)]).await;
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Count {
        count: u32,
    }
    let error = client(&base)
        .send::<Count>(Request::new(&GET))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(!error.is_transient());
    assert_eq!(script.requests.load(Ordering::SeqCst), 1);
}

/// Adds a header before signing and records every outcome it sees.
#[derive(Debug, Default)]
struct Recorder {
    outcomes: Mutex<Vec<(u32, Option<u16>, bool)>>,
}

#[derive(Debug)]
struct Recording(Arc<Recorder>);

impl Interceptor for Recording {
    fn modify_request<'a>(
        &'a self,
        ctx: &'a mut AttemptContext,
        request: &'a mut reqwest::Request,
    ) -> InterceptFuture<'a> {
        let attempt = ctx.attempt.to_string();
        Box::pin(async move {
            request
                .headers_mut()
                .insert("x-attempt", attempt.parse().unwrap());
            Ok(())
        })
    }

    fn read_response(&self, ctx: &AttemptContext, outcome: &AttemptOutcome<'_>) -> Replay {
        self.0.outcomes.lock().unwrap().push((
            ctx.attempt,
            outcome.status,
            outcome.error.is_some(),
        ));
        Replay::No
    }
}

#[tokio::test]
async fn interceptors_see_and_change_every_attempt() {
    let (base, script) = serve(vec![Answer::Http(502, Vec::new(), String::new()), ok("{}")]).await;
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .retry(fast_retries())
        .interceptor(Recording(recorder.clone()))
        .build()
        .unwrap();
    client.send::<Value>(Request::new(&GET)).await.unwrap();
    assert_eq!(
        *recorder.outcomes.lock().unwrap(),
        [(1, Some(502), true), (2, Some(200), false)]
    );
    let seen = script.seen.lock().unwrap().clone();
    assert!(seen[0].contains("x-attempt: 1"), "{}", seen[0]);
    assert!(seen[1].contains("x-attempt: 2"), "{}", seen[1]);
}

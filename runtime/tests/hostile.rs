//! A hostile server loses the caller nothing and hangs nothing: every misbehaviour ends
//! the call with a clear error naming the operation, within the deadline, without
//! reading more than the body cap. The server is raw TCP on loopback, so it can write
//! what no well-behaved HTTP server would.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use meterage_runtime::{Client, Error, HeaderToken, Operation, Request, RetryPolicy, TimeoutKind};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

static GET: Operation = Operation::get("GetHostile", "/hostile");

/// What the server does with each connection, after reading the request head.
type Behaviour = Arc<dyn Fn(TcpStream) -> tokio::task::JoinHandle<()> + Send + Sync>;

/// A raw server on loopback; returns its base URL and the number of connections taken.
async fn serve(behaviour: Behaviour) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            if !read_head(&mut stream).await {
                continue;
            }
            behaviour(stream);
        }
    });
    (base, connections)
}

/// Reads until the end of the request head (the tests send no bodies); `false` when
/// the connection closed first.
async fn read_head(stream: &mut TcpStream) -> bool {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    true
}

/// Answers every request on the connection with `head` then `body`.
fn answer(head: String, body: Vec<u8>) -> Behaviour {
    Arc::new(move |mut stream| {
        let (head, body) = (head.clone(), body.clone());
        tokio::spawn(async move {
            loop {
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(&body).await.is_err()
                    || !read_head(&mut stream).await
                {
                    return;
                }
            }
        })
    })
}

/// Writes `head`, then one byte of `drip` every 20 ms, for a minute.
fn trickle(head: &'static str, drip: u8) -> Behaviour {
    Arc::new(move |mut stream| {
        tokio::spawn(async move {
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for _ in 0..3000 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                if stream.write_all(&[drip]).await.is_err() {
                    return;
                }
            }
        })
    })
}

fn client(base: &str) -> Client {
    Client::builder(base)
        .timeout(Duration::from_millis(400))
        .total_timeout(Duration::from_millis(1200))
        .max_body_bytes(1024 * 1024)
        .retry(RetryPolicy::standard().initial_backoff(Duration::from_millis(10)))
        .build()
        .unwrap()
}

/// Sends `GET /hostile`, expecting a failure, and how long it took.
async fn fail(client: &Client) -> (Error, Duration) {
    let started = Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        client.send::<Value>(Request::new(&GET)),
    )
    .await
    .expect("the call hung past its deadline");
    (result.unwrap_err(), started.elapsed())
}

#[tokio::test]
async fn a_body_past_the_cap_is_refused_whether_announced_or_not() {
    let announced = answer(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 104857600\r\n\r\n"
            .to_owned(),
        vec![b' '; 4096],
    );
    let (base, _) = serve(announced).await;
    let (error, _) = fail(&client(&base)).await;
    assert!(
        matches!(
            error,
            Error::BodyTooLarge {
                status: 200,
                limit: 1_048_576,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "GetHostile: the HTTP 200 response body is larger than the 1048576-byte limit"
    );

    // Chunked, with no length: read up to the cap, then refused.
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
    let endless = Arc::new(move |mut stream: TcpStream| {
        let chunk = chunk.clone();
        tokio::spawn(async move {
            let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            for _ in 0..1000 {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
        })
    });
    let (base, _) = serve(endless).await;
    let (error, _) = fail(&client(&base)).await;
    assert!(matches!(error, Error::BodyTooLarge { .. }), "{error:?}");
    assert!(!error.is_transient());
}

#[tokio::test]
async fn a_body_that_trickles_forever_ends_at_the_deadline() {
    let (base, connections) = serve(trickle(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n[",
        b' ',
    ))
    .await;
    let (error, took) = fail(&client(&base)).await;
    let Error::Timeout {
        operation, kind, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((*operation, *kind), ("GetHostile", TimeoutKind::Total));
    assert!(took < Duration::from_secs(3), "{took:?}");
    // Each attempt timed out and was retried until the deadline.
    assert!(connections.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn headers_that_never_end_end_at_the_deadline() {
    let (base, _) = serve(trickle("HTTP/1.1 200 OK\r\nx-slow: ", b'a')).await;
    let (error, took) = fail(&client(&base)).await;
    assert!(
        matches!(
            error,
            Error::Timeout {
                operation: "GetHostile",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn a_compressed_body_is_never_inflated() {
    // 16 KB of gzip that would inflate to 16 MB of JSON, sent unasked.
    let bomb = include_bytes!("fixtures/bomb.json.gz").to_vec();
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\n\
         content-length: {}\r\n\r\n",
        bomb.len()
    );
    let (base, _) = serve(answer(head, bomb.clone())).await;
    let (error, _) = fail(&client(&base)).await;
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.operation, "GetHostile");
    // The body kept is the bytes on the wire, not their inflation; not JSON, it was
    // fetched again (a proxy's page in place of the answer would be) and kept.
    assert_eq!(decode.body.len(), bomb.len());
    assert_eq!(decode.attempts, 4);
}

/// A server answering `302 Found` to `path` on a second server (which answers `{}`),
/// with a session cookie; its base URL, and the connections the second server took.
async fn redirecting_to(path: &str) -> (String, Arc<AtomicUsize>) {
    let (elsewhere, visits) = serve(answer(
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n".to_owned(),
        b"{}".to_vec(),
    ))
    .await;
    let head = format!(
        "HTTP/1.1 302 Found\r\nlocation: {elsewhere}{path}\r\nset-cookie: sessionid=abc\r\n\
         content-length: 0\r\n\r\n"
    );
    let (base, _) = serve(answer(head, Vec::new())).await;
    (base, visits)
}

#[tokio::test]
async fn a_redirect_to_another_host_takes_nothing_there() {
    let (base, visits) = redirecting_to("/steal").await;
    let client = Client::builder(&base)
        .auth(HeaderToken::bearer("t0ken-s3cr3t"))
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let (error, _) = fail(&client).await;
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((api.operation, api.status), ("GetHostile", 302));
    assert!(!error.is_transient());
    assert_eq!(
        visits.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
    assert!(!format!("{error} {error:?}").contains("s3cr3t"));
}

#[tokio::test]
async fn a_given_http_client_that_follows_a_redirect_is_refused_by_name() {
    let (base, visits) = redirecting_to("/login").await;
    // reqwest's default client follows redirects.
    let client = Client::builder(&base)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    match fail(&client).await.0 {
        Error::Config(message) => {
            assert!(message.starts_with("GetHostile: "), "{message}");
            assert!(message.contains("followed a redirect"), "{message}");
            assert!(message.contains("Policy::none()"), "{message}");
        }
        error => panic!("{error:?}"),
    }
    assert_eq!(visits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn invalid_utf8_and_deeply_nested_json_are_decode_errors() {
    let cases: [(&str, Vec<u8>); 3] = [
        ("invalid UTF-8", b"{\"name\": \"\xff\xfe\"}".to_vec()),
        ("nested 100,000 deep", {
            let mut body = vec![b'['; 100_000];
            body.extend(vec![b']'; 100_000]);
            body
        }),
        ("nested objects", "{\"a\":".repeat(50_000).into_bytes()),
    ];
    for (case, body) in cases {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let (base, _) = serve(answer(head, body.clone())).await;
        let (error, _) = fail(&client(&base)).await;
        let Error::Decode(decode) = &error else {
            panic!("{case}: {error:?}")
        };
        assert_eq!(decode.operation, "GetHostile", "{case}");
        assert_eq!(decode.body, body, "{case}: the body is kept whole");
        // Not JSON: fetched again, as an HTML page in place of the answer would be.
        assert_eq!(decode.attempts, 4, "{case}");
    }
}

/// A tiny deterministic generator (xorshift), so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::try_from(self.below(items.len() as u64)).unwrap()]
    }
}

/// A random response: a status, some of the headers the client reads, and a body made
/// of JSON fragments, envelope keys, numbers, bytes and nesting.
fn random_response(rng: &mut Rng) -> Vec<u8> {
    let status = rng.pick(&[
        200, 200, 200, 201, 204, 302, 400, 401, 403, 404, 429, 500, 503,
    ]);
    let mut headers = String::new();
    for _ in 0..rng.below(4) {
        headers.push_str(rng.pick(&[
            "retry-after: 0\r\n",
            "retry-after: Wed, 21 Oct 2015 07:28:00 GMT\r\n",
            "retry-after: -1\r\n",
            "content-type: text/html\r\n",
            "content-type: application/json; charset=utf-8\r\n",
            "x-request-id: r-1\r\n",
            "set-cookie: a=b\r\n",
        ]));
    }
    let fragments: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"\"",
        b"null",
        b"0",
        b"-1e400",
        b"1.50",
        b"\"errcode\"",
        b"\"Code\"",
        b"\"error_code\"",
        b"\"code\"",
        b"\"items\"",
        b"\"total\"",
        b"\"RequestId\"",
        b"\"\\u0000\"",
        b"\xff",
        b"\xe5\xbc",
        b"<html>",
        b"true",
        b"  ",
    ];
    let mut body = Vec::new();
    for _ in 0..rng.below(40) {
        body.extend_from_slice(rng.pick(fragments));
    }
    if rng.below(4) == 0 {
        body = format!(
            "{{\"errcode\":\"{}\",\"Code\":{},\"items\":[{{\"id\":{}}}],\"total\":{}}}",
            rng.below(3),
            rng.below(600),
            rng.below(10),
            rng.below(100)
        )
        .into_bytes();
    }
    let mut response = format!(
        "HTTP/1.1 {status} X\r\n{headers}content-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend(body);
    response
}

#[tokio::test]
async fn random_answers_never_panic_the_decoder_the_envelope_or_the_pages() {
    use meterage_runtime::pagination::{Page, PageNumber, Paginate};
    use meterage_runtime::{ErrorEnvelope, SuccessRule, TryStreamExt};

    static ENVELOPE: ErrorEnvelope = ErrorEnvelope {
        code: &["/errcode", "/Code", "/error/code"],
        message: &["/errmsg", "/Message"],
        request_id: &["/RequestId"],
        request_id_header: Some("x-request-id"),
        success: SuccessRule::Codes(&["0"]),
        transient: &["1"],
        ..ErrorEnvelope::NONE
    };
    static LIST: Operation = Operation {
        envelope: &ENVELOPE,
        ..Operation::get("ListRandom", "/hostile")
    };

    #[derive(Debug, serde::Deserialize)]
    struct Items {
        #[serde(default)]
        items: Vec<Value>,
        total: Option<u64>,
    }

    impl Page for Items {
        type Item = Value;
        type Index = i64;
        fn items(&self) -> &[Value] {
            &self.items
        }
        fn into_items(self) -> Vec<Value> {
            self.items
        }
        fn total(&self) -> Option<u64> {
            self.total
        }
    }

    #[derive(Debug, Clone)]
    struct ListRandom(Client);

    impl Paginate for ListRandom {
        type Page = Items;
        type Item = Value;
        type Index = i64;
        type Style = PageNumber<i64>;

        const PAGINATION: PageNumber<i64> = PageNumber {
            page_param: "page",
            size_param: "size",
            first_page: 1,
            default_size: Some(1),
            last_page: Some(20),
        };
        fn operation(&self) -> &'static Operation {
            &LIST
        }
        fn client(&self) -> &Client {
            &self.0
        }
        fn start_page(&self) -> Option<i64> {
            None
        }
        fn page_size(&self) -> Option<i64> {
            None
        }
        fn page_request(&self, page: i64) -> Result<Request, Error> {
            let mut request = Request::new(&LIST);
            request.query("page", &page);
            Ok(request)
        }
    }

    let rng = Arc::new(std::sync::Mutex::new(Rng(0x9E37_79B9_7F4A_7C15)));
    let served = rng.clone();
    let behaviour: Behaviour = Arc::new(move |mut stream| {
        let response = random_response(&mut served.lock().unwrap());
        tokio::spawn(async move {
            let _ = stream.write_all(&response).await;
            let _ = stream.shutdown().await;
        })
    });
    let (base, connections) = serve(behaviour).await;
    let client = Client::builder(&base)
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy::standard().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let mut outcomes = [0usize; 3];
    for _ in 0..150 {
        let call = client.send::<Value>(Request::new(&LIST));
        match tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .unwrap()
        {
            Ok(_) => outcomes[0] += 1,
            Err(error) => {
                assert_eq!(error.operation(), Some("ListRandom"), "{error:?}");
                outcomes[1] += 1;
            }
        }
        let pages = ListRandom(client.clone()).items().max_pages(30);
        let walked = tokio::time::timeout(Duration::from_secs(30), pages.try_collect::<Vec<_>>());
        if walked.await.unwrap().is_err() {
            outcomes[2] += 1;
        }
    }
    // The generator reaches successes and failures of both kinds of call.
    assert!(
        outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0,
        "{outcomes:?}"
    );
    assert!(connections.load(Ordering::SeqCst) >= 300);
}

//! Section 6: reading a large body (a GSL page of 568 pools, about 268 KB) without
//! decoding it, against `reqwest`'s own `bytes()` of the same answer.
//!
//! Three readers of one loopback server's fixed answer: `reqwest` + `bytes()` (the
//! floor), the runtime's `Client::send_raw` for an operation whose envelope reads
//! nothing in success bodies (the transport and the capped read alone), and the
//! generated GSL `send_raw()` (whose envelope names a body request id, so the body is
//! also scanned for it: the bench server sends no `X-Request-Id`).

use std::hint::black_box;
use std::time::Duration;

use meterage_clients::runtime::{Client, ErrorEnvelope, Operation, Request};

use super::{body_of, fixed_pages, gsl_client, median, micros};

/// Pools in the page: its body is about 268 KB.
const POOLS: u64 = 568;
/// The page size asked for (the API's largest; the server answers [`POOLS`] anyway).
const LIMIT: i64 = 500;

/// The same listing as an operation of its own, whose envelope reads nothing in a
/// success body: `send_raw` is then the transport and the capped read.
static PLAIN: Operation = Operation {
    public: true,
    envelope: &ErrorEnvelope::NONE,
    ..Operation::get("ListSimPools", "/v1/sim-pools")
};

/// The three readers of one server.
struct Readers {
    url: String,
    http: reqwest::Client,
    runtime: Client,
    generated: meterage_clients::huawei_gsl::Client,
}

impl Readers {
    async fn new() -> Readers {
        let base = fixed_pages(POOLS).await;
        Readers {
            url: format!("{base}/v1/sim-pools?limit={LIMIT}&offset=1"),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("reqwest"),
            runtime: Client::builder(base.as_str()).build().expect("client"),
            generated: gsl_client(&base),
        }
    }

    /// `reqwest` and `bytes()`: the floor.
    async fn hand(&self) -> usize {
        let bytes = body_of(
            self.http
                .get(&self.url)
                .header("Accept", "application/json"),
        )
        .await;
        black_box(bytes).len()
    }

    /// The runtime's `send_raw`, no envelope.
    async fn runtime(&self) -> usize {
        let mut request = Request::new(&PLAIN);
        request.query("limit", &LIMIT);
        request.query("offset", &1);
        let response = self.runtime.send_raw(request).await.expect("body");
        black_box(response.into_inner()).len()
    }

    /// The generated GSL `send_raw()`.
    async fn generated(&self) -> usize {
        let call = self.generated.list_sim_pools().limit(LIMIT).offset(1);
        black_box(call.send_raw().await.expect("body").into_inner()).len()
    }
}

pub(super) async fn read() {
    let readers = Readers::new().await;
    let size = readers.hand().await;
    assert_eq!(readers.runtime().await, size);
    assert_eq!(readers.generated().await, size);
    println!(
        "\n## Reading a body of {} KB ({POOLS} pools) undecoded",
        size / 1000
    );
    println!("| reader | µs | ratio to `bytes()` |");
    println!("|---|---:|---:|");
    let (mut hand, mut runtime, mut generated) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        hand = hand.min(
            median(20, 200, || async {
                black_box(readers.hand().await);
            })
            .await,
        );
        runtime = runtime.min(
            median(20, 200, || async {
                black_box(readers.runtime().await);
            })
            .await,
        );
        generated = generated.min(
            median(20, 200, || async {
                black_box(readers.generated().await);
            })
            .await,
        );
    }
    let ratio = |d: Duration| d.as_secs_f64() / hand.as_secs_f64();
    println!("| `reqwest` + `bytes()` | {:.1} | 1.000 |", micros(hand));
    println!(
        "| `Client::send_raw`, no envelope | {:.1} | {:.3} |",
        micros(runtime),
        ratio(runtime)
    );
    println!(
        "| generated GSL `send_raw()` (body request id) | {:.1} | {:.3} |",
        micros(generated),
        ratio(generated)
    );
}

/// Reads the body 2,000 times one way (`hand`, `runtime`, `generated`), for
/// instruction counts under `valgrind --tool=callgrind`.
pub(super) async fn variant(variant: &str) {
    let readers = Readers::new().await;
    for _ in 0..2000 {
        match variant {
            "hand" => black_box(readers.hand().await),
            "runtime" => black_box(readers.runtime().await),
            _ => black_box(readers.generated().await),
        };
    }
    println!("read the body of {POOLS} pools 2000 times: {variant}");
}

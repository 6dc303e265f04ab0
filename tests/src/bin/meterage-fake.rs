//! `meterage-fake API [RECORDS [LATENCY_MS]]`: serves the vendor fake of one API on loopback and
//! prints the environment a client of it reads, to try the `meterage` command line (or
//! an example) against it without the vendor:
//!
//! ```sh
//! cargo run -p meterage-tests --bin meterage-fake -- kaopuyun 100000 > fake.env &
//! sleep 5; . ./fake.env; meterage kaopuyun describe-flow-bills --format table
//! ```
//!
//! `LATENCY_MS` delays each listing answer, as a distant vendor does (to watch the
//! progress bar). It serves until stopped (Ctrl-C).

use std::process::ExitCode;

use meterage_tests::environment::{self, APIS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        eprintln!(
            "usage: meterage-fake API [RECORDS]\nAPI: one of {}",
            APIS.join(", ")
        );
        ExitCode::from(2)
    };
    let number =
        |text: Option<&String>, default: u64| text.map_or(Some(default), |t| t.parse().ok());
    let (Some(api), Some(records), Some(latency), None) = (
        args.first(),
        number(args.get(1), 1_000),
        number(args.get(2), 0),
        args.get(3),
    ) else {
        return usage();
    };
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    else {
        eprintln!("meterage-fake: cannot start the async runtime");
        return ExitCode::FAILURE;
    };
    let dir = std::env::temp_dir().join(format!("meterage-fake-{}", std::process::id()));
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("meterage-fake: cannot create {}: {error}", dir.display());
        return ExitCode::FAILURE;
    }
    runtime.block_on(async {
        let Some(running) = environment::start(api, records, &dir).await else {
            return usage();
        };
        running
            .dataset
            .set_latency(std::time::Duration::from_millis(latency));
        for (name, value) in &running.env {
            println!("export {name}='{value}'");
        }
        eprintln!("meterage-fake: {api} with {records} records; serving until stopped (Ctrl-C)");
        std::future::pending::<()>().await;
        ExitCode::SUCCESS
    })
}

//! Every flow bill of a Kaopuyun account, one JSON object per line, in server order.
//!
//! ```sh
//! KAOPUYUN_URL=https://openapi.kaopuyun.com KAOPUYUN_ACCESS_KEY_ID=... \
//!     KAOPUYUN_ACCESS_KEY_SECRET=... cargo run --release --example kaopuyun_flow_bills
//! ```
//!
//! A temporary (STS) key also sets `KAOPUYUN_SECURITY_TOKEN`. `METERAGE_CA_FILE` names a
//! PEM file of CA certificates to trust besides the system's.

use std::io::Write;
use std::process::ExitCode;

use meterage_clients::kaopuyun::Client;
use meterage_clients::runtime::{serde_json, TryStreamExt};

mod support;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut bills = client.describe_flow_bills().items();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(bill) = bills.try_next().await? {
        serde_json::to_writer(&mut out, &bill)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

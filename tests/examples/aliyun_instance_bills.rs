//! Every instance bill of an Alibaba Cloud account in a billing cycle, one JSON object
//! per line, in server order.
//!
//! ```sh
//! METERAGE_BILLING_MONTH=2026-11 ALIBABA_CLOUD_ACCESS_KEY_ID=... \
//!     ALIBABA_CLOUD_ACCESS_KEY_SECRET=... cargo run --release --example aliyun_instance_bills
//! ```
//!
//! A temporary (STS) key also sets `ALIBABA_CLOUD_SECURITY_TOKEN`;
//! `ALIBABA_CLOUD_BSS_URL` replaces the public endpoint (`https://business.aliyuncs.com`).
//! `METERAGE_CA_FILE` names a PEM file of CA certificates to trust besides the system's.

use std::io::Write;
use std::process::ExitCode;

use meterage_clients::aliyun_bss::Client;
use meterage_clients::runtime::{serde_json, TryStreamExt};

mod support;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let month = std::env::var("METERAGE_BILLING_MONTH")
        .map_err(|_| "METERAGE_BILLING_MONTH must be set to the billing cycle, yyyy-MM")?;
    let client = Client::from_env()?;
    let request = client.describe_instance_bill(month.as_str());
    let mut bills = request.max_results(300).items();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(bill) = bills.try_next().await? {
        writeln!(out, "{}", serde_json::to_string(&bill)?)?;
    }
    Ok(out.flush()?)
}

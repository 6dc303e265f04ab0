//! Every usage detail of an Azure subscription in the service's default period (the
//! current billing period), one JSON object per line, in server order.
//!
//! ```sh
//! AZURE_TENANT_ID=... AZURE_CLIENT_ID=... AZURE_CLIENT_SECRET=... \
//!     AZURE_SUBSCRIPTION_ID=... cargo run --release --example azure_usage_details
//! ```
//!
//! The application (service principal) signs in to Entra ID with its client secret;
//! `AZURE_AUTHORITY_HOST` (default `https://login.microsoftonline.com`) and
//! `AZURE_MANAGEMENT_URL` (default `https://management.azure.com`) move the sign-in and
//! the calls to another cloud. `METERAGE_CA_FILE` names a PEM file of CA certificates to
//! trust besides the system's.

use std::io::Write;
use std::process::ExitCode;

use meterage_clients::azure_consumption::Client;
use meterage_clients::runtime::{serde_json, TryStreamExt};

mod support;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let subscription = std::env::var("AZURE_SUBSCRIPTION_ID")
        .map_err(|_| "the environment variable AZURE_SUBSCRIPTION_ID is not set")?;
    let client = Client::from_env()?;
    let scope = format!("/subscriptions/{subscription}");
    let mut details = client.usage_details_list(scope).items();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // One detail a line, as the service sent it (its wire names, its digits).
    while let Some(detail) = details.try_next().await? {
        writeln!(out, "{}", serde_json::to_string(&detail)?)?;
    }
    out.flush()?;
    Ok(())
}

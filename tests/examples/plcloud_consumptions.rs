//! Every consumption record of a PLCloud console account, one JSON object per line, in
//! server order.
//!
//! ```sh
//! PLCLOUD_URL=https://console.plcloud.com PLCLOUD_USERNAME=... PLCLOUD_PASSWORD=... \
//!     cargo run --release --example plcloud_consumptions
//! ```
//!
//! `METERAGE_CA_FILE` names a PEM file of CA certificates to trust besides the system's.

use std::io::Write;
use std::process::ExitCode;

use meterage_clients::plcloud::Client;
use meterage_clients::runtime::serde_json;

mod support;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    // The console answers with one list: the query is not paged.
    let records = client.get_consumptions_by_query().send().await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for record in &records.data {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

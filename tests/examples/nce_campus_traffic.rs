//! Every user traffic record of a Huawei iMaster NCE-Campus controller, one JSON object
//! per line, in server order.
//!
//! ```sh
//! NCE_CAMPUS_URL=https://nce.example.com:18002 NCE_CAMPUS_USERNAME=... NCE_CAMPUS_PASSWORD=... \
//!     cargo run --release --example nce_campus_traffic
//! ```
//!
//! `METERAGE_CA_FILE` names a PEM file of CA certificates to trust besides the system's
//! (controllers often run on a certificate of a private CA).

use std::io::Write;
use std::process::ExitCode;

use meterage_clients::nce_campus::Client;
use meterage_clients::runtime::{serde_json, TryStreamExt};

mod support;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut users = client.get_time_flow_st_info_list().items();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(user) = users.try_next().await? {
        serde_json::to_writer(&mut out, &user)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

//! Every SIM flow pool of a Huawei Cloud Global SIM Link account, one JSON object per
//! line, in server order.
//!
//! ```sh
//! # AK/SK signing (HUAWEICLOUD_SDK_PROJECT_ID optional):
//! HUAWEI_GSL_URL=https://gsl.cn-north-4.myhuaweicloud.com \
//!     HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... \
//!     cargo run --release --example huawei_gsl_sim_pools
//! # or an IAM token (HUAWEICLOUD_REGION optional, default cn-north-4):
//! HUAWEI_GSL_URL=... HUAWEICLOUD_SDK_IAM_ENDPOINT=https://iam.cn-north-4.myhuaweicloud.com \
//!     HUAWEICLOUD_USERNAME=... HUAWEICLOUD_PASSWORD=... HUAWEICLOUD_DOMAIN_NAME=... \
//!     cargo run --release --example huawei_gsl_sim_pools
//! ```
//!
//! `METERAGE_CA_FILE` names a PEM file of CA certificates to trust besides the system's.

use std::io::Write;
use std::process::ExitCode;

use meterage_clients::huawei_gsl::Client;
use meterage_clients::runtime::{serde_json, TryStreamExt};

mod support;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut pools = client.list_sim_pools().items();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(pool) = pools.try_next().await? {
        serde_json::to_writer(&mut out, &pool)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

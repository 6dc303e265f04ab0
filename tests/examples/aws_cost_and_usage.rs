//! The daily cost and usage of an AWS account for one month, by service: every
//! `ResultsByTime` entry of Cost Explorer's `GetCostAndUsage`, one JSON object per line,
//! in server order.
//!
//! ```sh
//! METERAGE_BILLING_MONTH=2025-01 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//!     cargo run --release --example aws_cost_and_usage
//! ```
//!
//! Temporary credentials also set `AWS_SESSION_TOKEN`; `AWS_REGION` (default
//! `us-east-1`) is the signing region; `AWS_ENDPOINT_URL_COST_EXPLORER`, else
//! `AWS_ENDPOINT_URL`, replaces the public endpoint. `METERAGE_CA_FILE` names a PEM
//! file of CA certificates to trust besides the system's.

use std::io::Write;
use std::process::ExitCode;

use meterage_clients::aws_cost_explorer::types::{
    DateInterval, Granularity, GroupDefinition, GroupDefinitionType, MetricName,
};
use meterage_clients::aws_cost_explorer::Client;
use meterage_clients::runtime::{serde_json, TryStreamExt};

mod support;

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (start, end) = month()?;
    let client = Client::from_env()?;
    let period = DateInterval { start, end };
    let metrics = [MetricName::UnblendedCost, MetricName::UsageQuantity];
    let by_service = GroupDefinition {
        r#type: Some(GroupDefinitionType::Dimension),
        key: Some("SERVICE".into()),
    };
    let mut results = client
        .get_cost_and_usage(period, Granularity::Daily, metrics)
        .group_by(vec![by_service])
        .items();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(result) = results.try_next().await? {
        writeln!(out, "{}", serde_json::to_string(&result)?)?;
    }
    Ok(out.flush()?)
}

/// `METERAGE_BILLING_MONTH` (`yyyy-MM`) as its first day and the next month's.
fn month() -> Result<(String, String), String> {
    let text = std::env::var("METERAGE_BILLING_MONTH").unwrap_or_default();
    let parsed = text
        .split_once('-')
        .filter(|(year, month)| year.len() == 4 && month.len() == 2)
        .and_then(|(year, month)| Some((year.parse::<u16>().ok()?, month.parse::<u8>().ok()?)))
        .filter(|(_, month)| (1..=12).contains(month));
    let Some((year, month)) = parsed else {
        return Err(format!(
            "METERAGE_BILLING_MONTH must be a month, yyyy-MM; got {text:?}"
        ));
    };
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    Ok((
        format!("{year:04}-{month:02}-01"),
        format!("{next_year:04}-{next_month:02}-01"),
    ))
}

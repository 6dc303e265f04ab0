//! `meterage API OPERATION` against every vendor fake of `meterage-tests`: the JSON
//! Lines it prints are the fake's records, field by field; a bad parameter is refused
//! with exit code 2 before any request; refused credentials exit 3 with the vendor's
//! code; nothing is on standard error when the run succeeds (not a terminal).

mod support;

use std::path::Path;

use meterage_tests::records::{assert_same_records, expected};
use meterage_tests::{aliyun, aws, azure, gsl, kaopuyun, nce, plcloud, Options, Server};
use support::{fails, folder, meterage, records};

fn kaopuyun_env(server: &Server, secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("KAOPUYUN_URL", server.base_url()),
        ("KAOPUYUN_ACCESS_KEY_ID", kaopuyun::KEY.0.to_owned()),
        ("KAOPUYUN_ACCESS_KEY_SECRET", secret.to_owned()),
    ]
}

#[tokio::test]
async fn kaopuyun_flow_bills() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(47);
    let op = ["kaopuyun", "describe-flow-bills"];
    let output = meterage(&op, kaopuyun_env(&server, kaopuyun::KEY.1)).await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(47)));
    // The money with the vendor's own digits.
    assert!(String::from_utf8_lossy(&output.stdout).contains(r#""PayPrice":25.0"#));
    let requests = server.log.requests().len();

    // A page size past the spec's maximum: refused before sending.
    let output = meterage(
        &[op[0], op[1], "--page-size", "51"],
        kaopuyun_env(&server, kaopuyun::KEY.1),
    )
    .await;
    fails(&output, 2, &["kaopuyun describe-flow-bills", "51"]);
    // A value of the wrong type.
    let output = meterage(
        &[op[0], op[1], "--page-number", "two"],
        kaopuyun_env(&server, kaopuyun::KEY.1),
    )
    .await;
    fails(&output, 2, &["--page-number", "\"two\""]);
    assert_eq!(server.log.requests().len(), requests, "nothing was sent");

    // A wrong secret: the vendor's code, exit 3, no secret shown.
    let output = meterage(&op, kaopuyun_env(&server, "not-the-secret")).await;
    let line = fails(
        &output,
        3,
        &[
            "kaopuyun describe-flow-bills: auth error: HTTP",
            "request id",
        ],
    );
    assert!(!line.contains("not-the-secret"), "{line}");
    assert_eq!(line.lines().count(), 1, "{line}");
}

#[tokio::test]
async fn kaopuyun_limits_records_and_pages() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(47);
    let env = || kaopuyun_env(&server, kaopuyun::KEY.1);
    let op = ["kaopuyun", "describe-flow-bills", "--page-size", "10"];
    let output = meterage(&[&op[..], &["--max-records", "15"]].concat(), env()).await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(15)));
    assert_eq!(
        server.log.listing_pages(),
        [1, 2],
        "no page past the 15th record"
    );

    let output = meterage(&[&op[..], &["--max-pages", "3"]].concat(), env()).await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(30)));
    assert_eq!(server.log.listing_pages(), [1, 2, 1, 2, 3]);

    // One page of your choice: the operation's own page parameter, and one page.
    let third = [&op[..], &["--page-number", "3", "--max-pages", "1"]].concat();
    let output = meterage(&third, env()).await;
    let want: Vec<_> = expected(kaopuyun::bills(30)).split_off(20);
    assert_same_records(&records(&output), &want);
    assert_eq!(server.log.listing_pages(), [1, 2, 1, 2, 3, 3]);
}

#[tokio::test]
async fn a_reader_that_stops_reading_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let server = kaopuyun::start().await;
    server.dataset.set_len(20_000);
    let env = kaopuyun_env(&server, kaopuyun::KEY.1);
    let output = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_meterage"))
            .args(["kaopuyun", "describe-flow-bills", "--page-size", "50"])
            .env_clear()
            .envs(env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("meterage runs");
        // `| head -1`.
        let mut first = String::new();
        let stdout = child.stdout.take().expect("piped");
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("a line");
        assert!(first.contains("BillUUID"), "{first}");
        child.wait_with_output().expect("exits")
    })
    .await
    .expect("joined");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(support::stderr(&output), "");
    assert!(server.log.listing_requests() < 400, "it stopped early");
}

/// On a terminal (`script` gives one), standard error shows the progress of records
/// written to a file: records, pages and the total the vendor sends; `--quiet` shows none,
/// nor do records written to the terminal.
#[cfg(unix)]
#[tokio::test]
async fn progress_shows_on_a_terminal_only() {
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: no /usr/bin/script to make a terminal");
        return;
    }
    let server = kaopuyun::start().await;
    server.dataset.set_len(200);
    server
        .dataset
        .set_latency(std::time::Duration::from_millis(150));
    let dir = folder("progress");
    let out = dir.join("bills.jsonl");
    let to_file = format!("-o {}", out.display());
    let run = |flags: &str| {
        let line = format!(
            "{} kaopuyun describe-flow-bills --page-size 50 {flags}",
            env!("CARGO_BIN_EXE_meterage"),
        );
        let env = kaopuyun_env(&server, kaopuyun::KEY.1);
        tokio::task::spawn_blocking(move || {
            std::process::Command::new("/usr/bin/script")
                .args(["-qec", &line, "/dev/null"])
                .env_clear()
                .envs(env)
                .env("TERM", "xterm")
                .output()
                .expect("script runs")
        })
    };
    let output = run(&to_file).await.expect("joined");
    assert!(output.status.success(), "{output:?}");
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(
        terminal.contains("/200 records"),
        "the vendor's total: {terminal}"
    );
    let quiet = run(&format!("{to_file} --quiet")).await.expect("joined");
    assert!(quiet.status.success(), "{quiet:?}");
    assert!(!String::from_utf8_lossy(&quiet.stdout).contains("records"));
    // The records on the terminal: no bar among them.
    let scrolling = run("").await.expect("joined");
    let terminal = String::from_utf8_lossy(&scrolling.stdout);
    assert!(terminal.contains("BillUUID"), "{terminal}");
    assert!(!terminal.contains("records"), "{terminal}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn month_sets_the_period_and_names_the_partition() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(23);
    let env = || kaopuyun_env(&server, kaopuyun::KEY.1);
    let op = ["kaopuyun", "describe-flow-bills", "--month", "2026-02"];
    let output = meterage(&op, env()).await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(23)));
    let query = server.log.requests()[0].query.clone().unwrap_or_default();
    for sent in [
        "BillBeginDate=2026-02-01%2000%3A00%3A00",
        "BillEndDate=2026-02-28%2023%3A59%3A59",
    ] {
        assert!(query.contains(sent), "{sent} not in {query}");
    }
    let both = [&op[..], &["--bill-end-date", "2026-02-10 00:00:00"]].concat();
    fails(
        &meterage(&both, env()).await,
        2,
        &["--month sets --bill-end-date"],
    );

    // A Hive-style partition, replaced whole by a run that succeeds, kept by one that
    // fails.
    let dir = folder("partition");
    let root = dir.display().to_string();
    let parquet = [&op[..], &["--format", "parquet", "--partition", &root]].concat();
    let output = meterage(&parquet, env()).await;
    assert!(output.status.success(), "{}", support::stderr(&output));
    let file = dir.join("api=kaopuyun/month=2026-02/part-0.parquet");
    let written = std::fs::read(&file).expect("the partition's file");
    assert!(written.starts_with(b"PAR1") && written.ends_with(b"PAR1"));
    let refused = meterage(&parquet, kaopuyun_env(&server, "not-the-secret")).await;
    fails(&refused, 3, &["SignatureDoesNotMatch"]);
    assert_eq!(std::fs::read(&file).expect("still there"), written);
    let left: Vec<_> = std::fs::read_dir(dir.join("api=kaopuyun"))
        .expect("listed")
        .map(|entry| entry.expect("an entry").file_name())
        .collect();
    assert_eq!(
        left,
        ["month=2026-02"],
        "the failed run left no hidden directory"
    );
    let no_month = [
        "kaopuyun",
        "describe-flow-bills",
        "--format",
        "parquet",
        "--partition",
        &root,
    ];
    fails(&meterage(&no_month, env()).await, 2, &["--month"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn aliyun_instance_bills() {
    let server = aliyun::start().await;
    server.dataset.set_len(647);
    let (id, secret) = aliyun::KEYS.key;
    let env = |secret: &str| {
        vec![
            ("ALIBABA_CLOUD_BSS_URL", server.base_url()),
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", id.to_owned()),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret.to_owned()),
        ]
    };
    let op = [
        "aliyun-bss",
        "describe-instance-bill",
        "--max-results",
        "300",
    ];
    let month = [&op[..], &["--billing-cycle", "2026-11"]].concat();
    let output = meterage(&month, env(secret)).await;
    assert_same_records(&records(&output), &expected(aliyun::bills(647)));
    assert_eq!(server.log.listing_pages(), [1, 2, 3]);

    // The month as the period: the same bills.
    let by_month = [&op[..], &["--month", "2026-11"]].concat();
    let output = meterage(&by_month, env(secret)).await;
    assert_same_records(&records(&output), &expected(aliyun::bills(647)));
    let query = server.log.requests()[3].query.clone().unwrap_or_default();
    assert!(query.contains("BillingCycle=2026-11"), "{query}");

    let bad = [&op[..], &["--billing-cycle", "2026-13"]].concat();
    fails(&meterage(&bad, env(secret)).await, 2, &["BillingCycle"]);
    // A required parameter missing: clap's usage error.
    fails(&meterage(&op, env(secret)).await, 2, &["--billing-cycle"]);
    assert_eq!(
        server.log.requests().len(),
        6,
        "nothing sent after the two runs"
    );

    let output = meterage(&month, env("wrong")).await;
    fails(&output, 3, &["auth error", "SignatureDoesNotMatch"]);
}

#[tokio::test]
async fn aws_cost_and_usage() {
    let server = aws::start().await;
    server.dataset.set_len(40);
    let env = |secret: &str| {
        vec![
            ("AWS_ENDPOINT_URL_COST_EXPLORER", server.base_url()),
            ("AWS_ACCESS_KEY_ID", aws::KEY.0.to_owned()),
            ("AWS_SECRET_ACCESS_KEY", secret.to_owned()),
        ]
    };
    let op = [
        "aws-cost-explorer",
        "get-cost-and-usage",
        "--granularity",
        "DAILY",
        "--metrics",
        "UnblendedCost",
        "--metrics",
        "UsageQuantity",
        "--group-by",
        r#"[{"Type":"DIMENSION","Key":"SERVICE"}]"#,
    ];
    let january = [
        &op[..],
        &[
            "--time-period",
            r#"{"Start":"2025-01-01","End":"2025-02-01"}"#,
        ],
    ]
    .concat();
    let output = meterage(&january, env(aws::KEY.1)).await;
    assert_same_records(&records(&output), &expected((0..31).map(aws::result)));
    let body: serde_json::Value =
        serde_json::from_slice(&server.log.requests()[0].body).expect("JSON");
    assert_eq!(
        body["Metrics"],
        serde_json::json!(["UnblendedCost", "UsageQuantity"])
    );
    let requests = server.log.requests().len();

    let bad = [&op[..], &["--time-period", r#"{"Start":"2025-01-01""#]].concat();
    fails(
        &meterage(&bad, env(aws::KEY.1)).await,
        2,
        &["--time-period", "JSON"],
    );
    let weekly: Vec<&str> = january
        .iter()
        .map(|arg| if *arg == "DAILY" { "WEEKLY" } else { arg })
        .collect();
    fails(
        &meterage(&weekly, env(aws::KEY.1)).await,
        2,
        &["WEEKLY", "DAILY"],
    );
    assert_eq!(server.log.requests().len(), requests);

    let output = meterage(&january, env("not-the-secret")).await;
    let line = fails(&output, 3, &["InvalidSignatureException"]);
    assert!(!line.contains("not-the-secret"));
}

#[tokio::test]
async fn azure_usage_details_over_https() {
    let arm = azure::start_with(Options::https()).await;
    let entra = azure::start_entra(&arm).await;
    arm.dataset.set_len(1234);
    let dir = folder("azure");
    let ca = dir.join("ca.pem");
    let both = [arm.ca_pem(), entra.ca_pem()]
        .map(|pem| pem.expect("a CA"))
        .concat();
    std::fs::write(&ca, both).expect("CA file");
    let env = |secret: &str| {
        vec![
            ("AZURE_MANAGEMENT_URL", arm.base_url()),
            ("AZURE_AUTHORITY_HOST", entra.base_url()),
            ("AZURE_TENANT_ID", azure::TENANT_ID.to_owned()),
            ("AZURE_CLIENT_ID", azure::CLIENT.0.to_owned()),
            ("AZURE_CLIENT_SECRET", secret.to_owned()),
            ("METERAGE_CA_FILE", ca.display().to_string()),
        ]
    };
    let scope = format!("/subscriptions/{}", azure::SUBSCRIPTION_ID);
    let op = ["azure-consumption", "usage-details-list", "--scope", &scope];
    let output = meterage(&op, env(azure::CLIENT.1)).await;
    let want = expected(azure::usage_details(1234).map(azure::without_nulls));
    assert_same_records(&records(&output), &want);
    assert_eq!(arm.log.listing_requests(), 2);

    let bad = [&op[..], &["--top", "0"]].concat();
    fails(
        &meterage(&bad, env(azure::CLIENT.1)).await,
        2,
        &["usage-details-list"],
    );
    assert_eq!(arm.log.listing_requests(), 2);

    let output = meterage(&op, env("Qx8Q~wrong-secret")).await;
    let line = fails(&output, 3, &["AADSTS7000215"]);
    assert!(!line.contains("Qx8Q~wrong-secret"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn huawei_gsl_sim_pools() {
    let server = gsl::start().await;
    server.dataset.set_len(64);
    let env = |secret: &str| {
        vec![
            ("HUAWEI_GSL_URL", server.base_url()),
            ("HUAWEICLOUD_SDK_AK", gsl::AKSK.0.to_owned()),
            ("HUAWEICLOUD_SDK_SK", secret.to_owned()),
        ]
    };
    let op = ["huawei-gsl", "list-sim-pools"];
    let output = meterage(&op, env(gsl::AKSK.1)).await;
    assert_same_records(&records(&output), &expected(gsl::pools(64)));
    let requests = server.log.requests().len();

    let bad = [&op[..], &["--limit", "9"]].concat();
    fails(&meterage(&bad, env(gsl::AKSK.1)).await, 2, &["limit"]);
    let bad = [&op[..], &["--billing-cycle", "2021-4"]].concat();
    fails(&meterage(&bad, env(gsl::AKSK.1)).await, 2, &["billing"]);
    assert_eq!(server.log.requests().len(), requests);

    fails(
        &meterage(&op, env("wrong")).await,
        3,
        &["huawei-gsl list-sim-pools: auth error"],
    );
}

#[tokio::test]
async fn nce_campus_traffic_over_https() {
    let server = nce::start_with(Options::https()).await;
    server.dataset.set_len(73);
    let dir = folder("nce");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, server.ca_pem().expect("a CA")).expect("CA file");
    let env = |password: &str| {
        vec![
            ("NCE_CAMPUS_URL", server.base_url()),
            ("NCE_CAMPUS_USERNAME", nce::USER.0.to_owned()),
            ("NCE_CAMPUS_PASSWORD", password.to_owned()),
            ("METERAGE_CA_FILE", ca.display().to_string()),
        ]
    };
    let op = ["nce-campus", "get-time-flow-st-info-list"];
    let output = meterage(&op, env(nce::USER.1)).await;
    assert_same_records(&records(&output), &expected(nce::records(73)));
    let requests = server.log.requests().len();

    let long = "x".repeat(65);
    let bad = [&op[..], &["--user-name", &long]].concat();
    fails(&meterage(&bad, env(nce::USER.1)).await, 2, &["64"]);
    let bad = [&op[..], &["--sort", "name"]].concat();
    fails(
        &meterage(&bad, env(nce::USER.1)).await,
        2,
        &["name", "userName"],
    );
    assert_eq!(server.log.requests().len(), requests);

    let output = meterage(&op, env("wrong")).await;
    fails(&output, 3, &["auth error", "Username or password error"]);

    // A secret parameter is never a flag.
    let secret = ["nce-campus", "delete-token", "--token", "abc-token-value"];
    let line = fails(
        &meterage(&secret, env(nce::USER.1)).await,
        2,
        &["METERAGE_NCE_CAMPUS_TOKEN"],
    );
    assert!(!line.contains("abc-token-value"), "{line}");
    assert_eq!(server.log.requests().len(), requests + 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn plcloud_consumptions() {
    let server = plcloud::start().await;
    server.dataset.set_len(31);
    let env = |password: &str| {
        vec![
            ("PLCLOUD_URL", server.base_url()),
            ("PLCLOUD_USERNAME", plcloud::USER.0.to_owned()),
            ("PLCLOUD_PASSWORD", password.to_owned()),
        ]
    };
    let op = ["plcloud", "get-consumptions-by-query"];
    let output = meterage(&op, env(plcloud::USER.1)).await;
    // Not paged: the records are the elements of the body's `data` (`x-records`).
    assert_same_records(&records(&output), &expected(plcloud::records(31)));
    let requests = server.log.requests().len();

    let bad = [&op[..], &["--start-at", "2026-1-01"]].concat();
    fails(&meterage(&bad, env(plcloud::USER.1)).await, 2, &["start"]);
    let bad = [&op[..], &["--type", "disk"]].concat();
    fails(&meterage(&bad, env(plcloud::USER.1)).await, 2, &["disk"]);
    assert_eq!(server.log.requests().len(), requests);

    fails(
        &meterage(&op, env("wrong")).await,
        3,
        &["plcloud get-consumptions-by-query: auth error"],
    );
}

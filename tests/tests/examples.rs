//! The examples (`tests/examples/*.rs`), run as their users run them, reading only
//! the environment, against the vendor fakes: each prints exactly the server's records,
//! one JSON object per line, and exits 0; on failure it prints the error on stderr and
//! exits non-zero.
//!
//! `cargo test` builds the examples before it runs this test; the binaries sit in
//! `target/<profile>/examples/`.

use std::path::PathBuf;
use std::process::{Command, Output};

use meterage_tests::records::{assert_same_records, expected, numbers_as_floats};
use meterage_tests::{aliyun, aws, azure, gsl, kaopuyun, nce, plcloud, Options, Server};
use serde_json::Value;

/// The binary of example `name`, next to this test's own binary.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let path = profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} is not built", path.display());
    path
}

/// Runs example `name` with exactly the environment `env`.
async fn run(name: &str, env: Vec<(&'static str, String)>) -> Output {
    let path = example(name);
    tokio::task::spawn_blocking(move || {
        Command::new(path)
            .env_clear()
            .envs(env)
            .output()
            .expect("the example runs")
    })
    .await
    .expect("joined")
}

/// The lines of stdout as JSON values (numbers as `f64`, as the fakes' records compare).
fn records(output: &Output) -> Vec<Value> {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .expect("UTF-8")
        .lines()
        .map(|line| {
            numbers_as_floats(serde_json::from_str(line).expect("one JSON object per line"))
        })
        .collect()
}

/// An example that reads its base URL and two credentials from the environment.
struct Example {
    /// Its name.
    name: &'static str,
    /// The variable of the base URL.
    url: &'static str,
    /// The variable of the user name or key id.
    user: &'static str,
    /// The variable of the password or secret key.
    secret: &'static str,
    /// The credentials the fake accepts.
    credentials: (&'static str, &'static str),
}

const NCE: Example = Example {
    name: "nce_campus_traffic",
    url: "NCE_CAMPUS_URL",
    user: "NCE_CAMPUS_USERNAME",
    secret: "NCE_CAMPUS_PASSWORD",
    credentials: nce::USER,
};

const GSL_AKSK: Example = Example {
    name: "huawei_gsl_sim_pools",
    url: "HUAWEI_GSL_URL",
    user: "HUAWEICLOUD_SDK_AK",
    secret: "HUAWEICLOUD_SDK_SK",
    credentials: gsl::AKSK,
};

const KAOPUYUN: Example = Example {
    name: "kaopuyun_flow_bills",
    url: "KAOPUYUN_URL",
    user: "KAOPUYUN_ACCESS_KEY_ID",
    secret: "KAOPUYUN_ACCESS_KEY_SECRET",
    credentials: kaopuyun::KEY,
};

/// The Kaopuyun example with the fake's temporary (STS) key; its token is a fourth
/// variable, `KAOPUYUN_SECURITY_TOKEN`.
const KAOPUYUN_STS: Example = Example {
    credentials: kaopuyun::TEMPORARY_KEY,
    ..KAOPUYUN
};

const ALIYUN: Example = Example {
    name: "aliyun_instance_bills",
    url: "ALIBABA_CLOUD_BSS_URL",
    user: "ALIBABA_CLOUD_ACCESS_KEY_ID",
    secret: "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    credentials: aliyun::KEYS.key,
};

const PLCLOUD: Example = Example {
    name: "plcloud_consumptions",
    url: "PLCLOUD_URL",
    user: "PLCLOUD_USERNAME",
    secret: "PLCLOUD_PASSWORD",
    credentials: plcloud::USER,
};

impl Example {
    /// The environment pointing the example at `server` with the credentials the fake
    /// accepts, or with `secret` instead of its password or secret key.
    fn env(&self, server: &Server, secret: Option<&str>) -> Vec<(&'static str, String)> {
        let (user, right) = self.credentials;
        vec![
            (self.url, server.base_url()),
            (self.user, user.to_owned()),
            (self.secret, secret.unwrap_or(right).to_owned()),
        ]
    }
}

/// Runs example `name` with exactly the environment `env` and checks that it printed
/// exactly the records `want`; its output.
async fn prints(name: &str, env: Vec<(&'static str, String)>, want: Vec<Value>) -> Output {
    let output = run(name, env).await;
    assert_same_records(&records(&output), &want);
    output
}

/// Checks that `output` is a failure that says `why` on stderr and prints no record.
fn fails_saying(output: &Output, why: &str) {
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(why), "{stderr}");
}

/// The CA of the HTTPS fake `server` in a PEM file of a fresh folder (for
/// `METERAGE_CA_FILE`): the folder, to remove, and the file.
fn ca_file(server: &Server, name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("meterage-{name}-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca = dir.join(format!("{name}-ca.pem"));
    std::fs::write(&ca, server.ca_pem().expect("a CA")).expect("CA file");
    (dir, ca)
}

#[tokio::test]
async fn nce_campus_traffic_prints_every_record_over_https() {
    let server = nce::start_with(Options::https()).await;
    server.dataset.set_len(73);
    let (dir, ca) = ca_file(&server, "nce");
    let trusting = |secret| {
        let mut env = NCE.env(&server, secret);
        env.push(("METERAGE_CA_FILE", ca.display().to_string()));
        env
    };
    prints(NCE.name, trusting(None), expected(nce::records(73))).await;

    let output = run(NCE.name, trusting(Some("wrong"))).await;
    fails_saying(&output, "Username or password error");
    assert!(output.stdout.is_empty());

    // Without the CA, the controller's certificate is refused.
    let output = run(NCE.name, NCE.env(&server, None)).await;
    fails_saying(&output, "certificate");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn huawei_gsl_sim_pools_prints_every_pool_with_aksk_or_an_iam_token() {
    let server = gsl::start().await;
    server.dataset.set_len(64);
    let every_pool = || expected(gsl::pools(64));
    prints(GSL_AKSK.name, GSL_AKSK.env(&server, None), every_pool()).await;

    let iam = gsl::start_iam(&server).await;
    let (user, password, domain, region) = gsl::USER;
    let env = vec![
        ("HUAWEI_GSL_URL", server.base_url()),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", iam.base_url()),
        ("HUAWEICLOUD_USERNAME", user.to_owned()),
        ("HUAWEICLOUD_PASSWORD", password.to_owned()),
        ("HUAWEICLOUD_DOMAIN_NAME", domain.to_owned()),
        ("HUAWEICLOUD_REGION", region.to_owned()),
    ];
    prints(GSL_AKSK.name, env, every_pool()).await;
    assert_eq!(iam.log.logins(), 1);

    fails_saying(&run(GSL_AKSK.name, vec![]).await, "HUAWEICLOUD_SDK_AK");
}

#[tokio::test]
async fn kaopuyun_flow_bills_prints_every_bill() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(47);
    let env = KAOPUYUN.env(&server, None);
    let output = prints(KAOPUYUN.name, env, expected(kaopuyun::bills(47))).await;
    // The money is printed with the vendor's own digits.
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(r#""PayPrice":25.0"#), "{text}");
}

#[tokio::test]
async fn kaopuyun_flow_bills_with_a_temporary_key_reads_its_token_from_the_environment() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(23);
    let env = |token: Option<&str>| {
        let mut env = KAOPUYUN_STS.env(&server, None);
        env.extend(token.map(|token| ("KAOPUYUN_SECURITY_TOKEN", token.to_owned())));
        env
    };
    let name = KAOPUYUN_STS.name;
    let every_bill = expected(kaopuyun::bills(23));
    prints(name, env(Some(kaopuyun::SECURITY_TOKEN)), every_bill).await;

    // Without the token, or with one the fake did not issue, the vendor's refusal, and
    // no secret on stderr.
    fails_saying(&run(name, env(None)).await, "MissingSecurityToken");
    let output = run(name, env(Some("CAIS-not-issued"))).await;
    fails_saying(&output, "InvalidSecurityToken.Malformed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("CAIS-not-issued") && !stderr.contains(kaopuyun::TEMPORARY_KEY.1),
        "{stderr}"
    );
}

#[tokio::test]
async fn aliyun_instance_bills_prints_every_bill_of_the_month() {
    let server = aliyun::start().await;
    server.dataset.set_len(647);
    let with_month = |mut env: Vec<(&'static str, String)>, month: &str| {
        env.push(("METERAGE_BILLING_MONTH", month.to_owned()));
        env
    };
    let env = with_month(ALIYUN.env(&server, None), "2026-11");
    let output = prints(ALIYUN.name, env, expected(aliyun::bills(647))).await;
    // The money is printed with the vendor's own digits.
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(r#""PretaxGrossAmount":10.0,"#), "{text}");
    // Three pages of 300 bills of the month, the next two asked with their tokens.
    let wire: Vec<String> = server
        .log
        .requests()
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(wire.len(), 3);
    for query in &wire {
        assert!(
            query.contains("BillingCycle=2026-11&MaxResults=300"),
            "{query}"
        );
    }
    assert_eq!(server.log.listing_pages(), [1, 2, 3]);

    // The vendor's refusal, and nothing printed; a month that is not one is refused
    // before anything is sent.
    let output = run(
        ALIYUN.name,
        with_month(ALIYUN.env(&server, Some("wrong")), "2026-11"),
    )
    .await;
    fails_saying(&output, "SignatureDoesNotMatch");
    assert!(output.stdout.is_empty());
    let output = run(
        ALIYUN.name,
        with_month(ALIYUN.env(&server, None), "2026-13"),
    )
    .await;
    fails_saying(
        &output,
        "parameter `BillingCycle` must be formatted `yyyy-MM`",
    );
    fails_saying(
        &run(ALIYUN.name, ALIYUN.env(&server, None)).await,
        "METERAGE_BILLING_MONTH",
    );
    assert_eq!(server.log.requests().len(), 4);
}

#[tokio::test]
async fn aliyun_instance_bills_with_a_temporary_key_over_https_trusting_the_ca_file() {
    let server = aliyun::start_with(Options::https()).await;
    server.dataset.set_len(12);
    let ca = std::env::temp_dir().join(format!("meterage-aliyun-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, server.ca_pem().expect("a CA")).expect("CA file");
    let (id, secret) = aliyun::KEYS.temporary;
    let env = |token: Option<&str>| {
        let mut env = vec![
            ("ALIBABA_CLOUD_BSS_URL", server.base_url()),
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", id.to_owned()),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret.to_owned()),
            ("METERAGE_BILLING_MONTH", "2026-10".to_owned()),
            ("METERAGE_CA_FILE", ca.display().to_string()),
        ];
        env.extend(token.map(|token| ("ALIBABA_CLOUD_SECURITY_TOKEN", token.to_owned())));
        env
    };
    prints(
        ALIYUN.name,
        env(Some(aliyun::KEYS.token)),
        expected(aliyun::bills(12)),
    )
    .await;
    let output = run(ALIYUN.name, env(None)).await;
    fails_saying(&output, "MissingSecurityToken");
    assert!(!String::from_utf8_lossy(&output.stderr).contains(secret));
    let _ = std::fs::remove_file(&ca);
}

#[tokio::test]
async fn plcloud_consumptions_prints_every_record() {
    let server = plcloud::start().await;
    server.dataset.set_len(31);
    prints(
        PLCLOUD.name,
        PLCLOUD.env(&server, None),
        expected(plcloud::records(31)),
    )
    .await;
}

/// The Cost Explorer example's environment: `endpoint` under `endpoint_var`, the key
/// `(id, secret)`, the month `2025-01`, and `extra`.
fn aws_env(
    endpoint_var: &'static str,
    server: &Server,
    (id, secret): (&str, &str),
    extra: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut env = vec![
        (endpoint_var, server.base_url()),
        ("AWS_ACCESS_KEY_ID", id.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", secret.to_owned()),
        ("METERAGE_BILLING_MONTH", "2025-01".to_owned()),
    ];
    env.extend(extra.iter().map(|&(name, value)| (name, value.to_owned())));
    env
}

#[tokio::test]
async fn aws_cost_and_usage_prints_every_daily_result_of_the_month() {
    let name = "aws_cost_and_usage";
    let server = aws::start().await;
    // More than January's days: the month bounds the results.
    server.dataset.set_len(40);
    let january = || expected((0..31).map(aws::result));
    let endpoint = "AWS_ENDPOINT_URL_COST_EXPLORER";
    let output = prints(name, aws_env(endpoint, &server, aws::KEY, &[]), january()).await;
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(r#""Amount":""#),
        "amounts stay decimal text: {text}"
    );
    // The global endpoint variable, a temporary key with its token.
    let token = [("AWS_SESSION_TOKEN", aws::SESSION_TOKEN)];
    let env = aws_env("AWS_ENDPOINT_URL", &server, aws::TEMPORARY_KEY, &token);
    prints(name, env, january()).await;
    let body: serde_json::Value =
        serde_json::from_slice(&server.log.requests()[0].body).expect("JSON");
    assert_eq!(
        body["TimePeriod"],
        serde_json::json!({"Start": "2025-01-01", "End": "2025-02-01"})
    );

    // The vendor's refusals, and nothing printed.
    let env = aws_env(endpoint, &server, aws::TEMPORARY_KEY, &[]);
    let output = run(name, env).await;
    fails_saying(&output, "UnrecognizedClientException");
    assert!(output.stdout.is_empty());
    let wrong = (aws::KEY.0, "not-the-secret");
    let output = run(name, aws_env(endpoint, &server, wrong, &[])).await;
    fails_saying(&output, "InvalidSignatureException");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("not-the-secret"));
    // AWS_REGION is the signing region.
    let region = [("AWS_REGION", "eu-west-1")];
    let output = run(name, aws_env(endpoint, &server, aws::KEY, &region)).await;
    fails_saying(&output, "Credential should be scoped to a valid region");
    let no_credentials = vec![("METERAGE_BILLING_MONTH", "2025-01".to_owned())];
    fails_saying(&run(name, no_credentials).await, "AWS_ACCESS_KEY_ID");
    let mut no_month = aws_env(endpoint, &server, aws::KEY, &[]);
    no_month.retain(|(name, _)| *name != "METERAGE_BILLING_MONTH");
    fails_saying(&run(name, no_month).await, "METERAGE_BILLING_MONTH");
}

#[tokio::test]
async fn aws_cost_and_usage_trusts_the_ca_file() {
    let server = aws::start_with(Options::https()).await;
    server.dataset.set_len(5);
    let (dir, ca) = ca_file(&server, "aws");
    let endpoint = "AWS_ENDPOINT_URL_COST_EXPLORER";
    let ca_file = ca.display().to_string();
    let env = aws_env(
        endpoint,
        &server,
        aws::KEY,
        &[("METERAGE_CA_FILE", &ca_file)],
    );
    prints("aws_cost_and_usage", env, expected((0..5).map(aws::result))).await;
    let output = run(
        "aws_cost_and_usage",
        aws_env(endpoint, &server, aws::KEY, &[]),
    )
    .await;
    fails_saying(&output, "certificate");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The Azure example's environment: Resource Manager at `arm`, the token endpoint at
/// `entra`, the application with `secret`, the fake's tenant and subscription.
fn azure_env(arm: &Server, entra: &Server, secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AZURE_MANAGEMENT_URL", arm.base_url()),
        ("AZURE_AUTHORITY_HOST", entra.base_url()),
        ("AZURE_TENANT_ID", azure::TENANT_ID.to_owned()),
        ("AZURE_CLIENT_ID", azure::CLIENT.0.to_owned()),
        ("AZURE_CLIENT_SECRET", secret.to_owned()),
        ("AZURE_SUBSCRIPTION_ID", azure::SUBSCRIPTION_ID.to_owned()),
    ]
}

#[tokio::test]
async fn azure_usage_details_prints_every_detail_following_every_next_link_over_https() {
    let arm = azure::start_with(Options::https()).await;
    let entra = azure::start_entra(&arm).await;
    // Three pages of the service's 1000.
    arm.dataset.set_len(2345);
    let dir = std::env::temp_dir().join(format!("meterage-azure-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca = dir.join("azure-ca.pem");
    let both = [arm.ca_pem(), entra.ca_pem()]
        .map(|pem| pem.expect("a CA"))
        .concat();
    std::fs::write(&ca, both).expect("CA file");
    let env = |secret: &str| {
        let mut env = azure_env(&arm, &entra, secret);
        env.push(("METERAGE_CA_FILE", ca.display().to_string()));
        env
    };
    let name = "azure_usage_details";
    let every_detail = expected(azure::usage_details(2345).map(azure::without_nulls));
    let output = prints(name, env(azure::CLIENT.1), every_detail).await;
    assert_eq!(arm.log.listing_requests(), 3);
    assert_eq!(entra.log.logins(), 1);
    // The money is printed with the vendor's own digits.
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(r#""cost":0.0002727756,"#),
        "{}",
        &text[..2000]
    );

    // A wrong secret: Entra's refusal on stderr, nothing on stdout, no secret shown.
    let output = run(name, env("Qx8Q~wrong-secret")).await;
    fails_saying(&output, "invalid_client");
    fails_saying(&output, "AADSTS7000215");
    assert!(output.stdout.is_empty());
    assert!(!String::from_utf8_lossy(&output.stderr).contains("Qx8Q~wrong-secret"));

    // What is missing is named.
    let without = |name: &str| {
        let mut env = env(azure::CLIENT.1);
        env.retain(|(n, _)| *n != name);
        env
    };
    fails_saying(
        &run(name, without("AZURE_SUBSCRIPTION_ID")).await,
        "AZURE_SUBSCRIPTION_ID",
    );
    fails_saying(
        &run(name, without("AZURE_CLIENT_SECRET")).await,
        "AZURE_CLIENT_SECRET",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The README's quickstarts are the examples: each example's imports and `run` function
/// appear in the README as they are (the README's code is compiled as doctests of the
/// generated crate).
#[test]
fn the_readme_shows_the_examples_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).expect("README");
    let examples = [NCE, GSL_AKSK, KAOPUYUN, PLCLOUD, ALIYUN].map(|e| e.name);
    for name in examples
        .into_iter()
        .chain(["aws_cost_and_usage", "azure_usage_details"])
    {
        let source =
            std::fs::read_to_string(root.join(format!("examples/{name}.rs"))).expect("the example");
        let run = &source[source.find("async fn run()").expect("a run function")..];
        assert!(
            readme.contains(run.trim_end()),
            "README lacks the `run` of {name}"
        );
        for import in source
            .lines()
            .filter(|l| l.starts_with("use meterage_clients"))
        {
            assert!(readme.contains(import), "README lacks `{import}` of {name}");
        }
        assert!(readme.contains(&format!("`{name}`")), "README names {name}");
    }
}

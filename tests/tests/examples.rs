//! The four examples (`tests/examples/*.rs`), run as their users run them, reading only
//! the environment, against the vendor fakes: each prints exactly the server's records,
//! one JSON object per line, and exits 0; on failure it prints the error on stderr and
//! exits non-zero.
//!
//! `cargo test` builds the examples before it runs this test; the binaries sit in
//! `target/<profile>/examples/`.

use std::path::PathBuf;
use std::process::{Command, Output};

use meterage_tests::records::{assert_same_records, expected, numbers_as_floats};
use meterage_tests::{gsl, kaopuyun, nce, plcloud, Options};
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

#[tokio::test]
async fn nce_campus_traffic_prints_every_record_over_https() {
    let server = nce::start_with(Options::https()).await;
    server.dataset.set_len(73);
    let dir = std::env::temp_dir().join(format!("meterage-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca = dir.join("nce-ca.pem");
    std::fs::write(&ca, server.ca_pem().expect("a CA")).expect("CA file");
    let env = |password: &str| {
        vec![
            ("NCE_CAMPUS_URL", server.base_url()),
            ("NCE_CAMPUS_USERNAME", nce::USER.0.to_owned()),
            ("NCE_CAMPUS_PASSWORD", password.to_owned()),
            ("METERAGE_CA_FILE", ca.display().to_string()),
        ]
    };
    let output = run("nce_campus_traffic", env(nce::USER.1)).await;
    assert_same_records(&records(&output), &expected(nce::records(73)));

    let output = run("nce_campus_traffic", env("wrong")).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Username or password error"), "{stderr}");
    assert!(output.stdout.is_empty());

    // Without the CA, the controller's certificate is refused.
    let mut env = env(nce::USER.1);
    env.pop();
    let output = run("nce_campus_traffic", env).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("certificate"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn huawei_gsl_sim_pools_prints_every_pool_with_aksk_or_an_iam_token() {
    let server = gsl::start().await;
    server.dataset.set_len(64);
    let output = run(
        "huawei_gsl_sim_pools",
        vec![
            ("HUAWEI_GSL_URL", server.base_url()),
            ("HUAWEICLOUD_SDK_AK", gsl::AKSK.0.to_owned()),
            ("HUAWEICLOUD_SDK_SK", gsl::AKSK.1.to_owned()),
        ],
    )
    .await;
    assert_same_records(&records(&output), &expected(gsl::pools(64)));

    let iam = gsl::start_iam(&server).await;
    let (user, password, domain, region) = gsl::USER;
    let output = run(
        "huawei_gsl_sim_pools",
        vec![
            ("HUAWEI_GSL_URL", server.base_url()),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", iam.base_url()),
            ("HUAWEICLOUD_USERNAME", user.to_owned()),
            ("HUAWEICLOUD_PASSWORD", password.to_owned()),
            ("HUAWEICLOUD_DOMAIN_NAME", domain.to_owned()),
            ("HUAWEICLOUD_REGION", region.to_owned()),
        ],
    )
    .await;
    assert_same_records(&records(&output), &expected(gsl::pools(64)));
    assert_eq!(iam.log.logins(), 1);

    let output = run("huawei_gsl_sim_pools", vec![]).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HUAWEICLOUD_SDK_AK"), "{stderr}");
}

#[tokio::test]
async fn kaopuyun_flow_bills_prints_every_bill() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(47);
    let output = run(
        "kaopuyun_flow_bills",
        vec![
            ("KAOPUYUN_URL", server.base_url()),
            ("KAOPUYUN_ACCESS_KEY_ID", kaopuyun::KEY.0.to_owned()),
            ("KAOPUYUN_ACCESS_KEY_SECRET", kaopuyun::KEY.1.to_owned()),
        ],
    )
    .await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(47)));
    // The money is printed with the vendor's own digits.
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(r#""PayPrice":25.0"#), "{text}");
}

#[tokio::test]
async fn kaopuyun_flow_bills_with_a_temporary_key_reads_its_token_from_the_environment() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(23);
    let env = |token: Option<&str>| {
        let mut env = vec![
            ("KAOPUYUN_URL", server.base_url()),
            (
                "KAOPUYUN_ACCESS_KEY_ID",
                kaopuyun::TEMPORARY_KEY.0.to_owned(),
            ),
            (
                "KAOPUYUN_ACCESS_KEY_SECRET",
                kaopuyun::TEMPORARY_KEY.1.to_owned(),
            ),
        ];
        env.extend(token.map(|token| ("KAOPUYUN_SECURITY_TOKEN", token.to_owned())));
        env
    };
    let output = run("kaopuyun_flow_bills", env(Some(kaopuyun::SECURITY_TOKEN))).await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(23)));

    // Without the token, the vendor's refusal, and no secret on stderr.
    let output = run("kaopuyun_flow_bills", env(None)).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("MissingSecurityToken"), "{stderr}");
    let output = run("kaopuyun_flow_bills", env(Some("CAIS-not-issued"))).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("InvalidSecurityToken.Malformed"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("CAIS-not-issued") && !stderr.contains(kaopuyun::TEMPORARY_KEY.1),
        "{stderr}"
    );
}

#[tokio::test]
async fn plcloud_consumptions_prints_every_record() {
    let server = plcloud::start().await;
    server.dataset.set_len(31);
    let output = run(
        "plcloud_consumptions",
        vec![
            ("PLCLOUD_URL", server.base_url()),
            ("PLCLOUD_USERNAME", plcloud::USER.0.to_owned()),
            ("PLCLOUD_PASSWORD", plcloud::USER.1.to_owned()),
        ],
    )
    .await;
    assert_same_records(&records(&output), &expected(plcloud::records(31)));
}

/// The README's quickstarts are the examples: each example's imports and `run` function
/// appear in the README as they are (the README's code is compiled as doctests of the
/// generated crate).
#[test]
fn the_readme_shows_the_examples_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).expect("README");
    for name in [
        "nce_campus_traffic",
        "huawei_gsl_sim_pools",
        "kaopuyun_flow_bills",
        "plcloud_consumptions",
    ] {
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

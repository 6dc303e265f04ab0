//! `--profile NAME`: the credentials of a profile in `profiles.toml`, found through
//! `METERAGE_CONFIG_DIR` or `XDG_CONFIG_HOME`; a file others may read is refused before
//! anything is sent.

mod support;

use meterage_tests::kaopuyun;
use meterage_tests::records::{assert_same_records, expected};
use support::{fails, folder, meterage, records, write_with_mode};

fn profiles(url: &str) -> String {
    let (id, secret) = kaopuyun::KEY;
    format!(
        "# the fake's account\n[profiles.fake-kaopuyun]\nKAOPUYUN_URL = \"{url}\"\n\
         KAOPUYUN_ACCESS_KEY_ID = \"{id}\"\nKAOPUYUN_ACCESS_KEY_SECRET = \"{secret}\"\n\n\
         [profiles.wrong]\nKAOPUYUN_URL = \"{url}\"\nKAOPUYUN_ACCESS_KEY_ID = \"{id}\"\n\
         KAOPUYUN_ACCESS_KEY_SECRET = \"not-the-secret\"\n"
    )
}

#[tokio::test]
async fn a_profile_gives_the_credentials_and_wins_over_the_environment() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(12);
    let dir = folder("profile-good");
    write_with_mode(
        &dir.join("profiles.toml"),
        &profiles(&server.base_url()),
        0o600,
    );
    let op = [
        "kaopuyun",
        "describe-flow-bills",
        "--profile",
        "fake-kaopuyun",
    ];
    let config = || ("METERAGE_CONFIG_DIR", dir.display().to_string());
    let output = meterage(&op, vec![config()]).await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(12)));

    // The profile's variables replace the environment's.
    let env = vec![config(), ("KAOPUYUN_ACCESS_KEY_SECRET", "stale".to_owned())];
    let output = meterage(&op, env).await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(12)));

    // Through XDG_CONFIG_HOME/meterage.
    let xdg = folder("profile-xdg");
    std::fs::create_dir_all(xdg.join("meterage")).expect("folder");
    write_with_mode(
        &xdg.join("meterage").join("profiles.toml"),
        &profiles(&server.base_url()),
        0o600,
    );
    let output = meterage(&op, vec![("XDG_CONFIG_HOME", xdg.display().to_string())]).await;
    assert_same_records(&records(&output), &expected(kaopuyun::bills(12)));

    // A profile whose key the vendor refuses: exit 3, no secret shown.
    let wrong = ["kaopuyun", "describe-flow-bills", "--profile", "wrong"];
    let line = fails(
        &meterage(&wrong, vec![config()]).await,
        3,
        &["SignatureDoesNotMatch"],
    );
    assert!(!line.contains("not-the-secret"), "{line}");

    // An unknown profile is named with the known ones.
    let unknown = ["kaopuyun", "describe-flow-bills", "--profile", "nope"];
    fails(
        &meterage(&unknown, vec![config()]).await,
        2,
        &["no profile `nope` (it has: fake-kaopuyun, wrong)"],
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&xdg);
}

#[cfg(unix)]
#[tokio::test]
async fn a_profile_file_others_may_read_is_refused() {
    let server = kaopuyun::start().await;
    let dir = folder("profile-open");
    let file = dir.join("profiles.toml");
    write_with_mode(&file, &profiles(&server.base_url()), 0o644);
    let op = [
        "kaopuyun",
        "describe-flow-bills",
        "--profile",
        "fake-kaopuyun",
    ];
    let output = meterage(
        &op,
        vec![("METERAGE_CONFIG_DIR", dir.display().to_string())],
    )
    .await;
    let line = fails(
        &output,
        2,
        &[&format!("run `chmod 600 {}`", file.display()), "mode 644"],
    );
    assert!(!line.contains(kaopuyun::KEY.1), "{line}");
    assert!(server.log.requests().is_empty(), "nothing was sent");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn without_credentials_the_variables_to_set_are_named_with_exit_3() {
    let server = kaopuyun::start().await;
    let op = ["kaopuyun", "describe-flow-bills"];
    let output = meterage(&op, vec![("KAOPUYUN_URL", server.base_url())]).await;
    fails(
        &output,
        3,
        &[
            "no credentials",
            "KAOPUYUN_ACCESS_KEY_ID",
            "KAOPUYUN_ACCESS_KEY_SECRET",
        ],
    );
    // Credentials set, but a CA file that does not exist: a configuration error.
    let env = vec![
        ("KAOPUYUN_URL", server.base_url()),
        ("KAOPUYUN_ACCESS_KEY_ID", kaopuyun::KEY.0.to_owned()),
        ("KAOPUYUN_ACCESS_KEY_SECRET", kaopuyun::KEY.1.to_owned()),
        ("METERAGE_CA_FILE", "/nonexistent/ca.pem".to_owned()),
    ];
    fails(
        &meterage(&op, env).await,
        2,
        &["config error", "/nonexistent/ca.pem"],
    );
    assert!(server.log.requests().is_empty());
}

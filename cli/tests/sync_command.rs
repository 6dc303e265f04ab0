//! `meterage sync` as the binary runs it: a profile's credentials, the report on
//! standard output, every record in its table once, and the exit code of a failure.

mod support;

use meterage_tests::kaopuyun;
use support::{folder, meterage, write_with_mode};

#[tokio::test]
async fn sync_fills_the_database_with_a_profiles_credentials() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(23);
    let dir = folder("sync-command");
    let (id, secret) = kaopuyun::KEY;
    let url = server.base_url();
    write_with_mode(
        &dir.join("profiles.toml"),
        &format!(
            "[profiles.k]\nKAOPUYUN_URL = \"{url}\"\nKAOPUYUN_ACCESS_KEY_ID = \"{id}\"\n\
             KAOPUYUN_ACCESS_KEY_SECRET = \"{secret}\"\n\n[profiles.wrong]\n\
             KAOPUYUN_URL = \"{url}\"\nKAOPUYUN_ACCESS_KEY_ID = \"{id}\"\n\
             KAOPUYUN_ACCESS_KEY_SECRET = \"not-the-secret\"\n"
        ),
        0o600,
    );
    let db = dir.join("bills.sqlite");
    let db_arg = db.display().to_string();
    let config = || vec![("METERAGE_CONFIG_DIR", dir.display().to_string())];
    let args = |profile: &'static str| {
        vec![
            "--profile",
            profile,
            "sync",
            "kaopuyun",
            "--month",
            "2026-10",
            "--db",
        ]
    };
    for _ in 0..2 {
        let mut run = args("k");
        run.push(&db_arg);
        let output = meterage(&run, config()).await;
        assert!(output.status.success(), "{}", support::stderr(&output));
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(report.contains("kaopuyun__describe_flow_bills"), "{report}");
    }
    let connection = rusqlite::Connection::open(&db).expect("the database");
    let rows: i64 = connection
        .query_row(
            "SELECT count(DISTINCT BillUUID) FROM kaopuyun__describe_flow_bills",
            [],
            |row| row.get(0),
        )
        .expect("counted");
    let all: i64 = connection
        .query_row(
            "SELECT count(*) FROM kaopuyun__describe_flow_bills",
            [],
            |row| row.get(0),
        )
        .expect("counted");
    assert_eq!((rows, all), (23, 23), "every bill once after two runs");

    let mut wrong = args("wrong");
    wrong.push(&db_arg);
    let output = meterage(&wrong, config()).await;
    // The report on standard output, the failure on standard error.
    assert_eq!(output.status.code(), Some(3));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        report.contains("kaopuyun__describe_flow_bills (month=2026-10): failed"),
        "{report}"
    );
    let line = support::stderr(&output);
    assert!(line.starts_with("meterage: sync:"), "{line}");
    assert!(line.contains("SignatureDoesNotMatch"), "{line}");
    assert!(!line.contains("not-the-secret") && !report.contains("not-the-secret"));
    let _ = std::fs::remove_dir_all(&dir);
}

//! Three of the consumer programs of the issue "The consumer's side", written the obvious
//! way through `meterage_clients` only, against the vendor fakes: NCE-Campus traffic for
//! three sites from one shared client, GSL pages with logging and an early stop, and a
//! client configured by hand. (Summing Kaopuyun bills per product is
//! `vendors/money.rs`; handling vendor errors is `handle_errors.rs`.)

use std::time::Duration;

use meterage_clients::runtime::auth::{AccessKey, UsernamePassword};
use meterage_clients::runtime::{RetryPolicy, StreamExt, TryStreamExt};
use meterage_clients::{huawei_gsl, nce_campus};
use meterage_tests::{gsl, nce, Options};

/// NCE-Campus: one client, cloned into three tasks that list three sites at once. The
/// controller sees one login for all of them, and each site gets its own records.
#[tokio::test]
async fn three_sites_from_one_shared_client_sign_in_once() {
    let fake = nce::start_with(Options::https()).await;
    let (username, password) = nce::USER;

    // The consumer's code.
    let client = nce_campus::Client::builder()
        .base_url(fake.base_url())
        .add_root_certificate_pem("the controller's CA", fake.ca_pem().expect("HTTPS"))
        .auth(nce_campus::auth::access_token_login(UsernamePassword {
            username: username.into(),
            password: password.into(),
        }))
        .build()
        .expect("a client");
    let sites = [nce::SITE_ID, "site-without-users-1", "site-without-users-2"];
    let tasks = sites.map(|site| {
        let client = client.clone();
        tokio::spawn(async move {
            let users: Vec<_> = client
                .get_time_flow_st_info_list()
                .site_id(site)
                .page_size(10)
                .items()
                .try_collect()
                .await?;
            Ok::<_, meterage_clients::runtime::Error>((site, users))
        })
    });
    let mut per_site = Vec::new();
    for task in tasks {
        per_site.push(task.await.expect("the task").expect("the site's users"));
    }

    // What the controller and the program saw.
    assert_eq!(fake.log.logins(), 1, "one login for the three tasks");
    let counts: Vec<(&str, usize)> = per_site
        .iter()
        .map(|(site, users)| (*site, users.len()))
        .collect();
    assert_eq!(
        counts,
        [
            (nce::SITE_ID, nce::DEFAULT_RECORDS as usize),
            ("site-without-users-1", 0),
            ("site-without-users-2", 0),
        ]
    );
    let names: Vec<String> = per_site[0]
        .1
        .iter()
        .map(|user| user.user_name.clone().expect("a user name"))
        .collect();
    let expected: Vec<String> = nce::records(nce::DEFAULT_RECORDS)
        .map(|record| record["userName"].as_str().expect("a name").to_owned())
        .collect();
    assert_eq!(
        names, expected,
        "every user of the site once, in server order"
    );
}

/// GSL: walk the pages, log each, and stop at the first page that holds a pool
/// matching what the program looks for. Nothing past that page is fetched.
#[tokio::test]
async fn gsl_pages_with_logging_and_an_early_stop() {
    let fake = gsl::start().await;
    let wanted = gsl::pool(25)["pool_name"]
        .as_str()
        .expect("a pool name")
        .to_owned();

    // The consumer's code.
    let client = huawei_gsl::Client::builder()
        .base_url(fake.base_url())
        .auth(huawei_gsl::auth::aksk_signature(AccessKey {
            id: gsl::AKSK.0.into(),
            secret: gsl::AKSK.1.into(),
            security_token: None,
        }))
        .build()
        .expect("a client");
    let mut log = Vec::new();
    let mut found = None;
    let mut pages = client.list_sim_pools().limit(10).pages();
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        log.push(format!(
            "page {}: {} pools",
            page.number(),
            page.items().len()
        ));
        if let Some(pool) = page
            .items()
            .iter()
            .find(|pool| pool.pool_name.as_deref() == Some(wanted.as_str()))
        {
            found = Some(pool.clone());
            break;
        }
    }
    drop(pages);

    // Pool 25 (from 0) is on the third page of four.
    assert_eq!(
        log,
        ["page 1: 10 pools", "page 2: 10 pools", "page 3: 10 pools"]
    );
    assert_eq!(
        found.and_then(|pool| pool.pool_name),
        Some(wanted),
        "the pool the program looked for"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        fake.log.listing_pages(),
        [1, 2, 3],
        "no page fetched after the program stopped"
    );
}

/// A client configured by hand: base URL, credentials, timeouts, retries, user agent,
/// the controller's CA. A transient failure on the first page is retried by the policy
/// set here, and the listing is complete.
#[tokio::test]
async fn a_client_configured_by_hand() {
    let fake = nce::start_with(Options::https()).await;
    fake.faults
        .on_page(1, meterage_tests::Fault::GatewayHtml(503));
    let (username, password) = nce::USER;

    // The consumer's code.
    let client: nce_campus::Client = nce_campus::Client::builder()
        .base_url(fake.base_url())
        .add_root_certificate_pem("the controller's CA", fake.ca_pem().expect("HTTPS"))
        .auth(nce_campus::auth::access_token_login(UsernamePassword {
            username: username.into(),
            password: password.into(),
        }))
        .user_agent("billing-report/1.0")
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_secs(30))
        .retry(
            RetryPolicy::standard()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("a client");
    let users: Vec<_> = client
        .get_time_flow_st_info_list()
        .page_size(20)
        .items()
        .try_collect()
        .await
        .expect("every user");

    assert_eq!(users.len(), nce::DEFAULT_RECORDS as usize);
    let listing = fake
        .log
        .requests()
        .into_iter()
        .filter(|r| r.route().contains(nce::LIST_PATH))
        .collect::<Vec<_>>();
    assert!(
        listing
            .iter()
            .all(|r| r.header("user-agent") == Some("billing-report/1.0")),
        "every request carries the user agent set by hand"
    );
    assert_eq!(
        fake.log.listing_requests(),
        4,
        "three pages of 20 and the retried first one"
    );
}

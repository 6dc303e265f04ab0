//! Every record exactly once: `items()` over many pages of each API with every transient
//! fault injected between pages (busy, throttled, dropped, slow, cut, broken, repeated,
//! a changing total, an ended session), a non-transient fault ending the stream with
//! the vendor's code and message, invalid parameters refused before anything is sent,
//! and streams spawned onto other tasks.

use std::time::Duration;

use meterage_clients::runtime::{CallOptions, Error, RetryPolicy, TryStreamExt};
use meterage_tests::{gsl, kaopuyun, nce, plcloud, Fault, When};

use crate::support::{
    as_json, assert_same_records, expected, fast_retries, gsl_aksk_client, gsl_iam_client,
    iam_user, kaopuyun_client, nce_client, nce_user, plcloud_client, plcloud_user,
};

/// A page slower than the per-attempt timeout the tests use.
const SLOW: Duration = Duration::from_millis(1500);
/// The per-attempt timeout of the faulty runs.
const TIMEOUT: Duration = Duration::from_millis(500);

/// Every transient fault the fakes know, one per page from page 2 on (so page `i + 2`
/// gets fault `i`). Sessions end on the last one.
fn transient_faults() -> Vec<Fault> {
    vec![
        Fault::Busy,
        Fault::TooManyRequests { retry_after: 1 },
        Fault::DropConnection,
        Fault::Delay(SLOW),
        Fault::TruncatedJson,
        Fault::MalformedJson,
        Fault::GatewayHtml(502),
        Fault::RepeatPreviousPage {
            echo_previous: true,
        },
        Fault::RepeatPreviousPage {
            echo_previous: false,
        },
        Fault::ShiftTotal(7),
        Fault::ShiftTotal(-30),
        Fault::CutBody,
        Fault::DropResponse,
        Fault::ExpireSessions,
    ]
}

/// Plans every transient fault on pages 2, 3, ... of `server`.
fn plan(server: &meterage_tests::Server, faults: Vec<Fault>) -> usize {
    let count = faults.len();
    for (i, fault) in faults.into_iter().enumerate() {
        server.faults.on_page(i as u64 + 2, fault);
    }
    count
}

fn options() -> CallOptions {
    CallOptions::new().timeout(TIMEOUT).retry(fast_retries())
}

#[tokio::test]
async fn gsl_every_pool_exactly_once_through_every_transient_fault() {
    let server = gsl::start().await;
    let iam = gsl::start_iam(&server).await;
    server.dataset.set_len(500);
    plan(&server, transient_faults());
    let client = gsl_iam_client(&server, &iam, iam_user());
    let pools: Vec<_> = client
        .list_sim_pools()
        .limit(20)
        .options(options())
        .items()
        .try_collect()
        .await
        .expect("every pool");
    assert_same_records(&as_json(&pools), &expected(gsl::pools(500)));
    assert_eq!(server.faults.remaining(), 0, "every fault struck");
    assert_eq!(iam.log.logins(), 2, "one new sign-in after the expiry");
}

#[tokio::test]
async fn nce_every_record_exactly_once_through_every_transient_fault() {
    let server = nce::start().await;
    server.dataset.set_len(400);
    plan(&server, transient_faults());
    let client = nce_client(&server, nce_user());
    let users: Vec<_> = client
        .get_time_flow_st_info_list()
        .page_size(20)
        .options(options())
        .items()
        .try_collect()
        .await
        .expect("every record");
    assert_same_records(&as_json(&users), &expected(nce::records(400)));
    assert_eq!(server.faults.remaining(), 0, "every fault struck");
    assert_eq!(server.log.logins(), 2);
}

#[tokio::test]
async fn kaopuyun_every_bill_exactly_once_through_every_transient_fault() {
    let server = kaopuyun::start().await;
    server.dataset.set_len(300);
    // Kaopuyun signs every request: there is no session to end.
    let mut faults = transient_faults();
    faults.retain(|f| *f != Fault::ExpireSessions);
    plan(&server, faults);
    let client = kaopuyun_client(&server, kaopuyun::KEY);
    let bills: Vec<_> = client
        .describe_flow_bills()
        .page_size(20)
        .options(options())
        .items()
        .try_collect()
        .await
        .expect("every bill");
    assert_same_records(&as_json(&bills), &expected(kaopuyun::bills(300)));
    assert_eq!(server.faults.remaining(), 0, "every fault struck");
    // Every attempt was signed afresh: as many distinct nonces as requests.
    let requests = server.log.requests();
    let nonces: std::collections::BTreeSet<String> = requests
        .iter()
        .filter_map(|r| {
            let pairs = meterage_tests::parse_pairs(r.query.as_deref().unwrap_or(""));
            meterage_tests::get(&pairs, "SignatureNonce").map(str::to_owned)
        })
        .collect();
    assert_eq!(nonces.len(), requests.len());
    // 15 pages, one more attempt for each fault but the two shifted totals, and, the
    // total having changed, one request finding the empty page after the last.
    assert_eq!(requests.len(), 15 + 11 + 1);
}

#[tokio::test]
async fn plcloud_every_record_exactly_once_through_every_transient_fault() {
    let server = plcloud::start().await;
    server.dataset.set_len(250);
    // One list, no pages: the faults strike its requests one after the other.
    let mut faults = transient_faults();
    faults.retain(|f| !matches!(f, Fault::RepeatPreviousPage { .. } | Fault::ShiftTotal(_)));
    let count = faults.len();
    for (i, fault) in faults.into_iter().enumerate() {
        server.faults.on_request(i as u64 + 1, fault);
    }
    let client = plcloud_client(&server, plcloud_user());
    let patient = RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .max_attempts(u32::try_from(count).unwrap_or(u32::MAX) + 1);
    let records = client
        .get_consumptions_by_query()
        .options(CallOptions::new().timeout(TIMEOUT).retry(patient))
        .send()
        .await
        .expect("every record");
    assert_same_records(&as_json(&records.data), &expected(plcloud::records(250)));
    assert_eq!(server.faults.remaining(), 0, "every fault struck");
    assert_eq!(server.log.logins(), 2);
}

#[tokio::test]
async fn a_non_transient_fault_ends_the_stream_with_the_vendors_code_and_message() {
    // GSL: a parameter error on page 3, after two good pages.
    let server = gsl::start().await;
    server.dataset.set_len(100);
    server
        .faults
        .on_page(3, Fault::vendor_error(400, "GSL.00010004", "参数异常"));
    let mut items = gsl_aksk_client(&server).list_sim_pools().items();
    let mut got = 0;
    let error = loop {
        match items.try_next().await {
            Ok(Some(_)) => got += 1,
            Ok(None) => panic!("the stream ended without the error"),
            Err(error) => break error,
        }
    };
    assert_eq!(got, 20);
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(400), Some("GSL.00010004"))
    );
    assert_eq!(
        error.api().and_then(|a| a.message.as_deref()),
        Some("参数异常")
    );
    assert!(items.try_next().await.expect("ended").is_none());

    // NCE: an errcode on HTTP 200.
    let server = nce::start().await;
    server
        .faults
        .on_page(2, Fault::vendor_error(200, "2", "Invalid parameter."));
    let error = nce_client(&server, nce_user())
        .get_time_flow_st_info_list()
        .page_size(10)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("refused");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(200), Some("2"))
    );

    // Kaopuyun: a `Code` on HTTP 200 is a failure too.
    let server = kaopuyun::start().await;
    server.faults.on_page(
        2,
        Fault::vendor_error(200, "DescribeFlowBillsFail", "查询流水账单列表失败:xxx"),
    );
    let error = kaopuyun_client(&server, kaopuyun::KEY)
        .describe_flow_bills()
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("refused");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(200), Some("DescribeFlowBillsFail"))
    );
    assert!(error.api().and_then(|a| a.request_id.as_deref()).is_some());

    // PLCloud: a `code` other than 200.
    let server = plcloud::start().await;
    server.faults.add(
        When::Listing,
        Some(1),
        Fault::vendor_error(200, "403", "无权限"),
    );
    let error = plcloud_client(&server, plcloud_user())
        .get_consumptions_by_query()
        .send()
        .await
        .expect_err("refused");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(200), Some("403"))
    );
    assert_eq!(
        error.api().and_then(|a| a.message.as_deref()),
        Some("无权限")
    );
}

#[tokio::test]
async fn an_invalid_parameter_is_refused_before_any_request() {
    let server = gsl::start().await;
    let error = gsl_aksk_client(&server)
        .list_sim_pools()
        .limit(501)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("invalid");
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    assert_eq!(server.log.requests().len(), 0);

    let server = nce::start().await;
    let error = nce_client(&server, nce_user())
        .get_time_flow_st_info_list()
        .user_name("u".repeat(65))
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("invalid");
    assert!(
        error.to_string().contains("`userName` must be at most 64"),
        "{error}"
    );
    assert_eq!(server.log.requests().len(), 0, "no login either");

    let server = kaopuyun::start().await;
    let error = kaopuyun_client(&server, kaopuyun::KEY)
        .describe_flow_bills()
        .page_size(51)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("invalid");
    assert!(
        error.to_string().contains("`PageSize` must be at most 50"),
        "{error}"
    );
    assert_eq!(server.log.requests().len(), 0);

    let server = plcloud::start().await;
    let error = plcloud_client(&server, plcloud_user())
        .get_consumptions_by_query()
        .start_at("2014/12/01")
        .end_at("2014-12-02")
        .send()
        .await
        .expect_err("invalid");
    assert_eq!(
        error.to_string(),
        "GetConsumptionsByQuery: invalid request: parameter `start_at` must be formatted `YYYY-MM-DD`, got \"2014/12/01\""
    );
    assert_eq!(server.log.requests().len(), 0, "no sign-in either");
}

#[tokio::test]
async fn dates_are_checked_against_their_format_and_typed_dates_sent_exactly() {
    use meterage_clients::runtime::time::{Date, Month, PrimitiveDateTime, Time};

    let server = gsl::start().await;
    let client = gsl_aksk_client(&server);
    let error = client
        .list_sim_pools()
        .billing_cycle("2022-13")
        .send()
        .await
        .expect_err("no month 13");
    assert!(
        error
            .to_string()
            .contains("parameter `billing_cycle` must be formatted `yyyy-MM`, got \"2022-13\""),
        "{error}"
    );
    assert_eq!(server.log.requests().len(), 0);
    let september = Date::from_calendar_date(2022, Month::September, 30).expect("a date");
    client
        .list_sim_pools()
        .billing_cycle(september)
        .send()
        .await
        .expect("a typed month is well formed");
    let query = server.log.last().and_then(|r| r.query).unwrap_or_default();
    assert!(query.contains("billing_cycle=2022-09"), "{query}");

    let server = kaopuyun::start().await;
    let at = PrimitiveDateTime::new(september, Time::from_hms(7, 5, 0).expect("a time"));
    kaopuyun_client(&server, kaopuyun::KEY)
        .describe_flow_bills()
        .bill_begin_date(at)
        .send()
        .await
        .expect("a typed time is well formed");
    let query = server.log.last().and_then(|r| r.query).unwrap_or_default();
    assert!(
        query.contains("BillBeginDate=2022-09-30%2007%3A05%3A00"),
        "{query}"
    );
}

#[tokio::test]
async fn a_required_parameter_left_unset_is_named_before_sending() {
    let server = nce::start().await;
    let error = nce_client(&server, nce_user())
        .create_token()
        .user_name(nce::USER.0)
        .send()
        .await
        .expect_err("no password");
    assert_eq!(
        error.to_string(),
        "createToken: invalid request: parameter `password` must be set, got nothing"
    );
    assert_eq!(server.log.requests().len(), 0);
}

#[tokio::test]
async fn streams_can_be_spawned_and_fetch_ahead_in_order() {
    let server = gsl::start().await;
    server.dataset.set_len(230);
    server.dataset.set_latency(Duration::from_millis(5));
    let client = gsl_aksk_client(&server);
    let task = tokio::spawn(
        client
            .list_sim_pools()
            .limit(10)
            .items()
            .prefetch(4)
            .try_collect::<Vec<_>>(),
    );
    let pools = task.await.expect("task").expect("every pool");
    assert_same_records(&as_json(&pools), &expected(gsl::pools(230)));
    // The total is known from the first page: nothing is fetched past page 23.
    assert_eq!(server.log.listing_requests(), 23);

    // Pages keep their metadata.
    let pages: Vec<_> = client
        .list_sim_pools()
        .limit(100)
        .pages()
        .try_collect()
        .await
        .expect("pages");
    let numbers: Vec<i64> = pages.iter().map(|p| p.number()).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert!(pages
        .iter()
        .all(|p| p.status() == 200 && p.total() == Some(230)));
    assert_eq!(pages[2].items().len(), 30);
}

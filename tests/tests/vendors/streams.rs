//! Listings through faults, for every case of the table: every record exactly once
//! with every transient fault injected between pages (busy, throttled, dropped, slow,
//! cut, broken, repeated, a changing total, an ended session), a failure on a page
//! ending the stream with the vendor's code and message, an invalid parameter refused
//! before anything is sent. Then checks of one API each: dates, a required parameter,
//! streams spawned onto other tasks.

use std::time::Duration;

use meterage_clients::runtime::{CallOptions, Error, TryStreamExt};
use meterage_clients::{huawei_gsl, kaopuyun as kp, nce_campus as nc};
use meterage_tests::{gsl, kaopuyun as kp_fake, nce, Fault, When};
use serde_json::Value;

use crate::cases::{
    table, AliyunBss, AwsCostExplorer, Azure, Credentials, GslAksk, GslIam, Kaopuyun, NceCampus,
    Plcloud, VendorCase,
};
use crate::support::{
    as_json, assert_last_query_has, assert_refused, assert_same_records, expected, fast_retries,
    gsl_aksk, kaopuyun_key, nce_login, serve,
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

table! {
    aliyun_bss: AliyunBss => [every_record_once_through_every_fault, refused_page_ends_the_stream, invalid_parameter_is_refused_before_sending],
    aliyun_bss_sts: AliyunBss<true> => [every_record_once_through_every_fault],
    nce_campus: NceCampus => [every_record_once_through_every_fault, refused_page_ends_the_stream, invalid_parameter_is_refused_before_sending],
    gsl_iam: GslIam => [every_record_once_through_every_fault, refused_page_ends_the_stream, invalid_parameter_is_refused_before_sending],
    gsl_aksk: GslAksk => [every_record_once_through_every_fault, refused_page_ends_the_stream, invalid_parameter_is_refused_before_sending],
    kaopuyun: Kaopuyun => [every_record_once_through_every_fault, refused_page_ends_the_stream, invalid_parameter_is_refused_before_sending],
    kaopuyun_sts: Kaopuyun<true> => [every_record_once_through_every_fault],
    plcloud: Plcloud => [every_record_once_through_every_fault, refused_page_ends_the_stream, invalid_parameter_is_refused_before_sending],
    aws: AwsCostExplorer => [every_record_once_through_every_fault, refused_page_ends_the_stream, invalid_parameter_is_refused_before_sending],
    aws_sts: AwsCostExplorer<true> => [every_record_once_through_every_fault],
    azure_consumption: Azure => [every_record_once_through_every_fault, refused_page_ends_the_stream, invalid_parameter_is_refused_before_sending],
}

/// Every record exactly once, in order, through every transient fault: one per page
/// from page 2 on (PLCloud's one list: one per request, with as many attempts). A
/// vendor that signs each request has no session to end; one that signs in signs in
/// once more after the expiry.
async fn every_record_once_through_every_fault<C: VendorCase>() {
    let case = C::start().await;
    let server = case.server();
    server.dataset.set_len(300);
    let mut faults = transient_faults();
    if case.sign_in_server().is_none() {
        faults.retain(|f| *f != Fault::ExpireSessions);
    }
    let mut options = CallOptions::new().timeout(TIMEOUT).retry(fast_retries());
    if C::PAGED {
        for (page, fault) in (2..).zip(faults) {
            server.faults.on_page(page, fault);
        }
    } else {
        // One list, no pages: the faults strike its requests one after the other.
        faults.retain(|f| !matches!(f, Fault::RepeatPreviousPage { .. } | Fault::ShiftTotal(_)));
        let attempts = u32::try_from(faults.len()).unwrap_or(u32::MAX) + 1;
        options = options.retry(fast_retries().max_attempts(attempts));
        for (request, fault) in (1..).zip(faults) {
            server.faults.on_request(request, fault);
        }
    }
    let records: Vec<Value> = C::records(&case.client(Credentials::Right), 20, options)
        .try_collect()
        .await
        .expect("every record");
    assert_same_records(&records, &C::expected(300));
    assert_eq!(server.faults.remaining(), 0, "every fault struck");
    if case.sign_in_server().is_some() {
        assert_eq!(case.sign_ins(), 2, "one new sign-in after the expiry");
    }
    case.check_after_faults();
}

/// A failure the vendor reports on a page ends the stream with the vendor's status,
/// code, message and request id, after the records of the pages before; then the
/// stream is over.
async fn refused_page_ends_the_stream<C: VendorCase>() {
    let case = C::start().await;
    let server = case.server();
    server.dataset.set_len(100);
    let (status, code, message) = C::REFUSED_PAGE;
    let fault = Fault::vendor_error(status, code, message);
    let before = if C::PAGED {
        server.faults.on_page(3, fault);
        20
    } else {
        server.faults.add(When::Listing, Some(1), fault);
        0
    };
    let mut records = C::records(&case.client(Credentials::Right), 10, CallOptions::new());
    let mut got = 0;
    let error = loop {
        match records.try_next().await {
            Ok(Some(_)) => got += 1,
            Ok(None) => panic!("the stream ended without the error"),
            Err(error) => break error,
        }
    };
    assert_eq!(got, before);
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(status), Some(code))
    );
    let api = error.api().expect("the vendor's answer");
    assert_eq!(api.message.as_deref(), Some(message));
    assert_eq!(api.request_id.as_deref(), C::ERROR_REQUEST_ID);
    assert!(records.try_next().await.expect("ended").is_none());
}

/// A parameter the spec refuses is refused before anything is sent, sign-in included.
async fn invalid_parameter_is_refused_before_sending<C: VendorCase>() {
    let case = C::start().await;
    let error = C::invalid(&case.client(Credentials::Right))
        .await
        .expect_err("invalid");
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    assert_eq!(error.to_string(), C::invalid_message());
    assert_eq!(case.server().log.requests().len(), 0);
    if let Some(signer) = case.sign_in_server() {
        assert_eq!(signer.log.requests().len(), 0, "no sign-in either");
    }
}

#[tokio::test]
async fn dates_are_checked_against_their_format_and_typed_dates_sent_exactly() {
    use meterage_clients::runtime::time::{Date, Month, PrimitiveDateTime, Time};

    let (server, pools): (_, huawei_gsl::Client) = serve(gsl::start(), gsl_aksk(gsl::AKSK)).await;
    let error = pools
        .list_sim_pools()
        .billing_cycle("2022-13")
        .send()
        .await
        .expect_err("no month 13");
    let wanted = "parameter `billing_cycle` must be formatted `yyyy-MM`, got \"2022-13\"";
    assert_refused(&error, &server, wanted);
    let september = Date::from_calendar_date(2022, Month::September, 30).expect("a date");
    let typed = pools.list_sim_pools().billing_cycle(september);
    typed.send().await.expect("a typed month is well formed");
    assert_last_query_has(&server, "billing_cycle=2022-09");

    let (server, kaopuyun): (_, kp::Client) =
        serve(kp_fake::start(), kaopuyun_key(kp_fake::KEY)).await;
    let at = PrimitiveDateTime::new(september, Time::from_hms(7, 5, 0).expect("a time"));
    let typed = kaopuyun.describe_flow_bills().bill_begin_date(at);
    typed.send().await.expect("a typed time is well formed");
    assert_last_query_has(&server, "BillBeginDate=2022-09-30%2007%3A05%3A00");
}

#[tokio::test]
async fn a_required_parameter_left_unset_is_named_before_sending() {
    let (server, nce): (_, nc::Client) = serve(nce::start(), nce_login()).await;
    let error = nce
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
    let (server, client): (_, huawei_gsl::Client) = serve(gsl::start(), gsl_aksk(gsl::AKSK)).await;
    server.dataset.set_len(230);
    server.dataset.set_latency(Duration::from_millis(5));
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

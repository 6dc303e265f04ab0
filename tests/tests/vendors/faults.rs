//! Faults on the listing, for every case of the table: the vendor's busy answer, a cut
//! body and a gateway page are retried; without retries the busy answer is reported,
//! transient, with the vendor's status and code; and (NCE-Campus) a page answered once
//! with HTTP 500 and a code the spec does not list is retried like any server error.

use meterage_clients::runtime::{CallOptions, TryStreamExt};
use meterage_tests::{Fault, When};
use serde_json::Value;

use crate::cases::{
    table, AliyunBss, AwsCostExplorer, Azure, Credentials, GslAksk, GslIam, Kaopuyun, NceCampus,
    Plcloud, VendorCase,
};
use crate::support::assert_same_records;

table! {
    aliyun_bss: AliyunBss => [transient_faults_are_retried, busy_without_retries_is_reported],
    nce_campus: NceCampus => [transient_faults_are_retried, busy_without_retries_is_reported, unlisted_500_is_retried],
    gsl_iam: GslIam => [transient_faults_are_retried, busy_without_retries_is_reported],
    gsl_aksk: GslAksk => [transient_faults_are_retried, busy_without_retries_is_reported],
    kaopuyun: Kaopuyun => [transient_faults_are_retried, busy_without_retries_is_reported],
    plcloud: Plcloud => [transient_faults_are_retried, busy_without_retries_is_reported],
    aws: AwsCostExplorer => [transient_faults_are_retried, busy_without_retries_is_reported],
    azure_consumption: Azure => [transient_faults_are_retried, busy_without_retries_is_reported],
}

/// The vendor's busy answer, a body cut short and a gateway page, once each on the
/// first listing request: retried, and the listing is whole.
async fn transient_faults_are_retried<C: VendorCase>() {
    let case = C::start().await;
    let server = case.server();
    for fault in [Fault::Busy, Fault::TruncatedJson, Fault::GatewayHtml(502)] {
        server.faults.add(When::Listing, Some(1), fault);
    }
    let records: Vec<Value> = C::records(&case.client(Credentials::Right), 10, CallOptions::new())
        .try_collect()
        .await
        .expect("after retries");
    let len = server.dataset.len();
    assert_same_records(&records, &C::expected(len));
    assert_eq!(server.log.listing_requests(), C::pages(len, 10) + 3);
    assert_eq!(server.faults.remaining(), 0);
}

/// Without retries, the vendor's busy answer is the error: its status and code, and
/// transient.
async fn busy_without_retries_is_reported<C: VendorCase>() {
    let case = C::start().await;
    let server = case.server();
    server.faults.add(When::Listing, Some(1), Fault::Busy);
    let options = CallOptions::new().no_retries();
    let error = C::records(&case.client(Credentials::Right), 10, options)
        .try_collect::<Vec<Value>>()
        .await
        .expect_err("busy");
    let (status, code) = C::BUSY;
    assert_eq!(
        (error.status(), error.vendor_code()),
        (Some(status), Some(code))
    );
    assert!(error.is_transient(), "{error:?}");
    assert_eq!(server.log.listing_requests(), 1);
}

/// A page answered once with HTTP 500 and an error code the spec does not list (NCE:
/// `{"errcode":"9999","errmsg":"系统繁忙"}`) is retried, and the export completes: every
/// record exactly once, the page asked for twice.
async fn unlisted_500_is_retried<C: VendorCase>() {
    let case = C::start().await;
    let server = case.server();
    server.dataset.set_len(45);
    server
        .faults
        .on_page(3, Fault::vendor_error(500, "9999", "系统繁忙"));
    let records: Vec<Value> = C::records(&case.client(Credentials::Right), 10, CallOptions::new())
        .try_collect()
        .await
        .expect("the export completes");
    assert_same_records(&records, &C::expected(45));
    assert_eq!(server.log.listing_pages(), [1, 2, 3, 3, 4, 5]);
    assert_eq!(server.faults.remaining(), 0);
}

//! Responses a consumer's unit test builds by hand (the `test-util` feature of
//! `meterage-clients`), through `meterage_clients` only: a Kaopuyun bill response and
//! GSL pool pages, passed to small functions written as a consumer writes them. No
//! server: the point is that a test of the consumer's own code needs none.

use std::collections::BTreeMap;

use futures_util::stream;
use meterage_clients::huawei_gsl::types::{ListSimPoolsResponse, SimPoolVo};
use meterage_clients::kaopuyun::types::{DescribeFlowBillsResponse, FlowBillInfo, ProductType};
use meterage_clients::runtime::pagination::PageOf;
use meterage_clients::runtime::{Decimal, Error, Response, Stream, TryStreamExt};

// The consumer's code.

/// The bills of one product: how many, the money paid, the ids of those not paid yet.
#[derive(Debug, Default, PartialEq)]
struct ProductBills {
    count: usize,
    paid: Decimal,
    unpaid: Vec<String>,
}

/// The bills of a response per product (`None`: bills that name none).
fn bills_per_product(
    response: &Response<DescribeFlowBillsResponse>,
) -> BTreeMap<Option<ProductType>, ProductBills> {
    let mut report = BTreeMap::<_, ProductBills>::new();
    for bill in &response.items {
        let entry = report.entry(bill.product_type.clone()).or_default();
        entry.count += 1;
        match (&bill.pay_time, &bill.pay_price) {
            (Some(_), Some(price)) => entry.paid += price,
            _ => entry.unpaid.extend(bill.bill_uuid.clone()),
        }
    }
    report
}

/// Reads GSL pages until a pool named `name` turns up, logging each page read; reads
/// nothing after that page.
async fn find_pool(
    mut pages: impl Stream<Item = Result<PageOf<ListSimPoolsResponse, i64>, Error>> + Unpin,
    name: &str,
    log: &mut Vec<String>,
) -> Result<Option<SimPoolVo>, Error> {
    while let Some(page) = pages.try_next().await? {
        let (number, pools) = (page.number(), page.into_items());
        log.push(format!("page {number}: {} pools", pools.len()));
        let wanted = pools
            .into_iter()
            .find(|pool| pool.pool_name.as_deref() == Some(name));
        if wanted.is_some() {
            return Ok(wanted);
        }
    }
    Ok(None)
}

// The consumer's tests.

fn bill(id: &str, product: &str, paid: Option<&str>) -> FlowBillInfo {
    let mut bill = FlowBillInfo::new();
    bill.bill_uuid = Some(id.to_owned());
    bill.product_type = Some(ProductType::from(product));
    bill.total_price = Some(decimal("25.0"));
    bill.pay_price = paid.map(decimal);
    bill.pay_time = paid.map(|_| "2024-09-01 10:00".to_owned());
    bill
}

fn decimal(text: &str) -> Decimal {
    Decimal::new(text).expect("a decimal")
}

#[test]
fn a_kaopuyun_bill_response_built_by_hand() {
    let mut body = DescribeFlowBillsResponse::new(vec![
        bill("b-1", "OWN_ECS", Some("25.0")),
        bill("b-2", "BWP", None),
        bill("b-3", "OWN_ECS", None),
        bill("b-4", "OWN_ECS", Some("0.35")),
        // A product the spec does not list yet.
        bill("b-5", "GPU", Some("3")),
        FlowBillInfo::new(),
    ]);
    body.total = Some(6);
    let response = Response::for_test(body);
    assert_eq!(response.status(), 200);
    assert_eq!(response.total, Some(6));

    let report = bills_per_product(&response);
    let expected = |count, paid: &str, unpaid: &[&str]| ProductBills {
        count,
        paid: decimal(paid),
        unpaid: unpaid.iter().map(|id| (*id).to_owned()).collect(),
    };
    assert_eq!(
        report,
        BTreeMap::from([
            (None, expected(1, "0", &[])),
            (Some(ProductType::OwnEcs), expected(3, "25.35", &["b-3"])),
            (Some(ProductType::Bwp), expected(1, "0", &["b-2"])),
            (Some(ProductType::from("GPU")), expected(1, "3.00", &[])),
        ])
    );
}

fn pool_page(number: i64, names: &[&str]) -> Result<PageOf<ListSimPoolsResponse, i64>, Error> {
    let pools = names
        .iter()
        .map(|name| {
            let mut pool = SimPoolVo::new();
            pool.pool_name = Some((*name).to_owned());
            pool.flow_left = Some(1024.5);
            pool
        })
        .collect();
    let mut body = ListSimPoolsResponse::new(pools);
    body.offset = Some(number);
    body.count = Some(5);
    Ok(PageOf::for_test(number, Response::for_test(body)))
}

#[tokio::test]
async fn gsl_pool_pages_built_by_hand() {
    // The third page is an error: reading it would fail the search.
    let broken = Error::Config("the test's third page must not be read".to_owned());
    let pages = stream::iter(vec![
        pool_page(1, &["pool-a", "pool-b"]),
        pool_page(2, &["pool-c", "pool-d"]),
        Err(broken),
    ]);
    let mut log = Vec::new();
    let found = find_pool(pages, "pool-d", &mut log)
        .await
        .expect("no page read past the pool");
    assert_eq!(
        found.as_ref().and_then(|pool| pool.pool_name.as_deref()),
        Some("pool-d")
    );
    assert_eq!(found.and_then(|pool| pool.flow_left), Some(1024.5));
    assert_eq!(log, ["page 1: 2 pools", "page 2: 2 pools"]);

    // A pool on no page: every page is read, and the error of the third reaches the
    // caller.
    let pages = stream::iter(vec![
        pool_page(1, &["pool-a"]),
        Err(Error::Config("page 2 failed".to_owned())),
    ]);
    let mut log = Vec::new();
    let error = find_pool(pages, "pool-z", &mut log)
        .await
        .expect_err("the failed page");
    assert!(error.to_string().contains("page 2 failed"), "{error}");
    assert_eq!(log, ["page 1: 1 pools"]);
}

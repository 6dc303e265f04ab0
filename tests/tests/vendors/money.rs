//! Money that adds up, written as a consumer writes it (through `meterage_clients`
//! only): a period's Kaopuyun bills summed per product type, and the bills stored as
//! JSON and read back with plain `serde_json`.

use std::collections::BTreeMap;

use meterage_clients::kaopuyun::types::{FlowBillInfo, ProductType};
use meterage_clients::kaopuyun::{self, Client};
use meterage_clients::runtime::auth::AccessKey;
use meterage_clients::runtime::{serde_json, Decimal, TryStreamExt};
use meterage_tests::kaopuyun as fake;

use crate::support::serve;

/// Bills in the fake's dataset: its three seed bills and generated ones.
const BILLS: u64 = 157;

/// The period's bills, every page, as a consumer fetches them.
async fn period_bills() -> Vec<FlowBillInfo> {
    let key = AccessKey {
        id: fake::KEY.0.into(),
        secret: fake::KEY.1.into(),
        security_token: None,
    };
    let (server, client): (_, Client) =
        serve(fake::start(), kaopuyun::auth::rpc_signature(key)).await;
    server.dataset.set_len(BILLS);
    client
        .describe_flow_bills()
        .bill_begin_date("2022-10-01 00:00:00")
        .bill_end_date("2023-03-31 23:59:59")
        .page_size(50)
        .items()
        .try_collect()
        .await
        .expect("every bill of the period")
}

/// Hundredths of the decimal `text` (at most two decimals), read digit by digit: the
/// expected totals owe nothing to `Decimal`.
fn cents(text: &str) -> i64 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    assert!(fraction.len() <= 2, "{text} has more than two decimals");
    let fraction = format!("{fraction:0<2}");
    whole.parse::<i64>().expect("whole units") * 100 + fraction.parse::<i64>().expect("hundredths")
}

#[tokio::test]
async fn a_periods_bills_sum_exactly_per_product_type() {
    let bills = period_bills().await;
    assert_eq!(bills.len() as u64, BILLS);

    // The obvious code: a running total per product type, ordered by product type.
    let mut totals: BTreeMap<ProductType, Decimal> = BTreeMap::new();
    for bill in &bills {
        if let (Some(product), Some(price)) = (&bill.product_type, &bill.pay_price) {
            *totals.entry(product.clone()).or_default() += price;
        }
    }

    // The same totals from the fake's own dataset, in integer hundredths, with the most
    // decimals any of the product's prices has.
    let mut expected: BTreeMap<String, (i64, usize)> = BTreeMap::new();
    for bill in fake::bills(BILLS) {
        let product = bill["ProductType"].as_str().expect("a product type");
        let price = bill["PayPrice"].to_string();
        let decimals = price.split_once('.').map_or(0, |(_, f)| f.len());
        let entry = expected.entry(product.to_owned()).or_default();
        *entry = (entry.0 + cents(&price), entry.1.max(decimals));
    }
    let got: BTreeMap<String, Decimal> = totals
        .iter()
        .map(|(product, total)| (product.to_string(), total.clone()))
        .collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (product, &(cents, decimals)) in &expected {
        let total = &got[product];
        let want = Decimal::from_parts(i128::from(cents), 2).expect("a decimal");
        assert_eq!(*total, want, "{product}: {total} against {want}");
        // Exact text, as many decimals as the most precise price: no float noise.
        let hundredths = format!("{:02}", cents % 100);
        let text = match decimals {
            0 => (cents / 100).to_string(),
            _ => format!("{}.{}", cents / 100, &hundredths[..decimals]),
        };
        assert_eq!(total.to_string(), text, "{product}");
    }
    // The seed's 21.45 makes BWP's total exact to the cent.
    assert_eq!(expected["BWP"].1, 2);
    let grand: Decimal = totals.values().sum();
    let all: i64 = expected.values().map(|(cents, _)| cents).sum();
    assert_eq!(
        grand,
        Decimal::from_parts(i128::from(all), 2).expect("a decimal")
    );
    // A program keeping its money in `rust_decimal` converts, exactly, both ways.
    let theirs = rust_decimal::Decimal::try_from(&grand).expect("fits rust_decimal");
    assert_eq!(theirs, rust_decimal::Decimal::new(all, 2));
    assert_eq!(Decimal::from(theirs), grand);
    // Ordered by product type, listed ones in the spec's order before unlisted ones.
    let order: Vec<&str> = totals.keys().map(ProductType::as_str).collect();
    assert_eq!(order, ["OWN_ECS", "BWP", "OWN_EIP"]);
}

#[tokio::test]
async fn bills_stored_as_json_read_back_equal_with_plain_serde_json() {
    let bills = period_bills().await;
    let stored = serde_json::to_string(&bills).expect("bills serialize");
    let read: Vec<FlowBillInfo> = serde_json::from_str(&stored).expect("bills read back");
    assert_eq!(read, bills);
    assert_eq!(
        serde_json::to_string(&read).expect("bills serialize"),
        stored,
        "the same text, digit for digit"
    );
    // The seed's second bill costs 25.0, as Kaopuyun wrote it: not 25.
    let price = read[1].pay_price.as_ref().expect("a price");
    assert_eq!((price.as_str(), price.is_number()), ("25.0", true));
    assert!(stored.contains(r#""PayPrice":25.0,"#), "{stored:.300}");
    // One bill per line, as the examples write them, reads back the same.
    let lines: Vec<String> = bills
        .iter()
        .map(|bill| serde_json::to_string(bill).expect("a bill serializes"))
        .collect();
    for (line, bill) in lines.iter().zip(&bills) {
        let back: FlowBillInfo = serde_json::from_str(line).expect("a bill reads back");
        assert_eq!(&back, bill);
        assert_eq!(
            back.pay_price.as_ref().map(Decimal::as_str),
            bill.pay_price.as_ref().map(Decimal::as_str)
        );
    }
}

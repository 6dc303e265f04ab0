//! The instance bills the BSS fake serves, made from their index, and the `NextToken`s
//! that page through them.

use base64::Engine as _;
use serde_json::{json, Value};

/// The products the bills are of: (ProductCode, ProductName, CommodityCode).
pub const PRODUCTS: [(&str, &str, &str); 4] = [
    ("ecs", "Elastic Compute Service", "ecs"),
    ("rds", "ApsaraDB RDS", "rds"),
    ("oss", "Object Storage Service", "oss"),
    ("cdn", "Alibaba Cloud CDN", "cdn"),
];

/// The billing methods BSS knows.
pub const SUBSCRIPTION_TYPES: [&str; 2] = ["Subscription", "PayAsYouGo"];

/// An amount of `cents` as BSS sends money: a JSON number.
fn money(cents: u64) -> Value {
    json!(cents as f64 / 100.0)
}

/// Whether bill `index` costs nothing (its pretax gross and pretax amounts are 0), which
/// `IsHideZeroCharge=true` leaves out.
pub fn zero_charge(index: u64) -> bool {
    index % 7 == 6
}

/// Bill `index` (from 0) of the monthly, by-instance listing (the default), as the fake
/// serves it, in server order.
pub fn bill(index: u64) -> Value {
    let (code, name, commodity) = PRODUCTS[(index % 4) as usize];
    let subscription = SUBSCRIPTION_TYPES[usize::from(!index.is_multiple_of(3))];
    let (gross, coupons) = if zero_charge(index) {
        (0, 0)
    } else {
        (1000 + index * 37 % 9000, index % 5 * 10)
    };
    let pretax = gross - coupons;
    let outstanding = if index % 4 == 3 { pretax } else { 0 };
    json!({
        "InstanceID": format!("i-bp1{index:08x}meterage"),
        "InstanceSpec": if code == "ecs" { "ecs.g6.large" } else { "" },
        "NickName": format!("meterage-{index}"),
        "ProductCode": code,
        "ProductName": name,
        "ProductType": code,
        "PipCode": code,
        "CommodityCode": commodity,
        "SubscriptionType": subscription,
        "Item": if subscription == "Subscription" { "SubscriptionOrder" } else { "PayAsYouGoBill" },
        "CostUnit": "Not allocated",
        "OwnerID": "1234567890123456",
        "BillAccountID": "1234567890123456",
        "BillAccountName": "meterage-test@aliyun.com",
        "PretaxGrossAmount": money(gross),
        "PretaxAmount": money(pretax),
        "PaymentAmount": money(pretax - outstanding),
        "CashAmount": money(pretax - outstanding),
        "OutstandingAmount": money(outstanding),
        "DeductedByCoupons": money(coupons),
        "DeductedByCashCoupons": money(0),
        "DeductedByPrepaidCard": money(0),
        "InvoiceDiscount": money(0),
        "AdjustAmount": money(0),
        "Currency": "CNY",
        "Region": "China (Hangzhou)",
        "Zone": if index.is_multiple_of(2) { "Hangzhou Zone H" } else { "Hangzhou Zone I" },
        "Tag": if index.is_multiple_of(5) { "key:team value:billing" } else { "" },
        "ResourceGroup": "Default resource group",
    })
}

/// The first `len` bills in server order (no filter): what paging through the whole
/// listing must return.
pub fn bills(len: u64) -> impl Iterator<Item = Value> {
    (0..len).map(bill)
}

/// Bill `index` as the listing shapes it: with `BillingDate` for a daily listing, and the
/// billable item's fields (usage, list price) when listed by billable item.
pub fn shaped(index: u64, billing_date: Option<&str>, by_item: bool) -> Value {
    let mut bill = bill(index);
    if let Some(date) = billing_date {
        bill["BillingDate"] = json!(date);
    }
    if by_item {
        let (code, _, _) = PRODUCTS[(index % 4) as usize];
        let (item, unit) = match code {
            "ecs" => ("Instance type", "Hour"),
            "rds" => ("Storage", "GB"),
            "oss" => ("Storage", "GB"),
            _ => ("Traffic", "GB"),
        };
        bill["BillingItem"] = json!(item);
        bill["BillingItemCode"] = json!(item.to_lowercase().replace(' ', "_"));
        bill["Usage"] = json!(format!("{}", 24 + index % 700));
        bill["UsageUnit"] = json!(unit);
        bill["ListPrice"] = json!(format!("{}.{:02}", index % 3, index % 100));
        bill["ListPriceUnit"] = json!(format!("CNY/{unit}"));
    }
    bill
}

/// What every token starts with (BSS's tokens are opaque base64 text such as
/// `CAESEgoQCg4KCm`).
const TOKEN_PREFIX: &str = "CAES";

/// The `NextToken` of the page starting at position `offset` of the listing: base64, so
/// that its `+`, `/` and `=` must be percent-encoded on the wire and in the signature.
pub fn token(offset: u64) -> String {
    let inner = format!("bss?next={offset}&v=1");
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(inner)
    )
}

/// The position a token the fake issued points at; `None` for any other text.
pub fn offset_of(token: &str) -> Option<u64> {
    let encoded = token.strip_prefix(TOKEN_PREFIX)?;
    let inner = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let inner = String::from_utf8(inner).ok()?;
    inner
        .strip_prefix("bss?next=")?
        .strip_suffix("&v=1")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_need_encoding() {
        for offset in [0, 1, 20, 299, 1_000_000] {
            assert_eq!(offset_of(&token(offset)), Some(offset));
        }
        assert!((0..50).any(|o| token(o).contains('=')));
        for bad in ["", "CAES", "CAESnot-base64!", "CAESYWJj", "caes"] {
            assert_eq!(offset_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts_add_up() {
        for i in 0..100 {
            let b = bill(i);
            let n = |k: &str| (b[k].as_f64().expect(k) * 100.0).round() as i64;
            assert_eq!(
                n("PretaxGrossAmount") - n("DeductedByCoupons"),
                n("PretaxAmount")
            );
            assert_eq!(
                n("PaymentAmount") + n("OutstandingAmount"),
                n("PretaxAmount")
            );
            assert_eq!(zero_charge(i), n("PretaxGrossAmount") == 0, "{i}");
        }
    }
}

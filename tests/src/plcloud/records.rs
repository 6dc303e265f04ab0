//! PLCloud's consumption records and the one-list answer of `GetConsumptionsByQuery`.

use serde_json::{json, Value};

/// Consumption record `index` (from 0): the seed's record first, then generated ones.
pub fn record(index: u64) -> Value {
    if index == 0 {
        return json!({
            "res_type": "instance", "res_meta": {"memory_gb": 2, "ephemeral_gb": 0, "vcpus": 1, "disk_gb": 0},
            "start_at": "2014-12-01 00:00:00", "name": "joelei1", "region": "shenzhen", "unit_price": "0.152748",
            "end_at": "2014-12-02 00:00:00", "billing_type": "hour", "amount": "3.6659520000", "remarks": "资源更新",
            "billing_id": "c9ee5686-4066-4a65-a632-ad9b12a71881", "cost_time": "24.0000",
            "res_id": "ced51e4a-e659-4641-a859-64f5d38e576d", "id": "f5b4d92d-3486-46b6-bf4b-1888d1eca706",
            "is_billing": false, "region_name": ""
        });
    }
    const TYPES: [&str; 4] = ["router", "bandwidth", "volume", "floatingip"];
    let i = index;
    let day = 1 + i % 5;
    json!({
        "res_type": TYPES[(i % 4) as usize], "res_meta": {"size": i * 10},
        "start_at": format!("2014-12-{day:02} 00:00:00"), "name": format!("res-{i}"), "region": "shenzhen",
        "unit_price": "0.010000", "end_at": format!("2014-12-{:02} 00:00:00", day + 1), "billing_type": "hour",
        "amount": format!("{i}.2400000000"), "remarks": "", "billing_id": format!("bill-{i:04}"),
        "cost_time": "24.0000", "res_id": format!("res-{i:04}"), "id": format!("rec-{i:04}"),
        "is_billing": true, "region_name": "深圳"
    })
}

/// The first `len` records in server order (no filter): the whole list.
pub fn records(len: u64) -> impl Iterator<Item = Value> {
    (0..len).map(record)
}

/// A decimal string with up to ten places, in units of 1e-10.
fn units(amount: &str) -> Option<i128> {
    let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
    let frac = format!("{frac:0<10}");
    Some(int.parse::<i128>().ok()? * 10_000_000_000 + frac.get(..10)?.parse::<i128>().ok()?)
}

/// The success body for `records`, built record by record (no list of values is
/// held), its `total_amount` summed exactly.
pub(crate) fn body(records: impl Iterator<Item = Value>) -> String {
    let mut out = String::from(r#"{"code":200,"data":["#);
    let mut total: i128 = 0;
    for (n, record) in records.enumerate() {
        if n > 0 {
            out.push(',');
        }
        total += record["amount"].as_str().and_then(units).unwrap_or(0);
        out.push_str(&record.to_string());
    }
    let total_amount = format!("{}.{:010}", total / 10_000_000_000, total % 10_000_000_000);
    out.push_str(&format!(
        r#"],"message":"成功","total_amount":"{total_amount}"}}"#
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_the_list_and_its_exact_sum() {
        let full: Value = serde_json::from_str(&body(records(12))).expect("JSON");
        assert_eq!(full["code"], 200);
        assert_eq!(full["message"], "成功");
        assert_eq!(full["data"], json!(records(12).collect::<Vec<_>>()));
        // 3.6659520000 + (1 + 2 + ... + 11) + 11 * 0.24
        assert_eq!(full["total_amount"], "72.3059520000");
        let empty: Value = serde_json::from_str(&body(records(0))).expect("JSON");
        assert_eq!(
            (empty["data"].clone(), empty["total_amount"].clone()),
            (json!([]), json!("0.0000000000"))
        );
    }
}

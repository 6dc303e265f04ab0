//! Every example response in the seeds decodes into the generated types, field for
//! field. (The generated modules also round-trip every `example` of their spec; these
//! tests pin the values a consumer reads.)

use meterage_clients::{huawei_gsl, kaopuyun, plcloud};
use serde::de::DeserializeOwned;

/// `body`, decoded.
fn decode<T: DeserializeOwned>(body: &str) -> T {
    serde_json::from_str(body).expect("decodes")
}

/// Checks that the text fields `got` hold `want`, field for field.
fn assert_texts<const N: usize>(got: [&Option<String>; N], want: [&str; N]) {
    assert_eq!(got.map(Option::as_deref), want.map(Some));
}

const GSL_200: &str = r#"{
  "limit" : 10,
  "offset" : 1,
  "count" : 1,
  "pools" : [ {
    "id" : 1000000000,
    "pool_name" : "流量池名称",
    "price_plan_name" : "中国联通消费级每月30M联接服务(1年)",
    "price_plan_id" : "10000",
    "effective_time" : "2022-08-26T16:00:00.000+00:00",
    "expired_time" : "2022-09-26T15:59:59.000+00:00",
    "billing_cycle" : "2022-09",
    "flow_total" : 60,
    "flow_used" : 102.59,
    "flow_left" : -42.59,
    "quantity" : 100,
    "modify_time" : "2022-09-22T18:57:15.000+00:00",
    "order_id" : 100000000,
    "activated_sim_quantity" : 2,
    "inactive_sim_quantity" : 0,
    "disassembled_sim_quantity" : 98,
    "order_ids" : "1000000"
  } ]
}"#;

#[test]
fn gsl_sim_pools_example() {
    let page: huawei_gsl::types::ListSimPoolsResponse = decode(GSL_200);
    assert_eq!(
        (page.limit, page.offset, page.count),
        (Some(10), Some(1), Some(1))
    );
    assert_eq!(page.pools.len(), 1);
    let p = &page.pools[0];
    assert_eq!(p.id, Some(1_000_000_000));
    assert_eq!(p.pool_name.as_deref(), Some("流量池名称"));
    assert_eq!(
        p.price_plan_name.as_deref(),
        Some("中国联通消费级每月30M联接服务(1年)")
    );
    assert_eq!(p.price_plan_id.as_deref(), Some("10000"));
    // The times as the vendor writes them.
    assert_texts(
        [&p.effective_time, &p.expired_time, &p.modify_time],
        [
            "2022-08-26T16:00:00.000+00:00",
            "2022-09-26T15:59:59.000+00:00",
            "2022-09-22T18:57:15.000+00:00",
        ],
    );
    assert_eq!(p.billing_cycle.as_deref(), Some("2022-09"));
    assert_eq!(p.flow_total, Some(60.0));
    assert_eq!(p.flow_used, Some(102.59));
    // Documented minimum 0, sent negative: responses are never validated.
    assert_eq!(p.flow_left, Some(-42.59));
    assert_eq!(p.quantity, Some(100));
    assert_eq!(p.order_id, Some(100_000_000));
    assert_eq!(p.activated_sim_quantity, Some(2));
    assert_eq!(p.inactive_sim_quantity, Some(0));
    assert_eq!(p.disassembled_sim_quantity, Some(98));
    assert_eq!(p.order_ids.as_deref(), Some("1000000"));
    assert_eq!(p.status, None);
}

/// GSL's error bodies have no type of their own: the operation's error envelope reads
/// their code and message into `Error::Api`.
#[test]
fn gsl_error_examples() {
    let envelope = huawei_gsl::ListSimPools::OPERATION.envelope;
    for (body, code, msg) in [
        (
            r#"{"error_code" : "GSL.00010004", "error_msg" : "参数异常"}"#,
            "GSL.00010004",
            "参数异常",
        ),
        (
            r#"{"error_code" : "GSL.00011004", "error_msg" : "账期不合法,请检查!"}"#,
            "GSL.00011004",
            "账期不合法,请检查!",
        ),
        (
            r#"{"error_code" : "GSL.00010003", "error_msg" : "系统繁忙,请稍后重试。"}"#,
            "GSL.00010003",
            "系统繁忙,请稍后重试。",
        ),
    ] {
        let body: serde_json::Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(envelope.code_of(&body).as_deref(), Some(code));
        assert_eq!(envelope.message_of(&body).as_deref(), Some(msg));
    }
}

const KAOPUYUN_200: &str = r#"{
    "Total":1227,
    "Items":[
        {"PayPrice":21.45,"BillType":"RENEW_PRODUCT","BillUUID":"s70000000rfm","BillBeginTime":"2022-10-25 10:15","TotalPrice":21.45,"ProductType":"BWP","PaymentType":"PRE_PAID","PayTime":"2022-10-25 10:15","BillEndTime":"2022-10-31 23:59"},
        {"PayPrice":25.0,"BillType":"RENEW_PRODUCT","BillUUID":"s70000000rfk","BillBeginTime":"2022-10-26 00:00","TotalPrice":25.0,"ProductType":"OWN_EIP","PaymentType":"PRE_PAID","PayTime":"2022-10-25 10:00","BillEndTime":"2022-11-25 23:59"},
        {"PayPrice":25.0,"BillType":"RENEW_PRODUCT","BillUUID":"s70000000rfi","BillBeginTime":"2022-10-26 00:00","TotalPrice":25.0,"ProductType":"OWN_EIP","PaymentType":"PRE_PAID","PayTime":"2022-10-25 10:00","BillEndTime":"2022-11-25 23:59"}
    ],
    "RequestId":"742fbe80-0ea9-11eb-9b36-0208cb7f7896"
}"#;

#[test]
fn kaopuyun_flow_bills_example() {
    use kaopuyun::types::{BillType, PaymentType, ProductType};
    let page: kaopuyun::types::DescribeFlowBillsResponse = decode(KAOPUYUN_200);
    assert_eq!(page.total, Some(1227));
    assert_eq!(
        page.request_id.as_deref(),
        Some("742fbe80-0ea9-11eb-9b36-0208cb7f7896")
    );
    let expected = [
        (
            "21.45",
            "s70000000rfm",
            "2022-10-25 10:15",
            ProductType::Bwp,
            "2022-10-25 10:15",
            "2022-10-31 23:59",
        ),
        (
            "25.0",
            "s70000000rfk",
            "2022-10-26 00:00",
            ProductType::OwnEip,
            "2022-10-25 10:00",
            "2022-11-25 23:59",
        ),
        (
            "25.0",
            "s70000000rfi",
            "2022-10-26 00:00",
            ProductType::OwnEip,
            "2022-10-25 10:00",
            "2022-11-25 23:59",
        ),
    ];
    assert_eq!(page.items.len(), expected.len());
    for (item, (price, uuid, begin, product, paid, end)) in page.items.iter().zip(expected) {
        // Decoded by plain serde_json a JSON number is kept as its shortest text (the
        // client keeps the exact digits: see kaopuyun.rs, money_keeps_its_digits).
        let pay_price = item.pay_price.as_ref().expect("PayPrice");
        assert_eq!(
            pay_price.as_str().parse::<f64>().ok(),
            price.parse::<f64>().ok(),
            "{uuid}"
        );
        assert_eq!(item.total_price, item.pay_price);
        assert_eq!(item.bill_type, Some(BillType::RenewProduct));
        assert_eq!(item.bill_uuid.as_deref(), Some(uuid));
        assert_eq!(item.bill_begin_time.as_deref(), Some(begin));
        assert_eq!(item.product_type, Some(product));
        assert_eq!(item.payment_type, Some(PaymentType::PrePaid));
        assert_eq!(item.pay_time.as_deref(), Some(paid));
        assert_eq!(item.bill_end_time.as_deref(), Some(end));
    }
    assert_eq!(
        page.items[0].pay_price.as_ref().map(|p| p.as_str()),
        Some("21.45")
    );
}

#[test]
fn unknown_enum_values_decode_and_round_trip() {
    let body = KAOPUYUN_200
        .replacen("\"BWP\"", "\"GPU_CLOUD\"", 1)
        .replacen("\"RENEW_PRODUCT\"", "\"TRIAL\"", 1);
    let page: kaopuyun::types::DescribeFlowBillsResponse = decode(&body);
    let product = page.items[0].product_type.clone().expect("a product type");
    assert!(
        matches!(&product, kaopuyun::types::ProductType::Unknown(v) if v.as_str() == "GPU_CLOUD"),
        "{product:?}"
    );
    assert_eq!(product, kaopuyun::types::ProductType::from("GPU_CLOUD"));
    assert_eq!(
        page.items[0].bill_type.as_ref().map(|t| t.as_str()),
        Some("TRIAL")
    );
    let again = serde_json::to_value(&page.items[0]).expect("encodes");
    assert_eq!(again["ProductType"], "GPU_CLOUD");
}

const PLCLOUD_200: &str = r#"{
    "message": "成功",
    "code": 200,
    "data": [
        {
            "res_type": "instance",
            "res_meta": {"memory_gb": 2, "ephemeral_gb": 0, "vcpus": 1, "disk_gb": 0},
            "start_at": "2014-12-01 00:00:00",
            "name": "joelei1",
            "region": "shenzhen",
            "unit_price": "0.152748",
            "end_at": "2014-12-02 00:00:00",
            "billing_type": "hour",
            "amount": "3.6659520000",
            "remarks": "资源更新",
            "billing_id": "c9ee5686-4066-4a65-a632-ad9b12a71881",
            "cost_time": "24.0000",
            "res_id": "ced51e4a-e659-4641-a859-64f5d38e576d",
            "id": "f5b4d92d-3486-46b6-bf4b-1888d1eca706",
            "is_billing": false,
            "region_name": ""
        }
    ],
    "total_amount": "3.6659520000"
}"#;

#[test]
fn plcloud_consumptions_example() {
    let page: plcloud::types::ConsumptionsResponse = decode(PLCLOUD_200);
    assert_eq!(page.message.as_deref(), Some("成功"));
    assert_eq!(page.code, Some(200));
    assert_eq!(
        page.total_amount.as_ref().map(|t| t.as_str()),
        Some("3.6659520000")
    );
    assert_eq!(page.data.len(), 1);
    let r = &page.data[0];
    assert_eq!(r.res_type.as_deref(), Some("instance"));
    let meta = r.res_meta.as_ref().expect("res_meta");
    assert_eq!(meta.get("memory_gb"), Some(&serde_json::json!(2)));
    assert_eq!(meta.get("vcpus"), Some(&serde_json::json!(1)));
    assert_eq!(meta.len(), 4);
    assert_eq!(r.start_at.as_deref(), Some("2014-12-01 00:00:00"));
    assert_eq!(r.name.as_deref(), Some("joelei1"));
    assert_eq!(r.region.as_deref(), Some("shenzhen"));
    assert_eq!(r.unit_price.as_ref().map(|d| d.as_str()), Some("0.152748"));
    assert_eq!(r.end_at.as_deref(), Some("2014-12-02 00:00:00"));
    assert_eq!(r.billing_type.as_deref(), Some("hour"));
    // Decimal strings keep every digit, trailing zeros included.
    assert_eq!(r.amount.as_ref().map(|d| d.as_str()), Some("3.6659520000"));
    assert_eq!(r.remarks.as_deref(), Some("资源更新"));
    assert_eq!(r.cost_time.as_ref().map(|d| d.as_str()), Some("24.0000"));
    // The ids: of the billing, of the resource, of the record.
    assert_texts(
        [&r.billing_id, &r.res_id, &r.id],
        [
            "c9ee5686-4066-4a65-a632-ad9b12a71881",
            "ced51e4a-e659-4641-a859-64f5d38e576d",
            "f5b4d92d-3486-46b6-bf4b-1888d1eca706",
        ],
    );
    assert_eq!(r.is_billing, Some(false));
    assert_eq!(r.region_name.as_deref(), Some(""));
    let again = serde_json::to_value(&page).expect("encodes");
    assert_eq!(again["data"][0]["amount"], "3.6659520000");
}

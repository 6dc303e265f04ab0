//! Response fields are required only where the vendor guarantees them: a page whose
//! records each lack a different field, and carry `null`s, decodes completely, record
//! for record, through the generated clients and a server on loopback. Only the fields a
//! spec keeps required (a page's records) fail a body that lacks them, naming the path
//! and keeping the raw body; a vendor error on HTTP 200 is the vendor's error.

#![allow(clippy::unwrap_used)]

use axum::routing::{get, post};
use axum::{Json, Router};
use meterage_clients::runtime::auth::AccessKey;
use meterage_clients::runtime::Error;
use meterage_clients::{huawei_gsl, kaopuyun, nce_campus, plcloud};
use meterage_tests::Server;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// The seed's record, then one copy per field with that field left out and the next
/// one `null`, then one with every field `null` and an empty one.
fn ragged(record: &Value) -> Vec<Value> {
    let fields = record.as_object().unwrap();
    let keys: Vec<&String> = fields.keys().collect();
    let mut out = vec![record.clone()];
    for (i, key) in keys.iter().enumerate() {
        let mut copy = fields.clone();
        copy.remove(*key);
        copy.insert(keys[(i + 1) % keys.len()].clone(), Value::Null);
        out.push(Value::Object(copy));
    }
    out.push(Value::Object(
        keys.iter().map(|k| ((*k).clone(), Value::Null)).collect(),
    ));
    out.push(json!({}));
    out
}

/// A JSON value with the `null` fields of its objects left out and every number as an
/// `f64`, so that what was sent and what was decoded and encoded again compare.
fn normalized(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        Value::Number(n) => json!(n.as_f64().unwrap()),
        other => other.clone(),
    }
}

/// Every decoded record holds exactly the non-null fields of the record sent.
fn assert_same_records<T: Serialize>(sent: &[Value], decoded: &[T]) {
    assert_eq!(decoded.len(), sent.len(), "every record decodes");
    for (i, (sent, decoded)) in sent.iter().zip(decoded).enumerate() {
        assert_eq!(
            normalized(&serde_json::to_value(decoded).unwrap()),
            normalized(sent),
            "record {i}"
        );
    }
}

async fn serve(router: Router) -> Server {
    Server::start(router).await
}

fn gsl_record() -> Value {
    json!({
        "id": 1000000000_i64,
        "pool_name": "流量池名称",
        "price_plan_name": "中国联通消费级每月30M联接服务(1年)",
        "price_plan_id": "10000",
        "effective_time": "2022-08-26T16:00:00.000+00:00",
        "expired_time": "2022-09-26T15:59:59.000+00:00",
        "billing_cycle": "2022-09",
        "flow_total": 60,
        "flow_used": 102.59,
        "flow_left": -42.59,
        "quantity": 100,
        "modify_time": "2022-09-22T18:57:15.000+00:00",
        "order_id": 100000000,
        "activated_sim_quantity": 2,
        "inactive_sim_quantity": 0,
        "disassembled_sim_quantity": 98,
        "order_ids": "1000000",
        "status": 1
    })
}

async fn gsl_client(body: Value) -> (Server, huawei_gsl::Client) {
    let server = serve(Router::new().route(
        "/v1/sim-pools",
        get(move || {
            let body = body.clone();
            async move { Json(body) }
        }),
    ))
    .await;
    let client = huawei_gsl::Client::builder()
        .base_url(server.base_url())
        .auth(huawei_gsl::auth::iam_token("MIIZkQYJKoZIhvcNAQcC"))
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn a_gsl_page_with_missing_and_null_fields_decodes_completely() {
    // The first finding: one `null` `price_plan_name` lost the page from that record on.
    let mut second = gsl_record();
    second["price_plan_name"] = Value::Null;
    let pools = vec![gsl_record(), second, gsl_record()];
    let (_server, client) =
        gsl_client(json!({"limit": 10, "offset": 1, "count": 3, "pools": pools})).await;
    let page = client.list_sim_pools().send().await.unwrap();
    assert_same_records(&pools, &page.pools);
    assert_eq!(page.pools[1].price_plan_name, None);
    assert_eq!(page.pools[2].flow_left, Some(-42.59));

    // Every field left out by one record and `null` in another, the paging envelope too.
    let pools = ragged(&gsl_record());
    let (_server, client) = gsl_client(json!({"count": null, "pools": pools})).await;
    let page = client.list_sim_pools().send().await.unwrap();
    assert_same_records(&pools, &page.pools);
    assert_eq!((page.limit, page.offset, page.count), (None, None, None));
}

#[tokio::test]
async fn a_gsl_body_without_its_records_is_a_decode_error_not_an_empty_page() {
    for (body, path, cause) in [
        (
            json!({"count": 3}),
            ".",
            "missing field `pools` at line 1 column 11",
        ),
        (
            json!({"count": 3, "pools": null}),
            "pools",
            "invalid type: null, expected a sequence at line 1 column 23",
        ),
    ] {
        let (_server, client) = gsl_client(body.clone()).await;
        let error = client.list_sim_pools().send().await.unwrap_err();
        let Error::Decode(decode) = &error else {
            panic!("{body}: not a decode error: {error:?}");
        };
        assert_eq!(
            (decode.path.as_str(), decode.source.to_string().as_str()),
            (path, cause),
            "{body}"
        );
        assert_eq!(decode.body, serde_json::to_vec(&body).unwrap());
    }
}

fn bill() -> Value {
    json!({
        "PayPrice": 21.45,
        "BillType": "RENEW_PRODUCT",
        "BillUUID": "s70000000rfm",
        "BillBeginTime": "2022-10-25 10:15",
        "TotalPrice": 21.45,
        "ProductType": "BWP",
        "PaymentType": "PRE_PAID",
        "PayTime": "2022-10-25 10:15",
        "BillEndTime": "2022-10-31 23:59"
    })
}

#[tokio::test]
async fn a_kaopuyun_page_with_missing_and_null_fields_decodes_completely() {
    let items = ragged(&bill());
    let body = json!({"Total": null, "Items": items});
    let server = serve(Router::new().route(
        "/",
        get(move || {
            let body = body.clone();
            async move { Json(body) }
        }),
    ))
    .await;
    let client = kaopuyun::Client::builder()
        .base_url(server.base_url())
        .auth(kaopuyun::auth::rpc_signature(AccessKey {
            id: "sz0000ei53aw".into(),
            secret: "secret".into(),
            security_token: None,
        }))
        .build()
        .unwrap();
    let page = client.describe_flow_bills().send().await.unwrap();
    assert_same_records(&items, &page.items);
    assert_eq!(page.total, None);
}

/// Kaopuyun answers errors in Alibaba's `{RequestId, Code, Message}` whatever the status:
/// on HTTP 200 that body is the vendor's error, not a page that failed to decode.
#[tokio::test]
async fn a_kaopuyun_error_on_http_200_is_an_api_error() {
    let server = serve(Router::new().route(
        "/",
        get(|| async {
            Json(json!({
                "RequestId": "742fbe80-0ea9-11eb-9b36-0208cb7f7896",
                "Code": "ProductTypeIsInvalid",
                "Message": "ProductType无效的产品类型"
            }))
        }),
    ))
    .await;
    let client = kaopuyun::Client::builder()
        .base_url(server.base_url())
        .auth(kaopuyun::auth::rpc_signature(AccessKey {
            id: "sz0000ei53aw".into(),
            secret: "secret".into(),
            security_token: None,
        }))
        .build()
        .unwrap();
    let error = client.describe_flow_bills().send().await.unwrap_err();
    let api = error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"));
    assert_eq!(api.status, 200);
    assert_eq!(error.vendor_code(), Some("ProductTypeIsInvalid"));
    assert_eq!(api.message.as_deref(), Some("ProductType无效的产品类型"));
    assert_eq!(
        api.request_id.as_deref(),
        Some("742fbe80-0ea9-11eb-9b36-0208cb7f7896")
    );
}

fn consumption() -> Value {
    json!({
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
    })
}

#[tokio::test]
async fn plcloud_records_with_missing_and_null_fields_decode_completely() {
    let data = ragged(&consumption());
    // `code` 200 is the success the envelope looks for; the rest of the envelope is gone.
    let body = json!({"code": 200, "data": data, "total_amount": null});
    let server = serve(Router::new().route(
        "/api/",
        post(move || {
            let body = body.clone();
            async move { Json(body) }
        }),
    ))
    .await;
    let client = plcloud::Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let records = client.get_consumptions_by_query().send().await.unwrap();
    assert_same_records(&data, &records.data);
    assert_eq!((&records.message, &records.total_amount), (&None, &None));
}

#[tokio::test]
async fn nce_records_with_missing_and_null_fields_decode_completely() {
    let record = json!({
        "id": "3c1e5b0a-7d2f-4a6b-9e1c-2f4d8a6b0c11",
        "siteId": "a91e1696-02a2-4a68-bad4-aa639359c8cf",
        "userName": "zhangsan",
        "lastChargeTime": "2017-11-24 18:30:00",
        "usedFlow": "120",
        "usedTime": "95",
        "policyFlow": "1024",
        "policyTime": "600",
        "remainFlow": "904",
        "remainTime": "505"
    });
    let data = ragged(&record);
    let body = json!({"errcode": "0", "totalRecords": null, "data": data});
    let server = serve(Router::new().route(
        "/controller/campus/v1/accountservice/user/timeflowstinfos",
        get(move || {
            let body = body.clone();
            async move { Json(body) }
        }),
    ))
    .await;
    let client = nce_campus::Client::builder()
        .base_url(server.base_url())
        .auth(nce_campus::auth::access_token("x-token"))
        .build()
        .unwrap();
    let page = client.get_time_flow_st_info_list().send().await.unwrap();
    assert_same_records(&data, page.data.as_deref().unwrap());
}

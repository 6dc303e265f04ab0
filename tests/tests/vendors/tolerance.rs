//! Response fields are required only where the vendor guarantees them: for every case
//! of the table, a page whose records each lack a different field, and carry `null`s,
//! decodes completely, record for record, through the generated client. Then GSL: a
//! `null` in one record loses nothing after it, and a body without its records (the
//! one field its spec keeps required) is a decode error naming the path and keeping
//! the raw body, not an empty page.

use meterage_clients::huawei_gsl;
use meterage_clients::runtime::Error;
use meterage_tests::gsl::{self, Gsl};
use meterage_tests::{Fake, Fault, When};
use serde_json::{json, Map, Value};

use crate::cases::{
    table, AliyunBss, AwsCostExplorer, Azure, Credentials, GslAksk, GslIam, Kaopuyun, NceCampus,
    Plcloud, VendorCase,
};
use crate::support::{gsl_aksk, serve};

table! {
    aliyun_bss: AliyunBss => [missing_and_null_fields_decode],
    nce_campus: NceCampus => [missing_and_null_fields_decode],
    gsl_iam: GslIam => [missing_and_null_fields_decode],
    gsl_aksk: GslAksk => [missing_and_null_fields_decode],
    kaopuyun: Kaopuyun => [missing_and_null_fields_decode],
    plcloud: Plcloud => [missing_and_null_fields_decode],
    aws: AwsCostExplorer => [missing_and_null_fields_decode],
    azure_consumption: Azure => [missing_and_null_fields_decode],
}

/// The seed's record, then one copy per field with that field left out and the next
/// one `null`, then one with every field `null` and an empty one.
fn ragged(record: &Value) -> Vec<Value> {
    let fields = record.as_object().expect("a record is an object");
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
        Value::Number(n) => json!(n.as_f64().expect("a finite number")),
        other => other.clone(),
    }
}

/// The decoded answer holds exactly the non-null fields of the answer sent: every
/// record, field for field, and the envelope's fields.
fn assert_same_answer(sent: &Value, decoded: &Value) {
    let (sent, decoded) = (normalized(sent), normalized(decoded));
    if let (Value::Object(sent), Value::Object(decoded)) = (&sent, &decoded) {
        for (field, value) in sent {
            let Value::Array(records) = value else {
                continue;
            };
            let got = decoded[field].as_array().expect("the records decode");
            assert_eq!(got.len(), records.len(), "every record decodes");
            for (i, (sent, got)) in records.iter().zip(got).enumerate() {
                assert_eq!(got, sent, "record {i}");
            }
        }
    }
    assert_eq!(decoded, sent);
}

/// A page of ragged records (each field left out of one and `null` in the next), the
/// envelope's other fields `null`, decodes completely.
async fn missing_and_null_fields_decode<C: VendorCase>() {
    let case = C::start().await;
    let sent = C::page_body(ragged(&C::seed()));
    case.server()
        .faults
        .add(When::Listing, Some(1), Fault::json(200, sent.clone()));
    let decoded = C::page(&case.client(Credentials::Right))
        .await
        .expect("the page decodes");
    assert_same_answer(&sent, &decoded);
}

/// A GSL fake whose next listing answer is `body`, and a client of it.
async fn gsl_answering(body: &Value) -> (Fake<Gsl>, huawei_gsl::Client) {
    let (server, client) = serve(gsl::start(), gsl_aksk(gsl::AKSK)).await;
    server
        .faults
        .add(When::Listing, Some(1), Fault::json(200, body.clone()));
    (server, client)
}

#[tokio::test]
async fn a_gsl_page_with_a_null_field_keeps_every_record() {
    // The first finding: one `null` `price_plan_name` lost the page from that record on.
    let mut second = gsl::pool(0);
    second["price_plan_name"] = Value::Null;
    let pools = vec![gsl::pool(0), second, gsl::pool(0)];
    let sent = json!({"limit": 10, "offset": 1, "count": 3, "pools": pools});
    let (_server, client) = gsl_answering(&sent).await;
    let page = client.list_sim_pools().send().await.expect("the page");
    let decoded = serde_json::to_value(&*page).expect("encodes");
    assert_same_answer(&sent, &decoded);
    assert_eq!(page.pools[1].price_plan_name, None);
    assert_eq!(page.pools[2].flow_left, Some(-42.59));
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
        let (_server, client) = gsl_answering(&body).await;
        let error = client
            .list_sim_pools()
            .send()
            .await
            .expect_err("no records");
        let Error::Decode(decode) = &error else {
            panic!("{body}: not a decode error: {error:?}");
        };
        assert_eq!(
            (decode.path.as_str(), decode.source.to_string().as_str()),
            (path, cause),
            "{body}"
        );
        assert_eq!(
            decode.body,
            serde_json::to_vec(&body).expect("JSON"),
            "the raw body is kept"
        );
    }
}

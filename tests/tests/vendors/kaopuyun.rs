//! Kaopuyun: the RPC action `GET /?Action=DescribeFlowBills`, signed per attempt.

use meterage_clients::kaopuyun::{types::ProductType, Client};
use meterage_clients::runtime::auth::AccessKey;
use meterage_clients::runtime::{Error, Page, TryStreamExt};
use meterage_tests::kaopuyun::Kaopuyun;
use meterage_tests::{kaopuyun, parse_pairs, Fake};

use crate::support::{
    self, access_key, as_json, assert_same_records, expected, kaopuyun_key, kaopuyun_signature,
    kaopuyun_temporary_key, serve, unchecked, vendor_answer,
};

/// A Kaopuyun fake, and a client of it signing with the key it knows.
async fn served() -> (Fake<Kaopuyun>, Client) {
    serve(kaopuyun::start(), kaopuyun_key(kaopuyun::KEY)).await
}

#[tokio::test]
async fn describe_flow_bills_is_the_vendor_wire_request() {
    let (server, client) = served().await;
    let page = client
        .describe_flow_bills()
        .product_type(ProductType::OwnEcs)
        .bill_begin_date("2023-02-01 00:00:00")
        .page_number(2)
        .page_size(10)
        .send()
        .await
        .expect("bills");

    let sent = server.log.last().expect("sent");
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("GET", "/"));
    assert!(sent.body.is_empty());
    let query = sent.query.clone().expect("a query");
    // The action and the constants first, then the caller's parameters in spec order
    // (the space percent-encoded, never `+`), then the signature parameters.
    let business = "Action=DescribeFlowBills&Version=2014-05-26&Format=JSON&ProductType=OWN_ECS&BillBeginDate=2023-02-01%2000%3A00%3A00&PageNumber=2&PageSize=10";
    assert!(
        query.starts_with(&format!(
            "{business}&AccessKeyId=sz0000ei53aw&SignatureMethod=HMAC-SHA1&SignatureNonce="
        )),
        "{query}"
    );
    let pairs = parse_pairs(&query);
    let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "Action",
            "Version",
            "Format",
            "ProductType",
            "BillBeginDate",
            "PageNumber",
            "PageSize",
            "AccessKeyId",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "Timestamp",
            "Signature"
        ]
    );
    let signature = meterage_tests::get(&pairs, "Signature").expect("signed");
    assert_eq!(
        signature,
        kaopuyun::signature("GET", &pairs, kaopuyun::KEY.1),
        "the server's own computation agrees"
    );

    // 57 generated bills cycle through three product types: 19 are OWN_ECS.
    assert_eq!(page.total, Some(19));
    assert_eq!(page.items.len(), 9);
    assert!(page
        .items
        .iter()
        .all(|b| b.product_type == Some(ProductType::OwnEcs)));
    assert_eq!(page.body().total(), Some(19));
    assert_eq!(
        page.request_id.as_deref(),
        Some("742fbe80-0ea9-11eb-9b36-0208cb7f7896")
    );
}

#[tokio::test]
async fn a_temporary_key_sends_its_security_token_and_gets_every_bill() {
    let temporary = kaopuyun_temporary_key(kaopuyun::TEMPORARY_KEY.1);
    let (server, client): (_, Client) =
        serve(kaopuyun::start(), kaopuyun_signature(temporary)).await;
    server.dataset.set_len(73);
    let listing = client.describe_flow_bills().page_size(30).items();
    let bills: Vec<_> = listing.try_collect().await.expect("every bill");
    assert_same_records(&as_json(&bills), &expected(kaopuyun::bills(73)));
    assert_eq!(server.log.listing_requests(), 3);

    for sent in server.log.requests() {
        let query = sent.query.clone().expect("a query");
        // `SecurityToken` among the common parameters, after `AccessKeyId`; its `+`, `/`
        // and `=` percent-encoded.
        assert!(
            query.contains(
                "&AccessKeyId=STS.NTkaopuyun4Temp0rary\
                 &SecurityToken=CAIS8wF1q6Ft5B2yfSjIr5b%2Bkaopuyun%2Ftemporary%2Btoken%3D%3D\
                 &SignatureMethod=HMAC-SHA1&SignatureNonce="
            ),
            "{query}"
        );
        let pairs = parse_pairs(&query);
        let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names[names.len() - 8..],
            [
                "PageSize",
                "AccessKeyId",
                "SecurityToken",
                "SignatureMethod",
                "SignatureNonce",
                "SignatureVersion",
                "Timestamp",
                "Signature"
            ]
        );
        assert_eq!(
            meterage_tests::get(&pairs, "SecurityToken"),
            Some(kaopuyun::SECURITY_TOKEN)
        );
        // Signed with the temporary key's own secret, the token covered.
        assert_eq!(
            meterage_tests::get(&pairs, "Signature"),
            Some(kaopuyun::signature("GET", &pairs, kaopuyun::TEMPORARY_KEY.1).as_str())
        );
    }
}

#[tokio::test]
async fn a_temporary_key_refused_for_its_token_gets_the_vendors_code_once() {
    let server = kaopuyun::start().await;
    let (id, secret) = kaopuyun::TEMPORARY_KEY;
    let refused = |key: AccessKey| {
        let client: Client = support::client(&server, kaopuyun_signature(key));
        async move {
            let error = client
                .describe_flow_bills()
                .send()
                .await
                .expect_err("refused");
            let shown = format!("{error} {error:?} {client:?}");
            assert!(
                !shown.contains(kaopuyun::SECURITY_TOKEN) && !shown.contains(secret),
                "a secret leaked: {shown}"
            );
            (error.status(), error.vendor_code().map(str::to_owned))
        }
    };
    // Without its token (a permanent key's credentials, as if the variable were unset).
    assert_eq!(
        refused(access_key((id, secret))).await,
        (Some(400), Some("MissingSecurityToken".to_owned()))
    );
    let mut stranger = kaopuyun_temporary_key(secret);
    stranger.security_token = Some("CAIS-a-token-of-another-account".into());
    assert_eq!(
        refused(stranger).await,
        (Some(400), Some("InvalidSecurityToken.Malformed".to_owned()))
    );
    // An hour on, the token has expired.
    server
        .vendor
        .clock()
        .advance(std::time::Duration::from_secs(3601));
    assert_eq!(
        refused(kaopuyun_temporary_key(secret)).await,
        (Some(400), Some("InvalidSecurityToken.Expired".to_owned()))
    );
    // Each refusal is final: one request each, never retried or replayed.
    assert_eq!(server.log.requests().len(), 3);
}

#[tokio::test]
async fn money_keeps_its_digits() {
    let (_server, client) = served().await;
    let page = client
        .describe_flow_bills()
        .page_size(3)
        .send()
        .await
        .expect("bills");
    // The exact digits the vendor sent, JSON numbers as they are: `25.0` stays `25.0`.
    let prices: Vec<&str> = page
        .items
        .iter()
        .filter_map(|b| b.pay_price.as_ref().map(|p| p.as_str()))
        .collect();
    assert_eq!(prices, ["21.45", "25.0", "25.0"]);
    assert!(page
        .items
        .iter()
        .all(|b| b.pay_price.as_ref().is_some_and(|p| p.is_number())));
    assert_eq!(page.total, Some(60));
    // Encoded again, they are the same JSON numbers.
    let encoded = serde_json::to_string(&page.items[1].pay_price).expect("encodes");
    assert_eq!(encoded, "25.0");
}

#[tokio::test]
async fn the_raw_answer_is_kept_byte_for_byte() {
    let (_server, client) = served().await;
    let raw = client
        .describe_flow_bills()
        .page_size(3)
        .send_raw()
        .await
        .expect("bills");
    let text = String::from_utf8(raw.body().to_vec()).expect("UTF-8");
    // The raw answer is the vendor's bytes: `25.0` as sent.
    assert!(text.contains(r#""PayPrice":25.0"#), "{text}");
    assert!(
        text.starts_with(r#"{"Items":[{"BillBeginTime":"2022-10-25 10:15""#),
        "{text}"
    );

    // Errors are still errors.
    let err = client
        .describe_flow_bills()
        .bill_status("LOST".into())
        .send_raw()
        .await
        .expect_err("invalid");
    assert_eq!(err.vendor_code(), Some("ValueNotSupported"));
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    let (server, client) = served().await;
    for _ in 0..3 {
        client
            .describe_flow_bills()
            .send()
            .await
            .expect("a nonce is never reused");
    }
    // Twenty at once: twenty fresh nonces, all accepted.
    let calls: Vec<_> = (0..20)
        .map(|_| tokio::spawn(client.describe_flow_bills().send()))
        .collect();
    for call in calls {
        call.await.expect("task").expect("call");
    }
    assert_eq!(server.vendor.nonces_seen(), 23);
    let nonces: std::collections::BTreeSet<String> = server
        .log
        .requests()
        .iter()
        .filter_map(|r| {
            meterage_tests::get(
                &parse_pairs(r.query.as_deref().unwrap_or("")),
                "SignatureNonce",
            )
            .map(str::to_owned)
        })
        .collect();
    assert_eq!(nonces.len(), 23);
}

#[tokio::test]
async fn vendor_errors_keep_their_codes() {
    let (server, client) = served().await;

    let err = client
        .describe_flow_bills()
        .product_type(ProductType::from("GPU"))
        .send()
        .await
        .expect_err("invalid");
    let api = vendor_answer(&err, 400, Some("ProductTypeIsInvalid"));
    assert_eq!(api.message.as_deref(), Some("ProductType无效的产品类型"));
    assert_eq!(
        api.request_id.as_deref(),
        Some("0f4e1b7e-3c1d-4a8e-9a55-5c2f7e1b2a10")
    );

    // A wrong secret, an unknown key: the gateway's codes, and no secret shown.
    let (id, secret) = kaopuyun::KEY;
    let wrong: Client = support::client(&server, kaopuyun_key((id, "not-the-secret")));
    let stranger: Client = support::client(&server, kaopuyun_key(("no-such-key", secret)));
    for (caller, status, code) in [
        (&wrong, 400, "SignatureDoesNotMatch"),
        (&stranger, 404, "InvalidAccessKeyId.NotFound"),
    ] {
        let err = caller.describe_flow_bills().send().await.expect_err(code);
        assert_eq!(
            (err.status(), err.vendor_code()),
            (Some(status), Some(code))
        );
        assert!(
            !format!("{err}{err:?}{caller:?}").contains("not-the-secret"),
            "the secret leaked"
        );
    }
}

#[tokio::test]
async fn page_size_is_checked_before_sending() {
    let (server, client) = served().await;
    let err = client
        .describe_flow_bills()
        .page_size(51)
        .page_number(0)
        .send()
        .await
        .expect_err("invalid");
    let Error::Validation { violations, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        violations.iter().map(|v| v.param).collect::<Vec<_>>(),
        ["PageNumber", "PageSize"]
    );
    assert!(
        err.to_string()
            .contains("`PageSize` must be at most 50, got 51"),
        "{err}"
    );
    assert!(server.log.requests().is_empty());

    let unchecked: Client = unchecked(&server, kaopuyun_key(kaopuyun::KEY));
    let err = unchecked
        .describe_flow_bills()
        .page_size(51)
        .send()
        .await
        .expect_err("the vendor refuses");
    assert_eq!(
        (err.status(), err.vendor_code()),
        (Some(400), Some("InvalidParameter"))
    );
}

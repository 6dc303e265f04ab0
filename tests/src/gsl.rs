//! Huawei Cloud GSL (`GET /v1/sim-pools`) and the IAM token call, as the vendor behaves.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::{get as param, json as reply, page_of, parse_pairs};

/// The IAM token the fake IAM issues and the fake GSL accepts.
pub const TOKEN: &str =
    "MIIZkQYJKoZIhvcNAQcCoIIZgjCCGX4CAQExDTALBglghkgBZQMEAgEwghejBgkqhkiG9w0BBwGgghe";
/// The IAM user, password, domain and project the fake IAM accepts.
pub const USER: (&str, &str, &str, &str) = (
    "gsl-operator",
    "Iam-Pa55word!",
    "example-domain",
    "cn-north-4",
);

/// The pools the fake serves: the seed's example pool first, then 36 more.
pub fn pools() -> Vec<Value> {
    let mut pools = vec![json!({
        "id": 1000000000, "pool_name": "流量池名称", "price_plan_name": "中国联通消费级每月30M联接服务(1年)",
        "price_plan_id": "10000", "effective_time": "2022-08-26T16:00:00.000+00:00",
        "expired_time": "2022-09-26T15:59:59.000+00:00", "billing_cycle": "2022-09",
        "flow_total": 60, "flow_used": 102.59, "flow_left": -42.59, "quantity": 100,
        "modify_time": "2022-09-22T18:57:15.000+00:00", "order_id": 100000000,
        "activated_sim_quantity": 2, "inactive_sim_quantity": 0, "disassembled_sim_quantity": 98,
        "order_ids": "1000000", "status": 1
    })];
    for i in 1..=36u32 {
        let total = f64::from(i) * 30.0;
        let used = f64::from(i * 7 % 50) + 0.25;
        pools.push(json!({
            "id": 1000000000u64 + u64::from(i), "pool_name": format!("pool-{i:02}"),
            "price_plan_name": "IoT 30M", "price_plan_id": format!("{}", 10000 + i),
            "effective_time": "2022-08-26T16:00:00.000+00:00", "expired_time": "2023-08-26T15:59:59.000+00:00",
            "billing_cycle": "2022-09", "flow_total": total, "flow_used": used, "flow_left": total - used,
            "quantity": i, "modify_time": "2022-09-22T18:57:15.000+00:00", "order_id": 100000000 + i,
            "activated_sim_quantity": i, "inactive_sim_quantity": 0, "disassembled_sim_quantity": 0,
            "order_ids": format!("{}", 1000000 + i), "status": i32::from(i % 5 != 0)
        }));
    }
    pools
}

struct Gsl {
    pools: Vec<Value>,
}

fn error(status: StatusCode, code: &str, msg: &str) -> Response {
    let request_id = "5e9b8fa2c9b84c45b37c3c1e5f2c3d11";
    let mut response = reply(
        status,
        json!({"error_code": code, "error_msg": msg, "request_id": request_id}),
    );
    response.headers_mut().insert(
        "X-Request-Id",
        axum::http::HeaderValue::from_static(request_id),
    );
    response
}

fn bad_request() -> Response {
    error(StatusCode::BAD_REQUEST, "GSL.00010004", "参数异常")
}

/// The GSL service on its own host.
pub fn router() -> Router {
    Router::new()
        .route("/v1/sim-pools", get(list_sim_pools))
        .with_state(Arc::new(Gsl { pools: pools() }))
}

async fn list_sim_pools(
    State(gsl): State<Arc<Gsl>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if headers.get("X-Auth-Token").and_then(|v| v.to_str().ok()) != Some(TOKEN) {
        return error(
            StatusCode::UNAUTHORIZED,
            "APIGW.0301",
            "Incorrect IAM authentication information: decrypt token fail",
        );
    }
    let pairs = parse_pairs(query.as_deref().unwrap_or(""));
    let int = |name: &str, default: i64, min: i64, max: i64| -> Result<i64, Response> {
        match param(&pairs, name) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(bad_request),
        }
    };
    let limit = match int("limit", 10, 10, 500) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let offset = match int("offset", 1, 1, 1_000_000) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Some(cycle) = param(&pairs, "billing_cycle") {
        let valid = cycle.len() == 7
            && cycle.as_bytes()[4] == b'-'
            && cycle[..4].parse::<u16>().is_ok()
            && cycle[5..]
                .parse::<u8>()
                .is_ok_and(|m| (1..=12).contains(&m));
        if !valid {
            // The vendor answers an invalid billing cycle with 403, not 400.
            return error(StatusCode::FORBIDDEN, "GSL.00011004", "账期不合法,请检查!");
        }
    }
    if let Some(flag) = param(&pairs, "all_billing_cycle") {
        if flag != "true" && flag != "false" {
            return bad_request();
        }
    }
    let statuses: Option<Vec<i64>> = match param(&pairs, "status") {
        None => None,
        Some(csv) => match csv.split(',').map(str::parse).collect() {
            Ok(v) => Some(v),
            Err(_) => return bad_request(),
        },
    };
    let name = param(&pairs, "pool_name");
    let cycle = param(&pairs, "billing_cycle");
    let matching: Vec<Value> = gsl
        .pools
        .iter()
        .filter(|p| name.is_none_or(|n| p["pool_name"].as_str().is_some_and(|pn| pn.contains(n))))
        .filter(|p| cycle.is_none_or(|c| p["billing_cycle"] == c))
        .filter(|p| {
            statuses
                .as_ref()
                .is_none_or(|s| p["status"].as_i64().is_some_and(|st| s.contains(&st)))
        })
        .cloned()
        .collect();
    let page = page_of(&matching, offset as usize, limit as usize);
    reply(
        StatusCode::OK,
        json!({"limit": limit, "offset": offset, "count": matching.len(), "pools": page}),
    )
}

/// The IAM service (another host): `POST /v3/auth/tokens`, password method, project scope.
pub fn iam_router() -> Router {
    Router::new().route("/v3/auth/tokens", post(iam_token))
}

async fn iam_token(body: axum::body::Bytes) -> Response {
    let unauthorized = || {
        reply(
            StatusCode::UNAUTHORIZED,
            json!({"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}),
        )
    };
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": 400, "message": "The request body is invalid.", "title": "Bad Request"}}),
        );
    };
    let identity = &v["auth"]["identity"];
    let user = &identity["password"]["user"];
    if identity["methods"] != json!(["password"]) {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": 400, "message": "The identity method is not supported.", "title": "Bad Request"}}),
        );
    }
    let (name, password, domain, project) = USER;
    if user["name"] != name || user["password"] != password || user["domain"]["name"] != domain {
        return unauthorized();
    }
    if v["auth"]["scope"]["project"]["name"] != project {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": 400, "message": "The project does not exist.", "title": "Bad Request"}}),
        );
    }
    (
        StatusCode::CREATED,
        [("X-Subject-Token", TOKEN), ("Content-Type", "application/json")],
        json!({"token": {"expires_at": "2026-11-24T18:00:00.000000Z", "issued_at": "2026-11-23T18:00:00.000000Z", "methods": ["password"]}}).to_string(),
    )
        .into_response()
}

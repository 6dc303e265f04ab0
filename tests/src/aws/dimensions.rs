//! `GetDimensionValues`: the values of a dimension over a period, paged like
//! `GetCostAndUsage`. The fake's account has the services of [`SERVICES`] and the
//! regions of [`REGIONS`]; every other dimension has no value.

use serde_json::{json, Value};

use super::query::{self, Invalid, SERVICES};

/// The regions the fake's account has used.
pub const REGIONS: [&str; 3] = ["eu-west-1", "us-east-1", "us-west-2"];

/// The dimensions `GetDimensionValues` accepts in the `COST_AND_USAGE` context.
const DIMENSIONS: [&str; 22] = [
    "AZ",
    "BILLING_ENTITY",
    "CACHE_ENGINE",
    "DEPLOYMENT_OPTION",
    "DATABASE_ENGINE",
    "INSTANCE_TYPE",
    "INSTANCE_TYPE_FAMILY",
    "INVOICING_ENTITY",
    "LEGAL_ENTITY_NAME",
    "LINKED_ACCOUNT",
    "OPERATING_SYSTEM",
    "OPERATION",
    "PLATFORM",
    "PURCHASE_TYPE",
    "RESERVATION_ID",
    "SAVINGS_PLAN_ARN",
    "SAVINGS_PLANS_TYPE",
    "SERVICE",
    "TENANCY",
    "USAGE_TYPE",
    "USAGE_TYPE_GROUP",
    "REGION",
];

/// The answer to a `GetDimensionValues` request, pages of `page_size`.
pub fn answer(request: &Value, page_size: u64) -> Result<Value, Invalid> {
    let invalid = |message: String| ("ValidationException", message);
    let period = &request["TimePeriod"];
    let dates = [&period["Start"], &period["End"]].map(Value::as_str);
    let [Some(start), Some(end)] = dates else {
        return Err(invalid("1 validation error detected: Value null at 'timePeriod' failed to satisfy constraint: Member must not be null".into()));
    };
    if start.len() != 10 || end.len() != 10 || start >= end {
        return Err(invalid(
            "Start date (and hour) should be before end date (and hour)".into(),
        ));
    }
    let dimension = request["Dimension"].as_str().unwrap_or_default();
    if !DIMENSIONS.contains(&dimension) {
        return Err(invalid(format!(
            "Dimension {dimension} is not allowed. Allowed dimension(s): {}",
            DIMENSIONS.join(", ")
        )));
    }
    let search = request["SearchString"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    let values: Vec<&str> = match dimension {
        "SERVICE" => SERVICES.to_vec(),
        "REGION" => REGIONS.to_vec(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|v| v.to_lowercase().contains(&search))
    .collect();
    let fingerprint = request
        .as_object()
        .map(query::fingerprint)
        .unwrap_or_default();
    let offset = match request["NextPageToken"].as_str() {
        None => 0,
        Some(token) => query::offset(&fingerprint, token)?,
    };
    let total = values.len() as u64;
    let end = total.min(offset.saturating_add(page_size));
    let page: Vec<Value> = values
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(end.saturating_sub(offset)).unwrap_or(0))
        .map(|v| json!({"Value": v, "Attributes": {}}))
        .collect();
    let mut answer = json!({"DimensionValues": page, "ReturnSize": page.len(), "TotalSize": total});
    if end < total {
        answer["NextPageToken"] = json!(query::token(&fingerprint, end));
    }
    Ok(answer)
}

//! The usage details the fake serves, made from their index, and the `$filter` it
//! understands.

use serde_json::{json, Map, Value};

use super::SUBSCRIPTION_ID;

/// A number with exactly the decimal digits of `units / 10^scale` (the nearest `f64`,
/// which JSON writes back as those digits).
fn decimal(units: u64, scale: i32) -> Value {
    json!(units as f64 / 10f64.powi(scale))
}

/// A GUID-shaped id made from `seed` and `n`.
fn guid(seed: u32, n: u64) -> String {
    format!(
        "{seed:08x}-{:04x}-4{:03x}-8{:03x}-{n:012x}",
        (n >> 32) & 0xffff,
        n % 0xfff,
        (n * 7) % 0xfff
    )
}

/// The resource groups of the generated details.
const GROUPS: [&str; 3] = ["rg-web", "rg-data", "rg-batch"];
/// The services, products, part numbers and locations of the generated details.
const SERVICES: [(&str, &str, &str, &str); 4] = [
    (
        "Microsoft.Compute",
        "Virtual Machines Dv3 Series - D2 v3 - US East",
        "AAA-00001",
        "EastUS",
    ),
    (
        "Microsoft.Storage",
        "Standard Page Blob - LRS Write Operations",
        "AAA-00002",
        "EastUS",
    ),
    (
        "Microsoft.Network",
        "Bandwidth - Data Transfer Out - Zone 1",
        "AAA-00003",
        "WestEurope",
    ),
    (
        "Microsoft.Sql",
        "SQL Database Single Standard - S0 DTUs",
        "AAA-00004",
        "WestEurope",
    ),
];

/// Usage detail `index` (from 0) as the listing serves it: a legacy usage detail of the
/// fake's subscription, in the shape of the API document's example
/// (`UsageDetailsList.json`), its money and quantities JSON numbers with up to ten
/// decimals. Even details have `tags: null` (an untagged resource), odd ones two tags.
pub fn usage_detail(index: u64) -> Value {
    let i = index;
    let (service, product, part, location) = SERVICES[(i % 4) as usize];
    let group = GROUPS[(i % 3) as usize];
    let resource = format!("res-{:03}", i % 250);
    let provider = match service {
        "Microsoft.Compute" => "Microsoft.Compute/virtualMachines",
        "Microsoft.Storage" => "Microsoft.Storage/storageAccounts",
        "Microsoft.Network" => "Microsoft.Network/publicIPAddresses",
        _ => "Microsoft.Sql/servers",
    };
    let name = guid(0x1d7e_0000, i);
    let quantity = 1000 + i * 7919 % 2_400_000;
    let price = 100 + i * 31 % 9_000;
    // cost = quantity (4 decimals) * price (6 decimals), exactly, to 10 decimals.
    let cost = quantity * price;
    let tags = if i.is_multiple_of(2) {
        Value::Null
    } else {
        json!({"env": if i % 4 == 1 { "prod" } else { "dev" }, "costCenter": format!("cc-{}", i % 7)})
    };
    let reservation = i % 10 == 9;
    let mut properties = json!({
        "billingAccountId": "80000000",
        "billingAccountName": "Contoso Enterprise Agreement",
        "billingPeriodStartDate": "2024-11-01T00:00:00.0000000Z",
        "billingPeriodEndDate": "2024-11-30T00:00:00.0000000Z",
        "billingProfileId": "80000000",
        "billingProfileName": "Contoso Enterprise Agreement",
        "accountName": "Contoso Engineering",
        "subscriptionId": SUBSCRIPTION_ID,
        "subscriptionName": "Contoso Production",
        "date": format!("2024-11-{:02}T00:00:00.0000000Z", 1 + i % 30),
        "product": product,
        "partNumber": part,
        "meterId": guid(0x6e7e_0000, i % 40),
        "quantity": decimal(quantity, 4),
        "effectivePrice": decimal(price, 6),
        "cost": decimal(cost, 10),
        "unitPrice": decimal(price, 6),
        "billingCurrency": "USD",
        "resourceLocation": location,
        "consumedService": service,
        "resourceId": format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/{provider}/{resource}"),
        "resourceName": resource,
        "invoiceSection": "Engineering",
        "resourceGroup": group,
        "offerId": "MS-AZR-0017P",
        "isAzureCreditEligible": true,
        "publisherType": "Azure",
        "chargeType": "Usage",
        "frequency": "UsageBased",
        "payGPrice": decimal(price + 20, 6),
        "pricingModel": if reservation { "Reservation" } else { "On Demand" },
    });
    if reservation {
        properties["reservationId"] = json!(format!(
            "/providers/Microsoft.Capacity/reservationorders/{}/reservations/{}",
            guid(0x0d0e_0000, 1),
            guid(0x0e5e_0000, 1)
        ));
        properties["reservationName"] = json!("VM_RI_11-01-2024_10-00");
    }
    json!({
        "id": format!("/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Billing/billingPeriods/202411/providers/Microsoft.Consumption/usageDetails/{name}"),
        "name": name,
        "type": "Microsoft.Consumption/usageDetails",
        "kind": "legacy",
        "tags": tags,
        "properties": properties,
    })
}

/// `detail` with what `$expand` asks for (a comma-separated list): with
/// `properties/meterDetails` the details of its meter, with `properties/additionalInfo`
/// its additional information (a JSON object in a string, as Azure sends it). A listing
/// has neither unless asked.
pub fn expanded(mut detail: Value, expand: &str) -> Value {
    let asked = |what: &str| {
        expand
            .split(',')
            .any(|e| e.trim().eq_ignore_ascii_case(what))
    };
    let properties = &mut detail["properties"];
    let service = properties["consumedService"].as_str().unwrap_or_default();
    let (category, unit, family) = match service {
        "Microsoft.Compute" => ("Virtual Machines", "1 Hour", "Compute"),
        "Microsoft.Storage" => ("Storage", "10K", "Storage"),
        "Microsoft.Network" => ("Bandwidth", "1 GB", "Networking"),
        _ => ("SQL Database", "1/Day", "Databases"),
    };
    if asked("properties/meterDetails") {
        properties["meterDetails"] = json!({
            "meterName": properties["product"],
            "meterCategory": category,
            "meterSubCategory": properties["partNumber"],
            "unitOfMeasure": unit,
            "serviceFamily": family,
        });
    }
    if asked("properties/additionalInfo") {
        let info =
            json!({"UsageType": "ComputeHR", "ImageType": null, "ServiceType": "Standard_D2_v3"});
        properties["additionalInfo"] = json!(info.to_string());
    }
    detail
}

/// The first `len` usage details in server order (no filter).
pub fn usage_details(len: u64) -> impl Iterator<Item = Value> {
    (0..len).map(usage_detail)
}

/// `record` as a typed client gives it back: its `null` fields left out (a client's
/// optional fields are absent when the server sends `null`).
pub fn without_nulls(record: Value) -> Value {
    match record {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// One clause of a `$filter`: `properties/<field> <op> '<value>'` or
/// `tags eq '<key>:<value>'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    field: String,
    op: String,
    value: String,
}

/// The properties the document says `$filter` filters on.
const FILTERABLE: [&str; 6] = [
    "resourceGroup",
    "resourceName",
    "resourceId",
    "chargeType",
    "reservationId",
    "publisherType",
];

/// Parses a `$filter`: clauses joined by `and`, each comparing a filterable property
/// (with `eq`, `lt`, `gt`, `le` or `ge`, as text) or a tag (`tags eq 'key:value'`).
/// `Err` names what is not supported (`ne`, `or`, `not`, another property).
pub(crate) fn parse_filter(filter: &str) -> Result<Vec<Clause>, String> {
    let mut clauses = Vec::new();
    for clause in filter.split(" and ") {
        let clause = clause.trim();
        let mut parts = clause.splitn(3, ' ');
        let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("Invalid filter clause '{clause}'."));
        };
        let op = op.to_ascii_lowercase();
        if !["eq", "lt", "gt", "le", "ge"].contains(&op.as_str()) {
            return Err(format!("The operator '{op}' is not supported in $filter."));
        }
        let field = match field.strip_prefix("properties/") {
            Some(name) if FILTERABLE.contains(&name) => name.to_owned(),
            None if field == "tags" && op == "eq" => "tags".to_owned(),
            _ => return Err(format!("Filtering by '{field}' is not supported.")),
        };
        let Some(value) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) else {
            return Err(format!("Invalid filter value {value}."));
        };
        clauses.push(Clause {
            field,
            op,
            value: value.to_owned(),
        });
    }
    Ok(clauses)
}

/// Whether `record` passes every clause.
pub(crate) fn keeps(clauses: &[Clause], record: &Value) -> bool {
    clauses.iter().all(|c| {
        if c.field == "tags" {
            let Some((key, value)) = c.value.split_once(':') else {
                return false;
            };
            return record["tags"][key] == value;
        }
        let Some(have) = record["properties"][&c.field].as_str() else {
            return false;
        };
        let order = have.to_ascii_lowercase().cmp(&c.value.to_ascii_lowercase());
        match c.op.as_str() {
            "eq" => order.is_eq(),
            "lt" => order.is_lt(),
            "gt" => order.is_gt(),
            "le" => order.is_le(),
            _ => order.is_ge(),
        }
    })
}

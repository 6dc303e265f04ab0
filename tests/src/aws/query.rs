//! What a `GetCostAndUsage` request asks for, checked as Cost Explorer checks it, the
//! entries it answers with (made from their index, so any page is cheap), and the paging
//! tokens, bound to the query they page.

use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::clock::Utc;

/// The metrics Cost Explorer knows, with the unit the fake reports them in.
pub const METRICS: [(&str, &str); 7] = [
    ("AmortizedCost", "USD"),
    ("BlendedCost", "USD"),
    ("NetAmortizedCost", "USD"),
    ("NetUnblendedCost", "USD"),
    ("NormalizedUsageAmount", "N/A"),
    ("UnblendedCost", "USD"),
    ("UsageQuantity", "N/A"),
];

/// The dimensions `GroupBy` accepts with `Type: DIMENSION`.
pub const GROUP_DIMENSIONS: [&str; 12] = [
    "AZ",
    "INSTANCE_TYPE",
    "LEGAL_ENTITY_NAME",
    "INVOICING_ENTITY",
    "LINKED_ACCOUNT",
    "OPERATION",
    "PLATFORM",
    "PURCHASE_TYPE",
    "SERVICE",
    "TENANCY",
    "RECORD_TYPE",
    "USAGE_TYPE",
];

/// The services whose costs the fake's account has, in the order it lists them.
pub const SERVICES: [&str; 5] = [
    "AWS Lambda",
    "Amazon DynamoDB",
    "Amazon Elastic Compute Cloud - Compute",
    "Amazon Simple Storage Service",
    "AmazonCloudWatch",
];

/// How long one result covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// An hour; dates are `yyyy-MM-ddTHH:mm:ssZ`.
    Hourly,
    /// A day.
    Daily,
    /// A calendar month.
    Monthly,
}

/// A refused request: the code (without its namespace) and the message.
pub type Invalid = (&'static str, String);

/// A `GetCostAndUsage` query, as checked.
#[derive(Debug, Clone)]
pub struct Query {
    /// `TimePeriod.Start`.
    pub start: Utc,
    /// `TimePeriod.End` (exclusive).
    pub end: Utc,
    /// `Granularity`.
    pub granularity: Granularity,
    /// `Metrics`, as asked.
    pub metrics: Vec<String>,
    /// `GroupBy`: `(Type, Key)`.
    pub group_by: Vec<(String, String)>,
    /// What a token of this query is bound to ([`fingerprint`]).
    fingerprint: String,
}

fn validation(message: String) -> Invalid {
    ("ValidationException", message)
}

fn not_null(field: &str) -> Invalid {
    validation(format!(
        "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
    ))
}

/// Parses a `YearMonthDay`: `yyyy-MM-dd`, with `THH:mm:ssZ` for hourly results.
fn date(text: &str, granularity: Granularity) -> Option<Utc> {
    match granularity {
        Granularity::Hourly => Utc::parse_iso_seconds(text),
        _ => Utc::parse_iso_seconds(&format!("{text}T00:00:00Z")),
    }
}

impl Query {
    /// Checks a request body as Cost Explorer does.
    pub fn parse(body: &Value) -> Result<Query, Invalid> {
        let Some(request) = body.as_object() else {
            return Err((
                "SerializationException",
                "Start of structure or map found where not expected.".into(),
            ));
        };
        let granularity = match request.get("Granularity").and_then(Value::as_str) {
            None => return Err(not_null("granularity")),
            Some("HOURLY") => Granularity::Hourly,
            Some("DAILY") => Granularity::Daily,
            Some("MONTHLY") => Granularity::Monthly,
            Some(other) => return Err(validation(format!(
                "1 validation error detected: Value '{other}' at 'granularity' failed to satisfy constraint: Member must satisfy enum value set: [HOURLY, DAILY, MONTHLY]"
            ))),
        };
        let period = request
            .get("TimePeriod")
            .ok_or_else(|| not_null("timePeriod"))?;
        let mut bounds = [None, None];
        for (slot, (name, field)) in bounds
            .iter_mut()
            .zip([("Start", "timePeriod.start"), ("End", "timePeriod.end")])
        {
            let text = period
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| not_null(field))?;
            *slot = Some(date(text, granularity).ok_or_else(|| {
                validation(format!("{name} date {text} is not in a valid format."))
            })?);
        }
        let [Some(start), Some(end)] = bounds else {
            return Err(not_null("timePeriod"));
        };
        if start.unix_ms() >= end.unix_ms() {
            return Err(validation(
                "Start date (and hour) should be before end date (and hour)".into(),
            ));
        }
        let metrics: Vec<String> = match request.get("Metrics").and_then(Value::as_array) {
            Some(list) if !list.is_empty() => list
                .iter()
                .map(|m| m.as_str().unwrap_or_default().to_owned())
                .collect(),
            _ => return Err(not_null("metrics")),
        };
        let unknown: Vec<&str> = metrics
            .iter()
            .map(String::as_str)
            .filter(|m| !METRICS.iter().any(|(name, _)| name == m))
            .collect();
        if !unknown.is_empty() {
            return Err(validation(format!(
                "Metrics {unknown:?} are not valid. Valid values are AmortizedCost, BlendedCost, NetAmortizedCost, NetUnblendedCost, NormalizedUsageAmount, UnblendedCost, and UsageQuantity."
            )));
        }
        let group_by = Self::group_by(request.get("GroupBy"))?;
        let fingerprint = fingerprint(request);
        Ok(Query {
            start,
            end,
            granularity,
            metrics,
            group_by,
            fingerprint,
        })
    }

    fn group_by(value: Option<&Value>) -> Result<Vec<(String, String)>, Invalid> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
        if list.len() > 2 {
            return Err(validation(
                "You can only group by up to two different groups.".into(),
            ));
        }
        list.iter()
            .map(|g| {
                let text = |name| g.get(name).and_then(Value::as_str).unwrap_or_default();
                let (kind, key) = (text("Type"), text("Key"));
                match kind {
                    "DIMENSION" if GROUP_DIMENSIONS.contains(&key) => {}
                    "DIMENSION" => {
                        return Err(validation(format!(
                            "Group Definition dimension is invalid. Valid values are {}",
                            GROUP_DIMENSIONS.join(", ")
                        )))
                    }
                    "TAG" | "COST_CATEGORY" if !key.is_empty() => {}
                    _ => {
                        return Err(validation(format!(
                            "Group Definition type {kind:?} with key {key:?} is invalid."
                        )))
                    }
                }
                Ok((kind.to_owned(), key.to_owned()))
            })
            .collect()
    }

    /// How many results the query's period holds.
    pub fn periods(&self) -> u64 {
        let mut n = 0;
        while self.period_start(n).unix_ms() < self.end.unix_ms() {
            n += 1;
        }
        n
    }

    /// The start of result `i`.
    fn period_start(&self, i: u64) -> Utc {
        let step = |ms: i64| {
            let i = i64::try_from(i).unwrap_or(i64::MAX);
            Utc::from_unix_ms(self.start.unix_ms().saturating_add(ms.saturating_mul(i)))
        };
        match self.granularity {
            Granularity::Hourly => step(3_600_000),
            Granularity::Daily => step(86_400_000),
            Granularity::Monthly => {
                let months = i64::from(self.start.month) - 1 + i64::try_from(i).unwrap_or(0);
                Utc {
                    year: self.start.year + months.div_euclid(12),
                    month: u32::try_from(months.rem_euclid(12)).unwrap_or(0) + 1,
                    ..self.start
                }
            }
        }
    }

    fn date_text(&self, at: Utc) -> String {
        match self.granularity {
            Granularity::Hourly => at.iso_seconds(),
            _ => at.iso_seconds()[..10].to_owned(),
        }
    }

    /// Result `i` (from 0) of the query, as the fake serves it.
    pub fn result(&self, i: u64) -> Value {
        let (from, to) = (self.period_start(i), self.period_start(i + 1));
        let metrics = |seed: u64| -> Value {
            let entries: Map<String, Value> = self
                .metrics
                .iter()
                .map(|name| {
                    let unit = METRICS
                        .iter()
                        .find(|(m, _)| m == name)
                        .map_or("N/A", |(_, unit)| unit);
                    (
                        name.clone(),
                        json!({"Amount": amount(seed, name), "Unit": unit}),
                    )
                })
                .collect();
            Value::Object(entries)
        };
        let (total, groups) = if self.group_by.is_empty() {
            (metrics(i * 31), json!([]))
        } else {
            let groups: Vec<Value> = (0..1 + i % 3)
                .map(|g| {
                    let keys: Vec<String> = self
                        .group_by
                        .iter()
                        .map(|(t, k)| key(t, k, i + g))
                        .collect();
                    json!({"Keys": keys, "Metrics": metrics(i * 31 + g + 1)})
                })
                .collect();
            (json!({}), Value::Array(groups))
        };
        json!({
            "TimePeriod": {"Start": self.date_text(from), "End": self.date_text(to)},
            "Total": total,
            "Groups": groups,
            "Estimated": i % 10 == 9,
        })
    }

    /// The token of the page starting at result `offset`.
    pub fn token(&self, offset: u64) -> String {
        token(&self.fingerprint, offset)
    }

    /// The offset a token of this query points at; `Err` the refusal of a token that is
    /// not one, or is another query's.
    pub fn offset(&self, token: &str) -> Result<u64, Invalid> {
        offset(&self.fingerprint, token)
    }
}

/// The token of the page starting at `offset` of the query whose fingerprint is
/// `fingerprint`.
pub fn token(fingerprint: &str, offset: u64) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("ce1:{offset}:{fingerprint}"))
}

/// The offset `token` points at in the query whose fingerprint is `fingerprint`; `Err`
/// the refusal of a token that is not one, or is another query's.
pub fn offset(fingerprint: &str, token: &str) -> Result<u64, Invalid> {
    let (offset, bound_to) = decode(token).ok_or((
        "InvalidNextTokenException",
        "The pagination token is invalid. Try again without a pagination token.".into(),
    ))?;
    if bound_to != fingerprint {
        return Err((
            "RequestChangedException",
            "Your request parameters changed between pages. Try again with the old parameters or without a pagination token.".into(),
        ));
    }
    Ok(offset)
}

/// The offset and query fingerprint of a token, if it is one.
pub fn decode(token: &str) -> Option<(u64, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("ce1"), Some(offset), Some(fingerprint)) => {
            Some((offset.parse().ok()?, fingerprint.to_owned()))
        }
        _ => None,
    }
}

/// What a page token is bound to: the request without its token.
pub fn fingerprint(request: &Map<String, Value>) -> String {
    let mut request = request.clone();
    request.remove("NextPageToken");
    let digest = Sha256::digest(Value::Object(request).to_string().as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A metric's amount for `seed`, a decimal string with up to ten decimals as Cost
/// Explorer sends them.
fn amount(seed: u64, metric: &str) -> String {
    let whole = seed.wrapping_mul(37) % 500;
    let fraction = seed
        .wrapping_mul(7919)
        .wrapping_add(metric.len() as u64 * 104_729)
        % 10_000_000_000;
    if metric == "UsageQuantity" {
        format!("{}.{:04}", whole * 3 + 1, fraction % 10_000)
    } else {
        format!("{whole}.{fraction:010}")
    }
}

/// The value of group `(Type, Key)` for `seed`: a service's name, another dimension's
/// value, or a tag's `key$value`.
fn key(kind: &str, name: &str, seed: u64) -> String {
    let pick = usize::try_from(seed % SERVICES.len() as u64).unwrap_or(0);
    match (kind, name) {
        ("DIMENSION", "SERVICE") => SERVICES[pick].to_owned(),
        ("DIMENSION", _) => format!("{name}-{pick}"),
        _ => format!("{name}$value-{pick}"),
    }
}

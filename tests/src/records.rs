//! Comparing decoded records with the records a fake serves, as JSON values.

use serde::Serialize;
use serde_json::Value;

/// Records as JSON values with every number as an `f64`, for comparing decoded records
/// with a fake's expected ones (`60` and `60.0` are the same number).
pub fn as_json<T: Serialize>(records: &[T]) -> Vec<Value> {
    records
        .iter()
        .map(|record| numbers_as_floats(serde_json::to_value(record).expect("records serialize")))
        .collect()
}

/// Expected records, numbers as `f64` as in [`as_json`].
pub fn expected(records: impl Iterator<Item = Value>) -> Vec<Value> {
    records.map(numbers_as_floats).collect()
}

/// `value` with every number as an `f64`.
pub fn numbers_as_floats(value: Value) -> Value {
    match value {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Number(n), Value::Number),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Checks that `got` are exactly the `want` records, in order, naming the first
/// difference (not printing thousands of records).
pub fn assert_same_records(got: &[Value], want: &[Value]) {
    if let Some(i) = (0..got.len().min(want.len())).find(|&i| got[i] != want[i]) {
        panic!("record {i} differs:\n got {}\nwant {}", got[i], want[i]);
    }
    assert_eq!(got.len(), want.len(), "record counts differ");
}

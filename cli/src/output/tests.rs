//! Every format written and read back: the values equal the records', decimals exact.

use std::path::PathBuf;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Int64Type};
use arrow_array::Array;
use arrow_schema::DataType;
use meterage_runtime::describe::{Field, FieldKind, OperationInfo, Sink};
use meterage_runtime::focus::{ColumnMap, ColumnType, FocusMap, Source};
use meterage_runtime::Decimal;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::Serialize;

use super::{Destination, Format, Output};

#[derive(Serialize)]
struct Usage {
    flow: Decimal,
    unit: &'static str,
}

#[derive(Serialize)]
struct Bill {
    #[serde(rename = "Id")]
    id: i64,
    #[serde(rename = "PayPrice", skip_serializing_if = "Option::is_none")]
    pay_price: Option<Decimal>,
    #[serde(rename = "Name")]
    name: &'static str,
    #[serde(rename = "Paid")]
    paid: bool,
    #[serde(rename = "Usage")]
    usage: Usage,
    #[serde(rename = "Tags")]
    tags: Vec<&'static str>,
}

static USAGE: [Field; 2] = [
    Field {
        name: "flow",
        description: "",
        required: true,
        kind: FieldKind::Decimal { scale: Some(3) },
    },
    Field {
        name: "unit",
        description: "",
        required: true,
        kind: FieldKind::String,
    },
];
static RECORD: [Field; 6] = [
    Field {
        name: "Id",
        description: "Bill ID",
        required: true,
        kind: FieldKind::Integer,
    },
    Field {
        name: "PayPrice",
        description: "",
        required: false,
        kind: FieldKind::Decimal { scale: None },
    },
    Field {
        name: "Name",
        description: "",
        required: true,
        kind: FieldKind::String,
    },
    Field {
        name: "Paid",
        description: "",
        required: true,
        kind: FieldKind::Boolean,
    },
    Field {
        name: "Usage",
        description: "",
        required: true,
        kind: FieldKind::Object(&USAGE),
    },
    Field {
        name: "Tags",
        description: "",
        required: true,
        kind: FieldKind::Array,
    },
];
static OPERATION: OperationInfo = OperationInfo {
    name: "list_bills",
    id: "ListBills",
    endpoint: "GET /bills",
    summary: "",
    description: "",
    params: &[],
    record: &RECORD,
    paging: None,
    record_key: &["Id"],
    period: None,
    focus: None,
};

fn bills() -> Vec<Bill> {
    let price = |text: &str| Decimal::new_number(text).expect("a decimal");
    vec![
        Bill {
            id: 1,
            pay_price: Some(price("25.0")),
            name: "流水, \"quoted\"",
            paid: true,
            usage: Usage {
                flow: price("1.125"),
                unit: "GB",
            },
            tags: vec!["a", "b"],
        },
        Bill {
            id: 2,
            pay_price: None,
            name: "plain",
            paid: false,
            usage: Usage {
                flow: price("0"),
                unit: "MB",
            },
            tags: vec![],
        },
    ]
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meterage-output-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir.join(name)
}

fn write(format: Format, to: Destination) {
    let mut output = Output::new(format, &OPERATION, to).expect("an output");
    for bill in bills() {
        assert!(output.record(&bill).expect("written").is_continue());
    }
    output.finish().expect("finished");
}

#[test]
fn jsonl_writes_the_records_as_they_serialize() {
    let path = scratch("bills.jsonl");
    write(Format::Jsonl, Destination::File(path.clone()));
    let text = std::fs::read_to_string(&path).expect("read");
    let expected: Vec<String> = bills()
        .iter()
        .map(|bill| serde_json::to_string(bill).expect("json"))
        .collect();
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
    assert!(text.contains(r#""PayPrice":25.0,"#), "exact digits: {text}");
}

#[test]
fn csv_flattens_nested_objects_and_keeps_exact_digits() {
    let path = scratch("bills.csv");
    write(Format::Csv, Destination::File(path.clone()));
    let mut reader = csv::Reader::from_path(&path).expect("a CSV file");
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "Id",
            "PayPrice",
            "Name",
            "Paid",
            "Usage.flow",
            "Usage.unit",
            "Tags"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|row| row.expect("a row").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "1",
            "25.0",
            "流水, \"quoted\"",
            "true",
            "1.125",
            "GB",
            r#"["a","b"]"#
        ]
    );
    assert_eq!(rows[1], ["2", "", "plain", "false", "0", "MB", "[]"]);
}

#[test]
fn parquet_types_columns_from_the_schema_with_exact_decimals() {
    let path = scratch("bills.parquet");
    write(Format::Parquet, Destination::File(path.clone()));
    let file = std::fs::File::open(&path).expect("the file");
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("Parquet")
        .build()
        .expect("a reader");
    let batches: Vec<_> = reader.map(|batch| batch.expect("a batch")).collect();
    assert_eq!(batches.len(), 1);
    let batch = &batches[0];
    let schema = batch.schema();
    let types: Vec<(&str, &DataType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().as_str(), f.data_type()))
        .collect();
    assert_eq!(
        types,
        [
            ("Id", &DataType::Int64),
            ("PayPrice", &DataType::Decimal128(38, 18)),
            ("Name", &DataType::Utf8),
            ("Paid", &DataType::Boolean),
            ("Usage.flow", &DataType::Decimal128(38, 3)),
            ("Usage.unit", &DataType::Utf8),
            ("Tags", &DataType::Utf8),
        ]
    );
    assert_eq!(
        schema
            .field(0)
            .metadata()
            .get("description")
            .map(String::as_str),
        Some("Bill ID")
    );
    let ids = batch.column(0).as_primitive::<Int64Type>();
    assert_eq!((ids.value(0), ids.value(1)), (1, 2));
    let prices = batch.column(1).as_primitive::<Decimal128Type>();
    assert_eq!(prices.value(0), 25 * 10_i128.pow(18));
    assert!(prices.is_null(1));
    let flows = batch.column(4).as_primitive::<Decimal128Type>();
    assert_eq!((flows.value(0), flows.value(1)), (1125, 0));
    assert_eq!(
        batch.column(2).as_string::<i32>().value(0),
        "流水, \"quoted\""
    );
    assert!(batch.column(3).as_boolean().value(0));
    assert_eq!(batch.column(6).as_string::<i32>().value(0), r#"["a","b"]"#);
}

#[test]
fn a_value_that_does_not_fit_its_column_is_an_error_naming_it() {
    let path = scratch("narrow.parquet");
    let mut output =
        Output::new(Format::Parquet, &OPERATION, Destination::File(path)).expect("an output");
    let mut bill = bills().remove(0);
    bill.usage.flow = Decimal::new_number("0.0001").expect("a decimal");
    let error = output.record(&bill).expect_err("four digits at scale 3");
    assert_eq!(
        error.to_string(),
        "record 1, column `Usage.flow`: 0.0001 has more than 3 fraction digits, the column's scale"
    );
}

#[test]
fn parquet_needs_a_file_and_partitions_need_parquet() {
    let refused = |format, to| {
        Output::new(format, &OPERATION, to)
            .err()
            .map(|error| error.to_string())
    };
    assert!(refused(Format::Parquet, Destination::Stdout)
        .expect("refused")
        .contains("-o FILE"));
    let partition = Destination::Partition {
        dir: scratch("partitions"),
        api: "kaopuyun".into(),
        month: "2026-10".into(),
    };
    assert!(refused(Format::Csv, partition)
        .expect("refused")
        .contains("--format parquet"));
}

#[test]
fn a_partition_holds_the_months_records() {
    let dir = scratch("table");
    let to = Destination::Partition {
        dir: dir.clone(),
        api: "kaopuyun".into(),
        month: "2026-10".into(),
    };
    write(Format::Parquet, to);
    let file = dir.join("api=kaopuyun/month=2026-10/part-0.parquet");
    let reader =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(file).expect("the partition"))
            .expect("Parquet")
            .build()
            .expect("a reader");
    let rows: usize = reader.map(|batch| batch.expect("a batch").num_rows()).sum();
    assert_eq!(rows, 2);
}

static FOCUS_MAP: FocusMap = FocusMap {
    time_zone_seconds: 8 * 3600,
    columns: &[
        ColumnMap {
            name: "BilledCost",
            ty: ColumnType::Decimal,
            source: Source::Field {
                pointer: "/PayPrice",
                map: &[],
                default: None,
                format: None,
                multiply: None,
                end_inclusive: false,
            },
        },
        ColumnMap {
            name: "ChargePeriodStart",
            ty: ColumnType::DateTime,
            source: Source::Value("2026-10-01T08:00:00+08:00"),
        },
        ColumnMap {
            name: "x_Name",
            ty: ColumnType::String,
            source: Source::Value("fixed"),
        },
    ],
};

#[test]
fn focus_rows_are_written_with_the_maps_columns_and_types() {
    let path = scratch("focus.parquet");
    let mut output = Output::focus(Format::Parquet, &FOCUS_MAP, Destination::File(path.clone()))
        .expect("an output");
    for bill in bills() {
        assert!(output.record(&bill).expect("written").is_continue());
    }
    output.finish().expect("finished");
    let file = std::fs::File::open(&path).expect("the file");
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("Parquet")
        .build()
        .expect("a reader");
    let batches: Vec<_> = reader.map(|batch| batch.expect("a batch")).collect();
    let batch = &batches[0];
    let schema = batch.schema();
    let types: Vec<(&str, &DataType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().as_str(), f.data_type()))
        .collect();
    assert_eq!(
        types,
        [
            ("BilledCost", &DataType::Decimal128(38, 18)),
            ("ChargePeriodStart", &DataType::Utf8),
            ("x_Name", &DataType::Utf8),
        ]
    );
    let costs = batch.column(0).as_primitive::<Decimal128Type>();
    assert_eq!(costs.value(0), 25 * 10_i128.pow(18));
    assert!(costs.is_null(1), "a bill without PayPrice has a null cost");
    assert_eq!(
        batch.column(1).as_string::<i32>().value(0),
        "2026-10-01T00:00:00Z"
    );
}

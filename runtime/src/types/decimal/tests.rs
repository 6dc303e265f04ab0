#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashSet};

use super::*;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn decimal_grammar() {
    let cases: &[(&str, bool)] = &[
        ("0", true),
        ("-1", true),
        ("3.6659520000", true),
        ("1e5", true),
        ("1.5E-3", true),
        ("2e+10", true),
        ("007", true),
        ("", false),
        ("-", false),
        (".5", false),
        ("5.", false),
        ("1,5", false),
        (" 1", false),
        ("1 ", false),
        ("+1", false),
        ("1e", false),
        ("1e+", false),
        ("NaN", false),
        ("1.2.3", false),
    ];
    for (text, ok) in cases {
        assert_eq!(text.parse::<Decimal>().is_ok(), *ok, "{text:?}");
    }
}

#[test]
fn coefficient_and_scale_are_read_from_the_text() {
    let cases: &[(&str, i128, i32)] = &[
        ("25.0", 250, 1),
        ("25", 25, 0),
        ("-42.59", -4259, 2),
        ("0.000", 0, 3),
        ("007.10", 710, 2),
        ("1e5", 1, -5),
        ("1.5E-3", 15, 4),
        ("3.6659520000", 36_659_520_000, 10),
        ("0.0000000000000000000000000000000000000000000000001", 1, 49),
        ("170141183460469231731687303715884105727", i128::MAX, 0),
        ("-170141183460469231731687303715884105727", -i128::MAX, 0),
        // The longest texts of the short path, and one past it.
        ("9999999999999999999", 9_999_999_999_999_999_999, 0),
        ("-999999999.999999999", -999_999_999_999_999_999, 9),
        ("99999999999999999999", 99_999_999_999_999_999_999, 0),
        ("0.00", 0, 2),
        ("-0", 0, 0),
    ];
    for (text, coefficient, scale) in cases {
        let value = d(text);
        assert_eq!(
            (value.coefficient(), value.scale()),
            (*coefficient, *scale),
            "{text}"
        );
        assert_eq!(value.as_str(), *text);
    }
    // Trailing zeros that do not fit are dropped from the scale, not refused.
    let long = format!("1.{}", "0".repeat(60));
    assert_eq!((d(&long).coefficient(), d(&long).scale()), (1, 0));
    assert_eq!(d(&long).as_str(), long);
    assert_eq!(d(&format!("5{}", "0".repeat(50))), d("5e50"));
}

#[test]
fn text_beyond_the_limits_is_refused_not_rounded() {
    for text in [
        "170141183460469231731687303715884105728",
        "1234567890123456789012345678901234567890.5",
        "-0.12345678901234567890123456789012345678901",
    ] {
        assert_eq!(
            Decimal::new(text).unwrap_err().to_string(),
            "invalid decimal number: more significant digits than an i128 holds (38 always fit)",
            "{text}"
        );
    }
    for text in ["1e10001", "1e-10001", "1e99999999999999999999"] {
        assert!(
            Decimal::new(text)
                .unwrap_err()
                .to_string()
                .contains("exponent is out of range"),
            "{text}"
        );
    }
    assert_eq!(d("1e10000").scale(), -10_000);
    assert!(d("0e99999999").is_zero());
}

#[test]
fn equality_and_hashing_are_by_value() {
    assert_eq!(d("25.0"), d("25"));
    assert_eq!(d("1.50"), Decimal::new_number("1.5").unwrap());
    assert_eq!(d("0"), d("-0.000"));
    assert_eq!(d("1e2"), d("100.00"));
    assert_eq!(d(&format!("1.{}", "0".repeat(60))), d("1"));
    assert_ne!(d("1.5"), d("1.51"));
    assert_ne!(d("-1"), d("1"));
    let set: HashSet<Decimal> = ["25.0", "25", "25.000", "2.5e1", "-25", "0", "-0.0"]
        .into_iter()
        .map(d)
        .collect();
    assert_eq!(set.len(), 3, "{set:?}");
}

#[test]
fn ordering_is_by_value() {
    let sorted = [
        "-1e30", "-100", "-1.5", "-1.49", "-0.001", "0", "1e-9", "0.5", "1.50", "1.51", "2", "1e3",
        "1e38", "1e10000",
    ];
    for (i, a) in sorted.iter().enumerate() {
        for (j, b) in sorted.iter().enumerate() {
            assert_eq!(d(a).cmp(&d(b)), i.cmp(&j), "{a} against {b}");
        }
    }
    assert_eq!(d("1.5").cmp(&d("1.500")), Ordering::Equal);
    let max = d("170141183460469231731687303715884105727");
    assert!(max < d("1e39") && max > d("1.7e38") && -&max < d("-1.7e38"));
    assert_eq!(
        d("1.7e38").partial_cmp(&d("170000000000000000000000000000000000000")),
        Some(Ordering::Equal)
    );
}

#[test]
fn arithmetic_is_exact() {
    assert_eq!((d("25.0") + d("1.50")).to_string(), "26.50");
    assert_eq!((d("0.1") + d("0.2")).to_string(), "0.3");
    assert_eq!((d("21.45") - d("25.0")).to_string(), "-3.55");
    assert_eq!((d("1.5") * d("1.5")).to_string(), "2.25");
    assert_eq!((d("-2") * d("0.50")).to_string(), "-1.00");
    assert_eq!((d("1e3") + d("1")).to_string(), "1001");
    assert_eq!((d("1e3") + d("0")).to_string(), "1000");
    assert_eq!((d("1e-3") + d("0")).to_string(), "0.001");
    assert_eq!(
        (-d("25.0")).to_string(),
        "-25.0",
        "a read value keeps its text"
    );
    assert_eq!((-d("-0.5")).to_string(), "0.5");
    assert_eq!((-(d("1") + d("1"))).to_string(), "-2");
    let mut total = Decimal::default();
    total += d("3.6659520000");
    total += &d("0.334048");
    total -= d("1");
    assert_eq!(total.to_string(), "3.0000000000");
    total *= d("2");
    assert_eq!(total, d("6"));
    // Ten thousand tenths add up to exactly a thousand, unlike f64.
    let tenth = d("0.1");
    let sum: Decimal = std::iter::repeat_n(&tenth, 10_000).sum();
    assert_eq!(sum, d("1000"));
    assert_eq!(sum.to_string(), "1000.0");
    let owned: Decimal = [d("1.25"), d("-0.25")].into_iter().sum();
    assert_eq!(owned.to_string(), "1.00");
    assert_eq!(
        Vec::<Decimal>::new().into_iter().sum::<Decimal>(),
        Decimal::default()
    );
    assert_eq!(Decimal::checked_sum(&[d("1"), d("2.5")]), Some(d("3.5")));
    // Trailing zeros are dropped when that makes the exact result fit.
    let one = d(&format!("1.{}", "0".repeat(37)));
    assert_eq!((&one + &d("1e5")).to_string(), "100001");
    let product = &one * &d("1e5");
    assert_eq!(
        (product.coefficient(), product.scale()),
        (10i128.pow(37), 32)
    );
    assert_eq!(product, d("100000"));
}

#[test]
fn results_that_do_not_fit_are_none_or_panic() {
    let max = d("170141183460469231731687303715884105727");
    assert_eq!(max.checked_add(&d("1")), None);
    assert_eq!((-&max).checked_sub(&d("1")), None);
    assert_eq!(max.checked_mul(&d("2")), None);
    assert_eq!(d("1e30").checked_add(&d("1e-10")), None);
    assert_eq!(d("1e-6000").checked_mul(&d("1e-6000")), None);
    assert_eq!(d("0").checked_mul(&d("1e-6000")), Some(d("0")));
    assert_eq!(Decimal::checked_sum(&[max.clone(), d("1")]), None);
    let panic = std::panic::catch_unwind(|| max.clone() + d("1")).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with("decimal addition overflowed"),
        "{message}"
    );
}

#[test]
fn results_are_numbers_when_all_operands_are() {
    let number = Decimal::new_number("2").unwrap();
    assert!((&number + &number).is_number());
    assert!(!(&number + &d("1")).is_number());
    assert!(Decimal::default().is_number());
    let sum: Decimal = [number.clone(), number].iter().sum();
    assert!(sum.is_number());
    assert_eq!(serde_json::to_string(&sum).unwrap(), "4");
    assert_eq!(
        serde_json::to_string(&(d("1.5") + d("1"))).unwrap(),
        r#""2.5""#
    );
}

#[test]
fn parts_normalize_and_integers() {
    assert_eq!(Decimal::from_parts(2550, 2).unwrap().to_string(), "25.50");
    assert_eq!(Decimal::from_parts(-5, 3).unwrap().to_string(), "-0.005");
    assert_eq!(Decimal::from_parts(5, -2).unwrap().to_string(), "500");
    assert_eq!(Decimal::from_parts(i128::MIN, 0), None);
    assert_eq!(Decimal::from_parts(1, 10_001), None);
    assert_eq!(d("25.50").normalize().to_string(), "25.5");
    assert_eq!(d("1e2").normalize().to_string(), "100");
    assert_eq!(d("0.000").normalize().to_string(), "0");
    assert_eq!(Decimal::from(-7i64).to_string(), "-7");
    assert_eq!(Decimal::from(u64::MAX), d("18446744073709551615"));
    assert!(d("-0.1").is_negative() && !d("0").is_negative() && d("0.00").is_zero());
    assert_eq!(format!("[{:>6}]", d("1.5")), "[   1.5]");
}

#[test]
fn decimal_json_roundtrips() {
    // (JSON in, text kept, JSON out): plain serde_json keeps every digit.
    let cases: &[(&str, &str, &str)] = &[
        ("\"3.6659520000\"", "3.6659520000", "\"3.6659520000\""),
        ("\"1.50\"", "1.50", "\"1.50\""),
        ("21.45", "21.45", "21.45"),
        ("25.0", "25.0", "25.0"),
        ("25", "25", "25"),
        ("-42.59", "-42.59", "-42.59"),
        ("-7", "-7", "-7"),
        (
            "18446744073709551615",
            "18446744073709551615",
            "18446744073709551615",
        ),
        ("0.1", "0.1", "0.1"),
        ("1e-7", "1e-7", "1e-7"),
        (" 2.50 ", "2.50", "2.50"),
        ("\"\\u0031.5\"", "1.5", "\"1.5\""),
    ];
    for (json, text, out) in cases {
        let decimal: Decimal = serde_json::from_str(json).unwrap();
        assert_eq!(decimal.as_str(), *text, "{json}");
        assert_eq!(decimal.is_number(), !json.trim().starts_with('"'), "{json}");
        let encoded = serde_json::to_string(&decimal).unwrap();
        assert_eq!(encoded, *out, "{json}");
        let from_slice: Decimal = serde_json::from_slice(json.as_bytes()).unwrap();
        assert_eq!(from_slice.as_str(), *text, "{json}");
        let from_reader: Decimal = serde_json::from_reader(json.as_bytes()).unwrap();
        assert_eq!(from_reader.as_str(), *text, "{json}");
        // Through serde_json::Value a number is an f64: same value, shortest text.
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let via_value: Decimal = serde_json::from_value(value).unwrap();
        assert_eq!(via_value, decimal, "{json}");
    }
}

#[test]
fn plain_serde_json_keeps_the_text() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Bill {
        price: Decimal,
        total: Option<Decimal>,
        lines: Vec<Decimal>,
    }
    let json = r#"{"price":25.0,"total":"3.6659520000","lines":[1.10,-0.000,1e-7]}"#;
    let bill: Bill = serde_json::from_str(json).unwrap();
    assert_eq!(bill.price.as_str(), "25.0");
    assert_eq!(serde_json::to_string(&bill).unwrap(), json);
    let again: Bill = serde_json::from_str(&serde_json::to_string(&bill).unwrap()).unwrap();
    assert_eq!(again, bill);
    assert_eq!(again.lines[0].to_string(), "1.10");
    // Through a buffering deserializer (an untagged enum) serde_json hands over an f64:
    // the value is kept, the text is its shortest form.
    #[derive(Debug, serde::Deserialize)]
    #[serde(untagged)]
    enum Either {
        Price { price: Decimal },
    }
    let Either::Price { price } = serde_json::from_str(r#"{"price":25.0}"#).unwrap();
    assert_eq!(price, d("25"));
}

#[test]
fn decimal_refuses_bad_json() {
    let cases = [
        (
            "\"abc\"",
            "invalid decimal number: expected a digit at the start",
        ),
        ("\"\"", "invalid decimal number: the text is empty"),
        ("true", "invalid type: boolean `true`"),
        ("null", "invalid type: null"),
        ("[]", "invalid type: sequence"),
        ("{\"a\":1}", "invalid type: map"),
        (
            "1234567890123456789012345678901234567891",
            "more significant digits",
        ),
    ];
    for (json, message) in cases {
        let error = serde_json::from_str::<Decimal>(json)
            .unwrap_err()
            .to_string();
        assert!(error.contains(message), "{json}: {error}");
    }
}

#[test]
fn decimal_accessors() {
    let d15 = Decimal::new("1.50").unwrap();
    assert_eq!(d15.to_string(), "1.50");
    assert_eq!(format!("{d15:?}"), "Decimal(1.50)");
    assert_eq!(d15.to_f64(), Some(1.5));
    assert_eq!(Decimal::new("1e400").unwrap().to_f64(), None);
    assert!(Decimal::new_number("1e400").is_err());
    assert_eq!(Decimal::from_f64(f64::NAN), None);
    assert_eq!(Decimal::from_f64(25.0).unwrap().as_str(), "25");
    let n = Decimal::new_number("1.50").unwrap();
    assert_eq!(serde_json::to_string(&n).unwrap(), "1.50");
    assert_eq!(
        serde_json::to_value(&n).unwrap(),
        serde_json::json!(1.5),
        "through serde_json::Value a number is an f64"
    );
    assert_eq!(
        Decimal::new("x").unwrap_err().to_string(),
        "invalid decimal number: expected a digit at the start"
    );
}

#[test]
fn totals_fit_a_btree_map() {
    let mut totals: BTreeMap<&str, Decimal> = BTreeMap::new();
    for (product, price) in [
        ("BWP", "21.45"),
        ("EIP", "25.0"),
        ("EIP", "25.0"),
        ("BWP", "0.55"),
    ] {
        *totals.entry(product).or_default() += d(price);
    }
    assert_eq!(totals["BWP"].to_string(), "22.00");
    assert_eq!(totals["EIP"], d("50"));
    let mut prices = [d("3"), d("-1"), d("2.50"), d("2.5")];
    prices.sort();
    assert_eq!(
        prices.iter().map(Decimal::as_str).collect::<Vec<_>>(),
        ["-1", "2.50", "2.5", "3"]
    );
}

#[cfg(feature = "rust_decimal")]
#[test]
fn rust_decimal_conversions() {
    use std::str::FromStr as _;
    let theirs = rust_decimal::Decimal::from_str("25.50").unwrap();
    let ours = Decimal::from(theirs);
    assert_eq!(ours.to_string(), "25.50");
    assert!(!ours.is_number());
    assert_eq!(
        rust_decimal::Decimal::try_from(&d("25.50")).unwrap(),
        theirs
    );
    assert_eq!(
        rust_decimal::Decimal::try_from(d("1e5"))
            .unwrap()
            .to_string(),
        "100000"
    );
    let long = format!("1.{}", "0".repeat(40));
    assert_eq!(
        rust_decimal::Decimal::try_from(d(&long)).unwrap(),
        rust_decimal::Decimal::ONE
    );
    for text in ["1e-29", "1e29", "79228162514264337593543950336"] {
        assert!(rust_decimal::Decimal::try_from(d(text)).is_err(), "{text}");
    }
    assert_eq!(
        rust_decimal::Decimal::try_from(d("79228162514264337593543950335")).unwrap(),
        rust_decimal::Decimal::MAX
    );
}

//! `const fn` constructors of a [`FocusMap`](super::FocusMap)'s columns and sources, with
//! defaults, so a mapping is written one column a line:
//!
//! ```
//! use meterage_runtime::focus::{self, FocusMap};
//!
//! static MAP: FocusMap = FocusMap {
//!     time_zone_seconds: 8 * 3600,
//!     columns: &[
//!         focus::decimal("BilledCost", focus::field("/PayPrice")),
//!         focus::string("ChargeCategory", focus::field("/BillType").map(&[("NEW", "Purchase")]).default("Usage")),
//!         focus::string("BillingCurrency", focus::value("CNY")),
//!         focus::date_time("BillingPeriodStart", focus::month("/Begin", "[year]-[month]")),
//!         focus::string("PricingUnit", focus::unavailable("the bill gives no unit")),
//!     ],
//! };
//! assert_eq!(MAP.columns.len(), 5);
//! ```

use super::{ColumnMap, ColumnType, Source};

/// A [`ColumnType::Decimal`] column `name` filled from `source`.
pub const fn decimal(name: &'static str, source: Source) -> ColumnMap {
    ColumnMap {
        name,
        ty: ColumnType::Decimal,
        source,
    }
}

/// A [`ColumnType::DateTime`] column `name` filled from `source`.
pub const fn date_time(name: &'static str, source: Source) -> ColumnMap {
    ColumnMap {
        name,
        ty: ColumnType::DateTime,
        source,
    }
}

/// A [`ColumnType::String`] column `name` filled from `source`.
pub const fn string(name: &'static str, source: Source) -> ColumnMap {
    ColumnMap {
        name,
        ty: ColumnType::String,
        source,
    }
}

/// A [`ColumnType::Json`] column `name` filled from `source`.
pub const fn json(name: &'static str, source: Source) -> ColumnMap {
    ColumnMap {
        name,
        ty: ColumnType::Json,
        source,
    }
}

/// [`Source::Field`] at JSON pointer `pointer`, its value kept as it is: no map, no
/// default, RFC 3339 times, no factor, an exclusive end. The methods of [`Source`]
/// (`map`, `default`, `format`, `multiply`, `end_inclusive`) change one of these.
pub const fn field(pointer: &'static str) -> Source {
    Source::Field {
        end_inclusive: false,
        multiply: None,
        format: None,
        default: None,
        map: &[],
        pointer,
    }
}

/// [`Source::Value`]: the constant `text`.
pub const fn value(text: &'static str) -> Source {
    Source::Value(text)
}

/// [`Source::Unavailable`]: always null, for `reason`.
pub const fn unavailable(reason: &'static str) -> Source {
    Source::Unavailable(reason)
}

/// [`Source::Month`]: the first instant of the month the field at `pointer` (written as
/// `format` says) falls in.
pub const fn month(pointer: &'static str, format: &'static str) -> Source {
    Source::Month {
        pointer,
        format,
        next: false,
    }
}

/// [`Source::Month`] with `next`: the first instant of the month after the one the field
/// at `pointer` (written as `format` says) falls in.
pub const fn next_month(pointer: &'static str, format: &'static str) -> Source {
    Source::Month {
        pointer,
        format,
        next: true,
    }
}

/// What one builder-style method of [`Source`] changes in a field.
enum Change {
    Map(&'static [(&'static str, &'static str)]),
    Default(&'static str),
    Format(&'static str),
    Multiply(&'static str),
    EndInclusive,
}

/// Builder-style settings of a [`Source::Field`] made by [`field`].
///
/// Each method panics when the source is not a `Source::Field`; in a constant (where
/// generated code writes them) that is a compile error.
impl Source {
    /// The field with vendor values mapped to FOCUS values (`map` of
    /// [`Source::Field`]).
    ///
    /// # Panics
    ///
    /// On a source that is not a `Source::Field`.
    pub const fn map(self, map: &'static [(&'static str, &'static str)]) -> Self {
        self.change(Change::Map(map))
    }

    /// The field with the value for one its map does not list (`default` of
    /// [`Source::Field`]).
    ///
    /// # Panics
    ///
    /// On a source that is not a `Source::Field`.
    pub const fn default(self, default: &'static str) -> Self {
        self.change(Change::Default(default))
    }

    /// The field with its times written as `format` (`format` of [`Source::Field`]).
    ///
    /// # Panics
    ///
    /// On a source that is not a `Source::Field`.
    pub const fn format(self, format: &'static str) -> Self {
        self.change(Change::Format(format))
    }

    /// The field's value multiplied by the exact factor `factor` (`multiply` of
    /// [`Source::Field`]).
    ///
    /// # Panics
    ///
    /// On a source that is not a `Source::Field`.
    pub const fn multiply(self, factor: &'static str) -> Self {
        self.change(Change::Multiply(factor))
    }

    /// The field as the last instant of a period (`end_inclusive` of
    /// [`Source::Field`]).
    ///
    /// # Panics
    ///
    /// On a source that is not a `Source::Field`.
    pub const fn end_inclusive(self) -> Self {
        self.change(Change::EndInclusive)
    }

    /// `self`, a field, with `change` made.
    const fn change(mut self, change: Change) -> Self {
        let Source::Field {
            map: old_map,
            default: old_default,
            format: old_format,
            multiply: old_multiply,
            end_inclusive: old_end_inclusive,
            ..
        } = &mut self
        else {
            // In a constant, this panic is a compile error.
            panic!("a `focus::Source` method that sets a field's option was called on a source that is not `Source::Field`")
        };
        match change {
            Change::Map(map) => *old_map = map,
            Change::Default(default) => *old_default = Some(default),
            Change::Format(format) => *old_format = Some(format),
            Change::Multiply(factor) => *old_multiply = Some(factor),
            Change::EndInclusive => *old_end_inclusive = true,
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ColumnType, Source};
    use super::*;

    #[test]
    fn constructors_fill_defaults_and_methods_set_one_option_each() {
        const COLUMN: ColumnMap = date_time(
            "ChargePeriodEnd",
            field("/End")
                .map(&[("a", "b")])
                .default("c")
                .format("[year]")
                .multiply("0.001")
                .end_inclusive(),
        );
        assert_eq!(COLUMN.name, "ChargePeriodEnd");
        assert_eq!(COLUMN.ty, ColumnType::DateTime);
        assert_eq!(
            format!("{:?}", COLUMN.source),
            r#"Field { pointer: "/End", map: [("a", "b")], default: Some("c"), format: Some("[year]"), multiply: Some("0.001"), end_inclusive: true }"#
        );
        assert_eq!(
            format!("{:?}", field("/x")),
            r#"Field { pointer: "/x", map: [], default: None, format: None, multiply: None, end_inclusive: false }"#
        );
        assert!(matches!(
            next_month("/m", "[year]-[month]"),
            Source::Month { next: true, .. }
        ));
        assert!(matches!(
            month("/m", "[year]-[month]"),
            Source::Month { next: false, .. }
        ));
        assert!(matches!(value("CNY"), Source::Value("CNY")));
        assert!(matches!(unavailable("why"), Source::Unavailable("why")));
        assert_eq!(decimal("a", value("1")).ty, ColumnType::Decimal);
        assert_eq!(string("a", value("1")).ty, ColumnType::String);
        assert_eq!(json("a", value("{}")).ty, ColumnType::Json);
    }

    #[test]
    #[should_panic(expected = "not `Source::Field`")]
    fn a_field_option_on_another_source_panics() {
        let _ = value("CNY").default("x");
    }
}

//! `const fn` constructors of the describe data, with defaults, so generated code writes
//! only what differs from them (one parameter, field or variable a line where it fits):
//!
//! ```
//! use meterage_runtime::describe::{self, FieldKind, ValueKind};
//!
//! static VALUES: [describe::EnumValue; 2] = describe::enum_values(["CLEARED", "UNCLEAR"]);
//! static PARAMS: [describe::ParamInfo; 2] = [
//!     describe::param("page_size", "PageSize", "query").kind(ValueKind::Integer).constraints("at most 50"),
//!     describe::param("bill_status", "BillStatus", "query")
//!         .kind(ValueKind::Enum { values: &VALUES, open: true })
//!         .required(),
//! ];
//! static FIELDS: [describe::Field; 1] = [describe::field("BillUUID", FieldKind::String).doc("Bill ID.")];
//! static VARS: [describe::EnvVar; 2] = [describe::var("KEY_ID"), describe::var("TOKEN").secret().optional()];
//! assert!(PARAMS[1].required && !PARAMS[0].required);
//! assert_eq!(FIELDS[0].description, "Bill ID.");
//! assert!(VARS[1].secret && !VARS[1].required);
//! ```

use super::{EnumValue, EnvVar, Field, FieldKind, OperationInfo, Paging, ParamInfo, ValueKind};

impl OperationInfo {
    /// What an operation literal leaves out with `..OperationInfo::DEFAULTS`: empty text
    /// (name, id, endpoint, summary, description), no parameters, no record fields, no
    /// paging, no record key, no period and no FOCUS map. Generated code writes the
    /// name, id and endpoint of every operation and only the other fields it has.
    pub const DEFAULTS: OperationInfo = OperationInfo {
        name: "",
        id: "",
        endpoint: "",
        summary: "",
        description: "",
        params: &[],
        record: &[],
        paging: None,
        record_key: &[],
        period: None,
        focus: None,
    };
}

/// The parameter with setter `name`, wire name `wire`, sent in `location` (`path`,
/// `query`, `header`, `cookie` or `body`): optional, not secret, one text value
/// ([`ValueKind::String`]), no description and no constraints until a method says
/// otherwise.
pub const fn param(name: &'static str, wire: &'static str, location: &'static str) -> ParamInfo {
    ParamInfo {
        name,
        wire,
        location,
        description: "",
        required: false,
        secret: false,
        repeated: false,
        kind: ValueKind::String,
        constraints: "",
    }
}

/// Builder-style settings of a parameter made by [`param`].
impl ParamInfo {
    /// With description `description`.
    pub const fn doc(self, description: &'static str) -> Self {
        ParamInfo {
            description,
            ..self
        }
    }

    /// Required.
    pub const fn required(self) -> Self {
        ParamInfo {
            required: true,
            ..self
        }
    }

    /// Holding a secret.
    pub const fn secret(self) -> Self {
        ParamInfo {
            secret: true,
            ..self
        }
    }

    /// Taking several values.
    pub const fn repeated(self) -> Self {
        ParamInfo {
            repeated: true,
            ..self
        }
    }

    /// With values of kind `kind`.
    pub const fn kind(self, kind: ValueKind) -> Self {
        ParamInfo { kind, ..self }
    }

    /// Taking one of `values` and no other ([`ValueKind::Enum`], not `open`).
    pub const fn closed_enum(self, values: &'static [EnumValue]) -> Self {
        self.kind(ValueKind::Enum {
            values,
            open: false,
        })
    }

    /// Taking one of `values`, or another the vendor added ([`ValueKind::Enum`],
    /// `open`).
    pub const fn open_enum(self, values: &'static [EnumValue]) -> Self {
        self.kind(ValueKind::Enum { values, open: true })
    }

    /// With the constraints in words `constraints`.
    pub const fn constraints(self, constraints: &'static str) -> Self {
        ParamInfo {
            constraints,
            ..self
        }
    }
}

/// The record field with wire name `name` and values of kind `kind`: optional, no
/// description until a method says otherwise.
pub const fn field(name: &'static str, kind: FieldKind) -> Field {
    Field {
        name,
        description: "",
        required: false,
        kind,
    }
}

/// Builder-style settings of a field made by [`field`].
impl Field {
    /// With description `description`.
    pub const fn doc(self, description: &'static str) -> Self {
        Field {
            description,
            ..self
        }
    }

    /// Always present.
    pub const fn required(self) -> Self {
        Field {
            required: true,
            ..self
        }
    }
}

impl FieldKind {
    /// [`FieldKind::Decimal`] with `scale` fraction digits, if the spec fixes them.
    pub const fn decimal(scale: Option<u8>) -> Self {
        FieldKind::Decimal { scale }
    }
}

/// The listed values `values`, in order, each without a description.
pub const fn enum_values<const N: usize>(values: [&'static str; N]) -> [EnumValue; N] {
    const NONE: EnumValue = EnumValue {
        value: "",
        description: "",
    };
    let mut out = [NONE; N];
    let mut i = 0;
    while i < N {
        out[i] = EnumValue {
            value: values[i],
            description: "",
        };
        i += 1;
    }
    out
}

/// The environment variable `name`: required, not secret until a method says otherwise.
pub const fn var(name: &'static str) -> EnvVar {
    EnvVar {
        name,
        secret: false,
        required: true,
    }
}

/// Builder-style settings of a variable made by [`var`].
impl EnvVar {
    /// Holding a secret.
    pub const fn secret(self) -> Self {
        EnvVar {
            secret: true,
            ..self
        }
    }

    /// Optional.
    pub const fn optional(self) -> Self {
        EnvVar {
            required: false,
            ..self
        }
    }
}

impl Paging {
    /// Paging of style `style` whose cursor parameter is `cursor_param`.
    pub const fn new(style: &'static str, cursor_param: Option<&'static str>) -> Self {
        Paging {
            style,
            cursor_param,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_literal_takes_what_it_leaves_out_from_defaults() {
        static OPERATION: OperationInfo = OperationInfo {
            name: "get",
            id: "Get",
            endpoint: "GET /",
            params: &[param("a", "A", "query")],
            ..OperationInfo::DEFAULTS
        };
        assert_eq!(
            (
                OPERATION.name,
                OPERATION.id,
                OPERATION.endpoint,
                OPERATION.summary
            ),
            ("get", "Get", "GET /", "")
        );
        assert_eq!((OPERATION.params.len(), OPERATION.record.len()), (1, 0));
        assert!(OPERATION.paging.is_none() && OPERATION.period.is_none());
        assert!(OPERATION.focus.is_none() && OPERATION.record_key.is_empty());
    }

    #[test]
    fn constructors_fill_defaults_and_methods_set_one_setting_each() {
        const PLAIN: ParamInfo = param("a", "A", "query");
        assert_eq!(
            (PLAIN.name, PLAIN.wire, PLAIN.location, PLAIN.description),
            ("a", "A", "query", "")
        );
        assert_eq!(
            (PLAIN.required, PLAIN.secret, PLAIN.repeated),
            (false, false, false)
        );
        assert!(matches!(PLAIN.kind, ValueKind::String));
        assert_eq!(PLAIN.constraints, "");
        const SET: ParamInfo = param("b", "B", "path")
            .doc("d")
            .required()
            .secret()
            .repeated()
            .kind(ValueKind::Integer)
            .constraints("at least 1");
        assert_eq!((SET.description, SET.constraints), ("d", "at least 1"));
        assert_eq!((SET.required, SET.secret, SET.repeated), (true, true, true));
        assert!(matches!(SET.kind, ValueKind::Integer));
        static VALUES_AB: [EnumValue; 2] = enum_values(["A", "B"]);
        const CLOSED: ParamInfo = param("c", "C", "query").closed_enum(&VALUES_AB);
        assert!(
            matches!(CLOSED.kind, ValueKind::Enum { values, open: false } if values.len() == 2)
        );
        const OPEN: ParamInfo = param("c", "C", "query").open_enum(&[]);
        assert!(matches!(
            OPEN.kind,
            ValueKind::Enum {
                values: [],
                open: true
            }
        ));
        assert!(matches!(
            FieldKind::decimal(Some(2)),
            FieldKind::Decimal { scale: Some(2) }
        ));

        const FIELD: Field = field("F", FieldKind::Boolean);
        assert_eq!(
            (FIELD.name, FIELD.description, FIELD.required),
            ("F", "", false)
        );
        const DOCUMENTED: Field = field("G", FieldKind::Array).doc("g").required();
        assert_eq!((DOCUMENTED.description, DOCUMENTED.required), ("g", true));

        const VALUES: [EnumValue; 2] = enum_values(["X", "Y"]);
        assert_eq!(
            VALUES.map(|v| (v.value, v.description)),
            [("X", ""), ("Y", "")]
        );

        const VAR: EnvVar = var("V");
        assert_eq!((VAR.required, VAR.secret), (true, false));
        const SECRET: EnvVar = var("S").secret().optional();
        assert_eq!((SECRET.required, SECRET.secret), (false, true));

        const PAGING: Paging = Paging::new("cursor", Some("token"));
        assert_eq!(
            (PAGING.style, PAGING.cursor_param),
            ("cursor", Some("token"))
        );
    }
}

//! `x-record-key` and `x-period`: what identifies one record of a listing, and which
//! parameters carry the period it covers, for tools that keep records (the `meterage`
//! command line's sync). Both are read on an operation after its parameters and
//! success response, and checked against them.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::Lowerer;
use crate::extensions::{X_PAGINATION, X_PERIOD, X_RECORDS, X_RECORD_KEY};
use crate::ir::{Param, Period, RecordsField, SuccessResponse, TypeKind, TypeRef};

/// `x-period`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PeriodExt {
    start: String,
    #[serde(default)]
    end: Option<String>,
    format: String,
    #[serde(default)]
    end_inclusive: bool,
}

impl Lowerer<'_, '_> {
    /// `x-records` of the operation at `pointer`: a JSON pointer to a top-level array
    /// property of its success body, for an operation that does not page.
    pub(super) fn records(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        paged: bool,
        response: &SuccessResponse,
    ) -> Option<RecordsField> {
        let path: String = self.extension(extensions, X_RECORDS, pointer)?;
        let at = format!("{pointer}/{X_RECORDS}");
        if paged {
            self.error(
                &at,
                format!("`{X_RECORDS}` is for an operation that does not page: `{X_PAGINATION}`'s `items` says where a page's records are"),
            );
            return None;
        }
        let name = path.strip_prefix('/').unwrap_or_default();
        if name.is_empty() || name.contains('/') {
            self.error(
                &at,
                format!("`{X_RECORDS}` is a JSON pointer to a top-level property of the success body (`/data`), not `{path}`"),
            );
            return None;
        }
        let name = name.replace("~1", "/").replace("~0", "~");
        let fields = match (&response.ty, &response.empty) {
            (Some(TypeRef::Named(id)), None) => match &self.types.get(*id).kind {
                TypeKind::Struct { fields } => Some(fields),
                _ => None,
            },
            _ => None,
        };
        let Some(fields) = fields else {
            self.error(
                &at,
                format!("`{X_RECORDS}` names a property of the success body, which is not an object with properties that every success carries"),
            );
            return None;
        };
        let found = fields
            .iter()
            .find(|f| f.wire_name == name)
            .and_then(|f| match &f.ty {
                TypeRef::Array(item) => Some(RecordsField {
                    field: f.rust_name.clone(),
                    optional: f.optional,
                    item: (**item).clone(),
                }),
                _ => None,
            });
        if found.is_none() {
            let arrays: Vec<String> = fields
                .iter()
                .filter(|f| matches!(f.ty, TypeRef::Array(_)))
                .map(|f| f.wire_name.clone())
                .collect();
            self.error(
                &at,
                format!(
                    "`{X_RECORDS}` names `{name}`, which is no array property of the success body (its arrays: {})",
                    listed(&arrays)
                ),
            );
        }
        found
    }

    /// `x-record-key` of the operation at `pointer`, whose records are `record`: each
    /// name a top-level field of the record.
    pub(super) fn record_key(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        record: Option<&TypeRef>,
    ) -> Vec<String> {
        let Some(key) = self.extension::<Vec<String>>(extensions, X_RECORD_KEY, pointer) else {
            return Vec::new();
        };
        let at = format!("{pointer}/{X_RECORD_KEY}");
        if key.is_empty() {
            self.error(
                &at,
                format!("`{X_RECORD_KEY}` names no field: list the record fields that identify a record"),
            );
            return Vec::new();
        }
        let fields = match record {
            Some(TypeRef::Named(id)) => match &self.types.get(*id).kind {
                TypeKind::Struct { fields } => Some(
                    fields
                        .iter()
                        .map(|f| f.wire_name.clone())
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            },
            _ => None,
        };
        let Some(fields) = fields else {
            self.error(
                &at,
                format!("`{X_RECORD_KEY}` names record fields, but the operation's records are not objects with properties"),
            );
            return Vec::new();
        };
        let mut ok = true;
        for (i, name) in key.iter().enumerate() {
            if !fields.contains(name) {
                ok = false;
                self.error(
                    &format!("{at}/{i}"),
                    format!(
                        "`{X_RECORD_KEY}` names `{name}`, which is no top-level field of the record (its fields: {})",
                        listed(&fields)
                    ),
                );
            } else if key[..i].contains(name) {
                ok = false;
                self.error(
                    &format!("{at}/{i}"),
                    format!("`{X_RECORD_KEY}` names `{name}` twice"),
                );
            }
        }
        if ok {
            key
        } else {
            Vec::new()
        }
    }

    /// `x-period` of the operation at `pointer`: parameters of the operation (by wire
    /// name) and a format the `time` crate reads.
    pub(super) fn period(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        params: &[Param],
    ) -> Option<Period> {
        let ext: PeriodExt = self.extension(extensions, X_PERIOD, pointer)?;
        let at = format!("{pointer}/{X_PERIOD}");
        let param = |l: &mut Self, key: &str, wire: &str| {
            let found = params
                .iter()
                .find(|p| p.wire_name == wire && p.constant.is_none());
            if found.is_none() {
                let names: Vec<String> = params
                    .iter()
                    .filter(|p| p.constant.is_none())
                    .map(|p| p.wire_name.clone())
                    .collect();
                l.error(
                    &format!("{at}/{key}"),
                    format!(
                        "`{X_PERIOD}` `{key}` names `{wire}`, which is no parameter the caller sets (its parameters: {})",
                        listed(&names)
                    ),
                );
            }
            found.map(|p| p.rust_name.clone())
        };
        let start = param(self, "start", &ext.start);
        let end = ext.end.as_ref().map(|wire| param(self, "end", wire));
        let format_ok = match time::format_description::parse_borrowed::<1>(&ext.format) {
            Ok(_) => true,
            Err(e) => {
                self.error(
                    &format!("{at}/format"),
                    format!(
                        "`{X_PERIOD}` `format` `{}` is not a `time` format description: {e} (write e.g. `[year]-[month]-[day]`)",
                        ext.format
                    ),
                );
                false
            }
        };
        if ext.end_inclusive && ext.end.is_none() {
            self.error(
                &format!("{at}/end-inclusive"),
                format!(
                    "`{X_PERIOD}` `end-inclusive` says how `end` is read, and there is no `end`"
                ),
            );
            return None;
        }
        let end = match end {
            Some(None) => return None,
            Some(Some(end)) => Some(end),
            None => None,
        };
        Some(Period {
            start: start?,
            end,
            format: ext.format,
            end_inclusive: ext.end_inclusive,
        })
        .filter(|_| format_ok)
    }
}

/// Names for a message, each in backticks (`none` for an empty list).
fn listed(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

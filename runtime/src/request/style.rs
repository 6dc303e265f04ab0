//! Parameters of any shape, encoded as OpenAPI's `style` and `explode` say.
//!
//! Scalars and arrays of scalars have dedicated [`Request`](super::Request) methods
//! (`query`, `query_multi`, `query_csv`, `query_joined`); everything else (objects,
//! maps, arrays of objects, JSON-encoded parameters) is serialized with serde and
//! encoded here into `name=value` pairs, before percent-encoding.

use std::borrow::Cow;

use serde_json::Value;

/// How a parameter's value is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `style: form`, `explode: true` (the query default): an array repeats the name
    /// (`id=1&id=2`), an object's properties are parameters of their own (`a=1&b=2`).
    FormExploded,
    /// `style: form`, `explode: false`: `id=1,2`; an object as `name=a,1,b,2`.
    Form,
    /// `style: simple` (the path and header default): `1,2`; an object as `a,1,b,2`.
    Simple,
    /// `style: simple`, `explode: true`: an object as `a=1,b=2`.
    SimpleExploded,
    /// `style: spaceDelimited`: `id=1 2`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `id=1|2`.
    PipeDelimited,
    /// `style: deepObject`: `name[a]=1&name[b][c]=2&name[list][0]=x`, nested as deep as
    /// the value.
    DeepObject,
    /// A parameter with `content: application/json`: the value as JSON text.
    Json,
}

/// The `name=value` pairs of `value` (not yet percent-encoded), or why it cannot be
/// serialized.
pub(crate) fn pairs<T: serde::Serialize + ?Sized>(
    name: &'static str,
    value: &T,
    style: Style,
) -> Result<Vec<(Cow<'static, str>, String)>, String> {
    let value = super::wire_value(value)
        .map_err(|e| format!("the parameter `{name}` cannot be serialized: {e}"))?;
    let mut out = Vec::new();
    encode(Cow::Borrowed(name), &value, style, &mut out);
    Ok(out)
}

/// A scalar as parameter text; `None` for null, arrays and objects.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A member inside a delimited list: a scalar as itself, anything else as JSON.
fn member(value: &Value) -> String {
    scalar(value).unwrap_or_else(|| value.to_string())
}

fn encode(
    name: Cow<'static, str>,
    value: &Value,
    style: Style,
    out: &mut Vec<(Cow<'static, str>, String)>,
) {
    if value.is_null() {
        return;
    }
    if style == Style::Json {
        out.push((name, member_json(value)));
        return;
    }
    if let Some(text) = scalar(value) {
        out.push((name, text));
        return;
    }
    match (style, value) {
        (Style::DeepObject, Value::Object(map)) => {
            for (key, v) in map {
                encode(Cow::Owned(format!("{name}[{key}]")), v, style, out);
            }
        }
        (Style::DeepObject, Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                encode(Cow::Owned(format!("{name}[{i}]")), v, style, out);
            }
        }
        (Style::FormExploded, Value::Array(items)) => {
            for v in items.iter().filter(|v| !v.is_null()) {
                out.push((name.clone(), member(v)));
            }
        }
        (Style::FormExploded, Value::Object(map)) => {
            for (key, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                out.push((Cow::Owned(key.clone()), member(v)));
            }
        }
        (_, Value::Array(items)) => {
            let joined: Vec<String> = items.iter().filter(|v| !v.is_null()).map(member).collect();
            if !joined.is_empty() {
                out.push((name, joined.join(separator(style))));
            }
        }
        (_, Value::Object(map)) => {
            let members = map.iter().filter(|(_, v)| !v.is_null());
            let joined: Vec<String> = if style == Style::SimpleExploded {
                members.map(|(k, v)| format!("{k}={}", member(v))).collect()
            } else {
                members.flat_map(|(k, v)| [k.clone(), member(v)]).collect()
            };
            out.push((name, joined.join(separator(style))));
        }
        _ => {}
    }
}

/// What joins the members of an array or object in `style` (OpenAPI 3.0's table:
/// `R 100 G 200` space-delimited, `R|100|G|200` pipe-delimited, else commas).
fn separator(style: Style) -> &'static str {
    match style {
        Style::SpaceDelimited => " ",
        Style::PipeDelimited => "|",
        _ => ",",
    }
}

fn member_json(value: &Value) -> String {
    value.to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    type Pairs = Vec<(String, String)>;

    fn encoded(value: Value, style: Style) -> Pairs {
        pairs("p", &value, style)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect()
    }

    fn strs(pairs: &[(&str, &str)]) -> Pairs {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn styles_of_the_openapi_table() {
        let object = serde_json::json!({"R": 100, "G": 200, "B": null});
        let array = serde_json::json!(["blue", "black"]);
        let cases: Vec<(Value, Style, Pairs)> = vec![
            (
                array.clone(),
                Style::FormExploded,
                strs(&[("p", "blue"), ("p", "black")]),
            ),
            (array.clone(), Style::Form, strs(&[("p", "blue,black")])),
            (
                array.clone(),
                Style::SpaceDelimited,
                strs(&[("p", "blue black")]),
            ),
            (
                array.clone(),
                Style::PipeDelimited,
                strs(&[("p", "blue|black")]),
            ),
            (
                object.clone(),
                Style::FormExploded,
                strs(&[("G", "200"), ("R", "100")]),
            ),
            (object.clone(), Style::Form, strs(&[("p", "G,200,R,100")])),
            (
                object.clone(),
                Style::SpaceDelimited,
                strs(&[("p", "G 200 R 100")]),
            ),
            (
                object.clone(),
                Style::PipeDelimited,
                strs(&[("p", "G|200|R|100")]),
            ),
            (
                object.clone(),
                Style::SimpleExploded,
                strs(&[("p", "G=200,R=100")]),
            ),
            (
                object.clone(),
                Style::DeepObject,
                strs(&[("p[G]", "200"), ("p[R]", "100")]),
            ),
            (
                object,
                Style::Json,
                strs(&[("p", r#"{"B":null,"G":200,"R":100}"#)]),
            ),
            (Value::Null, Style::Form, Vec::new()),
            (serde_json::json!(5), Style::DeepObject, strs(&[("p", "5")])),
        ];
        for (value, style, want) in cases {
            assert_eq!(encoded(value.clone(), style), want, "{value} as {style:?}");
        }
    }

    #[test]
    fn deep_objects_nest_as_deep_as_the_value() {
        let value = serde_json::json!({
            "card": {"number": "4242", "exp": {"month": 1}},
            "expand": ["a", "b"],
            "items": [{"price": "p_1"}],
        });
        assert_eq!(
            encoded(value, Style::DeepObject),
            strs(&[
                ("p[card][exp][month]", "1"),
                ("p[card][number]", "4242"),
                ("p[expand][0]", "a"),
                ("p[expand][1]", "b"),
                ("p[items][0][price]", "p_1"),
            ])
        );
    }
}

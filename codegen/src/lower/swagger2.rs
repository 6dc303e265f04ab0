//! Swagger 2.0 parameters left in an OpenAPI 3 document (`in: formData`, `in: body`),
//! found on the YAML tree before it is typed: typing would refuse the document at the
//! first of them with serde's words; this says, at each, what to write instead.

use crate::yaml::Value;

use crate::diagnostics::{escape_token, Sink};

/// The methods a path item holds operations under.
const VERBS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Reports every parameter of `tree` (a bundled document) that is `in: formData` or
/// `in: body`, each an error saying what OpenAPI 3 writes instead; whether any was.
pub fn swagger_parameters(tree: &Value, sink: &mut Sink) -> bool {
    let mut found = false;
    let mut check = |list: Option<&Value>, at: &str| {
        let Some(Value::Sequence(list)) = list else {
            return;
        };
        for (i, parameter) in list.iter().enumerate() {
            if let Some(message) = leftover(parameter) {
                sink.error(&format!("{at}/{i}/in"), message);
                found = true;
            }
        }
    };
    if let Some(Value::Mapping(paths)) = tree.get("paths") {
        for (key, item) in paths {
            let Some(key) = key.as_str() else { continue };
            let at = format!("/paths/{}", escape_token(key));
            check(item.get("parameters"), &format!("{at}/parameters"));
            for verb in VERBS {
                if let Some(op) = item.get(*verb) {
                    check(op.get("parameters"), &format!("{at}/{verb}/parameters"));
                }
            }
        }
    }
    if let Some(Value::Mapping(parameters)) =
        tree.get("components").and_then(|c| c.get("parameters"))
    {
        for (name, parameter) in parameters {
            let Some(name) = name.as_str() else { continue };
            if let Some(message) = leftover(parameter) {
                let at = format!("/components/parameters/{}/in", escape_token(name));
                sink.error(&at, message);
                found = true;
            }
        }
    }
    found
}

/// What to change, when `parameter` is a Swagger 2.0 one.
fn leftover(parameter: &Value) -> Option<String> {
    let name = parameter.get("name").and_then(Value::as_str).unwrap_or("?");
    match parameter.get("in").and_then(Value::as_str)? {
        "formData" => Some(format!(
            "parameter `{name}`: `in: formData` is Swagger 2.0's; OpenAPI 3 has no form parameters: make `{name}` a property of the operation's `requestBody` schema under `content: {{application/x-www-form-urlencoded: {{schema: {{type: object, properties: {{...}}}}}}}}` (`multipart/form-data` when a field is a file: `type: file` becomes `type: string, format: binary`), its `required` in the schema's `required` list, and remove the parameter"
        )),
        "body" => Some(format!(
            "parameter `{name}`: `in: body` is Swagger 2.0's; OpenAPI 3 has no body parameters: write the operation's `requestBody: {{content: {{application/json: {{schema: <this parameter's schema>}}}}}}` and remove the parameter"
        )),
        _ => None,
    }
}

//! `codegen/tests/fixtures/breadth.yaml` uses every construct the generator supports
//! (references within and across files, `allOf`, `oneOf` with and without a
//! discriminator, `anyOf` nullables, maps, enums, formats, every parameter place and
//! style, an action selector in a header, every body media type (vendor JSON ones too),
//! status ranges and `default`, a success that may come without content, server
//! variables, the standard security schemes (the OAuth 2.0 client credentials grant,
//! standard and `x-auth-scheme`; AWS Signature Version 4), names that are keywords,
//! collide or are not ASCII, operations without `operationId`, parameters that keep
//! reserved characters). Its crate compiles with warnings denied, and the generator
//! warns about exactly what it approximates.

use std::fs;

#[test]
fn the_breadth_fixture_generates_and_compiles_with_warnings_denied() {
    let root = xtask::workspace_root();
    let spec = "codegen/tests/fixtures/breadth.yaml";
    let text = fs::read_to_string(root.join(spec)).expect("fixture");
    let generated = xtask::generate_spec(
        &root,
        spec,
        &text,
        &xtask::standalone_settings("breadth-client"),
    )
    .unwrap_or_else(|d| panic!("{d}"));

    let warnings: Vec<String> = generated.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "codegen/tests/fixtures/breadth.yaml:226:30 (at /components/schemas/NewPet/properties/kind/enum): warning: the enum value `cat` is listed twice: it is one variant",
            "codegen/tests/fixtures/breadth.yaml:300:26 (at /components/securitySchemes/digest/scheme): warning: security scheme `digest`: HTTP `digest` authentication is not implemented: the caller supplies an `Authorize` for it",
            "codegen/tests/fixtures/breadth.yaml:75:5 (at /paths/~1pets~1{petId}/get): warning: the operation has no `operationId`: it is named `get_pets_petId` after its method and path",
        ]
    );

    let source = &generated.source;
    // Compared without whitespace: the formatter breaks long calls over lines.
    let flat: String = source.split_whitespace().collect();
    for wanted in [
        // A file's schema takes the name of the component that refers to it.
        "pub struct Pet {",
        // allOf merges the referenced parts' properties; a discriminator tags the oneOf.
        "pub struct Cat {",
        "Some(\"dog\") => {",
        // An anyOf of one type and null is that type, optional (a body property: a
        // setter; the body's own struct is not written, as nothing uses it).
        "collar: Option<types::Collar>,",
        "pub fn collar(mut self, value: types::Collar) -> Self {",
        // A recursive anyOf boxes the branch that contains it.
        "Tree(Box<Tree>),",
        // Styles, cookies, JSON content parameters.
        "request.query_csv(\"tags\", values);",
        "request.query_joined(\"ids\", value, '|');",
        "request.query_value(\"filter\", value, meterage_runtime::request::Style::DeepObject",
        "request.query_value(\"where\", value, meterage_runtime::request::Style::Json);",
        "request.cookie_opt(\"session\", &self.session);",
        // Bodies of every kind.
        "request.content_type(\"application/merge-patch+json\");",
        "request.bytes_body(meterage_runtime::Bytes::clone(value));",
        "request.part_file(\"file\", &self.file);",
        "request.form_value(\"metadata\", value, meterage_runtime::request::Style::DeepObject",
        "request.json_value(value);",
        // Vendor JSON, a success that may have no content, a scope spanning segments.
        "request.content_type(\"application/x-amz-json-1.1\");",
        "request.json_opt(\"granularity\", &self.granularity);",
        "impl meterage_runtime::call::Sending<Option<types::UsageResponse>>",
        "request.path_param_as(\"scope\", &self.scope, meterage_runtime::request::Encoding::AllowReserved,);",
        "request.query_as(\"$filter\", value, meterage_runtime::request::Encoding::AllowReserved,);",
        // An action selector in a header, two operations sharing `POST /rpc`.
        "request.header(\"X-Amz-Target\", \"Service.Pong\");",
        // Security schemes.
        "meterage_runtime::HeaderToken::bearer(token)",
        "meterage_runtime::HeaderToken::basic(username, password)",
        "meterage_runtime::auth::KeyPlace::Cookie",
        // The client credentials grant: a standard `oauth2` flow, and `x-auth-scheme`
        // with the variables of `from_env`.
        "meterage_runtime::auth::OAuth2ClientCredentials::bearer(&OAUTH_LOGIN, client)",
        "meterage_runtime::auth::OAuth2ClientCredentials::bearer(&AAD_LOGIN, client)",
        "auth = auth.token_endpoint(value);",
        // AWS Signature Version 4, its region from the environment.
        "meterage_runtime::AwsSigv4::new(key, \"ce\", \"us-east-1\")",
        "auth = auth.region(value);",
        // The base URL from the first of two variables, else the server.
        "meterage_runtime::auth::env::first_var_opt(&[\"BREADTH_URL\", \"API_URL\"]",
        // Server variables take their defaults.
        "\"https://eu.api.example.com/v2\"",
    ] {
        let wanted_flat: String = wanted.split_whitespace().collect();
        assert!(flat.contains(&wanted_flat), "{wanted:?} not in the module");
    }

    let dir = std::env::temp_dir().join(format!("meterage-breadth-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    xtask::write_crate(&root, &dir, "breadth-client", source).expect("crate written");
    let compiled = xtask::corpus::compile::check(&root, &dir).expect("cargo runs");
    let _ = fs::remove_dir_all(&dir);
    assert!(
        compiled.ok,
        "{} errors: {:#?}",
        compiled.errors, compiled.groups
    );
}

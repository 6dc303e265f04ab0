//! An API of more operations than one `match` of the `cli` module's `run` awaits: `run`
//! finds the operation's chunk by a binary search of the sorted names, and each chunk's
//! function matches that chunk's names, so every operation is reached by its own name.
//! The crate compiles with every feature and warnings denied.

#[test]
fn run_reaches_every_operation_of_a_large_api_through_its_chunk() {
    let root = xtask::workspace_root();
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: Many, version: '1'}\nservers: [{url: https://api.example.com}]\npaths:\n",
    );
    // `chunk_0` is also the name of the first chunk's function: the operation's is
    // `run_chunk_0`, so the two do not collide.
    text.push_str("  /chunk:\n    get:\n      operationId: chunk_0\n      responses:\n        '204': {description: done}\n");
    for i in 0..150 {
        text.push_str(&format!(
            "  /things{i}:\n    get:\n      operationId: getThing{i}\n      parameters:\n        - {{name: limit, in: query, schema: {{type: integer, minimum: 1}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, properties: {{id: {{type: string}}}}}}\n"
        ));
    }
    let generated = xtask::generate_spec(
        &root,
        "synthetic.yaml",
        &text,
        &xtask::standalone_settings("synthetic-client"),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let cli = generated.cli.as_deref().expect("the cli module's file");

    // The names, sorted as `binary_search` needs them (byte order), each once.
    let start = cli
        .find("static RUN_NAMES: [&str; 151] = [")
        .expect("RUN_NAMES");
    let end = start + cli[start..].find("];").expect("end of RUN_NAMES");
    let names: Vec<&str> = cli[start..end]
        .lines()
        .skip(1)
        .map(|l| l.trim().trim_end_matches(',').trim_matches('"'))
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 151);
    assert_eq!(
        &names[..4],
        ["chunk_0", "get_thing0", "get_thing1", "get_thing10"]
    );

    // `run` finds a name's index in `RUN_NAMES` and sends it to chunk `index / 64`;
    // chunk `k` matches exactly the names `64 * k ..`, each calling its own function.
    assert!(
        cli.contains("match RUN_NAMES.binary_search(&operation).map(|i| i / 64) {"),
        "run does not find the chunk by the name's index"
    );
    for (k, chunk) in names.chunks(64).enumerate() {
        assert!(
            cli.contains(&format!(
                "Ok({k}) => chunk_{k}(client, operation, args, sink).await,"
            )),
            "run does not reach chunk {k}"
        );
        let at = cli
            .find(&format!("async fn chunk_{k}<"))
            .unwrap_or_else(|| panic!("no chunk_{k}"));
        let body = &cli[at..at + cli[at..].find("\n}\n").expect("end of the chunk")];
        let arms: Vec<&str> = body
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"'))
            .map(|l| l.split('"').next().unwrap_or_default())
            .collect();
        assert_eq!(arms, chunk, "chunk {k}");
        for name in chunk {
            assert!(
                body.contains(&format!(
                    "\"{name}\" => run_{name}(client, args, sink).await,"
                )),
                "{name} in chunk {k}"
            );
        }
    }
    assert!(
        !cli.contains("fn chunk_3"),
        "151 operations are three chunks"
    );

    let compiled = xtask::corpus::compile::check_generated(&root, "synthetic-client", &generated)
        .expect("crate written and cargo run");
    assert!(
        compiled.ok,
        "{} errors: {:#?}",
        compiled.errors, compiled.groups
    );
}

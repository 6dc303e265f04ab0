//! The help of `meterage`, of every API and of every operation, and `meterage list`, as
//! snapshots in `cli/tests/snapshots/` (the binary's real output, help wrapped at a
//! fixed width). After an intended change, rewrite them with
//! `METERAGE_BLESS=1 cargo test -p meterage-cli --test help` and read the diff.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `meterage args...`'s standard output, which must be a success, each line's trailing
/// blanks removed.
fn stdout_of(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_meterage"))
        .args(args)
        .env_clear()
        .output()
        .expect("meterage runs");
    assert!(
        output.status.success(),
        "{args:?}: exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    // Clap indents the blank lines of long help: trailing blanks, which editors strip.
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    text.lines()
        .map(|line| format!("{}\n", line.trim_end()))
        .collect()
}

fn snapshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

#[test]
fn help_of_every_api_and_operation_matches_its_snapshot() {
    let mut cases: Vec<(String, Vec<String>)> = vec![
        ("meterage".into(), vec!["--help".into()]),
        ("list".into(), vec!["list".into()]),
        ("sync".into(), vec!["sync".into(), "--help".into()]),
    ];
    for api in meterage_clients::cli::APIS {
        let api_name = api.name.replace('_', "-");
        cases.push((api_name.clone(), vec![api_name.clone(), "--help".into()]));
        for operation in api.operations {
            let name = operation.name.replace('_', "-");
            cases.push((
                format!("{api_name}__{name}"),
                vec![api_name.clone(), name, "--help".into()],
            ));
        }
    }
    let bless = std::env::var_os("METERAGE_BLESS").is_some();
    let dir = snapshots();
    if bless {
        std::fs::create_dir_all(&dir).expect("snapshot folder");
    }
    let mut expected = BTreeSet::new();
    let mut differ = Vec::new();
    for (name, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let text = stdout_of(&args);
        let file = format!("{name}.txt");
        let path = dir.join(&file);
        expected.insert(file);
        if bless {
            std::fs::write(&path, &text).expect("snapshot written");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            differ.push(path.display().to_string());
        }
    }
    // A snapshot no command has any more.
    for entry in std::fs::read_dir(&dir).expect("snapshot folder") {
        let entry = entry.expect("entry");
        let file = entry.file_name().to_string_lossy().into_owned();
        if !expected.contains(&file) {
            if bless {
                std::fs::remove_file(entry.path()).expect("stale snapshot removed");
            } else {
                differ.push(format!("{} (no such command)", entry.path().display()));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "help differs from the snapshots (if intended, run `METERAGE_BLESS=1 cargo test -p \
         meterage-cli --test help`): {differ:#?}"
    );
}

#[test]
fn help_is_stable_whatever_the_terminal_width() {
    let wide = Command::new(env!("CARGO_BIN_EXE_meterage"))
        .args(["kaopuyun", "--help"])
        .env_clear()
        .env("COLUMNS", "250")
        .output()
        .expect("meterage runs");
    let wide: String = String::from_utf8_lossy(&wide.stdout)
        .lines()
        .map(|line| format!("{}\n", line.trim_end()))
        .collect();
    assert_eq!(wide, stdout_of(&["kaopuyun", "--help"]));
}

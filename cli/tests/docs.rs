//! The command lines of the README's "Command line" section and of docs/cli.md's
//! "Examples", run as written against the vendor fakes (the API's variables pointing at
//! the fake): each succeeds and writes records.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use meterage_tests::environment;

/// The lines of the first ```sh block after `heading` in the file `path` (of the
/// workspace) that start with `meterage`.
fn lines(path: &str, heading: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path))
        .expect("the file");
    let (_, after) = text
        .split_once(heading)
        .unwrap_or_else(|| panic!("{heading} in {path}"));
    let (_, block) = after.split_once("```sh\n").expect("a sh block");
    let (block, _) = block.split_once("```").expect("its end");
    let lines: Vec<String> = block
        .lines()
        .filter(|line| line.starts_with("meterage "))
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), 7, "one line per API in {path}: {lines:#?}");
    lines
}

/// `line` split as a POSIX shell splits it (single and double quotes, `$NAME` expanded
/// from `vars`).
fn words(line: &str, vars: &[(&str, String)]) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, ' ') => words.extend(word.take()),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '$') => {
                let mut name = String::new();
                while let Some(&next) = chars.peek() {
                    if !(next.is_ascii_alphanumeric() || next == '_') {
                        break;
                    }
                    name.push(next);
                    chars.next();
                }
                let value = vars
                    .iter()
                    .find(|(var, _)| *var == name)
                    .map(|(_, v)| v.clone());
                word.get_or_insert_with(String::new)
                    .push_str(&value.unwrap_or_else(|| panic!("${name} is not set")));
            }
            (_, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// Runs `line` in the folder `dir` with exactly the environment `env`: it must succeed
/// and write records (to standard output, or to the file it names).
async fn runs(line: &str, env: Vec<(&'static str, String)>, dir: &Path) {
    let words = words(line, &env);
    assert_eq!(words[0], "meterage");
    let dir = dir.to_owned();
    let env_for_run = env.clone();
    let args = words[1..].to_vec();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_meterage"))
            .args(args)
            .current_dir(dir)
            .env_clear()
            .envs(env_for_run)
            .output()
            .expect("meterage runs")
    })
    .await
    .expect("joined");
    assert!(
        output.status.success(),
        "{line}: exit {:?}: {}",
        output.status,
        support::stderr(&output)
    );
    let written = match words.iter().position(|word| word == "-o") {
        Some(at) => std::fs::metadata(work_dir().join(&words[at + 1])).map_or(0, |m| m.len()),
        None => output.stdout.len() as u64,
    };
    assert!(written > 100, "{line}: wrote {written} bytes");
}

/// The folder the lines run in (their `-o` files land there).
fn work_dir() -> PathBuf {
    std::env::temp_dir().join(format!("meterage-cli-docs-{}", std::process::id()))
}

/// Runs `line` against a fresh fake of its API (the line's second word), 30 records.
async fn against_its_fake(line: &str) {
    let dir = work_dir();
    let api = line.split_whitespace().nth(1).expect("an API");
    let running = environment::start(api, 30, &dir)
        .await
        .unwrap_or_else(|| panic!("no fake for API `{api}` of line {line}"));
    runs(line, running.env.clone(), &dir).await;
}

#[tokio::test]
async fn every_documented_command_line_runs() {
    let dir = work_dir();
    std::fs::create_dir_all(&dir).expect("folder");
    let mut all = lines("README.md", "## Command line");
    all.extend(lines("docs/cli.md", "## Examples"));
    for line in &all {
        against_its_fake(line).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn words_split_as_a_shell_does() {
    let vars = [("ID", "a b".to_owned())];
    assert_eq!(
        words(r#"meterage x --j '{"A":"b c"}' --s "/s/$ID" -o f"#, &vars),
        [
            "meterage",
            "x",
            "--j",
            r#"{"A":"b c"}"#,
            "--s",
            "/s/a b",
            "-o",
            "f"
        ]
    );
}

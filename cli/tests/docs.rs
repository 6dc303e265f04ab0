//! The command lines of the README's "Command line" section and of docs/cli.md's
//! "Examples", run as written against the vendor fakes (the API's variables pointing at
//! the fake): each succeeds and writes records.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use meterage_tests::{aliyun, aws, azure, gsl, kaopuyun, nce, plcloud, Options};

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

/// Runs `line` against a fresh fake of its API (the line's second word).
async fn against_its_fake(line: &str) {
    let dir = work_dir();
    let api = line.split_whitespace().nth(1).expect("an API");
    let pair = |url: &'static str,
                base: String,
                user: (&'static str, &str),
                secret: (&'static str, &str)| {
        vec![
            (url, base),
            (user.0, user.1.to_owned()),
            (secret.0, secret.1.to_owned()),
        ]
    };
    match api {
        "nce-campus" => {
            let server = nce::start().await;
            server.dataset.set_len(30);
            let (user, password) = nce::USER;
            let env = pair(
                "NCE_CAMPUS_URL",
                server.base_url(),
                ("NCE_CAMPUS_USERNAME", user),
                ("NCE_CAMPUS_PASSWORD", password),
            );
            runs(line, env, &dir).await;
        }
        "huawei-gsl" => {
            let server = gsl::start().await;
            server.dataset.set_len(30);
            let (ak, sk) = gsl::AKSK;
            let env = pair(
                "HUAWEI_GSL_URL",
                server.base_url(),
                ("HUAWEICLOUD_SDK_AK", ak),
                ("HUAWEICLOUD_SDK_SK", sk),
            );
            runs(line, env, &dir).await;
        }
        "kaopuyun" => {
            let server = kaopuyun::start().await;
            server.dataset.set_len(30);
            let (id, secret) = kaopuyun::KEY;
            let env = pair(
                "KAOPUYUN_URL",
                server.base_url(),
                ("KAOPUYUN_ACCESS_KEY_ID", id),
                ("KAOPUYUN_ACCESS_KEY_SECRET", secret),
            );
            runs(line, env, &dir).await;
        }
        "plcloud" => {
            let server = plcloud::start().await;
            server.dataset.set_len(30);
            let (user, password) = plcloud::USER;
            let env = pair(
                "PLCLOUD_URL",
                server.base_url(),
                ("PLCLOUD_USERNAME", user),
                ("PLCLOUD_PASSWORD", password),
            );
            runs(line, env, &dir).await;
        }
        "aliyun-bss" => {
            let server = aliyun::start().await;
            server.dataset.set_len(30);
            let (id, secret) = aliyun::KEYS.key;
            let env = pair(
                "ALIBABA_CLOUD_BSS_URL",
                server.base_url(),
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", id),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret),
            );
            runs(line, env, &dir).await;
        }
        "aws-cost-explorer" => {
            let server = aws::start().await;
            server.dataset.set_len(30);
            let (id, secret) = aws::KEY;
            let env = pair(
                "AWS_ENDPOINT_URL_COST_EXPLORER",
                server.base_url(),
                ("AWS_ACCESS_KEY_ID", id),
                ("AWS_SECRET_ACCESS_KEY", secret),
            );
            runs(line, env, &dir).await;
        }
        "azure-consumption" => {
            let arm = azure::start_with(Options::https()).await;
            let entra = azure::start_entra(&arm).await;
            arm.dataset.set_len(30);
            let ca = dir.join("azure-ca.pem");
            let both = [arm.ca_pem(), entra.ca_pem()]
                .map(|pem| pem.expect("a CA"))
                .concat();
            std::fs::write(&ca, both).expect("CA file");
            let env = vec![
                ("AZURE_MANAGEMENT_URL", arm.base_url()),
                ("AZURE_AUTHORITY_HOST", entra.base_url()),
                ("AZURE_TENANT_ID", azure::TENANT_ID.to_owned()),
                ("AZURE_CLIENT_ID", azure::CLIENT.0.to_owned()),
                ("AZURE_CLIENT_SECRET", azure::CLIENT.1.to_owned()),
                ("AZURE_SUBSCRIPTION_ID", azure::SUBSCRIPTION_ID.to_owned()),
                ("METERAGE_CA_FILE", ca.display().to_string()),
            ];
            runs(line, env, &dir).await;
        }
        other => panic!("no fake for API `{other}` of line {line}"),
    }
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

//! Running the `meterage` binary as its users do: arguments and exactly the environment
//! given (nothing inherited), its exit code, standard output and standard error.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use meterage_tests::records::numbers_as_floats;
use serde_json::Value;

/// Runs `meterage args...` with exactly the environment `env`.
pub async fn meterage(args: &[&str], env: Vec<(&'static str, String)>) -> Output {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_meterage"))
            .args(args)
            .env_clear()
            .envs(env)
            .output()
            .expect("meterage runs")
    })
    .await
    .expect("joined")
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The lines of standard output as JSON values (numbers as `f64`, as the fakes'
/// records compare), after checking the run succeeded with nothing on standard error.
pub fn records(output: &Output) -> Vec<Value> {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        stderr(output)
    );
    assert_eq!(
        stderr(output),
        "",
        "standard error is not a terminal: no progress"
    );
    String::from_utf8(output.stdout.clone())
        .expect("UTF-8")
        .lines()
        .map(|line| numbers_as_floats(serde_json::from_str(line).expect("one JSON value per line")))
        .collect()
}

/// Checks that `output` exited with `code`, printed nothing on standard output and one
/// line on standard error containing each of `says`; that line.
pub fn fails(output: &Output, code: i32, says: &[&str]) -> String {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {text}");
    assert!(
        output.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    for what in says {
        assert!(text.contains(what), "{what:?} not in: {text}");
    }
    text
}

/// A fresh empty folder for test `name`.
pub fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meterage-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `text` to `path` with permissions `mode` (unix).
pub fn write_with_mode(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).expect("written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    let _ = mode;
}

//! Profiles: named sets of environment variables in `profiles.toml`, so credentials
//! need not sit in the shell's environment.
//!
//! ```toml
//! # ~/.config/meterage/profiles.toml (chmod 600)
//! [profiles.acme-kaopuyun]
//! KAOPUYUN_ACCESS_KEY_ID = "AKID..."
//! KAOPUYUN_ACCESS_KEY_SECRET = "..."
//!
//! [profiles.campus]
//! NCE_CAMPUS_URL = "https://nce.example.com:18002"
//! NCE_CAMPUS_USERNAME = "api-user"
//! NCE_CAMPUS_PASSWORD = "..."
//! METERAGE_CA_FILE = "/etc/ssl/campus-ca.pem"
//! ```
//!
//! The file is looked for in `$METERAGE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/meterage`,
//! else `~/.config/meterage`. It is refused when its permissions let group or others read
//! or write it. A profile's variables replace the environment's of the same name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file's name in the configuration folder.
pub const FILE_NAME: &str = "profiles.toml";

/// A profile that could not be had. Never shows a value of the file.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// No configuration folder can be found (no `HOME` either).
    #[error("no folder for {FILE_NAME}: set METERAGE_CONFIG_DIR or HOME")]
    NoFolder,
    /// The file cannot be read.
    #[error("cannot read {path}: {problem}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        problem: String,
    },
    /// The file may be read by others.
    #[error(
        "{path} may be read by group or others (mode {mode:03o}): it holds credentials; \
         run `chmod 600 {path}`"
    )]
    Exposed {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file is not the TOML expected.
    #[error("{path}:{line}: {problem} (expected [profiles.NAME] tables of VARIABLE = \"value\")")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong (without the file's text).
        problem: String,
    },
    /// No profile of that name.
    #[error("{path} has no profile `{name}` (it has: {known})")]
    Unknown {
        /// The file.
        path: PathBuf,
        /// The profile asked for.
        name: String,
        /// The profiles it has.
        known: String,
    },
    /// A key that cannot be an environment variable's name.
    #[error(
        "{path}: profile `{profile}`: `{key}` is not an environment variable name (A-Z, 0-9, _)"
    )]
    BadName {
        /// The file.
        path: PathBuf,
        /// The profile.
        profile: String,
        /// The key.
        key: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, BTreeMap<String, String>>,
}

/// The configuration folder: `$METERAGE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/meterage`,
/// else `$HOME/.config/meterage`; `env` reads a variable.
pub fn folder(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |name| env(name).filter(|value: &String| !value.is_empty());
    if let Some(dir) = set("METERAGE_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = set("XDG_CONFIG_HOME") {
        return Some(Path::new(&dir).join("meterage"));
    }
    set("HOME").map(|home| Path::new(&home).join(".config").join("meterage"))
}

/// The variables of profile `name` in the file `path`.
///
/// # Errors
///
/// A file that cannot be read, is readable by others, is not TOML of the expected
/// shape, or has no such profile.
pub fn load(path: &Path, name: &str) -> Result<BTreeMap<String, String>, ProfileError> {
    let read = |error: std::io::Error| ProfileError::Read {
        path: path.to_owned(),
        problem: error.to_string(),
    };
    check_mode(path)?;
    let text = std::fs::read_to_string(path).map_err(read)?;
    let file: File = toml::from_str(&text).map_err(|error| ProfileError::Syntax {
        path: path.to_owned(),
        line: error
            .span()
            .map_or(1, |span| text[..span.start].matches('\n').count() + 1),
        problem: error.message().to_owned(),
    })?;
    let known = file.profiles.keys().cloned().collect::<Vec<_>>().join(", ");
    let mut profiles = file.profiles;
    let vars = profiles.remove(name).ok_or_else(|| ProfileError::Unknown {
        path: path.to_owned(),
        name: name.to_owned(),
        known: if known.is_empty() {
            "none".to_owned()
        } else {
            known
        },
    })?;
    if let Some(key) = vars.keys().find(|key| !is_var_name(key)) {
        return Err(ProfileError::BadName {
            path: path.to_owned(),
            profile: name.to_owned(),
            key: key.clone(),
        });
    }
    Ok(vars)
}

fn is_var_name(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(unix)]
fn check_mode(path: &Path) -> Result<(), ProfileError> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(path).map_err(|error| ProfileError::Read {
        path: path.to_owned(),
        problem: error.to_string(),
    })?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(ProfileError::Exposed {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_: &Path) -> Result<(), ProfileError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn the_folder_follows_the_variables_in_order() {
        let all = [
            ("METERAGE_CONFIG_DIR", "/m"),
            ("XDG_CONFIG_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(folder(env(&all)), Some(PathBuf::from("/m")));
        assert_eq!(folder(env(&all[1..])), Some(PathBuf::from("/x/meterage")));
        assert_eq!(
            folder(env(&all[2..])),
            Some(PathBuf::from("/h/.config/meterage"))
        );
        assert_eq!(folder(env(&[("METERAGE_CONFIG_DIR", "")])), None);
    }

    fn file(name: &str, text: &str, mode: u32) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("meterage-profile-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(FILE_NAME);
        std::fs::write(&path, text).expect("written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        let _ = mode;
        path
    }

    const TEXT: &str = "[profiles.a]\nX_ID = \"id\"\nX_SECRET = \"s3cret\"\n\n[profiles.b]\n";

    #[test]
    fn a_profile_gives_its_variables() {
        let path = file("good", TEXT, 0o600);
        let vars = load(&path, "a").expect("profile a");
        assert_eq!(vars.get("X_SECRET").map(String::as_str), Some("s3cret"));
        assert!(load(&path, "b").expect("profile b").is_empty());
        let error = load(&path, "c").expect_err("no profile c").to_string();
        assert!(error.contains("no profile `c` (it has: a, b)"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_may_read_is_refused() {
        let path = file("open", TEXT, 0o644);
        let error = load(&path, "a").expect_err("refused").to_string();
        assert!(error.contains("chmod 600"), "{error}");
        assert!(error.contains("mode 644"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
    }

    #[test]
    fn a_bad_file_names_its_line_without_its_values() {
        let path = file("bad", "[profiles.a]\nX = \"s3cret\"\nY = s3cret\n", 0o600);
        let error = load(&path, "a").expect_err("bad TOML").to_string();
        assert!(error.contains("profiles.toml:3:"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");

        let path = file("key", "[profiles.a]\nlower = \"v\"\n", 0o600);
        let error = load(&path, "a").expect_err("bad key").to_string();
        assert!(
            error.contains("`lower` is not an environment variable name"),
            "{error}"
        );
    }
}

//! The settings of a `login-token` scheme: its constant fields, its parameters, its
//! token prefix and lifetime, and the rule that every value the login call needs is
//! given by one of them (or the credentials).

use super::Lowerer;
use crate::diagnostics::escape_token;
use crate::ir::{Location, LoginToken, LoginValue, Operation};

impl Lowerer<'_, '_> {
    /// Checks the settings of `login` that need no operation (at `at`, the
    /// `x-auth-scheme` pointer): the pointers, the lifetime, the logout field.
    pub(super) fn login_token_settings(&mut self, login: &mut LoginToken, at: &str) {
        for (key, pointer) in [
            ("token", Some(&login.token)),
            ("expires-in", login.expires_in.as_ref()),
        ] {
            if let Some(pointer) = pointer.filter(|p| !p.starts_with('/')) {
                self.error(
                    &format!("{at}/{key}"),
                    format!("`{key}: {pointer}` must be a JSON pointer such as `/data/token_id`"),
                );
            }
        }
        if login.logout_token_field.is_some() && login.logout.is_none() {
            self.error(
                &format!("{at}/logout-token-field"),
                "`logout-token-field` needs `logout`",
            );
        }
        if let Some(text) = &login.lifetime {
            match lifetime_seconds(text) {
                Ok(seconds) => login.lifetime_seconds = Some(seconds),
                Err(message) => self.error(&format!("{at}/lifetime"), message),
            }
        }
        if let Some(env) = &login.env {
            for name in env.parameters.keys() {
                if !login.parameters.contains(name) {
                    self.error(
                        &format!("{at}/env/parameters/{}", escape_token(name)),
                        format!("`{name}` is not one of the scheme's `parameters`"),
                    );
                }
            }
        }
    }

    /// The values of the login call `op` besides the credentials (the operation's
    /// constants, `fields`, `parameters`), checked: each names a parameter or body field
    /// of `op`, once, and every required one is given.
    pub(super) fn login_values(&mut self, login: &mut LoginToken, op: &Operation, at: &str) {
        let credentials = [&login.credentials.username, &login.credentials.password];
        let mut values: Vec<LoginValue> = Vec::new();
        let mut given: Vec<&str> = credentials.iter().map(|c| c.as_str()).collect();
        for p in &op.params {
            if let Some(constant) = &p.constant {
                values.push(LoginValue {
                    location: p.location,
                    name: p.wire_name.clone(),
                    constant: Some(constant.clone()),
                });
                given.push(&p.wire_name);
            }
        }
        let declared = login
            .fields
            .iter()
            .map(|(name, value)| ("fields", name, Some(value)))
            .chain(
                login
                    .parameters
                    .iter()
                    .map(|name| ("parameters", name, None)),
            );
        for (setting, name, constant) in declared {
            let here = match constant {
                Some(_) => format!("{at}/{setting}/{}", escape_token(name)),
                None => format!("{at}/{setting}"),
            };
            if given.contains(&name.as_str()) {
                self.error(
                    &here,
                    format!("`{name}` is given twice (by the credentials, the operation's constant, `fields` or `parameters`)"),
                );
                continue;
            }
            let Some(p) = op.params.iter().find(|p| &p.wire_name == name) else {
                self.error(
                    &here,
                    format!(
                        "`{name}` is not a parameter or body property of `{}`",
                        op.id
                    ),
                );
                continue;
            };
            if !matches!(
                p.location,
                Location::Path
                    | Location::Query
                    | Location::Header
                    | Location::Json
                    | Location::Form
            ) {
                self.error(
                    &here,
                    format!(
                        "`{name}` is a {} value of `{}`: a login sends path, query and header parameters and JSON or form body fields",
                        p.location.describe(),
                        op.id
                    ),
                );
                continue;
            }
            given.push(name);
            values.push(LoginValue {
                location: p.location,
                name: name.clone(),
                constant: constant.cloned(),
            });
        }
        let missing: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.required && !given.contains(&p.wire_name.as_str()))
            .map(|p| format!("`{}` ({})", p.wire_name, p.location.describe()))
            .collect();
        if !missing.is_empty() {
            self.error(
                at,
                format!(
                    "the login call `{}` needs {}, which neither `credentials`, `fields` (constants) nor `parameters` (set by the caller) gives: a login would send without it",
                    op.id,
                    missing.join(", ")
                ),
            );
        }
        login.values = values;
    }

    /// Checks that `logout-token-field` names a JSON body property of the logout call
    /// `op`, where the token is sent.
    pub(super) fn logout_token_field(&mut self, login: &LoginToken, op: &Operation, at: &str) {
        let Some(field) = &login.logout_token_field else {
            return;
        };
        let in_body = op
            .params
            .iter()
            .any(|p| &p.wire_name == field && p.location == Location::Json);
        if !in_body {
            self.error(
                &format!("{at}/logout-token-field"),
                format!("`{field}` is not a JSON body property of `{}`: the token would go where the spec does not say", op.id),
            );
        }
    }
}

/// The seconds of a `lifetime` (`30m`, `1h30m`, `3600s`, `3600`, `1d`): a number of
/// seconds, or numbers each followed by `d`, `h`, `m` or `s`; more than zero.
fn lifetime_seconds(text: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "`lifetime: {text}` is not a duration: write seconds (`3600`) or numbers with `d`, `h`, `m`, `s` (`30m`, `1h30m`)"
        )
    };
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return (seconds > 0).then_some(seconds).ok_or_else(bad);
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
        digits.clear();
    }
    if !digits.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::lifetime_seconds;

    #[test]
    fn lifetimes_read_as_seconds() {
        assert_eq!(lifetime_seconds("30m"), Ok(1800));
        assert_eq!(lifetime_seconds("1h30m"), Ok(5400));
        assert_eq!(lifetime_seconds("3600"), Ok(3600));
        assert_eq!(lifetime_seconds("90s"), Ok(90));
        assert_eq!(lifetime_seconds("1d"), Ok(86_400));
        for bad in ["", "0", "0m", "m", "30x", "1h30", "-5m"] {
            assert!(lifetime_seconds(bad).is_err(), "{bad}");
        }
    }
}

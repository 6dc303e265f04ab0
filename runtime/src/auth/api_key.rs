//! An API key in the query string or a cookie (OpenAPI `apiKey` with `in: query` or
//! `in: cookie`); a key in a header is a [`HeaderToken`](crate::HeaderToken).

use reqwest::header::{HeaderValue, COOKIE};

use crate::auth::{Scheme, Sign};
use crate::types::Secret;

/// Where an [`ApiKey`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// Puts a key in a query parameter or a cookie. `Debug` shows the place and name only.
#[derive(Debug, Clone)]
pub struct KeySigner {
    place: KeyPlace,
    name: &'static str,
}

impl Sign for KeySigner {
    type Identity = Secret;

    fn sign(&self, key: &Secret, request: &mut reqwest::Request) -> Result<(), String> {
        match self.place {
            KeyPlace::Query => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(self.name, key.expose());
            }
            KeyPlace::Cookie => {
                let pair = format!("{}={}", self.name, key.expose());
                let joined = match request.headers().get(COOKIE).and_then(|v| v.to_str().ok()) {
                    Some(existing) => format!("{existing}; {pair}"),
                    None => pair,
                };
                let mut value = HeaderValue::from_str(&joined).map_err(|_| {
                    format!(
                        "the key for cookie `{}` is not a valid header value",
                        self.name
                    )
                })?;
                value.set_sensitive(true);
                request.headers_mut().insert(COOKIE, value);
            }
        }
        Ok(())
    }
}

/// A fixed API key sent as a query parameter or a cookie on every request.
///
/// `Debug` shows the parameter name, never the key.
///
/// ```
/// use meterage_runtime::auth::{ApiKey, KeyPlace};
///
/// let auth = ApiKey::new(KeyPlace::Query, "api_key", "k-s3cr3t");
/// assert!(!format!("{auth:?}").contains("s3cr3t"));
/// ```
pub type ApiKey = Scheme<Secret, KeySigner>;

impl ApiKey {
    /// Sends `key` as `name` in `place`.
    pub fn new(place: KeyPlace, name: &'static str, key: impl Into<Secret>) -> Self {
        Scheme::from_parts(key.into(), KeySigner { place, name })
    }
}

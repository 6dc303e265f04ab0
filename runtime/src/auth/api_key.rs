//! An API key in the query string or a cookie (OpenAPI `apiKey` with `in: query` or
//! `in: cookie`); a key in a header is a [`HeaderToken`](crate::HeaderToken).

use std::fmt;

use reqwest::header::{HeaderValue, COOKIE};

use crate::auth::{AuthContext, AuthFuture, Authorization, Authorize};
use crate::types::Secret;

/// Where an [`ApiKey`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
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
#[derive(Clone)]
pub struct ApiKey {
    place: KeyPlace,
    name: &'static str,
    key: Secret,
}

impl ApiKey {
    /// Sends `key` as `name` in `place`.
    pub fn new(place: KeyPlace, name: &'static str, key: impl Into<Secret>) -> Self {
        Self {
            place,
            name,
            key: key.into(),
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("place", &self.place)
            .field("name", &self.name)
            .field("key", &self.key)
            .finish()
    }
}

impl Authorize for ApiKey {
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        Box::pin(async move {
            match self.place {
                KeyPlace::Query => {
                    request
                        .url_mut()
                        .query_pairs_mut()
                        .append_pair(self.name, self.key.expose());
                }
                KeyPlace::Cookie => {
                    let pair = format!("{}={}", self.name, self.key.expose());
                    let joined = match request.headers().get(COOKIE).and_then(|v| v.to_str().ok()) {
                        Some(existing) => format!("{existing}; {pair}"),
                        None => pair,
                    };
                    let mut value = HeaderValue::from_str(&joined).map_err(|_| {
                        ctx.error(format!(
                            "the key for cookie `{}` is not a valid header value",
                            self.name
                        ))
                    })?;
                    value.set_sensitive(true);
                    request.headers_mut().insert(COOKIE, value);
                }
            }
            Ok(Authorization::NONE)
        })
    }
}

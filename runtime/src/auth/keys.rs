//! Credentials: what a caller holds before signing in (a key pair, a user name and
//! password).

use crate::auth::{env, AuthContext, Expiring, IdentityFuture, ResolveIdentity};
use crate::error::Error;
use crate::interceptor::AttemptOutcome;
use crate::types::Secret;

/// An access key pair (Huawei Cloud AK/SK, Kaopuyun `AccessKeyId`/secret), with an
/// optional security token for temporary keys. Build it with named fields, so the id
/// and the secret cannot be swapped, or from the environment.
///
/// A fixed key pair is its own [`ResolveIdentity`]; rotating keys come from a provider of
/// your own ([`from_fn`](crate::auth::from_fn)).
///
/// ```
/// use meterage_runtime::auth::AccessKey;
///
/// let key = AccessKey {
///     id: "AK-EXAMPLE".into(),
///     secret: "sk-s3cr3t".into(),
///     security_token: None,
/// };
/// let debug = format!("{key:?}");
/// assert!(debug.contains("AK-EXAMPLE") && !debug.contains("s3cr3t"));
/// ```
#[derive(Debug, Clone)]
pub struct AccessKey {
    /// The access key id (AK).
    pub id: String,
    /// The secret key (SK).
    pub secret: Secret,
    /// The security token of a temporary key pair.
    pub security_token: Option<Secret>,
}

impl AccessKey {
    /// A key pair from the environment variables `id_var` and `secret_var` (and
    /// `token_var` for a security token, if given and set).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming a variable that is missing, empty or not UTF-8.
    pub fn from_env(
        id_var: &str,
        secret_var: &str,
        token_var: Option<&str>,
    ) -> Result<Self, Error> {
        Ok(Self {
            id: env::var(id_var)?,
            secret: env::secret(secret_var)?,
            security_token: match token_var {
                Some(name) => env::var_opt(name)?.map(Secret::new),
                None => None,
            },
        })
    }
}

/// A fixed key pair: always the same, never stale.
impl ResolveIdentity<AccessKey> for AccessKey {
    fn resolve<'a>(&'a self, _ctx: AuthContext<'a>) -> IdentityFuture<'a, AccessKey> {
        Box::pin(std::future::ready(Ok(Expiring::forever(self.clone()))))
    }

    fn is_stale(&self, _outcome: &AttemptOutcome<'_>) -> bool {
        false
    }
}

/// A user name and password. Build it with named fields, so the two cannot be swapped:
///
/// ```
/// use meterage_runtime::auth::UsernamePassword;
///
/// let login = UsernamePassword {
///     username: "northbound@tenant".into(),
///     password: "p4ss".into(),
/// };
/// assert!(!format!("{login:?}").contains("p4ss"));
/// ```
#[derive(Debug, Clone)]
pub struct UsernamePassword {
    /// The user (account) name.
    pub username: String,
    /// The password.
    pub password: Secret,
}

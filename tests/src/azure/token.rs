//! The fake's access tokens: JWTs as the Microsoft identity platform issues them for
//! Azure Resource Manager (`header.payload.signature`, base64url without padding), here
//! signed with HMAC-SHA256 under a key only the fakes know. Resource Manager reads the
//! token itself, as the real one does: its signature, audience, tenant and expiry.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// The audience of a token for Resource Manager (the resource of the scope
/// `https://management.azure.com/.default`, with its trailing `/`).
pub const AUDIENCE: &str = "https://management.azure.com/";

/// The key the token endpoint signs with and Resource Manager verifies with.
const SIGNING_KEY: &[u8] = b"meterage-fake-entra-signing-key";

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `aud`: the resource the token is for.
    pub audience: String,
    /// `tid`: the tenant that issued it.
    pub tenant: String,
    /// `appid`: the application that asked for it.
    pub app: String,
    /// `iat`: when it was issued, in seconds since the epoch.
    pub issued: i64,
    /// `exp`: when it expires, in seconds since the epoch.
    pub expires: i64,
    /// `uti`: the token's own number, unique among those the fake issued.
    pub serial: u64,
}

fn mac(signed: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(SIGNING_KEY).expect("any key length");
    mac.update(signed.as_bytes());
    mac
}

/// The token carrying `claims`.
pub fn mint(claims: &Claims) -> String {
    let header = json!({"typ": "JWT", "alg": "HS256", "kid": "meterage-fake"});
    let payload = json!({
        "aud": claims.audience,
        "iss": format!("https://sts.windows.net/{}/", claims.tenant),
        "iat": claims.issued,
        "nbf": claims.issued,
        "exp": claims.expires,
        "appid": claims.app,
        "tid": claims.tenant,
        "uti": claims.serial.to_string(),
        "ver": "1.0",
    });
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature = URL_SAFE_NO_PAD.encode(mac(&signed).finalize().into_bytes());
    format!("{signed}.{signature}")
}

/// The claims of `token` if the fake signed it, `None` for anything else.
pub fn verify(token: &str) -> Option<Claims> {
    let (signed, signature) = token.rsplit_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    mac(signed).verify_slice(&signature).ok()?;
    let (_, payload) = signed.split_once('.')?;
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    Some(Claims {
        audience: payload["aud"].as_str()?.to_owned(),
        tenant: payload["tid"].as_str()?.to_owned(),
        app: payload["appid"].as_str()?.to_owned(),
        issued: payload["iat"].as_i64()?,
        expires: payload["exp"].as_i64()?,
        serial: payload["uti"].as_str()?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_their_claims_and_nothing_else_verifies() {
        let claims = Claims {
            audience: AUDIENCE.into(),
            tenant: "t".into(),
            app: "a".into(),
            issued: 1_700_000_000,
            expires: 1_700_003_599,
            serial: 7,
        };
        let token = mint(&claims);
        assert_eq!(token.split('.').count(), 3);
        assert_eq!(verify(&token), Some(claims));
        // One character changed anywhere, or no signature: refused.
        let mut forged = token.clone().into_bytes();
        let at = forged.len() / 2;
        forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
        assert_eq!(verify(&String::from_utf8(forged).expect("ASCII")), None);
        assert_eq!(verify(token.rsplit_once('.').expect("three parts").0), None);
        assert_eq!(verify("not a token"), None);
    }
}

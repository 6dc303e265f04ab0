//! A Django console session: cookies, CSRF token and trusted origin (PLCloud).

use std::fmt;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::Url;

use crate::auth::{
    AuthContext, Expiring, IdentityFuture, ResolveIdentity, Scheme, Sign, UsernamePassword,
};
use crate::error::Error;
use crate::interceptor::AttemptOutcome;
use crate::request::{Operation, Request};
use crate::types::Secret;

/// How a spec's console login works, emitted as a `const` by generated code from
/// `x-auth-scheme: {kind: django-session, ...}`.
#[derive(Debug)]
pub struct DjangoSessionSpec {
    /// The call that opens the console and sets the CSRF cookie (`GET /api/`).
    pub open: &'static Operation,
    /// The login form (`POST /auth/login/`), whose success is a redirect.
    pub login: &'static Operation,
    /// The CSRF cookie (`csrftoken`).
    pub csrf_cookie: &'static str,
    /// The session cookie (`sessionid`).
    pub session_cookie: &'static str,
    /// The header carrying the CSRF token on every call (`X-CSRFToken`).
    pub csrf_header: &'static str,
    /// The login form field carrying the CSRF token (`csrfmiddlewaretoken`).
    pub csrf_field: &'static str,
    /// The login form field carrying the user name (`username`).
    pub username_field: &'static str,
    /// The login form field carrying the password (`password`).
    pub password_field: &'static str,
}

/// A signed-in console session: its cookie jar and the console's origin. Opaque; it
/// lives in the scheme's cache.
pub struct ConsoleSession {
    jar: Jar,
    /// The console's URL, for the cookie jar.
    url: Url,
    origin: HeaderValue,
    referer: HeaderValue,
}

impl fmt::Debug for ConsoleSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleSession")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl ConsoleSession {
    fn cookie(&self, name: &str) -> Option<String> {
        let header = self.jar.cookies(&self.url)?;
        let text = header.to_str().ok()?;
        text.split(';').find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    fn absorb(&self, headers: &HeaderMap) {
        let mut cookies = headers.get_all(SET_COOKIE).iter();
        self.jar.set_cookies(&mut cookies, &self.url);
    }
}

/// A Django console session, as PLCloud's console uses it instead of API keys:
///
/// 1. `GET` the console page ([`DjangoSessionSpec::open`]): it sets the CSRF cookie;
/// 2. `POST` the login form with the CSRF token, user name and password, the cookies,
///    the CSRF header, `Origin` and `Referer`; success is a redirect that rotates both the
///    CSRF and the session cookie, and the new CSRF token is read back;
/// 3. every call then sends the cookies, the CSRF header, `Origin` (the console's
///    origin) and `Referer` (the console's root page); cookies a response rotates are kept.
///
/// A rejected password (Django shows the login form again, HTTP 200, and starts no
/// session) is an [`Error::Auth`] that says so. A call answered with an HTML 403 (a CSRF
/// failure), a 401, or a redirect to the login page means the session ended: the scheme
/// logs in again, once, and the call is replayed.
///
/// Redirects must not be followed for this to work; the client built by
/// [`ClientBuilder`](crate::ClientBuilder) never follows them, and reports a client
/// given to it that does.
pub type DjangoSession = Scheme<DjangoLogin, SessionSigner>;

impl DjangoSession {
    /// Logs in with `credentials` as `spec` says.
    pub fn new(spec: &'static DjangoSessionSpec, credentials: UsernamePassword) -> Self {
        Scheme::from_parts(
            DjangoLogin {
                spec,
                credentials,
                fields: Vec::new(),
            },
            SessionSigner { spec },
        )
    }

    /// Sends another field with the login form (PLCloud: `region`).
    pub fn login_field(self, name: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        self.map_provider(|mut login| {
            login.fields.push((name, value));
            login
        })
    }
}

/// The console login flow of a [`DjangoSession`]: open the console for the CSRF cookie,
/// post the login form, check that a session started.
pub struct DjangoLogin {
    spec: &'static DjangoSessionSpec,
    credentials: UsernamePassword,
    fields: Vec<(&'static str, String)>,
}

impl DjangoLogin {
    async fn login(&self, ctx: AuthContext<'_>) -> Result<ConsoleSession, Error> {
        let spec = self.spec;
        let login = spec.login.id;
        let base = ctx.client.server_for(spec.open, None);
        let url = Url::parse(&format!("{base}/"))
            .map_err(|error| ctx.error(format!("the console URL is invalid: {error}")))?;
        let origin = url.origin().ascii_serialization();
        let header = |text: &str| {
            HeaderValue::from_str(text)
                .map_err(|_| ctx.error("the console URL is not a valid header value"))
        };
        let session = ConsoleSession {
            jar: Jar::default(),
            origin: header(&origin)?,
            referer: header(&format!("{origin}/"))?,
            url,
        };

        let open = Request::sign_in(spec.open);
        let opened = ctx.sign_in(open, "opening the console").await?;
        session.absorb(opened.headers());
        let csrf = session.cookie(spec.csrf_cookie).ok_or_else(|| {
            ctx.error(format!(
                "{} set no `{}` cookie",
                spec.open.id, spec.csrf_cookie
            ))
        })?;
        let session_before = session.cookie(spec.session_cookie);

        let mut request = Request::sign_in(spec.login);
        if let Some(cookies) = session.jar.cookies(&session.url) {
            let cookies = cookies.to_str().unwrap_or_default();
            request.header("Cookie", &Secret::new(cookies));
        }
        request.header(spec.csrf_header, &Secret::new(csrf.clone()));
        request.header("Origin", &origin);
        request.header("Referer", &format!("{origin}/"));
        request.form(spec.csrf_field, &Secret::new(csrf));
        for (name, value) in &self.fields {
            request.form(name, value);
        }
        request.form(spec.username_field, &self.credentials.username);
        request.form(spec.password_field, &self.credentials.password);
        let response = ctx.sign_in(request, "signing in").await?;
        let rotated = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|cookie| {
                cookie
                    .trim_start()
                    .starts_with(&format!("{}=", spec.session_cookie))
            });
        session.absorb(response.headers());
        let session_after = session.cookie(spec.session_cookie);
        if response.status() != spec.login.success || !rotated || session_after == session_before {
            return Err(ctx.error(format!(
                "{login}: the console refused the user name or password: it answered HTTP {} \
                 with the login form and started no session",
                response.status()
            )));
        }
        if session.cookie(spec.csrf_cookie).is_none() {
            return Err(ctx.error(format!(
                "{login}: the console set no `{}` cookie after the login",
                spec.csrf_cookie
            )));
        }
        Ok(session)
    }
}

impl fmt::Debug for DjangoLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DjangoLogin")
            .field("login", &self.spec.login.id)
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl ResolveIdentity<ConsoleSession> for DjangoLogin {
    fn resolve<'a>(&'a self, ctx: AuthContext<'a>) -> IdentityFuture<'a, ConsoleSession> {
        Box::pin(async move { self.login(ctx).await.map(Expiring::forever) })
    }

    /// A 401, an HTML 403 (a CSRF failure) or a redirect to the login page.
    fn is_stale(&self, outcome: &AttemptOutcome<'_>) -> bool {
        let header = |name| {
            outcome
                .headers
                .and_then(|headers| headers.get(name))
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
        };
        match outcome.status {
            Some(401) => true,
            Some(403) => header(CONTENT_TYPE).to_ascii_lowercase().contains("html"),
            Some(status) if (300..400).contains(&status) => {
                header(LOCATION).contains(self.spec.login.path)
            }
            _ => false,
        }
    }
}

/// Sends a [`ConsoleSession`] the way a browser does: the cookies, the CSRF header,
/// `Origin` and `Referer`; keeps the cookies a response rotates.
#[derive(Debug)]
pub struct SessionSigner {
    spec: &'static DjangoSessionSpec,
}

impl Sign for SessionSigner {
    type Identity = ConsoleSession;

    fn sign(&self, session: &ConsoleSession, request: &mut reqwest::Request) -> Result<(), String> {
        let headers = request.headers_mut();
        if let Some(mut cookies) = session.jar.cookies(&session.url) {
            cookies.set_sensitive(true);
            headers.insert(COOKIE, cookies);
        }
        let csrf = session
            .cookie(self.spec.csrf_cookie)
            .ok_or_else(|| format!("the session has no `{}` cookie", self.spec.csrf_cookie))?;
        let (name, value) =
            crate::auth::token::header_entry(self.spec.csrf_header, &Secret::new(csrf))?;
        headers.insert(name, value);
        headers.insert(reqwest::header::ORIGIN, session.origin.clone());
        headers.insert(reqwest::header::REFERER, session.referer.clone());
        Ok(())
    }

    fn observe_response(&self, session: &ConsoleSession, headers: &HeaderMap) {
        if headers.contains_key(SET_COOKIE) {
            session.absorb(headers);
        }
    }
}

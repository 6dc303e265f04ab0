//! A Django console session: cookies, CSRF token and trusted origin (PLCloud).

use std::fmt;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::Url;

use crate::auth::cache::IdentityCache;
use crate::auth::token::UsernamePassword;
use crate::auth::{AuthContext, AuthFuture, Authorization, Authorize, DoneFuture, Expiring};
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

/// A signed-in console session.
struct Session {
    jar: Jar,
    /// The console's URL, for the cookie jar.
    url: Url,
    origin: HeaderValue,
    referer: HeaderValue,
}

impl Session {
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
pub struct DjangoSession {
    spec: &'static DjangoSessionSpec,
    credentials: UsernamePassword,
    fields: Vec<(&'static str, String)>,
    cache: IdentityCache<Session>,
}

impl DjangoSession {
    /// Logs in with `credentials` as `spec` says.
    pub fn new(spec: &'static DjangoSessionSpec, credentials: UsernamePassword) -> Self {
        Self {
            spec,
            credentials,
            fields: Vec::new(),
            cache: IdentityCache::default(),
        }
    }

    /// Sends another field with the login form (PLCloud: `region`).
    pub fn login_field(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((name, value.into()));
        self
    }

    async fn login(&self, ctx: AuthContext<'_>) -> Result<Session, Error> {
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
        let session = Session {
            jar: Jar::default(),
            origin: header(&origin)?,
            referer: header(&format!("{origin}/"))?,
            url,
        };

        let mut open = Request::new(spec.open);
        open.without_auth();
        let opened = ctx.client.send_raw(open).await.map_err(|error| {
            ctx.error_caused_by(
                format!("opening the console with {} failed", spec.open.id),
                error,
            )
        })?;
        session.absorb(opened.headers());
        let csrf = session.cookie(spec.csrf_cookie).ok_or_else(|| {
            ctx.error(format!(
                "{} set no `{}` cookie",
                spec.open.id, spec.csrf_cookie
            ))
        })?;
        let session_before = session.cookie(spec.session_cookie);

        let mut request = Request::new(spec.login);
        request.without_auth();
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
        let response = ctx.client.send_raw(request).await.map_err(|error| {
            ctx.error_caused_by(format!("signing in with {login} failed"), error)
        })?;
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

    fn sign(&self, session: &Session, request: &mut reqwest::Request) -> Result<(), String> {
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
}

impl fmt::Debug for DjangoSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DjangoSession")
            .field("login", &self.spec.login.id)
            .field("credentials", &self.credentials)
            .field("cache", &self.cache)
            .finish()
    }
}

impl Authorize for DjangoSession {
    fn authorize<'a>(
        &'a self,
        ctx: AuthContext<'a>,
        request: &'a mut reqwest::Request,
    ) -> AuthFuture<'a> {
        Box::pin(async move {
            let (session, used) = self
                .cache
                .get_with(ctx, || async {
                    self.login(ctx).await.map(Expiring::forever)
                })
                .await?;
            self.sign(&session, request)
                .map_err(|message| ctx.error(message))?;
            Ok(used)
        })
    }

    fn rejected(&self, outcome: &AttemptOutcome<'_>, used: Authorization) -> bool {
        let header = |name| {
            outcome
                .headers
                .and_then(|headers| headers.get(name))
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
        };
        let stale = match outcome.status {
            Some(401) => true,
            Some(403) => header(CONTENT_TYPE).to_ascii_lowercase().contains("html"),
            Some(status) if (300..400).contains(&status) => {
                header(LOCATION).contains(self.spec.login.path)
            }
            _ => false,
        };
        stale && self.cache.invalidate(used)
    }

    fn observe_response(&self, headers: &HeaderMap) {
        if headers.contains_key(SET_COOKIE) {
            self.cache.with_current(|session| session.absorb(headers));
        }
    }

    fn logout<'a>(&'a self, _ctx: AuthContext<'a>) -> DoneFuture<'a> {
        let _ = self.cache.take();
        Box::pin(std::future::ready(Ok(())))
    }
}

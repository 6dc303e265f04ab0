//! The cursor style (`x-pagination: {style: cursor}`): each page asked for with the
//! token the page before gave (sent as a query parameter, a header or a field of the
//! JSON body), read from the body or a response header; the last page is the one
//! without a next token (absent or empty).

use std::collections::HashSet;
use std::fmt;

use crate::pagination::walk::{Arrived, Step, Walk};
use crate::pagination::{PageIndex, Paginate, Style};

/// Cursor (token) pagination, emitted as a `const` by generated code from
/// `x-pagination`.
///
/// The token of the next page comes with the page before, so pages are fetched one at
/// a time: `prefetch(n)` is accepted and fetches nothing ahead. A page whose next token
/// is the token it was asked with is fetched again once (a stale answer); if it still
/// is, the stream ends with [`crate::Error::Pagination`], as it does when a token comes
/// back that an earlier page was asked with (a loop).
///
/// The generated `page_request` sets the token where `token_in` says (the builder's
/// own parameter or body field), everything else as the caller set it.
///
/// ```
/// use meterage_runtime::pagination::{CursorToken, TokenIn};
///
/// // The token goes out as `?NextToken=...`; the next one is in the body (the
/// // generated `Page::next_token` reads it).
/// const IN_QUERY: CursorToken = CursorToken {
///     token_param: "NextToken",
///     token_in: TokenIn::Query,
///     next_header: None,
/// };
/// // The token goes out as the JSON body's `NextPageToken` field (AWS JSON APIs).
/// const IN_BODY: CursorToken = CursorToken {
///     token_param: "NextPageToken",
///     token_in: TokenIn::Body,
///     next_header: None,
/// };
/// // The token goes out in a header; the next one comes in a response header.
/// const IN_HEADERS: CursorToken = CursorToken {
///     token_param: "X-Cursor",
///     token_in: TokenIn::Header,
///     next_header: Some("X-Next-Cursor"),
/// };
/// assert_ne!(IN_QUERY, IN_BODY);
/// assert_eq!(IN_HEADERS.to_string(), "the header `X-Cursor`");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CursorToken {
    /// Wire name of the parameter (or JSON body field) that carries the token.
    pub token_param: &'static str,
    /// Where the token goes (`token-in`).
    pub token_in: TokenIn,
    /// The response header carrying the next token; `None`: the body does, as the
    /// page's [`Page::next_token`](crate::pagination::Page::next_token) reads it.
    pub next_header: Option<&'static str>,
}

/// Where the cursor style sends the token (`token-in` of `x-pagination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenIn {
    /// A query parameter (the default).
    Query,
    /// A request header.
    Header,
    /// A top-level field of the JSON request body.
    Body,
}

impl fmt::Display for CursorToken {
    /// Where the token goes, as messages name it: ``the query parameter `NextToken` ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match self.token_in {
            TokenIn::Query => "query parameter",
            TokenIn::Header => "header",
            TokenIn::Body => "body field",
        };
        write!(f, "the {place} `{}`", self.token_param)
    }
}

/// Where a page of the cursor style is: the token it was asked with, `None` for a first
/// page asked without one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageToken(pub Option<String>);

impl PageToken {
    /// The token, if the page was asked with one.
    pub fn token(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl fmt::Display for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(token) => write!(f, "token {token:?}"),
            None => f.write_str("the first page"),
        }
    }
}

impl<N: PageIndex> Style<N> for CursorToken {
    type Cursor = PageToken;
    type Walk = CursorWalk;

    fn walk<P: Paginate<Index = N, Style = Self>>(self, request: &P) -> Self::Walk {
        let start = request.start_token().filter(|token| !token.is_empty());
        CursorWalk {
            style: self,
            sent: start.iter().cloned().collect(),
            next: Some(PageToken(start)),
            asked: 0,
        }
    }

    fn echo_of(_cursor: &PageToken) -> Option<N> {
        None
    }

    fn cursor_param(cursor: &PageToken) -> Option<String> {
        cursor.0.clone()
    }
}

/// One walk in the cursor style.
#[derive(Debug)]
pub struct CursorWalk {
    style: CursorToken,
    /// The token to ask with next, once known.
    next: Option<PageToken>,
    /// Every token asked with so far: one coming back is a loop.
    sent: HashSet<String>,
    /// Pages asked for so far.
    asked: usize,
}

impl CursorWalk {
    /// The next token a page carries, if any and not empty.
    fn next_token<'a>(&self, page: &Arrived<'a>) -> Option<&'a str> {
        let token = match self.style.next_header {
            Some(name) => page.headers.get(name).and_then(|value| value.to_str().ok()),
            None => page.token,
        };
        token.filter(|token| !token.is_empty())
    }
}

impl Walk<PageToken> for CursorWalk {
    fn next_cursor(&mut self) -> Option<PageToken> {
        let next = self.next.take()?;
        self.asked += 1;
        Some(next)
    }

    fn may_exist(&self, _cursor: &PageToken) -> bool {
        true
    }

    fn after(&mut self, _cursor: &PageToken, page: Arrived<'_>) -> Step {
        let Some(token) = self.next_token(&page) else {
            return Step::Last;
        };
        if !self.sent.insert(token.to_owned()) {
            return Step::Beyond(format!(
                "the server gave the next token {token:?}, which an earlier page was asked \
                 with (in {}): paging would loop",
                self.style
            ));
        }
        self.next = Some(PageToken(Some(token.to_owned())));
        Step::More
    }

    fn stalls(&self, cursor: &PageToken, page: Arrived<'_>) -> Option<String> {
        let sent = cursor.token()?;
        (self.next_token(&page) == Some(sent)).then(|| {
            format!(
                "the server answered token {sent:?} (sent in {}) twice with the same token \
                 as the next one: paging would loop",
                self.style
            )
        })
    }

    fn position(&self, _cursor: &PageToken) -> i64 {
        i64::try_from(self.asked).unwrap_or(i64::MAX)
    }
}

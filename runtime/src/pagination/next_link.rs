//! The next-link style (`x-pagination: {style: next-link}`): each page asked for at the
//! URL the page before gave, in the body or in an RFC 8288 `Link` header with
//! `rel="next"`; the last page is the one without a next link.

use std::collections::HashSet;
use std::fmt;

use reqwest::Url;

use crate::pagination::walk::{Arrived, Step, Walk};
use crate::pagination::{PageIndex, Paginate, Style};

/// Next-link pagination, emitted as a `const` by generated code from `x-pagination`.
///
/// A link is absolute or relative to the URL of the request that got it, and is
/// followed with the same auth, on the same server only (scheme, host and port): a link
/// to another origin ends the stream with [`crate::Error::Pagination`]. The link comes
/// with the page before, so pages are fetched one at a time (`prefetch(n)` fetches
/// nothing ahead). A page linking to itself is fetched again once, then an error; a link
/// to a page already fetched is a loop, and an error.
///
/// ```
/// use meterage_runtime::pagination::NextLink;
///
/// // `nextLink` in the body (the generated `Page::next_token` reads it), or a header.
/// const IN_BODY: NextLink = NextLink { link_header: None };
/// const IN_HEADER: NextLink = NextLink { link_header: Some("Link") };
/// assert_ne!(IN_BODY, IN_HEADER);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextLink {
    /// The response header of RFC 8288 links (`<...>; rel="next"`) to read the next
    /// link from; `None`: the body carries it, as the page's
    /// [`Page::next_token`](crate::pagination::Page::next_token) reads it.
    pub link_header: Option<&'static str>,
}

/// Where a page of the next-link style is: the absolute URL it was asked at, `None` for
/// the first page (the operation's own path and query).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLink(Option<Url>);

impl PageLink {
    /// The URL the page was asked at, `None` for the first page.
    pub fn url(&self) -> Option<&Url> {
        self.0.as_ref()
    }
}

impl fmt::Display for PageLink {
    // The path only: a link's query may carry a signature or a credential.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(url) => write!(f, "link {}", url.path()),
            None => f.write_str("the first page"),
        }
    }
}

impl<N: PageIndex> Style<N> for NextLink {
    type Cursor = PageLink;
    type Walk = NextLinkWalk;

    fn walk<P: Paginate<Index = N, Style = Self>>(self, _request: &P) -> Self::Walk {
        NextLinkWalk {
            style: self,
            next: Some(PageLink(None)),
            visited: HashSet::new(),
            asked: 0,
        }
    }

    fn echo_of(_cursor: &PageLink) -> Option<N> {
        None
    }

    fn cursor_param(_cursor: &PageLink) -> Option<String> {
        None
    }
}

/// One walk in the next-link style.
#[derive(Debug)]
pub struct NextLinkWalk {
    style: NextLink,
    next: Option<PageLink>,
    /// Every URL fetched so far: a link back to one is a loop.
    visited: HashSet<String>,
    asked: usize,
}

/// The first link of an RFC 8288 `Link` header value whose `rel` has `next`.
pub(crate) fn next_in_link_header(value: &str) -> Option<&str> {
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let target = &after[..close];
        let params_end = after[close..].find('<').map_or(after.len(), |i| close + i);
        // The parameters, without the comma before the next link.
        let params = after[close + 1..params_end].trim_end();
        let params = params.strip_suffix(',').unwrap_or(params);
        let is_next = params.split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim());
        }
        rest = &after[params_end..];
    }
    None
}

impl NextLinkWalk {
    /// The next link a page gives, resolved against the URL it was asked at:
    /// `Ok(None)` when there is none (or it is empty), `Err` when it cannot be
    /// followed.
    fn next_link(&self, page: &Arrived<'_>) -> Result<Option<Url>, String> {
        let raw = match self.style.link_header {
            Some(name) => page
                .headers
                .get_all(name)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .find_map(next_in_link_header),
            None => page.token,
        };
        let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
            return Ok(None);
        };
        let resolved = match page.url {
            Some(base) => base.join(raw),
            None => Url::parse(raw),
        }
        .map_err(|error| format!("the next link is not a URL ({error})"))?;
        if let Some(base) = page.url {
            if resolved.origin() != base.origin() {
                return Err(format!(
                    "the next link goes to {}, not to the server of the request ({}): not \
                     followed with the request's credentials",
                    resolved.origin().ascii_serialization(),
                    base.origin().ascii_serialization()
                ));
            }
        }
        Ok(Some(resolved))
    }
}

impl Walk<PageLink> for NextLinkWalk {
    fn next_cursor(&mut self) -> Option<PageLink> {
        let next = self.next.take()?;
        self.asked += 1;
        Some(next)
    }

    fn may_exist(&self, _cursor: &PageLink) -> bool {
        true
    }

    fn after(&mut self, _cursor: &PageLink, page: Arrived<'_>) -> Step {
        if let Some(url) = page.url {
            self.visited.insert(url.to_string());
        }
        let next = match self.next_link(&page) {
            Ok(Some(next)) => next,
            Ok(None) => return Step::Last,
            Err(message) => return Step::Beyond(message),
        };
        if self.visited.contains(next.as_str()) {
            return Step::Beyond(format!(
                "the next link ({}) goes back to a page already fetched: paging would loop",
                PageLink(Some(next))
            ));
        }
        self.next = Some(PageLink(Some(next)));
        Step::More
    }

    fn stalls(&self, _cursor: &PageLink, page: Arrived<'_>) -> Option<String> {
        let here = page.url?;
        match self.next_link(&page) {
            Ok(Some(next)) if &next == here => Some(format!(
                "the page at {} linked to itself twice as the next page: paging would loop",
                PageLink(Some(next))
            )),
            _ => None,
        }
    }

    fn position(&self, _cursor: &PageLink) -> i64 {
        i64::try_from(self.asked).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::next_in_link_header;

    #[test]
    fn link_headers() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                r#"<https://a/x?page=2>; rel="next""#,
                Some("https://a/x?page=2"),
            ),
            (
                r#"<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next", <https://a/x?page=9>; rel="last""#,
                Some("https://a/x?page=3"),
            ),
            (r#"</x?a=1,2>; rel="first next""#, Some("/x?a=1,2")),
            ("<https://a/x?page=2>; rel=next", Some("https://a/x?page=2")),
            (
                "<https://a/x?page=2>; REL=\"Next\"",
                Some("https://a/x?page=2"),
            ),
            (r#"<https://a/x?page=1>; rel="prev""#, None),
            (r#"<https://a/x>; rel="nextish""#, None),
            ("", None),
            ("<unclosed; rel=next", None),
        ];
        for (value, next) in cases {
            assert_eq!(next_in_link_header(value), *next, "{value}");
        }
    }
}

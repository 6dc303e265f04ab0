//! [`Str`]: short strings inside their node.

use std::fmt;

/// A string kept inside its node when short, else in one exact-size allocation.
#[derive(Clone)]
pub enum Str {
    /// Up to [`Str::INLINE`] bytes: its length and its bytes.
    Inline(u8, [u8; Str::INLINE]),
    /// A longer string.
    Heap(Box<str>),
}

impl Str {
    /// How many bytes are kept inside the node.
    pub const INLINE: usize = 22;

    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            Str::Inline(len, bytes) => {
                // Only ever filled from a `str`, cut at its end: always UTF-8.
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Str::Heap(s) => s,
        }
    }

    /// The text as a `String` (a long one without copying).
    pub fn into_string(self) -> String {
        match self {
            Str::Inline(..) => self.as_str().to_owned(),
            Str::Heap(s) => s.into_string(),
        }
    }

    /// Bytes this string holds outside its node.
    pub(super) fn heap_bytes(&self) -> usize {
        match self {
            Str::Inline(..) => 0,
            Str::Heap(s) => s.len(),
        }
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        if s.len() <= Str::INLINE {
            let mut bytes = [0u8; Str::INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Str::Inline(s.len() as u8, bytes)
        } else {
            Str::Heap(s.into())
        }
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        if s.len() <= Str::INLINE {
            Str::from(s.as_str())
        } else {
            Str::Heap(s.into_boxed_str())
        }
    }
}

impl std::ops::Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::hash::Hash for Str {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

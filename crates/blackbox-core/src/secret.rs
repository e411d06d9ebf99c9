//! Secret strings: bearer tokens and session tokens.

use std::fmt;

/// A string that must not leak: a bearer token or a session token.
///
/// `Debug` prints `** redacted **` and there is no `Display`, so a secret never
/// reaches a log line by accident. Read it on purpose with [`expose`](Self::expose).
/// It serialises as a plain JSON string, because session tokens arrive in
/// API answers and callers may need to store them.
///
/// ```
/// use blackbox_core::SecretString;
///
/// let token = SecretString::from("bbx_live_123");
/// assert_eq!(format!("{token:?}"), "** redacted **");
/// assert_eq!(token.expose(), "bbx_live_123");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Call this only where the value must leave the program
    /// (a header, a credential store); never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Consumes the wrapper and returns the secret.
    pub fn into_exposed(self) -> String {
        self.0
    }

    /// The secret's length in bytes, which is safe to show.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// The credentials of one attempt, known by value — the bearer token and the
/// proxy's password — so that what a server or proxy echoes back (in an error
/// message, in a header with an innocent name) is hidden wherever the SDK
/// prints or formats it. Redaction by header name is not enough for echoes.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    values: Vec<String>,
}

/// Shorter values are not scrubbed: hiding every `a` in a message would hide
/// the message, and a credential that short protects nothing anyway.
const SHORTEST_SCRUBBED: usize = 4;

impl Secrets {
    /// Adds a value to hide (ignored when too short or already known).
    pub(crate) fn add(&mut self, value: &str) {
        if value.len() >= SHORTEST_SCRUBBED && !self.values.iter().any(|known| known == value) {
            // Longest first, so that a value containing another is hidden
            // whole; after the known ones of its length. (The list is always
            // in that order, so an insertion keeps it without a sort, whose
            // code would be larger than everything else here.)
            let at = self
                .values
                .iter()
                .position(|known| known.len() < value.len())
                .unwrap_or(self.values.len());
            self.values.insert(at, value.to_owned());
        }
    }

    /// These secrets and one more (a token that only this attempt uses).
    pub(crate) fn with(&self, value: &str) -> Self {
        let mut secrets = self.clone();
        secrets.add(value);
        secrets
    }

    /// Whether any secret occurs in `bytes`.
    pub(crate) fn appear_in(&self, bytes: &[u8]) -> bool {
        self.values.iter().any(|secret| {
            bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes())
        })
    }

    /// `text` with every secret replaced by `** redacted **`.
    pub(crate) fn scrub<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let mut text = std::borrow::Cow::Borrowed(text);
        for secret in &self.values {
            if let Some(scrubbed) = replace_all(&text, secret) {
                text = std::borrow::Cow::Owned(scrubbed);
            }
        }
        text
    }

    /// Marks every header whose value contains a secret as sensitive, so that
    /// every `Debug` of the map redacts it.
    pub(crate) fn mark_headers(&self, headers: &mut http::HeaderMap) {
        if self.values.is_empty() {
            return;
        }
        for value in headers.values_mut() {
            if self.appear_in(value.as_bytes()) {
                value.set_sensitive(true);
            }
        }
    }
}

/// `text` with every occurrence of `secret` (left to right, not overlapping,
/// as `str::replace` does) replaced by `** redacted **`; `None` when there is
/// none. A plain byte scan: it runs only when an error or a `Debug` is made,
/// and does not pull the standard library's substring searcher (about 1 KiB)
/// into every binary.
fn replace_all(text: &str, secret: &str) -> Option<String> {
    let (haystack, needle) = (text.as_bytes(), secret.as_bytes());
    let first = *needle.first()?;
    let mut scrubbed: Option<String> = None;
    let (mut copied, mut at) = (0, 0);
    while at + needle.len() <= haystack.len() {
        if haystack[at] == first && haystack[at..].starts_with(needle) {
            // Both ends are character boundaries: `needle` is whole UTF-8.
            let out = scrubbed.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..at]);
            out.push_str("** redacted **");
            at += needle.len();
            copied = at;
        } else {
            at += 1;
        }
    }
    let mut scrubbed = scrubbed?;
    scrubbed.push_str(&text[copied..]);
    Some(scrubbed)
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} redacted)", self.values.len())
    }
}

#[cfg(test)]
mod tests {
    use super::{SecretString, Secrets};

    #[test]
    fn secrets_are_scrubbed_by_value() {
        let mut secrets = Secrets::default();
        secrets.add("sentinel-token");
        secrets.add("abc");
        secrets.add("sentinel-token-longer");
        assert_eq!(
            secrets.scrub("invalid token sentinel-token-longer, and sentinel-token; abc"),
            "invalid token ** redacted **, and ** redacted **; abc"
        );
        assert!(secrets.appear_in(b"x sentinel-token y"));
        assert!(!secrets.appear_in(b"abc"), "too short to scrub");
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "x-echo",
            http::HeaderValue::from_static("Bearer sentinel-token"),
        );
        headers.insert("x-other", http::HeaderValue::from_static("fine"));
        secrets.mark_headers(&mut headers);
        assert!(headers["x-echo"].is_sensitive());
        assert!(!headers["x-other"].is_sensitive());
        assert_eq!(format!("{secrets:?}"), "Secrets(2 redacted)");
        let attempt = secrets.with("per-attempt-token");
        assert_eq!(attempt.scrub("per-attempt-token"), "** redacted **");
    }

    #[test]
    fn debug_is_redacted_exactly() {
        let secret = SecretString::from("sentinel-secret-value");
        assert_eq!(format!("{secret:?}"), "** redacted **");
        assert_eq!(
            format!("{:#?}", Some(secret.clone())),
            "Some(\n    ** redacted **,\n)"
        );
    }

    #[test]
    fn serde_is_a_plain_string() {
        let secret: SecretString = serde_json::from_str("\"abc\"").expect("decodes");
        assert_eq!(secret.expose(), "abc");
        assert_eq!(serde_json::to_string(&secret).expect("encodes"), "\"abc\"");
    }
}

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

#[cfg(test)]
mod tests {
    use super::SecretString;

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

//! Checks shared by the fuzz targets: what the SDK does with a response body.
#![forbid(unsafe_code)]

use std::fmt::Debug;

use blackbox::core::ResponseValidationError;
use blackbox::core::http::StatusCode;
use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `data` as `T` exactly as `RawResponse::into_api_response` does
/// (`serde_json::from_slice`), then checks the outcome:
///
/// * a success re-encodes, decodes again to an equal value, and formats with
///   `Debug`;
/// * a failure becomes the SDK's `ResponseValidationError`, whose `Display` is
///   one line without control characters that does not quote the body.
///
/// Returns whether `data` decoded.
pub fn check_decode<T>(data: &[u8]) -> bool
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    match serde_json::from_slice::<T>(data) {
        Ok(model) => {
            let encoded = serde_json::to_vec(&model).expect("a decoded model encodes");
            let again = serde_json::from_slice::<T>(&encoded).expect("an encoded model decodes");
            assert_eq!(again, model, "the model round-trips");
            let _ = format!("{model:?} {model:#?}");
            true
        }
        Err(source) => {
            let error = blackbox::Error::ResponseValidation(ResponseValidationError::new(
                StatusCode::OK,
                Bytes::copy_from_slice(data),
                source,
            ));
            let shown = error.to_string();
            assert!(
                shown.starts_with(&format!("response (status 200, {} bytes) is ", data.len())),
                "{shown}"
            );
            assert!(!shown.chars().any(char::is_control), "{shown:?}");
            assert!(shown.len() < 200, "{shown}");
            let _ = format!("{error:?} {error:#?}");
            false
        }
    }
}

/// How many times the key `message` occurs in a top-level JSON object (escaped
/// spellings included), or `None` when `body` is not a JSON object.
///
/// `ApiError::new` reads the message through a serde-derived struct, which
/// refuses duplicate fields; a `serde_json::Value` keeps the last one. Bodies
/// with a duplicated `message` are a known deviation the targets skip.
pub fn message_key_count(body: &[u8]) -> Option<usize> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

    struct CountMessageKeys;

    impl<'de> Visitor<'de> for CountMessageKeys {
        type Value = usize;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
            let mut count = 0;
            while let Some(key) = map.next_key::<String>()? {
                if key == "message" {
                    count += 1;
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(count)
        }
    }

    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let count = deserializer.deserialize_map(CountMessageKeys).ok()?;
    deserializer.end().ok()?;
    Some(count)
}

//! Error-body parsing: `ApiError::new` with the input as the body of a 4xx/5xx
//! (the first byte picks the status), then `Display` and `Debug`.
#![no_main]
// `fuzz_target!` expands to an `unsafe(no_mangle)` entry point, so this file
// cannot forbid unsafe code; it writes none itself.

use blackbox::core::ApiError;
use blackbox::core::http::{HeaderMap, StatusCode};
use blackbox_fuzz::message_key_count;
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((&first, rest)) => (400 + u16::from(first) % 200, rest),
        None => (500, data),
    };
    let status = StatusCode::from_u16(status).expect("400..=599 are statuses");
    let error = ApiError::new(status, HeaderMap::new(), Bytes::copy_from_slice(body));
    assert_eq!(error.body().as_ref(), body);

    // The message is the envelope's `message` string when the body is a JSON
    // object. Known deviations, left out here: a top-level array (serde reads
    // a struct from an array of its fields) and a duplicated `message` key
    // (serde's derive refuses it; `Value` keeps the last one).
    let expected = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => map
            .get("message")
            .and_then(|message| message.as_str().map(str::to_owned)),
        _ => None,
    };
    let known_deviation = body.trim_ascii_start().first() == Some(&b'[')
        || message_key_count(body).is_some_and(|count| count > 1);
    if !known_deviation {
        assert_eq!(error.message().map(str::to_owned), expected, "{body:?}");
    }

    // Display: one bounded line, led by the status, without control characters.
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!("API error {}", status.as_u16())),
        "{shown}"
    );
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    assert!(shown.chars().count() < 300, "{shown}");
    let debug = format!("{error:?} {error:#?}");
    assert!(
        debug.contains(&format!("body_len: {}", body.len())),
        "{debug}"
    );

    let wrapped = blackbox::Error::Api(Box::new(error));
    assert_eq!(wrapped.to_string(), shown);
});

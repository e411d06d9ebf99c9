//! `get_session`'s and `extend_session`'s decoder: `ApiResponse_SessionInfo`
//! and a bare `SessionInfo`.
#![no_main]
// `fuzz_target!` expands to an `unsafe(no_mangle)` entry point, so this file
// cannot forbid unsafe code; it writes none itself.

use blackbox::models::{ApiResponseSessionInfo, SessionInfo};
use blackbox_fuzz::check_decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_decode::<ApiResponseSessionInfo>(data);
    if check_decode::<SessionInfo>(data) {
        // A decoded session's Debug never shows its token.
        let session: SessionInfo = serde_json::from_slice(data).expect("decoded once already");
        if session.token.len() >= 16 {
            assert!(!format!("{session:?}").contains(session.token.expose()));
        }
    }
});

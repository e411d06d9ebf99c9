//! `list_sessions`' decoder: `ApiResponse_SessionListResponse` and its `data`.
#![no_main]
// `fuzz_target!` expands to an `unsafe(no_mangle)` entry point, so this file
// cannot forbid unsafe code; it writes none itself.

use blackbox::models::{ApiResponseSessionListResponse, SessionListResponse};
use blackbox_fuzz::check_decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_decode::<ApiResponseSessionListResponse>(data);
    check_decode::<SessionListResponse>(data);
});

//! `list_sessions`' decoder: `ApiResponse_SessionListResponse` and its `data`.
#![no_main]

use blackbox::models::{ApiResponseSessionListResponse, SessionListResponse};
use blackbox_fuzz::check_decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_decode::<ApiResponseSessionListResponse>(data);
    check_decode::<SessionListResponse>(data);
});

//! `get_session_stats`' decoder: `ApiResponse_SessionStats` and its `data`.
#![no_main]

use blackbox::models::{ApiResponseSessionStats, SessionStats};
use blackbox_fuzz::check_decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_decode::<ApiResponseSessionStats>(data);
    check_decode::<SessionStats>(data);
});

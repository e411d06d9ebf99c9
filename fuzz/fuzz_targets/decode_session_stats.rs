//! `get_session_stats`' decoder: `ApiResponse_SessionStats` and its `data`.
#![no_main]
// `fuzz_target!` expands to an `unsafe(no_mangle)` entry point, so this file
// cannot forbid unsafe code; it writes none itself.

use blackbox::models::{ApiResponseSessionStats, SessionStats};
use blackbox_fuzz::check_decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_decode::<ApiResponseSessionStats>(data);
    check_decode::<SessionStats>(data);
});

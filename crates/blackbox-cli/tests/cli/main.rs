//! End-to-end tests of the `blackbox` binary: the built executable
//! (`CARGO_BIN_EXE_blackbox`) run against an in-process sandbox on 127.0.0.1.
//! Every run is bounded in time and killed if its handle is dropped.

mod bad_input;
mod exit_codes;
mod golden;
mod interactive;
mod support;
mod tls_and_tokens;

//! A bounded soak: many mixed calls at 64 in flight against the sandbox over
//! TLS, with zero unexpected errors and resident memory and open file
//! descriptors sampled at start, middle and end.
//!
//! The full run is ignored by default (it is a measurement, not a unit test):
//!
//! ```sh
//! cargo test --release --test soak -- --ignored --nocapture
//! ```
//!
//! A short version of the same loop runs with the normal test suite.

use std::time::{Duration, Instant};

use blackbox::Blackbox;
use blackbox::models::ExtendSessionRequest;
use blackbox_sandbox::Sandbox;

/// Resident memory (KiB) and open file descriptors of this process.
fn sample() -> (u64, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let fds = std::fs::read_dir("/proc/self/fd")
        .map(Iterator::count)
        .unwrap_or(0);
    (rss, fds)
}

async fn soak(calls: usize, in_flight: usize) -> Vec<(usize, u64, usize)> {
    let sandbox = Sandbox::builder()
        .tls(true)
        .extra_sessions(20)
        .start()
        .await
        .unwrap();
    let blackbox = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .tls_built_in_roots(false)
        .add_root_certificate_pem(sandbox.ca_pem().unwrap())
        .build()
        .unwrap();
    let target = sandbox.session_ids()[1];
    let mut samples = Vec::new();
    let mut done = 0;
    let mut next_sample = 0;
    while done < calls {
        if done >= next_sample {
            let (rss, fds) = sample();
            samples.push((done, rss, fds));
            next_sample += calls / 2;
        }
        let batch = in_flight.min(calls - done);
        let mut set = tokio::task::JoinSet::new();
        for index in 0..batch {
            let blackbox = blackbox.clone();
            set.spawn(async move {
                let sessions = blackbox.session_management();
                match (done + index) % 8 {
                    0..=3 => sessions.get_session(target).await.map(drop),
                    4 | 5 => sessions.get_session_stats().await.map(drop),
                    6 => sessions.list_sessions().await.map(drop),
                    _ => sessions
                        .extend_session(target, ExtendSessionRequest::new(0))
                        .await
                        .map(drop),
                }
            });
        }
        while let Some(result) = set.join_next().await {
            result.expect("no panic").expect("no unexpected error");
        }
        done += batch;
    }
    let (rss, fds) = sample();
    samples.push((done, rss, fds));
    sandbox.shutdown().await;
    samples
}

fn check_flat(samples: &[(usize, u64, usize)]) {
    let (_, first_rss, first_fds) = samples[0];
    let (_, last_rss, last_fds) = samples[samples.len() - 1];
    // Growth past warm-up would mean a leak: allow 64 MiB of allocator slack
    // and the pool's connections.
    assert!(last_rss < first_rss + 64 * 1024, "RSS grew: {samples:?}");
    assert!(
        last_fds <= first_fds + 160,
        "file descriptors grew: {samples:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_soak_of_2000_mixed_calls() {
    let samples = soak(2_000, 64).await;
    check_flat(&samples);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run with --release -- --ignored --nocapture"]
async fn soak_100k_mixed_calls_at_64_in_flight_over_tls() {
    let calls = std::env::var("SOAK_CALLS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(100_000);
    let started = Instant::now();
    let samples = soak(calls, 64).await;
    let elapsed = started.elapsed();
    println!(
        "soak: {calls} calls in {elapsed:.1?} ({:.0} calls/s)",
        calls as f64 / elapsed.as_secs_f64()
    );
    for (done, rss, fds) in &samples {
        println!("soak: after {done:>6} calls: RSS {rss} KiB, open fds {fds}");
    }
    check_flat(&samples);
    assert!(elapsed < Duration::from_secs(600), "bounded in time");
}

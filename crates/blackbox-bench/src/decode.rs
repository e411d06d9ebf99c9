//! Decode speed: a 10,000-session `ApiResponse_SessionListResponse` (about
//! 2.6 MB) through the SDK's own path — `list_sessions` on a `BlackboxCore`
//! whose transport answers from memory, so headers, body collection and
//! envelope decoding into the SDK models all run — against `serde_json::from_slice`
//! into a plain struct of the same shape. Interleaved rounds, median ratio.

use std::fmt;
use std::hint::black_box;
use std::time::{Duration, Instant};

use blackbox::core::{BlackboxCore, HttpClient, ResponseBody, TransportError};
use blackbox::models::ApiResponseSessionListResponse;
use bytes::Bytes;

use crate::fixtures::{self, PlainEnvelope, PlainList};
use crate::stats::median;
use crate::{BoxError, Options};

/// Sessions in the decoded list.
pub const SESSIONS: usize = 10_000;

/// A transport that answers every request with the same body from memory.
struct MemoryClient {
    body: Bytes,
}

impl fmt::Debug for MemoryClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryClient")
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpClient for MemoryClient {
    fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> blackbox::core::BoxFuture<'_, Result<http::Response<ResponseBody>, TransportError>> {
        let body = self.body.clone();
        Box::pin(async move {
            let mut response = http::Response::new(ResponseBody::from_bytes(body));
            response.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            Ok(response)
        })
    }
}

/// The decode result.
#[derive(Debug, Clone, Copy)]
pub struct DecodeResult {
    /// Body size in bytes.
    pub bytes: usize,
    /// SDK path, MB/s (median over rounds).
    pub sdk_mb_s: f64,
    /// Plain serde_json, MB/s (median over rounds).
    pub plain_mb_s: f64,
    /// Median of per-round ratios SDK / plain.
    pub ratio: f64,
}

/// Runs the decode section and prints its table.
pub fn run(options: &Options) -> Result<DecodeResult, BoxError> {
    let (rounds, iterations) = if options.quick { (2, 3) } else { (7, 15) };
    let body = fixtures::list_body(SESSIONS);
    let core = BlackboxCore::builder()
        .server_url("http://127.0.0.1:9")
        .token(fixtures::TOKEN)
        .max_body_size(64 << 20)
        .http_client(MemoryClient { body: body.clone() })
        .build()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    let sdk_once = || -> Result<Duration, BoxError> {
        let started = Instant::now();
        let list: ApiResponseSessionListResponse =
            runtime.block_on(blackbox::session_management::list_sessions(&core, None))?;
        let elapsed = started.elapsed();
        if black_box(&list).data.as_ref().map(|d| d.sessions.len()) != Some(SESSIONS) {
            return Err("the SDK decoded the wrong list".into());
        }
        drop(list);
        Ok(elapsed)
    };
    let plain_once = || -> Result<Duration, BoxError> {
        let started = Instant::now();
        let list: PlainEnvelope<PlainList> = serde_json::from_slice(black_box(&body))?;
        let elapsed = started.elapsed();
        if black_box(&list).data.as_ref().map(|d| d.sessions.len()) != Some(SESSIONS) {
            return Err("serde_json decoded the wrong list".into());
        }
        drop(list);
        Ok(elapsed)
    };
    // Warm-up.
    sdk_once()?;
    plain_once()?;

    let mb = body.len() as f64 / 1e6;
    let (mut sdk, mut plain, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let time = |f: &dyn Fn() -> Result<Duration, BoxError>| -> Result<f64, BoxError> {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                total += f()?;
            }
            Ok(mb * iterations as f64 / total.as_secs_f64())
        };
        let (a, b) = if round % 2 == 0 {
            let a = time(&sdk_once)?;
            (a, time(&plain_once)?)
        } else {
            let b = time(&plain_once)?;
            (time(&sdk_once)?, b)
        };
        sdk.push(a);
        plain.push(b);
        ratios.push(a / b);
    }
    let result = DecodeResult {
        bytes: body.len(),
        sdk_mb_s: median(&sdk),
        plain_mb_s: median(&plain),
        ratio: median(&ratios),
    };
    println!("\n## Decode\n");
    println!(
        "`ApiResponse_SessionListResponse` with {SESSIONS} sessions ({} bytes); {rounds} \
         interleaved rounds of {iterations} decodes each; medians.\n",
        result.bytes
    );
    println!("| path | MB/s | × plain serde_json | target | met |");
    println!("|---|--:|--:|--:|---|");
    println!(
        "| plain `serde_json::from_slice` (same shape, `Uuid` ids) | {:.0} | 1.000 | | |",
        result.plain_mb_s
    );
    println!(
        "| SDK `list_sessions` (in-memory transport → `decode_json` → models) | {:.0} | {:.3} | ≥ 0.95 | {} |",
        result.sdk_mb_s,
        result.ratio,
        if result.ratio >= 0.95 {
            "yes"
        } else {
            "**no**"
        }
    );
    Ok(result)
}

//! Programmable faults: per-operation FIFO scripts consumed one per request.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::operation::Operation;

/// A misbehaviour the sandbox performs instead of (or while) answering one
/// request.
///
/// Faults are scripted per [`Operation`] through [`Faults`]; the sandbox
/// reads the request body, records the request, then applies the fault.
///
/// | kind | faults |
/// | --- | --- |
/// | error statuses | [`Status`](Fault::Status) (with `Retry-After`) |
/// | connection resets and closes | [`ResetBeforeHeaders`](Fault::ResetBeforeHeaders), [`ResetMidBody`](Fault::ResetMidBody), [`CloseBeforeHeaders`](Fault::CloseBeforeHeaders), [`TruncatedBody`](Fault::TruncatedBody) |
/// | slowness and stalls | [`DelayBeforeHeaders`](Fault::DelayBeforeHeaders), [`DelayMidBody`](Fault::DelayMidBody), [`Stall`](Fault::Stall), [`StallMidBody`](Fault::StallMidBody) |
/// | malformed bodies | [`InvalidJson`](Fault::InvalidJson), [`WrongShapeJson`](Fault::WrongShapeJson), [`WrongContentType`](Fault::WrongContentType), [`Raw`](Fault::Raw) |
/// | oversized bodies | [`OversizedBody`](Fault::OversizedBody) |
///
/// Faults that answer (or fail) without processing the request (`Status`,
/// `ResetBeforeHeaders`, `CloseBeforeHeaders`, `Stall`, `InvalidJson`,
/// `WrongShapeJson`, `OversizedBody`, `WrongContentType`, `Raw`) have no side
/// effect on the sandbox's state. `DelayBeforeHeaders` and the mid-body faults
/// (`DelayMidBody`, `ResetMidBody`, `TruncatedBody`, `StallMidBody`) process
/// the request normally — a revoke really revokes — and then misbehave while
/// delivering the answer, like a server whose connection dies after the work
/// is done.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use blackbox_sandbox::{Fault, Operation, Sandbox};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let sandbox = Sandbox::start().await?;
/// sandbox.faults().script(
///     Operation::GetSessionStats,
///     [
///         Fault::status_retry_after(503, "2"),
///         Fault::ResetBeforeHeaders,
///         Fault::Stall,
///         Fault::raw(200, "application/json", r#"{"success":true,"data":{"total_sessions":-1}}"#),
///         Fault::OversizedBody(10 * 1024 * 1024),
///     ],
/// );
/// let request = format!(
///     "GET /api/v0/sessions/stats HTTP/1.1\r\nHost: localhost\r\n\
///      Authorization: Bearer {}\r\nConnection: close\r\n\r\n",
///     sandbox.demo_token()
/// );
/// // One request on a fresh connection; what arrived before the server
/// // closed it, or before `patience` ran out.
/// let exchange = |patience: Duration| {
///     let request = request.clone();
///     let addr = sandbox.local_addr();
///     async move {
///         let mut stream = tokio::net::TcpStream::connect(addr).await?;
///         stream.write_all(request.as_bytes()).await?;
///         let mut answer = Vec::new();
///         match tokio::time::timeout(patience, stream.read_to_end(&mut answer)).await {
///             Ok(Ok(_)) => Ok(Some(answer)),
///             Ok(Err(e)) => Err(e),
///             Err(_) => Ok(None), // still waiting
///         }
///     }
/// };
/// let patience = Duration::from_secs(5);
///
/// let answer = exchange(patience).await?.unwrap_or_default();
/// assert!(answer.starts_with(b"HTTP/1.1 503"));
/// assert!(String::from_utf8_lossy(&answer).contains("retry-after: 2\r\n"));
///
/// let reset = exchange(patience).await;
/// assert_eq!(reset.err().map(|e| e.kind()), Some(std::io::ErrorKind::ConnectionReset));
///
/// assert!(exchange(Duration::from_millis(300)).await?.is_none(), "stalled");
///
/// let answer = exchange(patience).await?.unwrap_or_default();
/// assert!(String::from_utf8_lossy(&answer).ends_with(r#""total_sessions":-1}}"#));
///
/// let answer = exchange(patience).await?.unwrap_or_default();
/// assert!(answer.len() > 10 * 1024 * 1024);
///
/// assert_eq!(sandbox.faults().pending(Operation::GetSessionStats), 0);
/// sandbox.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answers this status with the JSON error envelope
    /// (`{"success":false,"message":"...","data":null}`), plus a `Retry-After`
    /// header carrying `retry_after` verbatim when it is a valid header value.
    /// A status outside 200..=599 is answered as 500; 204 and 304 carry no body.
    Status {
        /// The HTTP status code to answer.
        status: u16,
        /// The `Retry-After` header value (seconds or an HTTP date), verbatim.
        retry_after: Option<String>,
    },
    /// Sleeps this long, then serves the request normally.
    DelayBeforeHeaders(Duration),
    /// Sends the headers (with the full `Content-Length`) and the first half of
    /// the normal body, sleeps this long, then sends the rest.
    DelayMidBody(Duration),
    /// Closes the connection abruptly without answering. On HTTP/1.1 the
    /// socket is closed with a TCP RST (zero linger); on HTTP/2 the stream is
    /// reset (`RST_STREAM`) and the connection stays up.
    ResetBeforeHeaders,
    /// Sends the headers with the `Content-Length` of the full normal body and
    /// the first half of it, then resets the connection (TCP RST on HTTP/1.1,
    /// `RST_STREAM` on HTTP/2).
    ResetMidBody,
    /// Declares the `Content-Length` of the full normal body, sends only the
    /// first half, then closes the connection cleanly (FIN on HTTP/1.1,
    /// `RST_STREAM` on HTTP/2).
    TruncatedBody,
    /// Answers 200 `application/json` with a body that is not JSON
    /// (`{"success":tru`).
    InvalidJson,
    /// Answers 200 with valid JSON that violates the schema
    /// (`{"success":"yes","data":[1]}`).
    WrongShapeJson,
    /// Answers 200 `application/json` with a valid-looking JSON body of exactly
    /// this many bytes (an envelope with a long message, streamed without
    /// holding it in memory).
    OversizedBody(usize),
    /// Answers 200 with `Content-Type: text/html` and an HTML body.
    WrongContentType,
    /// Closes the connection cleanly without answering: on HTTP/1.1 a FIN
    /// with no response bytes (what a client sees when a server closes an
    /// idle keep-alive connection just as a request is sent); on HTTP/2 the
    /// stream is reset (`RST_STREAM`) and the connection stays up.
    CloseBeforeHeaders,
    /// Never answers: holds the request until the client gives up (closes
    /// the connection or resets the stream) or the sandbox shuts down, then
    /// closes without an answer — to test a client's timeouts. The request
    /// is not processed.
    Stall,
    /// Sends the headers (with the `Content-Length` of the full normal
    /// body) and the first half of the body, then nothing more until the
    /// client gives up or the sandbox shuts down — to test a client's body
    /// read timeout. The request is processed.
    StallMidBody,
    /// Answers exactly this status (500 when outside 200..=599), this
    /// `Content-Type` (none when `None` or not a valid header value) and this
    /// body (none for 204 and 304): any malformed answer a test needs.
    Raw {
        /// The HTTP status code to answer.
        status: u16,
        /// The `Content-Type` header value, verbatim.
        content_type: Option<String>,
        /// The body, verbatim.
        body: Vec<u8>,
    },
}

impl Fault {
    /// A [`Fault::Status`] without `Retry-After`.
    ///
    /// ```
    /// use blackbox_sandbox::Fault;
    /// assert_eq!(Fault::status(503), Fault::Status { status: 503, retry_after: None });
    /// ```
    pub fn status(status: u16) -> Fault {
        Fault::Status {
            status,
            retry_after: None,
        }
    }

    /// A [`Fault::Status`] with a `Retry-After` header value, e.g. `"1"` or an
    /// HTTP date.
    ///
    /// ```
    /// use blackbox_sandbox::Fault;
    /// let fault = Fault::status_retry_after(429, "1");
    /// assert_eq!(fault, Fault::Status { status: 429, retry_after: Some("1".into()) });
    /// ```
    pub fn status_retry_after(status: u16, retry_after: impl Into<String>) -> Fault {
        Fault::Status {
            status,
            retry_after: Some(retry_after.into()),
        }
    }

    /// A [`Fault::Raw`] answer with this status, `Content-Type` and body.
    ///
    /// ```
    /// use blackbox_sandbox::Fault;
    /// let fault = Fault::raw(200, "application/json", "[]");
    /// assert_eq!(
    ///     fault,
    ///     Fault::Raw {
    ///         status: 200,
    ///         content_type: Some("application/json".into()),
    ///         body: b"[]".to_vec(),
    ///     }
    /// );
    /// ```
    pub fn raw(status: u16, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Fault {
        Fault::Raw {
            status,
            content_type: Some(content_type.into()),
            body: body.into(),
        }
    }
}

/// The fault scripts of a running sandbox, one FIFO queue per operation.
///
/// Each request routed to an operation takes the next fault of that
/// operation's queue, if any; once the queue is empty requests are served
/// normally. Obtain it with [`Sandbox::faults`](crate::Sandbox::faults).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use blackbox_sandbox::{Fault, Operation, Sandbox};
///
/// let sandbox = Sandbox::start().await?;
/// sandbox
///     .faults()
///     .push(Operation::GetSession, Fault::status_retry_after(429, "1"))
///     .script(
///         Operation::ListSessions,
///         [Fault::status(503), Fault::DelayBeforeHeaders(Duration::from_millis(50))],
///     );
/// assert_eq!(sandbox.faults().pending(Operation::ListSessions), 2);
/// sandbox.faults().clear();
/// assert_eq!(sandbox.faults().pending(Operation::GetSession), 0);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct Faults {
    // A poisoned lock still holds whole queues (no method leaves one half
    // updated), so recovering the guard with `into_inner` is sound.
    queues: Mutex<[VecDeque<Fault>; 7]>,
}

impl Faults {
    /// Appends one fault to `op`'s queue.
    pub fn push(&self, op: Operation, fault: Fault) -> &Self {
        self.lock()[op.index()].push_back(fault);
        self
    }

    /// Appends several faults to `op`'s queue, in order.
    pub fn script(&self, op: Operation, faults: impl IntoIterator<Item = Fault>) -> &Self {
        let faults: Vec<Fault> = faults.into_iter().collect();
        self.lock()[op.index()].extend(faults);
        self
    }

    /// Empties every operation's queue.
    pub fn clear(&self) -> &Self {
        for queue in self.lock().iter_mut() {
            queue.clear();
        }
        self
    }

    /// How many faults are still queued for `op`.
    pub fn pending(&self, op: Operation) -> usize {
        self.lock()[op.index()].len()
    }

    /// Takes the next fault for `op`, if any.
    pub(crate) fn next(&self, op: Operation) -> Option<Fault> {
        self.lock()[op.index()].pop_front()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, [VecDeque<Fault>; 7]> {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_are_fifo_and_per_operation() {
        let faults = Faults::default();
        faults
            .push(Operation::GetSession, Fault::status(503))
            .script(
                Operation::GetSession,
                [Fault::ResetBeforeHeaders, Fault::InvalidJson],
            )
            .push(Operation::ListSessions, Fault::WrongContentType);
        assert_eq!(faults.pending(Operation::GetSession), 3);
        assert_eq!(faults.next(Operation::GetSession), Some(Fault::status(503)));
        assert_eq!(
            faults.next(Operation::GetSession),
            Some(Fault::ResetBeforeHeaders)
        );
        assert_eq!(faults.next(Operation::GetSession), Some(Fault::InvalidJson));
        assert_eq!(faults.next(Operation::GetSession), None);
        assert_eq!(faults.next(Operation::RevokeSession), None);
        faults.clear();
        assert_eq!(faults.next(Operation::ListSessions), None);
    }
}

//! Programmable faults: per-operation FIFO scripts consumed one per request.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::operation::Operation;

/// A misbehaviour the sandbox performs instead of (or while) answering one
/// request.
///
/// Faults are scripted per [`Operation`] through [`Faults`]. Faults that answer
/// before the request is processed (`Status`, `ResetBeforeHeaders`,
/// `InvalidJson`, `WrongShapeJson`, `OversizedBody`, `WrongContentType`) have
/// no side effect on the sandbox's state. `DelayBeforeHeaders` and the
/// mid-body faults (`DelayMidBody`, `ResetMidBody`, `TruncatedBody`) process
/// the request normally — a revoke really revokes — and then misbehave while
/// delivering the answer, like a server whose connection dies after the work
/// is done.
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

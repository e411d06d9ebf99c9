//! The response body type: a whole buffer, a scripted stream (for mid-body
//! faults) or a generated padding stream (for oversized bodies).

use std::collections::VecDeque;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::watch;

use crate::server::{ConnControl, shutdown_requested};

/// Size of the blocks an [`SandboxBody::padded`] body is streamed in.
const PAD_BLOCK: usize = 16 * 1024;

/// One step of a scripted body.
pub(crate) enum Step {
    /// Send these bytes.
    Data(Bytes),
    /// Wait this long (real time) before the next step.
    Pause(Duration),
    /// Send nothing more until the sandbox shuts down, then fail the body.
    Hang(watch::Receiver<bool>),
    /// Fail the body. With a connection control, the connection is also
    /// marked for an abortive close (TCP RST) before hyper sees the error.
    Fail(Option<Arc<ConnControl>>),
}

enum Kind {
    Full(Option<Bytes>),
    Scripted {
        steps: VecDeque<Step>,
        wait: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    },
    Padded {
        head: Option<Bytes>,
        pad_left: usize,
        block: Bytes,
        tail: Option<Bytes>,
    },
}

/// The body of every sandbox response.
pub(crate) struct SandboxBody {
    kind: Kind,
}

/// The error a scripted body fails with; hyper then aborts the stream or
/// the connection.
#[derive(Debug)]
pub(crate) struct InjectedBodyError;

impl fmt::Display for InjectedBodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("injected fault: response body aborted")
    }
}

impl Error for InjectedBodyError {}

impl SandboxBody {
    /// A body sent in one piece.
    pub(crate) fn full(bytes: impl Into<Bytes>) -> SandboxBody {
        let bytes = bytes.into();
        SandboxBody {
            kind: Kind::Full((!bytes.is_empty()).then_some(bytes)),
        }
    }

    /// An empty body.
    pub(crate) fn empty() -> SandboxBody {
        SandboxBody {
            kind: Kind::Full(None),
        }
    }

    /// A body following `steps`; its length is unknown to hyper, so the
    /// response's own `Content-Length` header is what goes on the wire.
    pub(crate) fn scripted(steps: impl IntoIterator<Item = Step>) -> SandboxBody {
        SandboxBody {
            kind: Kind::Scripted {
                steps: steps.into_iter().collect(),
                wait: None,
            },
        }
    }

    /// `head`, then `pad_len` bytes of `pad_byte`, then `tail`, streamed in
    /// blocks so that huge bodies cost one block of memory.
    pub(crate) fn padded(head: Bytes, pad_len: usize, pad_byte: u8, tail: Bytes) -> SandboxBody {
        SandboxBody {
            kind: Kind::Padded {
                head: (!head.is_empty()).then_some(head),
                pad_left: pad_len,
                block: Bytes::from(vec![pad_byte; PAD_BLOCK.min(pad_len.max(1))]),
                tail: (!tail.is_empty()).then_some(tail),
            },
        }
    }
}

impl Body for SandboxBody {
    type Data = Bytes;
    type Error = InjectedBodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, InjectedBodyError>>> {
        let this = self.get_mut();
        match &mut this.kind {
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Scripted { steps, wait } => loop {
                if let Some(future) = wait {
                    match future.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(()) => *wait = None,
                    }
                }
                match steps.pop_front() {
                    None => return Poll::Ready(None),
                    Some(Step::Data(bytes)) => return Poll::Ready(Some(Ok(Frame::data(bytes)))),
                    Some(Step::Pause(duration)) => {
                        *wait = Some(Box::pin(tokio::time::sleep(duration)));
                    }
                    Some(Step::Hang(mut shutdown)) => {
                        *wait = Some(Box::pin(async move {
                            shutdown_requested(&mut shutdown).await;
                        }));
                        steps.push_front(Step::Fail(None));
                    }
                    Some(Step::Fail(control)) => {
                        if let Some(control) = control {
                            control.abort();
                        }
                        steps.clear();
                        return Poll::Ready(Some(Err(InjectedBodyError)));
                    }
                }
            },
            Kind::Padded {
                head,
                pad_left,
                block,
                tail,
            } => {
                if let Some(head) = head.take() {
                    return Poll::Ready(Some(Ok(Frame::data(head))));
                }
                if *pad_left > 0 {
                    let n = (*pad_left).min(block.len());
                    *pad_left -= n;
                    return Poll::Ready(Some(Ok(Frame::data(block.slice(..n)))));
                }
                Poll::Ready(tail.take().map(|t| Ok(Frame::data(t))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(bytes) => bytes.is_none(),
            Kind::Scripted { steps, .. } => steps.is_empty(),
            Kind::Padded {
                head,
                pad_left,
                tail,
                ..
            } => head.is_none() && *pad_left == 0 && tail.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            // Unknown: the response carries its own Content-Length header.
            Kind::Scripted { .. } => SizeHint::default(),
            Kind::Padded {
                head,
                pad_left,
                tail,
                ..
            } => {
                let len = |b: &Option<Bytes>| b.as_ref().map_or(0, |b| b.len() as u64);
                SizeHint::with_exact(
                    len(head)
                        .saturating_add(*pad_left as u64)
                        .saturating_add(len(tail)),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn padded_body_has_exact_length() {
        let body = SandboxBody::padded(
            Bytes::from_static(b"{\"m\":\""),
            100_000,
            b'x',
            Bytes::from_static(b"\"}"),
        );
        assert_eq!(body.size_hint().exact(), Some(100_008));
        let bytes = body.collect().await.map(|c| c.to_bytes()).ok();
        let bytes = bytes.unwrap_or_default();
        assert_eq!(bytes.len(), 100_008);
        assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
    }

    #[tokio::test]
    async fn scripted_body_sends_then_fails() {
        let body = SandboxBody::scripted([
            Step::Data(Bytes::from_static(b"ab")),
            Step::Pause(Duration::from_millis(1)),
            Step::Fail(None),
        ]);
        let mut body = std::pin::pin!(body);
        let first = body.frame().await;
        assert!(matches!(first, Some(Ok(_))));
        let second = body.frame().await;
        assert!(matches!(second, Some(Err(InjectedBodyError))));
        assert!(body.frame().await.is_none());
    }

    #[tokio::test]
    async fn hanging_body_waits_for_shutdown_then_fails() {
        let (stop, stopped) = watch::channel(false);
        let body = SandboxBody::scripted([
            Step::Data(Bytes::from_static(b"ab")),
            Step::Hang(stopped),
            Step::Data(Bytes::from_static(b"never")),
        ]);
        let mut body = std::pin::pin!(body);
        assert!(matches!(body.frame().await, Some(Ok(_))));
        let waiting = tokio::time::timeout(Duration::from_millis(50), body.frame()).await;
        assert!(waiting.is_err(), "nothing before shutdown");
        stop.send_replace(true);
        assert!(matches!(body.frame().await, Some(Err(InjectedBodyError))));
        assert!(body.frame().await.is_none());
    }

    #[tokio::test]
    async fn full_and_empty_bodies() {
        assert!(SandboxBody::empty().is_end_stream());
        let body = SandboxBody::full("hi");
        assert_eq!(body.size_hint().exact(), Some(2));
        let bytes = body.collect().await.map(|c| c.to_bytes()).ok();
        assert_eq!(bytes.as_deref(), Some(&b"hi"[..]));
    }
}

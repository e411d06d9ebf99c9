//! Accepting connections and serving HTTP/1.1 and HTTP/2 on each of them.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::service::{Shared, handle};

/// How long a connection may take to finish in-flight requests after a
/// graceful shutdown was requested.
const GRACEFUL_CLOSE: Duration = Duration::from_secs(2);
/// Bound on a TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Per-connection settings shared by all connections of a sandbox.
pub(crate) struct ConnSettings {
    pub(crate) tls: Option<TlsAcceptor>,
    pub(crate) idle_timeout: Option<Duration>,
}

/// Control shared between one connection's IO and the requests on it.
///
/// Faults that must kill the connection set `abort`: from then on the IO
/// refuses to read or write (so hyper gives up at once and nothing more, not
/// even a TLS `close_notify`, reaches the peer) and, when dropped, the socket
/// is closed with a zero linger, which sends a TCP RST.
#[derive(Debug, Default)]
pub(crate) struct ConnControl {
    abort: AtomicBool,
    http_bytes_read: AtomicBool,
}

impl ConnControl {
    fn mark_read(&self) {
        self.http_bytes_read.store(true, Ordering::Relaxed);
    }

    fn has_read(&self) -> bool {
        self.http_bytes_read.load(Ordering::Relaxed)
    }

    /// Marks the connection for an abortive close.
    pub(crate) fn abort(&self) {
        self.abort.store(true, Ordering::SeqCst);
    }

    fn is_aborted(&self) -> bool {
        self.abort.load(Ordering::SeqCst)
    }
}

/// A TCP stream that can be killed by a fault (see [`ConnControl`]).
struct AbortableIo {
    inner: TcpStream,
    control: Arc<ConnControl>,
}

fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "injected fault: connection reset",
    )
}

impl AsyncRead for AbortableIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.control.is_aborted() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for AbortableIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.control.is_aborted() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.control.is_aborted() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.control.is_aborted() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.control.is_aborted() {
            // No FIN: the drop below resets the connection instead.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl Drop for AbortableIo {
    fn drop(&mut self) {
        if self.control.is_aborted() {
            // A zero linger makes close() send RST instead of FIN. Only a
            // non-zero linger can block on close, so the deprecation reason
            // does not apply; `set_linger` (unlike `set_zero_linger`) exists in
            // every tokio 1.x the workspace allows.
            #[allow(deprecated)]
            let _ = self.inner.set_linger(Some(Duration::ZERO));
        }
    }
}

/// Records in [`ConnControl`] that HTTP bytes (after TLS, if any) arrived.
struct MarkReads<T> {
    inner: T,
    control: Arc<ConnControl>,
}

impl<T: AsyncRead + Unpin> AsyncRead for MarkReads<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.control.mark_read();
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for MarkReads<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Resolves once shutdown is requested (or the sandbox handle is gone).
pub(crate) async fn shutdown_requested(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Accepts connections until shutdown, each served in its own task; then
/// lets the connections close gracefully (bounded) and joins them.
///
/// Dropping this future (when the sandbox's task is aborted) drops the
/// `JoinSet`, which aborts every connection task: nothing leaks.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    settings: Arc<ConnSettings>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            () = shutdown_requested(&mut shutdown) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    shared.count_connection();
                    connections.spawn(serve_connection(
                        stream,
                        Arc::clone(&shared),
                        Arc::clone(&settings),
                        shutdown.clone(),
                    ));
                }
                // E.g. out of file descriptors: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(GRACEFUL_CLOSE + Duration::from_secs(1), drain)
        .await
        .is_err()
    {
        connections.shutdown().await;
    }
}

async fn serve_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    settings: Arc<ConnSettings>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let control = Arc::new(ConnControl::default());
    let io = AbortableIo {
        inner: stream,
        control: Arc::clone(&control),
    };
    match &settings.tls {
        None => {
            let io = MarkReads {
                inner: io,
                control: Arc::clone(&control),
            };
            serve_http(TokioIo::new(io), shared, &settings, control, shutdown).await;
        }
        Some(acceptor) => {
            let handshake = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(io));
            let tls = tokio::select! {
                result = handshake => match result {
                    Ok(Ok(tls)) => tls,
                    // Failed or timed-out handshakes (e.g. a client that does
                    // not trust the CA) just end the connection.
                    Ok(Err(_)) | Err(_) => return,
                },
                () = shutdown_requested(&mut shutdown) => return,
            };
            let io = MarkReads {
                inner: tls,
                control: Arc::clone(&control),
            };
            serve_http(TokioIo::new(io), shared, &settings, control, shutdown).await;
        }
    }
}

async fn serve_http<I>(
    io: I,
    shared: Arc<Shared>,
    settings: &ConnSettings,
    control: Arc<ConnControl>,
    mut shutdown: watch::Receiver<bool>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let mut builder = auto::Builder::new(TokioExecutor::new());
    match settings.idle_timeout {
        // hyper arms the header-read timer as soon as a keep-alive connection
        // waits for its next request head, so it doubles as an idle timeout;
        // when it fires on an idle connection hyper closes it cleanly.
        Some(idle) => {
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(idle);
        }
        None => {
            builder.http1().header_read_timeout(None);
        }
    }
    let idle_timeout = settings.idle_timeout;
    let service_control = Arc::clone(&control);
    let service = service_fn(move |request| {
        handle(Arc::clone(&shared), Arc::clone(&service_control), request)
    });
    // hyper only starts its header timer once the protocol is known, i.e.
    // after the first bytes: a connection that never sends anything is
    // closed here instead.
    let silent_timeout = async {
        match idle_timeout {
            Some(idle) => {
                tokio::time::sleep(idle).await;
                if control.has_read() {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending::<()>().await,
        }
    };
    let connection = builder.serve_connection(io, service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        // Errors (including injected resets) just end the connection.
        _ = connection.as_mut() => {}
        () = silent_timeout => {}
        () = shutdown_requested(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(GRACEFUL_CLOSE, connection.as_mut()).await;
        }
    }
}

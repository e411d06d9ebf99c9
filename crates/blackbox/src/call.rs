//! [`Call`]: one operation, ready to send; per-call options are set on it.

use std::fmt;
use std::future::{Future, IntoFuture};

use crate::{Error, RequestOptions};

/// One operation call, not sent yet: `.await` it to send it, or set per-call
/// options first with [`options`](Self::options).
///
/// Every method of [`SessionManagement`](crate::SessionManagement) returns one,
/// so per-call options work the same way for every operation. Awaiting it runs
/// the standalone function of [`session_management`](crate::session_management)
/// directly: a `Call` adds no allocation and no indirection.
///
/// ```no_run
/// use std::time::Duration;
/// use blackbox::{Blackbox, RequestOptions, RetryConfig};
///
/// #[tokio::main]
/// async fn main() -> Result<(), blackbox::Error> {
///     let blackbox = Blackbox::from_env()?;
///     let sessions = blackbox.session_management();
///
///     // The client's settings:
///     let stats = sessions.get_session_stats().await?.into_data()?;
///
///     // This call only: no retries, and at most two seconds.
///     let options = RequestOptions::new()
///         .retry(RetryConfig::disabled())
///         .operation_timeout(Some(Duration::from_secs(2)));
///     let again = sessions.get_session_stats().options(options).await?.into_data()?;
///     println!("{stats:?} {again:?}");
///     Ok(())
/// }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<Op> {
    operation: Op,
    options: Option<RequestOptions>,
}

impl<Op: Operation> Call<Op> {
    pub(crate) fn new(operation: Op) -> Self {
        Self {
            operation,
            options: None,
        }
    }

    /// Options for this call only, overriding the client's settings (retries,
    /// timeouts, server URL, extra headers); see [`RequestOptions`] for the
    /// merge rule. Setting options again replaces them.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = Some(options);
        self
    }
}

impl<Op: Operation> IntoFuture for Call<Op> {
    type Output = Result<Op::Output, Error>;
    type IntoFuture = Op::Future;

    fn into_future(self) -> Self::IntoFuture {
        self.operation.send(self.options)
    }
}

impl<Op> fmt::Debug for Call<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The operation a [`Call`] sends, with the type of its answer as `Output`.
///
/// The SDK implements it for each of its operations; there is nothing to
/// implement or call on it in user code. It appears in signatures as
/// `Call<impl Operation<Output = ApiResponseSessionInfo>>`, which reads "a call
/// whose answer is an `ApiResponseSessionInfo`".
pub trait Operation: sealed::Sealed {
    /// What a successful call returns.
    type Output;
    /// The future that sends the call; `Send`, so a call can run on any
    /// task of a multi-threaded runtime.
    type Future: Future<Output = Result<Self::Output, Error>> + Send;

    /// Starts the call with its per-call options.
    #[doc(hidden)]
    fn send(self, options: Option<RequestOptions>) -> Self::Future;
}

impl<F, Fut, T> Operation for F
where
    F: FnOnce(Option<RequestOptions>) -> Fut,
    Fut: Future<Output = Result<T, Error>> + Send,
{
    type Output = T;
    type Future = Fut;

    fn send(self, options: Option<RequestOptions>) -> Fut {
        self(options)
    }
}

mod sealed {
    use std::future::Future;

    use crate::{Error, RequestOptions};

    /// Keeps [`Operation`](super::Operation) to the SDK's own operations.
    pub trait Sealed {}

    impl<F, Fut, T> Sealed for F
    where
        F: FnOnce(Option<RequestOptions>) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send,
    {
    }
}

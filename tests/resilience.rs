//! Cancellation and pool health against the sandbox: dropped calls at every
//! stage leave the client working with no stray tasks, and servers that close
//! idle keep-alive connections never turn a GET into a user-visible error.

use std::future::{Future, IntoFuture};
use std::time::Duration;

use blackbox::core::Jitter;
use blackbox::{Blackbox, RetryConfig};
use blackbox_sandbox::{Fault, Operation, Sandbox, SandboxBuilder};

/// The sandbox runs on its own runtime, so the client runtime's task count is
/// the client's alone.
struct Server {
    runtime: tokio::runtime::Runtime,
    sandbox: Option<Sandbox>,
}

impl Server {
    fn start(builder: SandboxBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(builder.start()).unwrap();
        Self {
            runtime,
            sandbox: Some(sandbox),
        }
    }

    fn sandbox(&self) -> &Sandbox {
        self.sandbox.as_ref().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.shutdown());
        }
    }
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn client(sandbox: &Sandbox, idle: Option<Duration>) -> Blackbox {
    let mut builder = Blackbox::builder()
        .server_url(sandbox.base_url())
        .token(sandbox.demo_token())
        .pool_idle_timeout(idle)
        .retry(
            RetryConfig::default()
                .with_initial_interval(Duration::from_millis(20))
                .with_jitter(Jitter::None),
        )
        // Hundreds of calls here are dropped while backing off after a 503;
        // a retry budget would (rightly) stop retrying them part-way through.
        .retry_budget(None);
    if let Some(ca) = sandbox.ca_pem() {
        builder = builder
            .tls_built_in_roots(false)
            .add_root_certificate_pem(ca);
    }
    builder.build().unwrap()
}

/// A small deterministic generator: reproducible "random" drop points.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

#[test]
fn a_thousand_dropped_calls_leave_the_client_working_and_no_task_behind() {
    for tls in [false, true] {
        let server = Server::start(Sandbox::builder().tls(tls));
        let sandbox = server.sandbox();
        let runtime = client_runtime();
        let blackbox = client(sandbox, Some(Duration::from_secs(30)));
        let mut random = Lcg(42);
        runtime.block_on(async {
            blackbox
                .session_management()
                .get_session_stats()
                .await
                .unwrap();
            let mut stages = [0u32; 4];
            for _ in 0..1000 {
                // Where the drop lands: before send, waiting for headers, mid-body, in backoff.
                let stage = random.below(4) as usize;
                stages[stage] += 1;
                let (fault, drop_after) = match stage {
                    0 => (None, Duration::ZERO),
                    1 => (
                        Some(Fault::DelayBeforeHeaders(Duration::from_millis(50))),
                        Duration::from_millis(5 + random.below(20)),
                    ),
                    2 => (
                        Some(Fault::DelayMidBody(Duration::from_millis(50))),
                        Duration::from_millis(5 + random.below(20)),
                    ),
                    _ => (
                        Some(Fault::status(503)),
                        Duration::from_millis(5 + random.below(10)),
                    ),
                };
                // Stage 0 uses its own operation: a request dropped after one poll
                // may still reach the server later, and must not eat a fault.
                let operation = if stage == 0 {
                    Operation::GetSessionStats
                } else {
                    Operation::ListSessions
                };
                if let Some(fault) = fault {
                    sandbox.faults().push(operation, fault);
                }
                if stage == 0 {
                    let call = blackbox
                        .session_management()
                        .get_session_stats()
                        .into_future();
                    // Polled once (the request is handed to the pool), then dropped.
                    let mut call = std::pin::pin!(call);
                    let finished = std::future::poll_fn(|context| {
                        std::task::Poll::Ready(call.as_mut().poll(context).is_ready())
                    })
                    .await;
                    assert!(!finished, "one poll cannot finish a network call");
                } else {
                    let call = blackbox.session_management().list_sessions();
                    let outcome = tokio::time::timeout(drop_after, call).await;
                    assert!(
                        outcome.is_err(),
                        "stage {stage}: the call was dropped before it ended"
                    );
                    // The fault is consumed once the dropped request has arrived;
                    // only then may the next iteration script another.
                    for _ in 0..100 {
                        if sandbox.faults().pending(operation) == 0 {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    sandbox.faults().clear();
                }
            }
            sandbox.faults().clear();
            assert!(
                stages.iter().all(|count| *count > 150),
                "every stage was exercised: {stages:?}"
            );
            // Connection tasks of dropped calls wind down; give them a moment.
            tokio::time::sleep(Duration::from_millis(200)).await;
            for _ in 0..20 {
                let list = blackbox.session_management().list_sessions().await.unwrap();
                assert!(list.success);
            }
            let alive = tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks();
            // Only pooled connection tasks may remain (one per idle connection).
            assert!(
                alive <= 8,
                "tls={tls}: {alive} tasks still alive after the drops"
            );
        });
        drop(runtime);
    }
}

#[test]
fn a_server_closing_idle_connections_never_fails_a_get() {
    // The server closes keep-alive connections idle for 150 ms; the client would
    // keep them for 30 s, so it must notice the close (or retry) on its own.
    let server =
        Server::start(Sandbox::builder().idle_connection_timeout(Duration::from_millis(150)));
    let sandbox = server.sandbox();
    let runtime = client_runtime();
    let blackbox = client(sandbox, Some(Duration::from_secs(30)));
    let mut random = Lcg(7);
    runtime.block_on(async {
        for _ in 0..30 {
            blackbox
                .session_management()
                .get_session_stats()
                .await
                .unwrap();
            // Around the server's idle timeout: before, at and after it.
            tokio::time::sleep(Duration::from_millis(100 + random.below(100))).await;
        }
    });
    assert!(
        sandbox.connection_count() > 1,
        "the server did close idle connections"
    );
}

#[test]
fn the_client_pool_idle_timeout_really_fires() {
    // The server keeps connections; the client drops idle ones after 100 ms.
    let server = Server::start(Sandbox::builder());
    let sandbox = server.sandbox();
    let runtime = client_runtime();
    let blackbox = client(sandbox, Some(Duration::from_millis(100)));
    runtime.block_on(async {
        blackbox
            .session_management()
            .get_session_stats()
            .await
            .unwrap();
        blackbox
            .session_management()
            .get_session_stats()
            .await
            .unwrap();
        assert_eq!(sandbox.connection_count(), 1, "reused while fresh");
        tokio::time::sleep(Duration::from_millis(400)).await;
        blackbox
            .session_management()
            .get_session_stats()
            .await
            .unwrap();
    });
    assert_eq!(
        sandbox.connection_count(),
        2,
        "a new connection after the idle timeout"
    );
}

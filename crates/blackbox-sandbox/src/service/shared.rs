//! State shared by every connection of one sandbox: the session store, the
//! fault scripts, the clock, the counters and the request log.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use tokio::sync::watch;

use crate::clock::Clock;
use crate::faults::Faults;
use crate::operation::Operation;
use crate::request_log::RequestLog;
use crate::state::Store;

/// State shared by every connection of one sandbox.
pub(crate) struct Shared {
    store: Mutex<Store>,
    pub(crate) faults: Faults,
    pub(crate) clock: Clock,
    pub(crate) requests: RequestLog,
    /// Becomes `true` when the sandbox shuts down (ends stall faults).
    pub(crate) shutdown: watch::Receiver<bool>,
    counts: [AtomicU64; 7],
    total: AtomicU64,
    connections: AtomicU64,
}

impl Shared {
    /// Empty state with a request log of `log_capacity` records.
    pub(crate) fn new(log_capacity: usize, shutdown: watch::Receiver<bool>) -> Shared {
        Shared {
            store: Mutex::default(),
            faults: Faults::default(),
            clock: Clock::default(),
            requests: RequestLog::new(log_capacity),
            shutdown,
            counts: Default::default(),
            total: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        }
    }

    /// The session store. A poisoned lock is recovered: every mutation of the
    /// store is a single `Vec` operation that cannot leave it inconsistent.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn count_connection(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one arrived request, routed or not.
    pub(crate) fn count_request(&self) {
        self.total.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one request routed to `op`.
    pub(crate) fn count_operation(&self, op: Operation) {
        self.counts[op.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn request_count(&self, op: Operation) -> u64 {
        self.counts[op.index()].load(Ordering::Relaxed)
    }

    pub(crate) fn total_requests(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    pub(crate) fn connection_count(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }
}

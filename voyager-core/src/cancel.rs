//! Cancelling a call: a token the caller keeps and cancels from any thread (a C program's other
//! thread, Python's Ctrl-C, a Go context). A cancelled call drops its work (closing its
//! connections) and returns an error with reason `cancelled` promptly.

use std::cell::RefCell;
use std::future::Future;

pub use tokio_util::sync::CancellationToken as CancelToken;

use crate::{Error, Result};

thread_local! {
    /// The token of the blocking call running on this thread, if its caller gave one.
    static CURRENT: RefCell<Option<CancelToken>> = const { RefCell::new(None) };
}

/// The error of a cancelled call.
pub fn cancelled_error() -> Error {
    Error::cancelled("the call was cancelled")
}

/// Run `body` (blocking calls of [`crate::blocking`]) so that cancelling `cancel` ends it: every
/// blocking call inside returns a `Cancelled` error at once. `None` runs it as is.
pub fn with_cancel<T>(cancel: Option<&CancelToken>, body: impl FnOnce() -> T) -> T {
    struct Restore(Option<CancelToken>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|slot| *slot.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|slot| std::mem::replace(&mut *slot.borrow_mut(), cancel.cloned()));
    let _restore = Restore(previous);
    body()
}

/// The token [`with_cancel`] set for this thread.
pub(crate) fn current() -> Option<CancelToken> {
    CURRENT.with(|slot| slot.borrow().clone())
}

/// `future`, or a `Cancelled` error as soon as `cancel` is cancelled (the future is dropped).
pub async fn cancellable<T>(cancel: &CancelToken, future: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(cancelled_error()),
        output = future => output,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn a_cancelled_token_ends_a_blocking_call_at_once() {
        let token = CancelToken::new();
        let canceller = token.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            canceller.cancel();
        });
        let started = Instant::now();
        let err = with_cancel(Some(&token), || {
            crate::runtime::block_on(async { tokio::time::sleep(Duration::from_secs(30)).await })
        })
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(err.reason(), crate::error::Reason::Cancelled);
        assert_eq!(err.kind(), crate::ErrorKind::Cancelled);
        // The token is the call's only: the next call on this thread runs as usual.
        assert!(crate::runtime::block_on(async { 1 }).is_ok());
    }
}

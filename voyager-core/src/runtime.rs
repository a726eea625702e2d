//! The one async runtime the library owns. C calls and blocking Python calls run on it; the CLI
//! uses it too, so every front drives the core the same way.

use std::future::Future;
use std::sync::OnceLock;

use crate::{Error, Result};

struct Owned {
    runtime: tokio::runtime::Runtime,
    pid: u32,
}

static RUNTIME: OnceLock<std::result::Result<Owned, String>> = OnceLock::new();

/// The library's runtime, created on first use.
///
/// A runtime's worker threads do not survive `fork()`, so a forked child (Python's
/// multiprocessing with the fork start method) gets a clear error instead of a deadlock.
pub fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    let owned = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("voyager")
            .build()
            .map(|runtime| Owned {
                runtime,
                pid: std::process::id(),
            })
            .map_err(|e| format!("could not start libvoyager's async runtime: {e}"))
    });
    match owned {
        Ok(owned) if owned.pid == std::process::id() => Ok(&owned.runtime),
        Ok(_) => Err(Error::internal(
            "libvoyager was used before this process was forked; its runtime does not survive fork(): \
             use the 'spawn' start method for multiprocessing",
        )),
        Err(message) => Err(Error::internal(message.clone())),
    }
}

/// Run `future` to completion on the library's runtime, blocking the calling thread.
///
/// Inside [`crate::cancel::with_cancel`], cancelling its token drops the future and returns a
/// `Cancelled` error at once.
///
/// Must not be called from inside the runtime itself (from async code); that is a bug and is
/// reported as one rather than panicking.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::internal(
            "a blocking libvoyager call was made from inside an async runtime; use the async API there",
        ));
    }
    let runtime = runtime()?;
    match crate::cancel::current() {
        None => Ok(runtime.block_on(future)),
        Some(cancel) => runtime.block_on(async move {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => Err(crate::cancel::cancelled_error()),
                output = future => Ok(output),
            }
        }),
    }
}

/// Run `future` to completion on the library's runtime, blocking the calling thread, and call
/// `check` every `every` meanwhile: when it fails, the future is dropped (its connections closed,
/// its work cancelled) and the check's error returned. Python checks its signals this way, so
/// Ctrl-C interrupts any call.
pub fn block_on_checked<F: Future, E>(
    future: F,
    every: std::time::Duration,
    mut check: impl FnMut() -> std::result::Result<(), E>,
) -> Result<std::result::Result<F::Output, E>> {
    block_on(async move {
        let mut future = std::pin::pin!(future);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                output = &mut future => return Ok(output),
                _ = tick.tick() => check()?,
            }
        }
    })
}

//! The library's log events (`tracing`), handed to the embedding program: a C callback, Python's
//! `logging`. The CLI prints them itself. Every message is redacted first: no password reaches a
//! log.

use std::sync::{Arc, OnceLock, RwLock};

use tracing::Level;
use tracing_subscriber::layer::SubscriberExt;

/// How severe a log event is. The numbers are the C ABI's `voyager_log_level` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i32)]
pub enum LogLevel {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl From<&Level> for LogLevel {
    fn from(level: &Level) -> Self {
        match *level {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            Level::DEBUG => LogLevel::Debug,
            Level::TRACE => LogLevel::Trace,
        }
    }
}

/// Where log events go: called on whichever thread logged, with the redacted message.
pub type LogSink = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

struct Installed {
    sink: LogSink,
    max: LogLevel,
}

static SINK: RwLock<Option<Installed>> = RwLock::new(None);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Send the library's log events up to `max` to `sink` (None: send them nowhere). Returns false
/// when the process already has another `tracing` subscriber, which then gets them instead.
pub fn set_sink(sink: Option<LogSink>, max: LogLevel) -> bool {
    let installed = *INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(SinkLayer);
        tracing::subscriber::set_global_default(subscriber).is_ok()
    });
    if let Ok(mut slot) = SINK.write() {
        *slot = sink.map(|sink| Installed { sink, max });
    }
    installed
}

struct SinkLayer;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for SinkLayer {
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: tracing_subscriber::layer::Context<'_, S>) -> bool {
        SINK.read()
            .ok()
            .and_then(|slot| slot.as_ref().map(|i| LogLevel::from(metadata.level()) <= i.max))
            .unwrap_or(false)
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let sink = match SINK.read() {
            Ok(slot) => match slot.as_ref() {
                Some(i) if LogLevel::from(event.metadata().level()) <= i.max => i.sink.clone(),
                _ => return,
            },
            Err(_) => return,
        };
        let mut text = Message(String::new());
        event.record(&mut text);
        sink(event.metadata().level().into(), &crate::connection::redact(&text.0));
    }
}

/// The event's message, then its other fields as `name=value`.
struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.insert_str(0, &format!("{value:?}"));
        } else {
            self.0.push_str(&format!(" {}={value:?}", field.name()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn events_reach_the_sink_redacted_and_filtered_by_level() {
        let seen: Arc<Mutex<Vec<(LogLevel, String)>>> = Arc::default();
        let into = seen.clone();
        assert!(set_sink(
            Some(Arc::new(move |level, text: &str| into
                .lock()
                .unwrap()
                .push((level, text.to_string())))),
            LogLevel::Info,
        ));
        tracing::warn!("could not reach postgresql://u:Sekr1t@h/db");
        tracing::debug!("too fine to pass");
        set_sink(None, LogLevel::Info);
        tracing::warn!("after the sink is gone");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].0, LogLevel::Warn);
        assert!(
            seen[0].1.contains("could not reach") && !seen[0].1.contains("Sekr1t"),
            "{seen:?}"
        );
    }
}

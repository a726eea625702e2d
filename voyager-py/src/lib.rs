//! The Python module `voyager._voyager`: a thin layer over voyager-core. Structured values cross
//! as JSON text; the pure-Python package `libvoyager` turns them into typed objects. Every blocking
//! call releases the GIL and runs on the library's one runtime.

mod cli;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use voyager_core::{Error, ErrorKind};

create_exception!(_voyager, VoyagerError, PyException, "Every libvoyager failure.");
create_exception!(
    _voyager,
    InvalidArgumentError,
    VoyagerError,
    "A malformed argument (connection string, key, JSON, UUID)."
);
create_exception!(
    _voyager,
    ConfigError,
    VoyagerError,
    "A config file is unreadable, malformed or holds a wrong value."
);
create_exception!(
    _voyager,
    ConnectionFailedError,
    VoyagerError,
    "A database could not be reached or refused the connection."
);
create_exception!(
    _voyager,
    NotFoundError,
    VoyagerError,
    "What was asked for does not exist."
);
create_exception!(
    _voyager,
    ControlPlaneError,
    VoyagerError,
    "The control-plane database failed."
);
create_exception!(
    _voyager,
    StorageError,
    VoyagerError,
    "A file or directory could not be read or written."
);
create_exception!(
    _voyager,
    AlreadyExistsError,
    VoyagerError,
    "Something exists already and would be overwritten."
);
create_exception!(
    _voyager,
    MissingAnswerError,
    VoyagerError,
    "A journey needs an answer that was not given."
);
create_exception!(_voyager, CancelledError, VoyagerError, "The work was interrupted.");
create_exception!(_voyager, InternalError, VoyagerError, "A bug in libvoyager.");

/// The one mapping of core error kinds onto the exception classes. The exception carries the
/// error's structure as attributes (kind, reason, sqlstate, retryable, subject) and pickles
/// (BaseException pickles its args and `__dict__`).
fn to_py(err: Error) -> PyErr {
    let message = err.render(voyager_core::error::Front::Python);
    let py_err = match err.kind() {
        ErrorKind::InvalidArgument => InvalidArgumentError::new_err(message),
        ErrorKind::Config => ConfigError::new_err(message),
        ErrorKind::Connection => ConnectionFailedError::new_err(message),
        ErrorKind::NotFound => NotFoundError::new_err(message),
        ErrorKind::ControlPlane => ControlPlaneError::new_err(message),
        ErrorKind::Io => StorageError::new_err(message),
        ErrorKind::AlreadyExists => AlreadyExistsError::new_err(message),
        ErrorKind::MissingAnswer => MissingAnswerError::new_err(message),
        ErrorKind::Cancelled => CancelledError::new_err(message),
        ErrorKind::Internal => InternalError::new_err(message),
    };
    Python::attach(|py| {
        let value = py_err.value(py);
        let subject = err.subject();
        let set = || -> PyResult<()> {
            value.setattr("kind", err.kind().as_str())?;
            value.setattr("reason", err.reason().as_str())?;
            value.setattr("sqlstate", err.sqlstate())?;
            value.setattr("retryable", err.retryable())?;
            let dict = pyo3::types::PyDict::new(py);
            dict.set_item("host", subject.host.as_deref())?;
            dict.set_item("port", subject.port)?;
            dict.set_item("database", subject.database.as_deref())?;
            value.setattr("subject", dict)
        };
        // Setting plain attributes on a new exception cannot fail short of memory exhaustion.
        let _ = set();
    });
    py_err
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> PyResult<T> {
    serde_json::from_str(text).map_err(|e| to_py(Error::invalid_argument(format!("{what}: {e}"))))
}

fn to_json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| to_py(Error::internal(format!("could not serialise a result: {e}"))))
}

/// Run a blocking core call with the GIL released; a panic becomes `InternalError`.
fn blocking<T: Send>(py: Python<'_>, call: impl FnOnce() -> voyager_core::Result<T> + Send) -> PyResult<T> {
    py.detach(|| voyager_core::error::catch_panic(call)).map_err(to_py)
}

/// An awaitable of a core future whose result crosses as JSON; a panic becomes `InternalError`.
fn awaitable<'py, T: serde::Serialize + Send + 'static>(
    py: Python<'py>,
    future: impl std::future::Future<Output = voyager_core::Result<T>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    ensure_async_runtime()?;
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let result = voyager_core::error::catch_panic_async(future).await.map_err(to_py)?;
        to_json(&result)
    })
}

/// How often a running call looks for Ctrl-C (KeyboardInterrupt) and other signals.
const SIGNAL_CHECK: std::time::Duration = std::time::Duration::from_millis(100);

/// Run a core call with the GIL released, taking it back briefly every 100 ms to run Python's
/// signal handlers: Ctrl-C drops the call (closing its connections) and raises
/// KeyboardInterrupt within a fraction of a second.
fn interruptible<T: Send>(
    py: Python<'_>,
    call: impl std::future::Future<Output = voyager_core::Result<T>> + Send,
) -> PyResult<T> {
    let ran = py.detach(|| {
        voyager_core::runtime::block_on_checked(call, SIGNAL_CHECK, || Python::attach(|py| py.check_signals()))
    });
    match ran {
        Ok(Ok(result)) => result.map_err(to_py),
        Ok(Err(interrupted)) => Err(interrupted),
        Err(e) => Err(to_py(e)),
    }
}

/// init with every answer given up front (JSON of InitAnswers); returns InitOutcome as JSON.
#[pyfunction]
fn init(py: Python<'_>, answers_json: &str) -> PyResult<String> {
    let answers = from_json(answers_json, "init answers")?;
    let outcome = interruptible(py, voyager_core::init::run(answers))?;
    to_json(&outcome)
}

/// The awaitable form of `init`.
#[pyfunction]
fn init_async<'py>(py: Python<'py>, answers_json: &str) -> PyResult<Bound<'py, PyAny>> {
    let answers = from_json(answers_json, "init answers")?;
    awaitable(py, voyager_core::init::run(answers))
}

/// start-migration with every answer given up front (JSON of StartMigrationAnswers); returns
/// StartMigrationOutcome as JSON.
#[pyfunction]
fn start_migration(py: Python<'_>, answers_json: &str) -> PyResult<String> {
    let answers = from_json(answers_json, "start-migration answers")?;
    let outcome = interruptible(py, voyager_core::start_migration::run(answers))?;
    to_json(&outcome)
}

/// The awaitable form of `start_migration`.
#[pyfunction]
fn start_migration_async<'py>(py: Python<'py>, answers_json: &str) -> PyResult<Bound<'py, PyAny>> {
    let answers = from_json(answers_json, "start-migration answers")?;
    awaitable(py, voyager_core::start_migration::run(answers))
}

/// pyo3-async-runtimes runs awaitables on the library's own runtime.
fn ensure_async_runtime() -> PyResult<()> {
    let runtime = voyager_core::runtime::runtime().map_err(to_py)?;
    // Already set (by an earlier call) is fine.
    let _ = pyo3_async_runtimes::tokio::init_with_runtime(runtime);
    Ok(())
}

/// What a progress callback raised, kept to be raised from the call it interrupted.
#[derive(Clone, Default)]
struct CallbackFailure {
    raised: std::sync::Arc<std::sync::Mutex<Option<PyErr>>>,
    stop: voyager_core::cancel::CancelToken,
}

impl CallbackFailure {
    fn take(&self) -> Option<PyErr> {
        self.raised.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// A core progress function that calls a Python callable (with the GIL) with the event as JSON.
/// An exception it raises stops the call (through `failure.stop`) and is raised from the call.
fn python_progress<T: serde::Serialize>(
    callback: Option<Py<PyAny>>,
    failure: &CallbackFailure,
) -> Option<voyager_core::OnProgress<T>> {
    let callback = callback?;
    let failure = failure.clone();
    Some(std::sync::Arc::new(move |progress: &T| {
        if failure.stop.is_cancelled() {
            return;
        }
        Python::attach(|py| {
            let text = serde_json::to_string(progress).unwrap_or_default();
            if let Err(e) = callback.call1(py, (text,)) {
                if let Ok(mut slot) = failure.raised.lock() {
                    slot.get_or_insert(e);
                }
                failure.stop.cancel();
            }
        });
    }))
}

/// [`interruptible`] for a call with a progress callback: an exception raised by the callback
/// ends the call and is raised from it.
fn interruptible_with_progress<T: Send>(
    py: Python<'_>,
    failure: &CallbackFailure,
    call: impl std::future::Future<Output = voyager_core::Result<T>> + Send,
) -> PyResult<T> {
    let result = interruptible(py, voyager_core::cancel::cancellable(&failure.stop, call));
    match failure.take() {
        Some(raised) => Err(raised),
        None => result,
    }
}

/// Assess one database (JSON of AssessRequest); returns {"outcome", "report"} as JSON.
/// `progress`, if given, is called with each step as JSON text.
#[pyfunction]
#[pyo3(signature = (request_json, progress=None))]
fn assess(py: Python<'_>, request_json: &str, progress: Option<Py<PyAny>>) -> PyResult<String> {
    let request = from_json(request_json, "assess request")?;
    let failure = CallbackFailure::default();
    let progress = python_progress(progress, &failure);
    let result = interruptible_with_progress(py, &failure, voyager_core::assess_migration::run(request, progress))?;
    to_json(&result)
}

/// The awaitable form of `assess`.
#[pyfunction]
#[pyo3(signature = (request_json, progress=None))]
fn assess_async<'py>(py: Python<'py>, request_json: &str, progress: Option<Py<PyAny>>) -> PyResult<Bound<'py, PyAny>> {
    let request = from_json(request_json, "assess request")?;
    let failure = CallbackFailure::default();
    let progress = python_progress(progress, &failure);
    ensure_async_runtime()?;
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let run = voyager_core::assess_migration::run(request, progress);
        let result =
            voyager_core::error::catch_panic_async(voyager_core::cancel::cancellable(&failure.stop, run)).await;
        if let Some(raised) = failure.take() {
            return Err(raised);
        }
        to_json(&result.map_err(to_py)?)
    })
}

/// The control plane's status, as JSON.
#[pyfunction]
fn control_plane_status(py: Python<'_>, control_plane: &str) -> PyResult<String> {
    let status = interruptible(py, voyager_core::control_plane::status(control_plane))?;
    to_json(&status)
}

/// Assess a fleet (request: JSON of FleetRequest); returns FleetOutcome as JSON. Ctrl-C
/// (KeyboardInterrupt) stops it cleanly: the running assessments are dropped and their claims
/// given back, then the KeyboardInterrupt is raised.
#[pyfunction]
#[pyo3(signature = (request_json, progress=None))]
fn assess_fleet(py: Python<'_>, request_json: &str, progress: Option<Py<PyAny>>) -> PyResult<String> {
    let request: voyager_core::fleet::FleetRequest = from_json(request_json, "fleet request")?;
    // Ctrl-C and an exception in the progress callback both stop the fleet through one token.
    let failure = CallbackFailure::default();
    let cancel = failure.stop.clone();
    let runtime = voyager_core::runtime::runtime().map_err(to_py)?;
    let handle = runtime.spawn(voyager_core::fleet::run(
        request,
        python_progress(progress, &failure),
        cancel.clone(),
    ));
    let mut interrupted = None;
    while !handle.is_finished() {
        py.detach(|| std::thread::sleep(std::time::Duration::from_millis(50)));
        if let Err(e) = py.check_signals() {
            cancel.cancel();
            interrupted = Some(e);
            break;
        }
    }
    let joined = py.detach(|| voyager_core::runtime::block_on(handle)).map_err(to_py)?;
    // What stopped the run is what the caller hears, whatever the run said while stopping.
    if let Some(e) = interrupted.or_else(|| failure.take()) {
        return Err(e);
    }
    let outcome = joined
        .map_err(|e| to_py(voyager_core::Error::internal(format!("the fleet run failed: {e}"))))?
        .map_err(to_py)?;
    to_json(&outcome)
}

/// A fleet's databases with their latest assessment, as JSON.
#[pyfunction]
fn fleet_list(py: Python<'_>, control_plane: &str, fleet: &str) -> PyResult<String> {
    let rows = interruptible(py, voyager_core::fleet::list(control_plane, fleet, Default::default()))?;
    to_json(&rows)
}

/// A fleet ranked (fleet: None for the only one; weights: a TOML file, or None for the
/// defaults), as JSON.
#[pyfunction]
#[pyo3(signature = (control_plane, fleet=None, weights_file=None))]
fn fleet_rank(
    py: Python<'_>,
    control_plane: &str,
    fleet: Option<&str>,
    weights_file: Option<&str>,
) -> PyResult<String> {
    let weights = match weights_file {
        Some(path) => voyager_core::fleet::rank::Weights::load(std::path::Path::new(path)).map_err(to_py)?,
        None => Default::default(),
    };
    let ranked = interruptible(py, async {
        let fleet = voyager_core::fleet::fleet_name(control_plane, fleet).await?;
        voyager_core::fleet::rank(control_plane, &fleet, &weights).await
    })?;
    to_json(&ranked)
}

/// Every database the control plane knows, ranked (request: JSON of RankRequest), as JSON.
#[pyfunction]
fn rank(py: Python<'_>, control_plane: &str, request_json: &str) -> PyResult<String> {
    let request = from_json(request_json, "rank request")?;
    let ranked = interruptible(py, voyager_core::ranking::rank(control_plane, &request))?;
    to_json(&ranked)
}

/// What changed between two assessment runs of a migration, as JSON.
#[pyfunction]
#[pyo3(signature = (control_plane, migration_uuid, from_run=None, to_run=None))]
fn control_plane_diff(
    py: Python<'_>,
    control_plane: &str,
    migration_uuid: &str,
    from_run: Option<i32>,
    to_run: Option<i32>,
) -> PyResult<String> {
    let diff = interruptible(
        py,
        voyager_core::control_plane::diff(control_plane, migration_uuid, from_run, to_run),
    )?;
    to_json(&diff)
}

/// Remove libvoyager's rows of a migration (and yugabyted's with include_yugabyted), as JSON.
#[pyfunction]
#[pyo3(signature = (control_plane, migration_uuid, include_yugabyted=false))]
fn control_plane_forget(
    py: Python<'_>,
    control_plane: &str,
    migration_uuid: &str,
    include_yugabyted: bool,
) -> PyResult<String> {
    let outcome = interruptible(
        py,
        voyager_core::control_plane::forget(control_plane, migration_uuid, include_yugabyted),
    )?;
    to_json(&outcome)
}

/// Every migration with its latest assessment (filter: JSON of ListFilter), as JSON.
#[pyfunction]
fn control_plane_list(py: Python<'_>, control_plane: &str, filter_json: &str) -> PyResult<String> {
    let filter = from_json(filter_json, "list filter")?;
    let rows = interruptible(py, voyager_core::control_plane::list(control_plane, &filter))?;
    to_json(&rows)
}

/// A migration's latest assessment and history, as JSON.
#[pyfunction]
fn control_plane_show(py: Python<'_>, control_plane: &str, migration_uuid: &str) -> PyResult<String> {
    let details = interruptible(py, voyager_core::control_plane::show(control_plane, migration_uuid))?;
    to_json(&details)
}

/// Store an export dir's report in the control plane (JSON of AssessRequest), as JSON.
#[pyfunction]
fn control_plane_push(py: Python<'_>, request_json: &str) -> PyResult<String> {
    let request = from_json(request_json, "push request")?;
    let written = interruptible(py, voyager_core::assess_migration::push(request))?;
    to_json(&written)
}

/// The awaitable form of `control_plane_status`.
#[pyfunction]
fn control_plane_status_async<'py>(py: Python<'py>, control_plane: String) -> PyResult<Bound<'py, PyAny>> {
    awaitable(
        py,
        async move { voyager_core::control_plane::status(&control_plane).await },
    )
}

/// The awaitable form of `control_plane_list`.
#[pyfunction]
fn control_plane_list_async<'py>(
    py: Python<'py>,
    control_plane: String,
    filter_json: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let filter: voyager_core::control_plane::ListFilter = from_json(filter_json, "list filter")?;
    awaitable(py, async move {
        voyager_core::control_plane::list(&control_plane, &filter).await
    })
}

/// The awaitable form of `control_plane_show`.
#[pyfunction]
fn control_plane_show_async<'py>(
    py: Python<'py>,
    control_plane: String,
    migration_uuid: String,
) -> PyResult<Bound<'py, PyAny>> {
    awaitable(py, async move {
        voyager_core::control_plane::show(&control_plane, &migration_uuid).await
    })
}

/// The awaitable form of `control_plane_push`.
#[pyfunction]
fn control_plane_push_async<'py>(py: Python<'py>, request_json: &str) -> PyResult<Bound<'py, PyAny>> {
    let request = from_json(request_json, "push request")?;
    awaitable(py, voyager_core::assess_migration::push(request))
}

/// The awaitable form of `control_plane_diff`.
#[pyfunction]
#[pyo3(signature = (control_plane, migration_uuid, from_run=None, to_run=None))]
fn control_plane_diff_async<'py>(
    py: Python<'py>,
    control_plane: String,
    migration_uuid: String,
    from_run: Option<i32>,
    to_run: Option<i32>,
) -> PyResult<Bound<'py, PyAny>> {
    awaitable(py, async move {
        voyager_core::control_plane::diff(&control_plane, &migration_uuid, from_run, to_run).await
    })
}

/// The awaitable form of `control_plane_forget`.
#[pyfunction]
#[pyo3(signature = (control_plane, migration_uuid, include_yugabyted=false))]
fn control_plane_forget_async<'py>(
    py: Python<'py>,
    control_plane: String,
    migration_uuid: String,
    include_yugabyted: bool,
) -> PyResult<Bound<'py, PyAny>> {
    awaitable(py, async move {
        voyager_core::control_plane::forget(&control_plane, &migration_uuid, include_yugabyted).await
    })
}

/// The awaitable form of `fleet_list`.
#[pyfunction]
fn fleet_list_async<'py>(py: Python<'py>, control_plane: String, fleet: String) -> PyResult<Bound<'py, PyAny>> {
    awaitable(py, async move {
        voyager_core::fleet::list(&control_plane, &fleet, Default::default()).await
    })
}

/// The awaitable form of `fleet_rank`.
#[pyfunction]
#[pyo3(signature = (control_plane, fleet=None, weights_file=None))]
fn fleet_rank_async<'py>(
    py: Python<'py>,
    control_plane: String,
    fleet: Option<String>,
    weights_file: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let weights = match weights_file {
        Some(path) => voyager_core::fleet::rank::Weights::load(std::path::Path::new(&path)).map_err(to_py)?,
        None => Default::default(),
    };
    awaitable(py, async move {
        let fleet = voyager_core::fleet::fleet_name(&control_plane, fleet.as_deref()).await?;
        voyager_core::fleet::rank(&control_plane, &fleet, &weights).await
    })
}

/// The awaitable form of `rank`.
#[pyfunction]
fn rank_async<'py>(py: Python<'py>, control_plane: String, request_json: &str) -> PyResult<Bound<'py, PyAny>> {
    let request: voyager_core::ranking::RankRequest = from_json(request_json, "rank request")?;
    awaitable(py, async move {
        voyager_core::ranking::rank(&control_plane, &request).await
    })
}

/// The awaitable form of `assess_fleet`. The run goes on the library's runtime; cancelling the
/// awaitable cancels the run's token, so the running assessments stop and their claims are
/// given back (the run ends as it does on Ctrl-C).
#[pyfunction]
#[pyo3(signature = (request_json, progress=None))]
fn assess_fleet_async<'py>(
    py: Python<'py>,
    request_json: &str,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let request: voyager_core::fleet::FleetRequest = from_json(request_json, "fleet request")?;
    // Cancelling the awaitable and an exception in the progress callback both stop the run
    // through one token; the callback's exception is what the awaitable raises.
    let failure = CallbackFailure::default();
    let progress = python_progress(progress, &failure);
    let runtime = voyager_core::runtime::runtime().map_err(to_py)?;
    ensure_async_runtime()?;
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let cancel = failure.stop.clone();
        // Dropped (the awaitable cancelled) before the run ends: the run is told to stop.
        let _stop_on_drop = cancel.clone().drop_guard();
        let run = runtime
            .spawn(voyager_core::fleet::run(request, progress, cancel))
            .await
            .map_err(|e| voyager_core::Error::internal(format!("the fleet run failed: {e}")));
        if let Some(raised) = failure.take() {
            return Err(raised);
        }
        to_json(&run.and_then(|r| r).map_err(to_py)?)
    })
}

/// Parse a connection string; returns its ConnectionInfo (never the password) as JSON.
#[pyfunction]
fn parse_connection_string(text: &str) -> PyResult<String> {
    let conn =
        voyager_core::error::catch_panic(|| voyager_core::connection::ConnectionString::parse(text)).map_err(to_py)?;
    to_json(&conn.info())
}

/// Remove passwords from any text that may hold connection strings.
#[pyfunction]
fn redact(text: &str) -> String {
    voyager_core::connection::redact(text)
}

/// A config file in memory. Values cross as JSON text.
#[pyclass(module = "libvoyager._voyager")]
struct Config {
    inner: voyager_core::config::Config,
}

#[pymethods]
impl Config {
    /// A new, empty config for the file at `path`.
    #[new]
    fn new(path: &str) -> PyResult<Self> {
        Ok(Config {
            inner: voyager_core::config::Config::new(path).map_err(to_py)?,
        })
    }

    /// Load and check the config file at `path`.
    #[staticmethod]
    fn load(path: &str) -> PyResult<Self> {
        Ok(Config {
            inner: voyager_core::config::Config::load(path).map_err(to_py)?,
        })
    }

    #[getter]
    fn path(&self) -> String {
        self.inner.path().display().to_string()
    }

    #[getter]
    fn format(&self) -> &'static str {
        match self.inner.format() {
            voyager_core::config::ConfigFormat::Toml => "toml",
            voyager_core::config::ConfigFormat::Yaml => "yaml",
        }
    }

    fn get_json(&self, key: &str) -> Option<String> {
        self.inner.get(key).map(|v| v.to_string())
    }

    fn set_json(&mut self, key: &str, value_json: &str) -> PyResult<()> {
        let value = from_json(value_json, "config value")?;
        self.inner.set(key, value).map_err(to_py)
    }

    fn remove(&mut self, key: &str) -> bool {
        self.inner.remove(key)
    }

    fn keys(&self) -> Vec<String> {
        self.inner.keys()
    }

    fn render(&self) -> String {
        self.inner.render()
    }

    fn save(&self, py: Python<'_>) -> PyResult<()> {
        blocking(py, || self.inner.save())
    }

    fn save_as(&mut self, path: &str) -> PyResult<()> {
        self.inner.save_as(path).map_err(to_py)
    }
}

/// The library's log events go to Python's `logging`, logger "libvoyager" (a `.pgpass` ignored
/// for its permissions is a warning there). Messages are redacted by the core.
fn forward_logs_to_python() {
    use voyager_core::log::LogLevel;
    let sink: voyager_core::log::LogSink = std::sync::Arc::new(|level: LogLevel, message: &str| {
        let level = match level {
            LogLevel::Error => 40,
            LogLevel::Warn => 30,
            LogLevel::Info => 20,
            LogLevel::Debug | LogLevel::Trace => 10,
        };
        Python::attach(|py| {
            let logged = py
                .import("logging")
                .and_then(|logging| logging.call_method1("getLogger", ("libvoyager",)))
                .and_then(|logger| logger.call_method1("log", (level, message)));
            if let Err(e) = logged {
                e.write_unraisable(py, None);
            }
        });
    });
    voyager_core::log::set_sink(Some(sink), LogLevel::Info);
}

#[pymodule]
fn _voyager(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", voyager_core::VOYAGER_VERSION)?;
    // Exceptions pickle by name: they live in (and are re-exported by) the package `libvoyager`.
    for class in [
        py.get_type::<VoyagerError>(),
        py.get_type::<InvalidArgumentError>(),
        py.get_type::<ConfigError>(),
        py.get_type::<ConnectionFailedError>(),
        py.get_type::<NotFoundError>(),
        py.get_type::<ControlPlaneError>(),
        py.get_type::<StorageError>(),
        py.get_type::<AlreadyExistsError>(),
        py.get_type::<MissingAnswerError>(),
        py.get_type::<CancelledError>(),
        py.get_type::<InternalError>(),
    ] {
        class.setattr("__module__", "libvoyager")?;
    }
    // What an exception raised by Python code itself (not by the library) says.
    let base = py.get_type::<VoyagerError>();
    base.setattr("kind", "internal")?;
    base.setattr("reason", "other")?;
    base.setattr("sqlstate", py.None())?;
    base.setattr("retryable", false)?;
    base.setattr("subject", py.None())?;
    forward_logs_to_python();
    m.add("VoyagerError", py.get_type::<VoyagerError>())?;
    m.add("InvalidArgumentError", py.get_type::<InvalidArgumentError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("ConnectionFailedError", py.get_type::<ConnectionFailedError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("ControlPlaneError", py.get_type::<ControlPlaneError>())?;
    m.add("StorageError", py.get_type::<StorageError>())?;
    m.add("AlreadyExistsError", py.get_type::<AlreadyExistsError>())?;
    m.add("MissingAnswerError", py.get_type::<MissingAnswerError>())?;
    m.add("CancelledError", py.get_type::<CancelledError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add_class::<Config>()?;
    m.add_function(wrap_pyfunction!(init, m)?)?;
    m.add_function(wrap_pyfunction!(init_async, m)?)?;
    m.add_function(wrap_pyfunction!(start_migration, m)?)?;
    m.add_function(wrap_pyfunction!(start_migration_async, m)?)?;
    m.add_function(wrap_pyfunction!(assess_fleet, m)?)?;
    m.add_function(wrap_pyfunction!(fleet_list, m)?)?;
    m.add_function(wrap_pyfunction!(fleet_rank, m)?)?;
    m.add_function(wrap_pyfunction!(rank, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_diff, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_forget, m)?)?;
    m.add_function(wrap_pyfunction!(assess, m)?)?;
    m.add_function(wrap_pyfunction!(assess_async, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_status, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_list, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_show, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_push, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_status_async, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_list_async, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_show_async, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_push_async, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_diff_async, m)?)?;
    m.add_function(wrap_pyfunction!(control_plane_forget_async, m)?)?;
    m.add_function(wrap_pyfunction!(fleet_list_async, m)?)?;
    m.add_function(wrap_pyfunction!(fleet_rank_async, m)?)?;
    m.add_function(wrap_pyfunction!(rank_async, m)?)?;
    m.add_function(wrap_pyfunction!(assess_fleet_async, m)?)?;
    m.add_function(wrap_pyfunction!(parse_connection_string, m)?)?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add_function(wrap_pyfunction!(cli::cli_main, m)?)?;
    Ok(())
}

//! The HTTP server: routes for the pages and their JSON twins under `/api/...`, GET only, over
//! one shared read-only control-plane session (reopened when it breaks).

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use minijinja::Environment;
use serde::Deserialize;
use tokio::sync::Mutex;
use voyager_core::control_plane::{parse_uuid, ControlPlane};
use voyager_core::error::Front;
use voyager_core::fleet::rank::Weights;
use voyager_core::{Error, ErrorKind, Result};

use voyager_core::ranking::RankedDatabase;

use crate::views::{self, TableQuery};
use crate::{access, pages, Ready, UiOptions};

/// What every request shares.
pub struct App {
    control_plane: String,
    /// The control plane's connection string, redacted (never the password).
    redacted: String,
    session: Mutex<Option<Arc<ControlPlane>>>,
    /// The last ranking and the control plane's change marker it was computed at: pages reuse
    /// it until anything it reads changes (then the next request ranks again).
    ranking: Mutex<Option<(String, Arc<Vec<RankedDatabase>>)>>,
    weights: Weights,
    templates: Environment<'static>,
    pub(crate) token: Option<String>,
    pub(crate) bind: IpAddr,
}

impl App {
    /// The shared session, opened (again) when there is none.
    async fn control_plane(&self) -> Result<Arc<ControlPlane>> {
        let mut session = self.session.lock().await;
        if let Some(cp) = session.as_ref() {
            return Ok(cp.clone());
        }
        let cp = Arc::new(ControlPlane::open(&self.control_plane).await?);
        *session = Some(cp.clone());
        Ok(cp)
    }

    /// After a failure that may have broken the session, the next request opens a new one.
    async fn forget_session_after(&self, err: &Error) {
        if matches!(err.kind(), ErrorKind::Connection | ErrorKind::ControlPlane) {
            *self.session.lock().await = None;
        }
    }
}

/// Serve the dashboard until `shutdown` completes; `on_ready` hears where it listens first.
pub async fn serve(
    options: UiOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_ready: impl FnOnce(&Ready),
) -> Result<()> {
    let token = match options.token.clone() {
        Some(t) if t.trim().len() < 16 => {
            return Err(Error::invalid_argument(
                "the token is too short: give at least 16 characters, or leave it out to have one generated",
            ))
        }
        Some(t) => Some(t),
        None if options.bind.is_loopback() => None,
        None => Some(access::new_token()),
    };
    let weights = match &options.weights_file {
        Some(path) => Weights::load(std::path::Path::new(path))?,
        None => Weights::default(),
    };
    // Check the control plane before listening: a wrong address is an error now, not a broken page.
    let cp = ControlPlane::open(&options.control_plane).await?;
    let app = Arc::new(App {
        redacted: cp.redacted(),
        control_plane: options.control_plane.clone(),
        session: Mutex::new(Some(Arc::new(cp))),
        ranking: Mutex::new(None),
        weights,
        templates: pages::templates(),
        token,
        bind: options.bind,
    });
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        Error::invalid_argument(format!(
            "could not listen on {addr}: {e}: choose another --port (0 picks a free one) or --bind address"
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::internal(format!("the listening socket has no address: {e}")))?
        .port();
    let host = match options.bind {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".into(),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = match &app.token {
        Some(t) => format!("http://{host}:{port}/?token={t}"),
        None => format!("http://{host}:{port}/"),
    };
    on_ready(&Ready {
        url,
        token: app.token.clone(),
        port,
    });
    // Rank once now, while the user opens the page, so the first page is served from it (a
    // request that comes sooner waits for this ranking rather than making its own).
    let warm = app.clone();
    tokio::spawn(async move {
        if let Err(e) = ranked(&warm).await {
            tracing::debug!(
                "the first ranking failed; the first page will try again: {}",
                e.message()
            );
        }
    });
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| Error::internal(format!("the dashboard's server stopped: {e}")))
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(overview_page))
        .route("/databases", get(databases_page))
        .route("/databases/{uuid}", get(database_page))
        .route("/fleets", get(fleets_page))
        .route("/api/overview", get(overview_json))
        .route("/api/databases", get(databases_json))
        .route("/api/databases/{uuid}", get(database_json))
        .route("/api/fleets", get(fleets_json))
        .route("/assets/app.css", get(css))
        .route("/assets/app.js", get(js))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(app.clone(), access::guard))
        .with_state(app)
}

/// A failure as a page or as JSON, with the status that fits its kind.
struct Failure {
    err: Error,
    json: bool,
    app: Arc<App>,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = match self.err.kind() {
            ErrorKind::InvalidArgument => StatusCode::BAD_REQUEST,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Connection | ErrorKind::ControlPlane => StatusCode::BAD_GATEWAY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = voyager_core::connection::redact(&self.err.message());
        if self.json {
            // The structure every front gets (kind, reason, SQLSTATE, retryable, subject).
            let mut error = serde_json::to_value(self.err.report(Front::Neutral)).unwrap_or_default();
            error["message"] = message.into();
            return (status, Json(serde_json::json!({ "error": error }))).into_response();
        }
        (
            status,
            Html(pages::error(&self.app.templates, status.as_u16(), &message)),
        )
            .into_response()
    }
}

type Answer<T> = std::result::Result<T, Failure>;

async fn failing<T>(app: &Arc<App>, json: bool, result: Result<T>) -> Answer<T> {
    match result {
        Ok(v) => Ok(v),
        Err(err) => {
            app.forget_session_after(&err).await;
            Err(Failure {
                err,
                json,
                app: app.clone(),
            })
        }
    }
}

/// Every database ranked, as of now: computed again only when the control plane changed.
async fn ranked(app: &Arc<App>) -> Result<Arc<Vec<RankedDatabase>>> {
    let cp = app.control_plane().await?;
    let marker = cp.change_marker().await?;
    let mut kept = app.ranking.lock().await;
    if let Some((at, ranked)) = kept.as_ref() {
        if *at == marker {
            return Ok(ranked.clone());
        }
    }
    let ranked = Arc::new(views::ranking(&cp, &app.weights).await?);
    // The ranking it replaces is freed off the request's path: 10,000 rows take about 20 ms.
    if let Some(old) = kept.replace((marker, ranked.clone())) {
        tokio::task::spawn_blocking(move || drop(old));
    }
    Ok(ranked)
}

async fn overview_data(app: &Arc<App>) -> Result<(views::Overview, Arc<Vec<RankedDatabase>>)> {
    let cp = app.control_plane().await?;
    let ranked = ranked(app).await?;
    let fleets = cp.fleet_names().await?;
    Ok((views::overview(app.redacted.clone(), &ranked, fleets), ranked))
}

async fn overview_page(State(app): State<Arc<App>>) -> Answer<Html<String>> {
    let (o, ranked) = failing(&app, false, overview_data(&app).await).await?;
    let page = pages::overview(&app.templates, &o, &ranked);
    failing(&app, false, page).await.map(Html)
}

async fn overview_json(State(app): State<Arc<App>>) -> Answer<Json<views::Overview>> {
    let (o, _) = failing(&app, true, overview_data(&app).await).await?;
    Ok(Json(o))
}

async fn table_data(app: &Arc<App>, query: &TableQuery) -> Result<(views::TablePage, Vec<String>)> {
    let cp = app.control_plane().await?;
    let ranked = ranked(app).await?;
    let fleets = cp.fleet_names().await?;
    Ok((views::table(&ranked, query)?, fleets))
}

/// The query string, or a clear error for a malformed one (a number that is not one).
fn query_of(
    query: std::result::Result<Query<TableQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<TableQuery> {
    query
        .map(|Query(q)| q)
        .map_err(|e| Error::invalid_argument(format!("the query string is malformed: {}", e.body_text())))
}

async fn databases_page(
    State(app): State<Arc<App>>,
    query: std::result::Result<Query<TableQuery>, axum::extract::rejection::QueryRejection>,
) -> Answer<Html<String>> {
    let query = failing(&app, false, query_of(query)).await?;
    let (page, fleets) = failing(&app, false, table_data(&app, &query).await).await?;
    let html = pages::databases(&app.templates, &page, &query, &fleets);
    failing(&app, false, html).await.map(Html)
}

async fn databases_json(
    State(app): State<Arc<App>>,
    query: std::result::Result<Query<TableQuery>, axum::extract::rejection::QueryRejection>,
) -> Answer<Json<views::TablePage>> {
    let query = failing(&app, true, query_of(query)).await?;
    let (page, _) = failing(&app, true, table_data(&app, &query).await).await?;
    Ok(Json(page))
}

/// Which two runs to diff.
#[derive(Debug, Default, Deserialize)]
struct Runs {
    from: Option<String>,
    to: Option<String>,
}

impl Runs {
    fn parse(&self) -> Result<(Option<i32>, Option<i32>)> {
        let one = |v: &Option<String>, name: &str| -> Result<Option<i32>> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => s
                    .parse::<i32>()
                    .map(Some)
                    .map_err(|_| Error::invalid_argument(format!("{name} '{s}' is not a run number"))),
            }
        };
        Ok((one(&self.from, "from")?, one(&self.to, "to")?))
    }
}

async fn database_data(app: &Arc<App>, uuid: &str, runs: &Runs) -> Result<views::DatabaseView> {
    let uuid = parse_uuid(uuid)?;
    let (from, to) = runs.parse()?;
    let ranked = ranked(app).await?;
    let cp = app.control_plane().await?;
    views::database(&cp, &ranked, uuid, from, to).await
}

async fn database_page(
    State(app): State<Arc<App>>,
    Path(uuid): Path<String>,
    Query(runs): Query<Runs>,
) -> Answer<Html<String>> {
    let view = failing(&app, false, database_data(&app, &uuid, &runs).await).await?;
    let page = pages::database(&app.templates, &view);
    failing(&app, false, page).await.map(Html)
}

async fn database_json(
    State(app): State<Arc<App>>,
    Path(uuid): Path<String>,
    Query(runs): Query<Runs>,
) -> Answer<Json<views::DatabaseView>> {
    Ok(Json(
        failing(&app, true, database_data(&app, &uuid, &runs).await).await?,
    ))
}

async fn fleets_data(app: &Arc<App>) -> Result<Vec<views::FleetView>> {
    let cp = app.control_plane().await?;
    views::fleets(&cp).await
}

async fn fleets_page(State(app): State<Arc<App>>) -> Answer<Html<String>> {
    let fleets = failing(&app, false, fleets_data(&app).await).await?;
    let page = pages::fleets(&app.templates, &fleets);
    failing(&app, false, page).await.map(Html)
}

async fn fleets_json(State(app): State<Arc<App>>) -> Answer<Json<Vec<views::FleetView>>> {
    Ok(Json(failing(&app, true, fleets_data(&app).await).await?))
}

async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../assets/app.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../assets/app.js"),
    )
}

async fn not_found(State(app): State<Arc<App>>, uri: axum::http::Uri) -> Response {
    let json = uri.path().starts_with("/api/");
    Failure {
        err: Error::not_found(format!("there is no page at {}", uri.path())),
        json,
        app,
    }
    .into_response()
}

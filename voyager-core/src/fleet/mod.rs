//! Fleet assessment: every database of an inventory (a fleet file, or a server's databases)
//! assessed concurrently, within a global and a per-host limit, through a work queue in the
//! control plane that several processes can share; then ranked into migration waves.
//!
//! Each database gets a migration UUID derived from the fleet's name and its
//! `host:port/database` (UUID v5), so every worker, on any machine, names it the same way, and
//! a migration dir `<work-dir>/<database>@<host>_<port>`. One database failing never stops the
//! others; its error goes to the control plane. A stopped run (cancelled, killed) resumes where
//! it was: what is done is not assessed again (`reassess` forces it).

pub mod html;
pub mod inventory;
pub mod rank;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
pub use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::assess_migration::Plan;
use crate::connection::{ConnectionString, LibpqEnv};
use crate::control_plane::{
    Claim, ControlPlane, FleetMember, ListFilter, MigrationSummary, QueueFailure, SourceDetails,
};
use crate::migration_dir::MigrationDir;
use crate::{Error, ErrorKind, Result};
use inventory::{FleetEntry, Inventory};
use rank::{RankedMigration, Weights};

/// The namespace of fleet run ids (UUID v5 of the fleet's name).
const FLEET_NAMESPACE: Uuid = Uuid::from_u128(0x6c69_6276_6f79_6167_6572_2d66_6c65_6574);

pub const DEFAULT_PARALLEL: usize = 8;
pub const DEFAULT_PER_HOST: usize = 4;
pub const DEFAULT_LEASE_SECONDS: u64 = 30;
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 600;

/// What to assess and how.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FleetRequest {
    /// A fleet file (TOML, or .csv).
    pub fleet_file: Option<String>,
    /// Or: every database of this server.
    pub all_databases: Option<String>,
    /// With `all_databases`: glob patterns of database names to take / to leave out.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// The fleet's name (default: the fleet file's `name` or stem, or the server's host:port).
    pub fleet_name: Option<String>,
    /// Where the migration dirs go.
    pub work_dir: Option<String>,
    pub assessment_control_plane: Option<String>,
    /// At most this many databases at once (default 8).
    pub parallel: Option<usize>,
    /// At most this many databases of one host at once (default 4).
    pub per_host: Option<usize>,
    /// Assess again what is done already.
    pub reassess: bool,
    /// How long a claim holds without renewal (default 30 s).
    pub lease_seconds: Option<u64>,
    /// How long one database may take (default 600 s).
    pub timeout_seconds: Option<u64>,
    /// Comma-separated schemas, for entries that name none.
    pub source_db_schema: Option<String>,
    pub target_db_version: Option<String>,
    /// This worker's name in the queue (default host:pid:random).
    pub worker: Option<String>,
}

impl std::fmt::Debug for FleetRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::connection::debug_redacted(self, f)
    }
}

/// Where a fleet run is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FleetProgress {
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    pub running: i64,
    pub pending: i64,
    pub eta_seconds: Option<f64>,
    /// What just happened, if anything.
    pub event: Option<FleetEvent>,
}

/// One database finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetEvent {
    pub migration_uuid: Uuid,
    pub database: String,
    pub host: String,
    /// `done` or `failed`.
    pub state: String,
    pub error: Option<String>,
}

pub type FleetProgressFn = Arc<dyn Fn(&FleetProgress) + Send + Sync>;

/// What a fleet run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetOutcome {
    pub fleet_name: String,
    pub fleet_run_id: Uuid,
    pub work_dir: PathBuf,
    /// The control plane, redacted.
    pub control_plane: String,
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    /// Assessed by this process in this run.
    pub assessed_here: i64,
    /// Done before this run started (not assessed again).
    pub already_done: i64,
    /// Stopped before the end (cancelled); run again to resume.
    pub interrupted: bool,
    pub duration_ms: u64,
    pub failures: Vec<QueueFailure>,
    pub html_report: Option<PathBuf>,
    pub next_step: String,
}

impl FleetOutcome {
    /// Whether every database of the fleet has a completed assessment.
    pub fn all_succeeded(&self) -> bool {
        !self.interrupted && self.failed == 0 && self.done == self.total
    }
}

/// A fleet member with everything a worker needs.
struct Member {
    uuid: Uuid,
    entry: FleetEntry,
    source: SourceDetails,
    dir: PathBuf,
}

struct Ctx {
    cp: ControlPlane,
    control_plane: String,
    claim: Claim,
    env: LibpqEnv,
    schemas: Option<Vec<String>>,
    target_db_version: String,
    timeout: Duration,
}

/// A fleet's run id: a UUID v5 of its name, the same on every machine.
pub fn fleet_run_id(name: &str) -> Uuid {
    Uuid::new_v5(&FLEET_NAMESPACE, format!("libvoyager fleet {name}").as_bytes())
}

/// The migration UUID of a database in a fleet.
pub fn member_uuid(fleet_run_id: Uuid, key: &str) -> Uuid {
    Uuid::new_v5(&fleet_run_id, key.as_bytes())
}

/// Read the inventory the request names.
pub async fn inventory(request: &FleetRequest, env: &LibpqEnv) -> Result<Inventory> {
    let mut inv = match (&request.fleet_file, &request.all_databases) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid_argument(
                "give either --fleet-file or --all-databases, not both",
            ))
        }
        (None, None) => return Err(Error::invalid_argument(
            "nothing to assess: give --fleet-file <file> (TOML or CSV) or --all-databases <server connection string>",
        )),
        (Some(file), None) => {
            if !request.include.is_empty() || !request.exclude.is_empty() {
                return Err(Error::invalid_argument(
                    "--include and --exclude go with --all-databases",
                ));
            }
            inventory::load(Path::new(file), env)?
        }
        (None, Some(server)) => inventory::discover(server, &request.include, &request.exclude, env).await?,
    };
    if let Some(name) = request.fleet_name.as_deref().filter(|n| !n.trim().is_empty()) {
        inv.name = name.to_string();
    }
    Ok(inv)
}

/// Assess every database of the fleet. `cancel` stops it cleanly (running assessments are
/// dropped and their claims given back); the outcome then says `interrupted`.
pub async fn run(
    request: FleetRequest,
    progress: Option<FleetProgressFn>,
    cancel: CancellationToken,
) -> Result<FleetOutcome> {
    run_with_env(request, progress, cancel, LibpqEnv::from_process()).await
}

pub async fn run_with_env(
    request: FleetRequest,
    progress: Option<FleetProgressFn>,
    cancel: CancellationToken,
    env: LibpqEnv,
) -> Result<FleetOutcome> {
    let started = Instant::now();
    let work_dir = request
        .work_dir
        .as_deref()
        .filter(|d| !d.is_empty())
        .ok_or_else(|| Error::invalid_argument("--work-dir is missing: where the fleet's migration dirs go"))?;
    let work_dir = crate::migration_dir::absolute(Path::new(work_dir))?;
    let parallel = request.parallel.unwrap_or(DEFAULT_PARALLEL);
    let per_host = request.per_host.unwrap_or(DEFAULT_PER_HOST);
    if parallel == 0 || per_host == 0 {
        return Err(Error::invalid_argument("--parallel and --per-host must be at least 1"));
    }
    let lease = Duration::from_secs(request.lease_seconds.unwrap_or(DEFAULT_LEASE_SECONDS).max(1));
    let target_db_version = request
        .target_db_version
        .clone()
        .unwrap_or_else(|| crate::assessment::DEFAULT_TARGET_DB_VERSION.to_string());
    crate::assessment::version::YbVersion::parse(&target_db_version)?;
    let schemas = request.source_db_schema.as_deref().map(crate::config::split_schemas);
    let control_plane = crate::control_plane::address(request.assessment_control_plane.as_deref(), None)?;
    ConnectionString::parse(&control_plane).map_err(|e| e.context("--assessment-control-plane"))?;

    let inv = inventory(&request, &env).await?;
    let fleet_run_id = fleet_run_id(&inv.name);
    let cp = ControlPlane::connect_with_env(&control_plane, &env).await?;
    std::fs::create_dir_all(&work_dir).map_err(|e| Error::io("create directory", &work_dir, &e))?;

    let members: HashMap<Uuid, Arc<Member>> = inv
        .entries
        .iter()
        .map(|entry| {
            let uuid = member_uuid(fleet_run_id, &entry.key());
            let dir = work_dir.join(format!(
                "{}@{}_{}",
                crate::init::sanitize_dir_name(entry.conn.dbname()),
                crate::init::sanitize_dir_name(entry.conn.host()),
                entry.conn.port()
            ));
            let source = SourceDetails::of(
                &entry.conn.clone().resolve(&env),
                entry.schemas.clone().unwrap_or_default(),
            );
            (
                uuid,
                Arc::new(Member {
                    uuid,
                    entry: entry.clone(),
                    source,
                    dir,
                }),
            )
        })
        .collect();
    let registered: Vec<FleetMember> = members
        .values()
        .map(|m| {
            let mut labels = serde_json::Map::new();
            for (k, v) in &m.entry.labels {
                labels.insert(k.clone(), v.clone().into());
            }
            labels.insert("fleet".into(), inv.name.clone().into());
            FleetMember {
                migration_uuid: m.uuid,
                source: m.source.clone(),
                labels: labels.into(),
            }
        })
        .collect();
    cp.enqueue_fleet(fleet_run_id, &inv.name, &registered, request.reassess)
        .await?;
    let first = cp.queue_counts(fleet_run_id).await?;
    let already_done = first.done;

    let worker = request.worker.clone().unwrap_or_else(default_worker_name);
    let ctx = Arc::new(Ctx {
        cp,
        control_plane: control_plane.clone(),
        claim: Claim { fleet_run_id, worker },
        env,
        schemas,
        target_db_version,
        timeout: Duration::from_secs(request.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS).max(1)),
    });

    let mut tasks: tokio::task::JoinSet<(Uuid, Result<Option<String>>)> = tokio::task::JoinSet::new();
    let mut running: HashMap<Uuid, String> = HashMap::new();
    let mut assessed_here = 0;
    let mut last_renew = Instant::now();
    let finished_at_start = first.done + first.failed;
    let report = |event: Option<FleetEvent>, counts: crate::control_plane::QueueCounts| {
        if let Some(progress) = &progress {
            let finished = counts.done + counts.failed;
            let rate = (finished - finished_at_start) as f64 / started.elapsed().as_secs_f64().max(0.001);
            let remaining = counts.pending + counts.running;
            progress(&FleetProgress {
                total: counts.total(),
                done: counts.done,
                failed: counts.failed,
                running: counts.running,
                pending: counts.pending,
                eta_seconds: (rate > 0.0).then(|| remaining as f64 / rate),
                event,
            });
        }
    };
    report(None, first);

    let mut interrupted = false;
    loop {
        if cancel.is_cancelled() {
            interrupted = true;
            break;
        }
        // Take as much work as the limits allow.
        let free = parallel.saturating_sub(running.len());
        let mut claimed_any = false;
        if free > 0 {
            let mut per: HashMap<&str, usize> = HashMap::new();
            for host in running.values() {
                *per.entry(host.as_str()).or_default() += 1;
            }
            let busy: Vec<String> = per
                .iter()
                .filter(|(_, n)| **n >= per_host)
                .map(|(h, _)| h.to_string())
                .collect();
            let claimed = ctx.cp.claim(&ctx.claim, lease, free as i64, &busy).await?;
            // The per-host limit holds within one claim too: give back what exceeds it.
            let mut taken: Vec<Uuid> = Vec::new();
            let mut over: Vec<Uuid> = Vec::new();
            for uuid in claimed {
                let Some(member) = members.get(&uuid) else {
                    over.push(uuid);
                    continue;
                };
                let n = running.values().filter(|h| **h == member.source.host).count();
                if n >= per_host {
                    over.push(uuid);
                    continue;
                }
                running.insert(uuid, member.source.host.clone());
                taken.push(uuid);
                let (ctx, member) = (ctx.clone(), member.clone());
                tasks.spawn(async move { (member.uuid, assess_member(&ctx, &member).await) });
            }
            if !over.is_empty() {
                ctx.cp.give_back(&ctx.claim, &over).await?;
            }
            claimed_any = !taken.is_empty();
        }
        if running.is_empty() {
            let counts = ctx.cp.queue_counts(fleet_run_id).await?;
            if counts.pending == 0 && counts.running == 0 {
                break;
            }
            if !claimed_any {
                // Other workers hold the rest; their leases may run out.
                tokio::select! {
                    _ = cancel.cancelled() => {}
                    _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                }
            }
            continue;
        }
        // Wait for one to finish (or a moment, to renew leases and take more work).
        let joined = tokio::select! {
            _ = cancel.cancelled() => continue,
            joined = tasks.join_next() => joined,
            _ = tokio::time::sleep(lease / 3) => None,
        };
        if let Some(joined) = joined {
            let (uuid, result) = joined.map_err(|e| Error::internal(format!("a fleet worker failed: {e}")))?;
            running.remove(&uuid);
            assessed_here += 1;
            let member = &members[&uuid];
            let (state, error) = match result {
                Ok(None) => ("done", None),
                Ok(Some(error)) => ("failed", Some(error)),
                Err(e) => return Err(e),
            };
            let counts = ctx.cp.queue_counts(fleet_run_id).await?;
            report(
                Some(FleetEvent {
                    migration_uuid: uuid,
                    database: member.source.database.clone(),
                    host: member.source.host.clone(),
                    state: state.into(),
                    error,
                }),
                counts,
            );
        }
        if last_renew.elapsed() >= lease / 3 && !running.is_empty() {
            let held: Vec<Uuid> = running.keys().copied().collect();
            ctx.cp.renew(&ctx.claim, &held, lease).await?;
            last_renew = Instant::now();
        }
    }
    if interrupted {
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
        ctx.cp.release(&ctx.claim).await?;
    }

    let counts = ctx.cp.queue_counts(fleet_run_id).await?;
    let failures = ctx.cp.queue_failures(fleet_run_id).await?;
    let html_report = if interrupted {
        None
    } else {
        let ranked = rank_with(&ctx.cp, &inv.name, &Weights::default()).await?;
        let links = report_links(&work_dir, &ranked);
        let path = work_dir.join("fleet_report.html");
        crate::fs_atomic::write(&path, html::render(&inv.name, &ranked, &links).as_bytes())?;
        Some(path)
    };
    Ok(FleetOutcome {
        fleet_name: inv.name.clone(),
        fleet_run_id,
        work_dir,
        control_plane: ctx.cp.redacted(),
        total: counts.total(),
        done: counts.done,
        failed: counts.failed,
        assessed_here,
        already_done,
        interrupted,
        duration_ms: started.elapsed().as_millis() as u64,
        failures,
        html_report,
        next_step: if interrupted {
            "run the same voyager assess-fleet again to resume".into()
        } else {
            format!(
                "voyager fleet --assessment-control-plane <conn> --fleet {} rank",
                shell_word(&inv.name)
            )
        },
    })
}

/// Assess one member and store the outcome with its queue item. A failure of the source is
/// recorded and returned as the error text; only control-plane failures are errors.
async fn assess_member(ctx: &Ctx, member: &Member) -> Result<Option<String>> {
    let attempt = async {
        let conn = member.entry.connection(&ctx.env)?;
        let dir = MigrationDir::new(&member.dir);
        if dir.holds_migration() {
            let meta = dir.read_metainfo()?;
            if meta.migration_uuid != member.uuid {
                return Err(Error::already_exists(format!(
                    "{} holds another migration ({}): move it away or use another --work-dir",
                    member.dir.display(),
                    meta.migration_uuid
                )));
            }
        } else {
            crate::init::create_migration_dir(&member.dir, false, &conn, Some(&ctx.control_plane), member.uuid)?;
        }
        let plan = Plan {
            source: conn,
            export_dir: dir.export_dir(),
            schemas: member.entry.schemas.clone().or_else(|| ctx.schemas.clone()),
            target_db_version: ctx.target_db_version.clone(),
            control_plane: None,
        };
        let result = tokio::time::timeout(ctx.timeout, crate::assess_migration::run_plan(plan, None))
            .await
            .map_err(|_| {
                Error::connection(format!(
                    "{}: the assessment took longer than {} s (--timeout-seconds)",
                    member.entry.conn.redacted(),
                    ctx.timeout.as_secs()
                ))
            })??;
        Ok(result)
    }
    .await;
    match attempt {
        Ok(result) => {
            let report = serde_json::to_value(&result.report).unwrap_or_default();
            let schemas = result.report.schema_summary.schema_names.clone();
            let mut source = member.source.clone();
            source.schemas = schemas;
            ctx.cp
                .store_claimed(
                    member.uuid,
                    &source,
                    &report,
                    &member.dir.display().to_string(),
                    Some(&ctx.claim),
                )
                .await?;
            Ok(None)
        }
        Err(e) if e.kind() == ErrorKind::ControlPlane => Err(e),
        Err(e) => {
            let text = crate::connection::redact(&e.to_string());
            ctx.cp
                .record_failure_claimed(member.uuid, &member.source, &text, Some(&ctx.claim))
                .await?;
            Ok(Some(text))
        }
    }
}

/// The fleet's migrations with their latest assessment.
pub async fn list(control_plane: &str, fleet: &str, mut filter: ListFilter) -> Result<Vec<MigrationSummary>> {
    filter.fleet = Some(fleet.to_string());
    let cp = ControlPlane::open(control_plane).await?;
    cp.list(&filter).await
}

/// The fleet ranked: order, waves, groups and reasons.
pub async fn rank(control_plane: &str, fleet: &str, weights: &Weights) -> Result<Vec<RankedMigration>> {
    let cp = ControlPlane::open(control_plane).await?;
    rank_with(&cp, fleet, weights).await
}

/// The fleet a command is about: the one given, else the only fleet the control plane holds;
/// with several, the error lists them.
pub async fn fleet_name(control_plane: &str, given: Option<&str>) -> Result<String> {
    if let Some(name) = given {
        return Ok(name.to_string());
    }
    let cp = ControlPlane::open(control_plane).await?;
    let names = cp.fleet_names().await?;
    match names.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::not_found(format!(
            "the control plane {} holds no fleet yet: run voyager assess-fleet first (or voyager rank, which ranks \
             every database assessed any way)",
            cp.redacted()
        ))),
        many => Err(Error::invalid_argument(format!(
            "the control plane {} holds {} fleets: give --fleet with one of {}",
            cp.redacted(),
            many.len(),
            many.iter().map(|n| shell_word(n)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

async fn rank_with(cp: &ControlPlane, fleet: &str, weights: &Weights) -> Result<Vec<RankedMigration>> {
    let rows = cp
        .list(&ListFilter {
            fleet: Some(fleet.to_string()),
            ..Default::default()
        })
        .await?;
    if rows.is_empty() {
        return Err(Error::not_found(format!(
            "the control plane {} has no fleet named '{fleet}': run voyager assess-fleet first, or check --fleet",
            cp.redacted()
        )));
    }
    let names = cp.fleet_object_names(fleet).await?;
    Ok(rank::rank(&rows, &names, weights))
}

/// One fleet member: where it ranks and why, and its latest assessment (when it has one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetMemberDetails {
    pub ranked: RankedMigration,
    pub details: Option<crate::control_plane::MigrationDetails>,
}

/// A fleet member by its migration UUID or database name (unique within the fleet).
pub async fn show(control_plane: &str, fleet: &str, member: &str, weights: &Weights) -> Result<FleetMemberDetails> {
    let cp = ControlPlane::open(control_plane).await?;
    let ranked = rank_with(&cp, fleet, weights).await?;
    let matching: Vec<&RankedMigration> = ranked
        .iter()
        .filter(|r| r.migration_uuid.to_string() == member.trim() || r.database == member)
        .collect();
    let found = match matching.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(Error::not_found(format!(
                "fleet '{fleet}' has no database or migration UUID '{member}': see voyager fleet list"
            )))
        }
        many => {
            return Err(Error::invalid_argument(format!(
                "fleet '{fleet}' has {} databases named '{member}' (on different hosts): give the migration UUID",
                many.len()
            )))
        }
    };
    let details = match found.score {
        Some(_) => Some(crate::control_plane::details(&cp, found.migration_uuid).await?),
        None => None,
    };
    Ok(FleetMemberDetails { ranked: found, details })
}

/// Each ranked member's report page below `work_dir`, relative to it, when it is there.
pub fn report_links(work_dir: &Path, ranked: &[RankedMigration]) -> HashMap<Uuid, String> {
    let mut links = HashMap::new();
    let Ok(dirs) = std::fs::read_dir(work_dir) else {
        return links;
    };
    let wanted: std::collections::HashSet<Uuid> = ranked.iter().map(|r| r.migration_uuid).collect();
    for d in dirs.flatten() {
        let dir = MigrationDir::new(d.path());
        let Ok(meta) = dir.read_metainfo() else { continue };
        let page = dir
            .export_dir()
            .join(crate::assessment::report::REPORT_JSON_RELATIVE)
            .with_extension("html");
        if wanted.contains(&meta.migration_uuid) && page.is_file() {
            if let Ok(rel) = page.strip_prefix(work_dir) {
                links.insert(meta.migration_uuid, rel.display().to_string());
            }
        }
    }
    links
}

fn default_worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    format!(
        "{host}:{}:{}",
        std::process::id(),
        &Uuid::new_v4().simple().to_string()[..8]
    )
}

/// A word as a shell would need it quoted.
fn shell_word(word: &str) -> String {
    if word.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/@".contains(c)) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

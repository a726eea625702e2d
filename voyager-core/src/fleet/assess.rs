//! Assessing a fleet (`assess-fleet`): this worker registers the members, claims them from
//! the control plane's queue, assesses each within the global and per-host limits, renews its
//! leases, and records every outcome.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::html;
use super::inventory::FleetEntry;
use super::rank::Weights;
use super::results::{rank_with, report_links};
use super::{
    fleet_run_id, inventory, member_uuid, CancellationToken, FleetEvent, FleetOutcome, FleetProgress, FleetProgressFn,
    FleetRequest, DEFAULT_LEASE_SECONDS, DEFAULT_PARALLEL, DEFAULT_PER_HOST, DEFAULT_TIMEOUT_SECONDS, MAX_PARALLEL,
    MAX_SECONDS,
};
use crate::assess_migration::Plan;
use crate::connection::{ConnectionString, LibpqEnv};
use crate::control_plane::{Claim, ControlPlane, FleetMember, SourceDetails};
use crate::migration_dir::MigrationDir;
use crate::shell::shell_word;
use crate::vocabulary::QueueState;
use crate::{Error, ErrorKind, Result};

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
    let work_dir = request.work_dir.as_deref().filter(|d| !d.is_empty()).ok_or_else(|| {
        Error::invalid_argument("\u{E000}work_dir\u{E001} is missing: where the fleet's migration dirs go")
    })?;
    let work_dir = crate::migration_dir::absolute(Path::new(work_dir))?;
    let parallel = request.parallel.unwrap_or(DEFAULT_PARALLEL);
    let per_host = request.per_host.unwrap_or(DEFAULT_PER_HOST);
    for (flag, n) in [
        ("\u{E000}parallel\u{E001}", parallel),
        ("\u{E000}per_host\u{E001}", per_host),
    ] {
        if !(1..=MAX_PARALLEL).contains(&n) {
            return Err(Error::invalid_argument(format!(
                "{flag} {n} is out of range: give 1 to {MAX_PARALLEL} (\u{E000}parallel\u{E001} and \u{E000}per_host\u{E001} must be at least 1)"
            )));
        }
    }
    let lease_seconds = request.lease_seconds.unwrap_or(DEFAULT_LEASE_SECONDS);
    let timeout_seconds = request.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    for (flag, n) in [
        ("\u{E000}lease_seconds\u{E001}", lease_seconds),
        ("\u{E000}timeout_seconds\u{E001}", timeout_seconds),
    ] {
        if !(1..=MAX_SECONDS).contains(&n) {
            return Err(Error::invalid_argument(format!(
                "{flag} {n} is out of range: give 1 to {MAX_SECONDS} seconds (a week)"
            )));
        }
    }
    let lease = Duration::from_secs(lease_seconds);
    let target_db_version = request
        .target_db_version
        .clone()
        .unwrap_or_else(|| crate::assessment::DEFAULT_TARGET_DB_VERSION.to_string());
    crate::assessment::version::YbVersion::parse(&target_db_version)?;
    let schemas = request.source_db_schema.as_deref().map(crate::config::split_schemas);
    let control_plane = crate::control_plane::address(request.assessment_control_plane.as_deref(), None)?;
    ConnectionString::parse(&control_plane).map_err(|e| e.context("\u{E000}assessment_control_plane\u{E001}"))?;

    // Cancelled while listing a server's databases or reaching the control plane (either may
    // wait on an unreachable host): stop at once, nothing is claimed yet. A token cancelled
    // before the run still registers the inventory, then stops.
    let waiting = if cancel.is_cancelled() {
        CancellationToken::new()
    } else {
        cancel.clone()
    };
    let inv = crate::cancel::cancellable(&waiting, inventory(&request, &env)).await?;
    let fleet_run_id = fleet_run_id(&inv.name);
    let cp = crate::cancel::cancellable(&waiting, ControlPlane::connect_with_env(&control_plane, &env)).await?;
    std::fs::create_dir_all(&work_dir).map_err(|e| Error::io("create directory", &work_dir, &e))?;

    let members: HashMap<Uuid, Arc<Member>> = inv
        .entries
        .iter()
        .map(|entry| {
            let uuid = member_uuid(fleet_run_id, &entry.key());
            let dir = work_dir.join(member_dir_name(entry, uuid));
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
    // This worker's inventory: it claims, counts and waits for these only, so another inventory
    // under the same fleet name (or a database removed from the file) never keeps it waiting.
    let mine: Vec<Uuid> = members.keys().copied().collect();
    let pruned = if request.prune {
        cp.prune_fleet(fleet_run_id, &inv.name, &mine).await?
    } else {
        0
    };
    let first = cp.queue_counts(fleet_run_id, &mine).await?;
    let already_done = first.done;

    let worker = request.worker.clone().unwrap_or_else(default_worker_name);
    let ctx = Arc::new(Ctx {
        cp,
        control_plane: control_plane.clone(),
        claim: Claim { fleet_run_id, worker },
        env,
        schemas,
        target_db_version,
        timeout: Duration::from_secs(timeout_seconds),
    });

    let mut tasks: tokio::task::JoinSet<(Uuid, Result<Finished>)> = tokio::task::JoinSet::new();
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
                waiting: None,
            });
        }
    };
    let report_waiting = |text: String, counts: crate::control_plane::QueueCounts| {
        if let Some(progress) = &progress {
            progress(&FleetProgress {
                total: counts.total(),
                done: counts.done,
                failed: counts.failed,
                running: counts.running,
                pending: counts.pending,
                eta_seconds: None,
                event: None,
                waiting: Some(text),
            });
        }
    };
    let mut last_wait_said: Option<Instant> = None;
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
            let claimed = ctx.cp.claim(&ctx.claim, lease, free as i64, &busy, &mine).await?;
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
            let counts = ctx.cp.queue_counts(fleet_run_id, &mine).await?;
            if counts.pending == 0 && counts.running == 0 {
                break;
            }
            if !claimed_any {
                if last_wait_said.is_none_or(|t: Instant| t.elapsed() >= Duration::from_secs(5)) {
                    let waiting = ctx.cp.queue_held_by_others(&ctx.claim, &mine).await?;
                    if let Some(text) = waiting_message(&waiting) {
                        report_waiting(text, counts);
                    }
                    last_wait_said = Some(Instant::now());
                }
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
            let member = &members[&uuid];
            let (state, error) = match result {
                Ok(Finished::Done) => (QueueState::Done, None),
                Ok(Finished::Failed(error)) => (QueueState::Failed, Some(error)),
                // Its lease ran out and another worker took it: that worker's outcome counts.
                Ok(Finished::ClaimLost) => continue,
                Err(e) => return Err(e),
            };
            assessed_here += 1;
            let counts = ctx.cp.queue_counts(fleet_run_id, &mine).await?;
            report(
                Some(FleetEvent {
                    migration_uuid: uuid,
                    database: member.source.database.clone(),
                    host: member.source.host.clone(),
                    state,
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

    let counts = ctx.cp.queue_counts(fleet_run_id, &mine).await?;
    let failures = ctx.cp.queue_failures(fleet_run_id, &mine).await?;
    let not_in_inventory = ctx.cp.queue_leftovers(fleet_run_id, &mine).await?;
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
        not_in_inventory,
        pruned,
        html_report,
        next_step: if interrupted {
            "run the same voyager assess-fleet again to resume".into()
        } else if not_in_inventory > 0 {
            format!(
                "{not_in_inventory} database(s) of fleet '{}' are not in this inventory (removed from it, or queued by \
                 another inventory of the same name; not counted above): run assess-fleet with --prune to remove them \
                 from the fleet, or give --fleet-name to keep this inventory apart",
                inv.name
            )
        } else {
            format!(
                "voyager fleet --assessment-control-plane <conn> --fleet {} rank",
                shell_word(&inv.name)
            )
        },
    })
}

/// How one member's assessment ended for this worker.
enum Finished {
    Done,
    /// The source failed; the error text (recorded in the control plane).
    Failed(String),
    /// This worker's lease ran out and another worker holds the item: nothing was stored.
    ClaimLost,
}

/// Assess one member and store the outcome with its queue item. A failure of the source is
/// recorded and returned as the error text; only control-plane failures are errors.
async fn assess_member(ctx: &Ctx, member: &Member) -> Result<Finished> {
    let attempt = async {
        let conn = member.entry.connection(&ctx.env)?;
        let dir = MigrationDir::new(&member.dir);
        if dir.holds_migration() {
            let meta = dir.read_metainfo()?;
            if meta.migration_uuid != member.uuid {
                return Err(Error::already_exists(format!(
                    "{} holds another migration ({}): move it away or use another \u{E000}work_dir\u{E001}",
                    member.dir.display(),
                    meta.migration_uuid
                )));
            }
        } else {
            crate::init::create_migration_dir(&member.dir, false, None, &conn, Some(&ctx.control_plane), member.uuid)?;
        }
        let plan = Plan {
            source: conn,
            export_dir: dir.export_dir(),
            schemas: member.entry.schemas.clone().or_else(|| ctx.schemas.clone()),
            target_db_version: ctx.target_db_version.clone(),
            control_plane: None,
            limits: Default::default(),
        };
        let result = tokio::time::timeout(ctx.timeout, crate::assess_migration::run_plan(plan, None))
            .await
            .map_err(|_| {
                Error::connection(format!(
                    "{}: the assessment took longer than {} s (\u{E000}timeout_seconds\u{E001})",
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
            let stored = ctx
                .cp
                .store_claimed(
                    member.uuid,
                    &source,
                    &report,
                    &member.dir.display().to_string(),
                    Some(&ctx.claim),
                )
                .await?;
            Ok(if stored.is_some() {
                Finished::Done
            } else {
                Finished::ClaimLost
            })
        }
        Err(e) if e.kind() == ErrorKind::ControlPlane => Err(e),
        Err(e) => {
            let text = crate::connection::redact(&fleet_password_hint(e).to_string());
            let recorded = ctx
                .cp
                .record_failure_claimed(member.uuid, &member.source, &text, Some(&ctx.claim))
                .await?;
            Ok(if recorded {
                Finished::Failed(text)
            } else {
                Finished::ClaimLost
            })
        }
    }
}

/// A connection error says how a fleet takes passwords (it has no prompt, and only sources).
fn fleet_password_hint(err: Error) -> Error {
    if err.reason() != crate::error::Reason::PasswordMissing {
        return err;
    }
    let subject = err.subject().clone();
    let message = format!(
        "could not connect to {}:{}/{}: the server asks for a password and none was given: give it with \
         SOURCE_DB_PASSWORD (every source without one of its own), the fleet file's `password-env` (one source), \
         PGPASSWORD or ~/.pgpass",
        subject.host.as_deref().unwrap_or("?"),
        subject.port.map(|p| p.to_string()).unwrap_or_default(),
        subject.database.as_deref().unwrap_or("?"),
    );
    err.with_message(message)
}

/// A member's migration dir name: `<database>@<host>_<port>-<8 hex digits of its UUID>`. The
/// UUID part keeps names unique when sanitising makes two alike (`a/b` and `a_b`, `.a` and `a`);
/// the name never starts with a dot.
fn member_dir_name(entry: &FleetEntry, uuid: Uuid) -> String {
    format!(
        "{}@{}_{}-{}",
        crate::init::sanitize_dir_name(entry.conn.dbname()),
        crate::init::sanitize_dir_name(entry.conn.host()),
        entry.conn.port(),
        &uuid.simple().to_string()[..8]
    )
}

/// What a worker with nothing to do waits for, from the items other workers hold.
fn waiting_message(held: &[crate::control_plane::HeldItem]) -> Option<String> {
    let longest = held.iter().map(|h| h.lease_seconds_left).fold(0.0_f64, f64::max);
    let mut workers: Vec<&str> = held.iter().map(|h| h.worker.as_str()).collect();
    workers.sort();
    workers.dedup();
    (!held.is_empty()).then(|| {
        format!(
            "waiting for {} database(s) held by other worker(s) ({}): they finish them, or their leases run out \
             in at most {:.0} s (a killed run's claims are taken over then)",
            held.len(),
            workers.join(", "),
            longest.max(0.0).ceil()
        )
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_password_says_how_a_fleet_takes_one() {
        let err = Error::connection("could not connect: the server asks for a password, give it at the prompt")
            .with_reason(crate::error::Reason::PasswordMissing)
            .with_subject(crate::error::Subject {
                host: Some("pg1".into()),
                port: Some(5432),
                database: Some("db".into()),
            });
        let hint = fleet_password_hint(err).message();
        assert!(hint.starts_with("could not connect to pg1:5432/db: "), "{hint}");
        assert!(
            !hint.contains("prompt") && !hint.contains("TARGET_DB_PASSWORD"),
            "{hint}"
        );
        assert!(
            hint.contains("SOURCE_DB_PASSWORD") && hint.contains("password-env"),
            "{hint}"
        );
        // Only the reason decides: a message that mentions a password changes nothing.
        let other = Error::connection("database 'password' does not exist");
        assert_eq!(
            fleet_password_hint(other).message(),
            "database 'password' does not exist"
        );
    }

    #[test]
    fn work_dir_names_differ_when_sanitised_names_match_and_never_start_with_a_dot() {
        let entry = |db: &str| FleetEntry {
            origin: "test".into(),
            conn: ConnectionString::from_parts("pg1", 5432, db, "u", crate::connection::SslMode::Prefer),
            schemas: None,
            labels: Default::default(),
            password_env: None,
        };
        let run = fleet_run_id("f");
        let name = |db: &str| member_dir_name(&entry(db), member_uuid(run, &entry(db).key()));
        for (a, b) in [("coll/x", "coll_x"), (".collx", "collx")] {
            assert_ne!(name(a), name(b));
            assert!(!name(a).starts_with('.') && !name(a).contains('/'), "{}", name(a));
        }
    }
}

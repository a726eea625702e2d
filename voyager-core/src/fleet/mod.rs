//! Fleet assessment: every database of an inventory (a fleet file, or a server's databases)
//! assessed concurrently, within a global and a per-host limit, through a work queue in the
//! control plane that several processes can share; then ranked into migration waves.
//!
//! Each database gets a migration UUID derived from the fleet's name and its
//! `host:port/database` (UUID v5), so every worker, on any machine, names it the same way, and
//! a migration dir `<work-dir>/<database>@<host>_<port>-<first 8 hex digits of the UUID>` (unique
//! even when two names sanitise alike, such as `a/b` and `a_b`). One database failing never stops the
//! others; its error goes to the control plane. A stopped run (cancelled, killed) resumes where
//! it was: what is done is not assessed again (`reassess` forces it).

mod assess;
pub mod html;
pub mod inventory;
pub mod rank;
mod results;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
pub use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::connection::LibpqEnv;
use crate::control_plane::QueueFailure;
use crate::vocabulary::QueueState;
use crate::{Error, Result};
use inventory::Inventory;

pub use assess::{run, run_with_env};
pub use results::{fleet_name, list, rank, report_links, show, FleetMemberDetails};

/// The namespace of fleet run ids (UUID v5 of the fleet's name).
const FLEET_NAMESPACE: Uuid = Uuid::from_u128(0x6c69_6276_6f79_6167_6572_2d66_6c65_6574);

pub const DEFAULT_PARALLEL: usize = 8;
pub const DEFAULT_PER_HOST: usize = 4;
pub const DEFAULT_LEASE_SECONDS: u64 = 30;
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 600;
/// The largest `--parallel` and `--per-host`.
pub const MAX_PARALLEL: usize = 1024;
/// The longest lease and per-database timeout: a week.
pub const MAX_SECONDS: u64 = 7 * 24 * 3600;

/// What to assess and how.
#[derive(Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Remove from the fleet the databases that are no longer in its inventory (their queue
    /// items, and their place in `fleet list` and `rank`); their assessments stay.
    pub prune: bool,
}

impl std::fmt::Debug for FleetRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::connection::debug_redacted(self, f)
    }
}

/// Where a fleet run is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FleetProgress {
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    pub running: i64,
    pub pending: i64,
    pub eta_seconds: Option<f64>,
    /// What just happened, if anything.
    pub event: Option<FleetEvent>,
    /// What this worker waits for when it has nothing to do (databases other workers hold,
    /// for example those of a killed run whose leases have not run out yet).
    #[serde(default)]
    pub waiting: Option<String>,
}

/// One database finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FleetEvent {
    pub migration_uuid: Uuid,
    pub database: String,
    pub host: String,
    /// `done` or `failed`.
    pub state: QueueState,
    pub error: Option<String>,
}

pub type FleetProgressFn = crate::OnProgress<FleetProgress>;

/// What a fleet run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Databases the fleet's queue holds that this inventory does not (removed from the fleet
    /// file, or queued by another inventory under the same name); not counted above.
    pub not_in_inventory: i64,
    /// Databases removed from the fleet by `prune`.
    pub pruned: u64,
    pub html_report: Option<PathBuf>,
    pub next_step: String,
}

impl FleetOutcome {
    /// Whether every database of the fleet has a completed assessment.
    pub fn all_succeeded(&self) -> bool {
        !self.interrupted && self.failed == 0 && self.done == self.total
    }
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
                "give either \u{E000}fleet_file\u{E001} or \u{E000}all_databases\u{E001}, not both",
            ))
        }
        (None, None) => return Err(Error::invalid_argument(
            "nothing to assess: give \u{E000}fleet_file\u{E001} <file> (TOML or CSV) or \u{E000}all_databases\u{E001} <server connection string>",
        )),
        (Some(file), None) => {
            if !request.include.is_empty() || !request.exclude.is_empty() {
                return Err(Error::invalid_argument(
                    "\u{E000}include\u{E001} and \u{E000}exclude\u{E001} go with \u{E000}all_databases\u{E001}",
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

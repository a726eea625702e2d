//! The control plane's own tables, created and upgraded by the library with a recorded schema
//! version. Only SQL that YugabyteDB runs: no advisory locks (creation races are retried
//! instead), no deferrable constraints, no inheritance.
//!
//! Only writers create or upgrade the tables ([`ensure`]); readers ([`read_state`]) run no DDL,
//! so a read-only control-plane user can list, show and rank.

use tokio_postgres::Client;

/// The schema version this library writes.
pub const SCHEMA_VERSION: i32 = 5;

/// The DDL of each version, applied in order.
const MIGRATIONS: &[&str] = &[
    // Version 1.
    "CREATE TABLE IF NOT EXISTS voyager_fleet.sources (
        migration_uuid uuid PRIMARY KEY,
        db_type text NOT NULL,
        host text NOT NULL,
        port int NOT NULL,
        database_name text NOT NULL,
        schemas text[] NOT NULL DEFAULT '{}',
        db_user text,
        ssl_mode text,
        labels jsonb NOT NULL DEFAULT '{}',
        latest_run int,
        completed_run int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now());
     CREATE INDEX IF NOT EXISTS sources_database ON voyager_fleet.sources (database_name);
     CREATE INDEX IF NOT EXISTS sources_host ON voyager_fleet.sources (host);
     CREATE TABLE IF NOT EXISTS voyager_fleet.assessments (
        migration_uuid uuid NOT NULL,
        run int NOT NULL,
        status text NOT NULL,
        error text,
        complexity text,
        level1 int NOT NULL DEFAULT 0,
        level2 int NOT NULL DEFAULT 0,
        level3 int NOT NULL DEFAULT 0,
        blocking int NOT NULL DEFAULT 0,
        total_size_bytes bigint NOT NULL DEFAULT 0,
        row_count bigint NOT NULL DEFAULT 0,
        effort_hours double precision NOT NULL DEFAULT 0,
        target_db_version text,
        assessed_at timestamptz NOT NULL,
        report jsonb,
        report_sha256 text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (migration_uuid, run));
     CREATE UNIQUE INDEX IF NOT EXISTS assessments_report_once ON voyager_fleet.assessments (migration_uuid, report_sha256);
     CREATE INDEX IF NOT EXISTS assessments_complexity ON voyager_fleet.assessments (complexity);
     CREATE INDEX IF NOT EXISTS assessments_status ON voyager_fleet.assessments (status);
     CREATE TABLE IF NOT EXISTS voyager_fleet.fleet_runs (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now());
     CREATE TABLE IF NOT EXISTS voyager_fleet.work_queue (
        fleet_run_id uuid NOT NULL,
        migration_uuid uuid NOT NULL,
        state text NOT NULL DEFAULT 'pending',
        claimed_by text,
        lease_until timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (fleet_run_id, migration_uuid));",
    // Version 2: whether an assessment is partial (some check could not run), and which.
    "ALTER TABLE voyager_fleet.assessments ADD COLUMN IF NOT EXISTS partial boolean NOT NULL DEFAULT false;
     ALTER TABLE voyager_fleet.assessments ADD COLUMN IF NOT EXISTS skipped_checks text;",
    // Version 3: a source database's identity (server identity, or normalised host:port, plus
    // the database), so the same database assessed several ways is one database.
    "ALTER TABLE voyager_fleet.sources ADD COLUMN IF NOT EXISTS source_identity text;
     CREATE INDEX IF NOT EXISTS sources_identity ON voyager_fleet.sources (source_identity);",
    // Version 4: each assessment's table and index names, written with it, so ranking reads no
    // report (what groups near-identical schemas); older rows are filled from their reports.
    "ALTER TABLE voyager_fleet.assessments ADD COLUMN IF NOT EXISTS object_names text[];
     UPDATE voyager_fleet.assessments a SET object_names = ARRAY(
        SELECT DISTINCT e->>'ObjectName'
        FROM pg_catalog.jsonb_array_elements(coalesce(a.report->'TableIndexStats', '[]'::jsonb)) e
        WHERE e->>'ObjectName' IS NOT NULL)
     WHERE a.object_names IS NULL AND a.report IS NOT NULL;",
    // Version 5: those names as 64-bit hashes (see names.rs), so ranking reads numbers.
    "ALTER TABLE voyager_fleet.assessments ADD COLUMN IF NOT EXISTS object_name_hashes bigint[];
     UPDATE voyager_fleet.assessments a SET object_name_hashes = ARRAY(
        SELECT DISTINCT ('x' || pg_catalog.left(pg_catalog.md5(n), 16))::bit(64)::bigint
        FROM pg_catalog.unnest(a.object_names) n WHERE n IS NOT NULL)
     WHERE a.object_name_hashes IS NULL AND a.object_names IS NOT NULL;",
];

/// Whether a schema in this state has what `version` added.
pub fn has_version(state: SchemaState, version: i32) -> bool {
    matches!(state, SchemaState::Current | SchemaState::Newer(_))
        || matches!(state, SchemaState::Older(v) if v >= version)
}

/// The SQL of an assessment `a`'s `partial` and `skipped_checks` (version 2 on), else false
/// and NULL.
pub fn partial_sql(state: SchemaState) -> &'static str {
    if has_version(state, 2) {
        "a.partial, a.skipped_checks"
    } else {
        "false AS partial, NULL::text AS skipped_checks"
    }
}

/// The SQL of a source `s`'s identity: its column (version 3 on), else NULL (a schema not
/// upgraded yet: readers upgrade nothing). Read as a column, not out of a row made JSON, which
/// costs a quarter of a second over 10,000 sources.
pub fn source_identity_sql(state: SchemaState) -> &'static str {
    if has_version(state, 3) {
        "s.source_identity"
    } else {
        "NULL::text"
    }
}

/// What the database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaState {
    /// No libvoyager tables (yet): nothing was stored here.
    Missing,
    /// Ours: reads and writes are fine.
    Current,
    /// Written by an older libvoyager and not upgraded yet (readers upgrade nothing): reads work.
    Older(i32),
    /// Written by a newer libvoyager: reads work where the layout allows, writes are refused.
    Newer(i32),
    /// A version no libvoyager writes (changed by hand): neither reads nor writes.
    Corrupt(i64),
}

/// The recorded schema version, without changing anything.
pub async fn read_state(client: &Client) -> Result<SchemaState, tokio_postgres::Error> {
    let exists: bool = client
        .query_one(
            "SELECT pg_catalog.to_regclass('voyager_fleet.schema_version') IS NOT NULL AS present",
            &[],
        )
        .await?
        .try_get("present")?;
    if !exists {
        return Ok(SchemaState::Missing);
    }
    // As text: a version column widened by a newer libvoyager still reads.
    let found: Option<String> = client
        .query_opt(
            "SELECT version::text AS version FROM voyager_fleet.schema_version WHERE id = 1",
            &[],
        )
        .await?
        .map(|r| r.try_get("version"))
        .transpose()?;
    Ok(match found {
        None => SchemaState::Missing,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(v) if v <= 0 => SchemaState::Corrupt(v),
            Ok(v) if v > SCHEMA_VERSION as i64 => SchemaState::Newer(i32::try_from(v).unwrap_or(i32::MAX)),
            Ok(v) if v < SCHEMA_VERSION as i64 => SchemaState::Older(v as i32),
            Ok(_) => SchemaState::Current,
            Err(_) => SchemaState::Corrupt(-1),
        },
    })
}

/// Create or upgrade the schema; safe when several processes do it at once (races surface as
/// retryable errors and the caller retries).
pub async fn ensure(client: &Client) -> Result<SchemaState, tokio_postgres::Error> {
    client
        .batch_execute(
            "CREATE SCHEMA IF NOT EXISTS voyager_fleet;
             CREATE TABLE IF NOT EXISTS voyager_fleet.schema_version (
                id int PRIMARY KEY, version int NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
    let from = match read_state(client).await? {
        SchemaState::Newer(v) => return Ok(SchemaState::Newer(v)),
        SchemaState::Corrupt(v) => return Ok(SchemaState::Corrupt(v)),
        SchemaState::Current => {
            super::yugabyted::ensure_table(client).await?;
            return Ok(SchemaState::Current);
        }
        SchemaState::Older(v) => v,
        SchemaState::Missing => 0,
    };
    for ddl in &MIGRATIONS[from as usize..SCHEMA_VERSION as usize] {
        client.batch_execute(ddl).await?;
    }
    super::yugabyted::ensure_table(client).await?;
    client
        .execute(
            "INSERT INTO voyager_fleet.schema_version (id, version) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET version = greatest(voyager_fleet.schema_version.version, EXCLUDED.version), updated_at = now()",
            &[&SCHEMA_VERSION],
        )
        .await?;
    Ok(SchemaState::Current)
}

//! The control plane's own tables, created and upgraded by the library with a recorded schema
//! version. Only SQL that YugabyteDB runs: no advisory locks (creation races are retried
//! instead), no deferrable constraints, no inheritance.

use tokio_postgres::Client;

/// The schema version this library writes.
pub const SCHEMA_VERSION: i32 = 2;

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
];

/// What the database holds, once made sure of.
pub enum SchemaState {
    /// Ours: reads and writes are fine.
    Current,
    /// Written by a newer libvoyager: reads work where the layout allows, writes are refused.
    Newer(i32),
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
    let found: Option<i32> = client
        .query_opt("SELECT version FROM voyager_fleet.schema_version WHERE id = 1", &[])
        .await?
        .map(|r| r.get(0));
    let from = match found {
        Some(v) if v > SCHEMA_VERSION => return Ok(SchemaState::Newer(v)),
        Some(v) if v == SCHEMA_VERSION => {
            super::yugabyted::ensure_table(client).await?;
            return Ok(SchemaState::Current);
        }
        Some(v) => v,
        None => 0,
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

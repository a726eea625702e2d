//! Every source database the control plane knows, one row each, whichever way it was assessed:
//! by hand (`init` + `assess-migration`), by one or more fleet runs, or only by yb-voyager
//! (yugabyted's table).
//!
//! A source database's identity is its server's identity plus the database name: the server's
//! `pg_control_system().system_identifier` where the assessing user may read it (stable across
//! host aliases), otherwise the normalised `host:port`. Two migrations are the same database
//! when they share either key. The row shown is the migration with the latest completed
//! assessment (or, with none completed, the latest run); every migration UUID and its runs are
//! listed underneath.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use serde_json::Value;
use tokio_postgres::Client;
use uuid::Uuid;

use super::listing::{self, MigrationRuns, MigrationSummary, RunBrief};
use super::rows::{column, ColumnError};
use super::schema::SchemaState;
use super::{AssessmentSummary, Origin};
use crate::vocabulary::AssessmentStatus;

/// A host as written, made comparable: lower case, no brackets or trailing dot, and every
/// loopback alias as `localhost`.
pub fn normal_host(host: &str) -> String {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let h = h.trim_start_matches('[').trim_end_matches(']').to_string();
    let loopback = h == "localhost"
        || h.parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
        || h.ends_with(".localhost");
    if loopback {
        "localhost".into()
    } else {
        h
    }
}

/// Whether two hosts are the same once normalised.
pub fn same_host(a: &str, b: &str) -> bool {
    normal_host(a) == normal_host(b)
}

/// The identity of a database by its address: `addr:<host>:<port>/<database>`.
pub fn address_identity(host: &str, port: i32, database: &str) -> String {
    format!("addr:{}:{port}/{database}", normal_host(host))
}

/// The identity of a database by its server: `sysid:<system_identifier>/<database>`.
pub fn server_identity(system_identifier: &str, database: &str) -> String {
    format!("sysid:{system_identifier}/{database}")
}

/// The identity a report records (its server's identity when the assessment could read it),
/// else the address.
pub fn identity_of(report: &Value, host: &str, port: i32, database: &str) -> String {
    match report
        .pointer("/LibvoyagerSummary/Source/SystemIdentifier")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        Some(id) => server_identity(id, database),
        None => address_identity(host, port, database),
    }
}

/// What was read: one row per database, and the table and index names of the yb-voyager-only
/// ones (ours are read from the reports on demand).
pub(super) struct Known {
    pub rows: Vec<MigrationSummary>,
    pub yb_names: HashMap<Uuid, Vec<i64>>,
    /// Per row, the (migration, run) whose report it shows, when libvoyager stored it.
    pub shown_runs: HashMap<Uuid, i32>,
}

/// One migration as read, before grouping.
struct Migration {
    row: MigrationSummary,
    fleet: Option<String>,
    runs: Vec<AssessmentSummary>,
}

/// Read every database the control plane knows. `ours`: the state of libvoyager's tables;
/// `yugabyted`: yugabyted's table is there.
pub(super) async fn load(client: &Client, ours: SchemaState, yugabyted: bool) -> Result<Known, ColumnError> {
    let identity = super::schema::source_identity_sql(ours);
    let partial = super::schema::partial_sql(ours);
    let ours = ours != SchemaState::Missing;
    let runs_sql = format!(
        "SELECT a.migration_uuid, a.run, a.status, a.error, a.complexity, a.level1, a.level2, a.level3, \
                a.total_size_bytes, a.effort_hours, a.assessed_at, {partial} FROM voyager_fleet.assessments a"
    );
    let sources_sql = format!(
        "SELECT s.migration_uuid, s.db_type, s.host, s.port, s.database_name, s.schemas, s.db_user, s.labels, \
                {identity} AS source_identity \
         FROM voyager_fleet.sources s"
    );
    // The latest row of each migration yugabyted's table holds (and libvoyager's tables do not)
    // is chosen on its key columns first; only those rows are read whole (as JSON, so an older
    // yugabyted table without some columns reads too): a row read whole brings its payload,
    // which the other rows need not.
    let yugabyted_sql = format!(
        "SELECT (SELECT pg_catalog.to_jsonb(m)::text FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata m \
                 WHERE m.migration_uuid = k.migration_uuid AND m.migration_phase = k.migration_phase \
                   AND m.invocation_sequence = k.invocation_sequence LIMIT 1) AS row \
         FROM (SELECT DISTINCT ON (m.migration_uuid) m.migration_uuid, m.migration_phase, m.invocation_sequence \
               FROM ybvoyager_visualizer.ybvoyager_visualizer_metadata m \
               WHERE m.migration_uuid IS NOT NULL {} \
               ORDER BY m.migration_uuid, (m.migration_phase = 1 AND m.status = 'COMPLETED') DESC, \
                        m.invocation_sequence DESC) k",
        if ours {
            "AND NOT EXISTS (SELECT 1 FROM voyager_fleet.sources s WHERE s.migration_uuid = m.migration_uuid)"
        } else {
            ""
        }
    );
    // The three are sent at once (tokio-postgres pipelines them on the one connection): each
    // result is decoded while the server reads the next.
    let read = |wanted: bool, sql: String| async move {
        if wanted {
            client.query(&sql, &[]).await
        } else {
            Ok(Vec::new())
        }
    };
    let (run_rows, source_rows, yugabyted_rows) = tokio::try_join!(
        read(ours, runs_sql),
        read(ours, sources_sql),
        read(yugabyted, yugabyted_sql)
    )?;
    let mut migrations: Vec<Migration> = Vec::with_capacity(source_rows.len() + yugabyted_rows.len());
    let mut runs: FxHashMap<Uuid, Vec<AssessmentSummary>> = FxHashMap::default();
    runs.reserve(run_rows.len());
    for r in &run_rows {
        let uuid: Uuid = column(r, "migration_uuid")?;
        runs.entry(uuid).or_default().push(listing::summary_from_row(r)?);
    }
    for r in &source_rows {
        let row = listing::source_from_row(r)?;
        let mut runs = runs.remove(&row.migration_uuid).unwrap_or_default();
        runs.sort_by_key(|r| std::cmp::Reverse(r.run));
        let fleet = row.labels.get("fleet").and_then(Value::as_str).map(str::to_string);
        migrations.push(Migration { row, fleet, runs });
    }
    let mut yb_names = HashMap::new();
    for r in &yugabyted_rows {
        let Some(text) = column::<Option<String>>(r, "row")? else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let (m, names) = yb_voyager_migration(&v);
        if let Some(names) = names {
            yb_names.insert(m.row.migration_uuid, names);
        }
        migrations.push(m);
    }
    let (rows, shown_runs) = group(migrations);
    Ok(Known {
        rows,
        yb_names,
        shown_runs,
    })
}

/// A migration only yb-voyager recorded, from its latest row in yugabyted's table.
fn yb_voyager_migration(v: &Value) -> (Migration, Option<Vec<i64>>) {
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let uuid = Uuid::parse_str(&text("migration_uuid")).unwrap_or_default();
    let host = v
        .get("host_ip")
        .and_then(Value::as_str)
        .and_then(|h| serde_json::from_str::<Value>(h).ok())
        .and_then(|h| h.get("SourceDBIP").and_then(Value::as_str).map(str::to_string))
        .and_then(|ips| ips.split('|').next().map(str::to_string))
        .unwrap_or_default();
    let port = v
        .get("port")
        .and_then(Value::as_i64)
        .and_then(|p| i32::try_from(p).ok())
        .unwrap_or(5432);
    let at = v
        .get("invocation_timestamp")
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    let run = v
        .get("invocation_sequence")
        .and_then(Value::as_i64)
        .and_then(|s| i32::try_from(s).ok())
        .unwrap_or(0);
    let assessed = v.get("migration_phase").and_then(Value::as_i64) == Some(1) && text("status") == "COMPLETED";
    let mut names = None;
    let latest = assessed.then(|| match super::yugabyted::report_of_payload(&text("payload")) {
        Ok(report) => {
            let s = listing::summary_columns(&report);
            names = Some(super::name_hashes(
                listing::report_object_names(&report).iter().map(String::as_str),
            ));
            AssessmentSummary {
                run,
                status: AssessmentStatus::Completed,
                error: None,
                complexity: s
                    .complexity
                    .or_else(|| Some(text("complexity")).filter(|c| !c.is_empty())),
                level1: s.level1,
                level2: s.level2,
                level3: s.level3,
                total_size_bytes: s.total_size_bytes,
                effort_hours: s.effort_hours,
                assessed_at: at,
                partial: s.partial,
                skipped_checks: s.skipped_checks,
            }
        }
        Err(why) => AssessmentSummary {
            run,
            status: AssessmentStatus::Failed,
            error: Some(why),
            complexity: None,
            level1: 0,
            level2: 0,
            level3: 0,
            total_size_bytes: 0,
            effort_hours: 0.0,
            assessed_at: at,
            partial: false,
            skipped_checks: None,
        },
    });
    let row = MigrationSummary {
        migration_uuid: uuid,
        db_type: Some(text("db_type"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "postgresql".into()),
        host,
        port,
        database: text("database_name"),
        schemas: text("schema_name")
            .split('|')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        user: None,
        labels: Value::Object(Default::default()),
        latest: None,
        origin: Origin::YbVoyager,
        identity: None,
        migrations: Vec::new(),
    };
    let runs = latest.into_iter().collect();
    (Migration { row, fleet: None, runs }, names)
}

/// Group migrations into databases (by either identity key) and pick each one's row. Rows
/// come out in the order of their first migration; nothing is cloned that can be moved.
fn group(migrations: Vec<Migration>) -> (Vec<MigrationSummary>, HashMap<Uuid, i32>) {
    let n = migrations.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut addresses: Vec<String> = migrations
        .iter()
        .map(|m| address_identity(&m.row.host, m.row.port, &m.row.database))
        .collect();
    let mut first_with: FxHashMap<&str, usize> = FxHashMap::default();
    first_with.reserve(2 * n);
    for (i, m) in migrations.iter().enumerate() {
        for key in std::iter::once(addresses[i].as_str()).chain(m.row.identity.as_deref()) {
            match first_with.get(key) {
                Some(&j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    if a != b {
                        parent[a] = b;
                    }
                }
                None => {
                    first_with.insert(key, i);
                }
            }
        }
    }
    drop(first_with);
    let mut group_of_root: FxHashMap<usize, usize> = FxHashMap::default();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        let g = *group_of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut migrations: Vec<Option<Migration>> = migrations.into_iter().map(Some).collect();
    let mut rows = Vec::with_capacity(groups.len());
    let mut shown_runs = HashMap::new();
    for members in groups {
        let member = |i: usize| migrations[i].as_ref().expect("each migration is in one group");
        // The latest completed assessment among the members, else the latest run, else any.
        let pick = members
            .iter()
            .filter_map(|&i| {
                let m = member(i);
                m.runs
                    .iter()
                    .position(|r| r.status == AssessmentStatus::Completed)
                    .map(|k| (i, k, m.runs[k].assessed_at))
            })
            .max_by_key(|&(_, _, at)| at)
            .or_else(|| {
                members
                    .iter()
                    .filter_map(|&i| member(i).runs.first().map(|r| (i, 0, r.assessed_at)))
                    .max_by_key(|&(_, _, at)| at)
            });
        let shown = pick.map_or(members[0], |(i, _, _)| i);
        let identity = members
            .iter()
            .find_map(|&i| member(i).row.identity.as_deref().filter(|id| id.starts_with("sysid:")))
            .map(str::to_string);
        let mut labels = serde_json::Map::new();
        for &i in &members {
            if let Some(o) = member(i).row.labels.as_object() {
                labels.extend(o.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        let mut under: Vec<&Migration> = members.iter().map(|&i| member(i)).collect();
        under.sort_by(|a, b| {
            let last = |m: &Migration| m.runs.first().map(|r| r.assessed_at);
            last(b)
                .cmp(&last(a))
                .then(a.row.migration_uuid.cmp(&b.row.migration_uuid))
        });
        let runs_underneath: Vec<MigrationRuns> = under
            .into_iter()
            .map(|m| MigrationRuns {
                migration_uuid: m.row.migration_uuid,
                origin: m.row.origin,
                fleet: m.fleet.clone(),
                runs: m
                    .runs
                    .iter()
                    .map(|r| RunBrief {
                        run: r.run,
                        status: r.status,
                        complexity: r.complexity.clone(),
                        assessed_at: r.assessed_at,
                    })
                    .collect(),
            })
            .collect();
        let Migration { mut row, mut runs, .. } = migrations[shown].take().expect("taken once");
        let latest = pick.map(|(_, k, _)| runs.swap_remove(k));
        if let (Some(l), Origin::Libvoyager) = (&latest, row.origin) {
            shown_runs.insert(row.migration_uuid, l.run);
        }
        row.latest = latest;
        row.identity = identity.or_else(|| Some(std::mem::take(&mut addresses[shown])));
        // The shown row's own labels win over the other members'.
        if let Value::Object(own) = std::mem::take(&mut row.labels) {
            labels.extend(own);
        }
        row.labels = Value::Object(labels);
        row.migrations = runs_underneath;
        rows.push(row);
    }
    (rows, shown_runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_normalised() {
        assert_eq!(normal_host("LocalHost."), "localhost");
        assert_eq!(normal_host("127.0.0.1"), "localhost");
        assert_eq!(normal_host("[::1]"), "localhost");
        assert_eq!(normal_host("DB.Example.com."), "db.example.com");
        assert!(same_host("127.0.0.1", "localhost"));
        assert!(!same_host("10.0.0.1", "10.0.0.2"));
        assert_eq!(address_identity("127.0.0.1", 5432, "db1"), "addr:localhost:5432/db1");
    }
}

//! Benchmark: a control plane holding 1,000 and 10,000 assessments (a real report of db2, one
//! per migration, complexities mixed). Prints the time to load them, to list and sort them all,
//! to fetch one by UUID, and to run a non-interactive start-migration that rebuilds a migration
//! dir from it (connection checks of the source and the target included), and `voyager rank`
//! over all of them (databases in tenants of five near-identical schemas, so grouping works).
//! Run with `scripts/bench-control-plane` (it starts the test servers).

use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;
use voyager_core::assess_migration::{run_plan, AssessRequest};
use voyager_core::connection::{ConnectionString, LibpqEnv};
use voyager_core::control_plane::{ControlPlane, ListFilter, SortKey, SourceDetails};
use voyager_core::start_migration::{run_with_env as start_migration, StartMigrationAnswers};

const SIZES: [usize; 2] = [1_000, 10_000];
const WRITERS: usize = 8;

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through scripts/bench-control-plane"))
}

/// The median of `runs` timings of `f`, in milliseconds.
async fn median_ms<F, Fut>(runs: usize, mut f: F) -> f64
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let started = Instant::now();
        f(i).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

async fn fresh_database(name: &str) -> String {
    let base = var("VOYAGER_CP_URL");
    let admin = ConnectionString::parse(&base)
        .unwrap()
        .resolve(&LibpqEnv::empty())
        .connect(Duration::from_secs(10))
        .await
        .unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    format!("{}/{name}", &base[..base.rfind('/').unwrap()])
}

#[tokio::main]
async fn main() {
    let source_url = var("VOYAGER_SOURCE_URL").replace("/db1", "/db2");
    let target = var("VOYAGER_TARGET_URL");
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { SIZES.to_vec() } else { sizes };
    let work = tempfile::tempdir().unwrap();

    // One real assessment of db2, whose report every migration of the fleet carries.
    let request = AssessRequest {
        source: Some(source_url.clone()),
        export_dir: Some(work.path().join("db2").display().to_string()),
        ..Default::default()
    };
    let assessed = run_plan(request.plan(&LibpqEnv::empty()).unwrap(), None).await.unwrap();
    let report = serde_json::to_value(&assessed.report).unwrap();
    let info = ConnectionString::parse(&source_url).unwrap().info();
    let db2 = SourceDetails {
        db_type: "postgresql".into(),
        host: info.host.clone(),
        port: info.port,
        database: "db2".into(),
        schemas: vec!["public".into()],
        user: Some(info.user.clone()),
        ssl_mode: Some("prefer".into()),
    };
    println!(
        "report {} bytes; {WRITERS} writers; times are medians in ms",
        serde_json::to_vec(&report).unwrap().len()
    );
    println!(
        "{:>8} {:>10} {:>14} {:>14} {:>14} {:>12} {:>16} {:>10}",
        "stored",
        "load (s)",
        "list by name",
        "list by effort",
        "list+connect",
        "fetch one",
        "start-migration",
        "rank all"
    );

    for size in sizes {
        let url = fresh_database(&format!("bench_cp_{size}")).await;
        let uuids: Vec<Uuid> = (0..size).map(|_| Uuid::new_v4()).collect();
        let uuids = Arc::new(uuids);
        let loaded = Instant::now();
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (url, uuids, report, db2) = (url.clone(), uuids.clone(), report.clone(), db2.clone());
            writers.push(tokio::spawn(async move {
                let cp = ControlPlane::connect(&url).await.unwrap();
                for i in (w..uuids.len()).step_by(WRITERS) {
                    let mut r = report.clone();
                    r["MigrationComplexity"] = ["LOW", "MEDIUM", "HIGH"][i % 3].into();
                    let source = if i == 0 {
                        db2.clone()
                    } else {
                        r["SchemaSummary"]["DbName"] = format!("fleet_db_{i:05}").into();
                        // Tenants of five: 30 tables of their own and one of each database's
                        // (19 of 20 such schemas near-identical), so ranking's grouping works.
                        let tenant = i / 5;
                        let mut stats: Vec<serde_json::Value> = (0..30)
                            .map(|k| serde_json::json!({"SchemaName": "public", "ObjectName": format!("g{tenant}_t{k}"), "IsIndex": false}))
                            .collect();
                        stats.push(serde_json::json!({"SchemaName": "public", "ObjectName": format!("m{i}"), "IsIndex": false}));
                        r["TableIndexStats"] = serde_json::Value::Array(stats);
                        SourceDetails {
                            host: format!("10.0.{}.{}", i / 250, i % 250),
                            database: format!("fleet_db_{i:05}"),
                            ..db2.clone()
                        }
                    };
                    cp.store_assessment(uuids[i], &source, &r, "/bench").await.unwrap();
                }
            }));
        }
        for w in writers {
            w.await.unwrap();
        }
        let load_s = loaded.elapsed().as_secs_f64();

        let cp = ControlPlane::connect(&url).await.unwrap();
        let by_name = median_ms(5, |_| async {
            assert_eq!(cp.list(&ListFilter::default()).await.unwrap().len(), size);
        })
        .await;
        let by_effort = median_ms(5, |_| async {
            let filter = ListFilter {
                sort: SortKey::Effort,
                descending: true,
                ..Default::default()
            };
            assert_eq!(cp.list(&filter).await.unwrap().len(), size);
        })
        .await;
        let with_connect = median_ms(5, |_| async {
            let rows = voyager_core::control_plane::list(&url, &ListFilter::default())
                .await
                .unwrap();
            assert_eq!(rows.len(), size);
        })
        .await;
        let fetch = median_ms(21, |i| {
            let cp = &cp;
            let uuid = uuids[(i * 7919) % size];
            async move {
                assert_eq!(cp.latest(uuid).await.unwrap().migration_uuid, uuid);
            }
        })
        .await;
        let start = median_ms(5, |i| {
            let answers = StartMigrationAnswers {
                migration_dir: Some(work.path().join(format!("rebuilt-{size}-{i}")).display().to_string()),
                assessment_control_plane: Some(url.clone()),
                migration_uuid: Some(uuids[0].to_string()),
                target: Some(target.clone()),
                flow: Some(voyager_core::vocabulary::Flow::Offline),
                ..Default::default()
            };
            async move {
                start_migration(answers, LibpqEnv::empty().with_var("SOURCE_DB_PASSWORD", "password"))
                    .await
                    .unwrap();
            }
        })
        .await;
        // voyager rank: every database once, scored, in waves and groups.
        let rank_all = median_ms(5, |_| async {
            let ranked = voyager_core::ranking::rank_with(
                &cp,
                &voyager_core::ranking::RankRequest::default(),
                &voyager_core::fleet::rank::Weights::default(),
            )
            .await
            .unwrap();
            assert_eq!(ranked.len(), size);
        })
        .await;
        println!(
            "{size:>8} {load_s:>10.1} {by_name:>14.1} {by_effort:>14.1} {with_connect:>14.1} {fetch:>12.2} {start:>16.1} {rank_all:>10.1}"
        );
    }
}

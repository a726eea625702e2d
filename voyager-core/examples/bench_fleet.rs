//! Benchmark: a fleet of 200 databases of 50 tables each (two indexes per table, a view and a
//! function per 10 tables) on the test source server, assessed by `assess-fleet`'s core with
//! its default limits, then one database at a time, into a fresh control plane each. Prints
//! databases per second, wall time and the process's peak memory (RSS) of each run.
//! Run with `scripts/bench-fleet` (it starts the test servers); arguments: databases, tables,
//! and `concurrent` to skip the one-at-a-time run (`scripts/bench-fleet --thousand`: 1,000
//! small databases of 5 tables, concurrently). The databases are dropped at the end.

use std::time::{Duration, Instant};

use voyager_core::connection::{ConnectionString, LibpqEnv};
use voyager_core::fleet::{self, CancellationToken, FleetRequest};

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through scripts/bench-fleet"))
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let conn = ConnectionString::parse(url).unwrap().resolve(&LibpqEnv::empty());
    let client = conn.connect(Duration::from_secs(10)).await.unwrap();
    // Our connections pin search_path to pg_catalog; the set-up makes objects by bare names.
    client
        .batch_execute("SET search_path = \"$user\", public")
        .await
        .unwrap();
    client
}

/// Peak resident memory of this process so far, in MiB (VmHWM), and reset it.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    kib / 1024.0
}

/// Free space (KiB) on the file system of `path`, from `df`.
fn free_kib(path: &str) -> u64 {
    let out = std::process::Command::new("df")
        .args(["--output=avail", "-k", path])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    out.lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(u64::MAX)
}

async fn fresh_database(admin_url: &str, name: &str) -> String {
    let admin = connect(admin_url).await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    format!("{}/{name}", &admin_url[..admin_url.rfind('/').unwrap()])
}

#[tokio::main]
async fn main() {
    let concurrent_only = std::env::args().skip(1).any(|a| a == "concurrent");
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let databases = args.first().copied().unwrap_or(200);
    let tables = args.get(1).copied().unwrap_or(50);
    let source_admin = var("VOYAGER_SOURCE_ADMIN_URL");
    let base = &source_admin[..source_admin.rfind('/').unwrap()];

    // The fleet: a template database with the schema, copied (CREATE DATABASE ... TEMPLATE).
    let built = Instant::now();
    let template = fresh_database(&source_admin, "bench_fleet_template").await;
    let t = connect(&template).await;
    t.batch_execute(&format!(
        "DO $$ BEGIN FOR i IN 1..{tables} LOOP
           EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, name text NOT NULL, created timestamptz, amount numeric(12,2), ref_id bigint)', i);
           EXECUTE format('CREATE INDEX t%s_name ON t%s (name)', i, i);
           EXECUTE format('CREATE INDEX t%s_ref ON t%s (ref_id, created)', i, i);
           IF i % 10 = 0 THEN
             EXECUTE format('CREATE VIEW v%s AS SELECT id, upper(name) AS name FROM t%s WHERE amount > 0', i, i);
             EXECUTE format('CREATE FUNCTION f%s(p bigint) RETURNS bigint LANGUAGE plpgsql AS $f$ DECLARE n bigint; BEGIN SELECT count(*) INTO n FROM t%s WHERE ref_id = p; RETURN n; END $f$', i, i);
           END IF;
         END LOOP; END $$; ALTER DATABASE bench_fleet_template OWNER TO amakala;"
    ))
    .await
    .unwrap();
    drop(t);
    let admin = connect(&source_admin).await;
    let mut databases = databases;
    for i in 0..databases {
        // Each copy is the size of an empty database (about 7.5 MiB): stop short of filling
        // the disk, and say so.
        if i % 25 == 0 && free_kib(&var("VOYAGER_SANDBOX_DIR")) < 4 * 1024 * 1024 {
            eprintln!("less than 4 GiB free on the sandbox's disk: stopping at {i} databases");
            databases = i;
            break;
        }
        let name = format!("bench_fleet_{i:03}");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .unwrap();
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE bench_fleet_template OWNER amakala STRATEGY = FILE_COPY"
            ))
            .await
            .unwrap();
    }
    eprintln!(
        "built {databases} databases of {tables} tables in {:.1} s",
        built.elapsed().as_secs_f64()
    );
    let _ = base;

    let work = tempfile::tempdir().unwrap();
    let cp_admin = var("VOYAGER_CP_URL");
    let server = var("VOYAGER_SOURCE_URL").replace("/db1", "/postgres");
    println!(
        "{:<28} {:>10} {:>10} {:>8} {:>14}",
        "run", "databases", "wall (s)", "db/s", "peak RSS (MiB)"
    );
    peak_rss_mib();
    for (label, parallel, per_host) in [
        (
            format!(
                "concurrent ({} at once)",
                fleet::DEFAULT_PARALLEL.min(fleet::DEFAULT_PER_HOST)
            ),
            fleet::DEFAULT_PARALLEL,
            fleet::DEFAULT_PER_HOST,
        ),
        ("one at a time".to_string(), 1, 1),
    ]
    .into_iter()
    .take(if concurrent_only { 1 } else { 2 })
    {
        let cp = fresh_database(&cp_admin, &format!("bench_fleet_cp_{parallel}")).await;
        let request = FleetRequest {
            all_databases: Some(server.clone()),
            include: vec!["bench_fleet_[0-9]*".into()],
            fleet_name: Some(format!("bench {parallel}")),
            work_dir: Some(work.path().join(format!("p{parallel}")).display().to_string()),
            assessment_control_plane: Some(cp),
            parallel: Some(parallel),
            per_host: Some(per_host),
            ..Default::default()
        };
        let started = Instant::now();
        let outcome = fleet::run_with_env(request, None, CancellationToken::new(), LibpqEnv::from_process())
            .await
            .unwrap();
        let wall = started.elapsed().as_secs_f64();
        assert_eq!(
            (outcome.done, outcome.failed),
            (databases as i64, 0),
            "{:?}",
            outcome.failures
        );
        println!(
            "{label:<28} {:>10} {wall:>10.1} {:>8.1} {:>14.0}",
            outcome.done,
            outcome.done as f64 / wall,
            peak_rss_mib()
        );
    }

    // Leave the servers as they were.
    let dropped = Instant::now();
    for i in 0..databases {
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS bench_fleet_{i:03} WITH (FORCE)"))
            .await
            .unwrap();
    }
    admin
        .batch_execute("DROP DATABASE IF EXISTS bench_fleet_template WITH (FORCE)")
        .await
        .unwrap();
    let cp_admin_client = connect(&cp_admin).await;
    for parallel in [fleet::DEFAULT_PARALLEL, 1] {
        cp_admin_client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS bench_fleet_cp_{parallel} WITH (FORCE)"
            ))
            .await
            .unwrap();
    }
    eprintln!(
        "dropped the {databases} databases in {:.1} s",
        dropped.elapsed().as_secs_f64()
    );
}

//! Benchmark: our assessment against `pg_dump --schema-only` on databases of 100, 1,000 and
//! 10,000 tables (each with two indexes; a view and a PL/pgSQL function per 10 tables).
//! Run with `scripts/bench-assess` (it starts the test servers, one source version after
//! another); pg_dump is the source version's own (`$VOYAGER_SOURCE_PG_BIN/pg_dump`).

use std::time::{Duration, Instant};

use voyager_core::assessment::{assess_source, AssessOptions};
use voyager_core::connection::{ConnectionString, LibpqEnv};

const SIZES: [usize; 3] = [100, 1_000, 10_000];

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

/// Create `tables` tables in chunks: one transaction holds a lock per object it creates.
async fn build(db: &tokio_postgres::Client, tables: usize) {
    for first in (1..=tables).step_by(500) {
        let last = (first + 499).min(tables);
        db.batch_execute(&format!(
            "DO $$ BEGIN FOR i IN {first}..{last} LOOP
               EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, name text NOT NULL, created timestamptz, amount numeric(12,2), ref_id bigint)', i);
               EXECUTE format('CREATE INDEX t%s_name ON t%s (name)', i, i);
               EXECUTE format('CREATE INDEX t%s_ref ON t%s (ref_id, created)', i, i);
               IF i % 10 = 0 THEN
                 EXECUTE format('CREATE VIEW v%s AS SELECT id, upper(name) AS name FROM t%s WHERE amount > 0', i, i);
                 EXECUTE format('CREATE FUNCTION f%s(p bigint) RETURNS bigint LANGUAGE plpgsql AS $f$ DECLARE n bigint; BEGIN SELECT count(*) INTO n FROM t%s WHERE ref_id = p; RETURN n; END $f$', i, i);
               END IF;
             END LOOP; END $$;"
        ))
        .await
        .unwrap();
    }
    db.batch_execute("ANALYZE").await.unwrap();
}

#[tokio::main]
async fn main() {
    let admin_url = std::env::var("VOYAGER_SOURCE_ADMIN_URL").expect("run through scripts/bench-assess");
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { SIZES.to_vec() } else { sizes };
    let admin = connect(&admin_url).await;
    let pg_dump = match std::env::var("VOYAGER_SOURCE_PG_BIN") {
        Ok(bin) => format!("{bin}/pg_dump"),
        Err(_) => "pg_dump".into(),
    };
    if std::env::var_os("VOYAGER_BENCH_NO_HEADER").is_none() {
        println!(
            "{:>10} {:>8} {:>12} {:>14} {:>8} {:>8} {:>8}",
            "postgres", "tables", "voyager (s)", "pg_dump -s (s)", "ratio", "issues", "queries"
        );
    }
    for tables in sizes {
        let name = format!("bench_{tables}");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        let db_url = format!("{}/{name}", &admin_url[..admin_url.rfind('/').unwrap()]);
        let db = connect(&db_url).await;
        let built = Instant::now();
        build(&db, tables).await;
        eprintln!("built {tables} tables in {:.1} s", built.elapsed().as_secs_f64());

        // Timed from connecting, as a user runs it: two connections, then the assessment. The
        // best of three runs of each, so a stray pause of the machine does not decide the ratio.
        let source = ConnectionString::parse(&db_url).unwrap().resolve(&LibpqEnv::empty());
        let mut ours = f64::MAX;
        let mut report = None;
        for _ in 0..3 {
            let started = Instant::now();
            let r = assess_source(&source, Duration::from_secs(10), &AssessOptions::default())
                .await
                .unwrap();
            ours = ours.min(started.elapsed().as_secs_f64());
            report = Some(r);
        }
        let report = report.unwrap();
        let mut dump = f64::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            let status = std::process::Command::new(&pg_dump)
                .args(["--schema-only", "--no-owner", "-f", "/dev/null", "-d", &db_url])
                .status()
                .expect("pg_dump runs");
            assert!(status.success());
            dump = dump.min(started.elapsed().as_secs_f64());
        }
        let server = report
            .schema_summary
            .db_version
            .split_whitespace()
            .next()
            .unwrap_or("?");
        println!(
            "{server:>10} {tables:>8} {ours:>12.3} {dump:>14.3} {:>7.1}x {:>8} {:>8}",
            dump / ours,
            report.assessment_issues.len(),
            report.summary.catalog_queries
        );
        drop(db);
        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .await
            .unwrap();
    }
}

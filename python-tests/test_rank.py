"""`rank` across everything the control plane holds, from Python and the CLI: db1 and db2
assessed by hand, then a fleet run over the server, then a database only yb-voyager recorded;
each is ranked and listed once. Also init reusing a known database's migration UUID, diff and
forget."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest

import libvoyager
from conftest import env

EXPECTED = Counter({"db1": 1, "db2": 1, "db3": 1, "py_legacy_db": 1})


def source_of(db: str) -> str:
    return f"postgresql://amakala:password@{env('VOYAGER_SOURCE_HOST')}:{env('VOYAGER_SOURCE_PORT')}/{db}"


def insert_yb_voyager_row(cp: str, migration_uuid: str, db: str) -> None:
    payload = json.dumps({"PayloadVersion": "1.8", "MigrationComplexity": "HIGH", "AssessmentIssues": []})
    sql = (
        "CREATE SCHEMA IF NOT EXISTS ybvoyager_visualizer; "
        "CREATE TABLE IF NOT EXISTS ybvoyager_visualizer.ybvoyager_visualizer_metadata (migration_uuid uuid, "
        "migration_phase int, invocation_sequence int, migration_dir text, database_name text, schema_name text, "
        "payload text, complexity varchar(30), db_type varchar(30), status varchar(30), invocation_timestamp timestamptz, "
        "PRIMARY KEY (migration_uuid, migration_phase, invocation_sequence)); "
        "INSERT INTO ybvoyager_visualizer.ybvoyager_visualizer_metadata (migration_uuid, migration_phase, "
        "invocation_sequence, database_name, schema_name, payload, complexity, db_type, status, invocation_timestamp) "
        f"VALUES ('{migration_uuid}', 1, 1, '{db}', 'public', $p${payload}$p$, 'HIGH', 'postgresql', 'COMPLETED', now())"
    )
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", cp, "-c", sql], check=True, capture_output=True)


def test_every_database_once_from_python_and_the_cli(tmp_path: Path, cli: str, fresh_cp: str) -> None:
    inits = {}
    configs = {}
    for db in ["db1", "db2"]:
        outcome = libvoyager.init(source=source_of(db), control_plane="shared", assessment_control_plane=fresh_cp,
                               migration_dir=str(tmp_path / f"{db}-migration"))
        libvoyager.assess(config_file=outcome.config_file, source_password="password")
        inits[db] = outcome.migration_uuid
        configs[db] = outcome.config_file
    fleet = libvoyager.assess_fleet(all_databases=source_of("db1"), include=["db[0-9]"], fleet_name="server",
                                 work_dir=str(tmp_path / "work"), assessment_control_plane=fresh_cp)
    assert (fleet.done, fleet.failed) == (3, 0)
    legacy = str(uuid.uuid4())
    insert_yb_voyager_row(fresh_cp, legacy, "py_legacy_db")

    rows = libvoyager.rank(fresh_cp)
    assert Counter(r.database for r in rows) == EXPECTED
    by_db = {r.database: r for r in rows}
    assert by_db["py_legacy_db"].origin == "yb_voyager"
    assert by_db["py_legacy_db"].complexity == "HIGH"
    assert inits["db1"] in [m["migration_uuid"] for m in by_db["db1"].migrations]
    assert len(by_db["db1"].migrations) == 2
    assert by_db["db3"].fleets == ["server"]
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    assert {r.database for r in libvoyager.rank(fresh_cp, fleet="server")} == {"db1", "db2", "db3"}
    assert [r.database for r in libvoyager.rank(fresh_cp, complexity="high")] == ["py_legacy_db"]
    with pytest.raises(libvoyager.InvalidArgumentError, match="key=value"):
        libvoyager.rank(fresh_cp, labels=["nokey"])
    # fleet_rank without a fleet: the only one.
    assert len(libvoyager.fleet_rank(fresh_cp)) == 3
    # control_plane_list: one row per database.
    assert Counter(r.database for r in libvoyager.control_plane_list(fresh_cp)) == EXPECTED

    # The CLI: --json, --csv, --html, and control-plane list.
    r = subprocess.run([cli, "rank", "--assessment-control-plane", fresh_cp, "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert Counter(row["database"] for row in json.loads(r.stdout)) == EXPECTED
    page = tmp_path / "rank.html"
    r = subprocess.run([cli, "rank", "--assessment-control-plane", fresh_cp, "--csv", "--html", str(page)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    table = list(csv.DictReader(io.StringIO(r.stdout)))
    assert r.stdout.splitlines()[0] == (
        "rank,wave,score,migration_uuid,database,host,port,identity,origin,status,complexity,level3,level2,level1,"
        "total_size_bytes,effort_hours,group,fleets,labels,migration_uuids,why"
    )
    assert Counter(row["database"] for row in table) == EXPECTED
    assert {row["origin"] for row in table if row["database"] == "py_legacy_db"} == {"yb_voyager"}
    assert "py_legacy_db" in page.read_text()
    r = subprocess.run([cli, "rank", "--assessment-control-plane", fresh_cp], capture_output=True, text=True)
    assert r.returncode == 0 and "yb-voyager only" in r.stdout, r.stdout + r.stderr
    r = subprocess.run([cli, "control-plane", "--assessment-control-plane", fresh_cp, "list", "--json"],
                       capture_output=True, text=True)
    assert Counter(row["database"] for row in json.loads(r.stdout)) == EXPECTED
    r = subprocess.run([cli, "fleet", "--assessment-control-plane", fresh_cp, "rank", "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 3, r.stderr
    r = subprocess.run([cli, "rank", "--assessment-control-plane", fresh_cp, "--status", "running"],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "not assessed" in r.stderr

    # A new init of db2 continues its migration, unless asked not to.
    again = libvoyager.init(source=source_of("db2"), control_plane="shared", assessment_control_plane=fresh_cp,
                         migration_dir=str(tmp_path / "db2-again"))
    assert again.migration_uuid == inits["db2"]
    fresh = libvoyager.init(source=source_of("db2"), control_plane="shared", assessment_control_plane=fresh_cp,
                         migration_dir=str(tmp_path / "db2-fresh"), new_migration_uuid=True)
    assert fresh.migration_uuid != inits["db2"]

    # diff needs two runs; forget asks, and leaves yugabyted's rows unless told.
    with pytest.raises(libvoyager.NotFoundError, match="before run 1"):
        libvoyager.control_plane_diff(fresh_cp, inits["db1"])
    libvoyager.assess(config_file=configs["db1"], source_password="password")
    diff = libvoyager.control_plane_diff(fresh_cp, inits["db1"])
    assert (diff["from_run"], diff["to_run"]) == (1, 2)
    assert diff["added"] == [] and diff["removed"] == []
    r = subprocess.run([cli, "control-plane", "--assessment-control-plane", fresh_cp, "forget", legacy],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert r.returncode != 0 and "--yes" in r.stderr
    with pytest.raises(libvoyager.NotFoundError, match="include_yugabyted="):
        libvoyager.control_plane_forget(fresh_cp, legacy)
    gone = libvoyager.control_plane_forget(fresh_cp, legacy, include_yugabyted=True)
    assert gone["yugabyted_rows_removed"] == 1
    r = subprocess.run([cli, "control-plane", "--assessment-control-plane", fresh_cp, "forget", "--yes", inits["db2"]],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "kept" in r.stdout, r.stdout + r.stderr
    # What stays is yugabyted's row of that migration, shown under db2 as yb-voyager's.
    db2 = next(r for r in libvoyager.rank(fresh_cp) if r.database == "db2")
    assert [m["origin"] for m in db2.migrations if m["migration_uuid"] == inits["db2"]] == ["yb_voyager"]

"""start-migration from Python and the CLI: the user's whole flow (init and assess three
databases into one control plane, rank them, lose the migration dirs, rebuild db2's by its UUID),
interactively through a pseudo-terminal, by flags, and the inputs it must refuse."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Dict, List

import pexpect
import pytest

import libvoyager
from conftest import all_text_below, env

TARGET_SECRET = "Tq7-py-target-secret"


@pytest.fixture(scope="session")
def secret_target(cp_url: str) -> str:
    """A target database owned by a role with a distinctive password; returned without it."""
    for sql in [
        "DROP DATABASE IF EXISTS pytarget WITH (FORCE)",
        "DROP ROLE IF EXISTS pytarget_owner",
        f"CREATE ROLE pytarget_owner LOGIN PASSWORD '{TARGET_SECRET}'",
        "CREATE DATABASE pytarget OWNER pytarget_owner",
    ]:
        subprocess.run(["psql", "-X", "-q", cp_url, "-c", sql], check=True, capture_output=True)
    return f"postgresql://pytarget_owner@{env('VOYAGER_CP_HOST')}:{env('VOYAGER_CP_PORT')}/pytarget"


def source_of(source_url: str, db: str) -> str:
    return source_url.rsplit("/", 1)[0] + "/" + db


def assessed_fleet(tmp_path: Path, source_url: str, cp: str) -> Dict[str, str]:
    """init and assess db1, db2 and db3 into the control plane `cp`; their UUIDs by database."""
    uuids = {}
    for db in ["db1", "db2", "db3"]:
        init = libvoyager.init(source=source_of(source_url, db), control_plane="shared", assessment_control_plane=cp,
                            migration_dir=str(tmp_path / f"{db}-migration"))
        result = libvoyager.assess(config_file=init.config_file, source_password="password")
        assert result.control_plane is not None and result.control_plane["stored"]
        uuids[db] = init.migration_uuid
    return uuids


def test_the_whole_flow_from_python(tmp_path: Path, source_url: str, fresh_cp: str, secret_target: str) -> None:
    uuids = assessed_fleet(tmp_path, source_url, fresh_cp)
    ranked = libvoyager.control_plane_list(fresh_cp, sort="effort")
    assert sorted(r.database for r in ranked) == ["db1", "db2", "db3"]
    for db in uuids:
        shutil.rmtree(tmp_path / f"{db}-migration")

    out = libvoyager.start_migration(migration_dir=str(tmp_path / "db2-migration"), assessment_control_plane=fresh_cp,
                                  migration_uuid=uuids["db2"], source_password="password", target=secret_target,
                                  target_password=TARGET_SECRET, flow="live")
    assert isinstance(out, libvoyager.StartMigrationOutcome)
    assert out.migration_uuid == uuids["db2"] and out.way_in == "control-plane" and out.flow == "live"
    assert out.summary.database == "db2"
    stored = libvoyager.control_plane_show(fresh_cp, uuids["db2"])["latest"]["report"]
    assert json.loads(Path(out.report_json).read_text()) == stored
    config = Path(out.config_file).read_text()
    assert 'db-name = "db2"' in config and 'db-name = "pytarget"' in config
    assert 'data-migration-flow = "live"' in config and "password" not in config.split("[assess-migration]")[0]
    # yb-voyager's meta.db, read with Python's sqlite3: db2's migration continues there.
    with sqlite3.connect(str(tmp_path / "db2-migration" / "export-dir" / "metainfo" / "meta.db")) as meta_db:
        (text,) = meta_db.execute("SELECT json_text FROM json_objects WHERE key = 'migration_status'").fetchone()
        tables = {r[0] for r in meta_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    msr = json.loads(text)
    assert msr["MigrationUUID"] == uuids["db2"] and msr["MigrationAssessmentDone"] is True
    assert msr["SourceDBConf"]["db_name"] == "db2" and "password" not in msr["SourceDBConf"]
    assert tables == {"queue_segment_meta", "exported_events_stats", "exported_events_stats_per_table", "json_objects"}
    everything = all_text_below(str(tmp_path / "db2-migration"))
    assert TARGET_SECRET not in everything and "amakala:password" not in everything
    assert TARGET_SECRET not in repr(out)

    # The same again, awaited, converges on the same migration dir.
    again = asyncio.run(libvoyager.start_migration_async(
        migration_dir=str(tmp_path / "db2-migration"), assessment_control_plane=fresh_cp, migration_uuid=uuids["db2"],
        source_password="password", target=secret_target, target_password=TARGET_SECRET, flow="live"))
    assert again.migration_uuid == out.migration_uuid
    assert Path(again.config_file).read_text() == config


def test_bad_answers_raise_and_leave_nothing(tmp_path: Path, source_url: str, fresh_cp: str, secret_target: str) -> None:
    result = libvoyager.assess(source=source_url, export_dir=str(tmp_path / "e"), assessment_control_plane=fresh_cp)
    new = tmp_path / "new"
    with pytest.raises(libvoyager.InvalidArgumentError, match="not both"):
        libvoyager.start_migration(config_file=str(tmp_path / "x/config.toml"), migration_uuid=result.migration_uuid)
    with pytest.raises(libvoyager.InvalidArgumentError, match="assessment_control_plane= missing"):
        libvoyager.start_migration(migration_dir=str(new), migration_uuid=result.migration_uuid)
    with pytest.raises(libvoyager.MissingAnswerError, match="pass target="):
        libvoyager.start_migration(migration_dir=str(new), assessment_control_plane=fresh_cp,
                                migration_uuid=result.migration_uuid, source_password="password")
    with pytest.raises(libvoyager.NotFoundError):
        libvoyager.start_migration(migration_dir=str(new), assessment_control_plane=fresh_cp,
                                migration_uuid="00000000-0000-0000-0000-000000000000")
    with pytest.raises(libvoyager.ConnectionFailedError) as failed:
        libvoyager.start_migration(migration_dir=str(new), assessment_control_plane=fresh_cp,
                                migration_uuid=result.migration_uuid, source_password="password",
                                target=secret_target, target_password="Wr0ng-target-pw", flow="offline")
    assert "Wr0ng-target-pw" not in str(failed.value)
    assert not new.exists()


def spawn(cli: str, args: List[str], cwd: Path) -> pexpect.spawn:
    env = dict(os.environ, TERM="xterm", NO_COLOR="1")
    env.pop("SOURCE_DB_PASSWORD", None)
    env.pop("TARGET_DB_PASSWORD", None)
    return pexpect.spawn(cli, args, cwd=str(cwd), env=env, encoding="utf-8", timeout=30, dimensions=(40, 200))


def test_interactive_rebuild_through_a_terminal(
    tmp_path: Path, cli: str, source_url: str, fresh_cp: str, secret_target: str
) -> None:
    uuids = assessed_fleet(tmp_path, source_url, fresh_cp)
    shutil.rmtree(tmp_path / "db2-migration")
    child = spawn(cli, ["start-migration", "--migration-dir", str(tmp_path / "db2-migration"),
                        "--assessment-control-plane", fresh_cp, "--migration-uuid", uuids["db2"]], tmp_path)
    child.expect("Found the assessment of migration " + uuids["db2"])
    child.expect("Source database password")
    child.sendline("password")
    child.expect("Connected to the source")
    child.expect("Assessment of db2: migration complexity")
    child.expect("Target YugabyteDB connection string")
    child.sendline(secret_target)
    child.expect("Target database password")
    child.sendline(TARGET_SECRET)
    child.expect("Connected to the target")
    child.expect("Live with fall-forward")
    child.send("\x1b[B\x1b[B")  # two down: live with fall-back
    child.send("\r")
    child.expect("ready to start")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    config = (tmp_path / "db2-migration/config.toml").read_text()
    assert 'data-migration-flow = "live-fall-back"' in config
    assert TARGET_SECRET not in all_text_below(str(tmp_path / "db2-migration"))


def run(cli: str, args: List[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **extra)
    return subprocess.run([cli, *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)


def test_unattended_by_flags_and_environment(
    tmp_path: Path, cli: str, source_url: str, fresh_cp: str, secret_target: str
) -> None:
    uuids = assessed_fleet(tmp_path, source_url, fresh_cp)
    # Way 1: the config file of the migration dir that ran the assessment.
    r = run(cli, ["start-migration", "--config-file", str(tmp_path / "db1-migration/config.toml"),
                  "--target", secret_target, "--flow", "offline", "--json"], tmp_path,
            SOURCE_DB_PASSWORD="password", TARGET_DB_PASSWORD=TARGET_SECRET)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["way_in"] == "config-file" and out["migration_uuid"] == uuids["db1"]
    assert TARGET_SECRET not in r.stdout + r.stderr

    # Way 2 on another machine: a new dir, everything by flags.
    r = run(cli, ["start-migration", "--migration-dir", str(tmp_path / "elsewhere"), "--assessment-control-plane",
                  fresh_cp, "--migration-uuid", uuids["db3"], "--target", secret_target, "--flow", "live-fall-forward",
                  "--json"], tmp_path, SOURCE_DB_PASSWORD="password", TARGET_DB_PASSWORD=TARGET_SECRET)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["migration_uuid"] == uuids["db3"] and out["flow"] == "live-fall-forward"
    assert any("source-replica" in s for s in out["next_steps"])

    # Both ways at once: refused before anything is touched, with both ways explained.
    r = run(cli, ["start-migration", "--config-file", str(tmp_path / "db1-migration/config.toml"),
                  "--migration-uuid", uuids["db1"]], tmp_path)
    assert r.returncode != 0 and "not both" in r.stderr and "--migration-dir, --assessment-control-plane and --migration-uuid" in r.stderr
    # Without a terminal, a missing answer names its flag.
    r = run(cli, ["start-migration", "--migration-dir", str(tmp_path / "nope"), "--assessment-control-plane", fresh_cp,
                  "--migration-uuid", uuids["db2"]], tmp_path, SOURCE_DB_PASSWORD="password")
    assert r.returncode != 0 and "--target" in r.stderr
    assert not (tmp_path / "nope").exists()
    # --json errors are JSON too.
    r = run(cli, ["start-migration", "--migration-dir", str(tmp_path / "nope"), "--assessment-control-plane", fresh_cp,
                  "--migration-uuid", "00000000-0000-0000-0000-000000000000", "--json"], tmp_path)
    assert r.returncode != 0 and json.loads(r.stdout)["error"]["kind"] == "not_found"
    # An unknown flow is refused by the flag parser.
    r = run(cli, ["start-migration", "--config-file", "x.toml", "--flow", "sideways"], tmp_path)
    assert r.returncode == 2 and "live-fall-forward" in r.stderr

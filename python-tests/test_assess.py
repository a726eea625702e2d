"""libvoyager.assess against the sandbox's db2 (an xml column, a BRIN index, an unlogged table)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path
from typing import List

import pytest

import libvoyager
from conftest import SECRET_PASSWORD, all_text_below


def test_assess_from_a_migration_dir(tmp_path: Path, source_host: str, source_port: int) -> None:
    init = libvoyager.init(
        source=f"postgresql://amakala:password@{source_host}:{source_port}/db2",
        control_plane="local",
        migration_dir=str(tmp_path / "m"),
    )
    steps: List[libvoyager.AssessProgress] = []
    os.environ["SOURCE_DB_PASSWORD"] = "password"
    try:
        result = libvoyager.assess(config_file=init.config_file, progress=steps.append)
    finally:
        del os.environ["SOURCE_DB_PASSWORD"]
    assert result.migration_uuid == init.migration_uuid
    assert result.summary.complexity == "MEDIUM"
    assert result.summary.level3 == 1
    assert all(isinstance(i, libvoyager.AssessmentIssue) for i in result.issues)
    types = {(i.type, i.object_name) for i in result.issues}
    assert ("UNSUPPORTED_DATATYPE_XML", "hr.employees.profile") in types
    assert ("UNSUPPORTED_BRIN_INDEX_METHOD", "hr.payslips_paid_at_brin") in types
    # Unlogged tables are fixed from YugabyteDB 2024.2 (created as logged): not an issue for the default target.
    assert ("UNLOGGED_TABLES", "hr.payroll_scratch") not in types
    assert Path(result.report_json).is_file() and Path(result.report_html).is_file()
    on_disk = json.loads(Path(result.report_json).read_text())
    assert on_disk["MigrationComplexity"] == "MEDIUM" and on_disk["SchemaSummary"]["DbName"] == "db2"
    assert [s.done for s in steps] == [0, 1, 2, 3]
    # Skipped checks (which, why, the fix) come through to Python as lines, and mark it partial.
    assert result.summary.partial == bool(result.summary.skipped_checks) == on_disk["LibvoyagerSummary"]["Partial"]
    assert all("fix: " in line for line in result.summary.skipped_checks)


def test_assess_by_source_and_export_dir_async(tmp_path: Path, source_url: str) -> None:
    async def go() -> libvoyager.AssessResult:
        return await libvoyager.assess_async(source=source_url, export_dir=str(tmp_path / "e"), source_db_schema="shop")

    result = asyncio.run(go())
    assert result.summary.complexity == "LOW"
    assert result.report["SchemaSummary"]["SchemaNames"] == ["shop"]
    assert (tmp_path / "e/metainfo/migration.json").is_file()


def test_assess_bad_input(tmp_path: Path, source_url: str, closed_port: int, secret_source: str) -> None:
    with pytest.raises(libvoyager.InvalidArgumentError, match="nothing to assess"):
        libvoyager.assess()
    with pytest.raises(libvoyager.InvalidArgumentError, match="not both"):
        libvoyager.assess(config_file="x.toml", source=source_url)
    with pytest.raises(libvoyager.InvalidArgumentError, match="X.Y.Z.W"):
        libvoyager.assess(source=source_url, export_dir=str(tmp_path / "e"), target_db_version="latest")
    with pytest.raises(libvoyager.NotFoundError):
        libvoyager.assess(config_file=str(tmp_path / "missing.toml"))
    with pytest.raises(libvoyager.ConnectionFailedError) as e:
        libvoyager.assess(source=secret_source.replace(SECRET_PASSWORD, "Wr0ng-pw"), export_dir=str(tmp_path / "w"))
    assert "Wr0ng-pw" not in str(e.value)
    with pytest.raises(libvoyager.InvalidArgumentError, match="no schema"):
        libvoyager.assess(source=source_url, export_dir=str(tmp_path / "s"), source_db_schema="nope")
    for d in ["e", "w", "s"]:
        assert not (tmp_path / d).exists()


def test_cli_assess(tmp_path: Path, cli: str, secret_source: str) -> None:
    env = dict(os.environ)
    r = subprocess.run([cli, "init", "--source", secret_source, "--control-plane", "local", "--migration-dir",
                        str(tmp_path / "m")], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    env["SOURCE_DB_PASSWORD"] = SECRET_PASSWORD
    r = subprocess.run([cli, "assess-migration", "--config-file", str(tmp_path / "m/config.toml")], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "migration complexity LOW" in r.stdout and "migration_assessment_report.html" in r.stdout
    r = subprocess.run([cli, "assess-migration", "--config-file", str(tmp_path / "m/config.toml"), "--json"], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["report"]["SchemaSummary"]["DbName"] == "db1"
    assert SECRET_PASSWORD not in r.stdout + r.stderr
    assert SECRET_PASSWORD not in all_text_below(str(tmp_path / "m"))
    r = subprocess.run([cli, "assess-migration", "--source", secret_source], env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    assert r.returncode != 0 and "--export-dir" in r.stderr

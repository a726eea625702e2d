"""The control plane from Python and the CLI: assess into it, list, show, push, and the
schema created by two processes at once."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

import libvoyager


def test_assess_list_show_push(tmp_path: Path, source_url: str, fresh_cp: str) -> None:
    result = libvoyager.assess(source=source_url, export_dir=str(tmp_path / "e"), assessment_control_plane=fresh_cp)
    assert result.control_plane is not None and result.control_plane["stored"]
    rows = libvoyager.control_plane_list(fresh_cp, sort="issues", descending=True)
    assert [r.migration_uuid for r in rows] == [result.migration_uuid]
    assert rows[0].database == "db1" and rows[0].complexity == "LOW"
    details = libvoyager.control_plane_show(fresh_cp, result.migration_uuid)
    assert details["latest"]["report"] == result.report
    assert details["latest"]["source"]["user"] == "amakala"
    assert libvoyager.control_plane_status(fresh_cp)["assessments"] == 1
    pushed = libvoyager.control_plane_push(source=source_url, export_dir=str(tmp_path / "e"), assessment_control_plane=fresh_cp)
    assert pushed["stored"] and pushed["run"] == 1
    with pytest.raises(libvoyager.NotFoundError):
        libvoyager.control_plane_show(fresh_cp, str(uuid.uuid4()))
    with pytest.raises(libvoyager.InvalidArgumentError):
        libvoyager.control_plane_show(fresh_cp, "not-a-uuid")
    with pytest.raises(libvoyager.InvalidArgumentError):
        libvoyager.control_plane_list(fresh_cp, sort="sideways")


def test_unreachable_control_plane_keeps_the_report_and_push_stores_it(
    tmp_path: Path, cli: str, source_url: str, fresh_cp: str, closed_port: int
) -> None:
    away = f"postgresql://yugabyte:Secr3t-cp@127.0.0.1:{closed_port}/yugabyte"
    env = dict(os.environ)
    r = subprocess.run([cli, "assess-migration", "--source", source_url, "--export-dir", str(tmp_path / "e"),
                        "--assessment-control-plane", away], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "not stored in the control plane" in r.stdout and "control-plane push" in r.stdout
    assert "Secr3t-cp" not in r.stdout + r.stderr
    assert (tmp_path / "e/assessment/reports/migration_assessment_report.json").is_file()
    for _ in range(2):
        r = subprocess.run([cli, "control-plane", "--assessment-control-plane", fresh_cp, "push", "--source", source_url,
                            "--export-dir", str(tmp_path / "e"), "--json"], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["run"] == 1, "pushed twice, stored once"
    r = subprocess.run([cli, "control-plane", "--assessment-control-plane", fresh_cp, "list", "--json"], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert len(json.loads(r.stdout)) == 1
    r = subprocess.run([cli, "control-plane", "--assessment-control-plane", away, "status"], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert r.returncode != 0 and "Secr3t-cp" not in r.stderr and "refused" in r.stderr


def test_three_processes_read_status_at_once_and_create_nothing(cli: str, fresh_cp: str) -> None:
    # Reading runs no DDL (a read-only user can run status): the schema stays absent, said as version 0.
    procs = [subprocess.Popen([cli, "control-plane", "--assessment-control-plane", fresh_cp, "status", "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert json.loads(out)["schema_version"] == 0

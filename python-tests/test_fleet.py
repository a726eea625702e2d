"""Fleets from Python and the CLI: a CSV fleet with labels assessed with progress and ranked;
KeyboardInterrupt and a killed process both resume with each database assessed exactly once;
three worker processes (one killed mid-run) share one fleet."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict, List

import pytest

import libvoyager
from conftest import all_text_below, env

DATABASES = [f"pyfl_{i:02d}" for i in range(1, 17)]


@pytest.fixture(scope="module")
def fleet_dbs() -> List[str]:
    admin = env("VOYAGER_SOURCE_ADMIN_URL")
    base = admin.rsplit("/", 1)[0]
    for i, db in enumerate(DATABASES):
        subprocess.run(["psql", "-X", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=True,
                       capture_output=True)
        subprocess.run(["psql", "-X", "-q", admin, "-c", f"CREATE DATABASE {db} OWNER amakala"], check=True,
                       capture_output=True)
        extra = "CREATE TABLE scratch (id int PRIMARY KEY) WITH (fillfactor = 70);" if i % 4 == 0 else ""
        sql = f"SET ROLE amakala; CREATE TABLE items_{i} (id bigint PRIMARY KEY, name text); {extra}"
        subprocess.run(["psql", "-X", "-q", f"{base}/{db}", "-c", sql], check=True, capture_output=True)
    return DATABASES


def csv_fleet(tmp_path: Path, dbs: List[str]) -> Path:
    host, port = env("VOYAGER_SOURCE_HOST"), env("VOYAGER_SOURCE_PORT")
    lines = ["host,port,database,user,password_env,team,criticality"]
    for i, db in enumerate(dbs):
        lines.append(f"{host},{port},{db},amakala,FLEET_PW,{'red' if i % 2 else 'blue'},{'high' if i == 0 else 'low'}")
    path = tmp_path / "fleet.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def completed_per_database(cp: str) -> Dict[str, int]:
    sql = ("SELECT s.database_name, count(*) FROM voyager_fleet.sources s JOIN voyager_fleet.assessments a "
           "ON a.migration_uuid = s.migration_uuid WHERE a.status = 'completed' GROUP BY 1")
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", " ", cp, "-c", sql], check=True, capture_output=True,
                         text=True).stdout
    return {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line.strip()}


def queue_states(cp: str) -> Dict[str, int]:
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", " ", cp, "-c",
                          "SELECT state, count(*) FROM voyager_fleet.work_queue GROUP BY 1"],
                         capture_output=True, text=True).stdout
    return {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line.strip()}


def test_a_csv_fleet_with_progress_and_ranking(
    tmp_path: Path, fleet_dbs: List[str], fresh_cp: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEET_PW", "password")
    seen: List[libvoyager.FleetProgress] = []
    out = libvoyager.assess_fleet(fleet_file=str(csv_fleet(tmp_path, fleet_dbs)), work_dir=str(tmp_path / "work"),
                               assessment_control_plane=fresh_cp, parallel=4, progress=seen.append)
    assert isinstance(out, libvoyager.FleetOutcome)
    assert (out.total, out.done, out.failed, out.interrupted) == (16, 16, 0, False) and out.all_succeeded
    assert out.fleet_name == "fleet"
    assert sum(1 for p in seen if p.event) == 16 and seen[-1].done == 16
    assert out.html_report and Path(out.html_report).is_file()
    assert "amakala:password" not in all_text_below(str(tmp_path / "work"))
    ranked = libvoyager.fleet_rank(fresh_cp, "fleet")
    assert [r.rank for r in ranked] == list(range(1, 17))
    assert all(isinstance(r, libvoyager.RankedRow) and r.wave == 1 for r in ranked)
    # The one marked critical goes last among equals; storage parameters (LEVEL_1) later than clean.
    assert ranked[-1].database == "pyfl_01" and ranked[-1].labels["criticality"] == "high"
    clean = [r.rank for r in ranked if r.level1 == 0 and r.database != "pyfl_01"]
    with_l1 = [r.rank for r in ranked if r.level1 > 0 and r.database != "pyfl_01"]
    assert max(clean) < min(with_l1)
    rows = libvoyager.fleet_list(fresh_cp, "fleet")
    assert sorted(r.database for r in rows) == sorted(fleet_dbs)
    with pytest.raises(libvoyager.NotFoundError):
        libvoyager.fleet_rank(fresh_cp, "no such fleet")
    with pytest.raises(libvoyager.InvalidArgumentError, match="not both"):
        libvoyager.assess_fleet(fleet_file="x.csv", all_databases=env("VOYAGER_SOURCE_URL"), work_dir=str(tmp_path))


def test_keyboard_interrupt_stops_cleanly_and_the_next_run_resumes(
    tmp_path: Path, fleet_dbs: List[str], fresh_cp: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEET_PW", "password")
    fleet_file = str(csv_fleet(tmp_path, fleet_dbs))
    finished = []

    def interrupt_after_three(p: libvoyager.FleetProgress) -> None:
        if p.event:
            finished.append(p.event["database"])
            if len(finished) == 3:
                os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        libvoyager.assess_fleet(fleet_file=fleet_file, work_dir=str(tmp_path / "work"), assessment_control_plane=fresh_cp,
                             parallel=1, progress=interrupt_after_three)
    states = queue_states(fresh_cp)
    assert "running" not in states, states  # the claims were given back
    done_before = states.get("done", 0)
    assert 3 <= done_before < 16
    out = libvoyager.assess_fleet(fleet_file=fleet_file, work_dir=str(tmp_path / "work"),
                               assessment_control_plane=fresh_cp, parallel=4)
    assert (out.done, out.already_done, out.assessed_here) == (16, done_before, 16 - done_before)
    assert completed_per_database(fresh_cp) == {db: 1 for db in fleet_dbs}


def cli_fleet(cli: str, fleet_file: Path, work: Path, cp: str, *extra: str) -> subprocess.Popen[str]:
    env_ = dict(os.environ, FLEET_PW="password")
    return subprocess.Popen([cli, "assess-fleet", "--fleet-file", str(fleet_file), "--work-dir", str(work),
                             "--assessment-control-plane", cp, "--lease-seconds", "2", *extra],
                            env=env_, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_done(cp: str, at_least: int, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while queue_states(cp).get("done", 0) < at_least:
        assert proc.poll() is None, "the worker ended before it could be killed"
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.02)


def test_a_killed_cli_run_resumes_and_assesses_each_database_once(
    tmp_path: Path, cli: str, fleet_dbs: List[str], fresh_cp: str
) -> None:
    fleet_file = csv_fleet(tmp_path, fleet_dbs)
    first = cli_fleet(cli, fleet_file, tmp_path / "work", fresh_cp, "--parallel", "1")
    wait_for_done(fresh_cp, 3, first)
    first.kill()
    first.wait()
    assert queue_states(fresh_cp).get("done", 0) < 16
    second = cli_fleet(cli, fleet_file, tmp_path / "work", fresh_cp, "--json")
    stdout, stderr = second.communicate(timeout=120)
    assert second.returncode == 0, stderr
    out = json.loads(stdout)
    assert out["done"] == 16 and out["already_done"] >= 3
    assert completed_per_database(fresh_cp) == {db: 1 for db in fleet_dbs}


def test_three_workers_share_a_fleet_even_when_one_is_killed(
    tmp_path: Path, cli: str, fleet_dbs: List[str], fresh_cp: str
) -> None:
    fleet_file = csv_fleet(tmp_path, fleet_dbs)
    workers = [cli_fleet(cli, fleet_file, tmp_path / f"work{i}", fresh_cp, "--parallel", "1", "--json")
               for i in range(3)]
    wait_for_done(fresh_cp, 2, workers[0])
    workers[0].kill()
    workers[0].wait()
    outs = []
    for w in workers[1:]:
        stdout, stderr = w.communicate(timeout=120)
        assert w.returncode == 0, stderr
        outs.append(json.loads(stdout))
    assert all(o["done"] == 16 for o in outs)
    assert completed_per_database(fresh_cp) == {db: 1 for db in fleet_dbs}
    assert sum(o["assessed_here"] for o in outs) <= 16
    # Exit code and --csv of the fleet view.
    r = subprocess.run([cli, "fleet", "--assessment-control-plane", fresh_cp, "--fleet", "fleet", "rank", "--csv"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == (
        "rank,wave,score,migration_uuid,database,host,port,status,complexity,level3,level2,level1,"
        "total_size_bytes,effort_hours,group,labels,why"
    ) and len(lines) == 17


def test_a_failing_database_fails_alone_and_sets_the_exit_code(
    tmp_path: Path, cli: str, fleet_dbs: List[str], fresh_cp: str, closed_port: int
) -> None:
    fleet_file = csv_fleet(tmp_path, fleet_dbs[:3])
    with fleet_file.open("a") as f:
        f.write(f"127.0.0.1,{closed_port},gone,amakala,FLEET_PW,red,low\n")
    r = subprocess.run([cli, "assess-fleet", "--fleet-file", str(fleet_file), "--work-dir", str(tmp_path / "w"),
                        "--assessment-control-plane", fresh_cp], env=dict(os.environ, FLEET_PW="password"),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    assert "failed: gone on 127.0.0.1" in r.stderr and "3 assessed, 1 failed" in r.stdout
    assert "connection refused" in r.stdout.lower() or "refused" in r.stdout


def test_a_shrunk_fleet_counts_its_inventory_and_prune_removes_the_rest(
    tmp_path: Path, cli: str, fleet_dbs: List[str], fresh_cp: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEET_PW", "password")
    work = tmp_path / "work"
    both = libvoyager.assess_fleet(fleet_file=str(csv_fleet(tmp_path, fleet_dbs[:2])), work_dir=str(work),
                                assessment_control_plane=fresh_cp)
    assert (both.total, both.done) == (2, 2)
    one = str(csv_fleet(tmp_path, fleet_dbs[:1]))
    shrunk = libvoyager.assess_fleet(fleet_file=one, work_dir=str(work), assessment_control_plane=fresh_cp)
    assert (shrunk.total, shrunk.done, shrunk.not_in_inventory, shrunk.pruned) == (1, 1, 1, 0)
    assert shrunk.all_succeeded and "--prune" in shrunk.next_step
    # The CLI's --prune, then the Python kwarg (nothing left to prune).
    proc = cli_fleet(cli, Path(one), work, fresh_cp, "--prune", "--json")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert (json.loads(out)["pruned"], json.loads(out)["not_in_inventory"]) == (1, 0)
    again = libvoyager.assess_fleet(fleet_file=one, work_dir=str(work), assessment_control_plane=fresh_cp, prune=True)
    assert (again.total, again.pruned, again.not_in_inventory) == (1, 0, 0)
    assert [r.database for r in libvoyager.fleet_list(fresh_cp, "fleet")] == fleet_dbs[:1]


def test_cancelling_assess_fleet_async_gives_the_claims_back_and_the_next_run_resumes(
    tmp_path: Path, fleet_dbs: List[str], fresh_cp: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEET_PW", "password")
    fleet_file = str(csv_fleet(tmp_path, fleet_dbs))

    async def cancel_after_three() -> None:
        three = asyncio.Event()
        finished: List[str] = []
        loop = asyncio.get_running_loop()

        def on_progress(p: libvoyager.FleetProgress) -> None:  # called from a library thread
            if p.event:
                finished.append(p.event["database"])
                if len(finished) == 3:
                    loop.call_soon_threadsafe(three.set)

        task = asyncio.ensure_future(libvoyager.assess_fleet_async(
            fleet_file=fleet_file, work_dir=str(tmp_path / "work"), assessment_control_plane=fresh_cp, parallel=1,
            progress=on_progress))
        await asyncio.wait_for(three.wait(), 120)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_after_three())
    # The run stops on its own once cancelled: its claims come back within moments.
    deadline = time.monotonic() + 10
    while "running" in queue_states(fresh_cp) and time.monotonic() < deadline:
        time.sleep(0.2)
    states = queue_states(fresh_cp)
    assert "running" not in states, states
    done_before = states.get("done", 0)
    assert 3 <= done_before < 16, states
    out = libvoyager.assess_fleet(fleet_file=fleet_file, work_dir=str(tmp_path / "work"),
                                  assessment_control_plane=fresh_cp, parallel=4)
    assert (out.done, out.already_done, out.assessed_here) == (16, done_before, 16 - done_before)
    assert completed_per_database(fresh_cp) == {db: 1 for db in fleet_dbs}

"""Errors carry their structure and pickle; messages name Python keywords; the library's warnings
go to `logging`; an exception in a progress callback propagates; Ctrl-C interrupts a fleet."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import libvoyager
from conftest import env


def missing_db_url() -> str:
    return env("VOYAGER_SOURCE_ADMIN_URL").rsplit("/", 1)[0] + "/no_such_db_here"


def assess_missing_db(export_dir: str) -> None:
    """Runs in a worker process: fails with a ConnectionFailedError."""
    libvoyager.assess(source=missing_db_url(), export_dir=export_dir)


def check_missing_db(e: BaseException) -> None:
    assert isinstance(e, libvoyager.ConnectionFailedError), repr(e)
    assert e.kind == "connection"
    assert e.reason == "database_missing"
    assert e.sqlstate == "3D000"
    assert e.retryable is False
    assert e.subject is not None and e.subject["database"] == "no_such_db_here"
    assert e.subject["host"] == env("VOYAGER_SOURCE_HOST") and e.subject["port"] == int(env("VOYAGER_SOURCE_PORT"))
    assert "does not exist" in str(e)


def test_exceptions_carry_kind_reason_sqlstate_retryable_and_subject(tmp_path: Path) -> None:
    with pytest.raises(libvoyager.ConnectionFailedError) as caught:
        assess_missing_db(str(tmp_path / "e"))
    check_missing_db(caught.value)
    with pytest.raises(libvoyager.ControlPlaneError) as refused:
        libvoyager.control_plane_status("postgresql://u@127.0.0.1:1/db")
    assert refused.value.reason == "connection_refused" and refused.value.retryable is True


def test_exceptions_pickle_and_cross_a_process_pool(tmp_path: Path) -> None:
    with pytest.raises(libvoyager.ConnectionFailedError) as caught:
        assess_missing_db(str(tmp_path / "e"))
    check_missing_db(pickle.loads(pickle.dumps(caught.value)))
    # A real pool (spawn: the library's runtime does not survive fork).
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        failure = pool.submit(assess_missing_db, str(tmp_path / "p")).exception(timeout=120)
    assert failure is not None
    check_missing_db(failure)


def test_messages_name_python_keywords(tmp_path: Path) -> None:
    with pytest.raises(libvoyager.InvalidArgumentError) as caught:
        libvoyager.assess(source=env("VOYAGER_SOURCE_URL"))
    message = str(caught.value)
    assert "source= needs export_dir=" in message, message
    assert "--" not in message, message
    with pytest.raises(libvoyager.InvalidArgumentError) as caught:
        libvoyager.assess(source=env("VOYAGER_SOURCE_URL"), export_dir=str(tmp_path / "e"), lock_timeout_seconds=99999999)
    assert "lock_timeout_seconds=" in str(caught.value) and "--lock" not in str(caught.value)


def test_an_ignored_pgpass_is_a_logged_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    passfile = tmp_path / "pgpass"
    passfile.write_text("*:*:*:*:Zq9-never-logged\n")
    passfile.chmod(0o644)
    source = f"postgresql://nobody_here@{env('VOYAGER_SOURCE_HOST')}:{env('VOYAGER_SOURCE_PORT')}/db1?passfile={passfile}"
    with caplog.at_level(logging.WARNING, logger="libvoyager"):
        with pytest.raises(libvoyager.VoyagerError):
            libvoyager.assess(source=source, export_dir=str(tmp_path / "e"))
    records = [r for r in caplog.records if r.name == "libvoyager"]
    assert any(r.levelno == logging.WARNING and str(passfile) in r.getMessage() and "ignored" in r.getMessage()
               for r in records), [r.getMessage() for r in caplog.records]
    assert not any("Zq9-never-logged" in r.getMessage() for r in caplog.records)


class Boom(Exception):
    pass


def test_an_exception_in_a_progress_callback_propagates(tmp_path: Path) -> None:
    calls = []

    def progress(p: libvoyager.AssessProgress) -> None:
        calls.append(p)
        raise Boom("from the callback")

    started = time.monotonic()
    with pytest.raises(Boom, match="from the callback"):
        libvoyager.assess(source=env("VOYAGER_SOURCE_URL"), export_dir=str(tmp_path / "e"), progress=progress)
    assert len(calls) == 1, "the call went on after its callback raised"
    assert time.monotonic() - started < 30


FLEET = """
import sys, libvoyager
print("calling", flush=True)
try:
    libvoyager.assess_fleet(all_databases=sys.argv[1], work_dir=sys.argv[2], assessment_control_plane=sys.argv[3])
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(42)
except BaseException as e:
    print("raised", type(e).__name__, e, flush=True)
    sys.exit(1)
print("returned", flush=True)
"""


def test_ctrl_c_interrupts_a_fleet_listing_a_silent_server(tmp_path: Path, silent_server: int) -> None:
    server = f"postgresql://u@127.0.0.1:{silent_server}/postgres?connect_timeout=120"
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(FLEET), server, str(tmp_path / "w"), env("VOYAGER_CP_URL")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "calling"
    time.sleep(1.0)
    assert child.poll() is None, "the call ended before the interrupt"
    sent = time.monotonic()
    os.kill(child.pid, signal.SIGINT)
    out, err = child.communicate(timeout=20)
    took = time.monotonic() - sent
    assert child.returncode == 42 and "interrupted" in out, (child.returncode, out, err)
    assert took < 1.5, took

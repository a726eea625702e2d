"""A source that blocks: a view locked ACCESS EXCLUSIVE ends an assessment within the lock timeout
(Python keyword, CLI flag) with a message naming it; Ctrl-C interrupts any Python call at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

import libvoyager
from conftest import env


def psql(url: str, sql: str) -> str:
    done = subprocess.run(["psql", "-X", "-q", "-At", url, "-c", sql], check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def locked_view() -> Iterator[str]:
    """A database whose view public.big_orders another session holds ACCESS EXCLUSIVE (as
    ALTER VIEW does); yields the superuser's URL of that database."""
    admin = env("VOYAGER_SOURCE_ADMIN_URL")
    name = "pylock_" + uuid.uuid4().hex[:8]
    psql(admin, f"CREATE DATABASE {name}")
    url = admin.rsplit("/", 1)[0] + "/" + name
    psql(url, "CREATE TABLE public.orders (id int PRIMARY KEY, total numeric); "
              "CREATE VIEW public.big_orders AS SELECT id FROM public.orders WHERE total > 100")
    app = "pylock_holder_" + name
    holder = subprocess.Popen(["psql", "-X", "-q", url], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert holder.stdin is not None
    holder.stdin.write(f"SET application_name = '{app}';\nBEGIN;\nLOCK TABLE public.big_orders IN ACCESS EXCLUSIVE MODE;\n")
    holder.stdin.flush()
    check = ("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
             f"WHERE a.application_name = '{app}' AND l.mode = 'AccessExclusiveLock' AND l.granted")
    deadline = time.monotonic() + 10
    while psql(url, check) == "0":
        assert time.monotonic() < deadline, "the lock holder never took its lock"
        time.sleep(0.05)
    try:
        yield url
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_locked_view_ends_the_assessment_within_the_lock_timeout(tmp_path: Path, locked_view: str) -> None:
    started = time.monotonic()
    with pytest.raises(libvoyager.ConnectionFailedError) as failure:
        libvoyager.assess(source=locked_view, export_dir=str(tmp_path / "e"), lock_timeout_seconds=1,
                       statement_timeout_seconds=30)
    assert time.monotonic() - started < 8
    message = str(failure.value)
    assert "view public.big_orders" in message and "ACCESS EXCLUSIVE" in message, message
    assert "pylock_holder_" in message and "SQLSTATE 55P03" in message, message
    assert not (tmp_path / "e" / "assessment").exists()


def test_the_cli_takes_lock_and_statement_timeouts(tmp_path: Path, cli: str, locked_view: str) -> None:
    started = time.monotonic()
    done = subprocess.run([cli, "assess-migration", "--source", locked_view, "--export-dir", str(tmp_path / "e"),
                           "--lock-timeout-seconds", "1", "--statement-timeout-seconds", "30"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 8
    assert done.returncode != 0
    assert "view public.big_orders" in done.stderr and "--lock-timeout-seconds" in done.stderr, done.stderr
    assert "sandbox-admin" not in done.stderr + done.stdout
    done = subprocess.run([cli, "assess-migration", "--source", locked_view, "--export-dir", str(tmp_path / "f"),
                           "--lock-timeout-seconds", "99999999"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "--lock-timeout-seconds" in done.stderr, done.stderr
    assert not (tmp_path / "f").exists()


CALL = """
import sys, libvoyager
print("calling", flush=True)
try:
    libvoyager.assess(source=sys.argv[1], export_dir=sys.argv[2], lock_timeout_seconds=0)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(42)
print("returned", flush=True)
"""


def interrupt_after(source: str, export_dir: Path, wait: float) -> float:
    """Run libvoyager.assess on `source` in a Python subprocess, send it SIGINT after `wait` s, and
    return how long it took to stop with KeyboardInterrupt."""
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CALL), source, str(export_dir)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "calling"
    time.sleep(wait)
    assert child.poll() is None, "the call ended before the interrupt"
    sent = time.monotonic()
    os.kill(child.pid, signal.SIGINT)
    out, err = child.communicate(timeout=20)
    took = time.monotonic() - sent
    assert child.returncode == 42 and "interrupted" in out, (child.returncode, out, err)
    return took


def test_ctrl_c_interrupts_a_call_waiting_on_a_silent_server(tmp_path: Path, silent_server: int) -> None:
    source = f"postgresql://u@127.0.0.1:{silent_server}/db?connect_timeout=120"
    assert interrupt_after(source, tmp_path / "e", 1.0) < 1.5


def test_ctrl_c_interrupts_a_call_waiting_on_a_lock(tmp_path: Path, locked_view: str) -> None:
    # No lock timeout: without Ctrl-C this call would wait for as long as the lock is held.
    assert interrupt_after(locked_view, tmp_path / "e", 1.5) < 1.5
    assert not (tmp_path / "e" / "assessment").exists()

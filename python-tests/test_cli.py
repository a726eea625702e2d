"""The `voyager` CLI: init interactively through a pseudo-terminal, and by flags without one."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import List

import pexpect

from conftest import SECRET_PASSWORD, all_text_below


def spawn(cli: str, args: List[str], cwd: Path) -> pexpect.spawn:
    env = dict(os.environ, TERM="xterm", NO_COLOR="1")
    env.pop("SOURCE_DB_PASSWORD", None)
    return pexpect.spawn(cli, args, cwd=str(cwd), env=env, encoding="utf-8", timeout=30, dimensions=(40, 200))


def test_interactive_local(tmp_path: Path, cli: str, source_url: str) -> None:
    child = spawn(cli, ["init"], tmp_path)
    child.expect("assessment")
    child.expect("Source PostgreSQL connection string")
    child.sendline(source_url)
    child.expect("Connected to the source")
    child.expect("To assess multiple databases, set up a shared YugabyteDB instance")
    child.expect("Use local UI")
    child.send("\r")  # the default: local
    child.expect("Migration dir to create")
    child.sendline(str(tmp_path / "local-m"))
    child.expect("is ready in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (tmp_path / "local-m/config.toml").is_file()
    assert "assessment-control-plane" not in (tmp_path / "local-m/config.toml").read_text()


def test_interactive_shared_with_password_prompt(tmp_path: Path, cli: str, secret_source: str, cp_url: str) -> None:
    no_password = secret_source.replace(f":{SECRET_PASSWORD}@", "@")
    child = spawn(cli, ["init"], tmp_path)
    transcript: List[str] = []
    child.logfile_read = _Collect(transcript)
    child.expect("Source PostgreSQL connection string")
    child.sendline(no_password)
    child.expect("Source database password")
    child.sendline(SECRET_PASSWORD)
    child.expect("Connected to the source")
    child.expect("Use local UI")
    child.send("\x1b[A")  # up: the shared instance
    child.send("\r")
    child.expect("Connection string of the shared YugabyteDB instance")
    child.sendline(cp_url)
    child.expect("Connected to the control plane")
    child.expect("Migration dir to create")
    child.sendline(str(tmp_path / "shared-m"))
    child.expect("is ready in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    config = (tmp_path / "shared-m/config.toml").read_text()
    assert f'assessment-control-plane = "{cp_url}"' in config
    assert SECRET_PASSWORD not in "".join(transcript)
    assert SECRET_PASSWORD not in all_text_below(str(tmp_path / "shared-m"))


def test_interactive_retries_a_bad_answer(tmp_path: Path, cli: str, source_url: str, closed_port: int) -> None:
    child = spawn(cli, ["init", "--control-plane", "local", "--migration-dir", str(tmp_path / "m")], tmp_path)
    child.expect("Source PostgreSQL connection string")
    child.sendline(f"postgresql://amakala:password@127.0.0.1:{closed_port}/db1")
    child.expect("connection refused")
    child.expect("Source PostgreSQL connection string")
    child.sendline(source_url)
    child.expect("is ready in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def run(cli: str, args: List[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("SOURCE_DB_PASSWORD", None)
    return subprocess.run([cli, *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def test_flags_json_and_errors(tmp_path: Path, cli: str, secret_source: str, cp_url: str) -> None:
    r = run(cli, ["init", "--source", secret_source, "--assessment-control-plane", cp_url,
                  "--migration-dir", str(tmp_path / "m"), "--json"], tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["control_plane"] == "shared"
    assert SECRET_PASSWORD not in r.stdout + r.stderr
    assert SECRET_PASSWORD not in all_text_below(str(tmp_path / "m"))

    r = run(cli, ["init", "--source", secret_source, "--migration-dir", str(tmp_path / "x")], tmp_path)
    assert r.returncode != 0
    assert "--control-plane" in r.stderr
    assert not (tmp_path / "x").exists()

    r = run(cli, ["init", "--source", secret_source, "--control-plane", "local", "--migration-dir", str(tmp_path / "m"), "--json"], tmp_path)
    assert r.returncode != 0
    err = json.loads(r.stdout)["error"]
    assert err["kind"] == "already_exists" and "--force" in err["message"]

    r = run(cli, ["init", "--source", secret_source.replace(SECRET_PASSWORD, "Wr0ng-pw"), "--control-plane", "local",
                  "--migration-dir", str(tmp_path / "y")], tmp_path)
    assert r.returncode != 0 and "password authentication failed" in r.stderr and "Wr0ng-pw" not in r.stderr

    r = run(cli, ["init", "--control-plane", "local", "--assessment-control-plane", cp_url], tmp_path)
    assert r.returncode != 0 and "goes with --control-plane shared" in r.stderr
    assert ":yugabyte@" not in r.stderr


def test_help_is_useful(cli: str, tmp_path: Path) -> None:
    r = run(cli, ["--help"], tmp_path)
    assert r.returncode == 0 and "init" in r.stdout and "assess" in r.stdout.lower()
    r = run(cli, ["init", "--help"], tmp_path)
    assert "--source-db-connection-string" in r.stdout and "--assessment-control-plane" in r.stdout


class _Collect:
    def __init__(self, sink: List[str]) -> None:
        self.sink = sink

    def write(self, data: str) -> None:
        self.sink.append(data)

    def flush(self) -> None:
        pass

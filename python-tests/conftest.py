"""Shared fixtures: the sandbox servers (from `scripts/pg-sandbox env`) and the CLI binary."""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from typing import Iterator

import pytest

SECRET_ROLE = "pwtest"
SECRET_PASSWORD = "Zq9-voyager-secret"


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run ./scripts/test, or eval \"$(scripts/pg-sandbox up)\" first")
    return value


@pytest.fixture(scope="session")
def source_url() -> str:
    return env("VOYAGER_SOURCE_URL")


@pytest.fixture(scope="session")
def source_host() -> str:
    return env("VOYAGER_SOURCE_HOST")


@pytest.fixture(scope="session")
def source_port() -> int:
    return int(env("VOYAGER_SOURCE_PORT"))


@pytest.fixture(scope="session")
def cp_url() -> str:
    return env("VOYAGER_CP_URL")


@pytest.fixture(scope="session")
def cli() -> str:
    path = os.environ.get("VOYAGER_CLI_BIN", "")
    if not path or not os.access(path, os.X_OK):
        pytest.fail(f"the voyager CLI is not at VOYAGER_CLI_BIN={path!r}: build it with cargo build -p voyager-cli")
    return path


@pytest.fixture(scope="session")
def secret_source(source_host: str, source_port: int) -> str:
    """A source URL whose password is distinctive enough to search for."""
    sql = (
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pwtest') THEN "
        f"CREATE ROLE {SECRET_ROLE} LOGIN PASSWORD '{SECRET_PASSWORD}'; END IF; END $$; "
        f"GRANT CONNECT ON DATABASE db1 TO {SECRET_ROLE};"
    )
    subprocess.run(["psql", "-X", "-q", env("VOYAGER_SOURCE_ADMIN_URL"), "-c", sql], check=True, capture_output=True)
    return f"postgresql://{SECRET_ROLE}:{SECRET_PASSWORD}@{source_host}:{source_port}/db1"


@pytest.fixture
def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    yield s.getsockname()[1]
    s.close()


def all_text_below(root: str) -> str:
    out = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            with open(os.path.join(dirpath, f), "rb") as fh:
                out.append(fh.read().decode("utf-8", "replace"))
    return "\n".join(out)


@pytest.fixture
def fresh_cp(cp_url: str) -> str:
    """A control plane of its own: a new database on the control-plane server."""
    name = "pycp_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", "-X", "-q", cp_url, "-c", f"CREATE DATABASE {name}"], check=True)
    return cp_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def target_url() -> str:
    return env("VOYAGER_TARGET_URL")

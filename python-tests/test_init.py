"""libvoyager.init against the sandbox servers, both control-plane choices, and every bad input."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import pytest

import libvoyager
from conftest import SECRET_PASSWORD, all_text_below


def test_local_control_plane(tmp_path: Path, source_url: str) -> None:
    out = libvoyager.init(source=source_url, control_plane="local", migration_dir=str(tmp_path / "m"))
    assert out.control_plane == "local"
    assert out.assessment_control_plane == "postgresql://yugabyte@localhost:5433"
    assert len(out.migration_uuid) == 36
    config = libvoyager.Config.load(out.config_file)
    assert config["source.db-name"] == "db1"
    assert config["source.db-user"] == "amakala"
    assert "assess-migration.assessment-control-plane" not in config
    meta = (tmp_path / "m/export-dir/metainfo/migration.json").read_text()
    assert out.migration_uuid in meta
    assert out.to_dict()["next_step"].startswith("voyager assess-migration --config-file")


def test_shared_control_plane(tmp_path: Path, source_url: str, cp_url: str) -> None:
    out = libvoyager.init(
        source=source_url, control_plane="shared", assessment_control_plane=cp_url, migration_dir=str(tmp_path / "m")
    )
    assert out.control_plane == "shared"
    assert ":yugabyte@" not in out.assessment_control_plane
    assert libvoyager.Config.load(out.config_file)["assess-migration.assessment-control-plane"] == cp_url


def test_init_async(tmp_path: Path, source_url: str) -> None:
    async def go() -> libvoyager.InitOutcome:
        return await libvoyager.init_async(source=source_url, control_plane="local", migration_dir=str(tmp_path / "a"))

    out = asyncio.run(go())
    assert Path(out.config_file).is_file()


@pytest.mark.parametrize(
    "make_source, error, words",
    [
        (lambda h, p, c: "postgresql://amakala:password@[::1/db1", libvoyager.InvalidArgumentError, "IPv6"),
        (lambda h, p, c: f"postgresql://amakala:password@{h}:{c}/db1", libvoyager.ConnectionFailedError, "refused"),
        (lambda h, p, c: f"postgresql://amakala:Wr0ng-pw@{h}:{p}/db1", libvoyager.ConnectionFailedError, "password authentication failed"),
        (lambda h, p, c: f"postgresql://amakala:password@{h}:{p}/nope", libvoyager.ConnectionFailedError, "does not exist"),
    ],
)
def test_bad_sources(tmp_path: Path, source_host: str, source_port: int, closed_port: int, make_source, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as e:
        libvoyager.init(source=make_source(source_host, source_port, closed_port), control_plane="local", migration_dir=str(tmp_path / "m"))
    assert words in str(e.value)
    assert "Wr0ng-pw" not in str(e.value)
    assert isinstance(e.value, libvoyager.VoyagerError)
    assert not (tmp_path / "m").exists()


def test_missing_answers_name_their_flags(tmp_path: Path, source_url: str) -> None:
    with pytest.raises(libvoyager.MissingAnswerError, match="pass source="):
        libvoyager.init(migration_dir=str(tmp_path / "m"))
    with pytest.raises(libvoyager.MissingAnswerError, match="pass control_plane="):
        libvoyager.init(source=source_url, migration_dir=str(tmp_path / "m"))
    assert libvoyager.init(source=source_url, migration_dir=str(tmp_path / "m"), yes=True).control_plane == "local"


def test_existing_dir_unwritable_dir(tmp_path: Path, source_url: str) -> None:
    first = libvoyager.init(source=source_url, control_plane="local", migration_dir=str(tmp_path / "m"))
    with pytest.raises(libvoyager.AlreadyExistsError, match="pass force="):
        libvoyager.init(source=source_url, control_plane="local", migration_dir=str(tmp_path / "m"))
    assert first.migration_uuid in (tmp_path / "m/export-dir/metainfo/migration.json").read_text()
    with pytest.raises(libvoyager.StorageError):
        libvoyager.init(source=source_url, control_plane="local", migration_dir="/proc/voyager-m")


def test_password_is_nowhere(tmp_path: Path, secret_source: str) -> None:
    out = libvoyager.init(source=secret_source, control_plane="local", migration_dir=str(tmp_path / "m"))
    assert SECRET_PASSWORD not in repr(out.to_dict())
    assert SECRET_PASSWORD not in all_text_below(str(tmp_path / "m"))


def test_blocking_call_releases_the_gil(tmp_path: Path, silent_server: int) -> None:
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.01)

    t = threading.Thread(target=count)
    t.start()
    started = time.monotonic()
    with pytest.raises(libvoyager.ConnectionFailedError):
        libvoyager.init(
            source=f"postgresql://u:p@127.0.0.1:{silent_server}/db?connect_timeout=2&sslmode=disable",
            control_plane="local",
            migration_dir=str(tmp_path / "m"),
        )
    stop.set()
    t.join()
    waited = time.monotonic() - started
    assert waited >= 1.5
    # With the GIL held the counter could not move while Rust waited.
    assert ticks > waited * 30, (ticks, waited)

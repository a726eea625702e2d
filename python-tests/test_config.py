"""libvoyager.Config: TOML and YAML round trips, comments kept, values checked."""

from __future__ import annotations

from pathlib import Path

import pytest

import libvoyager

TOML = """# my notes
export-dir = "/e"  # keep me

[source]
db-host = "pg"   # the primary
db-port = 5432
mine = "kept"
"""


def test_toml_update_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(TOML)
    c = libvoyager.Config.load(str(path))
    assert c.format == "toml"
    c["source.db-port"] = 6432
    c.set("target.db-host", "yb")
    c.save()
    text = path.read_text()
    assert "# my notes" in text and "# keep me" in text and "# the primary" in text
    assert "db-port = 6432" in text and 'mine = "kept"' in text
    again = libvoyager.Config.load(str(path))
    assert again["source.db-port"] == 6432
    assert again.keys() == ["export-dir", "source.db-host", "source.db-port", "source.mine", "target.db-host"]
    assert "target.db-host" in again and "nope" not in again
    with pytest.raises(KeyError):
        again["nope"]


def test_yaml_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    c = libvoyager.Config(str(path))
    c["source.db-host"] = "h"
    c["source.db-port"] = "5433"
    c.save()
    back = libvoyager.Config.load(str(path))
    assert back.format == "yaml"
    assert back["source.db-port"] == 5433
    back.save_as(str(tmp_path / "c.toml"))
    assert libvoyager.Config.load(str(tmp_path / "c.toml"))["source.db-host"] == "h"


def test_bad_values_and_files(tmp_path: Path) -> None:
    c = libvoyager.Config(str(tmp_path / "c.toml"))
    with pytest.raises(libvoyager.ConfigError, match="source.db-port"):
        c["source.db-port"] = "abc"
    with pytest.raises(libvoyager.ConfigError, match="SOURCE_DB_PASSWORD"):
        c["source.db-password"] = "Secr3t"
    bad = tmp_path / "bad.toml"
    bad.write_text('[target]\nssl-mode = "maybe"\n')
    with pytest.raises(libvoyager.ConfigError, match="bad.toml.*target.ssl-mode"):
        libvoyager.Config.load(str(bad))
    with pytest.raises(libvoyager.NotFoundError):
        libvoyager.Config.load(str(tmp_path / "missing.toml"))
    with pytest.raises(libvoyager.ConfigError):
        libvoyager.Config(str(tmp_path / "c.json"))

"""Connection strings: both syntaxes, every sslmode, redaction."""

from __future__ import annotations

import pytest

import libvoyager

MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]


@pytest.mark.parametrize("mode", MODES)
def test_both_syntaxes_every_sslmode(mode: str) -> None:
    uri = libvoyager.parse_connection_string(f"postgresql://amakala:Secr3t@db.example.com:6432/db1?sslmode={mode}&sslrootcert=/ca.pem")
    kv = libvoyager.parse_connection_string(f"host=db.example.com port=6432 dbname=db1 user=amakala password='Secr3t' sslmode={mode}")
    for info in (uri, kv):
        assert (info.host, info.port, info.dbname, info.user, info.sslmode) == ("db.example.com", 6432, "db1", "amakala", mode)
        assert info.has_password
        assert "Secr3t" not in info.redacted and "Secr3t" not in repr(info)
        assert not hasattr(info, "password")
    assert uri.sslrootcert == "/ca.pem"


def test_bad_strings_and_redaction() -> None:
    for bad in ["postgresql://u:Secr3t@h:99999/d", "host=h bogus=1 password=Secr3t", "mysql://u:Secr3t@h/d"]:
        with pytest.raises(libvoyager.InvalidArgumentError) as e:
            libvoyager.parse_connection_string(bad)
        assert "Secr3t" not in str(e.value)
    text = libvoyager.redact("x postgresql://u:Secr3t@h/d y password=Other z")
    assert "Secr3t" not in text and "Other" not in text

"""Issue 10's secret scan: every CLI command, on its success and failure paths, with a
distinctive source password given every way (URI, key=value, the flag, PGPASSWORD,
SOURCE_DB_PASSWORD, a password file via PGPASSFILE, a fleet file's password-env), logging at
trace level. Then the password is searched for in stdout, stderr, every file below the test's
dir (migration dirs, the fleet work dir, the HTML and CSV reports) and a dump of the control
plane. Also: output safety of the CLI (a closed or full stdout, escape sequences in names, CSV
formulas)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import urllib.parse
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import SECRET_PASSWORD, SECRET_ROLE, all_text_below, env

# Never a real password: given in malformed strings and to refused flags, and searched for too.
ODD_SECRET = "Zq8/od?d#se@cret"
WRONG_PASSWORD = "Wr0ng-Zq7-secret"
SECRETS = [SECRET_PASSWORD, ODD_SECRET, WRONG_PASSWORD]


class Runs:
    """Runs the CLI at trace level and keeps everything it printed."""

    def __init__(self, cli: str, cwd: Path) -> None:
        self.cli = cli
        self.cwd = cwd
        self.printed: List[Tuple[str, str]] = []

    def __call__(self, args: List[str], extra_env: Dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        e = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DB_PASSWORD", "PGPASSWORD", "PGPASSFILE")}
        e.update({"RUST_LOG": "trace", "VOYAGER_LOG_LEVEL": "trace", "HOME": str(self.cwd)})
        e.update(extra_env or {})
        r = subprocess.run(
            [self.cli, "--log-level", "trace", *args],
            cwd=self.cwd,
            env=e,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.printed.append((f"the output of voyager {args[0]} ({len(self.printed)})", f"{r.stdout}\n{r.stderr}"))
        return r


def control_plane_dump(cp: str) -> str:
    r = subprocess.run(["pg_dump", "--data-only", "--no-owner", cp], capture_output=True, text=True, check=True)
    assert "COPY " in r.stdout or "INSERT " in r.stdout, "the control plane holds nothing: the scan would prove nothing"
    return r.stdout


def assert_no_secret(where: str, text: str) -> None:
    for secret in SECRETS:
        for form in {secret, urllib.parse.quote(secret, safe="")}:
            assert form not in text, f"{form!r} found in {where}:\n" + text[max(0, text.find(form) - 300):][:600]


def test_no_password_anywhere_after_every_command(
    tmp_path: Path, cli: str, secret_source: str, fresh_cp: str, target_url: str, closed_port: int
) -> None:
    host, port = env("VOYAGER_SOURCE_HOST"), env("VOYAGER_SOURCE_PORT")
    run = Runs(cli, tmp_path)
    no_password = f"postgresql://{SECRET_ROLE}@{host}:{port}/db1"
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{host}:{port}:*:{SECRET_ROLE}:{SECRET_PASSWORD}\n")
    pgpass.chmod(0o600)
    ways: Dict[str, Tuple[List[str], Dict[str, str]]] = {
        "uri": (["--source-db-connection-string", secret_source], {}),
        "keyvalue": (
            ["--source-db-connection-string",
             f"host={host} port={port} dbname=db1 user={SECRET_ROLE} password={SECRET_PASSWORD}"],
            {},
        ),
        "flag": (["--source-db-connection-string", no_password, "--source-db-password", SECRET_PASSWORD], {}),
        "pgpassword": (["--source-db-connection-string", no_password], {"PGPASSWORD": SECRET_PASSWORD}),
        "source_db_password": (["--source-db-connection-string", no_password], {"SOURCE_DB_PASSWORD": SECRET_PASSWORD}),
        "pgpassfile": (["--source-db-connection-string", no_password], {"PGPASSFILE": str(pgpass)}),
    }
    cp = ["--assessment-control-plane", fresh_cp]
    uuids = []
    for way, (source, way_env) in ways.items():
        m = tmp_path / f"m-{way}"
        r = run(["init", *source, "--control-plane", "shared", *cp, "--migration-dir", str(m), "--json"], way_env)
        assert r.returncode == 0, r.stdout + r.stderr
        uuids.append(json.loads(r.stdout)["migration_uuid"])
        r = run(["assess-migration", *source, "--export-dir", str(m / "export-dir"), *cp], way_env)
        assert r.returncode == 0, f"{way}: {r.stdout}{r.stderr}"
        r = run(["control-plane", "push", "--config-file", str(m / "config.toml")], way_env)
        assert r.returncode == 0, r.stdout + r.stderr
        r = run(["start-migration", "--config-file", str(m / "config.toml"), *source, "--target-db-connection-string",
                 target_url, "--flow", "offline", "--yes"], way_env)
        assert r.returncode == 0, f"{way}: {r.stdout}{r.stderr}"
    r = run(["start-migration", "--migration-dir", str(tmp_path / "rebuilt"), *cp, "--migration-uuid", uuids[0],
             "--source-db-connection-string", no_password, "--target-db-connection-string", target_url,
             "--flow", "offline", "--yes"], {"SOURCE_DB_PASSWORD": SECRET_PASSWORD})
    assert r.returncode == 0, r.stdout + r.stderr
    for args in (["status"], ["list"], ["list", "--json"], ["show", uuids[0]]):
        r = run(["control-plane", args[0], *cp, *args[1:]])
        assert r.returncode == 0, r.stdout + r.stderr

    fleet_file = tmp_path / "scan.toml"
    fleet_file.write_text(
        f'name = "scan"\n[[source]]\nhost = "{host}"\nport = {port}\ndatabase = "db1"\nuser = "{SECRET_ROLE}"\n'
        'password-env = "SCAN_FLEET_PASSWORD"\n'
        f'[[source]]\nconnection = "postgresql://{SECRET_ROLE}:{WRONG_PASSWORD}@127.0.0.1:{closed_port}/gone"\n'
    )
    work = tmp_path / "work"
    r = run(["assess-fleet", "--fleet-file", str(fleet_file), "--work-dir", str(work), *cp],
            {"SCAN_FLEET_PASSWORD": SECRET_PASSWORD})
    assert r.returncode == 1 and "gone" in r.stdout, r.stdout + r.stderr  # one unreachable member
    r = run(["assess-fleet", "--all-databases", secret_source, "--include", "db1", "--fleet-name", "scan-all",
             "--work-dir", str(tmp_path / "work-all"), *cp])
    assert r.returncode == 0, r.stdout + r.stderr
    for args in (["list"], ["list", "--csv"], ["rank", "--html", str(work / "rank.html"), "--work-dir", str(work)],
                 ["rank", "--csv"], ["rank", "--json"], ["show", "db1"]):
        r = run(["fleet", *cp, "--fleet", "scan", *args])
        assert r.returncode == 0, r.stdout + r.stderr
    assert (work / "fleet_report.html").is_file() and (work / "rank.html").is_file()

    # Failure paths: a wrong password, an unreachable server, malformed strings, bad flags.
    failing = [
        ["init", "--source-db-connection-string", secret_source.replace(SECRET_PASSWORD, WRONG_PASSWORD),
         "--control-plane", "local", "--migration-dir", str(tmp_path / "f1")],
        ["init", "--source-db-connection-string", f"postgresql://u:{SECRET_PASSWORD}@127.0.0.1:{closed_port}/db",
         "--control-plane", "local", "--migration-dir", str(tmp_path / "f2")],
        ["init", "--source-db-connection-string", f"postgresql://u:{ODD_SECRET}@127.0.0.1:99999/db",
         "--control-plane", "local"],
        ["init", "--source-db-connection-string", f"host=h PASSWORD={ODD_SECRET}", "--control-plane", "local"],
        ["init", "--source-db-connection-string", f"host=h password={ODD_SECRET} x y", "--control-plane", "local"],
        ["init", "--source-db-connection-string", f"host=h\tpassword\t=\t{ODD_SECRET} sslpassword={ODD_SECRET} bad=1"],
        ["init", "--source-db-connection-string", secret_source, "--control-plane", "cloud"],
        ["assess-migration", secret_source],
        ["assess-migration", "--source-db-connection-string", f"postgresql://u:{ODD_SECRET}@h/db?sslmode=maybe"],
        ["assess-migration", "--source-db-connection-string", no_password, "--source-db-password", WRONG_PASSWORD,
         "--export-dir", str(tmp_path / "f3")],
        ["control-plane", "status", "--assessment-control-plane",
         f"postgresql://yugabyte:{WRONG_PASSWORD}@127.0.0.1:{closed_port}/yugabyte"],
        ["control-plane", "list", "--assessment-control-plane", f"postgresql://yugabyte:{ODD_SECRET}@h:0/x"],
        ["fleet", "--assessment-control-plane", f"host=h sslpassword={ODD_SECRET} port=x", "--fleet", "scan", "list"],
        ["assess-fleet", "--all-databases", f"postgresql://u:{ODD_SECRET}@127.0.0.1:{closed_port}/postgres",
         "--work-dir", str(tmp_path / "f4"), *cp],
        ["start-migration", "--config-file", str(tmp_path / "m-uri" / "config.toml"), "--target-db-connection-string",
         f"postgresql://yugabyte:{WRONG_PASSWORD}@127.0.0.1:{closed_port}/yugabyte", "--flow", "offline", "--yes"],
    ]
    for args in failing:
        r = run(args, {"PGPASSWORD": WRONG_PASSWORD} if args[0] == "control-plane" else None)
        assert r.returncode != 0, f"{args} succeeded: {r.stdout}"
        assert "panicked" not in r.stderr, r.stderr

    for where, printed in run.printed:
        assert_no_secret(where, printed)
    # yb-voyager's meta.db (SQLite) of every migration dir is scanned too: its source
    # configuration is where a password would go, and SQLite keeps text as it is.
    meta_dbs = sorted(tmp_path.rglob("meta.db"))
    assert len(meta_dbs) >= len(ways) + 1, meta_dbs
    for path in meta_dbs:
        with sqlite3.connect(str(path)) as db:
            (text,) = db.execute("SELECT json_text FROM json_objects WHERE key = 'migration_status'").fetchone()
        assert json.loads(text)["SourceDBConf"]["user"] == SECRET_ROLE, text
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file() and path not in (pgpass, fleet_file):  # the test's own inputs
            assert_no_secret(str(path), path.read_text(errors="replace"))
    assert_no_secret("the control plane", control_plane_dump(fresh_cp))


def test_a_closed_or_full_stdout_is_no_panic(tmp_path: Path, cli: str, fresh_cp: str) -> None:
    # Issue 10 item 21: `voyager ... | head` and `> /dev/full` panicked (exit 101). `status` prints
    # on an empty control plane too, so the test does not depend on what ran before it.
    args = [cli, "control-plane", "status", "--assessment-control-plane", fresh_cp]
    with open("/dev/full", "w") as full:
        r = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    assert "could not write to standard output" in r.stderr and "panicked" not in r.stderr, r.stderr
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # the reader is gone before anything is written
    rc = p.wait(timeout=60)
    err = p.stderr.read().decode()
    assert rc == 141 and "panicked" not in err and err == "", (rc, err)
    r = subprocess.run(["bash", "-c", f"'{cli}' --help | true; echo ${{PIPESTATUS[0]}}"], capture_output=True,
                       text=True, timeout=60)
    assert "panicked" not in r.stderr and r.stdout.strip() in ("0", "141"), r


def test_names_cannot_drive_the_terminal_a_spreadsheet_or_a_browser(
    tmp_path: Path, cli: str, source_host: str, source_port: int, fresh_cp: str
) -> None:
    # Issue 10 items 17, 18 and 2: escape sequences in database names reached the terminal raw,
    # names starting with '=' were formulas in --csv, and `javascript:alert(1)<!--` became a
    # javascript: link in the fleet report.
    from html.parser import HTMLParser

    admin = env("VOYAGER_SOURCE_ADMIN_URL")
    name = "=HYPERLINK(\"http://x\")\x1b]52;c;aGk=\x07\x1b[2J"
    script = "javascript:alert(1)<!--"
    quoted = ['"' + n.replace('"', '""') + '"' for n in (name, script)]
    for q in quoted:
        subprocess.run(["psql", "-X", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {q}"], check=True)
        subprocess.run(["psql", "-X", "-q", admin, "-c", f"CREATE DATABASE {q}"], check=True)
    try:
        source = f"postgresql://postgres:sandbox-admin@{source_host}:{source_port}/postgres"
        cp = ["--assessment-control-plane", fresh_cp]
        work = tmp_path / "w"
        r = subprocess.run([cli, "assess-fleet", "--all-databases", source, "--include", "=HYPERLINK*",
                            "--include", "javascript*", "--fleet-name", "esc", "--work-dir", str(work), *cp],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        for args in (["control-plane", "list", *cp], ["fleet", *cp, "--fleet", "esc", "list"],
                     ["fleet", *cp, "--fleet", "esc", "rank"], ["fleet", *cp, "--fleet", "esc", "show", name]):
            r = subprocess.run([cli, *args], capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, r.stdout + r.stderr
            assert "\x1b" not in r.stdout + r.stderr and "\x07" not in r.stdout + r.stderr, repr(r.stdout)
            assert "\\u{1b}]52" in r.stdout, r.stdout
        for what in ("list", "rank"):
            r = subprocess.run([cli, "fleet", *cp, "--fleet", "esc", what, "--csv"], capture_output=True,
                               text=True, timeout=60)
            assert r.returncode == 0, r.stderr
            assert "'=HYPERLINK" in r.stdout and ",=HYPERLINK" not in r.stdout, r.stdout
        r = subprocess.run([cli, "fleet", *cp, "--fleet", "esc", "list", "--json"], capture_output=True, text=True,
                           timeout=60)
        assert {name, script} <= {row["database"] for row in json.loads(r.stdout)}, "JSON keeps names as they are"

        r = subprocess.run([cli, "fleet", *cp, "--fleet", "esc", "rank", "--html", str(tmp_path / "rank.html"),
                            "--work-dir", str(work)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr

        class Links(HTMLParser):
            def __init__(self) -> None:
                super().__init__()
                self.hrefs: List[str] = []
                self.tags: List[str] = []

            def handle_starttag(self, tag: str, attrs: List[Tuple[str, str | None]]) -> None:
                self.tags.append(tag)
                self.hrefs += [v or "" for k, v in attrs if k == "href"]
                assert not any(k.startswith("on") for k, _ in attrs), (tag, attrs)

        for page in (work / "fleet_report.html", tmp_path / "rank.html"):
            links = Links()
            links.feed(page.read_text())
            assert "script" not in links.tags and "img" not in links.tags
            assert len(links.hrefs) == 2, links.hrefs
            for href in links.hrefs:
                assert href.startswith(("./", "/")) and ":" not in href and "<" not in href, href
                assert urllib.parse.unquote(href).endswith(".html"), href
    finally:
        for q in quoted:
            subprocess.run(["psql", "-X", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {q}"], check=True)


@pytest.mark.parametrize("flag", ["--log-level", "--json"])
def test_unknown_values_are_errors(cli: str, tmp_path: Path, flag: str) -> None:
    # Issue 10 item 24: unknown enum values are errors, never a silent default.
    args = [cli, "--log-level", "loud", "control-plane", "status"] if flag == "--log-level" else \
        [cli, "init", "--control-plane", "Cloud", "--json"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 2, r
    assert ("error, warn, info" in r.stdout + r.stderr) or ("shared, local" in r.stdout + r.stderr), r


def test_python_config_refuses_a_password_inside_a_section_value(tmp_path: Path) -> None:
    # Issue 10 item 9: cfg["target"] = {"db-password": ...} then save() wrote the password.
    import libvoyager

    cfg = libvoyager.Config(str(tmp_path / "c.toml"))
    for value in ({"db-host": "h", "db-password": SECRET_PASSWORD}, {"nested": {"PASSWORD": SECRET_PASSWORD}}):
        with pytest.raises(libvoyager.ConfigError) as e:
            cfg["target"] = value
        assert SECRET_PASSWORD not in str(e.value)
    cfg["target"] = {"db-host": "h"}
    cfg.save()
    text = (tmp_path / "c.toml").read_text()
    assert SECRET_PASSWORD not in text and "db-host" in text


def test_python_init_refuses_an_unknown_control_plane(tmp_path: Path, source_url: str, cp_url: str) -> None:
    # Issue 10 item 24: init(control_plane="Shared") silently used the local control plane.
    import libvoyager

    with pytest.raises(libvoyager.InvalidArgumentError) as e:
        libvoyager.init(source=source_url, control_plane="cloud", migration_dir=str(tmp_path / "m1"))
    assert "shared, local" in str(e.value)
    outcome = libvoyager.init(source=source_url, control_plane="Shared", assessment_control_plane=cp_url,
                           migration_dir=str(tmp_path / "m2"))
    assert outcome.control_plane == "shared"


def test_python_redacted_forms_hold_no_secret_parameter() -> None:
    # Issue 10 items 6 and 7: sslpassword was in every redacted form; a raw '/' in a URI
    # password or an upper-case PASSWORD= reached the error message.
    import libvoyager

    info = libvoyager.parse_connection_string("host=h dbname=d sslpassword=KeyPass1 sslcert=/c.pem")
    assert "KeyPass1" not in info.redacted and "KeyPass1" not in repr(info)
    info = libvoyager.parse_connection_string("postgresql://u:Key/Pass1@h/d")
    assert info.host == "h" and info.has_password and "Pass1" not in info.redacted
    for bad in ("host=h PASSWORD=KeyPass1", "host=h password=Key Pass1", "postgresql://u:Key/Pass1@h:99999/d"):
        with pytest.raises(libvoyager.InvalidArgumentError) as e:
            libvoyager.parse_connection_string(bad)
        assert "Pass1" not in str(e.value), str(e.value)
    assert "KeyPass1" not in libvoyager.redact("x\tPASSWORD\t=\tKeyPass1 sslpassword='KeyPass1'")

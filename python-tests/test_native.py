"""Python that feels native: an awaitable twin of every call that touches a database, typed
issues and datetimes, short reprs and notebook tables that escape hostile names, records and
pandas from list results, and enum-like arguments checked against their words."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
from urllib.parse import quote
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

import pytest

import libvoyager
from conftest import env

#: Every call that touches a database (its awaitable twin is the name plus `_async`).
DATABASE_CALLS = [
    "init",
    "assess",
    "start_migration",
    "assess_fleet",
    "fleet_list",
    "fleet_rank",
    "rank",
    "control_plane_status",
    "control_plane_list",
    "control_plane_show",
    "control_plane_push",
    "control_plane_diff",
    "control_plane_forget",
]

HOSTILE_DB = '<img src=x onerror="alert(1)">&db'
HOSTILE_TABLE = "<script>alert('t')</script>"
QUOTED_DB = '"' + HOSTILE_DB.replace('"', '""') + '"'


def source_of(db: str) -> str:
    return f"postgresql://amakala:password@{env('VOYAGER_SOURCE_HOST')}:{env('VOYAGER_SOURCE_PORT')}/{db}"


def psql_admin(sql: str, db: str = "postgres") -> None:
    url = env("VOYAGER_SOURCE_ADMIN_URL").rsplit("/", 1)[0] + "/" + quote(db, safe="")
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True, capture_output=True)


def test_every_database_call_has_an_awaitable_twin_taking_the_same_arguments() -> None:
    for name in DATABASE_CALLS:
        sync = getattr(libvoyager, name)
        twin = getattr(libvoyager, f"{name}_async", None)
        assert twin is not None, f"libvoyager.{name}_async is missing"
        assert inspect.iscoroutinefunction(twin), name
        assert inspect.signature(twin) == inspect.signature(sync), name
        assert f"{name}_async" in libvoyager.__all__


def test_the_whole_journey_awaited_in_one_event_loop(tmp_path: Path, fresh_cp: str) -> None:
    async def journey() -> Dict[str, Any]:
        # The shared control plane's address alone means shared, as on the CLI.
        db1 = await libvoyager.init_async(source=source_of("db1"), assessment_control_plane=fresh_cp,
                                          migration_dir=str(tmp_path / "db1"))
        first = await libvoyager.assess_async(config_file=db1.config_file, source_password="password")
        # assess_async takes the control plane too: db2 goes to fresh_cp although its config says local.
        db2 = await libvoyager.init_async(source=source_of("db2"), control_plane="local",
                                          migration_dir=str(tmp_path / "db2"))
        await libvoyager.assess_async(config_file=db2.config_file, source_password="password",
                                      assessment_control_plane=fresh_cp)
        second = await libvoyager.assess_async(config_file=db1.config_file, source_password="password")
        fleet = await libvoyager.assess_fleet_async(
            all_databases=source_of("db1"), include=["db3"], fleet_name="f", work_dir=str(tmp_path / "w"),
            assessment_control_plane=fresh_cp,
        )
        status, listed, shown, ranked, fleet_rows, fleet_ranked, diff, pushed = await asyncio.gather(
            libvoyager.control_plane_status_async(fresh_cp),
            libvoyager.control_plane_list_async(fresh_cp, sort="assessed_at", descending=True),
            libvoyager.control_plane_show_async(fresh_cp, db1.migration_uuid),
            libvoyager.rank_async(fresh_cp, status="completed"),
            libvoyager.fleet_list_async(fresh_cp, "f"),
            libvoyager.fleet_rank_async(fresh_cp, "f"),
            libvoyager.control_plane_diff_async(fresh_cp, db1.migration_uuid),
            libvoyager.control_plane_push_async(config_file=db1.config_file),
        )
        forgotten = await libvoyager.control_plane_forget_async(fresh_cp, db2.migration_uuid)
        return dict(db1=db1, db2=db2, first=first, second=second, fleet=fleet, status=status, listed=listed,
                    shown=shown, ranked=ranked, fleet_rows=fleet_rows, fleet_ranked=fleet_ranked, diff=diff,
                    pushed=pushed, forgotten=forgotten)

    r = asyncio.run(journey())
    assert r["db1"].control_plane == "shared"
    assert r["first"].control_plane == {"control_plane": r["first"].control_plane["control_plane"], "stored": True,
                                        "run": 1, "error": None}
    assert (r["fleet"].done, r["fleet"].failed) == (1, 0)
    assert r["status"]["migrations"] == 3
    # The same answers as the blocking calls.
    assert [m.database for m in r["listed"]] == [m.database for m in libvoyager.control_plane_list(
        fresh_cp, sort="assessed_at", descending=True)]
    assert sorted(m.database for m in r["listed"]) == ["db1", "db2", "db3"]
    assert r["shown"]["latest"]["migration_uuid"] == r["db1"].migration_uuid and len(r["shown"]["history"]) == 2
    assert {x.database for x in r["ranked"]} == {"db1", "db2", "db3"}
    assert [x.database for x in r["fleet_rows"]] == ["db3"] and [x.database for x in r["fleet_ranked"]] == ["db3"]
    assert (r["diff"]["from_run"], r["diff"]["to_run"]) == (1, 2)
    assert r["pushed"]["stored"] is True and r["pushed"]["run"] == 2, "the same report is stored once"
    assert (r["forgotten"]["assessments_removed"], r["forgotten"]["sources_removed"]) == (1, 1)


def test_results_are_typed_with_short_reprs_and_escaped_html(tmp_path: Path, fresh_cp: str) -> None:
    psql_admin(f"DROP DATABASE IF EXISTS {QUOTED_DB}")
    psql_admin(f"CREATE DATABASE {QUOTED_DB}")
    psql_admin(f'CREATE TABLE public."{HOSTILE_TABLE}" (id int PRIMARY KEY, doc xml); '
               "GRANT SELECT ON ALL TABLES IN SCHEMA public TO amakala", db=HOSTILE_DB)
    source = source_of(quote(HOSTILE_DB, safe=""))
    result = libvoyager.assess(source=source, export_dir=str(tmp_path / "e"), assessment_control_plane=fresh_cp)
    assert result.summary.database == HOSTILE_DB

    xml = [i for i in result.issues if i.type == "UNSUPPORTED_DATATYPE_XML"]
    assert len(xml) == 1 and isinstance(xml[0], libvoyager.AssessmentIssue)
    assert xml[0].object_name == f"public.{HOSTILE_TABLE}.doc" and xml[0].impact == "LEVEL_3"
    assert xml[0].docs_link.startswith("https://")

    shown = repr(result)
    assert len(shown) < 400, shown
    assert "complexity=" in shown and result.migration_uuid in shown
    page = result._repr_html_()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;db" in page

    ranking = libvoyager.rank(fresh_cp)
    assert isinstance(ranking, libvoyager.Ranking) and len(ranking) == 1
    table = ranking._repr_html_()
    assert "<img" not in table and "&lt;img" in table and table.count("<tr>") == 2
    assert repr(ranking) == "<Ranking: 1 RankedDatabaseRow>"

    rows = libvoyager.control_plane_list(fresh_cp)
    assessed_at = rows[0].assessed_at
    assert isinstance(assessed_at, datetime) and assessed_at.tzinfo is not None
    assert abs((datetime.now(timezone.utc) - assessed_at).total_seconds()) < 600
    assert rows[0].status == "completed"


def test_list_results_convert_to_records_and_pandas(tmp_path: Path, fresh_cp: str) -> None:
    for db in ["db1", "db3"]:
        libvoyager.assess(source=source_of(db), export_dir=str(tmp_path / db), assessment_control_plane=fresh_cp)
    rows = libvoyager.control_plane_list(fresh_cp, sort="name")
    records: List[Dict[str, Any]] = rows.to_records()
    assert [r["database"] for r in records] == ["db1", "db3"]
    assert isinstance(records[0]["assessed_at"], datetime) and records[0]["status"] == "completed"
    ranked = libvoyager.rank(fresh_cp)
    assert [r["migrations"][0]["runs"][0]["run"] for r in ranked.to_records()] == [1, 1]

    pandas = pytest.importorskip("pandas")
    frame = rows.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame["database"]) == ["db1", "db3"]
    assert str(frame["assessed_at"].dtype).startswith("datetime64")
    assert list(ranked.to_pandas().sort_values("rank")["database"]) == [r.database for r in ranked]


def test_to_pandas_without_pandas_says_how_to_get_it() -> None:
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import libvoyager\n"
        "rows = libvoyager.Rows([])\n"
        "try:\n    rows.to_pandas()\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install pandas" in out and "to_records()" in out


@pytest.mark.parametrize(
    "call, allowed",
    [
        (lambda cp: libvoyager.control_plane_list(cp, sort="sideways"),  # type: ignore[arg-type]
         "name, complexity, size, effort, issues, assessed_at"),
        (lambda cp: libvoyager.control_plane_list(cp, status="running"),  # type: ignore[arg-type]
         "completed, failed, not assessed"),
        (lambda cp: libvoyager.control_plane_list(cp, complexity="EXTREME"),  # type: ignore[arg-type]
         "LOW, MEDIUM, HIGH"),
        (lambda cp: libvoyager.rank(cp, status="bogus"),  # type: ignore[arg-type]
         "completed, failed, not assessed"),
        (lambda cp: libvoyager.init(source="postgresql://u@h/d", control_plane="cloud"),  # type: ignore[arg-type]
         "shared, local"),
        (lambda cp: libvoyager.start_migration(config_file="x.toml", flow="sideways"),  # type: ignore[arg-type]
         "offline, live, live-fall-back, live-fall-forward"),
        (lambda cp: asyncio.run(libvoyager.control_plane_list_async(cp, sort="size!")),  # type: ignore[arg-type]
         "name, complexity, size, effort, issues, assessed_at"),
    ],
)
def test_a_word_outside_its_list_is_refused_naming_the_allowed_ones(call: Any, allowed: str, fresh_cp: str) -> None:
    with pytest.raises(libvoyager.InvalidArgumentError) as raised:
        call(fresh_cp)
    assert allowed in str(raised.value)


def test_words_are_taken_in_any_case_as_the_cli_takes_them(tmp_path: Path, fresh_cp: str) -> None:
    libvoyager.assess(source=source_of("db1"), export_dir=str(tmp_path / "e"), assessment_control_plane=fresh_cp)
    assert [m.database for m in libvoyager.control_plane_list(fresh_cp, complexity="low")] == ["db1"]  # type: ignore[arg-type]
    assert libvoyager.control_plane_list(fresh_cp, status="not assessed") == []
    assert [r.database for r in libvoyager.rank(fresh_cp, status="completed")] == ["db1"]

"""Typed use of the wheel, checked with mypy --strict: the stubs must describe the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import libvoyager


def use(path: str) -> None:
    info: libvoyager.ConnectionInfo = libvoyager.parse_connection_string("host=h dbname=d")
    port: int = info.port
    shown: str = libvoyager.redact("postgresql://u:p@h/d")
    config = libvoyager.Config(path)
    config["source.db-port"] = port
    keys: list[str] = config.keys()
    try:
        outcome: libvoyager.InitOutcome = libvoyager.init(source="postgresql://u@h/d", control_plane="local", yes=True)
        uuid: str = outcome.migration_uuid
        print(uuid, shown, keys)
    except libvoyager.MissingAnswerError as e:
        print(e)
    except libvoyager.VoyagerError as e:
        print(e)


def start(control_plane: str, uuid: str) -> list[str]:
    outcome: libvoyager.StartMigrationOutcome = libvoyager.start_migration(
        migration_dir="m", assessment_control_plane=control_plane, migration_uuid=uuid, flow="offline", yes=True
    )
    complexity: str = outcome.summary.complexity
    return [complexity, *outcome.next_steps]


def fleet(control_plane: str) -> list[str]:
    def show(p: libvoyager.FleetProgress) -> None:
        print(p.done, p.total, p.eta_seconds)

    outcome: libvoyager.FleetOutcome = libvoyager.assess_fleet(work_dir="w", fleet_file="f.toml", progress=show)
    ok: bool = outcome.all_succeeded
    rows: list[libvoyager.RankedRow] = libvoyager.fleet_rank(control_plane, outcome.fleet_name)
    listed: list[libvoyager.MigrationRow] = libvoyager.fleet_list(control_plane, outcome.fleet_name)
    return [r.why for r in rows] + [str(ok), str(len(listed))]


async def native(control_plane: str, config_file: str) -> list[str]:
    """The awaitable twins, typed results and Literal arguments."""
    result: libvoyager.AssessResult = await libvoyager.assess_async(
        config_file=config_file, assessment_control_plane=control_plane
    )
    issues: list[libvoyager.AssessmentIssue] = list(result.issues)
    html: str = result._repr_html_()
    rows: libvoyager.Rows[libvoyager.MigrationRow] = await libvoyager.control_plane_list_async(
        control_plane, sort="assessed_at", status="not assessed", complexity="HIGH"
    )
    when: datetime | None = rows[0].assessed_at if rows else None
    records: list[dict[str, Any]] = rows.to_records()
    ranked: libvoyager.Ranking[libvoyager.RankedDatabaseRow] = await libvoyager.rank_async(control_plane, status="failed")
    fleet: libvoyager.Ranking[libvoyager.RankedRow] = await libvoyager.fleet_rank_async(control_plane)
    members: libvoyager.Rows[libvoyager.MigrationRow] = await libvoyager.fleet_list_async(control_plane, "f")
    status: dict[str, Any] = await libvoyager.control_plane_status_async(control_plane)
    flow: libvoyager.Flow = "live-fall-back"
    choice: libvoyager.ControlPlaneChoice = "shared"
    outcome = await libvoyager.assess_fleet_async(work_dir="w", all_databases="postgresql://h/d")
    return [i.type for i in issues] + [html, str(when), str(records), ranked._repr_html_(), str(len(fleet)),
                                       str(len(members)), str(status), flow, choice, outcome.next_step]

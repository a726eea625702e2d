"""Typed use of the wheel, checked with mypy --strict: the stubs must describe the API."""

from __future__ import annotations

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

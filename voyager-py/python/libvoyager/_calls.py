"""libvoyager's calls: each converts its arguments to the core's JSON request, runs the core
(releasing the GIL), and converts the answer to typed results; every call that touches a
database has an ``*_async`` variant."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional

from . import _voyager
from ._results import (
    AssessProgress,
    AssessResult,
    ConnectionInfo,
    FleetOutcome,
    FleetProgress,
    InitOutcome,
    MigrationRow,
    RankedDatabaseRow,
    RankedRow,
    StartMigrationOutcome,
)
from ._rows import Ranking, Rows
from ._vocabulary import AssessmentStatus, Complexity, ControlPlaneChoice, Flow, SortKey


def _answers(**answers: Any) -> str:
    return json.dumps({k: v for k, v in answers.items() if v is not None})


def init(
    *,
    source: Optional[str] = None,
    source_password: Optional[str] = None,
    control_plane: Optional[ControlPlaneChoice] = None,
    assessment_control_plane: Optional[str] = None,
    migration_dir: Optional[str] = None,
    force: bool = False,
    yes: bool = False,
    new_migration_uuid: bool = False,
) -> InitOutcome:
    """Start a migration: check the source, choose where assessments are kept
    (``control_plane="shared"`` with ``assessment_control_plane``, or ``"local"``; an
    ``assessment_control_plane`` alone means shared, as on the CLI), and create the migration
    dir. A missing answer raises :class:`MissingAnswerError` naming it."""
    text = _voyager.init(
        _answers(
            source=source,
            source_password=source_password,
            control_plane=control_plane,
            assessment_control_plane=assessment_control_plane,
            migration_dir=migration_dir,
            force=force,
            yes=yes,
            new_migration_uuid=new_migration_uuid,
        )
    )
    return InitOutcome.from_dict(json.loads(text))


async def init_async(
    *,
    source: Optional[str] = None,
    source_password: Optional[str] = None,
    control_plane: Optional[ControlPlaneChoice] = None,
    assessment_control_plane: Optional[str] = None,
    migration_dir: Optional[str] = None,
    force: bool = False,
    yes: bool = False,
    new_migration_uuid: bool = False,
) -> InitOutcome:
    """The awaitable form of :func:`init`."""
    text = await _voyager.init_async(
        _answers(
            source=source,
            source_password=source_password,
            control_plane=control_plane,
            assessment_control_plane=assessment_control_plane,
            migration_dir=migration_dir,
            force=force,
            yes=yes,
            new_migration_uuid=new_migration_uuid,
        )
    )
    return InitOutcome.from_dict(json.loads(text))


def _progress(callback: Optional[Callable[[AssessProgress], object]]) -> Optional[Callable[[str], object]]:
    if callback is None:
        return None
    return lambda text: callback(AssessProgress(**json.loads(text)))


def assess(
    *,
    config_file: Optional[str] = None,
    source: Optional[str] = None,
    source_password: Optional[str] = None,
    export_dir: Optional[str] = None,
    source_db_schema: Optional[str] = None,
    target_db_version: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
    progress: Optional[Callable[[AssessProgress], object]] = None,
    lock_timeout_seconds: Optional[int] = None,
    statement_timeout_seconds: Optional[int] = None,
) -> AssessResult:
    """Assess one database: from a migration dir's ``config_file``, or from ``source`` into
    ``export_dir``. Writes the JSON and HTML reports there and returns them.

    A catalog query waits at most ``lock_timeout_seconds`` (default 10) for a lock another
    session holds, and runs at most ``statement_timeout_seconds`` (default 300); 0 means no
    limit. A lock held longer raises ``ConnectionFailedError`` naming the relation and its
    holder. Ctrl-C interrupts the call (``KeyboardInterrupt``)."""
    request = _answers(
        config_file=config_file,
        source=source,
        source_password=source_password,
        export_dir=export_dir,
        source_db_schema=source_db_schema,
        target_db_version=target_db_version,
        assessment_control_plane=assessment_control_plane,
        lock_timeout_seconds=lock_timeout_seconds,
        statement_timeout_seconds=statement_timeout_seconds,
    )
    return AssessResult.from_dict(json.loads(_voyager.assess(request, _progress(progress))))


async def assess_async(
    *,
    config_file: Optional[str] = None,
    source: Optional[str] = None,
    source_password: Optional[str] = None,
    export_dir: Optional[str] = None,
    source_db_schema: Optional[str] = None,
    target_db_version: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
    progress: Optional[Callable[[AssessProgress], object]] = None,
    lock_timeout_seconds: Optional[int] = None,
    statement_timeout_seconds: Optional[int] = None,
) -> AssessResult:
    """The awaitable form of :func:`assess`."""
    request = _answers(
        config_file=config_file,
        source=source,
        source_password=source_password,
        export_dir=export_dir,
        source_db_schema=source_db_schema,
        target_db_version=target_db_version,
        assessment_control_plane=assessment_control_plane,
        lock_timeout_seconds=lock_timeout_seconds,
        statement_timeout_seconds=statement_timeout_seconds,
    )
    text = await _voyager.assess_async(request, _progress(progress))
    return AssessResult.from_dict(json.loads(text))


def control_plane_status(control_plane: str) -> Dict[str, Any]:
    """Whether the control plane answers, its schema version and how much it holds."""
    status: Dict[str, Any] = json.loads(_voyager.control_plane_status(control_plane))
    return status


async def control_plane_status_async(control_plane: str) -> Dict[str, Any]:
    """The awaitable form of :func:`control_plane_status`."""
    status: Dict[str, Any] = json.loads(await _voyager.control_plane_status_async(control_plane))
    return status


def _list_filter(
    complexity: Optional[Complexity],
    status: Optional[AssessmentStatus],
    host: Optional[str],
    database: Optional[str],
    sort: SortKey,
    descending: bool,
    limit: Optional[int],
    offset: Optional[int],
) -> str:
    return _answers(
        complexity=complexity, status=status, host=host, database=database, sort=sort,
        descending=descending, limit=limit, offset=offset,
    )


def _migration_rows(text: str) -> Rows[MigrationRow]:
    return Rows(MigrationRow.from_dict(r) for r in json.loads(text))


def control_plane_list(
    control_plane: str,
    *,
    complexity: Optional[Complexity] = None,
    status: Optional[AssessmentStatus] = None,
    host: Optional[str] = None,
    database: Optional[str] = None,
    sort: SortKey = "name",
    descending: bool = False,
    limit: Optional[int] = None,
    offset: Optional[int] = None,
) -> Rows[MigrationRow]:
    """Every source database with its latest assessment. ``sort`` is one of name, complexity,
    size, effort, issues, assessed_at; ``complexity`` LOW, MEDIUM or HIGH; ``status`` completed,
    failed or not assessed. Another word raises :class:`InvalidArgumentError`."""
    f = _list_filter(complexity, status, host, database, sort, descending, limit, offset)
    return _migration_rows(_voyager.control_plane_list(control_plane, f))


async def control_plane_list_async(
    control_plane: str,
    *,
    complexity: Optional[Complexity] = None,
    status: Optional[AssessmentStatus] = None,
    host: Optional[str] = None,
    database: Optional[str] = None,
    sort: SortKey = "name",
    descending: bool = False,
    limit: Optional[int] = None,
    offset: Optional[int] = None,
) -> Rows[MigrationRow]:
    """The awaitable form of :func:`control_plane_list`."""
    f = _list_filter(complexity, status, host, database, sort, descending, limit, offset)
    return _migration_rows(await _voyager.control_plane_list_async(control_plane, f))


def control_plane_show(control_plane: str, migration_uuid: str) -> Dict[str, Any]:
    """A migration's latest assessment (``latest``: source, report, origin) and its ``history``."""
    details: Dict[str, Any] = json.loads(_voyager.control_plane_show(control_plane, migration_uuid))
    return details


async def control_plane_show_async(control_plane: str, migration_uuid: str) -> Dict[str, Any]:
    """The awaitable form of :func:`control_plane_show`."""
    details: Dict[str, Any] = json.loads(await _voyager.control_plane_show_async(control_plane, migration_uuid))
    return details


def control_plane_push(
    *,
    config_file: Optional[str] = None,
    source: Optional[str] = None,
    export_dir: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
) -> Dict[str, Any]:
    """Store the report already in an export dir (after the control plane was unreachable)."""
    request = _answers(
        config_file=config_file, source=source, export_dir=export_dir, assessment_control_plane=assessment_control_plane
    )
    written: Dict[str, Any] = json.loads(_voyager.control_plane_push(request))
    return written


async def control_plane_push_async(
    *,
    config_file: Optional[str] = None,
    source: Optional[str] = None,
    export_dir: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
) -> Dict[str, Any]:
    """The awaitable form of :func:`control_plane_push`."""
    request = _answers(
        config_file=config_file, source=source, export_dir=export_dir, assessment_control_plane=assessment_control_plane
    )
    written: Dict[str, Any] = json.loads(await _voyager.control_plane_push_async(request))
    return written


def start_migration(
    *,
    config_file: Optional[str] = None,
    migration_dir: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
    migration_uuid: Optional[str] = None,
    source: Optional[str] = None,
    source_password: Optional[str] = None,
    target: Optional[str] = None,
    target_password: Optional[str] = None,
    flow: Optional[Flow] = None,
    yes: bool = False,
) -> StartMigrationOutcome:
    """Start the migration of an assessed database, either from the migration dir that ran the
    assessment (``config_file``) or rebuilt from the control plane (``migration_dir``,
    ``assessment_control_plane`` and ``migration_uuid``). The source and the target are checked
    (passwords are used, never kept) and ``flow`` (offline, live, live-fall-back,
    live-fall-forward) is recorded in the config. A missing answer raises
    :class:`MissingAnswerError` naming its flag."""
    text = _voyager.start_migration(
        _answers(
            config_file=config_file,
            migration_dir=migration_dir,
            assessment_control_plane=assessment_control_plane,
            migration_uuid=migration_uuid,
            source=source,
            source_password=source_password,
            target=target,
            target_password=target_password,
            flow=flow,
            yes=yes,
        )
    )
    return StartMigrationOutcome.from_dict(json.loads(text))


async def start_migration_async(
    *,
    config_file: Optional[str] = None,
    migration_dir: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
    migration_uuid: Optional[str] = None,
    source: Optional[str] = None,
    source_password: Optional[str] = None,
    target: Optional[str] = None,
    target_password: Optional[str] = None,
    flow: Optional[Flow] = None,
    yes: bool = False,
) -> StartMigrationOutcome:
    """The awaitable form of :func:`start_migration`."""
    text = await _voyager.start_migration_async(
        _answers(
            config_file=config_file,
            migration_dir=migration_dir,
            assessment_control_plane=assessment_control_plane,
            migration_uuid=migration_uuid,
            source=source,
            source_password=source_password,
            target=target,
            target_password=target_password,
            flow=flow,
            yes=yes,
        )
    )
    return StartMigrationOutcome.from_dict(json.loads(text))


def _fleet_request(**request: Any) -> str:
    return _answers(**request)


def _fleet_progress(progress: Optional[Callable[[FleetProgress], object]]) -> Optional[Callable[[str], object]]:
    if progress is None:
        return None
    return lambda text: progress(FleetProgress(**json.loads(text)))


def assess_fleet(
    *,
    work_dir: str,
    fleet_file: Optional[str] = None,
    all_databases: Optional[str] = None,
    include: Optional[List[str]] = None,
    exclude: Optional[List[str]] = None,
    fleet_name: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
    parallel: Optional[int] = None,
    per_host: Optional[int] = None,
    reassess: bool = False,
    lease_seconds: Optional[int] = None,
    timeout_seconds: Optional[int] = None,
    source_db_schema: Optional[str] = None,
    target_db_version: Optional[str] = None,
    worker: Optional[str] = None,
    prune: bool = False,
    progress: Optional[Callable[[FleetProgress], object]] = None,
) -> FleetOutcome:
    """Assess every database of a fleet (``fleet_file``, TOML or CSV, or every database of the
    server ``all_databases``) concurrently, storing each assessment in the control plane.
    Several processes may share one fleet. A database that fails does not raise: see
    ``failures``. ``prune`` removes from the fleet the databases no longer in its inventory.
    KeyboardInterrupt stops the run cleanly (run it again to resume)."""
    request = _fleet_request(
        work_dir=work_dir, fleet_file=fleet_file, all_databases=all_databases, include=include, exclude=exclude,
        fleet_name=fleet_name, assessment_control_plane=assessment_control_plane, parallel=parallel,
        per_host=per_host, reassess=reassess, lease_seconds=lease_seconds, timeout_seconds=timeout_seconds,
        source_db_schema=source_db_schema, target_db_version=target_db_version, worker=worker, prune=prune,
    )
    return FleetOutcome.from_dict(json.loads(_voyager.assess_fleet(request, _fleet_progress(progress))))


async def assess_fleet_async(
    *,
    work_dir: str,
    fleet_file: Optional[str] = None,
    all_databases: Optional[str] = None,
    include: Optional[List[str]] = None,
    exclude: Optional[List[str]] = None,
    fleet_name: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
    parallel: Optional[int] = None,
    per_host: Optional[int] = None,
    reassess: bool = False,
    lease_seconds: Optional[int] = None,
    timeout_seconds: Optional[int] = None,
    source_db_schema: Optional[str] = None,
    target_db_version: Optional[str] = None,
    worker: Optional[str] = None,
    prune: bool = False,
    progress: Optional[Callable[[FleetProgress], object]] = None,
) -> FleetOutcome:
    """The awaitable form of :func:`assess_fleet`. Cancelling the task stops the run cleanly
    (the running assessments are dropped and their claims given back)."""
    request = _fleet_request(
        work_dir=work_dir, fleet_file=fleet_file, all_databases=all_databases, include=include, exclude=exclude,
        fleet_name=fleet_name, assessment_control_plane=assessment_control_plane, parallel=parallel,
        per_host=per_host, reassess=reassess, lease_seconds=lease_seconds, timeout_seconds=timeout_seconds,
        source_db_schema=source_db_schema, target_db_version=target_db_version, worker=worker, prune=prune,
    )
    text = await _voyager.assess_fleet_async(request, _fleet_progress(progress))
    return FleetOutcome.from_dict(json.loads(text))


def fleet_list(control_plane: str, fleet: str) -> Rows[MigrationRow]:
    """A fleet's databases with their latest assessment."""
    return _migration_rows(_voyager.fleet_list(control_plane, fleet))


async def fleet_list_async(control_plane: str, fleet: str) -> Rows[MigrationRow]:
    """The awaitable form of :func:`fleet_list`."""
    return _migration_rows(await _voyager.fleet_list_async(control_plane, fleet))


def _ranked_rows(text: str) -> Ranking[RankedRow]:
    return Ranking(RankedRow(**r) for r in json.loads(text))


def fleet_rank(
    control_plane: str, fleet: Optional[str] = None, weights_file: Optional[str] = None
) -> Ranking[RankedRow]:
    """The fleet ranked, first to migrate first: wave, score, group and why for each database.
    ``fleet`` None takes the control plane's only fleet. ``weights_file`` is a TOML file of
    weights (see the README)."""
    return _ranked_rows(_voyager.fleet_rank(control_plane, fleet, weights_file))


async def fleet_rank_async(
    control_plane: str, fleet: Optional[str] = None, weights_file: Optional[str] = None
) -> Ranking[RankedRow]:
    """The awaitable form of :func:`fleet_rank`."""
    return _ranked_rows(await _voyager.fleet_rank_async(control_plane, fleet, weights_file))


def _rank_request(
    fleet: Optional[str],
    labels: Optional[List[str]],
    host: Optional[str],
    complexity: Optional[Complexity],
    status: Optional[AssessmentStatus],
    weights_file: Optional[str],
) -> str:
    return _answers(
        fleet=fleet, labels=labels, host=host, complexity=complexity, status=status, weights_file=weights_file,
    )


def _ranked_databases(text: str) -> Ranking[RankedDatabaseRow]:
    return Ranking(RankedDatabaseRow.from_dict(r) for r in json.loads(text))


def rank(
    control_plane: str,
    *,
    fleet: Optional[str] = None,
    labels: Optional[List[str]] = None,
    host: Optional[str] = None,
    complexity: Optional[Complexity] = None,
    status: Optional[AssessmentStatus] = None,
    weights_file: Optional[str] = None,
) -> Ranking[RankedDatabaseRow]:
    """Which database to migrate first, across everything the control plane holds: every
    source database once (assessed by hand, by a fleet run, or only by yb-voyager), ranked with
    the fleet ranking's rules. Filters: ``fleet``, ``labels`` (``["key=value", ...]``),
    ``host``, ``complexity`` (LOW, MEDIUM, HIGH), ``status`` (completed, failed, not assessed)."""
    request = _rank_request(fleet, labels, host, complexity, status, weights_file)
    return _ranked_databases(_voyager.rank(control_plane, request))


async def rank_async(
    control_plane: str,
    *,
    fleet: Optional[str] = None,
    labels: Optional[List[str]] = None,
    host: Optional[str] = None,
    complexity: Optional[Complexity] = None,
    status: Optional[AssessmentStatus] = None,
    weights_file: Optional[str] = None,
) -> Ranking[RankedDatabaseRow]:
    """The awaitable form of :func:`rank`."""
    request = _rank_request(fleet, labels, host, complexity, status, weights_file)
    return _ranked_databases(await _voyager.rank_async(control_plane, request))


def control_plane_diff(
    control_plane: str, migration_uuid: str, *, from_run: Optional[int] = None, to_run: Optional[int] = None
) -> Dict[str, Any]:
    """What changed between two completed assessments of a migration (default: the latest and
    the one before): ``added`` and ``removed`` issues, and complexity, level counts, size and
    effort as ``{"from": ..., "to": ...}``."""
    diff: Dict[str, Any] = json.loads(_voyager.control_plane_diff(control_plane, migration_uuid, from_run, to_run))
    return diff


async def control_plane_diff_async(
    control_plane: str, migration_uuid: str, *, from_run: Optional[int] = None, to_run: Optional[int] = None
) -> Dict[str, Any]:
    """The awaitable form of :func:`control_plane_diff`."""
    text = await _voyager.control_plane_diff_async(control_plane, migration_uuid, from_run, to_run)
    diff: Dict[str, Any] = json.loads(text)
    return diff


def control_plane_forget(control_plane: str, migration_uuid: str, *, include_yugabyted: bool = False) -> Dict[str, Any]:
    """Remove libvoyager's rows of a migration (source, assessments, fleet queue items) for
    good; yugabyted's rows stay unless ``include_yugabyted``. Confirm with the user first."""
    outcome: Dict[str, Any] = json.loads(
        _voyager.control_plane_forget(control_plane, migration_uuid, include_yugabyted)
    )
    return outcome


async def control_plane_forget_async(
    control_plane: str, migration_uuid: str, *, include_yugabyted: bool = False
) -> Dict[str, Any]:
    """The awaitable form of :func:`control_plane_forget`."""
    text = await _voyager.control_plane_forget_async(control_plane, migration_uuid, include_yugabyted)
    outcome: Dict[str, Any] = json.loads(text)
    return outcome


def parse_connection_string(text: str) -> ConnectionInfo:
    """Parse a libpq connection string (URI or key=value)."""
    return ConnectionInfo(**json.loads(_voyager.parse_connection_string(text)))

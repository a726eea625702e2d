"""libvoyager for Python: assess fleets of PostgreSQL databases for a move to YugabyteDB, and
start the migration of one of them.

Every call runs in libvoyager's Rust core and releases the GIL while it works; the ``*_async``
variants return awaitables. Failures raise subclasses of :class:`VoyagerError`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional

from . import _voyager
from ._voyager import (
    AlreadyExistsError,
    CancelledError,
    ConfigError,
    ConnectionFailedError,
    ControlPlaneError,
    InternalError,
    InvalidArgumentError,
    MissingAnswerError,
    NotFoundError,
    StorageError,
    VoyagerError,
    redact,
)

__version__: str = _voyager.__version__

__all__ = [
    "AlreadyExistsError",
    "CancelledError",
    "Config",
    "ConfigError",
    "ConnectionFailedError",
    "ConnectionInfo",
    "ControlPlaneError",
    "MigrationRow",
    "control_plane_list",
    "control_plane_push",
    "control_plane_show",
    "control_plane_status",
    "InitOutcome",
    "InternalError",
    "InvalidArgumentError",
    "MissingAnswerError",
    "NotFoundError",
    "StorageError",
    "VoyagerError",
    "AssessProgress",
    "AssessResult",
    "AssessSummary",
    "assess",
    "assess_async",
    "init",
    "init_async",
    "parse_connection_string",
    "redact",
    "FleetFailure",
    "FleetOutcome",
    "FleetProgress",
    "RankedRow",
    "assess_fleet",
    "fleet_list",
    "fleet_rank",
    "rank",
    "RankedDatabaseRow",
    "control_plane_diff",
    "control_plane_forget",
    "StartMigrationOutcome",
    "start_migration",
    "start_migration_async",
]


@dataclass(frozen=True)
class InitOutcome:
    """What :func:`init` did."""

    migration_uuid: str
    migration_dir: str
    config_file: str
    export_dir: str
    source: str
    source_server_version: str
    control_plane: str
    assessment_control_plane: str
    messages: List[str] = field(default_factory=list)
    next_step: str = ""
    notes: List[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "InitOutcome":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ConnectionInfo:
    """What a connection string says. It has no password attribute: the password is never shown."""

    host: str
    hosts: List[str]
    port: int
    dbname: str
    user: str
    sslmode: str
    sslrootcert: Optional[str]
    has_password: bool
    redacted: str

    def __repr__(self) -> str:
        return f"ConnectionInfo({self.redacted!r})"


def _answers(**answers: Any) -> str:
    return json.dumps({k: v for k, v in answers.items() if v is not None})


def init(
    *,
    source: Optional[str] = None,
    source_password: Optional[str] = None,
    control_plane: Optional[str] = None,
    assessment_control_plane: Optional[str] = None,
    migration_dir: Optional[str] = None,
    force: bool = False,
    yes: bool = False,
    new_migration_uuid: bool = False,
) -> InitOutcome:
    """Start a migration: check the source, choose where assessments are kept
    (``control_plane="shared"`` with ``assessment_control_plane``, or ``"local"``), and create
    the migration dir. A missing answer raises :class:`MissingAnswerError` naming it."""
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
    control_plane: Optional[str] = None,
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


@dataclass(frozen=True)
class AssessProgress:
    """A step of an assessment."""

    step: str
    done: int
    total: int


@dataclass(frozen=True)
class AssessSummary:
    """The summary of an assessment report (complexity, issue counts, sizing, effort)."""

    database: str
    complexity: str
    complexity_explanation: str
    level1: int
    level2: int
    level3: int
    blocking: List[str]
    blocking_total: int
    sharded_tables: int
    colocated_tables: int
    num_nodes: float
    vcpus_per_instance: float
    memory_per_instance: float
    estimated_import_minutes: float
    total_size_bytes: int
    effort_hours: float
    #: Some check could not run; ``skipped_checks`` says which, why and the fix (one line each).
    partial: bool = False
    skipped_checks: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class AssessResult:
    """What :func:`assess` did: where the report went, its summary, and the full report (a dict
    with yb-voyager's field names)."""

    migration_uuid: str
    export_dir: str
    report_json: str
    report_html: str
    source: str
    summary: AssessSummary
    duration_ms: int
    report: Dict[str, Any]
    control_plane: Optional[Dict[str, Any]] = None

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "AssessResult":
        o = d["outcome"]
        return cls(
            migration_uuid=o["migration_uuid"],
            export_dir=o["export_dir"],
            report_json=o["report"]["json"],
            report_html=o["report"]["html"],
            source=o["source"],
            summary=AssessSummary(**o["summary"]),
            duration_ms=o["duration_ms"],
            report=d["report"],
            control_plane=o.get("control_plane"),
        )

    @property
    def issues(self) -> List[Dict[str, Any]]:
        """The report's AssessmentIssues."""
        issues: List[Dict[str, Any]] = self.report["AssessmentIssues"]
        return issues


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
        lock_timeout_seconds=lock_timeout_seconds,
        statement_timeout_seconds=statement_timeout_seconds,
    )
    text = await _voyager.assess_async(request, _progress(progress))
    return AssessResult.from_dict(json.loads(text))


@dataclass(frozen=True)
class MigrationRow:
    """One migration of a control plane with its latest assessment (flat, so a list of rows
    converts straight to a pandas DataFrame: ``pandas.DataFrame(rows)``)."""

    migration_uuid: str
    database: str
    host: str
    port: int
    db_type: str
    schemas: List[str]
    user: Optional[str]
    status: Optional[str]
    complexity: Optional[str]
    level1: int
    level2: int
    level3: int
    total_size_bytes: int
    effort_hours: float
    assessed_at: Optional[str]
    error: Optional[str]
    #: The latest assessment skipped some check; ``skipped_checks`` says which, why and the fix.
    partial: bool = False
    skipped_checks: Optional[str] = None

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "MigrationRow":
        latest = d.get("latest") or {}
        return cls(
            migration_uuid=d["migration_uuid"],
            database=d["database"],
            host=d["host"],
            port=d["port"],
            db_type=d["db_type"],
            schemas=d["schemas"],
            user=d.get("user"),
            status=latest.get("status"),
            complexity=latest.get("complexity"),
            level1=latest.get("level1", 0),
            level2=latest.get("level2", 0),
            level3=latest.get("level3", 0),
            total_size_bytes=latest.get("total_size_bytes", 0),
            effort_hours=latest.get("effort_hours", 0.0),
            assessed_at=latest.get("assessed_at"),
            error=latest.get("error"),
            partial=latest.get("partial", False),
            skipped_checks=latest.get("skipped_checks"),
        )


def control_plane_status(control_plane: str) -> Dict[str, Any]:
    """Whether the control plane answers, its schema version and how much it holds."""
    status: Dict[str, Any] = json.loads(_voyager.control_plane_status(control_plane))
    return status


def control_plane_list(
    control_plane: str,
    *,
    complexity: Optional[str] = None,
    status: Optional[str] = None,
    host: Optional[str] = None,
    database: Optional[str] = None,
    sort: str = "name",
    descending: bool = False,
    limit: Optional[int] = None,
    offset: Optional[int] = None,
) -> List[MigrationRow]:
    """Every migration with its latest assessment; ``sort`` is one of name, complexity, size,
    effort, issues, assessed_at."""
    filter_json = _answers(
        complexity=complexity, status=status, host=host, database=database, sort=sort,
        descending=descending, limit=limit, offset=offset,
    )
    rows = json.loads(_voyager.control_plane_list(control_plane, filter_json))
    return [MigrationRow.from_dict(r) for r in rows]


def control_plane_show(control_plane: str, migration_uuid: str) -> Dict[str, Any]:
    """A migration's latest assessment (``latest``: source, report, origin) and its ``history``."""
    details: Dict[str, Any] = json.loads(_voyager.control_plane_show(control_plane, migration_uuid))
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


@dataclass(frozen=True)
class StartMigrationOutcome:
    """What :func:`start_migration` did: the migration dir it continued or rebuilt, the checked
    source and target (redacted), the flow, the assessment's summary and the next commands."""

    migration_uuid: str
    migration_dir: str
    config_file: str
    report_json: str
    report_html: Optional[str]
    way_in: str
    source: str
    target: str
    flow: str
    summary: AssessSummary
    messages: List[str] = field(default_factory=list)
    next_steps: List[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "StartMigrationOutcome":
        fields = {k: d[k] for k in cls.__dataclass_fields__ if k != "summary"}
        return cls(summary=AssessSummary(**d["summary"]), **fields)


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
    flow: Optional[str] = None,
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
    flow: Optional[str] = None,
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


@dataclass(frozen=True)
class FleetProgress:
    """Where a fleet run is; ``event`` says which database just finished (``state`` done or
    failed, with ``error``)."""

    total: int
    done: int
    failed: int
    running: int
    pending: int
    eta_seconds: Optional[float]
    event: Optional[Dict[str, Any]]
    #: What this worker waits for when it has nothing to do (for example a killed run's leases).
    waiting: Optional[str] = None


@dataclass(frozen=True)
class FleetFailure:
    """A database of the fleet whose assessment failed, and why (never a password)."""

    migration_uuid: str
    host: str
    database: str
    error: str


@dataclass(frozen=True)
class FleetOutcome:
    """What :func:`assess_fleet` did."""

    fleet_name: str
    fleet_run_id: str
    work_dir: str
    control_plane: str
    total: int
    done: int
    failed: int
    assessed_here: int
    already_done: int
    interrupted: bool
    duration_ms: int
    failures: List[FleetFailure]
    html_report: Optional[str]
    next_step: str
    #: Databases the fleet holds that this inventory does not (not counted above).
    not_in_inventory: int = 0
    #: Databases removed from the fleet by ``prune``.
    pruned: int = 0

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "FleetOutcome":
        fields = {k: d[k] for k in cls.__dataclass_fields__ if k != "failures" and k in d}
        return cls(failures=[FleetFailure(**f) for f in d["failures"]], **fields)

    @property
    def all_succeeded(self) -> bool:
        """Whether every database of the fleet has a completed assessment."""
        return not self.interrupted and self.failed == 0 and self.done == self.total


@dataclass(frozen=True)
class RankedRow:
    """One database of a ranked fleet (flat, so ``pandas.DataFrame(rows)`` just works)."""

    rank: int
    wave: Optional[int]
    score: Optional[float]
    migration_uuid: str
    database: str
    host: str
    port: int
    status: str
    complexity: Optional[str]
    level1: int
    level2: int
    level3: int
    total_size_bytes: int
    effort_hours: float
    labels: Dict[str, str]
    group: Optional[int]
    group_size: int
    why: str
    error: Optional[str]
    #: The assessment skipped some check (``why`` says which and the fix): its place may change.
    partial: bool = False


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
    request = _answers(
        work_dir=work_dir, fleet_file=fleet_file, all_databases=all_databases, include=include, exclude=exclude,
        fleet_name=fleet_name, assessment_control_plane=assessment_control_plane, parallel=parallel,
        per_host=per_host, reassess=reassess, lease_seconds=lease_seconds, timeout_seconds=timeout_seconds,
        source_db_schema=source_db_schema, target_db_version=target_db_version, worker=worker, prune=prune,
    )
    callback = None if progress is None else (lambda text: progress(FleetProgress(**json.loads(text))))
    return FleetOutcome.from_dict(json.loads(_voyager.assess_fleet(request, callback)))


def fleet_list(control_plane: str, fleet: str) -> List[MigrationRow]:
    """A fleet's databases with their latest assessment."""
    return [MigrationRow.from_dict(r) for r in json.loads(_voyager.fleet_list(control_plane, fleet))]


def fleet_rank(control_plane: str, fleet: Optional[str] = None, weights_file: Optional[str] = None) -> List[RankedRow]:
    """The fleet ranked, first to migrate first: wave, score, group and why for each database.
    ``fleet`` None takes the control plane's only fleet. ``weights_file`` is a TOML file of
    weights (see the README)."""
    rows = json.loads(_voyager.fleet_rank(control_plane, fleet, weights_file))
    return [RankedRow(**r) for r in rows]


@dataclass(frozen=True)
class RankedDatabaseRow:
    """One database in the control-plane-wide ranking: the fleet ranking's columns, plus its
    identity, who recorded the assessment shown (``origin``: libvoyager or yb_voyager), its
    fleets, and every migration UUID with its runs (``migrations``)."""

    rank: int
    wave: Optional[int]
    score: Optional[float]
    migration_uuid: str
    database: str
    host: str
    port: int
    status: str
    complexity: Optional[str]
    level1: int
    level2: int
    level3: int
    total_size_bytes: int
    effort_hours: float
    labels: Dict[str, str]
    group: Optional[int]
    group_size: int
    why: str
    error: Optional[str]
    identity: str
    origin: str
    fleets: List[str]
    migrations: List[Dict[str, Any]]

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "RankedDatabaseRow":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__})


def rank(
    control_plane: str,
    *,
    fleet: Optional[str] = None,
    labels: Optional[List[str]] = None,
    host: Optional[str] = None,
    complexity: Optional[str] = None,
    status: Optional[str] = None,
    weights_file: Optional[str] = None,
) -> List[RankedDatabaseRow]:
    """Which database to migrate first, across everything the control plane holds: every
    source database once (assessed by hand, by a fleet run, or only by yb-voyager), ranked with
    the fleet ranking's rules. Filters: ``fleet``, ``labels`` (``["key=value", ...]``),
    ``host``, ``complexity``, ``status`` (completed, failed, not assessed)."""
    request = _answers(
        fleet=fleet, labels=labels, host=host, complexity=complexity, status=status, weights_file=weights_file,
    )
    return [RankedDatabaseRow.from_dict(r) for r in json.loads(_voyager.rank(control_plane, request))]


def control_plane_diff(
    control_plane: str, migration_uuid: str, *, from_run: Optional[int] = None, to_run: Optional[int] = None
) -> Dict[str, Any]:
    """What changed between two completed assessments of a migration (default: the latest and
    the one before): ``added`` and ``removed`` issues, and complexity, level counts, size and
    effort as ``{"from": ..., "to": ...}``."""
    diff: Dict[str, Any] = json.loads(_voyager.control_plane_diff(control_plane, migration_uuid, from_run, to_run))
    return diff


def control_plane_forget(control_plane: str, migration_uuid: str, *, include_yugabyted: bool = False) -> Dict[str, Any]:
    """Remove libvoyager's rows of a migration (source, assessments, fleet queue items) for
    good; yugabyted's rows stay unless ``include_yugabyted``. Confirm with the user first."""
    outcome: Dict[str, Any] = json.loads(
        _voyager.control_plane_forget(control_plane, migration_uuid, include_yugabyted)
    )
    return outcome


def parse_connection_string(text: str) -> ConnectionInfo:
    """Parse a libpq connection string (URI or key=value)."""
    return ConnectionInfo(**json.loads(_voyager.parse_connection_string(text)))


class Config:
    """A migration config file (TOML or YAML by extension) with yb-voyager's key names.

    Keys are dotted (``"source.db-host"``). Updates keep the file's comments and key order;
    a password key is refused."""

    def __init__(self, path: str) -> None:
        self._inner = _voyager.Config(path)

    @classmethod
    def load(cls, path: str) -> "Config":
        config = cls.__new__(cls)
        config._inner = _voyager.Config.load(path)
        return config

    @property
    def path(self) -> str:
        return self._inner.path

    @property
    def format(self) -> str:
        return self._inner.format

    def get(self, key: str, default: Any = None) -> Any:
        text = self._inner.get_json(key)
        return default if text is None else json.loads(text)

    def set(self, key: str, value: Any) -> None:
        self._inner.set_json(key, json.dumps(value))

    def remove(self, key: str) -> bool:
        return self._inner.remove(key)

    def keys(self) -> List[str]:
        return self._inner.keys()

    def render(self) -> str:
        return self._inner.render()

    def save(self) -> None:
        self._inner.save()

    def save_as(self, path: str) -> None:
        self._inner.save_as(path)

    def __getitem__(self, key: str) -> Any:
        text = self._inner.get_json(key)
        if text is None:
            raise KeyError(key)
        return json.loads(text)

    def __setitem__(self, key: str, value: Any) -> None:
        self.set(key, value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._inner.get_json(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __repr__(self) -> str:
        return f"Config({self.path!r})"

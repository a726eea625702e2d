"""libvoyager for Python: assess fleets of PostgreSQL databases for a move to YugabyteDB, and
start the migration of one of them.

Every call runs in libvoyager's Rust core and releases the GIL while it works; every call that
touches a database has an ``*_async`` variant that returns an awaitable. Failures raise
subclasses of :class:`VoyagerError`. Enum-like arguments (``sort``, ``status``, ``complexity``,
``flow``, ``control_plane``) take the words of ``schemas/*.json``; another word raises
:class:`InvalidArgumentError` naming the allowed ones.
"""

from __future__ import annotations

import html
import importlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterator, List, Literal, Optional, TypeVar

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
    "AssessmentIssue",
    "AssessmentStatus",
    "CancelledError",
    "Complexity",
    "Config",
    "ConfigError",
    "ConnectionFailedError",
    "ConnectionInfo",
    "ControlPlaneChoice",
    "ControlPlaneError",
    "Flow",
    "MigrationRow",
    "Ranking",
    "Rows",
    "SortKey",
    "control_plane_list",
    "control_plane_list_async",
    "control_plane_push",
    "control_plane_push_async",
    "control_plane_show",
    "control_plane_show_async",
    "control_plane_status",
    "control_plane_status_async",
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
    "assess_fleet_async",
    "fleet_list",
    "fleet_list_async",
    "fleet_rank",
    "fleet_rank_async",
    "rank",
    "rank_async",
    "RankedDatabaseRow",
    "control_plane_diff",
    "control_plane_diff_async",
    "control_plane_forget",
    "control_plane_forget_async",
    "StartMigrationOutcome",
    "start_migration",
    "start_migration_async",
]

#: What a listing sorts by (``schemas/control_plane_list.request.json``).
SortKey = Literal["name", "complexity", "size", "effort", "issues", "assessed_at"]
#: How hard a database is to migrate.
Complexity = Literal["LOW", "MEDIUM", "HIGH"]
#: How an assessment ended; ``not assessed`` for a database without one.
AssessmentStatus = Literal["completed", "failed", "not assessed"]
#: The data migration flow.
Flow = Literal["offline", "live", "live-fall-back", "live-fall-forward"]
#: Where assessments are kept.
ControlPlaneChoice = Literal["shared", "local"]

T = TypeVar("T")


def _datetime(text: Optional[str]) -> Optional[datetime]:
    """An RFC 3339 time from the core (``...Z``, up to nanoseconds) as an aware datetime."""
    if text is None:
        return None
    main, _, zone = text.replace("Z", "+00:00").partition("+")
    if "." in main:
        whole, fraction = main.split(".", 1)
        main = f"{whole}.{fraction[:6].ljust(6, '0')}"
    parsed = datetime.fromisoformat(f"{main}+{zone}" if zone else main)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _record(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {k: _record(v) for k, v in vars(value).items()}
    if isinstance(value, list):
        return [_record(v) for v in value]
    return value


class Rows(List[T]):
    """A list of result rows (dataclasses) that converts to records or a pandas DataFrame."""

    def to_records(self) -> List[Dict[str, Any]]:
        """Each row as a plain dict (nested rows as dicts too)."""
        records: List[Dict[str, Any]] = [_record(r) for r in self]
        return records

    def to_pandas(self) -> Any:
        """The rows as a ``pandas.DataFrame`` (pandas is imported only now; install it with
        ``pip install pandas``)."""
        try:
            pandas = importlib.import_module("pandas")
        except ImportError as e:
            raise ImportError(
                "to_pandas() needs pandas, which is not installed: pip install pandas "
                "(or use to_records(), which needs nothing)"
            ) from e
        return pandas.DataFrame.from_records(self.to_records())

    def __repr__(self) -> str:
        kind = type(self[0]).__name__ if self else "row"
        return f"<{type(self).__name__}: {len(self)} {kind}{'' if len(self) == 1 else 's'}>"


_RANKING_COLUMNS = ["rank", "wave", "score", "database", "host", "status", "complexity", "level3", "effort_hours", "why"]


class Ranking(Rows[T]):
    """A ranking (first to migrate first) that shows itself as a table in a notebook."""

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in _RANKING_COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell(getattr(r, c, None))}</td>" for c in _RANKING_COLUMNS) + "</tr>"
            for r in self
        )
        return f"<table class=\"libvoyager-ranking\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return html.escape(f"{value:.2f}")
    return html.escape(str(value))


@dataclass(frozen=True)
class InitOutcome:
    """What :func:`init` did."""

    migration_uuid: str
    migration_dir: str
    config_file: str
    export_dir: str
    source: str
    source_server_version: str
    control_plane: ControlPlaneChoice
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
class AssessmentIssue:
    """One issue of an assessment report (the report's ``AssessmentIssues`` entry, with
    yb-voyager's ``Type``, ``ObjectName`` ... as snake_case attributes)."""

    category: str
    category_description: str
    #: yb-voyager's identifier, for example ``UNSUPPORTED_DATATYPE_XML``.
    type: str
    name: str
    description: str
    #: ``LEVEL_1``, ``LEVEL_2`` or ``LEVEL_3``.
    impact: str
    object_type: str
    object_name: str
    sql_statement: str
    docs_link: str
    #: Release series to the first YugabyteDB version of that series with the fix.
    minimum_versions_fixed_in: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "AssessmentIssue":
        return cls(
            category=d["Category"],
            category_description=d.get("CategoryDescription", ""),
            type=d["Type"],
            name=d.get("Name", ""),
            description=d.get("Description", ""),
            impact=d["Impact"],
            object_type=d.get("ObjectType", ""),
            object_name=d.get("ObjectName", ""),
            sql_statement=d.get("SqlStatement", ""),
            docs_link=d.get("DocsLink", ""),
            minimum_versions_fixed_in=dict(d.get("MinimumVersionsFixedIn") or {}),
        )


_ISSUE_COLUMNS = ["impact", "type", "object_type", "object_name", "category"]


@dataclass(frozen=True, repr=False)
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
    def issues(self) -> Rows[AssessmentIssue]:
        """The report's AssessmentIssues, typed."""
        return Rows(AssessmentIssue.from_dict(i) for i in self.report.get("AssessmentIssues", []))

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"AssessResult(database={s.database!r}, complexity={s.complexity!r}, "
            f"issues={s.level1 + s.level2 + s.level3} (L3 {s.level3}, L2 {s.level2}, L1 {s.level1}), "
            f"migration_uuid={self.migration_uuid!r}, report_html={self.report_html!r})"
        )

    def _repr_html_(self) -> str:
        s = self.summary
        e = html.escape
        facts = [
            ("database", s.database),
            ("complexity", f"{s.complexity}: {s.complexity_explanation}"),
            ("issues", f"LEVEL_3 {s.level3}, LEVEL_2 {s.level2}, LEVEL_1 {s.level1}"),
            ("size", f"{s.total_size_bytes} bytes"),
            ("effort", f"{s.effort_hours:.1f} h"),
            ("cluster", f"{s.num_nodes:g} nodes of {s.vcpus_per_instance:g} vCPUs"),
            ("migration", self.migration_uuid),
            ("report", self.report_html),
        ]
        if s.partial:
            facts.append(("partial", "; ".join(s.skipped_checks)))
        summary = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts)
        head = "".join(f"<th>{e(c)}</th>" for c in _ISSUE_COLUMNS)
        rows = "".join(
            "<tr>" + "".join(f"<td>{e(str(getattr(i, c)))}</td>" for c in _ISSUE_COLUMNS) + "</tr>"
            for i in self.issues
        )
        return (
            f"<div class=\"libvoyager-assessment\"><table>{summary}</table>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )


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
    status: AssessmentStatus
    complexity: Optional[str]
    level1: int
    level2: int
    level3: int
    total_size_bytes: int
    effort_hours: float
    assessed_at: Optional[datetime]
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
            status=latest.get("status", "not assessed"),
            complexity=latest.get("complexity"),
            level1=latest.get("level1", 0),
            level2=latest.get("level2", 0),
            level3=latest.get("level3", 0),
            total_size_bytes=latest.get("total_size_bytes", 0),
            effort_hours=latest.get("effort_hours", 0.0),
            assessed_at=_datetime(latest.get("assessed_at")),
            error=latest.get("error"),
            partial=latest.get("partial", False),
            skipped_checks=latest.get("skipped_checks"),
        )


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


@dataclass(frozen=True)
class StartMigrationOutcome:
    """What :func:`start_migration` did: the migration dir it continued or rebuilt, the checked
    source and target (redacted), the flow, the assessment's summary and the next commands."""

    migration_uuid: str
    migration_dir: str
    config_file: str
    report_json: str
    report_html: Optional[str]
    #: ``config-file`` or ``control-plane``.
    way_in: Literal["config-file", "control-plane"]
    source: str
    target: str
    flow: Flow
    summary: AssessSummary
    messages: List[str] = field(default_factory=list)
    next_steps: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)

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
    status: AssessmentStatus
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
    status: AssessmentStatus
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
    origin: Literal["libvoyager", "yb_voyager"]
    fleets: List[str]
    migrations: List[Dict[str, Any]]
    #: The assessment skipped some check (``why`` says which and the fix): its place may change.
    partial: bool = False

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "RankedDatabaseRow":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


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

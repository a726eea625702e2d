"""What libvoyager's calls return, as typed dataclasses."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Literal, Optional

from ._rows import Rows
from ._vocabulary import AssessmentStatus, ControlPlaneChoice, Flow


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

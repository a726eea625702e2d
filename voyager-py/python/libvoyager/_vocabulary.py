"""The words libvoyager's enum-like arguments and fields take (``schemas/*.json``), as
``Literal`` types."""

from __future__ import annotations

from typing import Literal

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

"""Lists of result rows that convert to records or a pandas DataFrame, and a ranking that shows
itself as a table in a notebook."""

from __future__ import annotations

import html
import importlib
from typing import Any, Dict, List, TypeVar

T = TypeVar("T")


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

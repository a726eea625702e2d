"""The Python package against schemas/*.json, the JSON Schemas of every request and result of
the C ABI (made from the core types): each dataclass field is a property of its schema with a
matching type, each keyword argument of a call is a key of its request, and each Literal holds
exactly the words of its enum. A field added, renamed or retyped on one side fails here."""

from __future__ import annotations

import dataclasses
import inspect
import json
import typing
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest

import libvoyager

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def schema(name: str) -> Dict[str, Any]:
    loaded: Dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text())
    return loaded


def resolve(node: Dict[str, Any], root: Dict[str, Any]) -> Dict[str, Any]:
    """Follow $ref (and a one-element allOf) to the definition."""
    while True:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        else:
            return node


def object_of(name: str, definition: Optional[str] = None) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The (object schema, root) of a schema file, or of one of its $defs; arrays give their items."""
    root = schema(name)
    node: Dict[str, Any] = root["$defs"][definition] if definition else root
    if node.get("type") == "array":
        node = resolve(node["items"], root)
    return node, root


def properties(node: Dict[str, Any], root: Dict[str, Any]) -> Dict[str, Any]:
    """Every property of an object schema, with flattened parts (allOf / $ref) merged in."""
    props: Dict[str, Any] = dict(node.get("properties", {}))
    for part in node.get("allOf", []):
        props.update(properties(resolve(part, root), root))
    if "$ref" in node:
        props.update(properties(resolve(node, root), root))
    return props


def json_types(node: Dict[str, Any], root: Dict[str, Any]) -> Set[str]:
    """The JSON types a value of this schema may have ("string", "null", ... and "date-time")."""
    node = resolve(node, root)
    for key in ("anyOf", "oneOf"):
        if key in node:
            return set().union(*(json_types(n, root) for n in node[key]))
    t = node.get("type")
    found = set(t) if isinstance(t, list) else {t} if t else {"any"}
    if node.get("format") == "date-time":
        found = {"date-time" if x == "string" else x for x in found}
    if "enum" in node:
        found.add("enum")
    return found


PY_TO_JSON = {str: {"string", "enum"}, int: {"integer"}, float: {"number", "integer"}, bool: {"boolean"},
              datetime: {"date-time"}}


def python_types(annotation: Any) -> Set[str]:
    """The JSON types a Python annotation accepts."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union:
        return set().union(*(python_types(a) for a in typing.get_args(annotation)))
    if annotation is type(None):
        return {"null"}
    if origin is typing.Literal:
        return {"string", "enum"}
    if origin in (list, List):
        return {"array"}
    if origin in (dict, Dict):
        return {"object", "any"}
    if annotation is Any:
        return {"any", "object", "array", "string", "integer", "number", "boolean", "null"}
    if dataclasses.is_dataclass(annotation):
        return {"object"}
    return PY_TO_JSON.get(annotation, {"?"})


def check_dataclass(cls: type, name: str, definition: Optional[str] = None, renamed: Optional[Dict[str, str]] = None,
                    extra: Tuple[str, ...] = ()) -> None:
    node, root = object_of(name, definition)
    props = properties(node, root)
    hints = typing.get_type_hints(cls)
    renamed = renamed or {}
    for f in dataclasses.fields(cls):
        if f.name in extra:
            continue
        key = renamed.get(f.name, f.name)
        assert key in props, f"{cls.__name__}.{f.name}: no property {key!r} in {name} {definition or ''}"
        wanted = json_types(props[key], root)
        have = python_types(hints[f.name])
        missing = {t for t in wanted - {"enum"} if t not in have}
        assert not missing, f"{cls.__name__}.{f.name} is {hints[f.name]} but {name} allows {sorted(wanted)}"


def test_the_schemas_are_there() -> None:
    assert len(list(SCHEMAS.glob("*.json"))) >= 20


@pytest.mark.parametrize(
    "cls, name, definition, renamed, extra",
    [
        (libvoyager.InitOutcome, "init.result", None, None, ()),
        (libvoyager.AssessProgress, "assess.progress", None, None, ()),
        (libvoyager.AssessSummary, "assess.result", "AssessmentSummaryView", None, ()),
        (libvoyager.AssessmentIssue, "assess.result", "Issue",
         {f: "".join(w.capitalize() for w in f.split("_")) for f in
          ["category", "category_description", "type", "name", "description", "impact", "object_type",
           "object_name", "sql_statement", "docs_link", "minimum_versions_fixed_in"]}, ()),
        (libvoyager.StartMigrationOutcome, "start_migration.result", None, None, ()),
        (libvoyager.FleetProgress, "assess_fleet.progress", None, None, ()),
        (libvoyager.FleetFailure, "assess_fleet.result", "QueueFailure", None, ()),
        (libvoyager.FleetOutcome, "assess_fleet.result", None, None, ()),
        (libvoyager.RankedRow, "fleet_rank.result", None, None, ()),
        (libvoyager.RankedDatabaseRow, "rank.result", None, None, ()),
        (libvoyager.ConnectionInfo, "connection_parse.result", None, None, ()),
    ],
)
def test_each_dataclass_matches_its_schema(cls: type, name: str, definition: Optional[str],
                                           renamed: Optional[Dict[str, str]], extra: Tuple[str, ...]) -> None:
    check_dataclass(cls, name, definition, renamed, extra)


def test_every_field_of_a_result_reaches_its_dataclass() -> None:
    """The other way round: a property the core adds shows up in Python (or is named here)."""
    for cls, name, left_out in [
        (libvoyager.InitOutcome, "init.result", set()),
        (libvoyager.StartMigrationOutcome, "start_migration.result", set()),
        (libvoyager.FleetOutcome, "assess_fleet.result", set()),
        (libvoyager.RankedRow, "fleet_rank.result", set()),
        (libvoyager.RankedDatabaseRow, "rank.result", set()),
        (libvoyager.FleetProgress, "assess_fleet.progress", set()),
    ]:
        node, root = object_of(name)
        names = {f.name for f in dataclasses.fields(cls)}
        assert set(properties(node, root)) - names - left_out == set(), cls.__name__


def test_a_migration_row_is_a_listing_row_and_its_latest_assessment_flattened() -> None:
    node, root = object_of("control_plane_list.result")
    outer = properties(node, root)
    latest = properties(root["$defs"]["AssessmentSummary"], root)
    hints = typing.get_type_hints(libvoyager.MigrationRow)
    for f in dataclasses.fields(libvoyager.MigrationRow):
        prop = outer.get(f.name) or latest.get(f.name)
        assert prop is not None, f"MigrationRow.{f.name} is in neither MigrationSummary nor AssessmentSummary"
        # Flattened from an optional `latest`: each may be missing, so None or a default.
        wanted = json_types(prop, root) - {"null", "enum"}
        assert wanted <= python_types(hints[f.name]), f.name


@pytest.mark.parametrize(
    "function, name, not_in_request",
    [
        (libvoyager.init, "init.request", set()),
        (libvoyager.assess, "assess.request", {"progress"}),
        (libvoyager.start_migration, "start_migration.request", set()),
        (libvoyager.assess_fleet, "assess_fleet.request", {"progress"}),
        (libvoyager.control_plane_push, "control_plane_push.request", set()),
        (libvoyager.rank, "rank.request", {"control_plane"}),
        (libvoyager.control_plane_list, "control_plane_list.request", {"control_plane"}),
    ],
)
def test_keyword_arguments_are_the_request_keys(function: Any, name: str, not_in_request: Set[str]) -> None:
    for f in (function, getattr(libvoyager, function.__name__ + "_async")):
        node, root = object_of(name)
        props = properties(node, root)
        params = set(inspect.signature(f).parameters) - not_in_request
        assert params - set(props) == set(), f"{f.__name__} takes what the request lacks"
        if name == "control_plane_push.request":
            continue  # push reads only the report's whereabouts from assess's request
        # The list filter's fleet and per_migration are the CLI's; the rest must match both ways.
        optional_in_python = {"fleet", "per_migration"} if name == "control_plane_list.request" else set()
        assert set(props) - params - optional_in_python == set(), f"{f.__name__} lacks request keys"


@pytest.mark.parametrize(
    "literal, name, definition",
    [
        (libvoyager.SortKey, "control_plane_list.request", "SortKey"),
        (libvoyager.Complexity, "control_plane_list.request", "Complexity"),
        (libvoyager.AssessmentStatus, "rank.request", "AssessmentStatus"),
        (libvoyager.Flow, "start_migration.request", "Flow"),
        (libvoyager.ControlPlaneChoice, "init.request", "ControlPlaneChoice"),
    ],
)
def test_each_literal_holds_the_words_of_its_enum(literal: Any, name: str, definition: str) -> None:
    assert list(typing.get_args(literal)) == schema(name)["$defs"][definition]["enum"]

"""Which partitions of the cases table the residents' and staff functions write, against what
template.yaml lets their roles write (`dynamodb:LeadingKeys`).

moto enforces no IAM, so a write the deployed role forbids would pass every test here and fail
only in AWS. While a handler of those functions runs in a test, each write it makes through the
store (pynamodb) is recorded with its partition key; a partition the role's conditions do not
cover is kept as a breach, and the integration tests' fixture fails the test that made it."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")
_CASES_TABLE = {"Fn::GetAtt": ["CasesTable", "Arn"]}

_recording = threading.local()
_installed = threading.Lock()
breaches: list[str] = []


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@functools.cache
def allowed_partitions(role: str) -> tuple[str, ...]:
    """The partition key patterns `role` may write in the cases table ("*" when unconditioned)."""
    resources = yaml_parse(TEMPLATE.read_text())["Resources"]
    patterns: list[str] = []
    for policy in resources[role]["Properties"].get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            if statement.get("Effect") != "Allow":
                continue
            if _CASES_TABLE not in _as_list(statement.get("Resource")):
                continue
            if not set(_as_list(statement["Action"])) & set(WRITES):
                continue
            condition = statement.get("Condition", {}).get("ForAllValues:StringLike", {})
            patterns += _as_list(condition.get("dynamodb:LeadingKeys", "*"))
    return tuple(patterns)


def _partitions(operation: str, arguments: dict[str, Any]) -> list[tuple[str, str]]:
    """(table, partition key) of each item an operation writes."""
    found: list[tuple[str, str]] = []
    if operation == "PutItem":
        found.append((arguments["TableName"], arguments["Item"]["pk"]["S"]))
    elif operation in ("UpdateItem", "DeleteItem"):
        found.append((arguments["TableName"], arguments["Key"]["pk"]["S"]))
    elif operation == "TransactWriteItems":
        for entry in arguments["TransactItems"]:
            for kind, write in entry.items():
                if kind == "Put":
                    found.append((write["TableName"], write["Item"]["pk"]["S"]))
                elif kind in ("Update", "Delete"):
                    found.append((write["TableName"], write["Key"]["pk"]["S"]))
    elif operation == "BatchWriteItem":
        for table, requests in arguments["RequestItems"].items():
            for request in requests:
                item = request.get("PutRequest", {}).get("Item") or request["DeleteRequest"]["Key"]
                found.append((table, item["pk"]["S"]))
    return found


def _install() -> None:
    from pynamodb.connection.base import Connection

    with _installed:
        if getattr(Connection.dispatch, "records_writes", False):
            return
        original = Connection.dispatch

        @functools.wraps(original)
        def dispatch(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            written = getattr(_recording, "written", None)
            if written is not None:
                written.extend(_partitions(operation_name, operation_kwargs))
            return original(self, operation_name, operation_kwargs)

        dispatch.records_writes = True  # type: ignore[attr-defined]
        Connection.dispatch = dispatch  # type: ignore[method-assign]


def checked_against(role: str, handle: Callable[..., Any]) -> Callable[..., Any]:
    """`handle`, with the cases table's partitions it writes checked against `role`."""
    _install()

    @functools.wraps(handle)
    def checked(*args: Any, **kwargs: Any) -> Any:
        from sla_monitor.runtime import services

        outer = getattr(_recording, "written", None)
        _recording.written = []
        try:
            return handle(*args, **kwargs)
        finally:
            written, _recording.written = _recording.written, outer
            table = services().settings.cases_table
            allowed = allowed_partitions(role)
            breaches.extend(
                f"{role} wrote {partition}"
                for name, partition in written
                if name == table and not any(fnmatchcase(partition, p) for p in allowed)
            )

    return checked

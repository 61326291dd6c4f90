"""Counting what DynamoDB is asked to read, at the wire: every item a GetItem, BatchGetItem,
Query or Scan returns or examines, whoever asks (the case store, the directory, a report). The
benchmarks and the tests of what each page reads compare these counts, which are what DynamoDB
bills, rather than any count the product keeps of itself. Counted in this process, where pynamodb
makes the call: on embedded AWS, or a client of the local stack."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from pynamodb.connection.base import Connection


class Reads:
    def __init__(self) -> None:
        self.items: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.items.values())

    def clear(self) -> None:
        self.items.clear()
        self.calls.clear()

    def add(self, operation: str, response: dict[str, Any]) -> None:
        self.calls[operation] += 1
        if operation == "GetItem":
            self.items[operation] += 1 if response.get("Item") else 0
        elif operation == "BatchGetItem":
            self.items[operation] += sum(len(v) for v in response.get("Responses", {}).values())
        elif operation in ("Query", "Scan"):
            # Items examined, matched or not: a filter does not make a read cheaper.
            self.items[operation] += response.get("ScannedCount", response.get("Count", 0))


@contextmanager
def counting_reads() -> Iterator[Reads]:
    reads = Reads()
    original = Connection._make_api_call

    def counted(self: Connection, operation: str, kwargs: dict, *args: Any, **more: Any) -> Any:
        response = original(self, operation, kwargs, *args, **more)
        reads.add(operation, response)
        return response

    with mock.patch.object(Connection, "_make_api_call", counted):
        yield reads

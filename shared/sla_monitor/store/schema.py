"""The DynamoDB tables, defined once.

`template.yaml` declares the same key schema and indexes (a test compares them), `sla-monitor init`
creates them on a local endpoint from these definitions, and the tests build their moto tables from
them. Change a table here and the template test tells you what to change in the template.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The deadline checker reads due cases through this sparse index: only items that carry both
# `due_shard` and `next_due_at` appear in it, so closed and paused cases cost nothing to skip.
NEXT_DUE_INDEX = "next-due"
# Open cases, oldest first, for the officers' digests and the staff work list: sparse too, so
# closed cases (the archive) cost nothing to skip.
OPEN_CASES_INDEX = "open-cases"
# Cases by the month they were received (London time, "2026-12"), oldest first within it: the
# reports read one month's partition per month they cover, so a report costs what the period
# holds, not what the archive holds. Every case item carries the key (other items in the table,
# such as timeline events and claims, do not), so no case is ever missing from it.
#
# Reports count the cases *received* in their period, with what has become of them since (kept
# on time, kept late, breached, still open), so they never need cases by the month they closed:
# a case received in November and answered late in December is November's late response. The
# annual complaints report also counts what happened in the year to complaints received earlier
# (a stage 2 review, a response, an Ombudsman referral): it reads the year's months and the
# twelve before them, and the open-cases index for anything older still open. A complaint
# received more than a year before the period, closed before the report is made, whose stage 2
# or referral fell in the period is the one thing it misses; a key by closing month would not
# catch it either (the case may close after the period), only a key per event would.
RECEIVED_MONTH_INDEX = "received-month"
# A resident's own cases, newest last, for the residents' pages: sparse, keyed by
# `customer_key` (a digest of the case's email address, never the address itself), which only
# cases with an email address carry. A resident signed in by a link sent to that address reads
# their partition of it, never the table.
CUSTOMER_CASES_INDEX = "customer-cases"
# Writes spread over this many partitions of the next-due and open-cases indexes by default, so
# no single partition runs hot. A partition takes about 1,000 writes a second, far above one
# council's case volume (thousands of cases a year); each shard costs every sweep one query. A
# deployment sets its own count (INDEX_SHARDS, the template's IndexShards) to fan the sweep out:
# each shard can be swept by its own invocation at once (docs/scaling.md). Only ever raise it:
# cases already written to a shard above a lowered count would go unread until saved again.
DUE_SHARDS = 2


def shard_of(reference: str, shards: int) -> int:
    """The index shard a case's keys are written to: stable for a reference and a count."""
    return zlib.crc32(reference.encode("utf-8")) % shards


def chosen_shards(chosen: Iterable[int] | None, shards: int) -> list[int]:
    """The shards a read takes, in order: every one of `shards`, or those `chosen`. ValueError
    for a shard the store does not have."""
    if chosen is None:
        return list(range(shards))
    taken = sorted(set(chosen))
    if any(not 0 <= shard < shards for shard in taken):
        raise ValueError(f"index shards run from 0 to {shards - 1}")
    return taken


@dataclass(frozen=True)
class TableDefinition:
    logical_id: str
    attributes: tuple[tuple[str, str], ...]
    key: tuple[tuple[str, str], ...]
    global_indexes: tuple[dict[str, Any], ...] = ()
    ttl_attribute: str | None = None

    def cloudformation_properties(self) -> dict[str, Any]:
        """The properties `template.yaml` must declare for this table's shape."""
        props: dict[str, Any] = {
            "AttributeDefinitions": [
                {"AttributeName": n, "AttributeType": t} for n, t in self.attributes
            ],
            "KeySchema": [{"AttributeName": n, "KeyType": k} for n, k in self.key],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if self.global_indexes:
            props["GlobalSecondaryIndexes"] = [dict(ix) for ix in self.global_indexes]
        if self.ttl_attribute:
            props["TimeToLiveSpecification"] = {
                "AttributeName": self.ttl_attribute,
                "Enabled": True,
            }
        return props

    def create_table_arguments(self, table_name: str) -> dict[str, Any]:
        """Arguments for boto3 `create_table`, used by `init` and by tests."""
        props = self.cloudformation_properties()
        props.pop("TimeToLiveSpecification", None)
        return {"TableName": table_name, **props}


CASES = TableDefinition(
    logical_id="CasesTable",
    attributes=(
        ("pk", "S"),
        ("sk", "S"),
        ("due_shard", "S"),
        ("next_due_at", "S"),
        ("open_shard", "S"),
        ("received_at", "S"),
        ("received_month", "S"),
        ("customer_key", "S"),
    ),
    key=(("pk", "HASH"), ("sk", "RANGE")),
    global_indexes=(
        {
            "IndexName": NEXT_DUE_INDEX,
            "KeySchema": [
                {"AttributeName": "due_shard", "KeyType": "HASH"},
                {"AttributeName": "next_due_at", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": OPEN_CASES_INDEX,
            "KeySchema": [
                {"AttributeName": "open_shard", "KeyType": "HASH"},
                {"AttributeName": "received_at", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": RECEIVED_MONTH_INDEX,
            "KeySchema": [
                {"AttributeName": "received_month", "KeyType": "HASH"},
                {"AttributeName": "received_at", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": CUSTOMER_CASES_INDEX,
            "KeySchema": [
                {"AttributeName": "customer_key", "KeyType": "HASH"},
                {"AttributeName": "received_at", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
    ),
    ttl_attribute="expires_at",
)

DIRECTORY = TableDefinition(
    logical_id="DirectoryTable",
    attributes=(("pk", "S"), ("sk", "S")),
    key=(("pk", "HASH"), ("sk", "RANGE")),
)

TABLES: tuple[TableDefinition, ...] = (CASES, DIRECTORY)

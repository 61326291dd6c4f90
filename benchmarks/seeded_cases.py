"""The synthetic cases the benchmarks seed, made due again so a second sweep has the same work."""

from __future__ import annotations

import itertools
from datetime import datetime

from sla_monitor_local.seeding import synthetic_cases

from sla_monitor.runtime import Services


def make_due_again(services: Services, *, cases: int, due: int, now: datetime) -> None:
    """Put the `due` cases of `sla-monitor seed --cases N --due M` back as they were before the
    first sweep (unacknowledged and due at `now`), and take away their claims."""
    first = list(
        itertools.islice(
            synthetic_cases(
                cases,
                due=due,
                now=now,
                policy=services.policy,
                calendar=services.calendar,
                reference_prefix=services.council.reference_prefix,
            ),
            due,
        )
    )
    services.store.bulk_load(first)
    client = services.client("dynamodb")
    for case, _ in first:
        client.delete_item(
            TableName=services.settings.cases_table,
            Key={"pk": {"S": f"CASE#{case.reference}"}, "sk": {"S": "CLAIM#acknowledge"}},
        )

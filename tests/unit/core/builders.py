"""Builders for cases in engine tests: only what a test cares about is spelled out."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, CaseType, Channel, Customer, SentAction


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def a_case(
    case_type: CaseType = CaseType.COMPLAINT,
    channel: Channel = Channel.EMAIL,
    received_at: datetime | None = None,
    **changes: Any,
) -> Case:
    case = Case(
        reference="NWL-2026-000042",
        case_type=case_type,
        channel=channel,
        received_at=received_at or london(2026, 12, 23, 10, 0),
        subject="Missed bin collection",
        description="The bin was missed again.",
        customer=Customer(name="A Resident", email="resident@example.org"),
    )
    return replace(case, **changes)


def sent(case: Case, key: str, at: datetime) -> Case:
    return case.with_sent(SentAction(key=key, action=key.split(":")[0], sent_at=at))

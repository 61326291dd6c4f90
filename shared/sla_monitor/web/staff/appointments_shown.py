"""A case's appointments and call-backs as the case page lists them: what, when, with whom,
and how each went, in words."""

from __future__ import annotations

from typing import Any

from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.wording import day_and_time


def appointment_rows(case: Case, directory: Directory) -> list[dict[str, Any]]:
    """Summary list rows: one per appointment, then one per call-back."""
    rows: list[dict[str, Any]] = []
    for a in case.appointments:
        with_whom = directory.officer_name(a.officer, a.officer)
        how = a.in_words
        if a.late_notices and not a.is_settled:
            how = f"running late, about {a.expected_late_minutes} minutes (the customer was told)"
        room = " Private room." if a.private_room else ""
        rows.append(
            {
                "key": {"text": f"{a.kind.label.capitalize()} {a.number}"},
                "value": {
                    "text": f"{day_and_time(a.starts_at)}, {a.minutes} minutes, {a.place}, "
                    f"with {with_whom}.{room} {how.capitalize()}."
                },
            }
        )
    for c in case.call_backs:
        made = (
            f"Called {day_and_time(c.called_at)}" if c.called_at is not None else "Not called yet"
        )
        about = f" ({c.about})" if c.about else ""
        rows.append(
            {
                "key": {"text": f"Call-back {c.number}"},
                "value": {"text": f"By {day_and_time(c.by)}{about}. {made}."},
            }
        )
    return rows

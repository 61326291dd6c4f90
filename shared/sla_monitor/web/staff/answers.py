"""Reading the answers of the workspace's forms: dates (GOV.UK's day, month and year fields),
times of day, several ticked boxes of one name. Each gives the value or a GOV.UK error message
saying what to enter; none holds a rule of the procedure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time
from urllib.parse import parse_qsl

from sla_monitor.web.forms import FieldError

_CLOCK = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm)?$", re.I)


def day_from(
    values: Mapping[str, str], name: str, what: str
) -> tuple[date | None, FieldError | None]:
    """The date in `<name>-day`, `<name>-month` and `<name>-year`; the error is on `<name>`."""
    parts = [values.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        return None, FieldError(name, f"Enter {what}")
    missing = [
        label for label, part in zip(("a day", "a month", "a year"), parts, strict=True) if not part
    ]
    if missing:
        return None, FieldError(name, f"{what.capitalize()} must include {' and '.join(missing)}")
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, FieldError(name, f"{what.capitalize()} must be a real date, like 27 3 2026")
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), None
    except ValueError:
        return None, FieldError(name, f"{what.capitalize()} must be a real date, like 27 3 2026")


def day_fields(name: str, day: date | None) -> dict[str, str]:
    """A date as the three fields of a GOV.UK date input."""
    if day is None:
        return {}
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def clock_time_from(text: str) -> time | None:
    """A time of day as people write it: 14:30, 2:30pm, 9am. None when it is not one."""
    match = _CLOCK.match(text.strip())
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def ticked(body: bytes | None, name: str) -> list[str]:
    """Every value posted under `name` (checkboxes of one name send one each). The body has
    been read, and its CSRF token checked, by the time this is asked."""
    text = (body or b"").decode("utf-8", "replace")
    return [v for k, v in parse_qsl(text, keep_blank_values=False) if k == name]

"""How the workspace's pages word what they show: instants and dates as GOV.UK writes them, file
sizes, a refusal as an error message, the names of case types and channels, the colour of a
clock's badge, and what the customer asked for that staff must heed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sla_monitor.calendar import LONDON
from sla_monitor.cases import AccessibleFormat, Case, CaseType, Channel
from sla_monitor.web.forms import FORMAT_NAMES, LANGUAGE_NAMES
from sla_monitor.work_list import Standing

# MOJ badge colours: the words say the state; the colour only repeats it.
BADGE_CLASSES: Mapping[Standing, str] = {
    Standing.ON_TRACK: "moj-badge--green",
    Standing.WARNING: "moj-badge--purple",
    Standing.DUE_TODAY: "moj-badge--bright-purple",
    Standing.BREACHED: "moj-badge--red",
    Standing.PAUSED: "moj-badge--grey",
    Standing.MET: "moj-badge--blue",
    Standing.NOT_STARTED: "moj-badge--grey",
    Standing.CLOSED_WITHOUT_A_REPLY: "moj-badge--grey",
}

TYPE_NAMES: Mapping[CaseType, str] = {
    CaseType.COMPLAINT: "Complaint",
    CaseType.SERVICE_REQUEST: "Service request",
    CaseType.ENQUIRY: "Enquiry",
    CaseType.COMMENT: "Comment",
    CaseType.COMPLIMENT: "Compliment",
}
CHANNEL_NAMES: Mapping[Channel, str] = {c: c.value.replace("_", " ").capitalize() for c in Channel}
CHANNEL_NAMES_BY_VALUE: Mapping[str, str] = {c.value: name for c, name in CHANNEL_NAMES.items()}


def when(instant: datetime | None) -> str:
    """An instant as GOV.UK writes it, London time: 6 January 2026 at 2:05pm."""
    if instant is None:
        return ""
    local = instant.astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y} at {hour}:{local.minute:02d}{suffix}"


def short_date(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def iso_date(day: date | None) -> str:
    return day.isoformat() if day else ""


def sentence(message: str) -> str:
    """A refusal as a GOV.UK error message: it starts with a capital."""
    return message[:1].upper() + message[1:]


def file_size(size: int | None) -> str:
    if size is None:
        return "size not known"
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def preferences_to_heed(case: Case) -> list[str]:
    """What the customer asked for that changes how staff write to or speak with them."""
    prefs = case.preferences
    heed = []
    if prefs.language != "en":
        heed.append(f"Write in {LANGUAGE_NAMES.get(prefs.language, prefs.language)}")
    if prefs.accessible_format is not None:
        how = "as" if prefs.accessible_format is AccessibleFormat.AUDIO else "in"
        heed.append(f"Send what you write {how} {FORMAT_NAMES[prefs.accessible_format].lower()}")
    if prefs.interpreter:
        heed.append("Arrange an interpreter for calls and visits")
    return heed

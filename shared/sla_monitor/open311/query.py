"""A request's query parameters, checked as GeoReport v2 has them: each given once and known,
the jurisdiction served here, and the `requests` filters (references, or a window of at most 90
days, service codes and statuses). Every refusal says what to ask instead."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sla_monitor.calendar import LONDON
from sla_monitor.open311.errors import BadRequest, NotFound
from sla_monitor.open311.records import Publication

# GeoReport v2: with no dates given, the most recent 90 days; a range may span no more; at most
# 1,000 requests in one answer.
DEFAULT_WINDOW = timedelta(days=90)
MAX_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
# How many requests one `service_request_id` list may name (each is one read by key).
MAX_REQUEST_IDS = 100
MAX_PARAMETER_LENGTH = 2000

REFERENCE = re.compile(r"^[A-Z]{2,6}-\d{4}-\d{6}$")
_SERVICE_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_W3C = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<zone>Z|[+-]\d{2}:\d{2}))?$"
)
_STATUSES = ("open", "closed")
COMMON_PARAMETERS = ("jurisdiction_id", "api_key")
REQUESTS_PARAMETERS = (
    *COMMON_PARAMETERS,
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
)


@dataclass(frozen=True)
class RequestsQuery:
    """A checked `requests` query: either references, or a window and filters."""

    references: tuple[str, ...] = ()
    service_codes: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    start: datetime | None = None
    end: datetime | None = None  # inclusive


def single_values(
    parameters: Mapping[str, Sequence[str]], allowed: Sequence[str]
) -> dict[str, str]:
    """Each parameter given once, all of them known; a clear refusal otherwise."""
    unknown = sorted(set(parameters) - set(allowed))
    if unknown:
        raise BadRequest(
            f"unknown parameter {unknown[0]!r}: this endpoint takes {', '.join(allowed)}"
        )
    values: dict[str, str] = {}
    for name, given in parameters.items():
        if len(given) != 1:
            raise BadRequest(f"give {name} once; list several values with commas")
        if len(given[0]) > MAX_PARAMETER_LENGTH:
            raise BadRequest(f"{name} is too long")
        values[name] = given[0]
    return values


def check_jurisdiction(values: Mapping[str, str], publication: Publication) -> None:
    given = values.get("jurisdiction_id")
    if given is not None and given != publication.jurisdiction_id:
        raise NotFound(f"jurisdiction_id {given!r} is not served here")


def _listed(value: str, name: str) -> list[str]:
    items = [v.strip() for v in value.split(",")]
    if not all(items):
        raise BadRequest(f"{name} has an empty item: separate values with single commas")
    return items


def parse_w3c_datetime(value: str, name: str, *, end_of_day: bool = False) -> datetime:
    """A W3C datetime (`2026-12-01T09:30:00+00:00`, `...Z`) or a date (London time: its
    start, or with `end_of_day` its last moment). A space where the offset's plus sign should
    be (a `+` left unencoded in the address) is read as the plus."""
    text = value.strip()
    text = re.sub(r"(T[\d:.]+) (\d{2}:\d{2})$", r"\1+\2", text)
    match = _W3C.match(text)
    if match is None:
        raise BadRequest(
            f"{name} must be a W3C datetime with its offset, such as 2026-12-01T09:00:00Z, "
            "or a date such as 2026-12-01"
        )
    try:
        if match["time"] is None:
            day = date.fromisoformat(match["date"])
            start = datetime.combine(day, datetime.min.time(), tzinfo=LONDON)
            if end_of_day:
                following = datetime.combine(
                    day + timedelta(days=1), datetime.min.time(), tzinfo=LONDON
                )
                return (following - timedelta(microseconds=1)).astimezone(UTC)
            return start.astimezone(UTC)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError as error:
        raise BadRequest(f"{name} is not a real date or time") from error


def parse_requests_query(
    values: Mapping[str, str], *, now: datetime, known_codes: Iterable[str]
) -> RequestsQuery:
    """The `requests` filters, as GeoReport v2 has them. `service_request_id` overrides all the
    others."""
    now = now.astimezone(UTC)
    if "service_request_id" in values:
        references = _listed(values["service_request_id"], "service_request_id")
        if len(references) > MAX_REQUEST_IDS:
            raise BadRequest(f"service_request_id may list at most {MAX_REQUEST_IDS} requests")
        for reference in references:
            if not REFERENCE.match(reference):
                raise BadRequest(f"service_request_id {reference[:40]!r} is not a reference")
        return RequestsQuery(references=tuple(dict.fromkeys(references)))
    codes: frozenset[str] = frozenset()
    if "service_code" in values:
        listed = _listed(values["service_code"], "service_code")
        known = set(known_codes)
        for code in listed:
            if not _SERVICE_CODE.match(code) or code not in known:
                raise BadRequest(
                    f"service_code {code[:80]!r} is not one of the services (see services.json)"
                )
        codes = frozenset(listed)
    statuses: frozenset[str] = frozenset()
    if "status" in values:
        listed = _listed(values["status"].lower(), "status")
        for status in listed:
            if status not in _STATUSES:
                raise BadRequest(f"status {status[:20]!r} must be open or closed")
        statuses = frozenset(listed)
    start = (
        parse_w3c_datetime(values["start_date"], "start_date") if "start_date" in values else None
    )
    end = (
        parse_w3c_datetime(values["end_date"], "end_date", end_of_day=True)
        if "end_date" in values
        else None
    )
    if start is None and end is None:
        end = now
        start = now - DEFAULT_WINDOW
    elif start is None:
        assert end is not None
        start = end - DEFAULT_WINDOW
    elif end is None:
        end = start + DEFAULT_WINDOW
    if start > end:
        raise BadRequest("start_date must be before end_date")
    if end - start > MAX_WINDOW:
        raise BadRequest("start_date and end_date may be at most 90 days apart")
    return RequestsQuery(service_codes=codes, statuses=statuses, start=start, end=end)

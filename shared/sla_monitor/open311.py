"""The open status API: cases as Open311 GeoReport v2 service requests, with nothing personal.

Pure apart from the store it is handed: it maps a case and the engine's evaluation of it to the
GeoReport record, reads the services from the directory, and checks a request's query
parameters. `sla_monitor.web.open311.routes` turns the results into JSON or XML.

What is published, and what is not:
- Complaints, service requests and enquiries are published; compliments and comments are
  feedback, not requests the council must act on, and are not. Messages set aside for staff
  (triage) never became cases and never appear.
- A case is identified by its reference, the number the resident was given.
- `service_code` is the case type and the department dealing with it (`complaint-planning`),
  `agency_responsible` the department's name, never an officer's.
- `status` is open or closed; `status_notes` one of a few fixed phrases.
- `expected_datetime` is when the current stage's response promise falls due, by the engine:
  counting pauses and an extension, or the date a holding update gave the customer. While the
  clock is stopped (waiting on the customer) it is empty.
- The customer's name, contact details and address, the officer's name, what the customer
  wrote and what the council answered are never published. Only when the council turns on
  `open_data.publish_descriptions` is the description published, and then only as
  `anonymised_description` leaves it; when in doubt, nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.cases import Case, CaseStatus, CaseType
from sla_monitor.directory import Department, Directory
from sla_monitor.engine import Clock, ClockState, Evaluation, evaluate, promised_date_clock
from sla_monitor.policy import Policy
from sla_monitor.store.ports import CaseStore, month_received

# The case types published, in the order services are listed.
PUBLISHED_TYPES: tuple[CaseType, ...] = (
    CaseType.COMPLAINT,
    CaseType.SERVICE_REQUEST,
    CaseType.ENQUIRY,
)

# GeoReport v2: with no dates given, the most recent 90 days; a range may span no more; at most
# 1,000 requests in one answer.
DEFAULT_WINDOW = timedelta(days=90)
MAX_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
# How many requests one `service_request_id` list may name (each is one read by key).
MAX_REQUEST_IDS = 100
MAX_PARAMETER_LENGTH = 2000

# What each published type means, in the council's words.
_TYPE_DESCRIPTIONS: dict[CaseType, str] = {
    CaseType.COMPLAINT: (
        "A complaint: dissatisfaction with the council's own service, about {department}."
    ),
    CaseType.SERVICE_REQUEST: "A request for {department} to provide or fix something.",
    CaseType.ENQUIRY: "A question to {department}.",
}


class Open311Error(Exception):
    """A request the API cannot answer; `status` is the HTTP status and the error's code."""

    status = 400

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class BadRequest(Open311Error):
    status = 400


class NotFound(Open311Error):
    status = 404


# -- the records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """One GeoReport service: a case type at a department."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


@dataclass(frozen=True)
class ServiceRequest:
    """One case as a GeoReport service request. Fields left None are published as empty."""

    service_request_id: str
    status: str
    status_notes: str
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str
    service_notice: str | None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None


SERVICE_FIELDS: tuple[str, ...] = tuple(Service.__dataclass_fields__)
REQUEST_FIELDS: tuple[str, ...] = tuple(ServiceRequest.__dataclass_fields__)


@dataclass(frozen=True)
class Publication:
    """What the council publishes: its name (the agency when a case names no department), its
    jurisdiction id, and whether anonymised descriptions are published."""

    council_name: str
    jurisdiction_id: str
    publish_descriptions: bool = False


# -- services --------------------------------------------------------------------------------


def service_code(case_type: CaseType, department: str | None) -> str:
    """`complaint-planning`, `service-request-waste-services`; the type alone with no
    department."""
    kind = case_type.value.replace("_", "-")
    return f"{kind}-{department}" if department else kind


def _service_name(case_type: CaseType, department_name: str | None) -> str:
    label = case_type.label.capitalize()
    return f"{label} ({department_name})" if department_name else label


def services(directory: Directory, publication: Publication) -> tuple[Service, ...]:
    """Every published type at every department still serving, and each type on its own for a
    case no department deals with."""
    found: list[Service] = []
    for department in sorted(directory.active_departments(), key=lambda d: d.name):
        for case_type in PUBLISHED_TYPES:
            found.append(
                Service(
                    service_code=service_code(case_type, department.code),
                    service_name=_service_name(case_type, department.name),
                    description=_TYPE_DESCRIPTIONS[case_type].format(department=department.name),
                    metadata=False,
                    type="realtime",
                    keywords=f"{case_type.label}, {department.name.lower()}",
                    group=department.name,
                )
            )
    for case_type in PUBLISHED_TYPES:
        found.append(
            Service(
                service_code=service_code(case_type, None),
                service_name=_service_name(case_type, None),
                description=_TYPE_DESCRIPTIONS[case_type].format(
                    department=f"{publication.council_name}"
                ),
                metadata=False,
                type="realtime",
                keywords=case_type.label,
                group=publication.council_name,
            )
        )
    return tuple(found)


# -- one case as a service request -----------------------------------------------------------


def is_published(case: Case) -> bool:
    return case.case_type in PUBLISHED_TYPES


def _status_notes(case: Case, clock: Clock | None) -> str:
    if not case.is_open:
        if not case.responses:
            return "Closed."
        if clock is not None and clock.state is ClockState.BREACHED:
            # A breach stays one: answered late, it is never shown as answered on time.
            return "Closed: the council has responded, later than the date it gave."
        return "Closed: the council has responded."
    if case.status is CaseStatus.WAITING_ON_CUSTOMER or case.open_pause is not None:
        return "On hold: waiting for more information."
    if case.stage_2 is not None:
        return "Under review at stage 2 of the complaints procedure."
    if clock is not None and clock.state is ClockState.BREACHED:
        return "Open: the response is overdue."
    if case.acknowledged_at is not None:
        return "Open: acknowledged and being dealt with."
    return "Open: received."


def response_clock(case: Case, evaluation: Evaluation, policy: Policy) -> Clock | None:
    """The clock of the current stage's response promise: the date a holding update gave the
    customer when one was sent, else the promise itself (extended and paused as it was)."""
    promise = policy.response_promise(case)
    if promise is None:
        return None
    for name in (promised_date_clock(promise.name), promise.name):
        clocks = [c for c in evaluation.clocks if c.promise == name and c.stage == case.stage]
        if clocks:
            return clocks[-1]
    return None


def updated_at(case: Case) -> datetime:
    """The last time anything happened to the case that the case itself records."""
    instants: list[datetime | None] = [
        case.received_at,
        case.acknowledged_at,
        case.responded_at,
        case.closed_at,
        case.reopened_at,
    ]
    for pause in case.pauses:
        instants += [pause.paused_at, pause.resumed_at]
    instants += [e.granted_at for e in case.extensions]
    instants += [r.recorded_at for r in case.responses]
    instants += [s.sent_at for s in case.sent]
    instants += [n.raised_at for n in case.notifications]
    if case.stage_2 is not None:
        review = case.stage_2
        instants += [review.requested_at, review.acknowledged_at, review.responded_at]
    if case.ombudsman_referral is not None:
        instants.append(case.ombudsman_referral.referred_at)
    return max(i for i in instants if i is not None)


def _expected(clock: Clock | None) -> datetime | None:
    # The engine's due instant is the first moment after the due day; a person reads the day.
    if clock is None or clock.due is None:
        return None
    return clock.due - timedelta(seconds=1)


def case_service_code(case: Case, directory: Directory) -> str:
    department = directory.department_of(case)
    return service_code(case.case_type, department.code if department else None)


def service_request(
    case: Case,
    evaluation: Evaluation,
    *,
    policy: Policy,
    directory: Directory,
    publication: Publication,
) -> ServiceRequest:
    """The case as the public sees it."""
    department: Department | None = directory.department_of(case)
    clock = response_clock(case, evaluation, policy)
    promise = policy.response_promise(case)
    description = None
    if publication.publish_descriptions:
        description = anonymised_description(
            case.description,
            known_names=_names_on(case, directory),
        )
    return ServiceRequest(
        service_request_id=case.reference,
        status="open" if case.is_open else "closed",
        status_notes=_status_notes(case, clock),
        service_name=_service_name(case.case_type, department.name if department else None),
        service_code=case_service_code(case, directory),
        description=description,
        agency_responsible=department.name if department else publication.council_name,
        service_notice=promise.description if promise is not None else None,
        requested_datetime=case.received_at,
        updated_datetime=updated_at(case),
        expected_datetime=_expected(clock),
    )


# -- anonymised descriptions -----------------------------------------------------------------

_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
# Any figure: phone numbers, house numbers, account and reference numbers, dates.
_NUMBER = re.compile(r"[+(]?\d[\d\s()./-]*\d|\d")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_REMOVED = "[removed]"
_MAX_DESCRIPTION = 280
# Capitalised words that name nobody; any other capitalised word may be a person or a place
# and is removed (so are the months and words that are also first names: May, June, Will).
_COMMON_CAPITALISED = frozenset(
    re.split(
        r"\s+",
        """
    a an and are as at but can could council did do does dont for from had has have hello
    hi how i i'm i've i'd i'll if in is it it's its my no nobody not of on our please she he
    so that the their there they this thank thanks to was we were what when where which who
    why with would yes you your after again also any before both each every just last
    many more most much next now once only other over same since some still then these those
    today tomorrow too under until very yesterday
    monday tuesday wednesday thursday friday saturday sunday
    january february march april july september october november december
    """.strip(),
    )
)


def anonymised_description(text: str, *, known_names: Iterable[str] = ()) -> str | None:
    """What the customer wrote with anything that could identify someone taken out: emails,
    web addresses, postcodes, every figure, every capitalised word but the commonest, and the
    names the case knows. None when too little would be left to mean anything."""
    names = {
        part.lower()
        for name in known_names
        for part in _WORD.findall(name)
        if len(part) > 1 and part.lower() not in _COMMON_CAPITALISED
    }
    # Control characters have no place in a description (nor in XML).
    kept = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    kept = _EMAIL.sub(_REMOVED, kept)
    kept = _URL.sub(_REMOVED, kept)
    kept = _POSTCODE.sub(_REMOVED, kept)
    kept = _NUMBER.sub(_REMOVED, kept)

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        lowered = token.lower().replace("’", "'")
        if lowered in names:
            return _REMOVED
        if token[0].isupper() and lowered not in _COMMON_CAPITALISED:
            return _REMOVED
        return token

    kept = _WORD.sub(word, kept.replace(_REMOVED, "\x00"))
    kept = kept.replace("\x00", _REMOVED)
    kept = re.sub(r"\s+", " ", kept).strip()
    # Runs of removals read as one.
    kept = re.sub(r"(?:\[removed\][\s,.:;'’-]*){2,}", f"{_REMOVED} ", kept).strip()
    words = _WORD.findall(kept.replace(_REMOVED, ""))
    removed = kept.count(_REMOVED)
    if len(words) < 3 or removed > len(words) / 2:
        return None
    if len(kept) > _MAX_DESCRIPTION:
        kept = kept[:_MAX_DESCRIPTION].rsplit(" ", 1)[0] + "…"
    return kept


def _names_on(case: Case, directory: Directory) -> list[str]:
    """Names and addresses the case knows: the customer's, and every officer's."""
    found = [case.customer.name or "", case.customer.address or ""]
    found += [o.name for o in directory.officers]
    return found


# -- the query parameters ------------------------------------------------------------------

_REFERENCE = re.compile(r"^[A-Z]{2,6}-\d{4}-\d{6}$")
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
            if not _REFERENCE.match(reference):
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


# -- reading the store -----------------------------------------------------------------------


@dataclass(frozen=True)
class OpenStatus:
    """The collaborators the open status API reads."""

    store: CaseStore
    policy: Policy
    calendar: WorkingDayCalendar
    directory: Directory
    publication: Publication

    def services(self) -> tuple[Service, ...]:
        return services(self.directory, self.publication)

    def _record(self, case: Case, now: datetime) -> ServiceRequest:
        evaluation = evaluate(case, self.policy, self.calendar, now)
        return service_request(
            case,
            evaluation,
            policy=self.policy,
            directory=self.directory,
            publication=self.publication,
        )

    def request(self, reference: str, *, now: datetime) -> ServiceRequest:
        """One published case; NotFound for an unknown reference and for a case not published
        alike (the API does not say which)."""
        case = self.store.get_case(reference) if _REFERENCE.match(reference) else None
        if case is None or not is_published(case) or case.received_at > now:
            raise NotFound(f"service_request_id {reference[:40]!r} was not found")
        return self._record(case, now)

    def requests(self, query: RequestsQuery, *, now: datetime) -> list[ServiceRequest]:
        """The published cases the query asks for, newest first, at most MAX_REQUESTS."""
        if query.references:
            found = (self.store.get_case(r) for r in query.references)
            cases = [c for c in found if c is not None and is_published(c)]
            return [self._record(c, now) for c in cases if c.received_at <= now]
        assert query.start is not None and query.end is not None
        start, end = query.start, min(query.end, now)
        chosen = []
        for case in self._received_between(start, end):
            if not is_published(case):
                continue
            if query.statuses and ("open" if case.is_open else "closed") not in query.statuses:
                continue
            if (
                query.service_codes
                and case_service_code(case, self.directory) not in query.service_codes
            ):
                continue
            chosen.append(case)
        # Only the requests answered are evaluated by the engine: at most MAX_REQUESTS.
        chosen.sort(key=lambda c: (c.received_at, c.reference), reverse=True)
        return [self._record(c, now) for c in chosen[:MAX_REQUESTS]]

    def _received_between(self, start: datetime, end: datetime) -> Iterator[Case]:
        """Cases received from `start` to `end` inclusive, a month's partition of the
        received-month index at a time (never a scan)."""
        if start > end:
            return
        month = month_received(start)
        last = month_received(end)
        while True:
            for case in self.store.cases_received(month):
                if start <= case.received_at <= end:
                    yield case
            if month == last:
                return
            year, number = (int(part) for part in month.split("-"))
            month = f"{year + number // 12}-{number % 12 + 1:02d}"


def as_document(record: Service | ServiceRequest) -> dict[str, Any]:
    """The record's fields in the specification's order, datetimes as W3C datetimes in London
    time with their offset."""
    document: dict[str, Any] = {}
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        if isinstance(value, datetime):
            value = w3c_datetime(value)
        document[name] = value
    return document


def w3c_datetime(instant: datetime) -> str:
    """`2026-12-14T09:12:00+00:00`: seconds, and the offset London had then."""
    return instant.astimezone(LONDON).replace(microsecond=0).isoformat()

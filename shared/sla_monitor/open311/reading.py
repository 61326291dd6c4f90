"""The open status API's reads: the services, one published case, and the published cases a
query asks for, each evaluated by the engine at `now`. Cases are read by reference or a month's
partition of the received-month index at a time, never by a scan; nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.engine import evaluate
from sla_monitor.open311.errors import NotFound
from sla_monitor.open311.query import MAX_REQUESTS, REFERENCE, RequestsQuery
from sla_monitor.open311.records import Publication, Service, ServiceRequest
from sla_monitor.open311.service_requests import case_service_code, is_published, service_request
from sla_monitor.open311.services import services
from sla_monitor.store.ports import CaseStore, month_received

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


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
        case = self.store.get_case(reference) if REFERENCE.match(reference) else None
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

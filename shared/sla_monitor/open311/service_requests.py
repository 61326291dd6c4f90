"""One case as a GeoReport v2 service request: its status and the fixed phrase that explains it,
when the current stage's response is expected (by the engine's clock), when it last changed, and
its description only as the anonymiser leaves it, when the council publishes descriptions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sla_monitor.cases import Case, CaseStatus
from sla_monitor.directory import Department, Directory
from sla_monitor.engine import Clock, ClockState, Evaluation, promised_date_clock
from sla_monitor.open311.anonymiser import anonymised_description, names_on
from sla_monitor.open311.records import Publication, ServiceRequest
from sla_monitor.open311.services import PUBLISHED_TYPES, service_code, service_name

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


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
            known_names=names_on(case, directory),
        )
    return ServiceRequest(
        service_request_id=case.reference,
        status="open" if case.is_open else "closed",
        status_notes=_status_notes(case, clock),
        service_name=service_name(case.case_type, department.name if department else None),
        service_code=case_service_code(case, directory),
        description=description,
        agency_responsible=department.name if department else publication.council_name,
        service_notice=promise.description if promise is not None else None,
        requested_datetime=case.received_at,
        updated_datetime=updated_at(case),
        expected_datetime=_expected(clock),
    )

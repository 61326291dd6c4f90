"""Logging a case that came by phone, letter, a visit or in person."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseType,
    Channel,
    Customer,
    Preferences,
)
from sla_monitor.contact_details import contact_method_for, contact_problems
from sla_monitor.directory import Directory
from sla_monitor.intake import (
    NewCase,
    register_case,
)
from sla_monitor.staff.steps import ActionNotAllowed
from sla_monitor.store.ports import CaseStore

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


def log_case(
    *,
    case_type: CaseType,
    channel: Channel,
    summary: str,
    description: str | None,
    customer: Customer,
    preferences: Preferences | None = None,
    department: str | None,
    received_at: datetime,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
    idempotency_key: str | None = None,
) -> Case:
    """A case that came by phone, letter, a visit or in person, logged by an officer. The
    customer's contact details must be usable and include what their way of contact needs
    (`contact_details`); without `preferences`, they are reached by what they gave."""
    if channel in (Channel.EMAIL, Channel.WEB):
        raise ActionNotAllowed(
            f"{channel.value} cases arrive by themselves; log only telephone, letter, visit "
            "or verbal ones"
        )
    if not summary.strip():
        raise ActionNotAllowed("a logged case needs a summary of what the customer said")
    # A customer who did not say how to reach them is reached by what they gave.
    preferences = preferences or Preferences(contact_method=contact_method_for(customer))
    problems = contact_problems(case_type, customer, preferences)
    if problems:
        raise ActionNotAllowed(problems[0].message, argument=problems[0].field)
    if received_at > now:
        raise ActionNotAllowed("a case cannot be received in the future", argument="received_at")
    if department is not None and directory.department(department) is None:
        raise ActionNotAllowed(f"there is no department {department!r} in the directory")
    registration = register_case(
        NewCase(
            case_type=case_type,
            channel=channel,
            received_at=received_at,
            subject=summary.strip()[:120],
            description=(description or summary).strip(),
            # The officer took the details from the customer in person or on the phone.
            customer=replace(customer, email_verified=bool(customer.email)),
            preferences=preferences,
            department=department,
            classification_reason=f"logged by {by}",
            idempotency_key=idempotency_key,
            actor=by,
        ),
        store=store,
        policy=policy,
        calendar=calendar,
        now=now,
    )
    return registration.case

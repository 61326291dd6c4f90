"""A council with an in-memory case store and mailer: register cases, sweep at chosen times,
read what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.cases import Case, CaseType, Channel, Customer, Preferences
from sla_monitor.checker.budget import Budget
from sla_monitor.checker.mailer import InMemoryMailer
from sla_monitor.checker.outcomes import SweepReport
from sla_monitor.checker.sweep import SweepSettings, sweep
from sla_monitor.council import Council, load_council
from sla_monitor.directory import Directory, default_directory
from sla_monitor.intake import NewCase, register_case
from sla_monitor.policy import Policy, load_policy
from sla_monitor.store.memory import InMemoryCaseStore

SENDER = "customer.services@nwleicestershire.gov.uk"
RESIDENT = "resident@example.org"


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@dataclass
class Town:
    store: InMemoryCaseStore
    mailer: InMemoryMailer
    council: Council
    policy: Policy
    calendar: WorkingDayCalendar
    directory: Directory
    sleeps: list[float] = field(default_factory=list)
    deliveries: int = 0

    def receive(
        self,
        at: datetime,
        *,
        case_type: CaseType = CaseType.ENQUIRY,
        channel: Channel = Channel.EMAIL,
        customer: Customer | None = None,
        preferences: Preferences | None = None,
        department: str | None = "housing",
        subject: str = "Damp in the bathroom",
        source_message_id: str | None = None,
    ) -> Case:
        self.deliveries += 1
        new = NewCase(
            case_type=case_type,
            channel=channel,
            received_at=at,
            subject=subject,
            description="Please come and look.",
            customer=customer or Customer(name="Ann Example", email=RESIDENT),
            preferences=preferences or Preferences(),
            department=department,
            idempotency_key=f"delivery-{self.deliveries}",
            source_message_id=source_message_id,
        )
        return register_case(
            new, store=self.store, policy=self.policy, calendar=self.calendar, now=at
        ).case

    def sweep(
        self,
        at: datetime,
        *,
        budget: Budget | None = None,
        settings: SweepSettings | None = None,
        store: Any = None,
        mailer: Any = None,
    ) -> SweepReport:
        return sweep(
            at,
            store=store or self.store,
            policy=self.policy,
            calendar=self.calendar,
            directory=self.directory,
            mailer=mailer or self.mailer,
            council=self.council,
            sender=SENDER,
            budget=budget,
            settings=settings,
            sleep=self.sleeps.append,
        )

    def sweep_every(
        self, start: datetime, end: datetime, step: timedelta = timedelta(minutes=30)
    ) -> list[SweepReport]:
        """Sweep as the schedule would, from `start` to `end`."""
        reports = []
        at = start
        while at <= end:
            reports.append(self.sweep(at))
            at += step
        return reports

    def case(self, reference: str) -> Case:
        found = self.store.get_case(reference)
        assert found is not None
        return found

    def mail_to(self, address: str) -> list[EmailMessage]:
        return self.mailer.messages_to(address)

    def subjects_to(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.mail_to(address)]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content()


@pytest.fixture
def town() -> Iterator[Town]:
    council = load_council()
    yield Town(
        store=InMemoryCaseStore(),
        mailer=InMemoryMailer(),
        council=council,
        policy=load_policy(),
        calendar=council.calendar(),
        directory=default_directory(),
    )

"""What the deadline checker's integration tests share: cases registered on embedded AWS, sweeps
at chosen times, and the mail that SES (moto) recorded, read back."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from threading import Lock
from unittest import mock

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.botocore_stubber import BotocoreStubber
from moto.ses.models import ses_backends

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, CaseType, Channel, Customer, Preferences
from sla_monitor.checker.outcomes import SweepReport
from sla_monitor.checker.wiring import sweep_with
from sla_monitor.intake import NewCase, register_case
from sla_monitor.runtime import Services

RESIDENT = "resident@example.org"


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@dataclass(frozen=True)
class SentMail:
    ses_message_id: str
    destinations: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def sent_at(self) -> datetime:
        return self.message["Date"].datetime

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()

    def to(self, address: str) -> bool:
        return any(address in d for d in self.destinations)


def ses_sent(region: str = "eu-west-2") -> list[SentMail]:
    """Every message SES (moto) accepted, in the order it accepted them."""
    found = []
    for raw in ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages:
        message = email.message_from_string(raw.raw_data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found.append(SentMail(raw.id, tuple(raw.destinations), message))
    return found


def mail_to(address: str) -> list[SentMail]:
    return [m for m in ses_sent() if m.to(address)]


def receive(
    services: Services,
    at: datetime,
    *,
    case_type: CaseType = CaseType.ENQUIRY,
    channel: Channel = Channel.EMAIL,
    customer: Customer | None = None,
    department: str = "housing",
    key: str | None = None,
) -> Case:
    new = NewCase(
        case_type=case_type,
        channel=channel,
        received_at=at,
        subject="Damp in the bathroom",
        description="Please come and look.",
        customer=customer or Customer(name="Ann Example", email=RESIDENT),
        preferences=Preferences(),
        department=department,
        idempotency_key=key or f"delivery-{at.isoformat()}-{case_type.value}",
    )
    return register_case(
        new,
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        now=at,
    ).case


def sweep_every(
    services: Services, start: datetime, end: datetime, step: timedelta
) -> list[SweepReport]:
    """Sweeps as the schedule runs them, from `start` to `end` inclusive."""
    reports = []
    at = start
    while at <= end:
        reports.append(sweep_with(services, at))
        at += step
    return reports


@contextmanager
def atomic_aws_requests() -> Iterator[None]:
    """One AWS request at a time, as each is atomic on the real service.

    In-process moto checks a condition and writes the item in two Python steps that another
    thread can slip between; DynamoDB never lets it. Sweeps on several threads still interleave
    between their requests, which is what the concurrency tests are about.
    """
    lock = Lock()
    original = BotocoreStubber.process_request

    def one_at_a_time(self, request):  # type: ignore[no-untyped-def]
        with lock:
            return original(self, request)

    with mock.patch.object(BotocoreStubber, "process_request", one_at_a_time):
        yield

"""Email intake against fakes: the in-memory case store and an in-memory raw-mail bucket."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.mail.classification import load_classification_rules
from sla_monitor.mail.events import MailDelivery, delivery_for_object
from sla_monitor.mail.learned import load_learned_model
from sla_monitor.mail.raw_mail import InMemoryRawMailStore
from sla_monitor.mail.receive import EmailOutcome, MailIntake, take_in_delivery
from sla_monitor.mail.triage import Verdicts
from sla_monitor.store.memory import InMemoryCaseStore

EMAILS = Path(__file__).resolve().parents[2] / "fixtures" / "emails"
COUNCIL_ADDRESS = "customer.services@nwleicestershire.gov.uk"
RECEIVED = datetime(2026, 3, 3, 9, 15, tzinfo=LONDON)


def email_bytes(name: str) -> bytes:
    return (EMAILS / f"{name}.eml").read_bytes()


@pytest.fixture
def store() -> InMemoryCaseStore:
    return InMemoryCaseStore(reference_prefix="NWL")


@pytest.fixture
def raw_mail() -> InMemoryRawMailStore:
    return InMemoryRawMailStore(bucket="raw-mail")


@pytest.fixture
def intake(store, raw_mail, policy, calendar) -> MailIntake:
    return MailIntake(
        store=store,
        policy=policy,
        calendar=calendar,
        raw_mail=raw_mail,
        rules=load_classification_rules(),
        model=load_learned_model(),
        reference_prefix="NWL",
        council_addresses=frozenset({COUNCIL_ADDRESS}),
    )


Deliver = Callable[..., tuple[EmailOutcome, MailDelivery]]


@pytest.fixture
def deliver(intake, raw_mail) -> Deliver:
    """Put a message in the bucket as SES's S3 action does, then take it in."""

    def _deliver(
        raw: bytes | str,
        *,
        token: str | None = None,
        received_at: datetime = RECEIVED,
        verdicts: Verdicts | None = None,
        envelope_sender: str | None = None,
    ) -> tuple[EmailOutcome, MailDelivery]:
        content = email_bytes(raw) if isinstance(raw, str) else raw
        name = token or (raw if isinstance(raw, str) else "message")
        key = f"inbound/{name}"
        raw_mail.put_raw(key, content)
        delivery = delivery_for_object(
            raw_mail.bucket,
            key,
            prefix="inbound/",
            received_at=received_at,
            verdicts=verdicts,
            envelope_sender=envelope_sender,
        )
        return take_in_delivery(delivery, intake=intake, now=received_at), delivery

    return _deliver

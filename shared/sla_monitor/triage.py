"""What staff make of incoming messages: a message set aside for them (a triage record, and how
they dealt with it), and the type they gave a case's message (a classification example). Plain
records: intake and staff write them, the case store keeps them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sla_monitor.cases import CaseType


class TriageOutcome(enum.StrEnum):
    """What staff made of a message set aside."""

    MADE_CASE = "made_case"
    ADDED_TO_CASE = "added_to_case"  # as the customer's reply on an existing case
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class TriageResolution:
    """Who dealt with a set-aside message, when, what they made of it and why. A triage record
    is never deleted: it is marked with this, once."""

    outcome: TriageOutcome
    by: str
    at: datetime
    reason: str | None = None
    reference: str | None = None  # the case it became or was added to


@dataclass(frozen=True)
class TriageRecord:
    """A message that did not become a case, kept with the reason so staff can look at it."""

    idempotency_key: str
    received_at: datetime
    reason: str
    sender: str | None
    subject: str | None
    raw_location: str | None
    details: dict[str, str] = field(default_factory=dict)
    resolution: TriageResolution | None = None


@dataclass(frozen=True)
class ClassificationExample:
    """A message with the type staff gave it (reclassifying or confirming a case), kept so a
    council can retrain the classification on its own mail. The message's words and the types
    only: no name or address beyond what the message itself says."""

    reference: str
    subject: str
    body: str
    label: CaseType
    first_type: CaseType  # what intake made of it
    labelled_at: datetime

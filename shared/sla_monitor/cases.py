"""The case: what a resident asked of the council, and everything that happened to it.

Plain dataclasses with no AWS in them. Storage models convert to and from these at the edge
(`sla_monitor.store`). Every datetime here is timezone-aware.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sla_monitor.appointments import Appointment, CallBack


class CaseType(enum.StrEnum):
    COMPLAINT = "complaint"
    SERVICE_REQUEST = "service_request"
    ENQUIRY = "enquiry"
    COMPLIMENT = "compliment"
    COMMENT = "comment"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Channel(enum.StrEnum):
    EMAIL = "email"
    WEB = "web"
    TELEPHONE = "telephone"
    LETTER = "letter"
    VISIT = "visit"
    VERBAL = "verbal"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    CLOSED = "closed"


class ContactMethod(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"


class AccessibleFormat(enum.StrEnum):
    LARGE_PRINT = "large_print"
    EASY_READ = "easy_read"
    BRAILLE = "braille"
    AUDIO = "audio"


class Outcome(enum.StrEnum):
    """What the formal response found: a complaint is upheld, partly upheld or not upheld;
    anything else is answered."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    ANSWERED = "answered"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def council_at_fault(self) -> bool:
        return self in (Outcome.UPHELD, Outcome.PARTLY_UPHELD)


COMPLAINT_OUTCOMES = (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD)


class OmbudsmanDecision(enum.StrEnum):
    """How the Local Government and Social Care Ombudsman decided a complaint, in the words of
    its published decisions."""

    UPHELD = "upheld"  # fault found
    NOT_UPHELD = "not_upheld"  # no fault found
    CLOSED_AFTER_INITIAL_ENQUIRIES = "closed_after_initial_enquiries"
    REFERRED_BACK = "referred_back"  # premature: sent back for the council to finish its process
    INVALID_OR_INCOMPLETE = "invalid_or_incomplete"
    ADVICE_GIVEN = "advice_given"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class NotificationKind(enum.StrEnum):
    """A message a staff step or a customer's reply owes someone. Written on the case with the
    change that owes it (an outbox), sent once by the deadline checker."""

    # to the customer
    FORMAL_RESPONSE = "formal_response"
    CASE_UPDATE = "case_update"  # waiting on them, a new date, a new officer
    COMPLAINT_ACKNOWLEDGEMENT = "complaint_acknowledgement"  # reclassified into a complaint
    OFFICER_MESSAGE = "officer_message"  # an officer writing to the customer in their own words
    COMPLAINT_REFUSED = "complaint_refused"  # not taken through the procedure: the reason
    REPLY_ACKNOWLEDGEMENT = "reply_acknowledgement"  # their reply on a case received, once a day
    # their reply may be a stage 2 request: staff will decide, and tell them
    POSSIBLE_STAGE_2_ACKNOWLEDGEMENT = "possible_stage_2_acknowledgement"
    STAGE_2_DECLINED = "stage_2_declined"  # not taken to stage 2: the reason, the Ombudsman
    # to staff
    ASSIGNED = "assigned"
    DEPARTMENT_HANDOVER = "department_handover"
    CUSTOMER_REPLIED = "customer_replied"
    POSSIBLE_STAGE_2 = "possible_stage_2"
    STAGE_2_DECLINE_RECORDED = "stage_2_decline_recorded"
    STAGE_2_REQUESTED = "stage_2_requested"
    EXTENSION_GRANTED = "extension_granted"
    RESPONSE_RECORDED = "response_recorded"
    FEEDBACK_RECEIVED = "feedback_received"
    FILE_SCANNED = "file_scanned"  # a quarantined file released, withheld or not scannable
    COMPLAINT_NOT_TAKEN = "complaint_not_taken"  # refused or downgraded (the complaints officer)
    OWNER_RETIRED = "owner_retired"  # the officer left: the Head of Service has the case
    OWNER_MOVED = "owner_moved"  # the officer moved department: the Head of Service has it
    # to the customer: booked, running late, cannot come, cancelled, rebooked (`details.why`)
    APPOINTMENT = "appointment"

    @property
    def to_customer(self) -> bool:
        return self in _CUSTOMER_NOTIFICATIONS


_CUSTOMER_NOTIFICATIONS = frozenset(
    {
        NotificationKind.FORMAL_RESPONSE,
        NotificationKind.CASE_UPDATE,
        NotificationKind.COMPLAINT_ACKNOWLEDGEMENT,
        NotificationKind.OFFICER_MESSAGE,
        NotificationKind.COMPLAINT_REFUSED,
        NotificationKind.REPLY_ACKNOWLEDGEMENT,
        NotificationKind.POSSIBLE_STAGE_2_ACKNOWLEDGEMENT,
        NotificationKind.STAGE_2_DECLINED,
        NotificationKind.APPOINTMENT,
    }
)


@dataclass(frozen=True)
class Preferences:
    language: str = "en"
    accessible_format: AccessibleFormat | None = None
    interpreter: bool = False
    contact_method: ContactMethod = ContactMethod.EMAIL

    @property
    def needs_staff_attention(self) -> bool:
        """A request staff must act on by hand (an accessible format or an interpreter)."""
        return self.accessible_format is not None or self.interpreter


@dataclass(frozen=True)
class Customer:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    # The email address is known to be the writer's own: the sender's domain passed DMARC, or
    # an officer took it down. Letters to an unverified address never repeat what was written
    # (a stranger could have typed someone else's address).
    email_verified: bool = False

    @property
    def has_contact_details(self) -> bool:
        """A formal complaint needs a way to reach the customer (complaints procedure)."""
        return bool(self.email or self.phone or self.address)


@dataclass(frozen=True)
class Pause:
    """A spell when the case waited on the customer; clocks that may pause stop meanwhile."""

    paused_at: datetime
    reason: str
    resumed_at: datetime | None = None


@dataclass(frozen=True)
class Extension:
    """More working days granted on one clock, with the reason the customer was told."""

    clock: str
    working_days: int
    reason: str
    granted_at: datetime
    granted_by: str


@dataclass(frozen=True)
class Breach:
    """A promise broken: the clock (its policy name, stage and occurrence) and the instant it was
    due. Recorded once the council's records show it, and never removed or moved: whatever is
    granted, paused or re-timed later, the promise stays broken in every view and report."""

    clock: str
    stage: int
    occurrence: int
    due: datetime
    recorded_at: datetime


@dataclass(frozen=True)
class SentAction:
    """An owed action that was done: the ledger the engine reads to know what is no longer owed."""

    key: str
    action: str
    sent_at: datetime
    due: datetime | None = None
    message_id: str | None = None
    # The reply date the letter gave the customer, as it gave it: the promise they now hold.
    promised_day: date | None = None


@dataclass(frozen=True)
class SentLetter:
    """A letter to the customer as it went: its subject and words, and the A4 PDF where one was
    made (to post, or in large print). Kept when it is sent, never written again from the
    templates: a letter as sent does not change when a template does."""

    subject: str
    text: str
    pdf: bytes | None = None


@dataclass(frozen=True)
class FormalResponse:
    """The council's formal response at one stage: the letter's substance, and what the council
    will change so others are not let down the same way (for the annual report)."""

    stage: int
    outcome: Outcome
    findings: str
    recorded_at: datetime
    recorded_by: str
    apology: str | None = None
    remedy: str | None = None
    lessons_learned: str | None = None


@dataclass(frozen=True)
class Remedy:
    """One thing a formal response promised to do to put matters right, by a date. A promise
    like any other: the case's owner is reminded before the date and the Head of Service is
    told once it passes, the case stays open until every one is done, and the customer hears
    when each is."""

    number: int  # 1, 2, ... on the case
    action: str  # "repair the gutter at the back of the house"
    due_on: date  # the date the letter gave
    stage: int
    promised_at: datetime
    promised_by: str
    done_at: datetime | None = None
    done_by: str | None = None
    done_note: str | None = None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class Stage2:
    """A complaint taken to stage 2: a review by a different officer, with clocks of its own."""

    requested_at: datetime
    reason: str
    channel: Channel
    stage_1_officer: str | None
    acknowledged_at: datetime | None = None
    responded_at: datetime | None = None
    # Everyone who dealt with stage 1 when the review was asked for (its owner, whoever
    # recorded its response, and their Head of Service unless the policy lets them review):
    # none of them may be given the review, on any path.
    stage_1_handlers: tuple[str, ...] = ()
    # Staff decided it was not a stage 2 request: the request stays on record, with who
    # decided, when, and the reason the customer was told.
    declined_at: datetime | None = None
    declined_by: str | None = None
    declined_reason: str | None = None

    @property
    def declined(self) -> bool:
        return self.declined_at is not None


@dataclass(frozen=True)
class OmbudsmanReferral:
    """The customer took the complaint to the Local Government and Social Care Ombudsman: the
    Ombudsman's own reference for it, when the council recorded it and who did (for the annual
    complaints report)."""

    referred_at: datetime
    reference: str
    recorded_by: str
    # The Ombudsman's decision, once it is made (for the annual complaints report).
    decision: OmbudsmanDecision | None = None
    decided_at: datetime | None = None
    decision_summary: str | None = None
    decision_recorded_by: str | None = None


@dataclass(frozen=True)
class ComplaintRefusal:
    """A complaint the council would not take through its procedure (outside its remit, a
    matter already in court, older than 12 months): the reason the customer was given, when
    and by whom (for the annual complaints report's "complaints refused, with reasons")."""

    refused_at: datetime
    reason: str
    refused_by: str


@dataclass(frozen=True)
class Closure:
    """A case closed without a letter: the reason staff chose (one of the council's, or "other"
    in their own words), who closed it and when, and whether the council counts that reason as
    the reply it promised (a matter resolved by phone) or not (a duplicate, a request withdrawn):
    then the case's clocks stop, closed without a reply, neither kept nor broken."""

    closed_at: datetime
    closed_by: str
    reason: str  # the council's name for the reason, or "other"
    reason_text: str  # the reason as staff and reports read it
    meets_response: bool


@dataclass(frozen=True)
class LegalHold:
    """The case must be kept: an Ombudsman investigation, a legal claim. While it stands the
    case never expires and its personal data cannot be erased; it is lifted with a reason."""

    held_at: datetime
    held_by: str
    reason: str


class LettersTo(enum.StrEnum):
    """Who the case's letters and emails go to, as the customer chose."""

    CUSTOMER = "customer"
    REPRESENTATIVE = "representative"
    BOTH = "both"


@dataclass(frozen=True)
class Representative:
    """Someone acting for the customer (a relative, a councillor, an MP, an advocate, a
    solicitor), how to reach them, and the customer's consent: how it was given and on which
    day, or None while it is awaited. Until consent is recorded nothing personal goes to them:
    every letter still goes to the customer (Complaint Handling Code, 2024: a representative
    acts with the customer's consent)."""

    name: str
    relationship: str  # in the officer's words: "daughter", "ward councillor", "advocate"
    recorded_at: datetime
    recorded_by: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    consent_how: str | None = None  # "in writing", "by phone", ...; None while awaited
    consent_given_on: date | None = None
    letters_to: LettersTo = LettersTo.CUSTOMER

    @property
    def has_consent(self) -> bool:
        return self.consent_how is not None and self.consent_given_on is not None

    @property
    def as_addressee(self) -> Customer:
        """The representative as a letter is addressed: their name and their ways of contact
        (an officer took them down, so their address is theirs)."""
        return Customer(
            name=self.name,
            email=self.email,
            phone=self.phone,
            address=self.address,
            email_verified=True,
        )


@dataclass(frozen=True)
class Notification:
    """One message owed by a change to the case. The customer, or staff by role (`roles`, the
    policy's role names) and by name (`officers`). `details` are the facts the letter needs."""

    key: str
    kind: NotificationKind
    raised_at: datetime
    roles: tuple[str, ...] = ()
    officers: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)

    @property
    def to_customer(self) -> bool:
        return self.kind.to_customer


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened to a case, who did it, and when."""

    at: datetime
    kind: str
    actor: str
    summary: str
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    reference: str
    case_type: CaseType
    channel: Channel
    received_at: datetime
    subject: str
    description: str
    customer: Customer = field(default_factory=Customer)
    preferences: Preferences = field(default_factory=Preferences)
    status: CaseStatus = CaseStatus.OPEN
    department: str | None = None
    assigned_officer: str | None = None
    policy_version: str | None = None
    classification_reason: str | None = None
    acknowledged_at: datetime | None = None
    responded_at: datetime | None = None
    closed_at: datetime | None = None
    expected_reply_by: datetime | None = None
    outcome: Outcome | None = None
    outcome_summary: str | None = None
    pauses: tuple[Pause, ...] = ()
    extensions: tuple[Extension, ...] = ()
    breaches: tuple[Breach, ...] = ()
    sent: tuple[SentAction, ...] = ()
    source_message_id: str | None = None
    responses: tuple[FormalResponse, ...] = ()
    remedies: tuple[Remedy, ...] = ()
    stage_2: Stage2 | None = None
    notifications: tuple[Notification, ...] = ()
    reopened_at: datetime | None = None
    ombudsman_referral: OmbudsmanReferral | None = None
    refusal: ComplaintRefusal | None = None
    # Closed without a letter (`staff.close_without_letter`), with the reason.
    closure: Closure | None = None
    # Intake was unsure whether this is a complaint: it is timed as one (`case_type` is
    # complaint) until staff confirm or correct the type.
    possible_complaint: bool = False
    # The customer wrote after the stage 1 response in words that may ask for stage 2: the
    # complaint reopened at stage 1 until staff start stage 2 or decide it is not a request.
    possible_stage_2_at: datetime | None = None
    # Addresses the customer has written from and been accepted from (besides
    # `customer.email`): a reply is added to the case only from one of these.
    reply_addresses: tuple[str, ...] = ()
    # Someone acting for the customer, with their consent (or while it is awaited).
    representative: Representative | None = None
    # Related cases, by reference (each lists the other); a duplicate merged into its original
    # names it, and the original names every duplicate merged into it.
    linked_cases: tuple[str, ...] = ()
    merged_into: str | None = None
    merged_from: tuple[str, ...] = ()
    # Kept whatever the retention period says, and not erased, while this stands.
    legal_hold: LegalHold | None = None
    # Times the council gave the customer (`appointments.py`): each a promise with a clock.
    appointments: tuple[Appointment, ...] = ()
    call_backs: tuple[CallBack, ...] = ()
    # Bumped by the store on every save; a save from a stale copy is refused, not merged.
    revision: int = 0

    @property
    def is_open(self) -> bool:
        return self.status is not CaseStatus.CLOSED

    @property
    def open_pause(self) -> Pause | None:
        return next((p for p in self.pauses if p.resumed_at is None), None)

    @property
    def stage(self) -> int:
        return 2 if self.stage_2 is not None else 1

    @property
    def remedies_outstanding(self) -> tuple[Remedy, ...]:
        return tuple(r for r in self.remedies if not r.is_done)

    def remedy(self, number: int) -> Remedy | None:
        return next((r for r in self.remedies if r.number == number), None)

    def appointment(self, number: int) -> Appointment | None:
        return next((a for a in self.appointments if a.number == number), None)

    def call_back(self, number: int) -> CallBack | None:
        return next((c for c in self.call_backs if c.number == number), None)

    def response_at(self, stage: int) -> FormalResponse | None:
        """The formal response recorded at `stage` (the latest, if the case was reopened)."""
        found = [r for r in self.responses if r.stage == stage]
        return found[-1] if found else None

    def notify(
        self,
        kind: NotificationKind,
        *,
        at: datetime,
        roles: tuple[str, ...] = (),
        officers: tuple[str, ...] = (),
        **details: str,
    ) -> Case:
        """The case owing one more message, under a key no other message of the case has."""
        key = f"{kind.value}:{len(self.notifications) + 1}"
        notification = Notification(
            key=key, kind=kind, raised_at=at, roles=roles, officers=officers, details=details
        )
        return replace(self, notifications=(*self.notifications, notification))

    def notifications_unsent(self) -> tuple[Notification, ...]:
        return tuple(n for n in self.notifications if not self.was_sent(n.key))

    def breach_of(self, clock: str, stage: int, occurrence: int = 1) -> Breach | None:
        """The recorded breach of one clock, if it was ever breached."""
        return next(
            (
                b
                for b in self.breaches
                if (b.clock, b.stage, b.occurrence) == (clock, stage, occurrence)
            ),
            None,
        )

    def was_sent(self, key: str) -> bool:
        return any(s.key == key for s in self.sent)

    def sent_of(self, action: str) -> tuple[SentAction, ...]:
        return tuple(s for s in self.sent if s.action == action)

    def with_sent(self, sent: SentAction) -> Case:
        if self.was_sent(sent.key):
            return self
        return replace(self, sent=(*self.sent, sent))

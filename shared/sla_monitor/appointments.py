"""Appointments and call-backs: promises of a time, kept on the case like every other promise.

The customer contact standards promise to "be on time and keep to our appointments – if we are
running late we will do our best to make sure you are kept up to date", to "wear name badges
and show official identification on appropriate visits", to "arrange a time and place for you
to talk to us in private if needed", and, on the telephone, to "pass on your details" when a
call cannot be transferred: in practice a call-back promised by a time.

Plain dataclasses with no AWS in them, as `cases.py`. A recorded outcome is a fact: an
appointment missed or kept late stays so (the engine records its breach), and rebooking makes
a new appointment that names the one it replaces.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class AppointmentKind(enum.StrEnum):
    VISIT = "visit"  # a home visit: the officer comes to the customer
    OFFICE = "office"  # a meeting at the council's offices
    CALL = "call"  # a phone call at a time agreed
    VIDEO = "video"  # a video call

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    def label_in(self, language: str) -> str:
        return _WELSH_KIND_LABELS[self] if language == "cy" else _KIND_LABELS[self]

    @property
    def place_label(self) -> str:
        """What `Appointment.place` holds for this kind, as a form asks for it."""
        return (
            "Phone number"
            if self is AppointmentKind.CALL
            else ("Video call link" if self is AppointmentKind.VIDEO else "Address")
        )


_KIND_LABELS = {
    AppointmentKind.VISIT: "home visit",
    AppointmentKind.OFFICE: "meeting at our offices",
    AppointmentKind.CALL: "phone call",
    AppointmentKind.VIDEO: "video call",
}
_WELSH_KIND_LABELS = {
    AppointmentKind.VISIT: "ymweliad â'ch cartref",
    AppointmentKind.OFFICE: "cyfarfod yn ein swyddfeydd",
    AppointmentKind.CALL: "galwad ffôn",
    AppointmentKind.VIDEO: "galwad fideo",
}


class AppointmentOutcome(enum.StrEnum):
    KEPT = "kept"  # on time, or late by `late_minutes`
    MISSED_BY_US = "missed_by_us"  # the officer did not come, or said they could not
    MISSED_BY_CUSTOMER = "missed_by_customer"
    CANCELLED_BY_US = "cancelled_by_us"
    CANCELLED_BY_CUSTOMER = "cancelled_by_customer"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    AppointmentOutcome.KEPT: "kept",
    AppointmentOutcome.MISSED_BY_US: "missed by us",
    AppointmentOutcome.MISSED_BY_CUSTOMER: "missed by the customer",
    AppointmentOutcome.CANCELLED_BY_US: "cancelled by us",
    AppointmentOutcome.CANCELLED_BY_CUSTOMER: "cancelled by the customer",
}


@dataclass(frozen=True)
class LateNotice:
    """The officer said they are running late (by about `minutes`), and the customer was told."""

    said_at: datetime
    minutes: int
    said_by: str


@dataclass(frozen=True)
class Appointment:
    """A time the council gave the customer: where, with whom, for how long, and how it went."""

    number: int  # 1, 2, ... on the case
    kind: AppointmentKind
    starts_at: datetime
    minutes: int
    place: str  # the address, or the number or link to call
    officer: str  # the officer's id
    identification: str  # what the officer will show at the door
    booked_at: datetime
    booked_by: str
    private_room: bool = False
    late_notices: tuple[LateNotice, ...] = ()
    outcome: AppointmentOutcome | None = None
    # Kept late: by how many minutes the officer was late.
    late_minutes: int = 0
    outcome_at: datetime | None = None
    outcome_by: str | None = None
    reason: str | None = None  # why it was cancelled or missed, in the officer's words
    # Cancelled ahead of time: the customer was told before the working day of the appointment.
    with_notice: bool = False
    rebooked_as: int | None = None  # the appointment that replaces it
    rebooks: int | None = None  # the appointment it replaces

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def is_settled(self) -> bool:
        return self.outcome is not None

    @property
    def in_words(self) -> str:
        return outcome_words(self)

    @property
    def expected_late_minutes(self) -> int:
        """How late the officer last said they would be (0 if they have said nothing)."""
        return self.late_notices[-1].minutes if self.late_notices else 0


@dataclass(frozen=True)
class CallBack:
    """A promise to call the customer back by a time; met when the officer records the call."""

    number: int
    by: datetime
    promised_at: datetime
    promised_by: str
    about: str = ""
    called_at: datetime | None = None
    called_by: str | None = None
    call_note: str | None = None

    @property
    def is_made(self) -> bool:
        return self.called_at is not None


def outcome_words(appointment: Appointment) -> str:
    """How an appointment went, in words: "kept", "kept 25 minutes late", "missed by us"."""
    if appointment.outcome is None:
        return "booked"
    if appointment.outcome is AppointmentOutcome.KEPT and appointment.late_minutes:
        return f"kept {appointment.late_minutes} minutes late"
    words = appointment.outcome.label
    if appointment.outcome in (
        AppointmentOutcome.CANCELLED_BY_US,
        AppointmentOutcome.CANCELLED_BY_CUSTOMER,
    ):
        words += " with notice" if appointment.with_notice else " without notice"
    return words

"""What the engine answers: each clock as it stands, the actions owed, and the names of clocks.

A `Clock` is one promise for one case at `now`; an `OwedAction` is something the checker must do
for the case, once, under its key; an `Evaluation` holds both. Pure: no AWS, no clock reads.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sla_monitor.calendar import LONDON
from sla_monitor.policy_terms import PromiseKind, Role


class ClockState(enum.StrEnum):
    NOT_STARTED = "not_started"  # counts from an event that has not happened yet
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    # The case was closed without a letter for a reason the council does not count as the
    # reply it promised (a duplicate, a request withdrawn): stopped, neither kept nor broken.
    CLOSED_WITHOUT_A_REPLY = "closed_without_a_reply"


class Action(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    SEND_HOLDING_UPDATE = "send_holding_update"
    SEND_PROGRESS_UPDATE = "send_progress_update"
    WARN_OWNER = "warn_owner"
    ESCALATE_TO_HEAD_OF_SERVICE = "escalate_to_head_of_service"
    REFER_TO_CHIEF_EXECUTIVE = "refer_to_chief_executive"
    PASS_TO_HEAD_OF_SERVICE = "pass_to_head_of_service"  # noqa: S105 - not a password
    REMIND_OF_REMEDY = "remind_of_remedy"
    CHASE_REMEDY = "chase_remedy"
    APOLOGISE_FOR_DELAY = "apologise_for_delay"
    TELL_CUSTOMER_OF_REFERRAL = "tell_customer_of_referral"
    REMIND_OF_APPOINTMENT = "remind_of_appointment"  # the customer, the working day before
    TELL_OF_APPOINTMENT_MISSED = "tell_of_appointment_missed"  # staff: kept late or missed
    WARN_OF_CALL_BACK = "warn_of_call_back"
    ESCALATE_CALL_BACK = "escalate_call_back"

    @property
    def to_customer(self) -> bool:
        return self in _CUSTOMER_ACTIONS


_CUSTOMER_ACTIONS = frozenset(
    {
        Action.ACKNOWLEDGE,
        Action.SEND_HOLDING_UPDATE,
        Action.SEND_PROGRESS_UPDATE,
        Action.APOLOGISE_FOR_DELAY,
        Action.TELL_CUSTOMER_OF_REFERRAL,
        Action.REMIND_OF_APPOINTMENT,
    }
)


@dataclass(frozen=True)
class Clock:
    """One promise as it stands for one case."""

    promise: str
    kind: PromiseKind
    description: str
    state: ClockState
    start_day: date | None
    due_day: date | None
    due: datetime | None  # the instant it is breached: the end of the due day
    satisfied_at: datetime | None = None
    paused_working_days: int = 0
    remaining_working_days: int | None = None  # while paused
    occurrence: int = 1  # which progress update interval
    stage: int = 1
    # The instant the promise was broken: the due it missed, which a later extension, pause or
    # re-timing never moves (`due` is the date the council works to now).
    breached_at: datetime | None = None

    @property
    def missed_day(self) -> date | None:
        """The last day a broken promise gave: the day its breach began at midnight."""
        return day_ended_by(self.breached_at) if self.breached_at is not None else None


@dataclass(frozen=True)
class OwedAction:
    """Something the checker must do for a case, once."""

    action: Action
    key: str
    promise: str
    owed_from: datetime
    due: datetime | None
    recipients: tuple[Role, ...] = ()
    occurrence: int = 1
    expected_reply_by: date | None = None
    warning_days: int | None = None

    @property
    def to_customer(self) -> bool:
        return self.action.to_customer


@dataclass(frozen=True)
class Evaluation:
    clocks: tuple[Clock, ...]
    owed: tuple[OwedAction, ...]  # owed now, oldest first
    upcoming: tuple[OwedAction, ...]  # owed later, soonest first
    next_due: datetime | None  # when the checker must look at this case again

    def clock(self, promise: str, occurrence: int | None = None) -> Clock:
        matching = [c for c in self.clocks if c.promise == promise]
        if occurrence is not None:
            matching = [c for c in matching if c.occurrence == occurrence]
        if not matching:
            raise KeyError(promise)
        return matching[-1]


def day_ended_by(due: datetime) -> date:
    """The day a due ends: a due is the midnight after its last day, in London."""
    return (due.astimezone(LONDON) - timedelta(microseconds=1)).date()


def promised_date_clock(promise: str) -> str:
    """The name of the clock that keeps the date a holding update of `promise` gave."""
    return f"{promise}:promised_date"


def base_promise(clock: str) -> str:
    """The policy promise a clock belongs to (a promised date clock belongs to its response)."""
    return clock.split(":", 1)[0]

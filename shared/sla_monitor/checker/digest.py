"""The daily digest: each officer's open cases with a promise due soon or already missed, once
per officer per working day.

It runs after the scheduled sweep. Once the office is open on a working day, the first sweep
with time to spare sends them all; later sweeps that day find the day's marker and do nothing but
read it. Each officer's digest is claimed like any owed action, so a digest goes once however
many sweeps race, and one that died mid-send goes at a later sweep once its lease runs out.

Finding every officer's open cases needs every case: the one Scan in the product, once a day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sla_monitor.calendar import WorkingDayCalendar, require_aware
from sla_monitor.cases import Case, CaseType
from sla_monitor.checker.mailer import (
    Mailer,
    PermanentSendError,
    TransientSendError,
)
from sla_monitor.checker.messages import (
    Composer,
    Letter,
    build_email,
    case_type_label,
    new_message_id,
)
from sla_monitor.directory import Directory, Officer
from sla_monitor.engine import Clock, ClockState, evaluate
from sla_monitor.policy_terms import PromiseKind
from sla_monitor.store.ports import ActionClaims, CaseStore

if TYPE_CHECKING:
    from sla_monitor.council import Council
    from sla_monitor.policy import Policy

_LEASE = timedelta(minutes=10)
_DONE = "done"
# Sent automatically, or with no due day: nothing for an officer to do by a date.
_NOT_LISTED = frozenset({PromiseKind.PROGRESS_UPDATE, PromiseKind.HANDOVER})


@dataclass(frozen=True)
class DigestLine:
    reference: str
    label: str
    about: str
    promise: str
    due_on: date
    overdue: bool


@dataclass
class DigestReport:
    day: date | None = None
    sent_to: list[str] = field(default_factory=list)  # officer ids
    skipped_because: str | None = None


def _ledger(day: date) -> str:
    # Claims live under a case-like reference of their own: one partition per day.
    return f"DIGEST-{day.isoformat()}"


def due_lines(
    cases: list[Case],
    *,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
    horizon: date,
) -> dict[str, tuple[Officer, list[DigestLine]]]:
    """Each owner's unmet promises due by the end of `horizon`, overdue first."""
    by_officer: dict[str, tuple[Officer, list[DigestLine]]] = {}
    lines: dict[str, list[DigestLine]] = defaultdict(list)
    for case in cases:
        if not case.is_open:
            continue
        owner = directory.owner(case)
        if owner is None or not owner.email:
            continue
        acknowledgement_listed = False
        clocks = sorted(evaluate(case, policy, calendar, now).clocks, key=_due_order)
        for clock in clocks:
            if clock.kind in _NOT_LISTED or clock.due_day is None:
                continue
            if clock.state not in (ClockState.RUNNING, ClockState.BREACHED):
                continue
            if clock.due_day > horizon:
                continue
            if clock.kind is PromiseKind.ACKNOWLEDGEMENT:
                # One acknowledgement meets them all: list the strictest only.
                if acknowledgement_listed:
                    continue
                acknowledgement_listed = True
            lines[owner.officer_id].append(
                DigestLine(
                    reference=case.reference,
                    label=case_type_label(case.case_type, "en"),
                    about=case.subject,
                    promise=clock.description,
                    due_on=clock.due_day,
                    overdue=clock.state is ClockState.BREACHED,
                )
            )
            by_officer[owner.officer_id] = (owner, lines[owner.officer_id])
    for _, found in by_officer.values():
        found.sort(key=lambda line: (not line.overdue, line.due_on, line.reference))
    return by_officer


@dataclass(frozen=True)
class ComplaintLine:
    """One open complaint as the Corporate Complaints Officer's digest lists it."""

    reference: str
    stage: int
    service: str
    owner: str
    about: str
    next_promise: str | None
    next_due: date | None
    breached: bool


def open_complaints(
    cases: list[Case],
    *,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    now: datetime,
) -> list[ComplaintLine]:
    """Every open complaint with its most urgent unmet promise: missed ones first, then by due
    day; complaints waiting on the customer last."""
    lines: list[ComplaintLine] = []
    for case in cases:
        if not case.is_open or case.case_type is not CaseType.COMPLAINT:
            continue
        clocks = [
            c
            for c in evaluate(case, policy, calendar, now).clocks
            if c.stage == case.stage
            and c.due_day is not None
            and c.kind not in _NOT_LISTED
            and (
                c.state is ClockState.RUNNING
                or (c.state is ClockState.BREACHED and c.satisfied_at is None)
            )
        ]
        clocks.sort(key=lambda c: (c.state is not ClockState.BREACHED, c.due_day or date.max))
        first = clocks[0] if clocks else None
        department = directory.department_of(case)
        owner = directory.owner(case)
        lines.append(
            ComplaintLine(
                reference=case.reference,
                stage=case.stage,
                service=department.name if department else "no service",
                owner=owner.name if owner else "nobody yet",
                about=case.subject,
                next_promise=first.description if first else None,
                next_due=first.due_day if first else None,
                breached=first is not None and first.state is ClockState.BREACHED,
            )
        )
    lines.sort(
        key=lambda c: (c.next_due is None, not c.breached, c.next_due or date.max, c.reference)
    )
    return lines


def _due_order(clock: Clock) -> date:
    return clock.due_day or date.max


def send_daily_digests(
    now: datetime,
    *,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory | Callable[[], Directory],
    mailer: Mailer,
    council: Council,
    sender: str,
    composer: Composer | None = None,
    horizon_working_days: int = 2,
) -> DigestReport:
    """Send today's digests if the office is open and they have not all gone yet."""
    now = require_aware(now)
    if not calendar.in_office_hours(now):
        return DigestReport(skipped_because="the office is closed")
    today = calendar.local(now).date()
    ledger = _ledger(today)
    done = store.get_claim(ledger, _DONE)
    if done is not None and done.sent:
        return DigestReport(day=today, skipped_because="sent already today")
    if not isinstance(directory, Directory):
        directory = directory()  # read only on the day's first run, not on every sweep
    composer = composer or Composer(council)
    horizon = calendar.add_working_days(today, horizon_working_days)
    open_cases = list(store.open_cases())
    digests = due_lines(
        open_cases,
        policy=policy,
        calendar=calendar,
        directory=directory,
        now=now,
        horizon=horizon,
    )
    report = DigestReport(day=today)
    finished = True
    sending: dict[str, Any] = {
        "store": store,
        "ledger": ledger,
        "mailer": mailer,
        "council": council,
        "sender": sender,
        "now": now,
    }
    for officer_id, (officer, lines) in sorted(digests.items()):
        letter = composer.compose(
            "staff/digest",
            officer=officer,
            lines=lines,
            overdue=sum(1 for line in lines if line.overdue),
            today=today,
            horizon=horizon,
        )
        sent = _send_digest(officer_id, officer, letter, **sending)
        finished &= sent is not None
        if sent:
            report.sent_to.append(officer_id)
    cco = directory.officer(directory.corporate_complaints_officer)
    if cco is not None and cco.email:
        complaints = open_complaints(
            open_cases, policy=policy, calendar=calendar, directory=directory, now=now
        )
        letter = composer.compose(
            "staff/complaints_digest",
            officer=cco,
            complaints=complaints,
            breached=sum(1 for c in complaints if c.breached),
        )
        sent = _send_digest(f"complaints:{cco.officer_id}", cco, letter, **sending)
        finished &= sent is not None
        if sent:
            report.sent_to.append(f"{cco.officer_id} (open complaints)")
    if finished and store.claim_action(ledger, _DONE, now=now, lease_until=now + _LEASE):
        store.mark_action_sent(ledger, _DONE, sent_at=now)
    return report


def _send_digest(
    key: str,
    officer: Officer,
    letter: Letter,
    *,
    store: ActionClaims,
    ledger: str,
    mailer: Mailer,
    council: Council,
    sender: str,
    now: datetime,
) -> bool | None:
    """Claim, send and mark one digest. True when this run sent it; False when it is done
    otherwise (sent by another run, or refused for good); None when it is still to do."""
    claim = store.claim_action(ledger, key, now=now, lease_until=now + _LEASE)
    if claim is None:
        held = store.get_claim(ledger, key)
        return False if held is not None and held.sent else None
    outbound = build_email(
        letter,
        council=council,
        sender=sender,
        to=[officer.email],
        reference=ledger,
        message_id=new_message_id(ledger, key, sender),
        at=now,
    )
    try:
        sent = mailer.send(outbound)
    except TransientSendError:
        store.release_claim(ledger, key, claimed_at=now)
        return None
    except PermanentSendError:
        store.mark_action_sent(ledger, key, sent_at=now, outcome="failed")
        return False
    store.mark_action_sent(ledger, key, sent_at=now, message_id=sent.provider_id, outcome="emailed")
    return True

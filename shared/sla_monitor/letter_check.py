"""A letter checked before it goes: the step is rehearsed on the case as it stands, nothing
saved, and each letter it would owe the customer is written as the checker will write it (the
same `LetterWriter`, the same route: by email, or to the officer to post or to have made), so the
officer reads exactly what the customer will get, and then confirms.

Nothing is sent or recorded on a check: the rehearsal's store holds the case the page read and
keeps nothing (any other use of it fails), and no letter is claimed or mailed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sla_monitor.cases import Case

if TYPE_CHECKING:
    from sla_monitor.calendar import WorkingDayCalendar
    from sla_monitor.checker.letters import LetterWriter
    from sla_monitor.council import Council
    from sla_monitor.store.ports import CaseStore


@dataclass(frozen=True)
class LetterToCheck:
    """One letter a step would send: its words as they go, and how it reaches the customer."""

    key: str
    title: str
    subject: str
    text: str
    to: str  # "by email to …", or who it goes to instead and why
    with_pdf: bool  # a PDF of it goes too (by post, in large print, or to be made)


class _Rehearsal:
    """A case store holding the one case read already, keeping nothing: the step's save is
    dropped, and nothing is read again."""

    def __init__(self, case: Case) -> None:
        self._case = case

    def get_case(self, reference: str) -> Case | None:
        return self._case if reference == self._case.reference else None

    def save_case(self, case: Case, **_: Any) -> None:
        return None


def rehearse(step: Callable[[CaseStore], Case], case: Case) -> Case:
    """The case as the step would leave it, with nothing saved. The step's own checks run, and
    refuse (ActionNotAllowed) as they would for real."""
    return step(cast("CaseStore", _Rehearsal(case)))


def letters_to_check(
    before: Case, after: Case, *, writer: LetterWriter, at: datetime
) -> list[LetterToCheck]:
    """The customer letters `after` owes that `before` did not, as they would go at `at`."""
    from sla_monitor.checker.duties import Duty
    from sla_monitor.checker.message_kinds import TITLES
    from sla_monitor.checker.preferences import letter_needs, route_by_hand, wants_large_print
    from sla_monitor.policy_terms import Role
    from sla_monitor.representation import addressed_case

    # Whoever the letters go to (the customer, or someone acting for them) as the sweep
    # addresses them; the writer is given the case as stored and addresses it the same way.
    addressed = addressed_case(after)
    owed_before = {n.key for n in before.notifications}
    checked: list[LetterToCheck] = []
    for notification in after.notifications_unsent():
        if notification.key in owed_before or not notification.to_customer:
            continue
        duty = Duty(
            key=notification.key,
            kind=notification.kind,
            owed_from=at,
            due=None,
            recipients=tuple(Role(r) for r in notification.roles),
            notification=notification,
        )
        route = route_by_hand(addressed)
        letter = writer.customer_letter(after, duty, at, by_post=route is not None)
        needs = letter_needs(addressed, letter)
        owner = writer.directory.owner(after)
        owner_name = owner.name if owner else "the officer dealing with the case"
        if needs:
            to = f"to {owner_name}, to be {' and '.join(needs)} and sent"
        elif route is not None:
            to = f"to {owner_name} to send {route.how}: {route.reason}"
        else:
            to = f"by email to {addressed.customer.email}"
        checked.append(
            LetterToCheck(
                key=notification.key,
                title=TITLES[notification.kind],
                subject=letter.subject,
                text=letter.text,
                to=to,
                with_pdf=bool(needs) or route is not None or wants_large_print(addressed),
            )
        )
    return checked


def letter_pdf(
    after: Case,
    key: str,
    *,
    writer: LetterWriter,
    council: Council,
    calendar: WorkingDayCalendar,
    at: datetime,
) -> bytes | None:
    """The PDF of one letter the rehearsed step owes, as it would be printed."""
    from sla_monitor.checker.dispatch import printable_attachment
    from sla_monitor.checker.duties import Duty
    from sla_monitor.checker.preferences import route_by_hand
    from sla_monitor.representation import addressed_case

    notification = next((n for n in after.notifications if n.key == key), None)
    if notification is None or not notification.to_customer:
        return None
    duty = Duty(key=key, kind=notification.kind, owed_from=at, due=None, notification=notification)
    addressed = addressed_case(after)
    letter = writer.customer_letter(after, duty, at, by_post=route_by_hand(addressed) is not None)
    return printable_attachment(council, calendar, addressed, letter, at).data

"""Related cases and duplicates: linking two cases, and merging a duplicate into its original.

A link is recorded on both cases (each page names the other); unlinking takes it off both, each
timeline saying so, and the link stays on record where it was made. Merging closes the duplicate as
"merged into" its original: a closing, not an answer (`Closure.meets_response` False), so its
clocks stop closed without a reply, counted neither as kept nor as broken (a breach recorded
before stays one). The original names the duplicate, so its conversation shows the duplicate's
messages marked as from it, and the addresses the duplicate's customer wrote from are accepted
on it; later mail to the duplicate's reference is added to the original
(`replies.record_customer_reply`). Both timelines keep everything.

The duplicate's customer is sent a short letter saying which reference their message now lives
under, unless they are the original's customer too and were written to on it that day.

Refused: a case linked or merged with itself, merging into a closed case, chains (a duplicate
that others were merged into, or an original merged elsewhere), and merging cases of different
customers unless the officer confirms it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, CaseStatus, Closure, NotificationKind, TimelineEvent
from sla_monitor.engine import Action
from sla_monitor.intake import customer_addresses, resume_from_pause
from sla_monitor.lookups import CaseNotFound
from sla_monitor.staff.steps import ActionNotAllowed, change_case
from sla_monitor.store.ports import CaseStore

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

Change = Callable[[Case], tuple[Case, TimelineEvent]]
MERGED = "merged"  # the closure's reason, as `Closure.reason` names it


def _other(reference: str, other: str, store: CaseStore, argument: str) -> Case:
    other = other.strip().upper()
    if not other:
        raise ActionNotAllowed("enter the reference of the other case", argument=argument)
    if other == reference.upper():
        raise ActionNotAllowed(f"{reference} cannot be joined to itself", argument=argument)
    found = store.get_case(other)
    if found is None:
        raise ActionNotAllowed(f"there is no case {other}", argument=argument)
    return found


def _linking(target: str, *, linked: bool, by: str, now: datetime) -> Change:
    """The change that links a case to `target`, or takes that link off, with its entry."""

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        others = tuple(r for r in case.linked_cases if r != target)
        links = case.linked_cases if target in case.linked_cases else (*others, target)
        return replace(case, linked_cases=links if linked else others), TimelineEvent(
            at=now,
            kind="linked" if linked else "unlinked",
            actor=by,
            summary=f"linked to {target}, a related case"
            if linked
            else f"no longer linked to {target}",
            details={"case": target},
        )

    return change


def _on_both(
    reference: str,
    other: str,
    linked: bool,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Link the two cases to each other, or take the link off both; returns `reference`'s."""
    for one, target in ((other, reference), (reference, other)):
        changed = change_case(
            one,
            _linking(target, linked=linked, by=by, now=now),
            store=store,
            policy=policy,
            calendar=calendar,
            now=now,
        )
    return changed


def link_cases(
    reference: str,
    other: str,
    *,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Link two related cases: each names the other, and each timeline says so."""
    linked = _other(reference, other, store, "other")
    if reference in linked.linked_cases:
        raise ActionNotAllowed(
            f"{reference} and {linked.reference} are linked already", argument="other"
        )
    return _on_both(reference, linked.reference, True, by, store, policy, calendar, now)


def unlink_cases(
    reference: str,
    other: str,
    *,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Case:
    """Take the link between two cases off both: neither names the other any more, and each
    timeline says so (the entries that linked them stay)."""
    case = store.get_case(reference)
    if case is None:
        raise CaseNotFound(reference)
    target = other.strip().upper()
    if not target:
        raise ActionNotAllowed("select the case to unlink", argument="other")
    if target not in case.linked_cases:
        raise ActionNotAllowed(f"{reference} is not linked to {target}", argument="other")
    return _on_both(reference, target, False, by, store, policy, calendar, now)


def same_customer(one: Case, other: Case) -> bool:
    """Whether two cases are from the same customer, as their details show: an email address
    either has written from, or the same phone number."""
    if customer_addresses(one) & customer_addresses(other):
        return True
    phones = [
        "".join(c for c in (case.customer.phone or "") if c.isdigit()) for case in (one, other)
    ]
    return bool(phones[0]) and phones[0] == phones[1]


def merge_case(
    reference: str,
    into: str,
    *,
    by: str,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    different_customer_confirmed: bool = False,
) -> Case:
    """Merge the duplicate `reference` into its original `into`: the duplicate closes as
    "merged into" the original, its clocks stopped without a reply; the original names it.
    Returns the duplicate as closed."""
    original = _other(reference, into, store, "into")
    duplicate = store.get_case(reference)
    if duplicate is None:
        raise CaseNotFound(reference)
    _check_duplicate(duplicate)
    _check_original(original)
    if not different_customer_confirmed and not same_customer(duplicate, original):
        raise ActionNotAllowed(
            f"{original.reference} has another customer's contact details: confirm the cases "
            "are about the same thing, or merge into another case",
            argument="confirm",
        )

    # The duplicate's customer is told where their message went, unless they are the original's
    # customer and were written to on it that day already.
    tell_customer = not (
        same_customer(duplicate, original)
        and written_to_on(original, calendar.local(now).date(), calendar)
    )

    def close_as_merged(case: Case) -> tuple[Case, TimelineEvent]:
        _check_duplicate(case)
        closure = Closure(
            closed_at=now,
            closed_by=by,
            reason=MERGED,
            reason_text=f"merged into {original.reference}",
            meets_response=False,
        )
        if tell_customer:
            # A short letter: which reference their message now lives under.
            case = case.notify(
                NotificationKind.CASE_UPDATE, at=now, why="merged", original=original.reference
            )
        changed = replace(
            resume_from_pause(case, at=now),
            closure=closure,
            status=CaseStatus.CLOSED,
            closed_at=now,
            possible_stage_2_at=None,
            merged_into=original.reference,
        )
        return changed, TimelineEvent(
            at=now,
            kind="merged_as_a_duplicate",
            actor=by,
            summary=(
                f"merged into {original.reference} as a duplicate and closed; its clocks stop "
                "without a reply (a breach recorded before stays on record)"
            ),
            details={"case": original.reference},
        )

    def name_the_duplicate(case: Case) -> tuple[Case, TimelineEvent]:
        # Recorded whatever the original is now: the duplicate is merged already.
        addresses = tuple(
            a for a in sorted(customer_addresses(duplicate)) if a not in customer_addresses(case)
        )
        changed = replace(
            case,
            merged_from=(*case.merged_from, reference),
            reply_addresses=(*case.reply_addresses, *addresses),
        )
        return changed, TimelineEvent(
            at=now,
            kind="duplicate_merged_in",
            actor=by,
            summary=f"{reference} merged into this case as a duplicate; its messages show here",
            details={"case": reference},
        )

    closed = change_case(
        reference, close_as_merged, store=store, policy=policy, calendar=calendar, now=now
    )
    change_case(
        original.reference,
        name_the_duplicate,
        store=store,
        policy=policy,
        calendar=calendar,
        now=now,
    )
    return closed


def written_to_on(case: Case, day: date, calendar: WorkingDayCalendar) -> bool:
    """Whether the customer was sent a letter on the case that day, or is owed one raised then."""
    raised = any(
        n.to_customer and calendar.local(n.raised_at).date() == day for n in case.notifications
    )
    return raised or any(
        _to_customer(s.action) and calendar.local(s.sent_at).date() == day for s in case.sent
    )


def _to_customer(action: str) -> bool:
    """Whether a sent action's name is a letter to the customer (a clock's or a step's)."""
    for kind in (Action, NotificationKind):
        if action in kind.__members__.values():
            return kind(action).to_customer
    return False


def _check_original(original: Case) -> None:
    if original.merged_into is not None:
        raise ActionNotAllowed(
            f"{original.reference} was merged into {original.merged_into}: merge into "
            f"{original.merged_into} instead",
            argument="into",
        )
    if not original.is_open:
        raise ActionNotAllowed(
            f"{original.reference} is closed: a case can only be merged into an open one",
            argument="into",
        )


def _check_duplicate(case: Case) -> None:
    if not case.is_open:
        raise ActionNotAllowed(f"{case.reference} is closed: it cannot be merged")
    if case.merged_from:
        merged = " and ".join(case.merged_from)
        raise ActionNotAllowed(
            f"{merged} {'was' if len(case.merged_from) == 1 else 'were'} merged into "
            f"{case.reference}, so it cannot be merged in turn: merges do not chain",
            argument="into",
        )
    if case.remedies_outstanding:
        raise ActionNotAllowed(
            f"{case.reference} promised actions to put things right that are still to do"
        )

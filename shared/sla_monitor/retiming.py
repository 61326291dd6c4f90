"""Re-timing open cases when the promises or the calendar change.

Every clock is worked out from the policy and the calendar in force, so a case read after a
change is already timed by it. What does not follow by itself is what was written down from
the old timing: the instant the deadline checker will next look at the case (a shortened
deadline must not wait for a wake-up set under the longer one), and the policy version the
case says it is timed by. Re-timing rewrites both, and records on each case's timeline which
dates moved and why. A dry run only lists, per open case, each clock's old and new due date.

The old dates come from the policy version the case was timed by, kept in the directory table
when the product first ran it (`keep_deployed_policy`); a case timed by a version that was
never kept shows its old dates as unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case, NotificationKind, TimelineEvent
from sla_monitor.checker.reply_dates import customer_reply_day
from sla_monitor.engine import Clock, evaluate, record_breaches
from sla_monitor.staff import change_case
from sla_monitor.store.ports import CaseStore, DirectoryStore

if TYPE_CHECKING:
    from sla_monitor.policy import Policy


@dataclass(frozen=True)
class ClockDates:
    promise: str
    stage: int
    occurrence: int
    old_due: date | None
    new_due: date | None
    old_known: bool = True
    # The promise in the policy's words (the engine's description of the clock).
    description: str = ""

    @property
    def moved(self) -> bool:
        return self.old_known and self.old_due != self.new_due


@dataclass(frozen=True)
class Retiming:
    reference: str
    old_version: str | None
    new_version: str
    clocks: tuple[ClockDates, ...]
    # The day the customer is given to expect a reply, before and after (see customer_reply_day).
    old_reply_day: date | None = None
    new_reply_day: date | None = None
    old_known: bool = True

    @property
    def moved(self) -> tuple[ClockDates, ...]:
        return tuple(c for c in self.clocks if c.moved)

    @property
    def reply_day_moved(self) -> bool:
        return self.old_known and self.old_reply_day != self.new_reply_day

    @property
    def needs_saving(self) -> bool:
        return bool(self.moved) or self.old_version != self.new_version


def keep_deployed_policy(policy: Policy, store: DirectoryStore) -> None:
    """Keep the deployed policy's text under its version, so cases timed by it can be re-timed
    against a later one."""
    if policy.source:
        store.keep_policy(policy.version, policy.source)


def _key(clock: Clock) -> tuple[str, int, int]:
    return (clock.promise, clock.stage, clock.occurrence)


def compare(
    case: Case,
    *,
    old_policy: Policy | None,
    old_calendar: WorkingDayCalendar,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Retiming:
    """Each clock's due date under the old policy and calendar and under the new."""
    new_evaluation = evaluate(case, policy, calendar, now)
    new = {_key(c): c.due_day for c in new_evaluation.clocks}
    descriptions = {_key(c): c.description for c in new_evaluation.clocks}
    old: dict[tuple[str, int, int], date | None] = {}
    old_reply_day = None
    if old_policy is not None:
        old_evaluation = evaluate(case, old_policy, old_calendar, now)
        old = {_key(c): c.due_day for c in old_evaluation.clocks}
        descriptions = {_key(c): c.description for c in old_evaluation.clocks} | descriptions
        old_reply_day = customer_reply_day(old_evaluation.clocks, case.stage)
    keys = list(dict.fromkeys([*old, *new]))
    return Retiming(
        reference=case.reference,
        old_version=case.policy_version,
        new_version=policy.version,
        old_reply_day=old_reply_day,
        new_reply_day=customer_reply_day(new_evaluation.clocks, case.stage),
        old_known=old_policy is not None,
        clocks=tuple(
            ClockDates(
                promise=k[0],
                stage=k[1],
                occurrence=k[2],
                old_due=old.get(k),
                new_due=new.get(k),
                old_known=old_policy is not None,
                description=descriptions.get(k, ""),
            )
            for k in keys
        ),
    )


def _old_policy(
    version: str | None, policy: Policy, directory_store: DirectoryStore, cache: dict
) -> Policy | None:
    if version is None or version == policy.version:
        return policy
    if version not in cache:
        # The policy's models are built with the first older version read, not at import.
        from sla_monitor.policy import PolicyError, parse_policy

        text = directory_store.policy_text(version)
        try:
            cache[version] = parse_policy(text) if text is not None else None
        except PolicyError:
            cache[version] = None
    return cache[version]


def retime_open_cases(
    *,
    store: CaseStore,
    directory_store: DirectoryStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    by: str,
    dry_run: bool,
    old_calendar: WorkingDayCalendar | None = None,
    why: str = "the policy changed",
    known: Iterable[Policy] = (),
) -> list[Retiming]:
    """Compare (and, unless `dry_run`, re-time) every open case. `old_calendar` is the calendar
    before a change of closure days; without it the calendar is taken as unchanged. `known`
    are policies at hand besides the kept ones (the deployed one, when previewing a file)."""
    if not dry_run:
        keep_deployed_policy(policy, directory_store)
    cache: dict[str, Policy | None] = {p.version: p for p in known}
    results: list[Retiming] = []
    for case in store.open_cases():
        old_policy = _old_policy(case.policy_version, policy, directory_store, cache)
        retiming = compare(
            case,
            old_policy=old_policy,
            old_calendar=old_calendar or calendar,
            policy=policy,
            calendar=calendar,
            now=now,
        )
        results.append(retiming)
        # A calendar change re-times only the cases whose dates it moved.
        if not dry_run and (retiming.moved if old_calendar else retiming.needs_saving):
            _retime(
                case.reference,
                retiming,
                before=(old_policy or policy, old_calendar or calendar),
                store=store,
                policy=policy,
                calendar=calendar,
                now=now,
                by=by,
                why=why,
                cause="calendar" if old_calendar else "policy",
            )
    return results


def _retime(
    reference: str,
    retiming: Retiming,
    *,
    before: tuple[Policy, WorkingDayCalendar],
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    now: datetime,
    by: str,
    why: str,
    cause: str,
) -> Case:
    moved = retiming.moved

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        # Breaches under the old policy and calendar stay breaches under the new ones.
        case = record_breaches(case, *before, now)
        summary = (
            f"re-timed ({why}): "
            + "; ".join(
                f"{c.promise.replace('_', ' ')} {_day(c.old_due)} to {_day(c.new_due)}"
                for c in moved
            )
            if moved
            else f"re-timed ({why}): no due date moved"
        )
        details = {
            "policy_version": policy.version,
            "previous_policy_version": retiming.old_version or "",
            **_what_moved_the_reply_day(retiming, before[1], calendar),
        }
        changed = replace(case, policy_version=policy.version)
        if _tells_new_date(case, retiming, calendar.local(now).date()):
            assert retiming.new_reply_day is not None
            if not _date_update_owed(case):
                # One owed update gives the latest date when it goes: none is added beside it.
                changed = changed.notify(
                    NotificationKind.CASE_UPDATE,
                    at=now,
                    why="retimed",
                    cause=cause,
                    reply_by=retiming.new_reply_day.isoformat(),
                )
            summary += (
                f"; the customer is told their new reply date, {_day(retiming.new_reply_day)}"
            )
            details["customer_told_reply_by"] = retiming.new_reply_day.isoformat()
            details["previous_reply_by"] = _day(retiming.old_reply_day)
        return changed, TimelineEvent(
            at=now, kind="retimed", actor=by, summary=summary, details=details
        )

    return change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)


def _what_moved_the_reply_day(
    retiming: Retiming, old_calendar: WorkingDayCalendar, calendar: WorkingDayCalendar
) -> dict[str, str]:
    """The reply day before and after, and the days closed or opened that moved it, for pages
    to say in a sentence why the date moved (`promised_dates`)."""
    if not retiming.reply_day_moved or retiming.new_reply_day is None:
        return {}
    before, after = old_calendar.closure_days, calendar.closure_days
    return {
        "reply_day_before": retiming.old_reply_day.isoformat() if retiming.old_reply_day else "",
        "reply_day_after": retiming.new_reply_day.isoformat(),
        "days_closed": ",".join(d.isoformat() for d in sorted(after - before)),
        "days_opened": ",".join(d.isoformat() for d in sorted(before - after)),
    }


def _tells_new_date(case: Case, retiming: Retiming, today: date) -> bool:
    """Whether the customer must be told a new reply date: they were given one (the stage was
    acknowledged; before that the acknowledgement gives the new date), it moved, and the new
    one is still ahead (a date already past is no date to give)."""
    new_day = retiming.new_reply_day
    if not retiming.reply_day_moved or new_day is None or new_day < today:
        return False
    told = case.stage_2.acknowledged_at if case.stage_2 is not None else case.acknowledged_at
    return told is not None


def _date_update_owed(case: Case) -> bool:
    return any(
        n.kind is NotificationKind.CASE_UPDATE and n.details.get("why") == "retimed"
        for n in case.notifications_unsent()
    )


def _day(day: date | None) -> str:
    return day.isoformat() if day else "none"

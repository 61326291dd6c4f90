"""When a promise was broken. A breach is a fact for ever (see the package's docstring): the
breach a case recorded (`Case.breaches`) keeps its clock breached at the due it missed, and an
extension granted too late moves the date worked to, never the breach.

The breaches are recorded on the case by `record_breaches`, which sits beside `evaluate` in
`engine.clocks` because it records what `evaluate` reads. Pure: no AWS, no clock reads.
"""

from __future__ import annotations

from datetime import datetime

from sla_monitor.cases import Case
from sla_monitor.engine.results import ClockState


def broken_at(
    case: Case,
    clock: str,
    stage: int,
    occurrence: int,
    due: datetime,
    satisfied_at: datetime | None,
    now: datetime,
    missed: datetime | None = None,
    stopped_at: datetime | None = None,
) -> datetime | None:
    """When the promise was broken, or None while it is not: the breach the case recorded,
    else a due it missed before a late extension moved it, else this due if it passed unmet
    (before the case was closed without a reply, if it was: its clock stopped then)."""
    recorded = case.breach_of(clock, stage, occurrence)
    if recorded is not None:
        return recorded.due
    if missed is not None and (satisfied_at is None or satisfied_at >= missed):
        return missed
    if satisfied_at is not None:
        return due if satisfied_at >= due else None
    until = now if stopped_at is None else min(now, stopped_at)
    return due if until >= due else None


def clock_state(
    broken: datetime | None, satisfied_at: datetime | None, stopped_at: datetime | None = None
) -> ClockState:
    """A clock with a due day: breached once broken, else met once satisfied, else closed
    without a reply once the case was, else running."""
    if broken is not None:
        return ClockState.BREACHED
    if satisfied_at is not None:
        return ClockState.MET
    return ClockState.CLOSED_WITHOUT_A_REPLY if stopped_at is not None else ClockState.RUNNING

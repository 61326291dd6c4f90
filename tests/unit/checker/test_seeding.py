"""Synthetic cases for load tests: exactly the number due that was asked for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sla_monitor_local.seeding import SeedingError, synthetic_cases

from sla_monitor.listing import schedule_of

from .conftest import london

NOW = london(2026, 3, 4, 10, 0)


def test_exactly_the_cases_asked_for_are_due_and_the_engine_agrees(town):
    cases = list(
        synthetic_cases(
            50,
            due=7,
            now=NOW,
            policy=town.policy,
            calendar=town.calendar,
            reference_prefix="NWL",
        )
    )
    assert len(cases) == 50
    assert len({c.reference for c, _ in cases}) == 50
    due = [c for c, s in cases if s.next_due is not None and s.next_due <= NOW]
    assert len(due) == 7
    for case, schedule in cases:
        engine = schedule_of(case, town.policy, town.calendar, NOW)
        assert engine.next_due == schedule.next_due
        # The due cases share one deadline, a second or so from their own.
        assert abs(engine.deadline - schedule.deadline) < timedelta(minutes=1)


@pytest.mark.parametrize(("count", "due"), [(5, 6), (5, -1), (-1, 0)])
def test_impossible_numbers_are_refused(town, count, due):
    with pytest.raises(SeedingError):
        list(
            synthetic_cases(
                count,
                due=due,
                now=NOW,
                policy=town.policy,
                calendar=town.calendar,
                reference_prefix="NWL",
            )
        )

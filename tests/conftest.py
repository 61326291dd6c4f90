"""Fixtures every kind of test shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.council import load_council
from sla_monitor.policy import Policy, load_policy


@pytest.fixture
def calendar() -> WorkingDayCalendar:
    return load_council().calendar()


@pytest.fixture
def policy() -> Policy:
    return load_policy()


@pytest.fixture
def embedded() -> Iterator:
    """In-process AWS (moto) with every resource the product needs, fresh for each test."""
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws() as bundle:
        yield bundle

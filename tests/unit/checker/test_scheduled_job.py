"""What the checker's schedules send it, as the handler reads it."""

from __future__ import annotations

import pytest

from sla_monitor.checker.wiring import DAILY_DIGEST, SWEEP, scheduled_job


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"job": "sweep", "shard": 3}, (SWEEP, 3)),  # the state machine, one shard each
        ({"job": "sweep", "shard": 0}, (SWEEP, 0)),
        ({"job": "daily-digest"}, (DAILY_DIGEST, None)),
        ({}, (SWEEP, None)),  # an older schedule: every shard
        (None, (SWEEP, None)),
    ],
)
def test_the_job_and_shard_are_read_from_the_input(event, expected):
    assert scheduled_job(event) == expected


@pytest.mark.parametrize(
    "event",
    [
        {"job": "reindex"},
        {"job": "sweep", "shard": -1},
        {"job": "sweep", "shard": "1"},
        {"job": "sweep", "shard": True},
        {"job": "sweep", "shard": 1.5},
    ],
)
def test_anything_else_is_refused(event):
    with pytest.raises(ValueError):
        scheduled_job(event)

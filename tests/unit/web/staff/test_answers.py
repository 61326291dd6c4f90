"""Reading dates, times and ticked boxes from the workspace's forms."""

from __future__ import annotations

from datetime import date, time

import pytest

from sla_monitor.web.staff.answers import clock_time_from, day_fields, day_from, ticked


def test_a_date_from_its_three_fields():
    assert day_from(day_fields("received", date(2026, 3, 27)), "received", "the date") == (
        date(2026, 3, 27),
        None,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Enter the date"),
        ({"d-day": "27", "d-year": "2026"}, "The date must include a month"),
        ({"d-day": "31", "d-month": "2", "d-year": "2026"}, "The date must be a real date"),
        ({"d-day": "1", "d-month": "2", "d-year": "26"}, "The date must be a real date"),
    ],
)
def test_a_date_that_is_not_one_says_what_to_enter(fields, message):
    day, error = day_from(fields, "d", "the date")
    assert day is None
    assert error is not None and error.field == "d" and error.message.startswith(message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", time(14, 30)),
        ("9.05", time(9, 5)),
        ("2:30pm", time(14, 30)),
        ("12am", time(0, 0)),
        ("12:15 PM", time(12, 15)),
        ("25:00", None),
        ("13pm", None),
        ("noon", None),
    ],
)
def test_a_time_as_people_write_it(text, expected):
    assert clock_time_from(text) == expected


def test_every_ticked_box_of_a_name():
    body = b"csrf_token=x&groups=officer&groups=head_of_service&groups="
    assert ticked(body, "groups") == ["officer", "head_of_service"]

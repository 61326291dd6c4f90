"""The appointment steps read a date and a time of day as officers type them, London time."""

from __future__ import annotations

from datetime import datetime

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.web.staff.appointment_steps import time_from

DAY = {"starts-day": "14", "starts-month": "1", "starts-year": "2027"}


@pytest.mark.parametrize(
    ("typed", "hour", "minute"),
    [("10:30am", 10, 30), ("2pm", 14, 0), ("14:30", 14, 30), ("12pm", 12, 0), ("12.15am", 0, 15)],
)
def test_a_time_is_read_as_typed(typed, hour, minute):
    found, error = time_from({**DAY, "starts-time": typed}, "starts", "appointment")
    assert error is None
    assert found == datetime(2027, 1, 14, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize("typed", ["", "25:00", "13pm", "half ten", "0am"])
def test_a_time_not_understood_is_an_error_on_the_time_box(typed):
    found, error = time_from({**DAY, "starts-time": typed}, "starts", "appointment")
    assert found is None and error is not None
    assert error.field == "starts-time"


def test_a_missing_date_is_an_error_on_the_date():
    found, error = time_from({"starts-time": "10am"}, "starts", "appointment")
    assert found is None and error is not None
    assert (error.field, error.message) == ("starts", "Enter the date of the appointment")

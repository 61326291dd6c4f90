"""How the pages write dates, times and addresses."""

from __future__ import annotations

from datetime import date, time

import pytest
from sla_monitor_local.visit import hidden_fields

from sla_monitor.web.pages import Urls, clock_time, long_date, working_days


def test_dates_and_counts_as_gov_uk_writes_them():
    assert long_date(date(2027, 1, 11)) == "Monday 11 January 2027"
    assert working_days(1) == "1 working day"
    assert working_days(10) == "10 working days"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (time(17, 0), "5pm"),
        (time(9, 30), "9:30am"),
        (time(12, 0), "midday"),
        (time(0, 15), "12:15am"),
    ],
)
def test_times_as_gov_uk_writes_them(value, words):
    assert clock_time(value) == words


def test_every_address_is_under_the_base_path_the_browser_used():
    urls = Urls("/have-your-say")
    assert urls.start == "/have-your-say/"
    assert urls.form == "/have-your-say/form"
    assert urls.check == "/have-your-say/check"
    assert urls.asset("council.css") == "/have-your-say/assets/council.css"
    assert urls.confirmation("a/b+c=") == "/have-your-say/confirmation?receipt=a%2Fb%2Bc%3D"
    assert Urls().form == "/form"


def test_the_hidden_fields_of_a_page_are_read_unescaped():
    page = (
        '<input type="hidden" name="csrf_token" value="a&amp;b">'
        '<input type="text" name="name" value="x">'
        '<input type="hidden" name="answers" value="">'
    )
    assert hidden_fields(page) == {"csrf_token": "a&b", "answers": ""}

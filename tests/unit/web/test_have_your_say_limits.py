"""The form cannot be used to send the council's acknowledgements to an address again and
again: past the hour's limit for an address or a computer, a submission is kept for staff
without an acknowledgement."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sla_monitor.intake import ArrivalLimits
from sla_monitor.web.errors import TooManyMessages

from .test_have_your_say_pages import COMPLAINT, MONDAY_MORNING, Browser, pages, store  # noqa: F401


def submit(pages, answers=COMPLAINT, *, source_ip="198.51.100.10", now=MONDAY_MORNING):  # noqa: F811
    browser = Browser(pages)
    browser.open_form(now)
    browser.continue_with(now, **answers)
    request = replace(browser.request(), source_ip=source_ip)
    return pages.answer_check_page(request, now=now)


def test_past_the_limit_for_an_address_the_submission_is_kept_for_staff(pages, store):  # noqa: F811
    pages.limits = ArrivalLimits(per_address=2, per_source=100)
    assert [submit(pages).status for _ in range(2)] == [303, 303]

    with pytest.raises(TooManyMessages):
        submit(pages)

    assert len(store.cases) == 2
    (record,) = store.triage_records()
    assert record.reason == "too_many_messages"
    assert record.sender == "alex@example.org"
    assert record.details["details"] == COMPLAINT["details"]
    assert record.details["evidence"] == "more than 2 new cases from one address this hour"


def test_one_mailbox_however_written_has_one_limit(pages, store):  # noqa: F811
    pages.limits = ArrivalLimits(per_address=2, per_source=100)
    written = ["a.lex+1@gmail.com", "Alex+bins@googlemail.com"]
    assert [submit(pages, {**COMPLAINT, "email": e}).status for e in written] == [303, 303]

    with pytest.raises(TooManyMessages, match="one address"):
        submit(pages, {**COMPLAINT, "email": "alex@gmail.com"})
    # The cases keep the addresses as they were written.
    assert {c.customer.email.lower() for c in store.cases.values()} == {
        "a.lex+1@gmail.com",
        "alex+bins@googlemail.com",
    }


def test_past_the_limit_for_one_computer_any_address_is_kept_for_staff(pages, store):  # noqa: F811
    pages.limits = ArrivalLimits(per_address=100, per_source=1)
    submit(pages, {**COMPLAINT, "email": "one@example.org"})

    with pytest.raises(TooManyMessages, match="one source"):
        submit(pages, {**COMPLAINT, "email": "two@example.org"})
    assert submit(pages, {**COMPLAINT, "email": "three@example.org"}, source_ip="203.0.113.9")


def test_the_next_hour_is_counted_afresh(pages, store):  # noqa: F811
    from datetime import timedelta

    pages.limits = ArrivalLimits(per_address=1, per_source=100)
    submit(pages)

    assert submit(pages, now=MONDAY_MORNING + timedelta(hours=1)).status == 303

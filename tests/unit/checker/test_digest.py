"""Each officer's daily digest of what is due: once per officer per working day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.checker.digest import send_daily_digests
from sla_monitor.checker.mailer import TransientSendError

from .conftest import SENDER, london, text_of

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"


def digests(town, at):
    return send_daily_digests(
        at,
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        directory=town.directory,
        mailer=town.mailer,
        council=town.council,
        sender=SENDER,
    )


def digest_mail(town):
    return [m for m in town.mail_to(HEAD_OF_HOUSING) if "Your cases today" in str(m["Subject"])]


@pytest.fixture
def cases(town):
    """An enquiry whose reply is overdue, a complaint due on Wednesday, one due much later."""
    overdue = town.receive(london(2026, 3, 2, 10, 0))  # reply due Monday 9 March
    soon = town.receive(london(2026, 3, 2, 11, 0), case_type=CaseType.COMPLAINT)  # 16 March
    later = town.receive(london(2026, 3, 12, 11, 0))  # reply due Thursday 19 March
    # The sweeps run meanwhile: acknowledgements, warnings, the holding update.
    town.sweep_every(london(2026, 3, 2, 10, 0), london(2026, 3, 13, 8, 0), timedelta(hours=1))
    return overdue, soon, later


def test_a_letter_not_yet_posted_is_listed_until_it_is(town):
    letter = town.receive(
        london(2026, 3, 12, 11, 0),
        case_type=CaseType.COMPLAINT,
        channel=Channel.LETTER,
        customer=Customer(name="Bob", address="1 High Street"),
    )
    town.sweep(london(2026, 3, 12, 11, 5))  # the owner is asked to post the acknowledgement

    digests(town, london(2026, 3, 13, 9, 0))

    text = text_of(digest_mail(town)[0])
    assert f"{letter.reference}: due Monday 16 March 2026" in text
    assert "Acknowledge all complaints within two working days" in text


def test_an_officer_gets_what_is_overdue_and_due_within_two_working_days(town, cases):
    overdue, soon, later = cases
    friday = london(2026, 3, 13, 9, 5)

    report = digests(town, friday)

    assert report.sent_to == ["head-housing", "complaints-officer (open complaints)"]
    [digest] = digest_mail(town)
    # The overdue enquiry had a holding update: the date it gave is due too.
    assert digest["Subject"] == "Your cases today: 1 overdue, 2 due by Tuesday 17 March 2026"
    text = text_of(digest)
    assert text.index(overdue.reference) < text.index(soon.reference)
    assert f"{overdue.reference}: missed, was due Monday 9 March 2026" in text
    assert f"{overdue.reference}: due Monday 16 March 2026" in text
    assert "Reply by the date the holding update gave" in text
    assert f"{soon.reference}: due Monday 16 March 2026" in text
    assert later.reference not in text


def test_digests_go_once_a_working_day_in_office_hours(town, cases):
    assert digests(town, london(2026, 3, 13, 8, 30)).sent_to == []  # before opening
    assert digests(town, london(2026, 3, 13, 9, 0)).sent_to == [
        "head-housing",
        "complaints-officer (open complaints)",
    ]
    later_that_day = digests(town, london(2026, 3, 13, 15, 0))
    assert later_that_day.skipped_because == "sent already today"
    assert digests(town, london(2026, 3, 14, 10, 0)).sent_to == []  # Saturday
    assert digests(town, london(2026, 3, 16, 9, 0)).sent_to == [
        "head-housing",
        "complaints-officer (open complaints)",
    ]
    assert len(digest_mail(town)) == 2


def test_a_digest_that_failed_goes_at_a_later_run_that_day_and_only_then(town, cases):
    town.mailer.fail_next(TransientSendError("Throttling"))
    morning = london(2026, 3, 13, 9, 0)

    assert digests(town, morning).sent_to == ["complaints-officer (open complaints)"]
    assert digests(town, morning + timedelta(minutes=5)).sent_to == ["head-housing"]
    assert digests(town, morning + timedelta(minutes=10)).sent_to == []
    assert len(digest_mail(town)) == 1


def test_the_corporate_complaints_officer_gets_every_open_complaint_each_morning(town, cases):
    overdue, soon, later = cases
    paused = town.receive(london(2026, 3, 11, 10, 0), case_type=CaseType.COMPLAINT)
    town.sweep(london(2026, 3, 11, 10, 0))
    from sla_monitor.staff import wait_for_customer

    wait_for_customer(
        paused.reference,
        reason="photos of the damage",
        by="head-housing",
        store=town.store,
        policy=town.policy,
        calendar=town.calendar,
        now=london(2026, 3, 12, 10, 0),
    )

    digests(town, london(2026, 3, 13, 9, 0))

    [digest] = [
        m
        for m in town.mail_to("complaints@nwleicestershire.gov.uk")
        if "Open complaints today" in str(m["Subject"])
    ]
    assert str(digest["Subject"]) == "Open complaints today: 2"
    text = text_of(digest)
    # Complaints only, the one with a date first, the paused one last.
    assert overdue.reference not in text and later.reference not in text
    assert text.index(soon.reference) < text.index(paused.reference)
    assert (
        "Next: Respond to all complaints within 10 working days, due Monday 16 March 2026" in text
    )
    assert "Waiting on the customer" in text

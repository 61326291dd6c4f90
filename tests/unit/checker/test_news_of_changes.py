"""Changes made for the whole council that move a customer's date or officer: a closure day,
a new policy, an officer who leaves. The customer whose date or officer changed is told, once;
the Head of Service hears of each case a leaver hands them."""

from __future__ import annotations

from datetime import date, timedelta

from sla_monitor.cases import CaseType
from sla_monitor.directory import default_directory
from sla_monitor.directory_changes import add_officer, hand_over_cases_of_retired, retire_officer
from sla_monitor.retiming import retime_open_cases
from sla_monitor.staff import assign_case
from sla_monitor.store.memory import InMemoryDirectoryStore

from .conftest import RESIDENT, london, text_of

MONDAY = london(2026, 3, 2, 10, 0)
TUESDAY = london(2026, 3, 3, 10, 0)
HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"


def world(town):
    return {"store": town.store, "policy": town.policy, "calendar": town.calendar}


def test_a_closure_day_that_moves_the_reply_date_tells_the_customer_once(town):
    # Given an enquiry acknowledged on Monday 2 March: a reply promised by Monday 9 March
    case = town.receive(MONDAY)
    town.sweep(MONDAY)
    [acknowledgement] = town.mail_to(RESIDENT)
    assert "Monday 9 March 2026" in text_of(acknowledgement)

    # When the council closes on Friday 6 March, and the checker sweeps twice
    before = town.calendar
    town.calendar = town.council.calendar([date(2026, 3, 6)])
    retime_open_cases(
        store=town.store,
        directory_store=InMemoryDirectoryStore(),
        policy=town.policy,
        calendar=town.calendar,
        old_calendar=before,
        now=TUESDAY,
        by="administrator",
        dry_run=False,
        why="2026-03-06 closed",
    )
    town.sweep(TUESDAY)
    town.sweep(TUESDAY + timedelta(hours=1))

    # Then the customer has one letter with the new date
    [update] = [m for m in town.mail_to(RESIDENT) if "a new date for our reply" in m["Subject"]]
    assert str(update["Subject"]) == f"{case.reference}: a new date for our reply"
    text = text_of(update)
    assert "the council will be closed on a day that was a working day" in text
    assert "We now aim to send you a full reply by Tuesday 10 March 2026." in text
    assert town.case(case.reference).expected_reply_by.date() == date(2026, 3, 10)
    (event,) = [e for e in town.store.timeline(case.reference) if e.kind == "retimed"]
    assert event.summary.endswith("the customer is told their new reply date, 2026-03-10")


def test_an_officer_who_leaves_hands_their_cases_to_the_head_of_service_and_both_hear(town):
    # Given a complaint, acknowledged, assigned to Jane Smith
    directory_store = InMemoryDirectoryStore(default_directory())
    add_officer(
        "jane-smith",
        name="Jane Smith",
        email="jane.smith@nwleicestershire.gov.uk",
        job_title="Housing Officer",
        department="housing",
        by="administrator",
        now=MONDAY,
        store=directory_store,
    )
    town.directory = directory_store.load_directory()
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    town.sweep(MONDAY)
    assign_case(
        case.reference,
        officer_id="jane-smith",
        department=None,
        by="head-housing",
        now=MONDAY + timedelta(minutes=30),
        **world(town),
    )
    town.sweep(MONDAY + timedelta(minutes=30))
    head_before = len(town.mail_to(HEAD_OF_HOUSING))
    resident_before = len(town.mail_to(RESIDENT))  # told Jane Smith now deals with it

    # When she is retired, her cases handed over (twice, as a retry would), and the checker
    # sweeps twice
    retire_officer("jane-smith", by="administrator", now=TUESDAY, store=directory_store)
    arguments = {
        "by": "administrator",
        "now": TUESDAY,
        "directory_store": directory_store,
        **world(town),
    }
    assert hand_over_cases_of_retired("jane-smith", **arguments) == [case.reference]
    assert hand_over_cases_of_retired("jane-smith", **arguments) == []
    town.directory = directory_store.load_directory()
    town.sweep(TUESDAY)
    town.sweep(TUESDAY + timedelta(hours=1))

    # Then the customer is told, once, who deals with it now
    updates = [
        m
        for m in town.mail_to(RESIDENT)[resident_before:]
        if "an update on your complaint" in m["Subject"]
    ]
    [update] = updates
    text = text_of(update)
    assert "A different officer is now dealing with your complaint" in text
    assert "Head of Housing, Housing is dealing with your complaint" in text
    assert "Jane Smith" not in text
    # and the Head of Service hears the case is theirs
    [notice] = town.mail_to(HEAD_OF_HOUSING)[head_before:]
    assert str(notice["Subject"]) == f"{case.reference}: now yours, as Jane Smith has left"
    assert "As Head of Service, the case is yours" in text_of(notice)
    (event,) = [e for e in town.store.timeline(case.reference) if e.kind == "owner_retired"]
    assert event.summary == (
        "Jane Smith has left: the case is with the Head of Service, Head of Housing until "
        "someone is assigned; the customer is told who deals with it now"
    )

"""The work list's shelves, counters and search terms behave the same in both case stores
(DynamoDB on moto, and in memory): what a save files a case under, and what a read finds."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from sla_monitor.cases import Breach, CaseStatus, CaseType, Channel, Customer, SentAction
from sla_monitor.listing import Schedule
from sla_monitor.store.ports import Shelf, StaleCaseError
from sla_monitor.store.shelves import (
    breached_key,
    department_key,
    owner_key,
    type_key,
)
from tests.integration.test_case_store_contract import NOW, a_case, received


def shelf(store, which: Shelf, key: str, **bounds) -> list[str]:
    return [entry.reference for entry in store.shelved(which, key, **bounds)]


def complaints(store) -> list[str]:
    return [
        r for n in range(store.shards) for r in shelf(store, Shelf.TYPE, type_key("complaint", n))
    ]


def open_case(store, *, deadline, **changes):
    case = a_case(store, **changes)
    return store.create_case(case, events=[received()], schedule=Schedule(NOW, deadline))


def test_open_cases_are_shelved_soonest_deadline_first_and_closed_ones_leave(case_store):
    store = case_store
    later = open_case(store, deadline=NOW + timedelta(days=3), department="housing")
    sooner = open_case(store, deadline=NOW + timedelta(days=1), department="housing")
    nothing_due = open_case(store, deadline=None, department="housing")
    other = open_case(store, deadline=NOW, department="waste")

    housing = department_key("housing")
    assert shelf(store, Shelf.DEPARTMENT, housing) == [
        sooner.reference,
        later.reference,
        nothing_due.reference,  # no deadline ahead: last
    ]
    assert shelf(store, Shelf.DEPARTMENT, department_key("waste")) == [other.reference]
    assert shelf(store, Shelf.OWNER, owner_key(None, "housing")) == shelf(
        store, Shelf.DEPARTMENT, housing
    )

    store.save_case(
        replace(sooner, status=CaseStatus.CLOSED, closed_at=NOW), schedule=Schedule(None)
    )
    assert shelf(store, Shelf.DEPARTMENT, housing) == [later.reference, nothing_due.reference]
    assert sooner.reference not in complaints(store)


def test_a_page_resumes_after_the_last_entry_and_stops_before_a_bound(case_store):
    store = case_store
    cases = [
        open_case(store, deadline=NOW + timedelta(hours=n), department="housing") for n in range(5)
    ]
    housing = department_key("housing")
    entries = list(store.shelved(Shelf.DEPARTMENT, housing))
    assert [e.reference for e in entries] == [c.reference for c in cases]
    after_second = shelf(store, Shelf.DEPARTMENT, housing, after=entries[1].position)
    assert after_second == [c.reference for c in cases[2:]]
    before_fourth = shelf(store, Shelf.DEPARTMENT, housing, before=entries[3].position)
    assert before_fourth == [c.reference for c in cases[:3]]
    window = shelf(
        store, Shelf.DEPARTMENT, housing, after=entries[0].position, before=entries[3].position
    )
    assert window == [c.reference for c in cases[1:3]]


def test_an_entry_carries_what_choosing_among_entries_needs(case_store):
    store = case_store
    stored = open_case(
        store,
        deadline=NOW,
        department="housing",
        assigned_officer="officer-1",
        channel=Channel.WEB,
    )
    (entry,) = store.shelved(Shelf.OWNER, owner_key("officer-1", "housing"))
    assert (entry.reference, entry.department, entry.assigned_officer) == (
        stored.reference,
        "housing",
        "officer-1",
    )
    assert (entry.case_type, entry.channel, entry.stage) == (
        CaseType.COMPLAINT,
        Channel.WEB,
        1,
    )
    assert not entry.breached and not entry.referred


def test_assigning_moves_a_case_between_shelves_and_counters(case_store):
    store = case_store
    stored = open_case(store, deadline=NOW, department="housing")
    cell = "CELL#housing#complaint#1#-"
    assert store.work_counts()[cell] == 1
    assert store.work_counts()["OWNER#UNASSIGNED#housing"] == 1

    assigned = replace(stored, assigned_officer="officer-1", department="planning")
    store.save_case(assigned, schedule=Schedule(NOW, NOW + timedelta(days=2)))

    assert shelf(store, Shelf.OWNER, owner_key(None, "housing")) == []
    assert shelf(store, Shelf.OWNER, owner_key("officer-1", "planning")) == [stored.reference]
    assert shelf(store, Shelf.DEPARTMENT, department_key("housing")) == []
    counts = store.work_counts()
    assert counts.get(cell, 0) == 0
    assert counts["CELL#planning#complaint#1#-"] == 1
    assert counts.get("OWNER#UNASSIGNED#housing", 0) == 0
    assert counts["OWNER#OFFICER#officer-1"] == 1


def test_a_recorded_breach_and_a_referral_put_a_case_on_their_shelves(case_store):
    store = case_store
    stored = open_case(store, deadline=NOW, department="housing")
    breach = Breach(clock="respond_to_complaint", stage=1, occurrence=1, due=NOW, recorded_at=NOW)
    referral = SentAction(
        key="refer_to_chief_executive", action="refer_to_chief_executive", sent_at=NOW
    )
    store.save_case(
        replace(stored, breaches=(breach,), sent=(referral,)), schedule=Schedule(NOW, NOW)
    )
    breached = [
        r for n in range(store.shards) for r in shelf(store, Shelf.BREACHED, breached_key(n))
    ]
    assert breached == [stored.reference]
    assert shelf(store, Shelf.REFERRED, "REFERRED") == [stored.reference]
    counts = store.work_counts()
    assert counts["CELL#housing#complaint#1#R#BREACHED"] == 1
    assert counts["OWNER#UNASSIGNED#housing#BREACHED"] == 1
    assert counts.get("CELL#housing#complaint#1#-", 0) == 0


def test_a_stale_save_moves_nothing(case_store):
    store = case_store
    stored = open_case(store, deadline=NOW, department="housing")
    store.save_case(replace(stored, department="planning"), schedule=Schedule(NOW, NOW))
    with pytest.raises(StaleCaseError):
        store.save_case(replace(stored, department="waste"), schedule=Schedule(NOW, NOW))
    counts = store.work_counts()
    assert counts.get("CELL#waste#complaint#1#-", 0) == 0
    assert counts["CELL#planning#complaint#1#-"] == 1
    assert shelf(store, Shelf.DEPARTMENT, department_key("waste")) == []


def test_cases_are_found_by_their_search_terms_open_or_closed(case_store):
    store = case_store
    jane = open_case(
        store,
        deadline=NOW,
        customer=Customer(
            name="Siân O'Neil",
            email="Sian.Ward@example.org",
            phone="+44 1530 454545",
            address="1 Coalville Road, Coalville LE67 3FJ",
        ),
        subject="Fly-tipping behind the library",
    )
    other = open_case(store, deadline=NOW, customer=Customer(name="Sian Jones"))
    assert store.cases_with_term("word:sian") == [other.reference, jane.reference]  # newest first
    assert store.cases_with_term("word:oneil") == [jane.reference]
    assert store.cases_with_term("email:sian.ward@example.org") == [jane.reference]
    assert store.cases_with_term("phone:01530454545") == [jane.reference]
    assert store.cases_with_term("postcode:LE673FJ") == [jane.reference]
    assert store.cases_with_term("postcode:LE67") == [jane.reference]
    assert store.cases_with_term("word:library") == [jane.reference]
    # The words before the @ of an address.
    assert store.cases_with_term("word:ward") == [jane.reference]
    lone = open_case(store, deadline=NOW, customer=Customer(email="jsmith71@example.org"))
    assert store.cases_with_term("word:jsmith71") == [lone.reference]

    store.save_case(replace(jane, status=CaseStatus.CLOSED, closed_at=NOW), schedule=Schedule(None))
    assert store.cases_with_term("word:oneil") == [jane.reference]

    renamed = store.get_case(jane.reference)
    store.save_case(
        replace(renamed, customer=replace(renamed.customer, name="Siân Evans")),
        schedule=Schedule(None),
    )
    assert store.cases_with_term("word:oneil") == []
    assert store.cases_with_term("word:evans") == [jane.reference]


def _closed(store, case, *, at):
    stored = store.get_case(case.reference)
    store.save_case(
        replace(stored, status=CaseStatus.CLOSED, closed_at=at), schedule=Schedule(None)
    )


def closed_complaints(store, **bounds) -> list[str]:
    return [
        r
        for n in range(store.shards)
        for r in shelf(store, Shelf.CLOSED_TYPE, type_key("complaint", n), **bounds)
    ]


def test_a_closed_case_is_on_the_closed_shelves_the_latest_closed_first(case_store):
    store = case_store
    first = open_case(store, deadline=NOW, department="housing")
    second = open_case(store, deadline=NOW, department="housing")
    still_open = open_case(store, deadline=NOW, department="housing")
    _closed(store, first, at=NOW + timedelta(hours=1))
    _closed(store, second, at=NOW + timedelta(hours=2))

    housing = department_key("housing")
    assert shelf(store, Shelf.CLOSED_DEPARTMENT, housing) == [second.reference, first.reference]
    assert sorted(closed_complaints(store)) == sorted([first.reference, second.reference])
    assert shelf(store, Shelf.DEPARTMENT, housing) == [still_open.reference]
    # A closed case counts in no open view.
    assert store.work_counts().get("CELL#housing#complaint#1#-", 0) == 1

    entries = list(store.shelved(Shelf.CLOSED_DEPARTMENT, housing))
    assert shelf(store, Shelf.CLOSED_DEPARTMENT, housing, after=entries[0].position) == [
        first.reference
    ]


def test_a_reopened_case_leaves_the_closed_shelves(case_store):
    store = case_store
    case = open_case(store, deadline=NOW, department="housing")
    _closed(store, case, at=NOW)
    closed = store.get_case(case.reference)
    store.save_case(
        replace(closed, status=CaseStatus.OPEN, closed_at=None), schedule=Schedule(NOW, NOW)
    )
    assert shelf(store, Shelf.CLOSED_DEPARTMENT, department_key("housing")) == []
    assert closed_complaints(store) == []
    assert shelf(store, Shelf.DEPARTMENT, department_key("housing")) == [case.reference]


def test_a_closed_complaint_that_was_referred_is_on_the_closed_referred_shelf(case_store):
    store = case_store
    referral = SentAction(
        key="refer_to_chief_executive", action="refer_to_chief_executive", sent_at=NOW
    )
    referred = open_case(store, deadline=NOW, department="housing", sent=(referral,))
    other = open_case(store, deadline=NOW, department="housing")
    _closed(store, referred, at=NOW)
    _closed(store, other, at=NOW)
    assert shelf(store, Shelf.CLOSED_REFERRED, "REFERRED") == [referred.reference]
    assert shelf(store, Shelf.REFERRED, "REFERRED") == []


def test_cases_are_read_in_the_order_named(case_store):
    store = case_store
    first = open_case(store, deadline=NOW)
    second = open_case(store, deadline=NOW)
    found = store.get_cases([second.reference, "NWL-2026-999999", first.reference])
    assert [c.reference for c in found] == [second.reference, first.reference]

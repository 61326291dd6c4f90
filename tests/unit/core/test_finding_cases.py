"""Finding cases beyond the open work list: a search's results page after page, the Closed view
read from the closed shelves, and a customer's other cases, each within what the viewer may see
and reading about what it shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sla_monitor.cases import CaseStatus, CaseType, Customer
from sla_monitor.closed_cases import read_closed_cases
from sla_monitor.listing import Schedule
from sla_monitor.other_cases import other_cases
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.work_list import Reach
from sla_monitor.work_list_reading import EVERYTHING, find_cases

from . import test_work_list_reading as reading
from .builders import london

NOW = reading.NOW
# The work list's world of cases, and its directory (with a retired department and officer).
directory = reading.directory
world = reading.world


def _pages(store, text, *, visible=lambda case: True, limit=7):
    """Every page of a search, following each page's `next_start`."""
    pages, start = [], 0
    while start is not None:
        found = find_cases(
            store, store, text, reference_prefix="NWL", now=NOW, visible=visible,
            limit=limit, start=start,
        )  # fmt: skip
        pages.append([c.reference for c in found.cases])
        start = found.next_start
        assert len(pages) < 50
    return pages


def test_a_search_s_pages_give_every_case_found_once_the_newest_first(world):
    store, cases = world
    smiths = sorted((c for c in cases if c.customer.name.endswith("Smith")), key=_newest)
    pages = _pages(store, "smith")
    assert all(len(page) == 7 for page in pages[:-1])
    assert [r for page in pages for r in page] == [c.reference for c in smiths]


def test_a_search_s_pages_hold_only_cases_the_viewer_may_see_and_miss_none_of_them(world):
    store, cases = world

    def visible(case):
        return case.case_type is CaseType.COMPLAINT

    seen = [c for c in sorted(cases, key=_newest) if c.customer.name.endswith("Smith")]
    pages = _pages(store, "smith", visible=visible)
    assert [r for page in pages for r in page] == [c.reference for c in seen if visible(c)]


def test_a_page_of_a_search_reads_about_what_it_shows(world):
    store, _ = world
    store.reads = 0
    find_cases(store, store, "smith", reference_prefix="NWL", now=NOW, limit=5, start=10)
    assert store.reads <= 2 * 5  # the cases of the page (a term's entries are not counted here)


def _newest(case):
    """As the search terms order cases: the latest received first, then by reference."""
    return (-case.received_at.timestamp(), [-ord(c) for c in case.reference])


def _close(store, reference, at):
    case = store.get_case(reference)
    store.save_case(replace(case, status=CaseStatus.CLOSED, closed_at=at), schedule=Schedule(None))


def _closed_pages(store, reach, directory, *, page_size, visible=lambda case: True):
    pages, after = [], None
    while True:
        page = read_closed_cases(
            store, reach=reach, directory=directory, visible=visible, after=after,
            page_size=page_size,
        )  # fmt: skip
        pages.append([c.reference for c in page.cases])
        if page.after is None:
            return pages
        after = page.after
        assert len(pages) < 50


def test_the_closed_view_pages_through_the_closed_cases_the_latest_closed_first(world, directory):
    store, cases = world
    for n, case in enumerate(c for c in cases if c.is_open and n_th(c, 3)):
        _close(store, case.reference, NOW + timedelta(minutes=n))
    closed = sorted(
        (store.get_case(c.reference) for c in cases),
        key=lambda c: (c.closed_at is None, -(c.closed_at or NOW).timestamp(), c.reference),
    )
    closed = [c for c in closed if not c.is_open]
    pages = _closed_pages(store, EVERYTHING, directory, page_size=9)
    assert [r for page in pages for r in page] == [c.reference for c in closed]
    assert all(len(page) == 9 for page in pages[:-1])


def test_the_closed_view_holds_what_the_reach_covers_and_the_viewer_may_see(world, directory):
    store, cases = world
    complaints = Reach(complaints=True)
    housing = Reach(departments=("housing",))
    got = {r for page in _closed_pages(store, complaints, directory, page_size=10) for r in page}
    closed = [store.get_case(c.reference) for c in cases if not c.is_open]
    assert got == {c.reference for c in closed if c.case_type is CaseType.COMPLAINT}
    got = {r for page in _closed_pages(store, housing, directory, page_size=10) for r in page}
    assert got == {c.reference for c in closed if housing.covers(c, directory)}
    hidden = _closed_pages(store, EVERYTHING, directory, page_size=10, visible=lambda c: False)
    assert [r for page in hidden for r in page] == []


def test_a_page_of_the_closed_view_reads_about_what_it_shows(world, directory):
    store, cases = world
    for n, case in enumerate(c for c in cases if c.is_open):
        _close(store, case.reference, NOW + timedelta(minutes=n))
    store.reads = 0
    page = read_closed_cases(store, reach=Reach(complaints=True), directory=directory, page_size=5)
    assert len(page.cases) == 5
    # The cases shown, and a page of entries (and one more) from each shard's shelf.
    assert store.reads <= 5 + 6 * store.shards


def n_th(case, n):
    return int(case.reference[-6:]) % n == 0


def test_the_customer_s_other_cases_are_those_of_their_email_or_phone_the_newest_first():
    store = InMemoryCaseStore()
    received = london(2026, 12, 1, 9, 0)

    def case_of(customer, days, **changes):
        from sla_monitor.cases import Case, Channel

        case = Case(
            reference=store.next_reference(received),
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=received + timedelta(days=days),
            subject="Missed bin",
            description="-",
            customer=customer,
            **changes,
        )
        return store.create_case(case, events=[], schedule=Schedule(None))

    jane = Customer(name="Jane Smith", email="jane@example.org", phone="01530 454545")
    first = case_of(jane, 0, status=CaseStatus.CLOSED, closed_at=received)
    by_phone = case_of(Customer(name="J Smith", phone="+44 1530 454545"), 1)
    stranger = case_of(Customer(name="Jane Smith", email="other@example.org"), 2)
    latest = case_of(replace(jane, phone=None), 3)
    this = case_of(jane, 4)

    found = other_cases(this, store)
    assert [c.reference for c in found.cases] == [
        latest.reference,
        by_phone.reference,
        first.reference,
    ]
    assert not found.more and stranger.reference not in [c.reference for c in found.cases]
    assert [c.reference for c in other_cases(this, store, limit=2).cases] == [
        latest.reference,
        by_phone.reference,
    ]
    assert other_cases(this, store, limit=2).more
    assert other_cases(this, store, visible=lambda c: c.is_open).cases[-1] == by_phone
    assert other_cases(replace(this, customer=Customer(name="Jane Smith")), store).cases == []


def test_a_representative_s_email_finds_the_case_they_act_on_but_it_is_not_their_own():
    from sla_monitor.cases import Case, Channel, LettersTo, Representative

    store = InMemoryCaseStore()
    received = london(2026, 12, 1, 9, 0)

    def case_of(customer, **changes):
        case = Case(
            reference=store.next_reference(received),
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=received,
            subject="Missed bin",
            description="-",
            customer=customer,
            **changes,
        )
        return store.create_case(case, events=[], schedule=Schedule(None))

    priya = Customer(name="Priya Shah", email="priya@example.org")
    own = case_of(priya)
    acting = Representative(
        name="Priya Shah", relationship="daughter", recorded_at=received, recorded_by="x",
        email="Priya@example.org", letters_to=LettersTo.REPRESENTATIVE,
    )  # fmt: skip
    mothers = case_of(Customer(name="Meera Shah", phone="01530 454545"), representative=acting)

    found = find_cases(
        store, store, "priya@example.org", reference_prefix="NWL", now=received,
        visible=lambda case: True, limit=10, start=0,
    )  # fmt: skip
    assert [c.reference for c in found.cases] == [mothers.reference, own.reference]
    assert other_cases(own, store).cases == []

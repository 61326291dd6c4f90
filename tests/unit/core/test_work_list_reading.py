"""The work list read a page at a time from the shelves gives the same cases, in the same order,
as filtering every open case in memory did; it reads about one entry per case shown; its totals
agree with counting; and search finds cases by what was typed."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    Channel,
    Customer,
    SentAction,
    Stage2,
)
from sla_monitor.directory import default_directory
from sla_monitor.engine import record_breaches
from sla_monitor.listing import schedule_of
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.work_list import WorkListFilter, work_list
from sla_monitor.work_list_reading import (
    EVERYTHING,
    Reach,
    find_cases,
    read_work_list,
)

from .builders import london

NOW = london(2026, 12, 16, 11, 0)
# A department and an officer the directory never knew stand for a code mistyped or deleted:
# the default department and its Head of Service deal with those cases.
DEPARTMENTS = [None, "housing", "waste-services", "planning", "retired-dept", "never-known"]
OFFICERS = [
    None,
    "waste-officer",
    "housing-officer",
    "head-planning",
    "gone-officer",
    "nobody-we-know",
]
NAMES = ["Jane Smith", "John Smith", "Siân O'Neil", "Amir Khan", "Olivia Brown"]


@pytest.fixture
def directory():
    base = default_directory()
    gone = replace(base.officers[-1], officer_id="gone-officer", name="Gone", retired=True)
    retired = replace(base.departments[-1], code="retired-dept", name="Old", retired=True)
    return replace(
        base,
        officers=(*base.officers, gone),
        departments=(*base.departments, retired),
    )


def _cases(count: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        received = NOW - timedelta(hours=rng.randint(1, 24 * 40))
        case = Case(
            reference=f"NWL-2026-{n + 1:06d}",
            case_type=rng.choice(list(CaseType)),
            channel=rng.choice([Channel.EMAIL, Channel.WEB, Channel.TELEPHONE]),
            received_at=received,
            subject=rng.choice(["Missed bin", "Damp in flat", "Planning objection"]),
            description="-",
            customer=Customer(name=rng.choice(NAMES), email=f"r{n}@example.org"),
            department=rng.choice(DEPARTMENTS),
            assigned_officer=rng.choice(OFFICERS),
        )
        if rng.random() < 0.3:
            case = case.with_sent(
                SentAction(key="acknowledge", action="acknowledge", sent_at=received)
            )
            case = replace(case, acknowledged_at=received)
        if case.case_type is CaseType.COMPLAINT and rng.random() < 0.2:
            case = case.with_sent(
                SentAction(
                    key="refer_to_chief_executive",
                    action="refer_to_chief_executive",
                    sent_at=received,
                )
            )
        if case.case_type is CaseType.COMPLAINT and rng.random() < 0.15:
            case = replace(
                case,
                stage_2=Stage2(
                    requested_at=received,
                    reason="not happy",
                    channel=Channel.EMAIL,
                    stage_1_officer=None,
                ),
            )
        if rng.random() < 0.15:
            case = replace(case, status=CaseStatus.CLOSED, closed_at=NOW - timedelta(hours=1))
        cases.append(case)
    return cases


@pytest.fixture
def world(policy, calendar, directory):
    store = InMemoryCaseStore()
    cases = _cases(160, seed=7)
    for case in cases:
        # As every save does (a due passing is recorded by the sweep minutes after it).
        recorded = record_breaches(case, policy, calendar, NOW - timedelta(hours=2))
        store.create_case(
            recorded, events=[], schedule=schedule_of(recorded, policy, calendar, NOW)
        )
    return store, cases


def _everything(store, wanted, reach, *, policy, calendar, directory, page_size=7):
    """Every page of the view, followed page after page."""
    shown, after, pages = [], None, 0
    while True:
        page = read_work_list(
            store,
            reach=reach,
            wanted=wanted,
            policy=policy,
            calendar=calendar,
            directory=directory,
            now=NOW,
            after=after,
            page_size=page_size,
            budget=10_000,
        )
        shown += [v.case.reference for v in page.views]
        pages += 1
        if page.after is None:
            return shown, page, pages
        after = page.after


REACHES = {
    "everything": EVERYTHING,
    "housing officer": Reach(departments=("housing",)),
    "customer services head": Reach(departments=("customer-services",)),
    "complaints officer": Reach(complaints=True),
    "chief executive": Reach(referred=True),
    "complaints officer in housing": Reach(departments=("housing",), complaints=True),
}
FILTERS = {
    "all": WorkListFilter(),
    "mine (head of planning)": WorkListFilter(owner="head-planning"),
    "mine (head of customer services)": WorkListFilter(owner="head-customer-services"),
    "mine (waste officer)": WorkListFilter(owner="waste-officer"),
    "unassigned": WorkListFilter(unassigned=True),
    "unassigned complaints": WorkListFilter(unassigned=True, case_type=CaseType.COMPLAINT),
    "housing": WorkListFilter(departments=("housing",)),
    "complaints": WorkListFilter(case_type=CaseType.COMPLAINT),
    "enquiries": WorkListFilter(case_type=CaseType.ENQUIRY),
    "breached": WorkListFilter(breached=True),
    "stage 2": WorkListFilter(stage=2),
    "by telephone": WorkListFilter(channel=Channel.TELEPHONE),
    "due within 3 working days": WorkListFilter(due_within=3),
    "breached complaints in housing": WorkListFilter(
        breached=True, case_type=CaseType.COMPLAINT, departments=("housing",)
    ),
}


def _reach_allows(reach: Reach, case: Case, directory) -> bool:
    if reach.everything:
        return True
    department = directory.department_of(case)
    if department is not None and department.code in reach.departments:
        return True
    complaint = case.case_type is CaseType.COMPLAINT
    referred = bool(case.sent_of("refer_to_chief_executive"))
    return complaint and (reach.complaints or (reach.referred and referred))


@pytest.mark.parametrize("reach_name", REACHES)
@pytest.mark.parametrize("filter_name", FILTERS)
def test_the_shelves_give_what_filtering_every_open_case_gave(
    world, policy, calendar, directory, reach_name, filter_name
):
    store, _ = world
    reach, wanted = REACHES[reach_name], FILTERS[filter_name]
    expected = [
        v.case.reference
        for v in work_list(
            [c for c in store.all_cases() if c.is_open],
            policy=policy,
            calendar=calendar,
            directory=directory,
            now=NOW,
            wanted=wanted,
            visible=lambda case: _reach_allows(reach, case, directory),
        )
    ]
    shown, last, _ = _everything(
        store, wanted, reach, policy=policy, calendar=calendar, directory=directory
    )
    assert sorted(shown) == sorted(expected)
    # The same order, but for cases whose deadlines are equal (ordered by reference here).
    assert [_deadline(store, r, policy, calendar) for r in shown] == [
        _deadline(store, r, policy, calendar) for r in expected
    ]
    if last.total is not None and wanted.breached:
        # The counters count the breaches recorded (the sweep records one minutes after its
        # due passes); the view shows those since too.
        recorded = [r for r in expected if store.get_case(r).breaches]
        assert last.total == len(recorded)
    elif last.total is not None:
        assert last.total == len(expected)


def _deadline(store, reference, policy, calendar):
    return schedule_of(store.get_case(reference), policy, calendar, NOW).deadline


def test_totals_come_from_the_counters_for_the_plain_views(world, policy, calendar, directory):
    store, _ = world
    page = read_work_list(
        store,
        reach=Reach(complaints=True),
        wanted=WorkListFilter(breached=True),
        policy=policy,
        calendar=calendar,
        directory=directory,
        now=NOW,
    )
    expected = [
        c
        for c in store.all_cases()
        if c.is_open and c.case_type is CaseType.COMPLAINT and c.breaches
    ]
    assert page.total == len(expected) > 0
    by_channel = read_work_list(
        store,
        reach=EVERYTHING,
        wanted=WorkListFilter(channel=Channel.EMAIL),
        policy=policy,
        calendar=calendar,
        directory=directory,
        now=NOW,
    )
    assert by_channel.total is None  # no counter is kept by channel


def test_a_promise_broken_since_the_last_save_is_in_the_breached_view_at_once(
    policy, calendar, directory
):
    store = InMemoryCaseStore()
    # Received on Monday morning, saved then: its acknowledgement fell due since, unrecorded.
    received = london(2026, 12, 14, 9, 0)
    case = Case(
        reference="NWL-2026-000001",
        case_type=CaseType.COMPLAINT,
        channel=Channel.EMAIL,
        received_at=received,
        subject="Missed bin",
        description="-",
        department="housing",
    )
    store.create_case(case, events=[], schedule=schedule_of(case, policy, calendar, received))
    assert not store.get_case(case.reference).breaches
    page = read_work_list(
        store,
        reach=Reach(departments=("housing",)),
        wanted=WorkListFilter(breached=True),
        policy=policy,
        calendar=calendar,
        directory=directory,
        now=NOW,
    )
    assert [v.case.reference for v in page.views] == [case.reference]
    assert page.total == 0  # the counters wait for the sweep to record it


def test_a_page_reads_about_one_entry_per_case_shown(world, policy, calendar, directory):
    store, _ = world
    store.reads = 0
    page = read_work_list(
        store,
        reach=Reach(departments=("housing",)),
        wanted=WorkListFilter(),
        policy=policy,
        calendar=calendar,
        directory=directory,
        now=NOW,
        page_size=5,
    )
    assert len(page.views) == 5
    # The entries up to one past the page, and the five cases.
    assert page.read <= 6
    assert store.reads <= 11


def _unassigned_first_page(store, reach, policy, calendar, directory):
    """The first page of five of the unassigned view: each case shown is unassigned."""
    store.reads = 0
    unassigned = WorkListFilter(unassigned=True)
    world = {"policy": policy, "calendar": calendar, "directory": directory, "now": NOW}
    page = read_work_list(store, reach=reach, wanted=unassigned, page_size=5, **world)
    assert len(page.views) == 5
    assert all(v.case.assigned_officer is None for v in page.views)
    return page


def test_a_department_s_unassigned_are_read_from_its_owner_shelf(
    world, policy, calendar, directory
):
    store, _ = world
    # The default department's: those naming it, none, or a department retired or unknown.
    page = _unassigned_first_page(
        store, Reach(departments=("customer-services",)), policy, calendar, directory
    )
    # About one entry a case shown; at most a page and one from each of its four shelves (the
    # unassigned naming it, none, the retired department and the unknown one), and the cases.
    assert page.read <= 6
    assert store.reads <= 5 + 4 * 6


def _complaints_mostly_assigned(count: int, policy, calendar) -> InMemoryCaseStore:
    """`count` open cases: every third a complaint, one complaint in ten unassigned; every
    other case unassigned."""
    store = InMemoryCaseStore()
    for n, case in enumerate(_cases(count, seed=3)):
        complaint = n % 3 == 0
        case = replace(
            case,
            assigned_officer="housing-officer" if complaint and n % 30 else None,
            department="housing",
            case_type=CaseType.COMPLAINT if complaint else CaseType.ENQUIRY,
            status=CaseStatus.OPEN,
            closed_at=None,
        )
        store.create_case(case, events=[], schedule=schedule_of(case, policy, calendar, NOW))
    return store


def test_the_complaints_unassigned_are_read_from_their_own_shelves_whatever_the_archive_holds(
    policy, calendar, directory
):
    # The Corporate Complaints Officer's Unassigned view: the unassigned complaints are few
    # beside the unassigned enquiries and the assigned complaints, and a page reads the same
    # at three times the archive, passing over nothing.
    reads = []
    for count in (300, 900):
        store = _complaints_mostly_assigned(count, policy, calendar)

        page = _unassigned_first_page(store, Reach(complaints=True), policy, calendar, directory)

        assert all(v.case.case_type is CaseType.COMPLAINT for v in page.views)
        assert page.read <= 6
        reads.append(store.reads)
    assert reads[0] == reads[1]


def test_a_filter_no_shelf_serves_stops_at_its_budget_and_says_so(
    world, policy, calendar, directory
):
    store, _ = world
    page = read_work_list(
        store,
        reach=EVERYTHING,
        wanted=WorkListFilter(channel=Channel.TELEPHONE, stage=2),
        policy=policy,
        calendar=calendar,
        directory=directory,
        now=NOW,
        budget=20,
    )
    assert page.read == 20
    assert page.narrowed and "narrow" in page.narrowed
    assert page.after is not None  # the next page goes on from where this one stopped


def test_search_finds_open_and_closed_cases_by_name_reference_and_address(world):
    store, cases = world
    closed = next(c for c in cases if not c.is_open)

    def find(text):
        found = find_cases(store, store, text, reference_prefix="NWL", now=NOW)
        return {c.reference for c in found.cases}, found

    assert find(closed.reference)[0] == {closed.reference}
    assert find(closed.reference.lower())[0] == {closed.reference}
    assert find(str(int(closed.reference[-6:])))[0] == {closed.reference}
    by_email, _ = find(closed.customer.email.upper())
    assert by_email == {closed.reference}
    smiths = {c.reference for c in cases if c.customer.name.endswith("Smith")}
    jane_smiths = {c.reference for c in cases if c.customer.name == "Jane Smith"}
    found, result = find("smith")
    newest = sorted(smiths, key=lambda r: store.get_case(r).received_at, reverse=True)
    assert found == set(newest[:25])
    assert result.more == (len(smiths) > 25)
    # A full name reads the cases filed under it whole, newest first.
    newest_janes = sorted(jane_smiths, key=lambda r: store.get_case(r).received_at, reverse=True)
    assert find("Jane Smith")[0] == set(newest_janes[:25])
    # A whole name the viewer may see no case of finds nothing, without reading its words apart.
    store.reads = 0
    unseen = find_cases(
        store, store, "Jane Smith", reference_prefix="NWL", now=NOW, visible=lambda case: False
    )
    assert unseen.cases == [] and unseen.named == len(jane_smiths)
    assert store.reads <= 2 * len(jane_smiths)
    # The words apart, when no name has them whole in that order.
    apart, _ = find("smith jane")
    assert apart <= jane_smiths and len(apart) == min(25, len(jane_smiths))
    assert find("sian o'neil")[0] <= {c.reference for c in cases if "Neil" in c.customer.name}
    assert find("nobody-by-this-name")[0] == set()

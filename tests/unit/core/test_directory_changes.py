"""Administrators change the directory and the closure days: what is allowed, what is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sla_monitor.calendar import ClosureDay, WorkingDayCalendar
from sla_monitor.cases import CaseStatus, NotificationKind
from sla_monitor.directory import Directory, default_directory
from sla_monitor.directory_changes import (
    DirectoryChangeRefused,
    add_department,
    add_officer,
    change_department,
    change_officer,
    close_day,
    hand_over_cases_of_moved,
    hand_over_cases_of_retired,
    open_cases_of,
    reopen_day,
    retire_department,
    retire_officer,
    set_role,
)
from sla_monitor.listing import Schedule
from sla_monitor.policy_terms import Role
from sla_monitor.store.memory import InMemoryCaseStore, InMemoryDirectoryStore
from tests.unit.core.builders import a_case, london

NOW = london(2026, 12, 1, 10, 0)
BY = {"by": "complaints-officer", "now": NOW}


@pytest.fixture
def store() -> InMemoryDirectoryStore:
    return InMemoryDirectoryStore(default_directory())


def refused(match: str):
    return pytest.raises(DirectoryChangeRefused, match=match)


def with_jane(store: InMemoryDirectoryStore) -> None:
    add_officer(
        "jane-smith",
        name="Jane Smith",
        email="jane.smith@nwleicestershire.gov.uk",
        job_title="Housing Officer",
        department="housing",
        store=store,
        **BY,
    )


# -- departments ------------------------------------------------------------------------------


def test_a_department_is_added_with_its_head_and_who_added_it(store):
    added = add_department(
        "parks",
        name="Parks and Open Spaces",
        head_of_service="head-planning",
        team_email="parks@nwleicestershire.gov.uk",
        store=store,
        **BY,
    )
    department = store.load_directory().department("parks")
    assert department == added
    assert (department.head_of_service, department.team_email) == (
        "head-planning",
        "parks@nwleicestershire.gov.uk",
    )
    assert (department.changed_by, department.changed_at) == ("complaints-officer", NOW)


@pytest.mark.parametrize(
    ("code", "head", "email", "reason"),
    [
        ("housing", "head-housing", None, "department with the code housing exists already"),
        ("Parks Dept", "head-housing", None, "lower-case letters, digits and hyphens"),
        ("parks", "nobody", None, "no officer has the id 'nobody'"),
        ("parks", "head-housing", "Parks <parks@x.gov.uk>", "not a plain email address"),
    ],
)
def test_a_department_that_cannot_be_added_is_refused(store, code, head, email, reason):
    before = store.load_directory()
    with refused(reason):
        add_department(
            code, name="Parks", head_of_service=head, team_email=email, store=store, **BY
        )
    assert store.load_directory() == before


def test_a_retired_officer_cannot_be_made_head_of_service(store):
    with_jane(store)
    retire_officer("jane-smith", store=store, **BY)
    with refused("Jane Smith is retired and cannot be Head of Service"):
        add_department("parks", name="Parks", head_of_service="jane-smith", store=store, **BY)
    with refused("Jane Smith is retired"):
        change_department("housing", head_of_service="jane-smith", store=store, **BY)


def test_a_department_changes_only_what_is_given(store):
    with_jane(store)
    changed = change_department("housing", head_of_service="jane-smith", store=store, **BY)
    assert changed.name == "Housing"
    assert store.load_directory().department("housing").head_of_service == "jane-smith"


def test_changing_a_department_needs_a_change_and_a_department(store):
    with refused("nothing to change"):
        change_department("housing", store=store, **BY)
    with refused("no department has the code 'parks'"):
        change_department("parks", name="Parks", store=store, **BY)
    with refused("must not be empty"):
        change_department("housing", name="  ", store=store, **BY)


def test_a_department_is_retired_not_deleted(store):
    retired = retire_department("planning", store=store, **BY)
    directory = store.load_directory()
    assert retired.retired and directory.department("planning").retired
    assert "planning" not in [d.code for d in directory.active_departments()]
    with refused("Planning and Development is retired already"):
        retire_department("planning", store=store, **BY)
    with refused("Planning and Development is retired"):
        change_department("planning", name="Planning", store=store, **BY)
    with refused("Planning and Development is retired"):
        change_officer("head-housing", department="planning", store=store, **BY)


def test_the_default_department_cannot_be_retired_until_another_is_named(store):
    with refused("customer-services is the default department: name another default_department"):
        retire_department("customer-services", store=store, **BY)
    set_role("default_department", "housing", store=store, **BY)
    assert retire_department("customer-services", store=store, **BY).retired


# -- officers ---------------------------------------------------------------------------------


def test_an_officer_is_added_to_a_department(store):
    with_jane(store)
    jane = store.load_directory().officer("jane-smith")
    assert (jane.department, jane.retired, jane.changed_by) == (
        "housing",
        False,
        "complaints-officer",
    )


@pytest.mark.parametrize(
    ("officer_id", "email", "department", "reason"),
    [
        ("head-housing", "a@b.gov.uk", None, "officer with the id head-housing exists already"),
        ("Jane Smith", "a@b.gov.uk", None, "lower-case letters, digits and hyphens"),
        ("jane", "jane at council", None, "not a plain email address"),
        ("jane", '"Jane" <jane@b.gov.uk>', None, "not a plain email address"),
        ("jane", "a@b.gov.uk", "parks", "no department has the code 'parks'"),
    ],
)
def test_an_officer_who_cannot_be_added_is_refused(store, officer_id, email, department, reason):
    before = store.load_directory()
    with refused(reason):
        add_officer(
            officer_id,
            name="Jane",
            email=email,
            job_title="Officer",
            department=department,
            store=store,
            **BY,
        )
    assert store.load_directory() == before


def test_an_officer_changes_only_what_is_given(store):
    with_jane(store)
    changed = change_officer(
        "jane-smith", email="j.smith@nwleicestershire.gov.uk", store=store, **BY
    )
    assert (changed.name, changed.email, changed.department) == (
        "Jane Smith",
        "j.smith@nwleicestershire.gov.uk",
        "housing",
    )
    assert store.load_directory().officer("jane-smith") == changed


def test_changing_an_officer_is_refused_when_it_cannot_be_done(store):
    with_jane(store)
    with refused("nothing to change"):
        change_officer("jane-smith", store=store, **BY)
    with refused("no officer has the id 'john'"):
        change_officer("john", name="John", store=store, **BY)
    with refused("not a plain email address"):
        change_officer("jane-smith", email="jane@", store=store, **BY)
    retire_officer("jane-smith", store=store, **BY)
    with refused("Jane Smith is retired"):
        change_officer("jane-smith", name="Jane Jones", store=store, **BY)


def test_an_officer_who_left_is_retired_and_kept(store):
    with_jane(store)
    retired = retire_officer("jane-smith", store=store, **BY)
    directory = store.load_directory()
    assert retired.retired
    assert directory.officer("jane-smith") == retired  # old cases still name her
    assert "jane-smith" not in [o.officer_id for o in directory.active_officers()]
    with refused("Jane Smith is retired already"):
        retire_officer("jane-smith", store=store, **BY)
    with refused("no officer has the id 'john'"):
        retire_officer("john", store=store, **BY)


@pytest.mark.parametrize(
    ("officer_id", "reason"),
    [
        ("head-housing", "head-housing is Head of Service of housing: name another head first"),
        (
            "complaints-officer",
            "complaints-officer is the corporate complaints officer: "
            "name another corporate_complaints_officer first",
        ),
        ("chief-executive", "chief-executive is the chief executive: name another chief_executive"),
    ],
)
def test_an_officer_holding_a_role_is_retired_only_once_someone_else_holds_it(
    store, officer_id, reason
):
    before = store.load_directory()
    with refused(reason):
        retire_officer(officer_id, store=store, **BY)
    assert store.load_directory() == before


def test_the_head_of_a_retired_department_can_be_retired(store):
    retire_department("planning", store=store, **BY)
    assert retire_officer("head-planning", store=store, **BY).retired


# -- roles ------------------------------------------------------------------------------------


def test_roles_name_an_active_officer_or_department(store):
    with_jane(store)
    assert set_role("corporate_complaints_officer", "jane-smith", store=store, **BY) == "jane-smith"
    set_role("default_department", "housing", store=store, **BY)
    directory = store.load_directory()
    assert (directory.corporate_complaints_officer, directory.default_department) == (
        "jane-smith",
        "housing",
    )
    assert store.role_changes["default_department"] == ("complaints-officer", NOW)
    # The former corporate complaints officer holds no role now and may leave.
    assert retire_officer("complaints-officer", store=store, **BY).retired


@pytest.mark.parametrize(
    ("role", "value", "reason"),
    [
        (
            "mayor",
            "jane-smith",
            "unknown role 'mayor': expected one of corporate_complaints_officer",
        ),
        ("chief_executive", "nobody", "no officer has the id 'nobody'"),
        ("default_department", "parks", "no department has the code 'parks'"),
        ("default_department", "planning", "Planning and Development is retired"),
        (
            "chief_executive",
            "jane-smith",
            "Jane Smith is retired and cannot be chief executive",
        ),
    ],
)
def test_a_role_that_cannot_be_set_is_refused(store, role, value, reason):
    with_jane(store)
    retire_officer("jane-smith", store=store, **BY)
    retire_department("planning", store=store, **BY)
    before = store.load_directory()
    with refused(reason):
        set_role(role, value, store=store, **BY)
    assert store.load_directory() == before


# -- retired people in the directory ----------------------------------------------------------


def test_a_case_of_a_retired_officer_falls_back_to_the_head_of_service(store):
    with_jane(store)
    case = a_case(department="housing", assigned_officer="jane-smith")
    assert store.load_directory().owner(case).officer_id == "jane-smith"
    retire_officer("jane-smith", store=store, **BY)
    directory = store.load_directory()
    assert directory.owner(case).officer_id == "head-housing"
    assert [
        o.officer_id for o in directory.recipients((Role.OWNER, Role.HEAD_OF_SERVICE), case)
    ] == ["head-housing"]
    assert directory.officer("jane-smith").name == "Jane Smith"


def test_a_case_of_a_retired_department_goes_to_the_default_department(store):
    retire_department("planning", store=store, **BY)
    directory = store.load_directory()
    case = a_case(department="planning")
    assert directory.department_of(case).code == "customer-services"
    assert directory.head_of_service(case).officer_id == "head-customer-services"


def test_retired_holders_of_council_wide_roles_are_not_written_to():
    # A directory loaded as it was seeded, with its role holders since marked retired.
    seeded = default_directory()
    directory = replace(
        seeded,
        officers=tuple(
            replace(o, retired=o.officer_id in ("chief-executive", "head-housing"))
            for o in seeded.officers
        ),
    )
    case = a_case(department="housing")
    assert directory.holders(Role.CHIEF_EXECUTIVE, case) == ()
    assert directory.head_of_service(case) is None
    assert directory.owner(case) is None
    assert [o.officer_id for o in directory.recipients(tuple(Role), case)] == ["complaints-officer"]


def test_an_empty_directory_has_no_active_officers():
    assert Directory().active_officers() == ()


# -- closure days -----------------------------------------------------------------------------


def test_a_working_day_is_closed_with_its_reason(store, calendar):
    closure = close_day(
        date(2026, 12, 24),
        reason="Christmas Eve",
        store=store,
        calendar=calendar,
        **BY,
    )
    assert closure == ClosureDay(date(2026, 12, 24), "Christmas Eve", "complaints-officer", NOW)
    assert store.closure_days() == [closure]


def test_today_can_be_closed(store, calendar):
    closure = close_day(date(2026, 12, 1), reason="Snow", store=store, calendar=calendar, **BY)
    assert closure.day == NOW.date()


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 12, 26), "Saturday 26 December 2026 is a weekend day: the council is closed"),
        (date(2026, 12, 25), r"Friday 25 December 2026 is a bank holiday \(Christmas Day\)"),
        (date(2026, 11, 30), r"Monday 30 November 2026 has passed \(today is Tuesday 1 December"),
    ],
)
def test_a_day_that_is_not_a_working_day_ahead_cannot_be_closed(store, calendar, day, reason):
    with refused(reason):
        close_day(day, reason="Closed", store=store, calendar=calendar, **BY)
    assert store.closure_days() == []


def test_a_day_closed_already_cannot_be_closed_again(store, calendar):
    close_day(date(2026, 12, 24), reason="Christmas Eve", store=store, calendar=calendar, **BY)
    with refused(r"Thursday 24 December 2026 is closed already \(Christmas Eve\)"):
        close_day(date(2026, 12, 24), reason="Again", store=store, calendar=calendar, **BY)
    configured = WorkingDayCalendar(closure_days=[date(2026, 12, 31)])
    with refused("Thursday 31 December 2026 is closed already in council.yaml"):
        close_day(
            date(2026, 12, 31),
            reason="New Year's Eve",
            store=store,
            calendar=configured,
            **BY,
        )


def test_a_closure_needs_a_reason(store, calendar):
    with refused("the reason for closing must not be empty"):
        close_day(date(2026, 12, 24), reason=" ", store=store, calendar=calendar, **BY)


def test_a_stored_closure_day_is_opened_again(store, calendar):
    closure = close_day(
        date(2026, 12, 24), reason="Christmas Eve", store=store, calendar=calendar, **BY
    )
    assert reopen_day(date(2026, 12, 24), now=NOW, store=store, calendar=calendar) == closure
    assert store.closure_days() == []


def test_only_a_stored_closure_day_ahead_can_be_opened(store, calendar):
    store.add_closure_day(
        ClosureDay(date(2026, 11, 27), "Staff training", "administrator", london(2026, 11, 1, 9, 0))
    )
    with refused("Wednesday 23 December 2026 is not a closure day"):
        reopen_day(date(2026, 12, 23), now=NOW, store=store, calendar=calendar)
    with refused("Friday 27 November 2026 has passed"):
        reopen_day(date(2026, 11, 27), now=NOW, store=store, calendar=calendar)
    configured = WorkingDayCalendar(closure_days=[date(2026, 12, 31)])
    with refused("Thursday 31 December 2026 is closed in council.yaml: change it there and"):
        reopen_day(date(2026, 12, 31), now=NOW, store=store, calendar=configured)
    assert len(store.closure_days()) == 1


def test_a_leavers_open_cases_are_handed_to_the_head_of_service_each_once(store, policy, calendar):
    # Given Jane's acknowledged case, her unacknowledged one, a closed one, and someone else's
    with_jane(store)
    cases = InMemoryCaseStore()
    received = london(2026, 11, 30, 10, 0)
    told = a_case(
        reference="NWL-2026-000001",
        department="housing",
        assigned_officer="jane-smith",
        received_at=received,
        acknowledged_at=received,
    )
    untold = replace(told, reference="NWL-2026-000002", acknowledged_at=None)
    closed = replace(told, reference="NWL-2026-000003", status=CaseStatus.CLOSED, closed_at=NOW)
    others = replace(told, reference="NWL-2026-000004", assigned_officer="head-housing")
    for case in (told, untold, closed, others):
        cases.create_case(case, events=[], schedule=Schedule(None))
    arguments = {"store": cases, "directory_store": store, "policy": policy, "calendar": calendar}

    # When she has not left yet, nothing is handed over
    with refused("officer jane-smith is not retired"):
        hand_over_cases_of_retired("jane-smith", **arguments, **BY)

    # When she is retired and her cases handed over
    retire_officer("jane-smith", store=store, **BY)
    handed = hand_over_cases_of_retired("jane-smith", **arguments, **BY)

    # Then her open cases are, each with the Head of Service told
    assert handed == ["NWL-2026-000001", "NWL-2026-000002"]
    for reference in handed:
        [notice] = [
            n
            for n in cases.get_case(reference).notifications
            if n.kind is NotificationKind.OWNER_RETIRED
        ]
        assert notice.roles == (Role.HEAD_OF_SERVICE.value,)
        assert notice.details == {
            "retired": "jane-smith",
            "retired_by": "complaints-officer",
            "customer_told": "yes" if reference == "NWL-2026-000001" else "no",
        }
    # and only the customer already told who deals with it is told who does now
    updates = {
        reference: [
            n.details.get("why")
            for n in cases.get_case(reference).notifications
            if n.kind is NotificationKind.CASE_UPDATE
        ]
        for reference in handed
    }
    assert updates == {"NWL-2026-000001": ["reassigned"], "NWL-2026-000002": []}
    event = cases.timeline("NWL-2026-000002")[-1]
    assert (event.kind, event.details["customer_told"]) == ("owner_retired", "no")
    assert not cases.get_case("NWL-2026-000003").notifications
    assert not cases.get_case("NWL-2026-000004").notifications
    # and a second run finds nothing more to hand over
    assert hand_over_cases_of_retired("jane-smith", **arguments, **BY) == []


def test_an_officer_who_moves_department_hands_over_the_cases_of_the_department_left(
    store, policy, calendar
):
    # Given Jane, in Housing, with two Housing cases (one acknowledged) and one of Waste Services
    with_jane(store)
    cases = InMemoryCaseStore()
    received = london(2026, 11, 30, 10, 0)
    told = a_case(
        reference="NWL-2026-000001",
        department="housing",
        assigned_officer="jane-smith",
        received_at=received,
        acknowledged_at=received,
    )
    untold = replace(told, reference="NWL-2026-000002", acknowledged_at=None)
    waste = replace(told, reference="NWL-2026-000003", department="waste-services")
    for case in (told, untold, waste):
        cases.create_case(case, events=[], schedule=Schedule(None))
    arguments = {"store": cases, "directory_store": store, "policy": policy, "calendar": calendar}
    assert sorted(open_cases_of("jane-smith", cases)) == [
        "NWL-2026-000001",
        "NWL-2026-000002",
        "NWL-2026-000003",
    ]

    # When she moves to Waste Services and her cases elsewhere are handed over
    change_officer("jane-smith", department="waste-services", store=store, **BY)
    handed = hand_over_cases_of_moved("jane-smith", **arguments, **BY)

    # Then the Housing cases are nobody's, so Housing's Head of Service's, who is told
    assert handed == ["NWL-2026-000001", "NWL-2026-000002"]
    for reference in handed:
        case = cases.get_case(reference)
        assert case.assigned_officer is None
        [notice] = [n for n in case.notifications if n.kind is NotificationKind.OWNER_MOVED]
        assert notice.roles == (Role.HEAD_OF_SERVICE.value,)
    event = cases.timeline("NWL-2026-000001")[-1]
    assert event.kind == "owner_moved"
    assert event.summary.startswith("Jane Smith has moved to Waste Services: the case is with")
    # and only the customer told who deals with it hears who does now
    assert [
        n.details.get("why")
        for n in cases.get_case("NWL-2026-000001").notifications
        if n.kind is NotificationKind.CASE_UPDATE
    ] == ["reassigned"]
    # and the Waste Services case stays hers
    assert cases.get_case("NWL-2026-000003").assigned_officer == "jane-smith"
    assert open_cases_of("jane-smith", cases) == ["NWL-2026-000003"]
    # and a second run hands over nothing more
    assert hand_over_cases_of_moved("jane-smith", **arguments, **BY) == []

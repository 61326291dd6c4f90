"""The permission matrix, cell by cell: each role against each permission, on cases of their own
department, another department, complaints, and complaints referred to the Chief Executive.

The expected answers are written out here, apart from `MATRIX`, so a change to the matrix must
be made twice: once in the code and once, on purpose, in this table."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from sla_monitor.cases import Case, CaseType, Channel, SentAction
from sla_monitor.web.staff.permissions import (
    MATRIX,
    Permission,
    StaffRole,
    may,
    roles_from_groups,
    viewer_from_claims,
)

from .viewers import DIRECTORY, VIEWERS
from .viewers import viewer as _viewer

RECEIVED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _case(reference: str, case_type: CaseType, department: str, *, referred: bool = False) -> Case:
    case = Case(
        reference=reference,
        case_type=case_type,
        channel=Channel.EMAIL,
        received_at=RECEIVED,
        subject="A sample",
        description="A sample",
        department=department,
    )
    if referred:
        case = replace(
            case,
            sent=(
                SentAction(
                    key="refer_to_chief_executive",
                    action="refer_to_chief_executive",
                    sent_at=RECEIVED,
                ),
            ),
        )
    return case


CASES = {
    "waste enquiry": _case("NWL-2026-000001", CaseType.ENQUIRY, "waste-services"),
    "waste complaint": _case("NWL-2026-000002", CaseType.COMPLAINT, "waste-services"),
    "housing request": _case("NWL-2026-000003", CaseType.SERVICE_REQUEST, "housing"),
    "housing complaint": _case("NWL-2026-000004", CaseType.COMPLAINT, "housing"),
    "referred housing complaint": _case(
        "NWL-2026-000005", CaseType.COMPLAINT, "housing", referred=True
    ),
}


CASEWORK = (
    Permission.VIEW_CASE,
    Permission.ASSIGN_CASE,
    Permission.PAUSE_CLOCKS,
    Permission.EXTEND_DEADLINE,
    Permission.ADD_NOTE,
    Permission.RECORD_RESPONSE,
    Permission.RECLASSIFY_CASE,
    Permission.REQUEST_STAGE_2,
    Permission.RECORD_ACKNOWLEDGEMENT,
    Permission.REPLY_TO_CUSTOMER,
    Permission.DOWNLOAD_ATTACHMENT,
    Permission.ADD_CUSTOMER_REPLY,
    Permission.RECORD_REPRESENTATIVE,
    Permission.LINK_CASES,
    Permission.KEEP_APPOINTMENTS,
)

# The cases each role may work on (every case permission), and may only read.
WORKS_ON = {
    "officer": {"waste enquiry", "waste complaint"},
    "head of service": {"housing request", "housing complaint", "referred housing complaint"},
    "corporate complaints officer": {
        "waste complaint",
        "housing complaint",
        "referred housing complaint",
    },
    "chief executive": set(),
    "administrator": set(),
}
READS_ONLY = {"chief executive": {"referred housing complaint"}}
HAS_WORK_LIST = {"officer", "head of service", "corporate complaints officer", "chief executive"}


CELLS = [(who, permission, what) for who in VIEWERS for permission in CASEWORK for what in CASES]


@pytest.mark.parametrize(("who", "permission", "what"), CELLS)
def test_each_role_on_each_kind_of_case(who: str, permission: Permission, what: str):
    reading = (Permission.VIEW_CASE, Permission.DOWNLOAD_ATTACHMENT)
    expected = what in WORKS_ON[who] or (
        permission in reading and what in READS_ONLY.get(who, set())
    )
    assert may(VIEWERS[who], permission, CASES[what]) is expected


@pytest.mark.parametrize("who", list(VIEWERS))
@pytest.mark.parametrize("permission", [Permission.VIEW_WORK_LIST, Permission.EXPORT_WORK_LIST])
def test_the_work_list_is_for_every_role_with_cases(who: str, permission: Permission):
    assert may(VIEWERS[who], permission) is (who in HAS_WORK_LIST)


# Permissions about no case in particular, role by role.
SERVICE_WIDE = {
    Permission.LOG_CASE: {"officer", "head of service", "corporate complaints officer"},
    Permission.HANDLE_TRIAGE: {"corporate complaints officer", "administrator"},
    Permission.MANAGE_DIRECTORY: {"administrator"},
    Permission.MANAGE_REPLY_TEMPLATES: {"administrator"},
    Permission.MANAGE_CALENDAR: {"administrator"},
    Permission.MANAGE_USERS: {"administrator"},
    # The reports are the whole council's figures and name no one; not for plain officers.
    Permission.VIEW_REPORTS: {
        "head of service",
        "corporate complaints officer",
        "chief executive",
        "administrator",
    },
    # Choosing cases to assign from the work list; each case is asked about again.
    Permission.ASSIGN_CASES: {"officer", "head of service", "corporate complaints officer"},
    # A person's rights over their data: across every service, so no department's officer.
    Permission.SERVE_PRIVACY_REQUESTS: {"corporate complaints officer"},
}


@pytest.mark.parametrize("who", list(VIEWERS))
@pytest.mark.parametrize("permission", list(SERVICE_WIDE))
def test_each_role_on_each_page_about_no_case(who: str, permission: Permission):
    assert may(VIEWERS[who], permission) is (who in SERVICE_WIDE[permission])
    # Holding one gives nothing on any case.
    assert not any(may(VIEWERS[who], permission, case) for case in CASES.values())


@pytest.mark.parametrize("who", list(VIEWERS))
@pytest.mark.parametrize("what", list(CASES))
def test_only_the_corporate_complaints_officer_keeps_a_complaint_on_legal_hold(who: str, what: str):
    expected = who == "corporate complaints officer" and "complaint" in what
    assert may(VIEWERS[who], Permission.KEEP_ON_LEGAL_HOLD, CASES[what]) is expected


def test_every_permission_is_in_one_of_the_tables_here():
    listed = {
        Permission.VIEW_WORK_LIST,
        Permission.EXPORT_WORK_LIST,
        Permission.KEEP_ON_LEGAL_HOLD,
        *CASEWORK,
        *SERVICE_WIDE,
    }
    assert listed == set(Permission)


@pytest.mark.parametrize("permission", CASEWORK)
def test_a_case_permission_asked_without_a_case_is_refused(permission: Permission):
    assert not may(VIEWERS["corporate complaints officer"], permission)


def test_the_matrix_names_every_role_and_only_known_permissions():
    assert set(MATRIX) == set(StaffRole)
    for grants in MATRIX.values():
        assert set(grants) <= set(Permission)


def test_roles_add_up_for_someone_in_two_groups():
    both = _viewer("waste-officer", "officer", "corporate_complaints_officer")
    assert may(both, Permission.RECORD_RESPONSE, CASES["waste enquiry"])  # as an officer
    assert may(both, Permission.RECORD_RESPONSE, CASES["housing complaint"])  # as the CCO
    assert not may(both, Permission.VIEW_CASE, CASES["housing request"])


def test_no_group_or_an_unknown_group_gives_nothing():
    assert roles_from_groups(["finance-team", "admins"]) == frozenset()
    nobody = _viewer("waste-officer")
    assert nobody.roles == frozenset()
    assert not may(nobody, Permission.VIEW_WORK_LIST)
    assert not may(nobody, Permission.VIEW_CASE, CASES["waste enquiry"])


def test_the_officer_is_the_custom_attribute_else_the_username():
    by_attribute = _viewer("housing-officer", "officer")
    assert by_attribute.officer_id == "housing-officer"
    assert by_attribute.department == "housing"
    assert by_attribute.name == "Ravi Evans"

    by_username = viewer_from_claims(
        {"sub": "x", "cognito:username": "waste-officer", "cognito:groups": ["officer"]},
        DIRECTORY,
    )
    assert by_username.officer_id == "waste-officer"
    assert by_username.departments == ("waste-services",)


def test_a_head_of_service_works_on_the_departments_they_head():
    head = _viewer("head-waste-services", "head_of_service")
    assert head.departments == ("waste-services",)
    assert may(head, Permission.ASSIGN_CASE, CASES["waste complaint"])


def test_someone_the_directory_does_not_know_has_no_department_and_so_no_cases():
    stranger = _viewer("not-in-the-directory", "officer")
    assert stranger.departments == ()
    assert may(stranger, Permission.VIEW_WORK_LIST)  # an empty list, not an error
    assert not any(may(stranger, Permission.VIEW_CASE, c) for c in CASES.values())


def test_a_retired_officer_keeps_no_department():
    retired = replace(
        DIRECTORY,
        officers=tuple(
            replace(o, retired=True) if o.officer_id == "waste-officer" else o
            for o in DIRECTORY.officers
        ),
    )
    viewer = viewer_from_claims(
        {"sub": "x", "custom:officer_id": "waste-officer", "cognito:groups": ["officer"]}, retired
    )
    assert not may(viewer, Permission.VIEW_CASE, CASES["waste enquiry"])


def test_a_case_with_no_department_belongs_to_the_default_department():
    unassigned = replace(CASES["waste enquiry"], department=None)
    head = _viewer("head-customer-services", "head_of_service")
    assert may(head, Permission.VIEW_CASE, unassigned)
    assert not may(VIEWERS["officer"], Permission.VIEW_CASE, unassigned)

"""Who may do what in the staff workspace: the roles, the permissions, and the matrix between
them, written down once, here, as data.

A person's roles are their groups in the council's Cognito user pool; the directory says which
officer they are, their department and the departments they head. `may(viewer, permission,
case)` answers every question the pages ask, and each route carries one decorator, `requires`,
so no page holds an `if role` of its own (the way GOV.UK Notify's admin guards its pages with
`user_has_permissions`).

A grant gives a permission over some cases (its `Scope`): an officer's and a Head of Service's
departments, every complaint for the Corporate Complaints Officer, the complaints referred to
the Chief Executive. A permission that names no case (the work list) is held when any grant of
it is held; the work list then shows only the cases the viewer may view.

A permission about no case in particular (logging a new case, the set-aside mail, the
directory, closure days, staff accounts) is granted over the whole service (`Scope.SERVICE`).

A new step slots in as one more `Permission` member and one more entry per role below.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sla_monitor.cases import Case, CaseType
from sla_monitor.directory import Directory
from sla_monitor.engine import Action
from sla_monitor.work_list import Reach


class StaffRole(enum.StrEnum):
    """The roles, named as the Cognito groups that hold them."""

    OFFICER = "officer"
    HEAD_OF_SERVICE = "head_of_service"
    CORPORATE_COMPLAINTS_OFFICER = "corporate_complaints_officer"
    CHIEF_EXECUTIVE = "chief_executive"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        """The role as staff call it: "Head of Service"."""
        return _ROLE_TITLES[self]


_ROLE_TITLES = {
    StaffRole.OFFICER: "Officer",
    StaffRole.HEAD_OF_SERVICE: "Head of Service",
    StaffRole.CORPORATE_COMPLAINTS_OFFICER: "Corporate Complaints Officer",
    StaffRole.CHIEF_EXECUTIVE: "Chief Executive",
    StaffRole.ADMINISTRATOR: "Administrator",
}


class Permission(enum.StrEnum):
    VIEW_WORK_LIST = "view_work_list"
    EXPORT_WORK_LIST = "export_work_list"
    VIEW_CASE = "view_case"
    ASSIGN_CASE = "assign_case"
    # Several cases at once from the work list: each case is asked about again (ASSIGN_CASE).
    ASSIGN_CASES = "assign_cases"
    PAUSE_CLOCKS = "pause_clocks"  # wait on the customer, and resume
    EXTEND_DEADLINE = "extend_deadline"
    ADD_NOTE = "add_note"
    RECORD_RESPONSE = "record_response"
    RECLASSIFY_CASE = "reclassify_case"
    REQUEST_STAGE_2 = "request_stage_2"
    RECORD_ACKNOWLEDGEMENT = "record_acknowledgement"
    REPLY_TO_CUSTOMER = "reply_to_customer"
    DOWNLOAD_ATTACHMENT = "download_attachment"
    ADD_CUSTOMER_REPLY = "add_customer_reply"  # a set-aside message, as the customer's reply
    RECORD_REPRESENTATIVE = "record_representative"  # someone acting for the customer
    LINK_CASES = "link_cases"  # link related cases, merge a duplicate (asked of both cases)
    KEEP_ON_LEGAL_HOLD = "keep_on_legal_hold"  # place and lift a legal hold
    # Book appointments, say the officer is running late, record how they went; call-backs.
    KEEP_APPOINTMENTS = "keep_appointments"
    # About no case in particular.
    LOG_CASE = "log_case"
    HANDLE_TRIAGE = "handle_triage"
    MANAGE_DIRECTORY = "manage_directory"
    MANAGE_CALENDAR = "manage_calendar"
    MANAGE_USERS = "manage_users"
    MANAGE_REPLY_TEMPLATES = "manage_reply_templates"
    VIEW_REPORTS = "view_reports"
    # A person's rights over their personal data: find, export, correct and erase it.
    SERVE_PRIVACY_REQUESTS = "serve_privacy_requests"

    @property
    def on_a_case(self) -> bool:
        """Asked about one case (the route names it), rather than about the service."""
        return self not in _NOT_ON_A_CASE

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Permission.VIEW_WORK_LIST: "see the work list",
    Permission.EXPORT_WORK_LIST: "download the work list",
    Permission.VIEW_CASE: "see a case",
    Permission.ASSIGN_CASE: "assign a case",
    Permission.ASSIGN_CASES: "assign cases chosen in the work list",
    Permission.PAUSE_CLOCKS: "pause and resume a case's clocks",
    Permission.EXTEND_DEADLINE: "extend a deadline",
    Permission.ADD_NOTE: "add a note",
    Permission.RECORD_RESPONSE: "record a formal response",
    Permission.RECLASSIFY_CASE: "reclassify a case",
    Permission.REQUEST_STAGE_2: "take a complaint to stage 2",
    Permission.RECORD_ACKNOWLEDGEMENT: "record an acknowledgement sent by hand",
    Permission.REPLY_TO_CUSTOMER: "write to the customer",
    Permission.DOWNLOAD_ATTACHMENT: "download a case's attachments",
    Permission.ADD_CUSTOMER_REPLY: "add a message to a case as the customer's reply",
    Permission.RECORD_REPRESENTATIVE: "record someone acting for the customer",
    Permission.LINK_CASES: "link related cases and merge duplicates",
    Permission.KEEP_ON_LEGAL_HOLD: "keep a case on legal hold, and lift the hold",
    Permission.KEEP_APPOINTMENTS: "book appointments and call-backs, and say how they went",
    Permission.LOG_CASE: "log a case that came by phone, letter or a visit",
    Permission.HANDLE_TRIAGE: "deal with the mail set aside",
    Permission.MANAGE_DIRECTORY: "change departments, officers and council roles",
    Permission.MANAGE_CALENDAR: "close and open days",
    Permission.MANAGE_USERS: "manage staff accounts",
    Permission.MANAGE_REPLY_TEMPLATES: "add, change and retire reply templates",
    Permission.VIEW_REPORTS: "see the monthly and annual reports",
    Permission.SERVE_PRIVACY_REQUESTS: (
        "find, export, correct and erase what is held about a person"
    ),
}

_NOT_ON_A_CASE = frozenset(
    {
        Permission.VIEW_WORK_LIST,
        Permission.EXPORT_WORK_LIST,
        Permission.ASSIGN_CASES,
        Permission.LOG_CASE,
        Permission.HANDLE_TRIAGE,
        Permission.MANAGE_DIRECTORY,
        Permission.MANAGE_CALENDAR,
        Permission.MANAGE_USERS,
        Permission.MANAGE_REPLY_TEMPLATES,
        Permission.VIEW_REPORTS,
        Permission.SERVE_PRIVACY_REQUESTS,
    }
)


class Scope(enum.StrEnum):
    """The cases a grant covers."""

    OWN_DEPARTMENTS = "own_departments"  # dealt with by a department the viewer is in or heads
    COMPLAINTS = "complaints"
    REFERRED_COMPLAINTS = "referred_complaints"  # complaints referred to the Chief Executive
    SERVICE = "service"  # no case in particular: the service as a whole


_CASEWORK = (
    Permission.VIEW_WORK_LIST,
    Permission.EXPORT_WORK_LIST,
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
_READING = (
    Permission.VIEW_WORK_LIST,
    Permission.EXPORT_WORK_LIST,
    Permission.VIEW_CASE,
    Permission.DOWNLOAD_ATTACHMENT,
)
_ADMINISTRATION = (
    Permission.HANDLE_TRIAGE,
    Permission.MANAGE_DIRECTORY,
    Permission.MANAGE_CALENDAR,
    Permission.MANAGE_USERS,
    Permission.MANAGE_REPLY_TEMPLATES,
)

# The matrix. A role not listed against a permission does not hold it. The reports are the
# whole council's figures and hold no personal data: every role but the officer sees them.
# A person's rights over their data and legal holds are the Corporate Complaints Officer's: the
# council's complaints procedure names them to monitor every complaint start to finish, they
# already deal with the mail set aside from every service, and the Ombudsman's enquiries come
# to them; an administrator runs the system but sees no resident's words.
MATRIX: Mapping[StaffRole, Mapping[Permission, Scope]] = {
    StaffRole.OFFICER: {
        **dict.fromkeys(_CASEWORK, Scope.OWN_DEPARTMENTS),
        Permission.ASSIGN_CASES: Scope.SERVICE,
        Permission.LOG_CASE: Scope.SERVICE,
    },
    StaffRole.HEAD_OF_SERVICE: {
        **dict.fromkeys(_CASEWORK, Scope.OWN_DEPARTMENTS),
        Permission.ASSIGN_CASES: Scope.SERVICE,
        Permission.LOG_CASE: Scope.SERVICE,
        Permission.VIEW_REPORTS: Scope.SERVICE,
    },
    StaffRole.CORPORATE_COMPLAINTS_OFFICER: {
        **dict.fromkeys(_CASEWORK, Scope.COMPLAINTS),
        Permission.KEEP_ON_LEGAL_HOLD: Scope.COMPLAINTS,
        Permission.ASSIGN_CASES: Scope.SERVICE,
        Permission.LOG_CASE: Scope.SERVICE,
        Permission.HANDLE_TRIAGE: Scope.SERVICE,
        Permission.VIEW_REPORTS: Scope.SERVICE,
        Permission.SERVE_PRIVACY_REQUESTS: Scope.SERVICE,
    },
    StaffRole.CHIEF_EXECUTIVE: {
        **dict.fromkeys(_READING, Scope.REFERRED_COMPLAINTS),
        Permission.VIEW_REPORTS: Scope.SERVICE,
    },
    StaffRole.ADMINISTRATOR: {
        **dict.fromkeys(_ADMINISTRATION, Scope.SERVICE),
        Permission.VIEW_REPORTS: Scope.SERVICE,
    },
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the pages see them: verified claims and the directory."""

    username: str
    officer_id: str
    roles: frozenset[StaffRole]
    name: str | None = None
    email: str | None = None
    department: str | None = None  # their own, from the directory
    heads: tuple[str, ...] = ()  # the departments they are Head of Service of
    directory: Directory = field(default_factory=Directory, repr=False, compare=False)

    @property
    def departments(self) -> tuple[str, ...]:
        own = (self.department,) if self.department else ()
        return tuple(dict.fromkeys((*own, *self.heads)))

    @property
    def display_name(self) -> str:
        return self.name or self.email or self.username

    def permissions(self) -> frozenset[Permission]:
        """Every permission the viewer holds over at least some cases."""
        return frozenset(p for role in self.roles for p in MATRIX[role])


def council_roles_of(directory: Directory, officer_id: str) -> frozenset[StaffRole]:
    """The roles the directory gives an officer, for a command run under their name (`--as`),
    where there is no Cognito sign-in to name their groups."""
    roles: set[StaffRole] = set()
    if directory.active_officer(officer_id) is not None:
        roles.add(StaffRole.OFFICER)
    if any(d.head_of_service == officer_id for d in directory.active_departments()):
        roles.add(StaffRole.HEAD_OF_SERVICE)
    if officer_id == directory.corporate_complaints_officer:
        roles.add(StaffRole.CORPORATE_COMPLAINTS_OFFICER)
    if officer_id == directory.chief_executive:
        roles.add(StaffRole.CHIEF_EXECUTIVE)
    return frozenset(roles)


def roles_from_groups(groups: Iterable[str]) -> frozenset[StaffRole]:
    """The roles of a person's Cognito groups; groups that are no role are ignored."""
    known = {r.value: r for r in StaffRole}
    return frozenset(known[g] for g in groups if g in known)


def viewer_from_claims(claims: Mapping[str, Any], directory: Directory) -> Viewer:
    """The viewer of a verified ID token (at sign-in). The officer id is the `custom:officer_id`
    attribute, else the Cognito username."""
    username = str(claims.get("cognito:username") or claims["sub"])
    groups = claims.get("cognito:groups") or []
    return viewer_of(
        username=username,
        officer_id=str(claims.get("custom:officer_id") or username),
        groups=groups if isinstance(groups, list) else [groups],
        name=claims.get("name"),
        email=claims.get("email"),
        directory=directory,
    )


def viewer_of(
    *,
    username: str,
    officer_id: str,
    groups: Iterable[str],
    name: str | None,
    email: str | None,
    directory: Directory,
) -> Viewer:
    """The viewer a session names: an officer the directory does not know (or has retired) has
    no department, so no case falls in their departments."""
    officer = directory.active_officer(officer_id)
    heads = (
        tuple(
            d.code
            for d in directory.active_departments()
            if d.head_of_service == officer.officer_id
        )
        if officer
        else ()
    )
    return Viewer(
        username=username,
        officer_id=officer_id,
        roles=roles_from_groups(groups),
        name=(officer.name if officer else None) or name,
        email=email or (officer.email if officer else None),
        department=officer.department if officer else None,
        heads=heads,
        directory=directory,
    )


# -- the question every page asks -----------------------------------------------------------------


def covers(scope: Scope, viewer: Viewer, case: Case) -> bool:
    if scope is Scope.SERVICE:
        return False  # a grant about no case gives nothing on one
    if scope is Scope.OWN_DEPARTMENTS:
        department = viewer.directory.department_of(case)
        code = department.code if department else case.department
        return code is not None and code in viewer.departments
    if scope is Scope.COMPLAINTS:
        return case.case_type is CaseType.COMPLAINT
    return case.case_type is CaseType.COMPLAINT and bool(
        case.sent_of(Action.REFER_TO_CHIEF_EXECUTIVE.value)
    )


def work_list_reach(viewer: Viewer) -> Reach:
    """The open cases the viewer's roles let them see in the work list, as the shelves are
    chosen by: their departments, every complaint, the complaints referred to the Chief
    Executive (the same scopes `covers` checks case by case)."""
    scopes = {
        MATRIX[role][Permission.VIEW_CASE]
        for role in viewer.roles
        if Permission.VIEW_CASE in MATRIX[role] and Permission.VIEW_WORK_LIST in MATRIX[role]
    }
    return Reach(
        departments=viewer.departments if Scope.OWN_DEPARTMENTS in scopes else (),
        complaints=Scope.COMPLAINTS in scopes,
        referred=Scope.REFERRED_COMPLAINTS in scopes,
    )


def may(viewer: Viewer, permission: Permission, case: Case | None = None) -> bool:
    """Whether the viewer may `permission` (on `case`, when the permission is about one)."""
    scopes = [MATRIX[role][permission] for role in viewer.roles if permission in MATRIX[role]]
    if case is None:
        return bool(scopes) and not permission.on_a_case
    return any(covers(scope, viewer, case) for scope in scopes)


# -- the decorator on every route ----------------------------------------------------------------


class NotSignedIn(Exception):
    """No session, or one that has expired: the person is sent to sign in."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotPermitted(Exception):
    """Signed in, but this is not theirs to see or do."""

    def __init__(self, permission: Permission) -> None:
        super().__init__(permission.value)
        self.permission: Permission | None = permission


class Access(Protocol):
    """What the decorator needs from the request being answered."""

    def viewer(self) -> Viewer:
        """The signed-in viewer; raises NotSignedIn."""
        ...

    def case(self, reference: str) -> Case:
        """The case; raises CaseNotFound."""
        ...

    def case_in_form(self, field: str) -> Case | None:
        """The case the posted form's `field` names, or None when it names none."""
        ...


@dataclass(frozen=True)
class CaseInForm:
    """A case a route acts on that its form names rather than its address (triage's "add it to
    a case"): the viewer must hold `permission` on that case too, as on any case page."""

    field: str
    permission: Permission


CURRENT_ACCESS: ContextVar[Access] = ContextVar("staff_access")

Route = TypeVar("Route", bound=Callable[..., Any])


def requires(
    permission: Permission | None, *, target: CaseInForm | None = None
) -> Callable[[Route], Route]:
    """Run the route only for a signed-in viewer who may `permission` (on the case its
    `reference` parameter names) and, with a `target`, who may `target.permission` on the case
    the form names; otherwise NotSignedIn or NotPermitted, before anything runs. A form that
    names no case is left to the page to say so. `requires(None)` asks only that someone is
    signed in (their home, their account)."""

    def decorate(route: Route) -> Route:
        @functools.wraps(route)
        def guarded(*args: Any, **params: Any) -> Any:
            access = CURRENT_ACCESS.get()
            viewer = access.viewer()
            if permission is not None:
                case = access.case(params["reference"]) if permission.on_a_case else None
                if not may(viewer, permission, case):
                    raise NotPermitted(permission)
            if target is not None:
                named = access.case_in_form(target.field)
                if named is not None and not may(viewer, target.permission, named):
                    raise NotPermitted(target.permission)
            return route(*args, **params)

        guarded.permission = permission  # type: ignore[attr-defined]
        guarded.target = target  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate

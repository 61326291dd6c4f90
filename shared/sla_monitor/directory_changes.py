"""What a council's administrators change after go-live, without a redeploy: departments,
officers, the council-wide roles, and the days the council closes.

Each use case reads the directory, checks the change against it, and writes the one item it
changes. A change that cannot be made is refused with `DirectoryChangeRefused`, whose message is
one line saying why (and, where something must happen first, what); nothing is written then.
Nobody is deleted: officers and departments are retired, because old cases still name them.
A retired officer's open cases are the Head of Service's; `hand_over_cases_of_retired` tells
their customers and the Head of Service so.

The CLI calls these; the staff pages will call the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import ClosureDay, WorkingDayCalendar, require_aware
from sla_monitor.cases import Case, NotificationKind, TimelineEvent
from sla_monitor.checker.messages import valid_address
from sla_monitor.directory import COUNCIL_ROLES, Department, Directory, Officer
from sla_monitor.policy_terms import Role
from sla_monitor.staff import change_case
from sla_monitor.store.ports import CaseStore, DirectoryStore, Shelf
from sla_monitor.store.shelves import owner_key
from sla_monitor.wording import long_date

if TYPE_CHECKING:
    from sla_monitor.policy import Policy

# Ids and codes appear in URLs, table keys and commands: keep them plain.
_IDENTIFIER = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


class DirectoryChangeRefused(ValueError):
    """The change cannot be made as the directory or calendar stands; the message says why, and
    `argument`, where one argument is at fault, names it (so a form can put the error there)."""

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


# -- checks -----------------------------------------------------------------------------------


def _identifier(value: str, what: str, argument: str) -> str:
    if not _IDENTIFIER.match(value):
        raise DirectoryChangeRefused(
            f"{what} must only include lower-case letters, digits and hyphens, like housing",
            argument=argument,
        )
    return value


def _text(value: str, what: str, argument: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise DirectoryChangeRefused(f"{what} must not be empty", argument=argument)
    return cleaned


def _email(value: str, what: str, argument: str) -> str:
    cleaned = value.strip()
    if not valid_address(cleaned):
        raise DirectoryChangeRefused(
            f"{what} {value!r} is not a plain email address, like name@council.gov.uk",
            argument=argument,
        )
    return cleaned


def _department(directory: Directory, code: str, argument: str = "code") -> Department:
    found = directory.department(code)
    if found is None:
        raise DirectoryChangeRefused(f"no department has the code {code!r}", argument=argument)
    return found


def _active_department(directory: Directory, code: str, argument: str = "code") -> Department:
    found = _department(directory, code, argument)
    if found.retired:
        raise DirectoryChangeRefused(f"{found.name} is retired", argument=argument)
    return found


def _officer(directory: Directory, officer_id: str, argument: str = "officer_id") -> Officer:
    found = directory.officer(officer_id)
    if found is None:
        raise DirectoryChangeRefused(f"no officer has the id {officer_id!r}", argument=argument)
    return found


def _active_officer(
    directory: Directory, officer_id: str, as_what: str = "", argument: str = "officer_id"
) -> Officer:
    found = _officer(directory, officer_id, argument)
    if found.retired:
        suffix = f" and cannot be {as_what}" if as_what else ""
        raise DirectoryChangeRefused(f"{found.name} is retired{suffix}", argument=argument)
    return found


# -- departments ------------------------------------------------------------------------------


def add_department(
    code: str,
    *,
    name: str,
    head_of_service: str,
    team_email: str | None = None,
    by: str,
    now: datetime,
    store: DirectoryStore,
) -> Department:
    directory = store.load_directory()
    _identifier(code, "a department code", "code")
    if directory.department(code) is not None:
        raise DirectoryChangeRefused(
            f"a department with the code {code} exists already", argument="code"
        )
    department = Department(
        code=code,
        name=_text(name, "the department's name", "name"),
        head_of_service=_active_officer(
            directory, head_of_service, "Head of Service", "head_of_service"
        ).officer_id,
        team_email=(
            _email(team_email, "the team email", "team_email") if team_email is not None else None
        ),
        changed_by=by,
        changed_at=require_aware(now),
    )
    store.save_department(department)
    return department


def change_department(
    code: str,
    *,
    name: str | None = None,
    head_of_service: str | None = None,
    team_email: str | None = None,
    by: str,
    now: datetime,
    store: DirectoryStore,
) -> Department:
    """Change what is given, keep the rest."""
    if name is None and head_of_service is None and team_email is None:
        raise DirectoryChangeRefused(
            "nothing to change: give a name, a head of service or a team email"
        )
    directory = store.load_directory()
    current = _active_department(directory, code)
    changed = replace(
        current,
        name=_text(name, "the department's name", "name") if name is not None else current.name,
        head_of_service=(
            _active_officer(
                directory, head_of_service, "Head of Service", "head_of_service"
            ).officer_id
            if head_of_service is not None
            else current.head_of_service
        ),
        team_email=(
            _email(team_email, "the team email", "team_email")
            if team_email is not None
            else current.team_email
        ),
        changed_by=by,
        changed_at=require_aware(now),
    )
    store.save_department(changed)
    return changed


def retire_department(code: str, *, by: str, now: datetime, store: DirectoryStore) -> Department:
    """Retire a department: its cases go to the default department from now on."""
    directory = store.load_directory()
    current = _department(directory, code)
    if current.retired:
        raise DirectoryChangeRefused(f"{current.name} is retired already")
    if directory.default_department == code:
        raise DirectoryChangeRefused(
            f"department {code} is the default department: name another default_department first"
        )
    retired = replace(current, retired=True, changed_by=by, changed_at=require_aware(now))
    store.save_department(retired)
    return retired


# -- officers ---------------------------------------------------------------------------------


def add_officer(
    officer_id: str,
    *,
    name: str,
    email: str,
    job_title: str,
    department: str | None = None,
    by: str,
    now: datetime,
    store: DirectoryStore,
) -> Officer:
    directory = store.load_directory()
    _identifier(officer_id, "an officer id", "officer_id")
    if directory.officer(officer_id) is not None:
        raise DirectoryChangeRefused(
            f"an officer with the id {officer_id} exists already", argument="officer_id"
        )
    officer = Officer(
        officer_id=officer_id,
        name=_text(name, "the officer's name", "name"),
        email=_email(email, "the email", "email"),
        job_title=_text(job_title, "the job title", "job_title"),
        department=(
            _active_department(directory, department, "department").code if department else None
        ),
        changed_by=by,
        changed_at=require_aware(now),
    )
    store.save_officer(officer)
    return officer


def change_officer(
    officer_id: str,
    *,
    name: str | None = None,
    email: str | None = None,
    job_title: str | None = None,
    department: str | None = None,
    by: str,
    now: datetime,
    store: DirectoryStore,
) -> Officer:
    """Change what is given, keep the rest."""
    if name is None and email is None and job_title is None and department is None:
        raise DirectoryChangeRefused(
            "nothing to change: give a name, an email, a job title or a department"
        )
    directory = store.load_directory()
    current = _active_officer(directory, officer_id)
    changed = replace(
        current,
        name=_text(name, "the officer's name", "name") if name is not None else current.name,
        email=_email(email, "the email", "email") if email is not None else current.email,
        job_title=(
            _text(job_title, "the job title", "job_title")
            if job_title is not None
            else current.job_title
        ),
        department=(
            _active_department(directory, department, "department").code
            if department is not None
            else current.department
        ),
        changed_by=by,
        changed_at=require_aware(now),
    )
    store.save_officer(changed)
    return changed


def retire_officer(officer_id: str, *, by: str, now: datetime, store: DirectoryStore) -> Officer:
    """Retire an officer who has left. Cases still assigned to them go to each case's Head of
    Service; a role they hold must be given to someone else first."""
    directory = store.load_directory()
    current = _officer(directory, officer_id)
    if current.retired:
        raise DirectoryChangeRefused(f"{current.name} is retired already")
    headed = [d.code for d in directory.active_departments() if d.head_of_service == officer_id]
    if headed:
        raise DirectoryChangeRefused(
            f"officer {officer_id} is Head of Service of {', '.join(headed)}: "
            "name another head first"
        )
    if directory.corporate_complaints_officer == officer_id:
        raise DirectoryChangeRefused(
            f"officer {officer_id} is the corporate complaints officer: "
            "name another corporate_complaints_officer first"
        )
    if directory.chief_executive == officer_id:
        raise DirectoryChangeRefused(
            f"officer {officer_id} is the chief executive: name another chief_executive first"
        )
    retired = replace(current, retired=True, changed_by=by, changed_at=require_aware(now))
    store.save_officer(retired)
    return retired


class _AlreadyHandedOver(Exception):
    """The case is no longer the officer's, or its handover was recorded before."""


def hand_over_cases_of_retired(
    officer_id: str,
    *,
    by: str,
    now: datetime,
    store: CaseStore,
    directory_store: DirectoryStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> list[str]:
    """After `retire_officer`: each open case still assigned to the officer is now its Head of
    Service's (the directory makes them its owner). The Head of Service hears of each; a
    customer already told who deals with their case is told who does now; the timeline records
    the handover. Each case once, however often this runs. Returns the references."""
    directory = directory_store.load_directory()
    officer = _officer(directory, officer_id)
    if not officer.retired:
        raise DirectoryChangeRefused(f"officer {officer_id} is not retired")
    return _hand_over(
        officer,
        NotificationKind.OWNER_RETIRED,
        f"{officer.name} has left",
        directory=directory,
        unassign=False,
        cases_of=lambda case: True,
        by=by,
        now=now,
        store=store,
        policy=policy,
        calendar=calendar,
    )


def open_cases_of(officer_id: str, store: CaseStore) -> list[str]:
    """The references of the open cases assigned to the officer (their own shelf holds exactly
    those), to show before they move department or leave."""
    return [e.reference for e in store.shelved(Shelf.OWNER, owner_key(officer_id, None))]


def hand_over_cases_of_moved(
    officer_id: str,
    *,
    by: str,
    now: datetime,
    store: CaseStore,
    directory_store: DirectoryStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> list[str]:
    """After `change_officer` moved the officer to another department: each of their open cases
    in any other department is no longer assigned to them, so it is its Head of Service's until
    someone is. The Head of Service hears of each, a customer told who deals with their case is
    told who does now, and the timeline says why. Returns the references."""
    directory = directory_store.load_directory()
    officer = _active_officer(directory, officer_id)
    department = directory.department(officer.department or "")
    now_in = department.name if department else "another department"
    return _hand_over(
        officer,
        NotificationKind.OWNER_MOVED,
        f"{officer.name} has moved to {now_in}",
        directory=directory,
        unassign=True,
        cases_of=lambda case: (
            (case.department or directory.default_department) != officer.department
        ),
        by=by,
        now=now,
        store=store,
        policy=policy,
        calendar=calendar,
    )


def _hand_over(
    officer: Officer,
    kind: NotificationKind,
    because: str,
    *,
    directory: Directory,
    unassign: bool,
    cases_of: Callable[[Case], bool],
    by: str,
    now: datetime,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> list[str]:
    officer_id = officer.officer_id
    handed: list[str] = []

    def change(case: Case) -> tuple[Case, TimelineEvent]:
        if not case.is_open or case.assigned_officer != officer_id or not cases_of(case):
            raise _AlreadyHandedOver
        if any(
            n.kind is kind and n.details.get("retired") == officer_id for n in case.notifications
        ):
            raise _AlreadyHandedOver
        head = directory.head_of_service(case)
        told = case.stage_2.acknowledged_at if case.stage_2 is not None else case.acknowledged_at
        changed = replace(case, assigned_officer=None) if unassign else case
        changed = changed.notify(
            kind,
            at=now,
            roles=(Role.HEAD_OF_SERVICE.value,),
            retired=officer_id,
            retired_by=by,
            customer_told="yes" if told is not None else "no",
        )
        if told is not None:
            changed = changed.notify(NotificationKind.CASE_UPDATE, at=now, why="reassigned")
        now_with = f"the Head of Service, {head.name}" if head else "the department"
        return changed, TimelineEvent(
            at=now,
            kind=kind.value,
            actor=by,
            summary=f"{because}: the case is with {now_with} until someone is assigned"
            + ("; the customer is told who deals with it now" if told is not None else ""),
            details={
                "retired_officer": officer_id,
                "head_of_service": head.officer_id if head else "",
                "customer_told": "yes" if told is not None else "no",
            },
        )

    for reference in open_cases_of(officer_id, store):
        try:
            change_case(reference, change, store=store, policy=policy, calendar=calendar, now=now)
        except _AlreadyHandedOver:
            continue
        handed.append(reference)
    return handed


# -- council-wide roles -----------------------------------------------------------------------


def set_role(role: str, value: str, *, by: str, now: datetime, store: DirectoryStore) -> str:
    """Name the officer (corporate_complaints_officer, chief_executive) or the department
    (default_department) a council-wide role stands for. Returns the value set."""
    if role not in COUNCIL_ROLES:
        raise DirectoryChangeRefused(
            f"unknown role {role!r}: expected one of {', '.join(COUNCIL_ROLES)}"
        )
    directory = store.load_directory()
    if role == "default_department":
        value = _active_department(directory, value, "value").code
    else:
        value = _active_officer(directory, value, role.replace("_", " "), "value").officer_id
    store.save_role(role, value, changed_by=by, changed_at=require_aware(now))
    return value


# -- closure days -----------------------------------------------------------------------------


def _stored_closure(store: DirectoryStore, day: date) -> ClosureDay | None:
    return next((c for c in store.closure_days() if c.day == day), None)


def _not_in_the_past(day: date, calendar: WorkingDayCalendar, now: datetime) -> None:
    today = calendar.local(now).date()
    if day < today:
        raise DirectoryChangeRefused(
            f"{long_date(day)} has passed (today is {long_date(today)}): "
            "the deadlines counted over it stand",
            argument="day",
        )


def close_day(
    day: date,
    *,
    reason: str,
    by: str,
    now: datetime,
    store: DirectoryStore,
    calendar: WorkingDayCalendar,
) -> ClosureDay:
    """Close the council on a working day from today on; deadlines are counted around it.

    `calendar` is the council's working-day calendar: its closure days (configured in
    council.yaml, and stored ones if it has them) count as closed already."""
    reason = _text(reason, "the reason for closing", "reason")
    check_closable(day, now=now, store=store, calendar=calendar)
    closure = ClosureDay(day=day, reason=reason, added_by=by, added_at=require_aware(now))
    if not store.add_closure_day(closure):
        # Someone else closed it between the check and the write.
        raise DirectoryChangeRefused(f"{long_date(day)} is closed already", argument="day")
    return closure


def check_closable(
    day: date, *, now: datetime, store: DirectoryStore, calendar: WorkingDayCalendar
) -> None:
    """Refuse, with the reason, a day that cannot be closed: one that has passed, a weekend
    day, a bank holiday or a day closed already. Closing it is what `close_day` does."""
    _not_in_the_past(day, calendar, now)
    if day.weekday() >= 5:
        raise DirectoryChangeRefused(
            f"{long_date(day)} is a weekend day: the council is closed at weekends anyway",
            argument="day",
        )
    holiday = calendar.bank_holiday_name(day)
    if holiday:
        raise DirectoryChangeRefused(
            f"{long_date(day)} is a bank holiday ({holiday})", argument="day"
        )
    stored = _stored_closure(store, day)
    if stored is not None:
        raise DirectoryChangeRefused(
            f"{long_date(day)} is closed already ({stored.reason})",
            argument="day",
        )
    if day in calendar.closure_days:
        raise DirectoryChangeRefused(
            f"{long_date(day)} is closed already in council.yaml", argument="day"
        )


def reopen_day(
    day: date, *, now: datetime, store: DirectoryStore, calendar: WorkingDayCalendar
) -> ClosureDay:
    """Open again a closure day stored earlier, from today on. Returns the closure removed.
    Days closed in council.yaml are changed there, with a redeploy."""
    _not_in_the_past(day, calendar, now)
    stored = _stored_closure(store, day)
    if stored is None:
        if day in calendar.closure_days:
            raise DirectoryChangeRefused(
                f"{long_date(day)} is closed in council.yaml: change it there and redeploy",
                argument="day",
            )
        raise DirectoryChangeRefused(f"{long_date(day)} is not a closure day", argument="day")
    if not store.remove_closure_day(day):
        raise DirectoryChangeRefused(f"{long_date(day)} is not a closure day", argument="day")
    return stored

"""The administrators' pages: the directory (departments, officers, the council-wide roles),
the days the council closes, and staff accounts.

The pages read and check the answers; each change is a use case: `directory_changes` for the
directory and closure days (a closure re-times the open cases whose dates it moves, as
`sla-monitor calendar` does), `staff_accounts` for accounts. Their refusals are shown beside the
field they concern, with the answers kept. Nobody and nothing is deleted: officers and
departments are retired, accounts disabled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.directory import Department, Officer
from sla_monitor.directory_changes import (
    DirectoryChangeRefused,
    add_department,
    add_officer,
    change_department,
    change_officer,
    close_day,
    hand_over_cases_of_retired,
    reopen_day,
    retire_department,
    retire_officer,
    set_role,
)
from sla_monitor.lookups import NotInTheDirectory
from sla_monitor.retiming import Retiming, retime_open_cases
from sla_monitor.staff_accounts import (
    AccountChangeRefused,
    StaffAccount,
    StaffAccounts,
    change_groups,
    disable,
    invite,
)
from sla_monitor.store.ports import DirectoryStore
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.answers import day_from, ticked
from sla_monitor.web.staff.formatting import sentence
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import StaffRole
from sla_monitor.wording import long_date

_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_NAME = 200


def _error(refusal: DirectoryChangeRefused | AccountChangeRefused, fields: Mapping[str, str]):
    """The refusal beside the field of the argument it names, else above the button."""
    field = fields.get(refusal.argument or "", "submit")
    return FieldError(field, sentence(str(refusal)))


def _officer_items(officers: Iterable[Officer], names: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {
            "value": o.officer_id,
            "text": o.name
            + (f" ({names.get(o.department, o.department)})" if o.department else ""),
        }
        for o in sorted(officers, key=lambda o: o.name)
    ]


# -- the directory -------------------------------------------------------------------------------


_DIRECTORY_DONE = {
    "department-added": "The department has been added.",
    "department-changed": "The department has been changed.",
    "department-retired": "The department has been retired. Its cases go to the default "
    "department.",
    "officer-added": "The officer has been added. Invite them to the workspace from Staff "
    "accounts.",
    "officer-changed": "The officer has been changed.",
    "officer-retired": "The officer has been retired. Cases still assigned to them are their "
    "Head of Service's until someone else is assigned.",
    "roles-changed": "The council-wide roles have been changed.",
}
_ROLE_FIELDS = ("corporate_complaints_officer", "chief_executive", "default_department")


class DirectoryPages:
    def __init__(
        self, pages: StaffPages, *, store: DirectoryStore, forget: Callable[[], None]
    ) -> None:
        self.pages = pages
        self.store = store
        # This container's copy of the directory is read again after a change (other
        # containers read it again within minutes: see runtime.STAFF_DATA_MAX_AGE).
        self.forget = forget

    def overview(self, visit: Visit) -> WebResponse:
        directory = self.store.load_directory()
        names = {d.code: d.name for d in directory.departments}
        urls = visit.urls

        def officer_name(officer_id: str | None) -> str:
            found = directory.officer(officer_id)
            return found.name if found else (officer_id or "Nobody")

        departments = [
            {
                "name": d.name,
                "code": d.code,
                "head": officer_name(d.head_of_service),
                "team_email": d.team_email or "None",
                "retired": d.retired,
                "change": urls.page(f"directory/departments/{d.code}/change"),
                "retire": urls.page(f"directory/departments/{d.code}/retire"),
            }
            for d in sorted(directory.departments, key=lambda d: (d.retired, d.name))
        ]
        officers = [
            {
                "name": o.name,
                "officer_id": o.officer_id,
                "job_title": o.job_title,
                "department": names.get(o.department or "", "None"),
                "email": o.email,
                "retired": o.retired,
                "change": urls.page(f"directory/officers/{o.officer_id}/change"),
                "retire": urls.page(f"directory/officers/{o.officer_id}/retire"),
            }
            for o in sorted(directory.officers, key=lambda o: (o.retired, o.name))
        ]
        default = directory.department(directory.default_department)
        return self.pages.page(
            visit,
            "directory/overview.html",
            title="Directory",
            done=_DIRECTORY_DONE.get(visit.request.query.get("done", "")),
            departments=departments,
            officers=officers,
            roles=[
                (
                    "Corporate Complaints Officer",
                    officer_name(directory.corporate_complaints_officer),
                ),
                ("Chief Executive", officer_name(directory.chief_executive)),
                ("Default department", default.name if default else "None"),
            ],
        )

    # -- forms ----------------------------------------------------------------------------

    def _department(self, code: str) -> Department:
        found = self.store.load_directory().department(code) if _IDENTIFIER.match(code) else None
        if found is None:
            raise NotInTheDirectory(code)
        return found

    def _officer(self, officer_id: str) -> Officer:
        directory = self.store.load_directory()
        found = directory.officer(officer_id) if _IDENTIFIER.match(officer_id) else None
        if found is None:
            raise NotInTheDirectory(officer_id)
        return found

    def form(
        self,
        visit: Visit,
        section: str,
        key: str | None,
        action: str,
        *,
        values: Mapping[str, str] | None = None,
        errors: tuple[FieldError, ...] = (),
        why: str | None = None,
    ) -> WebResponse:
        directory = self.store.load_directory()
        names = {d.code: d.name for d in directory.departments}
        subject: Department | Officer | None = None
        if section == "departments" and key is not None:
            subject = self._department(key)
        elif section == "officers" and key is not None:
            subject = self._officer(key)
        if values is None:
            values = self._current_values(subject, directory)
        titles = {
            ("departments", "add"): "Add a department",
            ("departments", "change"): f"Change {getattr(subject, 'name', '')}",
            ("departments", "retire"): f"Retire {getattr(subject, 'name', '')}",
            ("officers", "add"): "Add an officer",
            ("officers", "change"): f"Change {getattr(subject, 'name', '')}",
            ("officers", "retire"): f"Retire {getattr(subject, 'name', '')}",
            ("roles", "change"): "Council-wide roles",
        }
        path = (
            "directory/roles"
            if section == "roles"
            else f"directory/{section}/new"
            if action == "add"
            else f"directory/{section}/{key}/{action}"
        )
        return self.pages.form_page(
            visit,
            f"directory/{section}-{action}.html",
            title=titles[(section, action)],
            values=values,
            errors=errors,
            why=why,
            subject=subject,
            action_url=visit.urls.page(path),
            back=visit.urls.page("directory"),
            officers=[
                {"value": "", "text": "Choose an officer"},
                *_officer_items(directory.active_officers(), names),
            ],
            departments=[{"value": "", "text": "No department"}]
            + [
                {"value": d.code, "text": d.name}
                for d in sorted(directory.active_departments(), key=lambda d: d.name)
            ],
        )

    @staticmethod
    def _current_values(subject: Department | Officer | None, directory: Any) -> dict[str, str]:
        if isinstance(subject, Department):
            return {
                "name": subject.name,
                "head_of_service": subject.head_of_service,
                "team_email": subject.team_email or "",
            }
        if isinstance(subject, Officer):
            return {
                "name": subject.name,
                "email": subject.email,
                "job_title": subject.job_title,
                "department": subject.department or "",
            }
        return {
            "corporate_complaints_officer": directory.corporate_complaints_officer or "",
            "chief_executive": directory.chief_executive or "",
            "default_department": directory.default_department or "",
        }

    def change(self, visit: Visit, section: str, key: str | None, action: str) -> WebResponse:
        values = self.pages.trusted_form(visit)
        if section in ("departments", "officers") and key is not None:
            # Changing one that is not there is a missing page, not a form error.
            (self._department if section == "departments" else self._officer)(key)
        errors = self._check(section, action, values)
        if errors:
            return self.form(visit, section, key, action, values=values, errors=tuple(errors))
        by, now = visit.viewer.officer_id, visit.now
        common: dict[str, Any] = {"by": by, "now": now, "store": self.store}
        text = {k: " ".join(v.split()) for k, v in values.items()}
        try:
            if section == "departments" and action == "add":
                add_department(
                    text["code"],
                    name=text["name"],
                    head_of_service=text["head_of_service"],
                    team_email=text.get("team_email") or None,
                    **common,
                )
                done = "department-added"
            elif section == "departments" and action == "change":
                assert key is not None
                change_department(
                    key,
                    name=text["name"],
                    head_of_service=text["head_of_service"],
                    team_email=text.get("team_email") or None,
                    **common,
                )
                done = "department-changed"
            elif section == "departments":
                assert key is not None
                retire_department(key, **common)
                done = "department-retired"
            elif section == "officers" and action == "add":
                add_officer(
                    text["officer_id"],
                    name=text["name"],
                    email=text["email"],
                    job_title=text["job_title"],
                    department=text.get("department") or None,
                    **common,
                )
                done = "officer-added"
            elif section == "officers" and action == "change":
                assert key is not None
                change_officer(
                    key,
                    name=text["name"],
                    email=text["email"],
                    job_title=text["job_title"],
                    department=text.get("department") or None,
                    **common,
                )
                done = "officer-changed"
            elif section == "officers":
                assert key is not None
                retire_officer(key, **common)
                # Their open cases are the Head of Service's now: the customers and heads hear.
                hand_over_cases_of_retired(
                    key,
                    by=by,
                    now=now,
                    store=self.pages.store,
                    directory_store=self.store,
                    policy=self.pages.policy,
                    calendar=self.pages.calendar,
                )
                done = "officer-retired"
            else:
                current = self.store.load_directory()
                for role in _ROLE_FIELDS:
                    if text[role] != (getattr(current, role) or ""):
                        set_role(role, text[role], **common)
                done = "roles-changed"
        except DirectoryChangeRefused as refusal:
            fields = {
                "code": "code",
                "officer_id": "officer_id",
                "name": "name",
                "head_of_service": "head_of_service",
                "team_email": "team_email",
                "email": "email",
                "job_title": "job_title",
                "department": "department",
                "value": "corporate_complaints_officer",
            }
            error = _error(refusal, fields)
            return self.form(
                visit, section, key, action, values=values, errors=(error,), why="change refused"
            )
        self.forget()
        return self.pages.see_other(
            visit,
            visit.urls.page("directory", f"done={done}"),
            "directory changed",
            change=done,
        )

    @staticmethod
    def _check(section: str, action: str, values: Mapping[str, str]) -> list[FieldError]:
        def required(name: str, message: str) -> None:
            value = values.get(name, "").strip()
            if not value:
                errors.append(FieldError(name, message))
            elif len(value) > MAX_NAME:
                errors.append(FieldError(name, f"Use {MAX_NAME} characters or fewer"))

        errors: list[FieldError] = []
        if action == "retire":
            return errors
        if section == "departments":
            if action == "add":
                required("code", "Enter a code for the department, like housing")
            required("name", "Enter the department's name")
            required("head_of_service", "Choose the Head of Service")
        elif section == "officers":
            if action == "add":
                required("officer_id", "Enter an id for the officer, like jo-patel")
            required("name", "Enter the officer's name")
            required("email", "Enter the officer's email address")
            required("job_title", "Enter the officer's job title")
        else:
            required("corporate_complaints_officer", "Choose the Corporate Complaints Officer")
            required("chief_executive", "Choose the Chief Executive")
            required("default_department", "Choose the default department")
        return errors


# -- closure days -------------------------------------------------------------------------------


def _day_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class CalendarPages:
    def __init__(
        self,
        pages: StaffPages,
        *,
        store: DirectoryStore,
        calendar: Callable[[], WorkingDayCalendar],
        configured: Collection[date],
        forget: Callable[[], None],
    ) -> None:
        self.pages = pages
        self.store = store
        self.calendar = calendar  # the council's calendar as it stands (read again after forget)
        self.configured = configured
        self.forget = forget

    def overview(self, visit: Visit) -> WebResponse:
        calendar = self.calendar()
        today = calendar.local(visit.now).date()
        stored = self.store.closure_days()
        closures: list[dict[str, Any]] = sorted(
            [
                {
                    "day": c.day,
                    "reason": c.reason,
                    "added": f"by {self._name(c.added_by)}, {c.added_at:%d %b %Y}",
                    "open": visit.urls.page(f"calendar/{c.day.isoformat()}/open")
                    if c.day >= today
                    else None,
                }
                for c in stored
            ]
            + [
                {"day": d, "reason": "Closed in council.yaml", "added": "", "open": None}
                for d in self.configured
                if d not in {c.day for c in stored}
            ],
            key=lambda c: str(c["day"]),
        )
        year_on = today + timedelta(days=365)
        holidays = [
            {"day": day, "name": name}
            for day in (today + timedelta(days=n) for n in range((year_on - today).days))
            if (name := calendar.bank_holiday_name(day))
        ]
        query = visit.request.query
        done, done_day = query.get("done"), query.get("day", "")
        moved = [r for r in query.get("cases", "").split(",") if re.fullmatch(r"[A-Z0-9-]+", r)]
        return self.pages.page(
            visit,
            "calendar/overview.html",
            title="Closure days",
            done=done if done in ("closed", "opened") else None,
            done_day=_day_or_none(done_day),
            moved_count=int(query["moved"]) if query.get("moved", "").isdigit() else 0,
            moved=moved,
            closures=[c for c in closures if c["day"] >= today],
            past=[c for c in closures if c["day"] < today][-10:],
            holidays=holidays,
            close_url=visit.urls.page("calendar/close"),
        )

    def _name(self, officer_id: str) -> str:
        found = self.pages.directory.officer(officer_id)
        return found.name if found else officer_id

    def _stored(self, day_text: str) -> Any:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise NotInTheDirectory(day_text) from None
        found = next((c for c in self.store.closure_days() if c.day == day), None)
        if found is None:
            raise NotInTheDirectory(day_text)
        return found

    def close_form(
        self,
        visit: Visit,
        *,
        values: Mapping[str, str] | None = None,
        errors: tuple[FieldError, ...] = (),
        why: str | None = None,
    ) -> WebResponse:
        return self.pages.form_page(
            visit,
            "calendar/close.html",
            title="Close the council on a day",
            values=values or {},
            errors=errors,
            why=why,
            action_url=visit.urls.page("calendar/close"),
            back=visit.urls.page("calendar"),
        )

    def close(self, visit: Visit) -> WebResponse:
        values = self.pages.trusted_form(visit)
        day, error = day_from(values, "day", "the day")
        errors = [error] if error else []
        reason = values.get("reason", "").strip()
        if not reason:
            errors.append(FieldError("reason", "Enter why the council closes"))
        elif len(reason) > MAX_NAME:
            errors.append(FieldError("reason", f"Use {MAX_NAME} characters or fewer"))
        if errors or day is None:
            return self.close_form(visit, values=values, errors=tuple(errors))
        before = self.calendar()
        try:
            closure = close_day(
                day,
                reason=reason,
                by=visit.viewer.officer_id,
                now=visit.now,
                store=self.store,
                calendar=before,
            )
        except DirectoryChangeRefused as refusal:
            error = _error(refusal, {"day": "day", "reason": "reason"})
            return self.close_form(visit, values=values, errors=(error,), why="change refused")
        moved = self._retime(visit, before, why=f"{closure.day.isoformat()} closed")
        return self._done(visit, "closed", closure.day, moved)

    def open_form(
        self, visit: Visit, day: str, *, errors: tuple[FieldError, ...] = ()
    ) -> WebResponse:
        closure = self._stored(day)
        return self.pages.form_page(
            visit,
            "calendar/open.html",
            title=f"Open {long_date(closure.day)} again",
            errors=errors,
            why="change refused" if errors else None,
            closure=closure,
            action_url=visit.urls.page(f"calendar/{closure.day.isoformat()}/open"),
            back=visit.urls.page("calendar"),
        )

    def open(self, visit: Visit, day: str) -> WebResponse:
        self.pages.trusted_form(visit)
        closure = self._stored(day)
        before = self.calendar()
        try:
            reopen_day(closure.day, now=visit.now, store=self.store, calendar=before)
        except DirectoryChangeRefused as refusal:
            return self.open_form(visit, day, errors=(_error(refusal, {}),))
        moved = self._retime(visit, before, why=f"{closure.day.isoformat()} open again")
        return self._done(visit, "opened", closure.day, moved)

    def _retime(self, visit: Visit, before: WorkingDayCalendar, *, why: str) -> list[Retiming]:
        """As `sla-monitor calendar` does: the open cases whose due dates the changed calendar
        moved are re-timed, each with a timeline entry saying which dates moved and why."""
        self.forget()  # what follows counts with the changed calendar
        results = retime_open_cases(
            store=self.pages.store,
            directory_store=self.store,
            policy=self.pages.policy,
            calendar=self.calendar(),
            old_calendar=before,
            now=visit.now,
            by=visit.viewer.officer_id,
            dry_run=False,
            why=why,
        )
        return [r for r in results if r.moved]

    def _done(self, visit: Visit, done: str, day: date, moved: list[Retiming]) -> WebResponse:
        shown = ",".join(r.reference for r in moved[:10])
        query = f"done={done}&day={day.isoformat()}&moved={len(moved)}&cases={shown}"
        return self.pages.see_other(
            visit,
            visit.urls.page("calendar", query),
            "calendar changed",
            change=done,
            retimed=len(moved),
        )


# -- staff accounts -------------------------------------------------------------------------------

_STATUSES = {
    "FORCE_CHANGE_PASSWORD": "Invited: not signed in yet",
    "CONFIRMED": "Active",
    "RESET_REQUIRED": "Must reset their password",
    "EXTERNAL_PROVIDER": "Signs in with the council's Microsoft account",
}
_USERS_DONE = {
    "invited": "The invitation has been sent. Cognito emails them a temporary password; they "
    "set their own and an authenticator app at their first sign-in.",
    "roles-changed": "Their roles have been changed. The change takes effect at their next "
    "sign-in.",
    "disabled": "The account has been disabled: they can no longer sign in. A session they "
    "have open ends when it has been idle for the workspace's timeout.",
}
_USERNAME = re.compile(r"^[\w.@+-]{1,128}$")


class UserPages:
    def __init__(
        self,
        pages: StaffPages,
        *,
        accounts: Callable[[], StaffAccounts],
    ) -> None:
        self.pages = pages
        self._accounts = accounts
        self.known = tuple(r.value for r in StaffRole)

    def _role_items(self, chosen: Collection[str]) -> list[dict[str, Any]]:
        hints = {
            StaffRole.OFFICER: "The cases of their department.",
            StaffRole.HEAD_OF_SERVICE: "The cases of the departments they head.",
            StaffRole.CORPORATE_COMPLAINTS_OFFICER: "Every complaint, and the set-aside mail.",
            StaffRole.CHIEF_EXECUTIVE: "Reads the complaints referred to them.",
            StaffRole.ADMINISTRATOR: "The directory, closure days, accounts and set-aside mail.",
        }
        return [
            {
                "value": r.value,
                "text": r.label,
                "hint": {"text": hints[r]},
                "checked": r.value in chosen,
            }
            for r in StaffRole
        ]

    def _account(self, username: str) -> StaffAccount:
        if not _USERNAME.match(username):
            raise NotInTheDirectory(username)
        try:
            return self._accounts().account(username)
        except LookupError:
            raise NotInTheDirectory(username) from None

    def _officer_label(self, officer_id: str | None) -> str:
        officer = self.pages.directory.officer(officer_id)
        if officer is None:
            return officer_id or "Not an officer"
        return f"{officer.name} ({officer.officer_id})" + (" – retired" if officer.retired else "")

    def overview(self, visit: Visit) -> WebResponse:
        labels = {r.value: r.label for r in StaffRole}
        rows = [
            {
                "email": a.email or a.username,
                "officer": self._officer_label(a.officer_id),
                "roles": [labels.get(g, g) for g in a.groups],
                "status": "Disabled" if not a.enabled else _STATUSES.get(a.status, a.status),
                "enabled": a.enabled,
                "mine": a.username == visit.viewer.username,
                "groups": visit.urls.page(f"users/{a.username}/groups"),
                "disable": visit.urls.page(f"users/{a.username}/disable"),
            }
            for a in self._accounts().accounts()
        ]
        return self.pages.page(
            visit,
            "users/overview.html",
            title="Staff accounts",
            done=_USERS_DONE.get(visit.request.query.get("done", "")),
            rows=rows,
            invite_url=visit.urls.page("users/invite"),
        )

    def form(
        self,
        visit: Visit,
        username: str | None,
        action: str,
        *,
        values: Mapping[str, str] | None = None,
        chosen: Collection[str] | None = None,
        errors: tuple[FieldError, ...] = (),
        why: str | None = None,
    ) -> WebResponse:
        account = self._account(username) if username else None
        names = {d.code: d.name for d in self.pages.directory.departments}
        title = {
            "invite": "Invite someone to the workspace",
            "groups": f"Change the roles of {account.email if account else ''}",
            "disable": f"Disable {account.email if account else ''}",
        }[action]
        return self.pages.form_page(
            visit,
            f"users/{action}.html",
            title=title,
            values=values or {},
            errors=errors,
            why=why,
            account=account,
            officer=self._officer_label(account.officer_id) if account else None,
            roles=self._role_items(
                chosen if chosen is not None else (account.groups if account else ())
            ),
            officers=[
                {"value": "", "text": "Not an officer: an administrator only"},
                *_officer_items(self.pages.directory.active_officers(), names),
            ],
            action_url=visit.urls.page(
                "users/invite" if action == "invite" else f"users/{username}/{action}"
            ),
            back=visit.urls.page("users"),
        )

    def change(self, visit: Visit, username: str | None, action: str) -> WebResponse:
        values = self.pages.trusted_form(visit)
        groups = ticked(visit.request.body, "groups")
        if username:
            self._account(username)
        fields = {"email": "email", "officer_id": "officer", "groups": "groups"}
        try:
            if action == "invite":
                errors = []
                if not values.get("email", "").strip():
                    errors.append(FieldError("email", "Enter their email address"))
                if not groups:
                    errors.append(FieldError("groups", "Choose at least one role"))
                if errors:
                    return self.form(
                        visit, None, action, values=values, chosen=groups, errors=tuple(errors)
                    )
                invite(
                    values["email"],
                    officer_id=values.get("officer") or None,
                    groups=groups,
                    known_groups=self.known,
                    accounts=self._accounts(),
                    directory=self.pages.directory,
                )
                done = "invited"
            elif action == "groups":
                assert username is not None
                if not groups:
                    error = FieldError("groups", "Choose at least one role")
                    return self.form(visit, username, action, chosen=groups, errors=(error,))
                change_groups(
                    username,
                    groups=groups,
                    known_groups=self.known,
                    by_username=visit.viewer.username,
                    accounts=self._accounts(),
                )
                done = "roles-changed"
            else:
                assert username is not None
                disable(username, by_username=visit.viewer.username, accounts=self._accounts())
                done = "disabled"
        except AccountChangeRefused as refusal:
            return self.form(
                visit,
                username,
                action,
                values=values,
                chosen=groups,
                errors=(_error(refusal, fields),),
                why="change refused",
            )
        return self.pages.see_other(
            visit, visit.urls.page("users", f"done={done}"), "staff account changed", change=done
        )

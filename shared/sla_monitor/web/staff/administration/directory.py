"""The directory's pages: departments, officers and the council-wide roles, each added, changed
or retired by a use case of `directory_changes`. Nobody and nothing is deleted."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sla_monitor.directory import Department, Officer
from sla_monitor.directory_changes import (
    DirectoryChangeRefused,
    add_department,
    add_officer,
    change_department,
    change_officer,
    hand_over_cases_of_moved,
    hand_over_cases_of_retired,
    open_cases_of,
    retire_department,
    retire_officer,
    set_role,
)
from sla_monitor.lookups import NotInTheDirectory
from sla_monitor.store.ports import DirectoryStore
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.administration.forms import MAX_NAME, officer_items, refusal_error
from sla_monitor.web.staff.pages import StaffPages, Visit

_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


_DIRECTORY_DONE = {
    "department-added": "The department has been added.",
    "department-changed": "The department has been changed.",
    "department-retired": "The department has been retired. Its cases go to the default "
    "department.",
    "officer-added": "The officer has been added. Invite them to the workspace from Staff "
    "accounts.",
    "officer-changed": "The officer has been changed.",
    "officer-moved": "The officer has been changed. Their open cases in other departments are "
    "each department's Head of Service's until someone else is assigned; the Heads of Service "
    "are told.",
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
            return directory.officer_name(officer_id, officer_id or "Nobody")

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
        # Before an officer moves or leaves, the administrator sees what happens to their cases
        # (their own shelf: reads in proportion to what they hold).
        open_cases = (
            open_cases_of(key, self.pages.store)
            if section == "officers" and action in ("change", "retire") and key is not None
            else []
        )
        return self.pages.form_page(
            visit,
            f"directory/{section}-{action}.html",
            open_cases=open_cases,
            title=titles[(section, action)],
            values=values,
            errors=errors,
            why=why,
            subject=subject,
            action_url=visit.urls.page(path),
            back=visit.urls.page("directory"),
            officers=[
                {"value": "", "text": "Choose an officer"},
                *officer_items(directory.active_officers(), names),
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
                was_in = self._officer(key).department
                changed = change_officer(
                    key,
                    name=text["name"],
                    email=text["email"],
                    job_title=text["job_title"],
                    department=text.get("department") or None,
                    **common,
                )
                done = "officer-changed"
                if changed.department != was_in and text.get("their_cases") != "keep":
                    handed = hand_over_cases_of_moved(
                        key,
                        by=by,
                        now=now,
                        store=self.pages.store,
                        directory_store=self.store,
                        policy=self.pages.policy,
                        calendar=self.pages.calendar,
                    )
                    done = "officer-moved" if handed else done
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
            error = refusal_error(refusal, fields)
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

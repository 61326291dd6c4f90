"""The administrators' pages: the directory, closure days and staff accounts. Their pages (and
the staff accounts' Cognito client) load with the first route that uses them, not on every
cold start: most requests are an officer's casework."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response

from sla_monitor.runtime import services
from sla_monitor.web.staff.permissions import Permission, StaffRole, requires
from sla_monitor.web.staff.routes.collaborators import staff_pages, workspace_settings
from sla_monitor.web.staff.routes.resolver import app, current_request, respond

if TYPE_CHECKING:
    from sla_monitor.staff_accounts import StaffAccounts
    from sla_monitor.web.staff.administration.accounts import UserPages
    from sla_monitor.web.staff.administration.closure_days import CalendarPages
    from sla_monitor.web.staff.administration.directory import DirectoryPages


def _directory() -> DirectoryPages:
    from sla_monitor.web.staff.administration.directory import DirectoryPages

    bundle = services()
    return DirectoryPages(
        staff_pages(), store=bundle.directory_store, forget=bundle.forget_staff_data
    )


def _calendar() -> CalendarPages:
    from sla_monitor.web.staff.administration.closure_days import CalendarPages

    bundle = services()
    return CalendarPages(
        staff_pages(),
        store=bundle.directory_store,
        calendar=lambda: bundle.calendar,
        configured=bundle.council.calendar_settings.closure_days,
        forget=bundle.forget_staff_data,
    )


def _users() -> UserPages:
    from sla_monitor.staff_accounts import CognitoStaffAccounts
    from sla_monitor.web.staff.administration.accounts import UserPages

    def accounts() -> StaffAccounts:
        return CognitoStaffAccounts(
            services().client("cognito-idp"),
            workspace_settings().staff_user_pool_id,
            known_groups=[r.value for r in StaffRole],
        )

    return UserPages(staff_pages(), accounts=accounts)


@app.get("/directory")
@requires(Permission.MANAGE_DIRECTORY)
def directory() -> Response:
    return respond(_directory().overview(current_request().visit()))


@app.get("/directory/roles")
@requires(Permission.MANAGE_DIRECTORY)
def roles_form() -> Response:
    return respond(_directory().form(current_request().visit(), "roles", None, "change"))


@app.post("/directory/roles")
@requires(Permission.MANAGE_DIRECTORY)
def change_roles() -> Response:
    return respond(_directory().change(current_request().visit(), "roles", None, "change"))


@app.get("/directory/departments/new")
@requires(Permission.MANAGE_DIRECTORY)
def add_department_form() -> Response:
    return respond(_directory().form(current_request().visit(), "departments", None, "add"))


@app.post("/directory/departments/new")
@requires(Permission.MANAGE_DIRECTORY)
def add_department() -> Response:
    return respond(_directory().change(current_request().visit(), "departments", None, "add"))


@app.get("/directory/departments/<code>/change")
@requires(Permission.MANAGE_DIRECTORY)
def change_department_form(code: str) -> Response:
    return respond(_directory().form(current_request().visit(), "departments", code, "change"))


@app.post("/directory/departments/<code>/change")
@requires(Permission.MANAGE_DIRECTORY)
def change_department(code: str) -> Response:
    return respond(_directory().change(current_request().visit(), "departments", code, "change"))


@app.get("/directory/departments/<code>/retire")
@requires(Permission.MANAGE_DIRECTORY)
def retire_department_form(code: str) -> Response:
    return respond(_directory().form(current_request().visit(), "departments", code, "retire"))


@app.post("/directory/departments/<code>/retire")
@requires(Permission.MANAGE_DIRECTORY)
def retire_department(code: str) -> Response:
    return respond(_directory().change(current_request().visit(), "departments", code, "retire"))


@app.get("/directory/officers/new")
@requires(Permission.MANAGE_DIRECTORY)
def add_officer_form() -> Response:
    return respond(_directory().form(current_request().visit(), "officers", None, "add"))


@app.post("/directory/officers/new")
@requires(Permission.MANAGE_DIRECTORY)
def add_officer() -> Response:
    return respond(_directory().change(current_request().visit(), "officers", None, "add"))


@app.get("/directory/officers/<officer_id>/change")
@requires(Permission.MANAGE_DIRECTORY)
def change_officer_form(officer_id: str) -> Response:
    return respond(_directory().form(current_request().visit(), "officers", officer_id, "change"))


@app.post("/directory/officers/<officer_id>/change")
@requires(Permission.MANAGE_DIRECTORY)
def change_officer(officer_id: str) -> Response:
    return respond(_directory().change(current_request().visit(), "officers", officer_id, "change"))


@app.get("/directory/officers/<officer_id>/retire")
@requires(Permission.MANAGE_DIRECTORY)
def retire_officer_form(officer_id: str) -> Response:
    return respond(_directory().form(current_request().visit(), "officers", officer_id, "retire"))


@app.post("/directory/officers/<officer_id>/retire")
@requires(Permission.MANAGE_DIRECTORY)
def retire_officer(officer_id: str) -> Response:
    return respond(_directory().change(current_request().visit(), "officers", officer_id, "retire"))


@app.get("/calendar")
@requires(Permission.MANAGE_CALENDAR)
def calendar() -> Response:
    return respond(_calendar().overview(current_request().visit()))


@app.get("/calendar/close")
@requires(Permission.MANAGE_CALENDAR)
def close_day_form() -> Response:
    return respond(_calendar().close_form(current_request().visit()))


@app.post("/calendar/close")
@requires(Permission.MANAGE_CALENDAR)
def close_day() -> Response:
    return respond(_calendar().close(current_request().visit()))


@app.get("/calendar/<day>/open")
@requires(Permission.MANAGE_CALENDAR)
def open_day_form(day: str) -> Response:
    return respond(_calendar().open_form(current_request().visit(), day))


@app.post("/calendar/<day>/open")
@requires(Permission.MANAGE_CALENDAR)
def open_day(day: str) -> Response:
    return respond(_calendar().open(current_request().visit(), day))


@app.get("/users")
@requires(Permission.MANAGE_USERS)
def users() -> Response:
    return respond(_users().overview(current_request().visit()))


@app.get("/users/changes")
@requires(Permission.MANAGE_USERS)
def account_changes() -> Response:
    return respond(_users().changes(current_request().visit()))


@app.get("/users/invite")
@requires(Permission.MANAGE_USERS)
def invite_form() -> Response:
    return respond(_users().form(current_request().visit(), None, "invite"))


@app.post("/users/invite")
@requires(Permission.MANAGE_USERS)
def invite() -> Response:
    return respond(_users().change(current_request().visit(), None, "invite"))


@app.get("/users/<username>/groups")
@requires(Permission.MANAGE_USERS)
def user_groups_form(username: str) -> Response:
    return respond(_users().form(current_request().visit(), username, "groups"))


@app.post("/users/<username>/groups")
@requires(Permission.MANAGE_USERS)
def user_groups(username: str) -> Response:
    return respond(_users().change(current_request().visit(), username, "groups"))


@app.get("/users/<username>/disable")
@requires(Permission.MANAGE_USERS)
def disable_user_form(username: str) -> Response:
    return respond(_users().form(current_request().visit(), username, "disable"))


@app.post("/users/<username>/disable")
@requires(Permission.MANAGE_USERS)
def disable_user(username: str) -> Response:
    return respond(_users().change(current_request().visit(), username, "disable"))


@app.get("/users/<username>/sign-out")
@requires(Permission.MANAGE_USERS)
def sign_out_everywhere_form(username: str) -> Response:
    return respond(_users().form(current_request().visit(), username, "sign-out"))


@app.post("/users/<username>/sign-out")
@requires(Permission.MANAGE_USERS)
def sign_out_everywhere(username: str) -> Response:
    return respond(_users().change(current_request().visit(), username, "sign-out"))

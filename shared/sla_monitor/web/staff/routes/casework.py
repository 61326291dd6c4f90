"""The work list (and its spreadsheet, prepared apart, and its Closed view), the search over every
case, logging a case, a case's page, its attachments and the PDFs of the letters sent on it."""

from __future__ import annotations

from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response

from sla_monitor.web.staff.case_page import CasePages
from sla_monitor.web.staff.permissions import Permission, requires
from sla_monitor.web.staff.routes.collaborators import staff_pages
from sla_monitor.web.staff.routes.errors import answer_case_refusals
from sla_monitor.web.staff.routes.resolver import app, current_request, respond

answer_case_refusals()


@app.get("/cases")
@requires(Permission.VIEW_WORK_LIST)
def cases() -> Response:
    # The work list's reading of the shelves comes with the first list shown, not with a cold
    # start's import (the first request of a cold start is most often the sign-in).
    from sla_monitor.web.staff.work_list_page import WorkListPages

    return respond(WorkListPages(staff_pages()).show(current_request().visit()))


@app.get("/cases/closed")
@requires(Permission.VIEW_WORK_LIST)
def closed_cases() -> Response:
    from sla_monitor.web.staff.search_page import SearchPages

    return respond(SearchPages(staff_pages()).closed(current_request().visit()))


@app.get("/search")
@requires(Permission.VIEW_WORK_LIST)
def search() -> Response:
    from sla_monitor.web.staff.search_page import SearchPages

    return respond(SearchPages(staff_pages()).search(current_request().visit()))


@app.post("/cases/assign")
@requires(Permission.ASSIGN_CASES)
def assign_cases() -> Response:
    # Each case chosen is asked about again, the assign step's permission on that case.
    from sla_monitor.web.staff.work_list_actions import WorkListActions

    return respond(WorkListActions(staff_pages()).assign(current_request().visit()))


@app.post("/cases/views")
@requires(Permission.VIEW_WORK_LIST)
def save_view() -> Response:
    from sla_monitor.web.staff.saved_views import SavedViewPages

    return respond(SavedViewPages(staff_pages()).save(current_request().visit()))


@app.post("/cases/views/remove")
@requires(Permission.VIEW_WORK_LIST)
def remove_view() -> Response:
    from sla_monitor.web.staff.saved_views import SavedViewPages

    return respond(SavedViewPages(staff_pages()).remove(current_request().visit()))


@app.post("/cases/exports")
@requires(Permission.EXPORT_WORK_LIST)
def start_export() -> Response:
    from sla_monitor.web.staff.export_page import ExportPages

    return respond(ExportPages(staff_pages()).start(current_request().visit()))


@app.get("/cases/exports/<export_id>")
@requires(Permission.EXPORT_WORK_LIST)
def export(export_id: str) -> Response:
    from sla_monitor.web.staff.export_page import ExportPages

    return respond(ExportPages(staff_pages()).show(current_request().visit(), export_id))


@app.get("/cases/new")
@requires(Permission.LOG_CASE)
def log_case_form() -> Response:
    from sla_monitor.web.staff.log_case import LogCasePages

    return respond(LogCasePages(staff_pages()).form(current_request().visit()))


@app.post("/cases/new")
@requires(Permission.LOG_CASE)
def log_case() -> Response:
    from sla_monitor.web.staff.log_case import LogCasePages

    return respond(LogCasePages(staff_pages()).log(current_request().visit()))


@app.get("/cases/<reference>")
@requires(Permission.VIEW_CASE)
def case(reference: str) -> Response:
    current = current_request()
    return respond(CasePages(staff_pages()).show(current.visit(), current.case(reference)))


@app.get("/cases/<reference>/attachments/<attachment>")
@requires(Permission.DOWNLOAD_ATTACHMENT)
def attachment(reference: str, attachment: str) -> Response:
    current = current_request()
    return respond(
        CasePages(staff_pages()).attachment(current.visit(), current.case(reference), attachment)
    )


@app.get("/cases/<reference>/letters/<letter>")
@requires(Permission.VIEW_CASE)
def letter(reference: str, letter: str) -> Response:
    current = current_request()
    return respond(
        CasePages(staff_pages()).letter(current.visit(), current.case(reference), unquote(letter))
    )

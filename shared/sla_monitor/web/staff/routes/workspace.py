"""The workspace's front door and the pages that stand alone: home (the first section the viewer
may use), their account, the reports, and the stylesheet, scripts and icons."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from sla_monitor.web.staff.permissions import Permission, requires
from sla_monitor.web.staff.rendering import home_of, redirect, static_asset
from sla_monitor.web.staff.routes.collaborators import staff_pages
from sla_monitor.web.staff.routes.errors import not_found
from sla_monitor.web.staff.routes.resolver import app, current_request, respond

# -- home and who you are -----------------------------------------------------------------------


@app.get("/")
@requires(None)
def home() -> Response:
    current = current_request()
    target = home_of(current.viewer(), current.urls)
    return respond(redirect(target, secure=current.request.secure))


@app.get("/account")
@requires(None)
def account() -> Response:
    return respond(staff_pages().account(current_request().visit()))


# -- the reports ------------------------------------------------------------------------------


@app.get("/reports")
@requires(Permission.VIEW_REPORTS)
def reports() -> Response:
    # The reports' code loads with the first report asked for.
    from sla_monitor.web.staff.reports import ReportPages

    return respond(ReportPages(staff_pages()).show(current_request().visit()))


@app.get("/assets/<name>")
def asset(name: str) -> Response:
    found = static_asset(name)
    return respond(found) if found else not_found(None)

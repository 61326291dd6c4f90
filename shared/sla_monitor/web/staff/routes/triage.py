"""The set-aside mail: the list, one message, and what staff make of it. Reading stored mail
loads with the first of these pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response

from sla_monitor.runtime import services
from sla_monitor.web.staff.permissions import CaseInForm, Permission, requires
from sla_monitor.web.staff.routes.collaborators import attachment_prefix, staff_pages
from sla_monitor.web.staff.routes.resolver import app, current_request, respond

if TYPE_CHECKING:
    from sla_monitor.web.staff.triage import TriagePages


def _triage() -> TriagePages:
    # Reading set-aside mail loads with the first triage page.
    from sla_monitor.mail.raw_mail import S3RawMailStore
    from sla_monitor.web.staff.triage import TriagePages

    bundle = services()
    return TriagePages(
        staff_pages(),
        raw_mail=S3RawMailStore(bundle.client("s3"), bundle.settings.raw_mail_bucket),
        attachment_prefix=attachment_prefix(),
    )


@app.get("/triage")
@requires(Permission.HANDLE_TRIAGE)
def triage() -> Response:
    return respond(_triage().overview(current_request().visit()))


@app.get("/triage/<item>")
@requires(Permission.HANDLE_TRIAGE)
def triage_item(item: str) -> Response:
    return respond(_triage().item(current_request().visit(), item))


@app.get("/triage/<item>/case")
@requires(Permission.HANDLE_TRIAGE)
def triage_case_form(item: str) -> Response:
    return respond(_triage().form(current_request().visit(), item, "case"))


@app.post("/triage/<item>/case")
@requires(Permission.HANDLE_TRIAGE)
def triage_case(item: str) -> Response:
    return respond(_triage().act(current_request().visit(), item, "case"))


@app.get("/triage/<item>/attach")
@requires(Permission.HANDLE_TRIAGE)
def triage_attach_form(item: str) -> Response:
    return respond(_triage().form(current_request().visit(), item, "attach"))


# The message becomes the customer's reply on the case the form names: only on a case the
# viewer may work on, whatever the set-aside mail lets them do.
@app.post("/triage/<item>/attach")
@requires(Permission.HANDLE_TRIAGE, target=CaseInForm("reference", Permission.ADD_CUSTOMER_REPLY))
def triage_attach(item: str) -> Response:
    return respond(_triage().act(current_request().visit(), item, "attach"))


@app.get("/triage/<item>/dismiss")
@requires(Permission.HANDLE_TRIAGE)
def triage_dismiss_form(item: str) -> Response:
    return respond(_triage().form(current_request().visit(), item, "dismiss"))


@app.post("/triage/<item>/dismiss")
@requires(Permission.HANDLE_TRIAGE)
def triage_dismiss(item: str) -> Response:
    return respond(_triage().act(current_request().visit(), item, "dismiss"))

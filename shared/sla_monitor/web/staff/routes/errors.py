"""Why a request was turned away, as HTTP, in one place: no session or an expired one sends the
browser to sign in; the wrong role gets the 403 page; a form without its CSRF token gets a 403
page and changes nothing; a step the case does not allow as it stands gets a 409 page saying
why; what is not there is a 404. Every refusal is logged with its reason and the route, never
with personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aws_lambda_powertools.event_handler import Response

from sla_monitor.lookups import (
    CaseNotFound,
    ExportNotFound,
    NotInTheDirectory,
    TriageItemNotFound,
)
from sla_monitor.web.errors import FormNotAccepted
from sla_monitor.web.gateway import unexpected_error_fields
from sla_monitor.web.staff.formatting import sentence
from sla_monitor.web.staff.pages import FormRefused
from sla_monitor.web.staff.permissions import NotPermitted, NotSignedIn
from sla_monitor.web.staff.rendering import redirect
from sla_monitor.web.staff.routes.collaborators import logger
from sla_monitor.web.staff.routes.resolver import (
    app,
    current_request,
    problem,
    respond,
    session_cookie,
)
from sla_monitor.web.staff.session import SESSION_COOKIE

if TYPE_CHECKING:
    from sla_monitor.web.staff.case_page import AttachmentNotOffered
    from sla_monitor.web.staff.step_kinds import StepNotOpen


def _refusal(reason: str, status: int, **fields: Any) -> None:
    event = app.current_event
    logger.info(
        "staff request refused",
        extra={
            "reason": reason,
            "status": status,
            "method": event.http_method,
            "route": event.request_context.resource_path,
            **fields,
        },
    )


@app.not_found
def not_found(_: Exception | None) -> Response:
    return problem(
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted the web address, "
        "check you copied the entire address.",
    )


@app.exception_handler(NotSignedIn)
def not_signed_in(error: NotSignedIn) -> Response:
    current = current_request()
    _refusal(error.reason, 303)
    seen = current.request.base_path + app.current_event.path
    target = f"{current.urls.sign_in}?return_to={quote(seen, safe='/')}"
    clear = session_cookie("", secure=current.request.secure, urls=current.urls, max_age=0)
    has_cookie = SESSION_COOKIE in current.request.cookies
    return respond(
        redirect(target, secure=current.request.secure, cookies=(clear,) if has_cookie else ())
    )


@app.exception_handler(NotPermitted)
def not_permitted(error: NotPermitted) -> Response:
    viewer = current_request()._viewer
    _refusal(
        "not permitted",
        403,
        permission=error.permission.value if error.permission else None,
        roles=sorted(viewer.roles) if viewer else [],
    )
    return problem(
        403,
        "You do not have permission to do this",
        "Your role does not allow you to "
        + (error.permission.description if error.permission else "use this page")
        + " here. If you think it should, ask your Head of Service or an administrator.",
    )


@app.exception_handler(FormRefused)
def form_refused(_: FormRefused) -> Response:
    _refusal("csrf check failed", 403)
    return problem(
        403,
        "Sorry, this form has expired",
        "For your security, forms expire and only work in the browser session that opened "
        "them. Nothing was changed. Go back, reload the page and try again.",
    )


def step_not_open(error: StepNotOpen) -> Response:
    _refusal("step not open on the case", 409, step=error.step)
    return problem(
        409,
        "This step cannot be taken on this case",
        f"{sentence(error.reason)}. Nothing was changed. Go back to the case to see the steps "
        "open on it.",
    )


@app.exception_handler(FormNotAccepted)
def form_not_accepted(error: FormNotAccepted) -> Response:
    _refusal(type(error).__name__, 400)
    return problem(400, error.title, "Nothing was changed. Go back and try again.")


@app.exception_handler(CaseNotFound)
def case_not_found(_: CaseNotFound) -> Response:
    _refusal("no such case", 404)
    return not_found(None)


@app.exception_handler(ExportNotFound)
def export_not_found(_: ExportNotFound) -> Response:
    _refusal("no such export of this officer's", 404)
    return not_found(None)


@app.exception_handler(NotInTheDirectory)
def not_in_the_directory(_: NotInTheDirectory) -> Response:
    _refusal("no such directory entry, closure day or account", 404)
    return not_found(None)


@app.exception_handler(TriageItemNotFound)
def triage_item_not_found(_: TriageItemNotFound) -> Response:
    _refusal("no such set-aside message", 404)
    return not_found(None)


def attachment_not_offered(_: AttachmentNotOffered) -> Response:
    _refusal("no such attachment offered", 404)
    return not_found(None)


def letter_not_kept(_: Exception) -> Response:
    _refusal("no such letter kept", 404)
    return not_found(None)


def answer_case_refusals() -> None:
    """Answer the refusals of a case's own pages: a step not open on it (`step_not_open`), an
    attachment not offered (`attachment_not_offered`) and a letter not kept (`letter_not_kept`).
    Their exceptions' modules come with the routes of those pages, which call this as they
    load, not with the handler's import."""
    from sla_monitor.web.staff.case_page import AttachmentNotOffered
    from sla_monitor.web.staff.conversation_page import LetterNotKept
    from sla_monitor.web.staff.step_kinds import StepNotOpen

    app.exception_handler(StepNotOpen)(step_not_open)
    app.exception_handler(AttachmentNotOffered)(attachment_not_offered)
    app.exception_handler(LetterNotKept)(letter_not_kept)


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    logger.error("unexpected error", extra=unexpected_error_fields(error))
    try:
        return problem(500, "Sorry, there is a problem with the service", "Try again later.")
    except Exception:  # the last resort must not fail
        return Response(
            status_code=500,
            content_type="text/plain; charset=utf-8",
            body="Sorry, there is a problem with the service. Try again later.",
        )

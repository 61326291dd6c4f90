"""The "Have Your Say" form's routes: API Gateway requests in, pages out.

Each route builds a `WebRequest` from the API Gateway event and calls one method of
`sla_monitor.web.have_your_say.pages.HaveYourSay`. Why a request could not be accepted is decided
there; which HTTP status says so is decided here, in one place, by the exception handlers. The
Lambda handler (functions/have_your_say) only calls `handle`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.runtime import services
from sla_monitor.web.errors import (
    FormExpired,
    FormNotAccepted,
    FormTooLarge,
    ReceiptNotRecognised,
    TooManyMessages,
    WrongContentType,
)
from sla_monitor.web.gateway import (
    StoredSigner,
    gateway_response,
    unexpected_error_fields,
    web_request,
)
from sla_monitor.web.have_your_say.pages import HaveYourSay
from sla_monitor.web.http.headers import NO_STORE, security_headers
from sla_monitor.web.http.messages import WebRequest, WebResponse

if TYPE_CHECKING:
    from sla_monitor.settings.functions import HaveYourSaySettings

logger = Logger(service="have-your-say")
app = APIGatewayRestResolver()

_STATUS: dict[type[FormNotAccepted], int] = {
    WrongContentType: 415,
    FormTooLarge: 413,
    FormExpired: 403,
    TooManyMessages: 429,
}


# -- collaborators, made once per container ------------------------------------------------------


def _settings() -> HaveYourSaySettings:
    # Read with the first request (pydantic-settings loads with it), then kept.
    from sla_monitor.settings import function_settings
    from sla_monitor.settings.functions import HaveYourSaySettings

    return function_settings(HaveYourSaySettings)


# The form's own secret (FORM_SECRET_PARAMETER), read again every few minutes so a rotation
# reaches a warm container.
_signer = StoredSigner()


def _pages(*, departments: bool = False, store: bool = False) -> HaveYourSay:
    """The pages, with only the collaborators the route needs (an error page needs no table)."""
    bundle = services()
    return HaveYourSay(
        council=bundle.council,
        signer=_signer(_settings()),
        departments=bundle.directory.active_departments() if departments else (),
        store=bundle.store if store else None,
        policy=bundle.policy,
        calendar=bundle.calendar,
    )


# -- between API Gateway and the pages -----------------------------------------------------------


def _now() -> datetime:
    now: datetime = app.context["now"]
    return now


def _request() -> WebRequest:
    return web_request(app.current_event)


def _respond(page: WebResponse) -> Response:
    if page.log_message:
        logger.info(page.log_message, extra=dict(page.log_fields))
    return gateway_response(page)


# -- routes --------------------------------------------------------------------------------------


@app.get("/")
def start() -> Response:
    return _respond(_pages().start_page(_request()))


@app.get("/form")
def blank_form() -> Response:
    return _respond(_pages(departments=True).blank_form(_request(), now=_now()))


@app.post("/form")
def answer_question() -> Response:
    return _respond(_pages(departments=True).answer_question(_request(), now=_now()))


@app.get("/check")
def check_page_again() -> Response:
    # The check page exists only as the answer to a post: a bookmark or a reload goes to the start.
    return _respond(_pages().redirect_to_start(_request()))


@app.post("/check")
def answer_check_page() -> Response:
    pages = _pages(departments=True, store=True)
    return _respond(pages.answer_check_page(_request(), now=_now()))


@app.get("/confirmation")
def confirmation() -> Response:
    return _respond(_pages(store=True).confirmation(_request(), now=_now()))


@app.get("/accessibility")
def accessibility_statement() -> Response:
    return _respond(_pages().information_page(_request(), "accessibility"))


@app.get("/privacy")
def privacy_notice() -> Response:
    return _respond(_pages().information_page(_request(), "privacy"))


@app.get("/cookies")
def cookies() -> Response:
    return _respond(_pages().information_page(_request(), "cookies"))


@app.get("/assets/<name>")
def asset(name: str) -> Response:
    found = HaveYourSay.asset(_request(), name)
    return _respond(found) if found else _respond(_pages().not_found(_request()))


# -- why a request was turned away, as HTTP ------------------------------------------------------


@app.not_found
def not_found(_: Exception) -> Response:
    return _respond(_pages().not_found(_request()))


@app.exception_handler(FormNotAccepted)
def form_not_accepted(error: FormNotAccepted) -> Response:
    status = _STATUS.get(type(error), 400)
    logger.info("form not accepted", extra={"reason": type(error).__name__, "status": status})
    return _respond(_pages().problem(_request(), error, status=status))


@app.exception_handler(ReceiptNotRecognised)
def receipt_not_recognised(_: ReceiptNotRecognised) -> Response:
    logger.info("receipt not recognised")
    return _respond(_pages().not_found(_request()))


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    logger.error("unexpected error", extra=unexpected_error_fields(error))
    return _respond(_problem_page())


def _problem_page() -> WebResponse:
    """The error page, made with as few collaborators as possible: something may be broken."""
    try:
        return _pages().service_unavailable(_request())
    except Exception:  # the last resort must not fail
        return WebResponse(
            status=500,
            body="Sorry, there is a problem with the service. Try again later.",
            content_type="text/plain; charset=utf-8",
            headers={"Cache-Control": NO_STORE, **security_headers(secure=True)},
        )


# -- entry points --------------------------------------------------------------------------------


def handle(event: dict[str, Any], context: LambdaContext, *, now: datetime) -> dict[str, Any]:
    """Answer one API Gateway event as if the time were `now` (the demo plays simulated time)."""
    app.append_context(now=now)
    try:
        return app.resolve(event, context)
    finally:
        app.clear_context()

"""The "Your cases" routes: API Gateway requests in, residents' pages out.

Each route builds a `WebRequest` from the event and calls one method of the pages over the site
(`YourCases`, in `pages.py`): signing in (`sign_in.py`), the resident's cases (`cases.py`) or a
step on a case (`steps.py`); which HTTP answer a refusal gets is decided here, in one place, by
the exception handlers. The Lambda handler (functions/your_cases) only calls
`handle`, which also takes the function's own internal event: a request for a sign-in link,
dealt with after the page answered (`link_requests.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.runtime import services
from sla_monitor.web.errors import FormExpired, FormNotAccepted
from sla_monitor.web.gateway import (
    StoredSigner,
    gateway_response,
    unexpected_error_fields,
    web_request,
)
from sla_monitor.web.http.messages import WebRequest, WebResponse
from sla_monitor.web.your_cases.link_requests import (
    AfterTheAnswer,
    InvokedApart,
    LinkRequest,
    LinkRequests,
)
from sla_monitor.web.your_cases.pages import CaseNotShown, NotSignedIn, YourCases

if TYPE_CHECKING:
    from sla_monitor.settings.functions import YourCasesSettings
    from sla_monitor.web.your_cases.cases import CasePages
    from sla_monitor.web.your_cases.sign_in import SignInPages
    from sla_monitor.web.your_cases.steps import ResidentSteps

logger = Logger(service="your-cases")
app = APIGatewayRestResolver()


def _settings() -> YourCasesSettings:
    # Read with the first request (pydantic-settings loads with it), then kept.
    from sla_monitor.settings import function_settings
    from sla_monitor.settings.functions import YourCasesSettings

    return function_settings(YourCasesSettings)


# The form's own secret (FORM_SECRET_PARAMETER), read again every few minutes so a rotation
# reaches a warm container.
_signer = StoredSigner()


# Requests for sign-in links waiting for the answer, where there is no Lambda to invoke.
_after_the_answer = AfterTheAnswer()


def _pages() -> YourCases:
    return _site(_public_url())


def _site(public_url: str | None) -> YourCases:
    from sla_monitor.checker.mailer import SESMailer
    from sla_monitor.mail.raw_mail import S3RawMailStore

    bundle = services()
    settings = bundle.settings
    return YourCases(
        council=bundle.council,
        signer=_signer(_settings()),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory,
        mailer=SESMailer(
            bundle.client("ses"),
            region=settings.aws_region,
            configuration_set=settings.ses_configuration_set,
        ),
        sender=settings.sender_address,
        public_url=public_url,
        raw_mail=S3RawMailStore(bundle.client("s3"), settings.raw_mail_bucket),
    )


def _public_url() -> str | None:
    """The pages' address as the browser used it: the domain name API Gateway served (never a
    header the caller chose) and the base path."""
    event = app.current_event
    domain = event.request_context.domain_name
    if not domain:
        return None
    request = web_request(event)
    scheme = "https" if request.secure else "http"
    return f"{scheme}://{domain}{request.base_path}/your-cases"


def _link_requests() -> LinkRequests:
    """In AWS, this function invoked again apart (through the ARN this invocation came by, so
    the same version); on a person's computer and in the tests, this process after the answer."""
    if not _settings().running_in_aws:
        return _after_the_answer
    return InvokedApart(services().client("lambda"), app.lambda_context.invoked_function_arn)


# Each set of pages loads with the first request for one of them (the residents' use cases, the
# engine and the letters' wording with them), not with a cold start's import.


def _sign_in(pages: YourCases | None = None, links: LinkRequests | None = None) -> SignInPages:
    from sla_monitor.web.your_cases.sign_in import SignInPages

    return SignInPages(pages or _pages(), links)


def _cases() -> CasePages:
    from sla_monitor.web.your_cases.cases import CasePages

    return CasePages(_pages())


def _steps() -> ResidentSteps:
    from sla_monitor.web.your_cases.steps import ResidentSteps

    return ResidentSteps(_pages())


def _now() -> datetime:
    now: datetime = app.context["now"]
    return now


def _request() -> WebRequest:
    return web_request(app.current_event)


def _respond(page: WebResponse) -> Response:
    if page.log_message:
        logger.info(page.log_message, extra=dict(page.log_fields))
    return gateway_response(page)


# -- signing in and out (registered before the case pages, whose paths they would match) -------


@app.get("/your-cases")
def case_list() -> Response:
    return _respond(_cases().case_list(_request(), now=_now()))


@app.get("/your-cases/sign-in")
def sign_in_page() -> Response:
    return _respond(_sign_in().sign_in_page(_request(), now=_now()))


@app.post("/your-cases/sign-in")
def ask_for_link() -> Response:
    return _respond(_sign_in(links=_link_requests()).ask_for_link(_request(), now=_now()))


@app.get("/your-cases/check-your-email")
def check_email() -> Response:
    return _respond(_sign_in().check_email_page(_request()))


@app.get("/your-cases/link")
def link_page() -> Response:
    return _respond(_sign_in().link_page(_request(), now=_now()))


@app.post("/your-cases/link")
def use_link() -> Response:
    return _respond(_sign_in().use_link(_request(), now=_now()))


@app.post("/your-cases/sign-out")
def sign_out() -> Response:
    return _respond(_sign_in().sign_out(_request(), now=_now()))


@app.get("/your-cases/signed-out")
def signed_out() -> Response:
    return _respond(_sign_in().signed_out_page(_request()))


# -- a resident's case ---------------------------------------------------------------------------


@app.get("/your-cases/<reference>")
def case_page(reference: str) -> Response:
    return _respond(_cases().case_page(_request(), reference, now=_now()))


@app.get("/your-cases/<reference>/letters/<letter>")
def letter(reference: str, letter: str) -> Response:
    return _respond(_cases().letter(_request(), reference, unquote(letter), now=_now()))


@app.get("/your-cases/<reference>/more-information")
def more_information(reference: str) -> Response:
    return _respond(_steps().more_information(_request(), reference, now=_now()))


@app.post("/your-cases/<reference>/more-information")
def send_information(reference: str) -> Response:
    return _respond(_steps().send_information(_request(), reference, now=_now()))


@app.get("/your-cases/<reference>/stage-2")
def stage_2_form(reference: str) -> Response:
    return _respond(_steps().stage_2_form(_request(), reference, now=_now()))


@app.post("/your-cases/<reference>/stage-2")
def ask_for_stage_2(reference: str) -> Response:
    return _respond(_steps().ask_for_stage_2(_request(), reference, now=_now()))


@app.get("/your-cases/<reference>/preferences")
def preferences_form(reference: str) -> Response:
    return _respond(_steps().preferences_form(_request(), reference, now=_now()))


@app.post("/your-cases/<reference>/preferences")
def change_preferences(reference: str) -> Response:
    return _respond(_steps().change_preferences(_request(), reference, now=_now()))


# -- why a request was turned away, as HTTP ------------------------------------------------------


@app.not_found
def not_found(_: Exception) -> Response:
    return _respond(_pages().not_found(_request()))


@app.exception_handler(NotSignedIn)
def not_signed_in(error: NotSignedIn) -> Response:
    logger.info("not signed in", extra={"reason": error.reason})
    return _respond(_pages().not_signed_in(_request(), error))


@app.exception_handler(CaseNotShown)
def case_not_shown(_: CaseNotShown) -> Response:
    # Someone else's case and no case at all answer alike.
    logger.info("case not shown")
    return _respond(_pages().not_found(_request()))


@app.exception_handler(FormNotAccepted)
def form_not_accepted(error: FormNotAccepted) -> Response:
    status = 403 if isinstance(error, FormExpired) else 400
    logger.info("form not accepted", extra={"reason": type(error).__name__, "status": status})
    page = _pages().expired(_request())
    return _respond(
        WebResponse(
            status=status,
            body=page.body,
            content_type=page.content_type,
            headers=page.headers,
        )
    )


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    logger.error("unexpected error", extra=unexpected_error_fields(error))
    return _respond(
        WebResponse(
            status=500,
            body="Sorry, there is a problem with the service. Try again later.",
            content_type="text/plain; charset=utf-8",
        )
    )


def send_link(asked: LinkRequest, *, now: datetime) -> dict[str, Any]:
    """The half of asking for a sign-in link that comes after the answer."""
    outcome = _sign_in(_site(asked.public_url)).send_link(asked, now=now)
    logger.info("sign-in link request dealt with", extra={"link": outcome})
    return {"link": outcome}


def handle(event: dict[str, Any], context: LambdaContext, *, now: datetime) -> dict[str, Any]:
    """Answer one API Gateway event as if the time were `now`, or deal with a request for a
    sign-in link the function sent itself."""
    asked = LinkRequest.from_event(event)
    if asked is not None:
        return send_link(asked, now=now)
    app.append_context(now=now)
    try:
        answer = app.resolve(event, context)
    finally:
        app.clear_context()
    for waiting in _after_the_answer.take():
        send_link(waiting, now=now)
    return answer

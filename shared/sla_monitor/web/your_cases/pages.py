"""The "Your cases" pages: a resident signs in by a one-time link sent to their email address and
sees their ongoing and past cases; from a case they send more information, ask for stage 2 or
change their preferences.

No AWS here and no clock, as the form's pages (`web/have_your_say/pages.py`): the routes turn an
API Gateway event into a `WebRequest`, call one method with `now`, and turn the `WebResponse`
back. The rules are the use cases' (`sla_monitor.residents`); these pages check who is asking,
read the form and say what happened.

Whatever is asked, nothing of another resident's is shown: a case that is not the signed-in
resident's answers exactly as a case that does not exist (404). Asking for a sign-in link shows
the same page whether or not the address has cases, and whether or not a link was sent.

`YourCases` here is the site: its collaborators, where each page is, who is asking, how a page
is rendered with its cookies, and the problem pages. Over it, `sign_in.py` signs a resident in
and out, `cases.py` shows their cases, and `steps.py` takes what they do on a case.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Case
from sla_monitor.directory import Directory
from sla_monitor.web.have_your_say.information import INFORMATION_PAGES
from sla_monitor.web.http.headers import security_headers
from sla_monitor.web.http.messages import SetCookie, WebRequest, WebResponse
from sla_monitor.web.pages import render
from sla_monitor.web.security import FormSigner
from sla_monitor.web.staff.session import NoSession
from sla_monitor.web.your_cases.session import (
    SESSION_COOKIE,
    ResidentSession,
    ResidentSessions,
)

# The residents' use cases (and with them the engine and the letters' wording), the store's port,
# the mailer and the raw mail come with the first page that needs them, not with a cold start's
# import.
if TYPE_CHECKING:
    from sla_monitor.checker.mailer import Mailer
    from sla_monitor.council import Council
    from sla_monitor.mail.raw_mail import RawMailStore
    from sla_monitor.policy import Policy
    from sla_monitor.residents import SignInLimits
    from sla_monitor.store.ports import CaseStore


class NotSignedIn(Exception):
    """A page that needs a session was asked for without one (or with one that is over)."""

    def __init__(self, reason: str, return_to: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.return_to = return_to


class CaseNotShown(Exception):
    """Not the resident's case, or no case: answered as page not found."""


@dataclass(frozen=True)
class YourCasesUrls:
    """Where each page is, under the public API's base path."""

    base_path: str = ""

    @property
    def cases(self) -> str:
        return f"{self.base_path}/your-cases"

    def sign_in(self, reference: str | None = None) -> str:
        url = f"{self.cases}/sign-in"
        return f"{url}?case={quote(reference, safe='')}" if reference else url

    @property
    def check_email(self) -> str:
        return f"{self.cases}/check-your-email"

    @property
    def link(self) -> str:
        return f"{self.cases}/link"

    @property
    def sign_out(self) -> str:
        return f"{self.cases}/sign-out"

    @property
    def signed_out(self) -> str:
        return f"{self.cases}/signed-out"

    def case(self, reference: str) -> str:
        return f"{self.cases}/{reference}"

    def step(self, reference: str, step: str) -> str:
        return f"{self.cases}/{reference}/{step}"

    def letter(self, reference: str, key: str) -> str:
        """The PDF of a letter sent on the case, under the key of the action that sent it."""
        return f"{self.cases}/{reference}/letters/{quote(key, safe=':')}"


class YourCases:
    """The residents' pages, given the council's collaborators."""

    def __init__(
        self,
        *,
        council: Council,
        signer: FormSigner,
        store: CaseStore,
        policy: Policy,
        calendar: WorkingDayCalendar,
        directory: Directory,
        mailer: Mailer | None = None,
        sender: str | None = None,
        limits: SignInLimits | None = None,
        public_url: str | None = None,
        raw_mail: RawMailStore | None = None,
        attachment_prefix: str = "attachments/",
    ) -> None:
        self.raw_mail = raw_mail
        self.attachment_prefix = attachment_prefix
        self.council = council
        # Where the pages are as the browser sees them (API Gateway's own domain name and the
        # base path), for the link in the email; the council's setting wins where it has one.
        self.public_url = council.your_cases_url or public_url
        self.signer = signer
        self.sessions = ResidentSessions(signer)
        self.store = store
        self.policy = policy
        self.calendar = calendar
        self.directory = directory
        self.mailer = mailer
        self.sender = sender
        if limits is None:
            from sla_monitor.residents import SignInLimits

            limits = SignInLimits()
        self.limits = limits

    # -- problems --------------------------------------------------------------------------------

    def not_found(self, request: WebRequest) -> WebResponse:
        return self.page(
            request,
            "your_cases_problem.html",
            status=404,
            title="Page not found",
            advice=(
                "If you typed the web address, check it is correct. If you followed a link to a "
                "case, sign in with the email address the case was sent from."
            ),
        )

    def expired(self, request: WebRequest) -> WebResponse:
        return self.page(
            request,
            "your_cases_problem.html",
            status=403,
            title="Sorry, this page has expired",
            advice="For your security, pages expire. Go back to your cases and try again.",
        )

    def not_signed_in(self, request: WebRequest, error: NotSignedIn) -> WebResponse:
        urls = YourCasesUrls(request.base_path)
        response = self.redirect(request, urls.sign_in(error.return_to))
        if SESSION_COOKIE not in request.cookies:
            return response
        gone = SetCookie(
            name=SESSION_COOKIE, value="", path=urls.cases, max_age=0, secure=request.secure
        )
        return self.with_cookies(response, gone)

    # -- who is asking, and answering them ---------------------------------------------------

    def signed_in(
        self, request: WebRequest, *, now: datetime, return_to: str | None = None
    ) -> ResidentSession:
        """The resident's live session; NotSignedIn (to sign in, then back to `return_to`)
        without one."""
        from sla_monitor.residents import is_reference
        from sla_monitor.sessions import live_session

        back = return_to if is_reference(return_to) else None
        try:
            session = self.sessions.read(request.cookies.get(SESSION_COOKIE), now=now)
        except NoSession as error:
            raise NotSignedIn(error.reason, back) from None
        # The session must still be kept on the server: signing out ends it there, so a copy
        # of the cookie opens nothing.
        if live_session(session.resident, session.session_id, now=now, store=self.store) is None:
            raise NotSignedIn("session ended", back)
        return session

    def their_case(self, session: ResidentSession, reference: str) -> Case:
        """The signed-in resident's own case; CaseNotShown for anyone else's, and for none."""
        from sla_monitor.residents import case_of

        try:
            return case_of(session.resident, reference, store=self.store)
        except LookupError:
            raise CaseNotShown() from None

    def signed_in_page(
        self,
        request: WebRequest,
        session: ResidentSession,
        template: str,
        *,
        now: datetime,
        status: int = 200,
        **context: Any,
    ) -> WebResponse:
        """A page for a signed-in resident: with their session's CSRF token, and the session
        renewed."""
        response = self.page(
            request,
            template,
            status=status,
            csrf_token=self.sessions.csrf_token(session, now=now),
            signed_in=True,
            **context,
        )
        # Every page renews the session's idle time.
        return self.with_cookies(response, self.session_cookie(request, session, now=now))

    def session_cookie(
        self, request: WebRequest, session: ResidentSession, *, now: datetime
    ) -> SetCookie:
        return SetCookie(
            name=SESSION_COOKIE,
            value=self.sessions.cookie_value(session, now=now),
            path=YourCasesUrls(request.base_path).cases,
            max_age=int(self.sessions.idle_timeout.total_seconds()),
            secure=request.secure,
            same_site="Lax",
        )

    def page(
        self,
        request: WebRequest,
        template: str,
        *,
        status: int = 200,
        log_message: str | None = None,
        **context: Any,
    ) -> WebResponse:
        nonce = secrets.token_urlsafe(16)
        body = render(
            template,
            urls=request.urls,
            council=self.council,
            csp_nonce=nonce,
            information_pages=INFORMATION_PAGES,  # the footer's links, as on the form's pages
            your=YourCasesUrls(request.base_path),
            **context,
        )
        return WebResponse(
            status=status,
            body=body,
            headers=security_headers(secure=request.secure, script_nonce=nonce),
            log_message=log_message,
        )

    def redirect(
        self,
        request: WebRequest,
        location: str,
        *,
        log_message: str | None = None,
        log_fields: Mapping[str, Any] | None = None,
    ) -> WebResponse:
        return WebResponse(
            status=303,
            body="",
            headers={
                "Location": location,
                **security_headers(secure=request.secure, script_nonce=secrets.token_urlsafe(16)),
            },
            log_message=log_message,
            log_fields=dict(log_fields or {}),
        )

    @staticmethod
    def with_cookies(response: WebResponse, *cookies: SetCookie) -> WebResponse:
        return WebResponse(
            status=response.status,
            body=response.body,
            content_type=response.content_type,
            headers=response.headers,
            cookies=(*response.cookies, *cookies),
            log_message=response.log_message,
            log_fields=response.log_fields,
        )

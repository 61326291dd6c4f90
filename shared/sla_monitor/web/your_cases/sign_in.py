"""Signing in to "Your cases" by a one-time link sent to the resident's email address, and
signing out. The session is kept on the server from the link's use until signing out.

Asking for a link shows the same "check your email" page whether or not the address has cases,
and whether or not a link was sent, in the same time: the page only checks the form, and the
address is looked up, counted and sent a link after the answer (`link_requests.py`). Opening
the link uses nothing (a mail filter that opens links first cannot spend it): its page's button
signs in, and the session starts then.
"""

from __future__ import annotations

from datetime import datetime

from sla_monitor.cases import AccessibleFormat
from sla_monitor.checker.mailer import SendError
from sla_monitor.checker.messages import Composer, build_email, new_message_id
from sla_monitor.residents import (
    cases_of,
    is_reference,
    request_sign_in_link,
    use_sign_in_link,
)
from sla_monitor.sessions import begin_session, end_session, session_digest
from sla_monitor.store.ports import SessionRecord, SignInLink, customer_key
from sla_monitor.web.errors import FormExpired
from sla_monitor.web.forms import read_form
from sla_monitor.web.http.messages import SetCookie, WebRequest, WebResponse
from sla_monitor.web.pages import Urls
from sla_monitor.web.security import CSRF_COOKIE, CSRF_MAX_AGE, csrf_token_for, csrf_token_is_valid
from sla_monitor.web.your_cases.link_requests import LinkRequest, LinkRequests
from sla_monitor.web.your_cases.pages import NotSignedIn, YourCases, YourCasesUrls
from sla_monitor.web.your_cases.session import (
    CSRF_FIELD,
    LONGEST_SESSION,
    SESSION_COOKIE,
    ResidentSession,
)

MAX_EMAIL = 254
SIGN_IN_TEMPLATE = "customer/sign_in"


class SignInPages:
    """Asking for a sign-in link, using it, and signing out."""

    def __init__(self, pages: YourCases, link_requests: LinkRequests | None = None) -> None:
        self.pages = pages
        self.link_requests = link_requests

    def sign_in_page(self, request: WebRequest, *, now: datetime) -> WebResponse:
        return_to = request.query.get("case")
        return self._sign_in_form(
            request, now=now, return_to=return_to if is_reference(return_to) else None
        )

    def ask_for_link(self, request: WebRequest, *, now: datetime) -> WebResponse:
        """Show the same "check your email" page in every case, at once: whether a link is
        sent (the address has cases and is within the limits) is decided after the answer, by
        `send_link`, so neither the page nor its timing says."""
        form = self._trusted_form(request, now=now)
        address = form.get("email", "").strip()
        return_to = form.get("case") if is_reference(form.get("case")) else None
        if not address or len(address) > MAX_EMAIL or "@" not in address:
            return self._sign_in_form(
                request,
                now=now,
                return_to=return_to,
                error="Enter an email address in the correct format, like name@example.com",
                value=address[:MAX_EMAIL],
            )
        if self.link_requests is None:
            raise RuntimeError("the residents' pages need somewhere to send link requests")
        self.link_requests.ask(
            LinkRequest(
                address=address,
                source=request.source_ip,
                return_to=return_to,
                public_url=self.pages.public_url,
            )
        )
        return self.pages.redirect(
            request,
            YourCasesUrls(request.base_path).check_email,
            log_message="sign-in link asked for",
        )

    def send_link(self, asked: LinkRequest, *, now: datetime) -> str:
        """After the answer: a link to the address when it has cases and is within the limits.
        What happened, for the log (never the address)."""
        issued = request_sign_in_link(
            asked.address,
            source=asked.source,
            return_to=asked.return_to,
            now=now,
            store=self.pages.store,
            limits=self.pages.limits,
        )
        if issued is None:
            return "not sent"
        try:
            self._send_link(issued.address, issued.token, issued.expires_at, now=now)
        except SendError as error:
            # The resident may ask again; the service is told.
            return f"send failed: {type(error).__name__}"
        return "sent"

    def check_email_page(self, request: WebRequest) -> WebResponse:
        return self.pages.page(request, "your_cases_check_email.html", title="Check your email")

    def link_page(self, request: WebRequest, *, now: datetime) -> WebResponse:
        """The page a sign-in link opens: a button that signs in. Opening the link uses
        nothing, so a mail filter that opens links first cannot spend it."""
        token = request.query.get("token", "")
        csrf = csrf_token_for(self.pages.signer, request.cookies.get(CSRF_COOKIE), now=now)
        response = self.pages.page(
            request,
            "your_cases_link.html",
            title="Sign in to see your cases",
            token=token[:100],
            csrf_token=csrf,
        )
        return self.pages.with_cookies(response, self._csrf_cookie(request, csrf))

    def use_link(self, request: WebRequest, *, now: datetime) -> WebResponse:
        form = self._trusted_form(request, now=now)
        link = use_sign_in_link(form.get("token", ""), now=now, store=self.pages.store)
        urls = YourCasesUrls(request.base_path)
        session = self.pages.sessions.start(link.customer_key, now=now) if link else None
        if link is None or session is None or not self._keep(session, link, now=now):
            return self.pages.page(
                request,
                "your_cases_link_refused.html",
                status=403,
                title="This sign-in link has expired or has been used",
                log_message="sign-in link refused",
            )
        target = urls.case(link.return_to) if link.return_to else urls.cases
        response = self.pages.redirect(request, target, log_message="resident signed in")
        return self.pages.with_cookies(
            response, self.pages.session_cookie(request, session, now=now)
        )

    def sign_out(self, request: WebRequest, *, now: datetime) -> WebResponse:
        # The session's own CSRF token when there is a live session; a session that is over
        # already has nothing to sign out of.
        try:
            session = self.pages.signed_in(request, now=now)
        except NotSignedIn:
            session = None
        if session is not None:
            form = read_form(request.body, request.content_type)
            if not self.pages.sessions.csrf_is_valid(session, form.get(CSRF_FIELD), now=now):
                raise FormExpired("csrf check failed")
            # Ended on the server: a copy of the cookie opens nothing.
            end_session(session.resident, session.session_id, store=self.pages.store)
        urls = YourCasesUrls(request.base_path)
        response = self.pages.redirect(request, urls.signed_out, log_message="resident signed out")
        gone = SetCookie(
            name=SESSION_COOKIE,
            value="",
            path=urls.cases,
            max_age=0,
            secure=request.secure,
            same_site="Lax",
        )
        return self.pages.with_cookies(response, gone)

    def _keep(self, session: ResidentSession, link: SignInLink, *, now: datetime) -> bool:
        """Keep the session on the server, for as long as a resident's session may last."""
        return begin_session(
            SessionRecord(
                holder=session.resident,
                session_digest=session_digest(session.session_id),
                started_at=now,
                valid_until=now + LONGEST_SESSION,
            ),
            credentials_issued_at=link.issued_at,
            store=self.pages.store,
        )

    def signed_out_page(self, request: WebRequest) -> WebResponse:
        return self.pages.page(request, "your_cases_signed_out.html", title="You have signed out")

    def _trusted_form(self, request: WebRequest, *, now: datetime) -> dict[str, str]:
        form = read_form(request.body, request.content_type)
        if not csrf_token_is_valid(
            self.pages.signer, form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE), now=now
        ):
            raise FormExpired("csrf check failed")
        return form

    def _send_link(self, address: str, token: str, expires_at: datetime, *, now: datetime) -> None:
        if self.pages.mailer is None or self.pages.sender is None or not self.pages.public_url:
            raise RuntimeError("the residents' pages need a mailer, a sender and their address")
        local = self.pages.calendar.local(expires_at)
        # In the language and print the resident asked for on their latest case, as every
        # letter about their cases is (only the address's own mailbox ever sees it).
        key = customer_key(address)
        latest = next(iter(cases_of(key, store=self.pages.store)), None) if key else None
        composer = Composer(self.pages.council)
        letter = composer.compose(
            SIGN_IN_TEMPLATE,
            language=composer.language_for(
                latest.preferences.language if latest else None, SIGN_IN_TEMPLATE
            ),
            large_print=bool(
                latest and latest.preferences.accessible_format is AccessibleFormat.LARGE_PRINT
            ),
            link=f"{self.pages.public_url}/link?token={token}",
            expires_at=local.strftime("%H:%M"),
            expires_on=local.date(),
        )
        outbound = build_email(
            letter,
            council=self.pages.council,
            sender=self.pages.sender,
            to=[address],
            reference="sign-in",
            message_id=new_message_id("sign-in", "sign-in", self.pages.sender),
            at=now,
        )
        self.pages.mailer.send(outbound)

    def _sign_in_form(
        self,
        request: WebRequest,
        *,
        now: datetime,
        return_to: str | None,
        error: str | None = None,
        value: str = "",
    ) -> WebResponse:
        csrf = csrf_token_for(self.pages.signer, request.cookies.get(CSRF_COOKIE), now=now)
        response = self.pages.page(
            request,
            "your_cases_sign_in.html",
            status=400 if error else 200,
            title="Sign in to see your cases",
            csrf_token=csrf,
            return_to=return_to,
            error=error,
            value=value,
        )
        return self.pages.with_cookies(response, self._csrf_cookie(request, csrf))

    def _csrf_cookie(self, request: WebRequest, csrf: str) -> SetCookie:
        return SetCookie(
            name=CSRF_COOKIE,
            value=csrf,
            path=Urls(request.base_path).start,
            max_age=int(CSRF_MAX_AGE.total_seconds()),
            secure=request.secure,
        )

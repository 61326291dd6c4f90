"""The "Your cases" pages: a resident signs in by a one-time link sent to their email address and
sees their ongoing and past cases; from a case they send more information, ask for stage 2 or
change their preferences.

No AWS here and no clock, as the form's pages (`have_your_say.py`): the routes turn an API
Gateway event into a `WebRequest`, call one method with `now`, and turn the `WebResponse` back.
The rules are the use cases' (`sla_monitor.residents`); these pages check who is asking, read
the form and say what happened.

Whatever is asked, nothing of another resident's is shown: a case that is not the signed-in
resident's answers exactly as a case that does not exist (404). Asking for a sign-in link shows
the same page whether or not the address has cases, and whether or not a link was sent.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import AccessibleFormat, Case, CaseStatus
from sla_monitor.checker.mailer import Mailer, SendError
from sla_monitor.checker.messages import Composer, build_email, case_type_label, new_message_id
from sla_monitor.council import Council
from sla_monitor.directory import Directory
from sla_monitor.mail.raw_mail import RawMailStore
from sla_monitor.policy import Policy
from sla_monitor.residents import (
    SignInLimits,
    StepNotAvailable,
    ask_for_stage_2,
    case_of,
    cases_of,
    change_preferences,
    dealing_with_it,
    is_reference,
    letters_sent,
    reply_dates_missed,
    reply_expected_by,
    request_sign_in_link,
    send_more_information,
    stage_2_open_until,
    use_sign_in_link,
)
from sla_monitor.store.ports import CaseStore, DuplicateDeliveryError, customer_key
from sla_monitor.web.errors import FormExpired
from sla_monitor.web.forms import FORMAT_NAMES, LANGUAGE_NAMES, LANGUAGES, NO_FORMAT, read_form
from sla_monitor.web.have_your_say.information import INFORMATION_PAGES
from sla_monitor.web.http.headers import security_headers
from sla_monitor.web.http.messages import SetCookie, WebRequest, WebResponse
from sla_monitor.web.pages import Urls, render
from sla_monitor.web.security import (
    CSRF_COOKIE,
    CSRF_MAX_AGE,
    FormSigner,
    csrf_token_for,
    csrf_token_is_valid,
)
from sla_monitor.web.staff.session import NoSession
from sla_monitor.web.your_cases.session import (
    CSRF_FIELD,
    SESSION_COOKIE,
    ResidentSession,
    ResidentSessions,
)
from sla_monitor.web.your_cases.uploads import (
    MAX_FILE_BYTES,
    MAX_FILES,
    check_uploads,
    keep_uploads,
    read_form_with_files,
)

MAX_EMAIL = 254
SIGN_IN_TEMPLATE = "customer/sign_in"
_STATUS_NAMES = {
    CaseStatus.OPEN: "Open",
    CaseStatus.WAITING_ON_CUSTOMER: "Waiting for you",
    CaseStatus.CLOSED: "Closed",
}
_STATUS_TAGS = {
    CaseStatus.OPEN: "govuk-tag--blue",
    CaseStatus.WAITING_ON_CUSTOMER: "govuk-tag--yellow",
    CaseStatus.CLOSED: "govuk-tag--grey",
}


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
    ) -> None:
        self.raw_mail = raw_mail
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
        self.limits = limits or SignInLimits()

    # -- signing in ------------------------------------------------------------------------------

    def sign_in_page(self, request: WebRequest, *, now: datetime) -> WebResponse:
        return_to = request.query.get("case")
        return self._sign_in_form(
            request, now=now, return_to=return_to if is_reference(return_to) else None
        )

    def ask_for_link(self, request: WebRequest, *, now: datetime) -> WebResponse:
        """Send a link when the address has cases (and is within the limits); show the same
        "check your email" page in every case."""
        form = self._trusted_public_form(request, now=now)
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
        issued = request_sign_in_link(
            address,
            source=request.source_ip,
            return_to=return_to,
            now=now,
            store=self.store,
            limits=self.limits,
        )
        outcome = "not sent"
        if issued is not None:
            try:
                self._send_link(issued.address, issued.token, issued.expires_at, now=now)
                outcome = "sent"
            except SendError as error:
                # The resident sees the same page (they may ask again); the service is told.
                outcome = f"send failed: {type(error).__name__}"
        return self._redirect(
            request,
            YourCasesUrls(request.base_path).check_email,
            log_message="sign-in link asked for",
            log_fields={"link": outcome},
        )

    def check_email_page(self, request: WebRequest) -> WebResponse:
        return self._page(request, "your_cases_check_email.html", title="Check your email")

    def link_page(self, request: WebRequest, *, now: datetime) -> WebResponse:
        """The page a sign-in link opens: a button that signs in. Opening the link uses
        nothing, so a mail filter that opens links first cannot spend it."""
        token = request.query.get("token", "")
        csrf = csrf_token_for(self.signer, request.cookies.get(CSRF_COOKIE), now=now)
        response = self._page(
            request,
            "your_cases_link.html",
            title="Sign in to see your cases",
            token=token[:100],
            csrf_token=csrf,
        )
        return self._with_cookies(response, self._csrf_cookie(request, csrf))

    def use_link(self, request: WebRequest, *, now: datetime) -> WebResponse:
        form = self._trusted_public_form(request, now=now)
        link = use_sign_in_link(form.get("token", ""), now=now, store=self.store)
        urls = YourCasesUrls(request.base_path)
        if link is None:
            return self._page(
                request,
                "your_cases_link_refused.html",
                status=403,
                title="This sign-in link has expired or has been used",
                log_message="sign-in link refused",
            )
        session = self.sessions.start(link.customer_key, now=now)
        target = urls.case(link.return_to) if link.return_to else urls.cases
        response = self._redirect(request, target, log_message="resident signed in")
        return self._with_cookies(response, self._session_cookie(request, session, now=now))

    def sign_out(self, request: WebRequest, *, now: datetime) -> WebResponse:
        # The session's own CSRF token when there is a live session; a session that is over
        # already has nothing to sign out of.
        try:
            session = self._session(request, now=now)
        except NotSignedIn:
            session = None
        if session is not None:
            form = read_form(request.body, request.content_type)
            if not self.sessions.csrf_is_valid(session, form.get(CSRF_FIELD), now=now):
                raise FormExpired("csrf check failed")
        urls = YourCasesUrls(request.base_path)
        response = self._redirect(request, urls.signed_out, log_message="resident signed out")
        gone = SetCookie(
            name=SESSION_COOKIE,
            value="",
            path=urls.cases,
            max_age=0,
            secure=request.secure,
            same_site="Lax",
        )
        return self._with_cookies(response, gone)

    def signed_out_page(self, request: WebRequest) -> WebResponse:
        return self._page(request, "your_cases_signed_out.html", title="You have signed out")

    # -- the resident's cases --------------------------------------------------------------------

    def case_list(self, request: WebRequest, *, now: datetime) -> WebResponse:
        session = self._session(request, now=now)
        rows = [
            self._summary(case, now=now) for case in cases_of(session.resident, store=self.store)
        ]
        return self._signed_in_page(
            request,
            session,
            "your_cases_list.html",
            now=now,
            title="Your cases",
            ongoing=[r for r in rows if r["open"]],
            past=[r for r in rows if not r["open"]],
        )

    def case_page(self, request: WebRequest, reference: str, *, now: datetime) -> WebResponse:
        session = self._session(request, now=now, return_to=reference)
        case = self._case(session, reference)
        return self._signed_in_page(
            request,
            session,
            "your_cases_case.html",
            now=now,
            title=f"Case {case.reference}",
            case=self._summary(case, now=now),
            letters=[
                {
                    "title": letter.title,
                    "sent_on": self.calendar.local(letter.sent_at).date(),
                    "by_post": letter.by_post,
                }
                for letter in letters_sent(self.store.timeline(case.reference))
            ],
            preferences=self._preferences_rows(case),
            sent=request.query.get("sent"),
        )

    def more_information(
        self, request: WebRequest, reference: str, *, now: datetime
    ) -> WebResponse:
        session = self._session(request, now=now, return_to=reference)
        case = self._case(session, reference)
        return self._information_form(request, session, case, now=now)

    def send_information(
        self, request: WebRequest, reference: str, *, now: datetime
    ) -> WebResponse:
        session = self._session(request, now=now, return_to=reference)
        form, uploads = read_form_with_files(request.body, request.content_type)
        if not self.sessions.csrf_is_valid(session, form.get(CSRF_FIELD), now=now):
            raise FormExpired("csrf check failed")
        case = self._case(session, reference)
        submission = form.get("submission_id", "")
        if len(submission) != 32 or not submission.isalnum():
            submission = uuid.uuid4().hex
        try:
            check_uploads(uploads)
            if uploads and self.raw_mail is None:
                raise RuntimeError("the residents' pages need the raw-mail bucket for files")
            attachments = (
                keep_uploads(uploads, submission_id=submission, raw_mail=self.raw_mail)
                if uploads and self.raw_mail is not None
                else ()
            )
            send_more_information(
                case.reference,
                form.get("information", ""),
                resident=session.resident,
                submission_id=submission,
                attachments=attachments,
                store=self.store,
                policy=self.policy,
                calendar=self.calendar,
                now=now,
                directory=self.directory,
            )
        except StepNotAvailable as refused:
            return self._information_form(
                request,
                session,
                case,
                now=now,
                error=str(refused),
                value=form.get("information", "")[:20000],
            )
        except DuplicateDeliveryError:
            pass  # a repeat of a submission already taken in (a double click)
        return self._redirect(
            request,
            YourCasesUrls(request.base_path).case(case.reference) + "?sent=information",
            log_message="resident sent more information",
            log_fields={"reference": case.reference},
        )

    def stage_2_form(self, request: WebRequest, reference: str, *, now: datetime) -> WebResponse:
        session = self._session(request, now=now, return_to=reference)
        case = self._case(session, reference)
        return self._stage_2_form(request, session, case, now=now)

    def ask_for_stage_2(self, request: WebRequest, reference: str, *, now: datetime) -> WebResponse:
        session = self._session(request, now=now, return_to=reference)
        form = self._trusted_session_form(request, session, now=now)
        case = self._case(session, reference)
        try:
            ask_for_stage_2(
                case.reference,
                form.get("reason", ""),
                resident=session.resident,
                store=self.store,
                policy=self.policy,
                calendar=self.calendar,
                directory=self.directory,
                now=now,
            )
        except StepNotAvailable as refused:
            return self._stage_2_form(
                request, session, case, now=now, error=str(refused), value=form.get("reason", "")
            )
        return self._redirect(
            request,
            YourCasesUrls(request.base_path).case(case.reference) + "?sent=stage-2",
            log_message="resident asked for stage 2",
            log_fields={"reference": case.reference},
        )

    def preferences_form(
        self, request: WebRequest, reference: str, *, now: datetime
    ) -> WebResponse:
        session = self._session(request, now=now, return_to=reference)
        case = self._case(session, reference)
        return self._preferences_form(request, session, case, now=now)

    def change_preferences(
        self, request: WebRequest, reference: str, *, now: datetime
    ) -> WebResponse:
        session = self._session(request, now=now, return_to=reference)
        form = self._trusted_session_form(request, session, now=now)
        case = self._case(session, reference)
        language = form.get("language", "")
        chosen_format = form.get("accessible_format", NO_FORMAT)
        formats = {f.value: f for f in AccessibleFormat}
        if language not in LANGUAGE_NAMES or (
            chosen_format != NO_FORMAT and chosen_format not in formats
        ):
            return self._preferences_form(
                request, session, case, now=now, error="Choose from the options shown"
            )
        change_preferences(
            case.reference,
            language=language,
            accessible_format=formats.get(chosen_format),
            interpreter=form.get("interpreter") == "yes",
            resident=session.resident,
            store=self.store,
            policy=self.policy,
            calendar=self.calendar,
            now=now,
        )
        return self._redirect(
            request,
            YourCasesUrls(request.base_path).case(case.reference) + "?sent=preferences",
            log_message="resident changed preferences",
            log_fields={"reference": case.reference},
        )

    # -- problems --------------------------------------------------------------------------------

    def not_found(self, request: WebRequest) -> WebResponse:
        return self._page(
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
        return self._page(
            request,
            "your_cases_problem.html",
            status=403,
            title="Sorry, this page has expired",
            advice="For your security, pages expire. Go back to your cases and try again.",
        )

    def not_signed_in(self, request: WebRequest, error: NotSignedIn) -> WebResponse:
        urls = YourCasesUrls(request.base_path)
        response = self._redirect(request, urls.sign_in(error.return_to))
        if SESSION_COOKIE not in request.cookies:
            return response
        gone = SetCookie(
            name=SESSION_COOKIE, value="", path=urls.cases, max_age=0, secure=request.secure
        )
        return self._with_cookies(response, gone)

    # -- the parts ---------------------------------------------------------------------------------

    def _session(
        self, request: WebRequest, *, now: datetime, return_to: str | None = None
    ) -> ResidentSession:
        try:
            return self.sessions.read(request.cookies.get(SESSION_COOKIE), now=now)
        except NoSession as error:
            raise NotSignedIn(
                error.reason, return_to if is_reference(return_to) else None
            ) from None

    def _case(self, session: ResidentSession, reference: str) -> Case:
        try:
            return case_of(session.resident, reference, store=self.store)
        except LookupError:
            raise CaseNotShown() from None

    def _trusted_public_form(self, request: WebRequest, *, now: datetime) -> dict[str, str]:
        form = read_form(request.body, request.content_type)
        if not csrf_token_is_valid(
            self.signer, form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE), now=now
        ):
            raise FormExpired("csrf check failed")
        return form

    def _trusted_session_form(
        self, request: WebRequest, session: ResidentSession, *, now: datetime
    ) -> dict[str, str]:
        form = read_form(request.body, request.content_type)
        if not self.sessions.csrf_is_valid(session, form.get(CSRF_FIELD), now=now):
            raise FormExpired("csrf check failed")
        return form

    def _send_link(self, address: str, token: str, expires_at: datetime, *, now: datetime) -> None:
        if self.mailer is None or self.sender is None or not self.public_url:
            raise RuntimeError("the residents' pages need a mailer, a sender and their address")
        local = self.calendar.local(expires_at)
        # In the language and print the resident asked for on their latest case, as every
        # letter about their cases is (only the address's own mailbox ever sees it).
        key = customer_key(address)
        latest = next(iter(cases_of(key, store=self.store)), None) if key else None
        composer = Composer(self.council)
        letter = composer.compose(
            SIGN_IN_TEMPLATE,
            language=composer.language_for(
                latest.preferences.language if latest else None, SIGN_IN_TEMPLATE
            ),
            large_print=bool(
                latest and latest.preferences.accessible_format is AccessibleFormat.LARGE_PRINT
            ),
            link=f"{self.public_url}/link?token={token}",
            expires_at=local.strftime("%H:%M"),
            expires_on=local.date(),
        )
        outbound = build_email(
            letter,
            council=self.council,
            sender=self.sender,
            to=[address],
            reference="sign-in",
            message_id=new_message_id("sign-in", "sign-in", self.sender),
            at=now,
        )
        self.mailer.send(outbound)

    def _summary(self, case: Case, *, now: datetime) -> dict[str, Any]:
        expected = reply_expected_by(case, policy=self.policy, calendar=self.calendar, now=now)
        stage_2_until = stage_2_open_until(case, policy=self.policy, calendar=self.calendar)
        return {
            "reference": case.reference,
            "about": case.subject,
            "what": case_type_label(case.case_type, "en"),
            "received_on": self.calendar.local(case.received_at).date(),
            "status": _STATUS_NAMES[case.status],
            "status_tag": _STATUS_TAGS[case.status],
            "open": case.is_open,
            "stage": case.stage,
            "dealing": dealing_with_it(case, self.directory, self.council.name),
            "reply_by": self.calendar.local(expected).date() if expected else None,
            "dates_missed": reply_dates_missed(
                case, policy=self.policy, calendar=self.calendar, now=now
            ),
            "closed_on": self.calendar.local(case.closed_at).date() if case.closed_at else None,
            "stage_2_until": (
                self.calendar.local(stage_2_until).date()
                if stage_2_until is not None and now <= stage_2_until
                else None
            ),
        }

    def _preferences_rows(self, case: Case) -> list[dict[str, str]]:
        prefs = case.preferences
        return [
            {"key": "Language", "value": LANGUAGE_NAMES.get(prefs.language, prefs.language)},
            {
                "key": "Accessible format",
                "value": FORMAT_NAMES[prefs.accessible_format]
                if prefs.accessible_format
                else "None",
            },
            {"key": "Interpreter", "value": "Yes" if prefs.interpreter else "No"},
        ]

    def _information_form(
        self,
        request: WebRequest,
        session: ResidentSession,
        case: Case,
        *,
        now: datetime,
        error: str | None = None,
        value: str = "",
    ) -> WebResponse:
        return self._signed_in_page(
            request,
            session,
            "your_cases_information.html",
            now=now,
            status=400 if error else 200,
            title="Send more information",
            case=self._summary(case, now=now),
            error=error,
            value=value,
            submission_id=uuid.uuid4().hex,
            max_files=MAX_FILES,
            max_megabytes=MAX_FILE_BYTES // (1024 * 1024),
        )

    def _stage_2_form(
        self,
        request: WebRequest,
        session: ResidentSession,
        case: Case,
        *,
        now: datetime,
        error: str | None = None,
        value: str = "",
    ) -> WebResponse:
        summary = self._summary(case, now=now)
        if summary["stage_2_until"] is None:
            raise CaseNotShown()
        return self._signed_in_page(
            request,
            session,
            "your_cases_stage_2.html",
            now=now,
            status=400 if error else 200,
            title="Ask for a stage 2 review",
            case=summary,
            error=error,
            value=value,
        )

    def _preferences_form(
        self,
        request: WebRequest,
        session: ResidentSession,
        case: Case,
        *,
        now: datetime,
        error: str | None = None,
    ) -> WebResponse:
        prefs = case.preferences
        return self._signed_in_page(
            request,
            session,
            "your_cases_preferences.html",
            now=now,
            status=400 if error else 200,
            title="How you want to hear from us",
            case=self._summary(case, now=now),
            error=error,
            languages=[
                {"value": code, "text": name, "selected": code == prefs.language}
                for code, name in LANGUAGES
            ],
            formats=[
                {
                    "value": NO_FORMAT,
                    "text": "No, the usual format",
                    "checked": prefs.accessible_format is None,
                },
                *(
                    {"value": f.value, "text": name, "checked": prefs.accessible_format is f}
                    for f, name in FORMAT_NAMES.items()
                ),
            ],
            interpreter=prefs.interpreter,
        )

    def _signed_in_page(
        self,
        request: WebRequest,
        session: ResidentSession,
        template: str,
        *,
        now: datetime,
        status: int = 200,
        **context: Any,
    ) -> WebResponse:
        response = self._page(
            request,
            template,
            status=status,
            csrf_token=self.sessions.csrf_token(session, now=now),
            signed_in=True,
            **context,
        )
        # Every page renews the session's idle time.
        return self._with_cookies(response, self._session_cookie(request, session, now=now))

    def _sign_in_form(
        self,
        request: WebRequest,
        *,
        now: datetime,
        return_to: str | None,
        error: str | None = None,
        value: str = "",
    ) -> WebResponse:
        csrf = csrf_token_for(self.signer, request.cookies.get(CSRF_COOKIE), now=now)
        response = self._page(
            request,
            "your_cases_sign_in.html",
            status=400 if error else 200,
            title="Sign in to see your cases",
            csrf_token=csrf,
            return_to=return_to,
            error=error,
            value=value,
        )
        return self._with_cookies(response, self._csrf_cookie(request, csrf))

    def _csrf_cookie(self, request: WebRequest, csrf: str) -> SetCookie:
        return SetCookie(
            name=CSRF_COOKIE,
            value=csrf,
            path=Urls(request.base_path).start,
            max_age=int(CSRF_MAX_AGE.total_seconds()),
            secure=request.secure,
        )

    def _session_cookie(
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

    def _page(
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

    def _redirect(
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
    def _with_cookies(response: WebResponse, *cookies: SetCookie) -> WebResponse:
        return WebResponse(
            status=response.status,
            body=response.body,
            content_type=response.content_type,
            headers=response.headers,
            cookies=(*response.cookies, *cookies),
            log_message=response.log_message,
            log_fields=response.log_fields,
        )

"""The "Have Your Say" pages: start, one page for each question, check your answers, the
confirmation, and the accessibility statement, privacy notice and cookies pages.

No AWS here and no clock: the Lambda function turns an API Gateway event into a `WebRequest`,
calls one method with `now`, and turns the `WebResponse` back. A submission becomes a case through
`register_case`, the same use case as email intake, so the deadline checker treats both alike.

The pages keep no session. Every question page carries a CSRF token and the answers so far,
signed (a `Draft`): each "Continue" posts them back with the new answer, and the answers come back
signed with the next page. What the person checked is exactly what is sent. The submission id and
the answers make the idempotency key, so a double click, a retry or "Accept and send" pressed
again after going Back registers one case.

"Accept and send" answers with a redirect (303) to the confirmation page, so refreshing it or going
Back never posts again. The pages that answer a post may be kept by the browser for its own
history ("private, no-cache"): Back then shows the page again instead of asking to resend a form;
no shared cache may keep them, and every ordinary visit asks the server again.

The signed answers are `draft.py`; what each question page and the check page show,
`questions.py`; what a submission becomes, `sending.py`; the pages about the service itself,
`information.py`; what the confirmation page promises, `next_steps.py`.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.directory import Department
from sla_monitor.store.ports import CaseStore
from sla_monitor.web.errors import (
    AnswersAltered,
    FormExpired,
    FormNotAccepted,
    ReceiptNotRecognised,
    SuspectedSpam,
)
from sla_monitor.web.forms import (
    QUESTION_SLUGS,
    QUESTIONS,
    FieldError,
    Question,
    clean_values,
    question,
    question_asking,
    read_form,
)
from sla_monitor.web.have_your_say.draft import CHECK, Draft, read_draft, signed_draft
from sla_monitor.web.have_your_say.information import INFORMATION_PAGES, public_cookies
from sla_monitor.web.have_your_say.questions import NOUNS, answers_to_check, question_page
from sla_monitor.web.have_your_say.sending import register_answers
from sla_monitor.web.http.headers import (
    ASSET_CACHE,
    NO_STORE,
    PRIVATE_HISTORY,
    security_headers,
)
from sla_monitor.web.http.messages import SetCookie, WebRequest, WebResponse
from sla_monitor.web.pages import clock_time, render
from sla_monitor.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_MAX_AGE,
    BadToken,
    FormSigner,
    csrf_token_for,
    csrf_token_is_valid,
)

if TYPE_CHECKING:
    from sla_monitor.council import Council
    from sla_monitor.intake import ArrivalLimits
    from sla_monitor.policy import Policy
    from sla_monitor.web.have_your_say.accessibility_results import AccessibilityResults

HONEYPOT_FIELD = "website"
CHANGE_FIELD = "change"
BACK_FIELD = "back"
RECEIPT_MAX_AGE = timedelta(days=90)

ASSETS: dict[str, str] = {
    "council.css": "text/css; charset=utf-8",
    "govuk-frontend.min.js": "text/javascript; charset=utf-8",
}


class HaveYourSay:
    """The public form's pages, given the council's collaborators."""

    def __init__(
        self,
        *,
        council: Council,
        signer: FormSigner,
        departments: Sequence[Department],
        store: CaseStore | None = None,
        policy: Policy | None = None,
        calendar: WorkingDayCalendar | None = None,
        limits: ArrivalLimits | None = None,
    ) -> None:
        self.council = council
        self.limits = limits  # None: the intake's own limits
        self.signer = signer
        self.departments = tuple(departments)
        self._store = store
        self._policy = policy
        self.calendar = calendar or council.calendar()

    # -- the pages -----------------------------------------------------------------------------

    def start_page(self, request: WebRequest) -> WebResponse:
        return self._page(request, "start.html", title=f"Have your say to {self.council.name}")

    def blank_form(self, request: WebRequest, *, now: datetime) -> WebResponse:
        csrf = csrf_token_for(self.signer, request.cookies.get(CSRF_COOKIE), now=now)
        draft = Draft(submission_id=uuid.uuid4().hex, values={}, at=QUESTIONS[0].slug)
        return self._question(request, draft, csrf=csrf, now=now, cache=NO_STORE)

    def answer_question(self, request: WebRequest, *, now: datetime) -> WebResponse:
        """A question page was posted: "Continue" checks the answer and asks the next question
        (or shows the answers to check); "Back" shows the page before."""
        form = self._trusted_form(request, now=now)
        if form.get(HONEYPOT_FIELD):
            raise SuspectedSpam()
        draft = read_draft(self.signer, form, now=now)
        if draft.at == CHECK:
            raise AnswersAltered("a check page's answers posted to a question")
        csrf = form[CSRF_FIELD]
        asked = question(draft.at)
        if BACK_FIELD in form:
            if draft.returning:
                return self._check_or_ask_again(request, draft, csrf=csrf, now=now)
            index = QUESTION_SLUGS.index(asked.slug)
            earlier = QUESTIONS[max(index - 1, 0)].slug
            return self._question(request, replace(draft, at=earlier), csrf=csrf, now=now)
        typed = clean_values(form)
        values = {**draft.values, **{name: typed[name] for name in asked.fields}}
        errors = self._errors_on(asked, values)
        if errors:
            return self._question(
                request, replace(draft, values=values), csrf=csrf, now=now, errors=errors
            )
        if asked.slug == "contact":
            from sla_monitor.web.have_your_say.answers import keep_chosen_contact_detail

            values = keep_chosen_contact_detail(values)
        answered = replace(draft, values=values)
        index = QUESTION_SLUGS.index(asked.slug)
        if draft.returning or index == len(QUESTIONS) - 1:
            return self._check_or_ask_again(request, answered, csrf=csrf, now=now)
        return self._question(
            request, replace(answered, at=QUESTIONS[index + 1].slug), csrf=csrf, now=now
        )

    def answer_check_page(self, request: WebRequest, *, now: datetime) -> WebResponse:
        """The check page was posted: "Change" asks that question again, "Back" goes to the last
        question, and "Accept and send" registers the case (once for these answers) and
        redirects to the confirmation page."""
        form = self._trusted_form(request, now=now)
        draft = read_draft(self.signer, form, now=now)
        if draft.at != CHECK:
            raise AnswersAltered("a question's answers posted as checked")
        csrf = form[CSRF_FIELD]
        if CHANGE_FIELD in form:
            slug = form[CHANGE_FIELD]
            if slug not in QUESTION_SLUGS:
                raise AnswersAltered("no such question")
            return self._question(
                request, replace(draft, at=slug, returning=True), csrf=csrf, now=now
            )
        if BACK_FIELD in form:
            return self._question(
                request, replace(draft, at=QUESTIONS[-1].slug, returning=False), csrf=csrf, now=now
            )
        from sla_monitor.web.have_your_say.answers import InvalidAnswers, check_answers

        try:
            answers = check_answers(draft.values, departments=self._department_codes())
        except InvalidAnswers:
            # The answers were fine when checked, but something changed since (a service was
            # removed from the list): ask again rather than fail.
            return self._check_or_ask_again(request, draft, csrf=csrf, now=now)
        registration = register_answers(
            answers,
            submission_id=draft.submission_id,
            source_ip=request.source_ip,
            now=now,
            store=self.store,
            policy=self.policy,
            calendar=self.calendar,
            departments=self.departments,
            limits=self.limits,
        )
        receipt = self.signer.sign("receipt", registration.case.reference, issued_at=now)
        return WebResponse(
            status=303,
            body="",
            headers={
                "Location": request.urls.confirmation(receipt),
                "Cache-Control": NO_STORE,
                **security_headers(secure=request.secure),
            },
            log_message="case registered" if registration.created else "submission repeated",
            log_fields={
                "reference": registration.case.reference,
                "case_type": registration.case.case_type.value,
                "new_case": registration.created,
            },
        )

    def redirect_to_start(self, request: WebRequest) -> WebResponse:
        """A page that exists only as the answer to a post, asked for again (a bookmark)."""
        return WebResponse(
            status=303,
            body="",
            headers={
                "Location": request.urls.start,
                "Cache-Control": NO_STORE,
                **security_headers(secure=request.secure),
            },
        )

    def information_page(self, request: WebRequest, name: str) -> WebResponse:
        """The accessibility statement, the privacy notice or the cookies page."""
        return self._page(
            request,
            f"{name}.html",
            title=INFORMATION_PAGES[name],
            results=self.accessibility_results,
            cookies=public_cookies(),
        )

    def confirmation(self, request: WebRequest, *, now: datetime) -> WebResponse:
        receipt = request.query.get("receipt", "")
        try:
            reference, _ = self.signer.unsign("receipt", receipt, now=now, max_age=RECEIPT_MAX_AGE)
        except BadToken:
            raise ReceiptNotRecognised() from None
        case = self.store.get_case(reference)
        if case is None:
            raise ReceiptNotRecognised()
        from sla_monitor.web.have_your_say.next_steps import what_happens_next

        upcoming = what_happens_next(case, policy=self.policy, calendar=self.calendar, now=now)
        noun = NOUNS[case.case_type]
        return self._page(
            request,
            "confirmation.html",
            title=f"{noun.capitalize()} received",
            reference=case.reference,
            noun=noun,
            next=upcoming,
            cut_off=clock_time(self.calendar.cut_off),
            cache=NO_STORE,
        )

    def problem(self, request: WebRequest, error: FormNotAccepted, *, status: int) -> WebResponse:
        return self._page(
            request,
            "problem.html",
            status=status,
            title=error.title,
            advice=error.advice,
            start_again=True,
        )

    def not_found(self, request: WebRequest) -> WebResponse:
        return self._page(
            request,
            "problem.html",
            status=404,
            title="Page not found",
            advice=(
                "If you typed the web address, check it is correct. If you pasted the web "
                "address, check you copied the entire address."
            ),
            start_again=True,
        )

    def service_unavailable(self, request: WebRequest) -> WebResponse:
        return self._page(
            request,
            "problem.html",
            status=500,
            title="Sorry, there is a problem with the service",
            advice="Try again later. We have not kept your answers.",
            start_again=True,
        )

    @staticmethod
    def asset(request: WebRequest, name: str) -> WebResponse | None:
        """A file of the page styles or scripts; None for any other name."""
        content_type = ASSETS.get(name)
        if content_type is None:
            return None
        text = resources.files("sla_monitor.web").joinpath(f"static/{name}").read_text("utf-8")
        return WebResponse(
            status=200,
            body=text,
            content_type=content_type,
            headers={"Cache-Control": ASSET_CACHE, **security_headers(secure=request.secure)},
        )

    @property
    def accessibility_results(self) -> AccessibilityResults:
        from sla_monitor.web.have_your_say.accessibility_results import (
            load_accessibility_results,
        )

        return load_accessibility_results()

    # -- collaborators used only when sending ----------------------------------------------------

    @property
    def store(self) -> CaseStore:
        if self._store is None:
            raise RuntimeError("HaveYourSay needs a store to send or confirm a message")
        return self._store

    @property
    def policy(self) -> Policy:
        if self._policy is None:
            raise RuntimeError("HaveYourSay needs the policy to send or confirm a message")
        return self._policy

    # -- the parts -----------------------------------------------------------------------------

    def _department_codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.departments)

    def _trusted_form(self, request: WebRequest, *, now: datetime) -> dict[str, str]:
        """The posted fields, once the CSRF check has passed."""
        form = read_form(request.body, request.content_type)
        if not csrf_token_is_valid(
            self.signer, form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE), now=now
        ):
            raise FormExpired("csrf check failed")
        return form

    def _errors_on(self, asked: Question, values: Mapping[str, str]) -> list[FieldError]:
        """The problems with the answers this page asks for, given the answers so far."""
        # The answers' model (pydantic) loads with the first answers checked, not at import.
        from sla_monitor.web.have_your_say.answers import InvalidAnswers, check_answers

        try:
            check_answers(values, departments=self._department_codes())
        except InvalidAnswers as invalid:
            return [e for e in invalid.errors if e.field in asked.fields]
        return []

    def _check_or_ask_again(
        self, request: WebRequest, draft: Draft, *, csrf: str, now: datetime
    ) -> WebResponse:
        """The answers to check; or, when an answer no longer fits the others (a complaint
        needs a name), the first page with a problem, which comes back here once answered."""
        from sla_monitor.web.have_your_say.answers import InvalidAnswers, check_answers

        try:
            answers = check_answers(draft.values, departments=self._department_codes())
        except InvalidAnswers as invalid:
            first = question_asking(invalid.errors[0].field)
            errors = [e for e in invalid.errors if e.field in first.fields]
            return self._question(
                request,
                replace(draft, at=first.slug, returning=True),
                csrf=csrf,
                now=now,
                errors=errors,
            )
        checked = replace(draft, values=answers.form_values(), at=CHECK, returning=False)
        return self._page(
            request,
            "check.html",
            title="Check your answers before sending your message",
            csrf_token=csrf,
            signed_answers=signed_draft(self.signer, checked, now=now),
            rows=answers_to_check(answers, departments=self.departments),
            cache=PRIVATE_HISTORY,
        )

    def _question(
        self,
        request: WebRequest,
        draft: Draft,
        *,
        csrf: str,
        now: datetime,
        errors: Sequence[FieldError] = (),
        cache: str = PRIVATE_HISTORY,
    ) -> WebResponse:
        """The page of the question the draft is at, filled in with the answers so far."""
        response = self._page(
            request,
            f"question-{draft.at}.html",
            status=400 if errors else 200,
            csrf_token=csrf,
            signed_answers=signed_draft(self.signer, draft, now=now),
            cache=cache,
            **question_page(draft, departments=self.departments, errors=errors),
        )
        cookie = SetCookie(
            name=CSRF_COOKIE,
            value=csrf,
            path=request.urls.start,  # the form's own pages, under any base path
            max_age=int(CSRF_MAX_AGE.total_seconds()),
            secure=request.secure,
        )
        log_fields = {"fields": [e.field for e in errors]} if errors else {}
        return WebResponse(
            status=response.status,
            body=response.body,
            headers=response.headers,
            cookies=(cookie,),
            log_message="answers need correcting" if errors else None,
            log_fields=log_fields,
        )

    def _page(
        self,
        request: WebRequest,
        template: str,
        *,
        status: int = 200,
        cache: str = NO_STORE,
        **context: Any,
    ) -> WebResponse:
        nonce = secrets.token_urlsafe(16)
        body = render(
            template,
            urls=request.urls,
            council=self.council,
            csp_nonce=nonce,
            information_pages=INFORMATION_PAGES,
            **context,
        )
        headers = {
            "Cache-Control": cache,
            **security_headers(secure=request.secure, script_nonce=nonce),
        }
        return WebResponse(status=status, body=body, headers=headers)

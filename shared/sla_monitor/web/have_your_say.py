"""The "Have Your Say" pages: start, the form, check your answers, and the confirmation.

No AWS here and no clock: the Lambda function turns an API Gateway event into a `WebRequest`,
calls one method with `now`, and turns the `WebResponse` back. A submission becomes a case through
`register_case`, the same use case as email intake, so the deadline checker treats both alike.

The pages keep no session. The form carries a CSRF token and a submission id; the check answers
page carries the checked answers, signed, so what the person checked is exactly what is sent, and
the submission id makes a double click or a retry register one case.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import CaseType, Channel
from sla_monitor.council import Council
from sla_monitor.directory import Department
from sla_monitor.intake import (
    ArrivalLimits,
    NewCase,
    Registration,
    TriageRecord,
    over_arrival_limits,
    record_triage,
    register_case,
)
from sla_monitor.policy import Policy
from sla_monitor.store.ports import CaseStore
from sla_monitor.web.errors import (
    AnswersAltered,
    FormExpired,
    FormNotAccepted,
    ReceiptNotRecognised,
    SuspectedSpam,
    TooManyMessages,
)
from sla_monitor.web.forms import (
    CASE_TYPE_CHOICES,
    FORMAT_NAMES,
    LANGUAGE_NAMES,
    LANGUAGES,
    MAX_DETAILS,
    NO_FORMAT,
    NOT_KNOWN,
    REPLY_BY_NAMES,
    FieldError,
    HaveYourSayAnswers,
    InvalidAnswers,
    ReplyBy,
    check_answers,
    read_form,
)
from sla_monitor.web.next_steps import what_happens_next
from sla_monitor.web.pages import Urls, clock_time, render
from sla_monitor.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_MAX_AGE,
    BadToken,
    FormSigner,
    csrf_token_for,
    csrf_token_is_valid,
)

HONEYPOT_FIELD = "website"
SUBMISSION_FIELD = "submission_id"
ANSWERS_FIELD = "answers"
CHANGE_FIELD = "change"
ANSWERS_MAX_AGE = timedelta(days=1)
RECEIPT_MAX_AGE = timedelta(days=90)
ACTOR = "have_your_say"
_SUBMISSION_ID = re.compile(r"^[0-9a-f]{32}$")

ASSETS: dict[str, str] = {
    "council.css": "text/css; charset=utf-8",
    "govuk-frontend.min.js": "text/javascript; charset=utf-8",
}

_NOUNS: dict[CaseType, str] = {
    CaseType.COMPLAINT: "complaint",
    CaseType.SERVICE_REQUEST: "request",
    CaseType.ENQUIRY: "question",
    CaseType.COMMENT: "comment",
    CaseType.COMPLIMENT: "compliment",
}


@dataclass(frozen=True)
class WebRequest:
    """What the pages need from an HTTP request."""

    base_path: str = ""
    secure: bool = True  # HTTPS, as API Gateway always is; plain HTTP only on a person's computer
    cookies: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str | None = None
    # The address the request came from, as API Gateway saw it (for the arrival limits).
    source_ip: str | None = None

    @property
    def urls(self) -> Urls:
        return Urls(self.base_path)


@dataclass(frozen=True)
class SetCookie:
    name: str
    value: str
    path: str
    max_age: int
    secure: bool
    http_only: bool = True
    same_site: str = "Lax"


@dataclass(frozen=True)
class WebResponse:
    status: int
    body: str
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: tuple[SetCookie, ...] = ()
    # What the function may log about this request: never personal data.
    log_message: str | None = None
    log_fields: Mapping[str, Any] = field(default_factory=dict)


def _security_headers(nonce: str, *, secure: bool, cacheable: bool = False) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # The confirmation address carries a receipt; never pass it on to another site.
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "public, max-age=86400" if cacheable else "no-store",
    }
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


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
        self.limits = limits or ArrivalLimits()
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
        return self._form(request, csrf=csrf, submission_id=uuid.uuid4().hex, values={})

    def review_answers(self, request: WebRequest, *, now: datetime) -> WebResponse:
        """The form was posted: show the errors, or the answers to check before sending."""
        form = self._trusted_form(request, now=now)
        if form.get(HONEYPOT_FIELD):
            raise SuspectedSpam()
        submission_id = _submission_id(form.get(SUBMISSION_FIELD))
        csrf = form[CSRF_FIELD]
        try:
            answers = check_answers(form, departments=self._department_codes())
        except InvalidAnswers as invalid:
            return self._form(
                request,
                csrf=csrf,
                submission_id=submission_id,
                values=invalid.values,
                errors=invalid.errors,
            )
        signed = self.signer.sign(
            "answers",
            json.dumps({"submission_id": submission_id, "answers": answers.form_values()}),
            issued_at=now,
        )
        return self._page(
            request,
            "check.html",
            title="Check your answers before sending your message",
            csrf_token=csrf,
            signed_answers=signed,
            rows=self._summary_rows(answers),
        )

    def answer_check_page(self, request: WebRequest, *, now: datetime) -> WebResponse:
        """The check page was posted: "Change" shows the form filled in with the answers,
        "Accept and send" registers the case (once per submission) and goes on to the
        confirmation page."""
        form = self._trusted_form(request, now=now)
        submission_id, values = self._signed_answers(form, now=now)
        if CHANGE_FIELD in form:
            return self._form(
                request, csrf=form[CSRF_FIELD], submission_id=submission_id, values=values
            )
        try:
            answers = check_answers(values, departments=self._department_codes())
        except InvalidAnswers as invalid:
            # The answers were fine when checked, but something changed since (a service was
            # removed from the list): ask again rather than fail.
            return self._form(
                request,
                csrf=form[CSRF_FIELD],
                submission_id=submission_id,
                values=invalid.values,
                errors=invalid.errors,
            )
        registration = self._register(
            answers, submission_id=submission_id, source_ip=request.source_ip, now=now
        )
        receipt = self.signer.sign("receipt", registration.case.reference, issued_at=now)
        return WebResponse(
            status=303,
            body="",
            headers={
                "Location": request.urls.confirmation(receipt),
                **_security_headers(secrets.token_urlsafe(16), secure=request.secure),
            },
            log_message="case registered" if registration.created else "submission repeated",
            log_fields={
                "reference": registration.case.reference,
                "case_type": registration.case.case_type.value,
                "new_case": registration.created,
            },
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
        upcoming = what_happens_next(case, policy=self.policy, calendar=self.calendar, now=now)
        noun = _NOUNS[case.case_type]
        return self._page(
            request,
            "confirmation.html",
            title=f"{noun.capitalize()} received",
            reference=case.reference,
            noun=noun,
            next=upcoming,
            cut_off=clock_time(self.calendar.cut_off),
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
    def asset(name: str) -> WebResponse | None:
        """A file of the page styles or scripts; None for any other name."""
        content_type = ASSETS.get(name)
        if content_type is None:
            return None
        text = resources.files("sla_monitor.web").joinpath(f"static/{name}").read_text("utf-8")
        return WebResponse(
            status=200,
            body=text,
            content_type=content_type,
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

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

    def _signed_answers(
        self, form: Mapping[str, str], *, now: datetime
    ) -> tuple[str, dict[str, str]]:
        try:
            text, _ = self.signer.unsign(
                "answers", form.get(ANSWERS_FIELD, ""), now=now, max_age=ANSWERS_MAX_AGE
            )
            data = json.loads(text)
            submission_id = data["submission_id"]
            values = {str(k): str(v) for k, v in data["answers"].items()}
        except (BadToken, ValueError, KeyError, TypeError, AttributeError):
            raise AnswersAltered("signed answers rejected") from None
        if not _SUBMISSION_ID.match(str(submission_id)):
            raise AnswersAltered("bad submission id")
        return str(submission_id), values

    def _register(
        self,
        answers: HaveYourSayAnswers,
        *,
        submission_id: str,
        source_ip: str | None,
        now: datetime,
    ) -> Registration:
        key = f"have-your-say:{submission_id}"
        earlier = self.store.find_delivery(key)
        if earlier is None:
            # A new submission counts against its address's and its computer's hour; a
            # repeat of one already taken in (a double click) does not.
            over = over_arrival_limits(
                address=answers.email,
                source=source_ip,
                at=now,
                store=self.store,
                limits=self.limits,
            )
            if over is not None:
                self._keep_for_staff(answers, key=key, evidence=over, now=now)
                raise TooManyMessages(over)
        elif earlier.outcome == "triage":
            raise TooManyMessages("a submission kept for staff before")
        department = next((d for d in self.departments if d.code == answers.department), None)
        label = answers.about.label
        subject = f"{label[0].upper()}{label[1:]} from the Have Your Say form"
        if department is not None:
            subject += f" about {department.name}"
        new_case = NewCase(
            case_type=answers.about,
            channel=Channel.WEB,
            received_at=now,
            subject=subject,
            description=answers.details,
            customer=answers.customer(),
            preferences=answers.preferences(),
            department=answers.department,
            classification_reason="chosen by the customer on the Have Your Say form",
            idempotency_key=key,
            actor=ACTOR,
        )
        return register_case(
            new_case, store=self.store, policy=self.policy, calendar=self.calendar, now=now
        )

    def _keep_for_staff(
        self, answers: HaveYourSayAnswers, *, key: str, evidence: str, now: datetime
    ) -> None:
        """A submission over the limits, kept whole in triage for staff to register by hand."""
        kept = {
            "label": "too many messages from one sender in an hour",
            "evidence": evidence,
            "channel": Channel.WEB.value,
            "about": answers.about.value,
            "details": answers.details,
            "name": answers.name or "",
            "phone": answers.phone or "",
            "address": answers.address or "",
            "department": answers.department or "",
        }
        record_triage(
            TriageRecord(
                idempotency_key=key,
                received_at=now,
                reason="too_many_messages",
                sender=answers.email,
                subject=f"{answers.about.label} from the Have Your Say form",
                raw_location=None,
                details={k: v for k, v in kept.items() if v},
            ),
            store=self.store,
        )

    def _form(
        self,
        request: WebRequest,
        *,
        csrf: str,
        submission_id: str,
        values: Mapping[str, str],
        errors: Sequence[FieldError] = (),
    ) -> WebResponse:
        response = self._page(
            request,
            "form.html",
            status=400 if errors else 200,
            title="Tell us what it is about",
            # Each field's id is its name (for radios and checkboxes, the first option's id), so
            # the error summary links straight to it.
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in errors],
            field_errors={e.field: {"text": e.message} for e in errors},
            values=values,
            csrf_token=csrf,
            submission_id=submission_id,
            max_details=MAX_DETAILS,
            case_types=[
                {"value": t.value, "text": text, "hint": {"text": hint}}
                for t, text, hint in CASE_TYPE_CHOICES
            ],
            departments=[
                {"value": "", "text": "Choose a service"},
                *({"value": d.code, "text": d.name} for d in self.departments),
                {"value": NOT_KNOWN, "text": "I do not know"},
            ],
            contact_methods=[{"value": m.value, "text": REPLY_BY_NAMES[m]} for m in ReplyBy],
            languages=[{"value": code, "text": name} for code, name in LANGUAGES],
            formats=[
                {"value": NO_FORMAT, "text": "No, the usual format"},
                *({"value": f.value, "text": name} for f, name in FORMAT_NAMES.items()),
            ],
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

    def _summary_rows(self, answers: HaveYourSayAnswers) -> list[dict[str, str]]:
        about = next(text for t, text, _ in CASE_TYPE_CHOICES if t is answers.about)
        department = next(
            (d.name for d in self.departments if d.code == answers.department), "I do not know"
        )
        needs = [FORMAT_NAMES[answers.accessible_format]] if answers.accessible_format else []
        if answers.interpreter:
            needs.append("An interpreter")
        rows = [
            ("What it is about", about, "about", "what it is about"),
            ("Service", department, "department", "the service"),
            ("Details", answers.details, "details", "the details"),
            ("Full name", answers.name or "Not given", "name", "your name"),
            ("Email address", answers.email or "Not given", "email", "your email address"),
            ("Phone number", answers.phone or "Not given", "phone", "your phone number"),
            ("Postal address", answers.address or "Not given", "address", "your postal address"),
            (
                "How to contact you",
                REPLY_BY_NAMES[answers.contact_method],
                "contact_method",
                "how to contact you",
            ),
            ("Language", LANGUAGE_NAMES[answers.language], "language", "the language"),
            (
                "Accessible format or interpreter",
                ", ".join(needs) or "None",
                "accessible_format",
                "the accessible format or interpreter",
            ),
        ]
        return [
            {"key": key, "value": value, "anchor": anchor, "hidden_text": hidden}
            for key, value, anchor, hidden in rows
        ]

    def _page(
        self, request: WebRequest, template: str, *, status: int = 200, **context: Any
    ) -> WebResponse:
        nonce = secrets.token_urlsafe(16)
        body = render(template, urls=request.urls, council=self.council, csp_nonce=nonce, **context)
        return WebResponse(
            status=status, body=body, headers=_security_headers(nonce, secure=request.secure)
        )


def _submission_id(value: str | None) -> str:
    """The form's own submission id, or a new one when it is missing or malformed."""
    return value if value and _SUBMISSION_ID.match(value) else uuid.uuid4().hex

"""What a resident may do on one of their cases: send more information (with files), ask for a
stage 2 review, and change how they want to hear from the council.

The rules are the use cases' (`sla_monitor.residents`): a step the case does not allow comes back
as the use case's own words beside the form, and every form is checked against the session's CSRF
token first. After a step the resident goes back to the case's page, which says what was sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sla_monitor.cases import AccessibleFormat, Case
from sla_monitor.residents import (
    StepNotAvailable,
    ask_for_stage_2,
    change_preferences,
    information_sent,
    send_more_information,
)
from sla_monitor.store.ports import DuplicateDeliveryError
from sla_monitor.web.errors import FormExpired
from sla_monitor.web.forms import FORMAT_NAMES, LANGUAGE_NAMES, LANGUAGES, NO_FORMAT, read_form
from sla_monitor.web.http.messages import WebRequest, WebResponse
from sla_monitor.web.your_cases.cases import case_summary
from sla_monitor.web.your_cases.pages import CaseNotShown, YourCases, YourCasesUrls
from sla_monitor.web.your_cases.session import CSRF_FIELD, ResidentSession
from sla_monitor.web.your_cases.uploads import (
    MAX_FILE_BYTES,
    MAX_FILES,
    check_uploads,
    keep_uploads,
    read_form_with_files,
)


class ResidentSteps:
    """More information, stage 2 and preferences: each a form and what posting it does."""

    def __init__(self, pages: YourCases) -> None:
        self.pages = pages

    def more_information(
        self, request: WebRequest, reference: str, *, now: datetime
    ) -> WebResponse:
        session = self.pages.signed_in(request, now=now, return_to=reference)
        case = self.pages.their_case(session, reference)
        return self._information_form(request, session, case, now=now)

    def send_information(
        self, request: WebRequest, reference: str, *, now: datetime
    ) -> WebResponse:
        session = self.pages.signed_in(request, now=now, return_to=reference)
        form, uploads = read_form_with_files(request.body, request.content_type)
        if not self.pages.sessions.csrf_is_valid(session, form.get(CSRF_FIELD), now=now):
            raise FormExpired("csrf check failed")
        case = self.pages.their_case(session, reference)
        submission = form.get("submission_id", "")
        if len(submission) != 32 or not submission.isalnum():
            submission = uuid.uuid4().hex
        if information_sent(submission, store=self.pages.store):
            # The same form sent again: nothing of it is kept or recorded a second time.
            return self._information_sent(request, case)
        try:
            check_uploads(uploads)
            if uploads and self.pages.raw_mail is None:
                raise RuntimeError("the residents' pages need the raw-mail bucket for files")
            attachments = (
                keep_uploads(uploads, submission_id=submission, raw_mail=self.pages.raw_mail)
                if uploads and self.pages.raw_mail is not None
                else ()
            )
            send_more_information(
                case.reference,
                form.get("information", ""),
                resident=session.resident,
                submission_id=submission,
                attachments=attachments,
                store=self.pages.store,
                policy=self.pages.policy,
                calendar=self.pages.calendar,
                now=now,
                directory=self.pages.directory,
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
            pass  # a repeat of a submission taken in meanwhile (a double click)
        return self._information_sent(request, case)

    def _information_sent(self, request: WebRequest, case: Case) -> WebResponse:
        return self.pages.redirect(
            request,
            YourCasesUrls(request.base_path).case(case.reference) + "?sent=information",
            log_message="resident sent more information",
            log_fields={"reference": case.reference},
        )

    def stage_2_form(self, request: WebRequest, reference: str, *, now: datetime) -> WebResponse:
        session = self.pages.signed_in(request, now=now, return_to=reference)
        case = self.pages.their_case(session, reference)
        return self._stage_2_form(request, session, case, now=now)

    def ask_for_stage_2(self, request: WebRequest, reference: str, *, now: datetime) -> WebResponse:
        session = self.pages.signed_in(request, now=now, return_to=reference)
        form = self._trusted_form(request, session, now=now)
        case = self.pages.their_case(session, reference)
        try:
            ask_for_stage_2(
                case.reference,
                form.get("reason", ""),
                resident=session.resident,
                store=self.pages.store,
                policy=self.pages.policy,
                calendar=self.pages.calendar,
                directory=self.pages.directory,
                now=now,
            )
        except StepNotAvailable as refused:
            return self._stage_2_form(
                request, session, case, now=now, error=str(refused), value=form.get("reason", "")
            )
        return self.pages.redirect(
            request,
            YourCasesUrls(request.base_path).case(case.reference) + "?sent=stage-2",
            log_message="resident asked for stage 2",
            log_fields={"reference": case.reference},
        )

    def preferences_form(
        self, request: WebRequest, reference: str, *, now: datetime
    ) -> WebResponse:
        session = self.pages.signed_in(request, now=now, return_to=reference)
        case = self.pages.their_case(session, reference)
        return self._preferences_form(request, session, case, now=now)

    def change_preferences(
        self, request: WebRequest, reference: str, *, now: datetime
    ) -> WebResponse:
        session = self.pages.signed_in(request, now=now, return_to=reference)
        form = self._trusted_form(request, session, now=now)
        case = self.pages.their_case(session, reference)
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
            store=self.pages.store,
            policy=self.pages.policy,
            calendar=self.pages.calendar,
            now=now,
        )
        return self.pages.redirect(
            request,
            YourCasesUrls(request.base_path).case(case.reference) + "?sent=preferences",
            log_message="resident changed preferences",
            log_fields={"reference": case.reference},
        )

    def _trusted_form(
        self, request: WebRequest, session: ResidentSession, *, now: datetime
    ) -> dict[str, str]:
        form = read_form(request.body, request.content_type)
        if not self.pages.sessions.csrf_is_valid(session, form.get(CSRF_FIELD), now=now):
            raise FormExpired("csrf check failed")
        return form

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
        return self.pages.signed_in_page(
            request,
            session,
            "your_cases_information.html",
            now=now,
            status=400 if error else 200,
            title="Send more information",
            case=case_summary(self.pages, case, now=now),
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
        summary = case_summary(self.pages, case, now=now)
        if summary["stage_2_until"] is None:
            raise CaseNotShown()
        return self.pages.signed_in_page(
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
        return self.pages.signed_in_page(
            request,
            session,
            "your_cases_preferences.html",
            now=now,
            status=400 if error else 200,
            title="How you want to hear from us",
            case=case_summary(self.pages, case, now=now),
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

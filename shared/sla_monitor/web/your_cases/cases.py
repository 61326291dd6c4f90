"""The resident's cases: the list of their ongoing and past cases, and a case's own page (where it
stands, the letters sent, how they want to hear from the council).

A case that is not the signed-in resident's answers exactly as a case that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sla_monitor.cases import Case, CaseStatus
from sla_monitor.checker.messages import case_type_label
from sla_monitor.correspondence import letter_reached_customer
from sla_monitor.engine import Clock, evaluate
from sla_monitor.policy_terms import PromiseKind
from sla_monitor.promised_dates import promised_reply
from sla_monitor.representation import addressees
from sla_monitor.residents import (
    cases_of,
    dealing_with_it,
    reply_dates_missed,
    reply_expected_by,
    stage_2_open_until,
)
from sla_monitor.web.forms import FORMAT_NAMES, LANGUAGE_NAMES
from sla_monitor.web.http.headers import security_headers
from sla_monitor.web.http.messages import WebRequest, WebResponse
from sla_monitor.web.letters import letter_filename, pdf_response
from sla_monitor.web.your_cases.appointments import resident_appointments
from sla_monitor.web.your_cases.conversation import (
    resident_messages,
    responses_without_their_letter,
)
from sla_monitor.web.your_cases.pages import CaseNotShown, YourCases, YourCasesUrls
from sla_monitor.wording import long_date

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


def case_summary(
    pages: YourCases, case: Case, *, now: datetime, clocks: Sequence[Clock] | None = None
) -> dict[str, Any]:
    """What a resident sees of one of their cases: what it is, where it stands, who is dealing
    with it, and the dates that matter to them. Its clocks are read once, here, unless the page
    read them already (`clocks`)."""
    if clocks is None:
        clocks = evaluate(case, pages.policy, pages.calendar, now).clocks
    expected = reply_expected_by(case, clocks, calendar=pages.calendar)
    stage_2_until = stage_2_open_until(case, policy=pages.policy, calendar=pages.calendar)
    return {
        "reference": case.reference,
        "about": case.subject,
        "what": case_type_label(case.case_type, "en"),
        "received_on": pages.calendar.local(case.received_at).date(),
        "status": _STATUS_NAMES[case.status],
        "status_tag": _STATUS_TAGS[case.status],
        "open": case.is_open,
        "stage": case.stage,
        "dealing": dealing_with_it(case, pages.directory, pages.council.name),
        "reply_by": pages.calendar.local(expected).date() if expected else None,
        "dates_missed": reply_dates_missed(clocks),
        "closed_on": pages.calendar.local(case.closed_at).date() if case.closed_at else None,
        "stage_2_until": (
            pages.calendar.local(stage_2_until).date()
            if stage_2_until is not None and now <= stage_2_until
            else None
        ),
    }


def acting_for_you(case: Case) -> list[dict[str, str]] | None:
    """Who acts for the resident on the case, as their own page says it: who they are, the
    consent the council has recorded, and who it writes to. None where nobody does."""
    rep = case.representative
    if rep is None:
        return None
    if rep.has_consent:
        assert rep.consent_given_on is not None
        consent = f"You gave your consent {rep.consent_how} on {long_date(rep.consent_given_on)}"
    else:
        consent = "We are waiting for your consent"
    to = addressees(case)
    if to.held_back:
        writes_to = "You, until we have your consent"
    elif to.representative is None:
        writes_to = "You"
    elif to.customer:
        writes_to = f"You, with a copy to your representative, {rep.name}"
    else:
        writes_to = f"Your representative, {rep.name}"
    return [
        {"key": "Name", "value": f"{rep.name} ({rep.relationship})"},
        {"key": "Consent", "value": consent},
        {"key": "We write to", "value": writes_to},
    ]


class CasePages:
    """The list of a resident's cases, and one case."""

    def __init__(self, pages: YourCases) -> None:
        self.pages = pages

    def case_list(self, request: WebRequest, *, now: datetime) -> WebResponse:
        session = self.pages.signed_in(request, now=now)
        rows = [
            case_summary(self.pages, case, now=now)
            for case in cases_of(session.resident, store=self.pages.store)
        ]
        return self.pages.signed_in_page(
            request,
            session,
            "your_cases_list.html",
            now=now,
            title="Your cases",
            ongoing=[r for r in rows if r["open"]],
            past=[r for r in rows if not r["open"]],
        )

    def case_page(self, request: WebRequest, reference: str, *, now: datetime) -> WebResponse:
        session = self.pages.signed_in(request, now=now, return_to=reference)
        case = self.pages.their_case(session, reference)
        timeline = self.pages.store.timeline(case.reference)
        clocks = evaluate(case, self.pages.policy, self.pages.calendar, now).clocks
        reply = promised_reply(case, clocks, timeline, self.pages.calendar)
        messages = resident_messages(
            case,
            timeline,
            directory=self.pages.directory,
            council_name=self.pages.council.name,
            letter_href=lambda key: YourCasesUrls(request.base_path).letter(case.reference, key),
            attachment_prefix=self.pages.attachment_prefix,
        )
        return self.pages.signed_in_page(
            request,
            session,
            "your_cases_case.html",
            now=now,
            title=f"Case {case.reference}",
            case=case_summary(self.pages, case, now=now, clocks=clocks),
            messages=messages,
            responses=responses_without_their_letter(
                case, messages, ombudsman=self.pages.council.ombudsman
            ),
            # Where the reply date moved since they were given one: from when, and why.
            reply_moved=reply.moved_sentence if reply and case.is_open else None,
            preferences=self._preferences_rows(case),
            acting_for_you=acting_for_you(case),
            appointments=resident_appointments(case, self.pages.directory, self._grace()),
            sent=request.query.get("sent"),
        )

    def letter(
        self, request: WebRequest, reference: str, key: str, *, now: datetime
    ) -> WebResponse:
        """The PDF of a letter sent to the resident on their case, as it was made when it went.
        A letter that never reached them, or another case's, answers as a case not found."""
        session = self.pages.signed_in(request, now=now, return_to=reference)
        case = self.pages.their_case(session, reference)
        timeline = self.pages.store.timeline(case.reference)
        kept = (
            self.pages.store.letter(case.reference, key)
            if letter_reached_customer(timeline, key)
            else None
        )
        if kept is None or kept.pdf is None:
            raise CaseNotShown()
        return pdf_response(
            kept.pdf,
            letter_filename(case.reference, key),
            security_headers(secure=request.secure, script_nonce=""),
        )

    def _grace(self) -> int:
        promise = self.pages.policy.promise_of_kind(PromiseKind.APPOINTMENT)
        return promise.late_after_minutes if promise else 0

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

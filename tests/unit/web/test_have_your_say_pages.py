"""The "Have Your Say" pages from start to confirmation, on the in-memory case store."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Channel, ContactMethod
from sla_monitor.council import load_council
from sla_monitor.directory import default_directory
from sla_monitor.policy import load_policy
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.web.errors import (
    AnswersAltered,
    EmptyForm,
    FormExpired,
    ReceiptNotRecognised,
    SuspectedSpam,
    WrongContentType,
)
from sla_monitor.web.have_your_say import HaveYourSay, WebRequest, WebResponse
from sla_monitor.web.security import CSRF_COOKIE, FormSigner

MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def store() -> InMemoryCaseStore:
    return InMemoryCaseStore()


@pytest.fixture
def pages(store) -> HaveYourSay:
    council = load_council()
    return HaveYourSay(
        council=council,
        signer=FormSigner(b"unit test secret, thirty-two chars+"),
        departments=default_directory().departments,
        store=store,
        policy=load_policy(),
        calendar=council.calendar(),
    )


class Browser:
    """Keeps the cookie and the hidden fields between pages, as a browser does."""

    def __init__(self, pages: HaveYourSay, *, base_path: str = "") -> None:
        self.pages = pages
        self.base_path = base_path
        self.cookies: dict[str, str] = {}
        self.hidden: dict[str, str] = {}

    def request(self, **fields: str) -> WebRequest:
        return WebRequest(
            base_path=self.base_path,
            cookies=dict(self.cookies),
            body=urlencode({**self.hidden, **fields}).encode(),
            content_type=FORM,
        )

    def keep(self, response: WebResponse) -> WebResponse:
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        self.hidden = dict(
            re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', response.body)
        )
        self.hidden = {k: unescape(v) for k, v in self.hidden.items()}
        return response

    def open_form(self, now: datetime = MONDAY_MORNING) -> WebResponse:
        return self.keep(
            self.pages.blank_form(
                WebRequest(base_path=self.base_path, cookies=self.cookies), now=now
            )
        )

    def continue_with(self, now: datetime = MONDAY_MORNING, **answers: str) -> WebResponse:
        return self.keep(self.pages.review_answers(self.request(**answers), now=now))

    def change(self, field: str, now: datetime = MONDAY_MORNING) -> WebResponse:
        return self.keep(self.pages.answer_check_page(self.request(change=field), now=now))

    def send(self, now: datetime = MONDAY_MORNING) -> WebResponse:
        return self.pages.answer_check_page(self.request(), now=now)

    def follow(self, response: WebResponse, now: datetime = MONDAY_MORNING) -> WebResponse:
        location = urlsplit(response.headers["Location"])
        query = {k: v[0] for k, v in parse_qs(location.query).items()}
        return self.pages.confirmation(WebRequest(base_path=self.base_path, query=query), now=now)


COMPLAINT = {
    "about": "complaint",
    "department": "waste-services",
    "details": "The bin at 1 High Street was missed three weeks running.",
    "name": "Alex Resident",
    "email": "alex@example.org",
    "contact_method": "email",
    "language": "en",
    "accessible_format": "none",
}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_start_page_leads_to_the_form_and_says_a_complaint_needs_contact_details(pages):
    page = pages.start_page(WebRequest(base_path="/have-your-say"))

    assert page.status == 200
    assert 'href="/have-your-say/form"' in page.body
    assert 'href="/have-your-say/assets/council.css"' in page.body
    assert "For the complaint to go through our formal complaints procedure" in text_of(page.body)
    assert page.headers["Cache-Control"] == "no-store"
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in page.body


def test_the_form_sets_its_csrf_cookie_to_the_token_in_the_page(pages):
    browser = Browser(pages, base_path="/have-your-say")
    page = browser.open_form()

    assert page.status == 200
    (cookie,) = page.cookies
    assert cookie.name == CSRF_COOKIE
    assert cookie.value == browser.hidden["csrf_token"]
    assert (cookie.path, cookie.secure, cookie.http_only, cookie.same_site) == (
        "/have-your-say/",
        True,
        True,
        "Lax",
    )
    assert re.fullmatch(r"[0-9a-f]{32}", browser.hidden["submission_id"])


def test_errors_come_back_in_a_summary_and_beside_each_field_with_the_answers_kept(pages):
    browser = Browser(pages)
    browser.open_form()
    page = browser.continue_with(
        about="complaint",
        details='<script>alert("gotcha")</script>',
        name="",
        email="alex@example.org\r\nBcc: everyone@example.net",
        contact_method="email",
    )

    assert page.status == 400
    assert "<title>Error: " in page.body
    assert 'class="govuk-error-summary"' in page.body
    assert '<a href="#name">' in page.body
    assert '<a href="#email">' in page.body
    assert 'id="email-error"' in page.body
    assert "formal complaints procedure" in text_of(page.body)
    # The answers are kept, escaped: the script is shown as text and never runs.
    assert "&lt;script&gt;alert(&#34;gotcha&#34;)&lt;/script&gt;" in page.body
    assert "<script>alert" not in page.body
    assert 'value="complaint" checked' in page.body
    assert page.log_fields == {"fields": ["name", "email"]}
    assert "alex@example.org" not in str(page.log_fields)


def test_answers_are_checked_then_sent_and_the_case_is_stored_through_intake(pages, store):
    browser = Browser(pages)
    browser.open_form()
    check = browser.continue_with(**COMPLAINT, phone="01530 454545")
    assert check.status == 200
    assert "Check your answers before sending your message" in check.body
    assert "Waste Services" in text_of(check.body)

    sent = browser.send()

    assert sent.status == 303
    (case,) = store.all_cases()
    assert case.channel is Channel.WEB
    assert case.case_type.value == "complaint"
    assert case.department == "waste-services"
    assert case.description == COMPLAINT["details"]
    assert case.customer.email == "alex@example.org"
    assert case.customer.phone == "01530 454545"
    assert case.preferences.contact_method is ContactMethod.EMAIL
    assert case.received_at == MONDAY_MORNING
    assert case.subject == "Complaint from the Have Your Say form about Waste Services"
    assert sent.log_fields == {
        "reference": case.reference,
        "case_type": "complaint",
        "new_case": True,
    }


def test_a_double_click_or_a_retry_makes_one_case(pages, store):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(**COMPLAINT)

    first = browser.send()
    second = browser.send(now=MONDAY_MORNING + timedelta(seconds=2))

    assert len(list(store.all_cases())) == 1
    assert second.log_message == "submission repeated"
    assert "NWL-2026-000001" in browser.follow(second).body
    assert "NWL-2026-000001" in browser.follow(first).body


def test_two_submissions_of_the_form_make_two_cases(pages, store):
    for _ in range(2):
        browser = Browser(pages)
        browser.open_form()
        browser.continue_with(**COMPLAINT)
        browser.send()
    assert len(list(store.all_cases())) == 2


def test_change_brings_back_the_form_filled_in(pages):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(**COMPLAINT)
    page = browser.change("email")

    assert page.status == 200
    assert 'value="alex@example.org"' in page.body
    assert COMPLAINT["details"] in page.body
    assert '<option value="waste-services" selected>' in page.body


def test_the_confirmation_says_when_the_acknowledgement_and_the_response_are_due(pages):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(**COMPLAINT)
    page = browser.follow(browser.send())
    words = text_of(page.body)

    assert page.status == 200
    assert "Complaint received" in words
    assert "Your reference number NWL-2026-000001" in words
    assert "within 1 working day, by Tuesday 24 November 2026" in words
    assert "formal response within 10 working days, by Monday 7 December 2026" in words
    assert "Head of Service" in words
    assert "at least every 10 working days" in words
    assert "Local Government and Social Care Ombudsman" in words


def test_over_christmas_the_dates_skip_the_bank_holidays(pages):
    browser = Browser(pages)
    evening = datetime(2026, 12, 23, 16, 30, tzinfo=LONDON)
    browser.open_form(now=evening)
    browser.continue_with(now=evening, **COMPLAINT)
    words = text_of(browser.follow(browser.send(now=evening), now=evening).body)

    assert "by Thursday 24 December 2026" in words
    # 25 December, the Boxing Day holiday on Monday 28 December, and 1 January do not count.
    assert "within 10 working days, by Monday 11 January 2027" in words


def test_a_question_is_answered_within_five_working_days(pages):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(**{**COMPLAINT, "about": "enquiry", "department": "not_known"})
    words = text_of(browser.follow(browser.send()).body)

    assert "Question received" in words
    assert "reply within 5 working days, by Monday 30 November 2026" in words
    assert "If we cannot reply by then, we will tell you when you can expect a reply" in words
    assert "Ombudsman" not in words


def test_a_compliment_without_contact_details_is_recorded_and_promises_no_reply(pages, store):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(
        about="compliment", details="Thank you to the bin crew!", contact_method="none"
    )
    words = text_of(browser.follow(browser.send()).body)

    assert "Compliment received" in words
    assert "We record all comments and compliments" in words
    assert "so we will not be able to reply" in words
    assert "acknowledge" not in words
    (case,) = store.all_cases()
    assert not case.customer.has_contact_details


def test_a_post_without_the_csrf_cookie_or_with_another_token_is_refused(pages):
    browser = Browser(pages)
    browser.open_form()
    token = browser.cookies.pop(CSRF_COOKIE)
    with pytest.raises(FormExpired):
        browser.continue_with(**COMPLAINT)

    browser.cookies[CSRF_COOKIE] = token
    browser.hidden["csrf_token"] = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(FormExpired):
        browser.continue_with(**COMPLAINT)


def test_answers_altered_on_the_check_page_are_refused(pages, store):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(**COMPLAINT)
    browser.hidden["answers"] = browser.hidden["answers"].replace("e", "f", 1)

    with pytest.raises(AnswersAltered):
        browser.send()
    assert list(store.all_cases()) == []


def test_the_honeypot_turns_a_robot_away(pages, store):
    browser = Browser(pages)
    browser.open_form()
    with pytest.raises(SuspectedSpam):
        browser.continue_with(**COMPLAINT, website="https://spam.example")
    assert list(store.all_cases()) == []


def test_a_wrong_content_type_or_an_empty_body_is_refused_before_anything_else(pages):
    with pytest.raises(WrongContentType):
        pages.review_answers(
            WebRequest(body=b'{"about": "complaint"}', content_type="application/json"),
            now=MONDAY_MORNING,
        )
    with pytest.raises(EmptyForm):
        pages.review_answers(WebRequest(body=b"", content_type=FORM), now=MONDAY_MORNING)


def test_a_receipt_we_did_not_issue_shows_no_case(pages):
    for receipt in ("", "made-up", "TldMLTIwMjYtMDAwMDAx.1795406021.forged"):
        with pytest.raises(ReceiptNotRecognised):
            pages.confirmation(WebRequest(query={"receipt": receipt}), now=MONDAY_MORNING)
    unknown_case = pages.signer.sign("receipt", "NWL-2026-999999", issued_at=MONDAY_MORNING)
    with pytest.raises(ReceiptNotRecognised):
        pages.confirmation(WebRequest(query={"receipt": unknown_case}), now=MONDAY_MORNING)


def test_only_the_known_style_and_script_files_are_served():
    css = HaveYourSay.asset("council.css")
    assert css is not None and css.content_type.startswith("text/css")
    assert ".govuk-error-summary" in css.body
    assert HaveYourSay.asset("../forms.py") is None
    assert HaveYourSay.asset("GOVUK-FRONTEND-LICENCE.txt") is None

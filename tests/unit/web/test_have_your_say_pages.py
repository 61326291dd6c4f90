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
from sla_monitor.web.have_your_say.accessibility_results import Issue
from sla_monitor.web.have_your_say.pages import HaveYourSay
from sla_monitor.web.http.messages import WebRequest, WebResponse
from sla_monitor.web.pages import long_date
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

    def answer(self, now: datetime = MONDAY_MORNING, **answers: str) -> WebResponse:
        """Post one question page."""
        return self.keep(self.pages.answer_question(self.request(**answers), now=now))

    def continue_with(self, now: datetime = MONDAY_MORNING, **answers: str) -> WebResponse:
        """Post the answers to each question page in turn, up to the check page or the first
        page with a problem."""
        page = self.answer(now, **answers)
        while page.status == 200 and 'id="check-answers"' not in page.body:
            page = self.answer(now, **answers)
        return page

    def back(self, now: datetime = MONDAY_MORNING) -> WebResponse:
        return self.keep(self.pages.answer_question(self.request(back="yes"), now=now))

    def change(self, question: str, now: datetime = MONDAY_MORNING) -> WebResponse:
        return self.keep(self.pages.answer_check_page(self.request(change=question), now=now))

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
    assert browser.hidden["answers"]  # the answers so far (none yet), signed


def test_errors_come_back_in_a_summary_and_beside_each_field_with_the_answers_kept(pages):
    browser = Browser(pages)
    browser.open_form()
    answers = {
        "about": "complaint",
        "details": '<script>alert("gotcha")</script>',
        "name": "",
        "email": "alex@example.org\r\nBcc: everyone@example.net",
        "contact_method": "email",
    }
    page = browser.continue_with(**answers)

    assert page.status == 400
    assert "<title>Error: How would you like us to contact you?" in page.body
    assert 'class="govuk-error-summary"' in page.body
    assert '<a href="#email">' in page.body
    assert 'id="email-error"' in page.body
    # The answer is kept, escaped; the choice too, so its detail is revealed.
    assert 'value="alex@example.org' in page.body
    assert 'value="email" checked' in page.body
    assert page.log_fields == {"fields": ["email"]}
    assert "alex@example.org" not in str(page.log_fields)

    page = browser.continue_with(**{**answers, "email": "alex@example.org"})
    assert page.status == 400
    assert '<a href="#name">' in page.body
    assert "formal complaints procedure" in text_of(page.body)

    # The details were kept, escaped: the script is shown as text and never runs.
    page = browser.continue_with(name="Alex Resident")
    assert page.status == 200
    assert "&lt;script&gt;alert(&#34;gotcha&#34;)&lt;/script&gt;" in page.body
    assert "<script>alert" not in page.body


def test_answers_are_checked_then_sent_and_the_case_is_stored_through_intake(pages, store):
    browser = Browser(pages)
    browser.open_form()
    # Typed under another way to contact, then not chosen: not kept.
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
    assert case.customer.phone is None
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


def test_change_asks_the_question_again_filled_in_and_comes_back_to_check(pages, store):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(**COMPLAINT)

    page = browser.change("service")
    assert page.status == 200
    assert '<option value="waste-services" selected>' in page.body
    page = browser.answer(department="housing")
    assert "Check your answers" in page.body
    assert "Housing" in text_of(page.body)

    page = browser.change("contact")
    assert 'value="alex@example.org"' in page.body
    # Back from a changed question goes to the check page, without the change.
    page = browser.back()
    assert "Check your answers" in page.body
    assert "alex@example.org" in text_of(page.body)

    browser.send()
    (case,) = store.all_cases()
    assert case.department == "housing"


def test_each_question_has_its_own_page_whose_heading_is_the_question(pages):
    browser = Browser(pages)
    headings = [re.search(r"<h1[^>]*>(.*?)</h1>", browser.open_form().body, re.S)]
    for answers in (
        {"about": "complaint"},
        {"department": "housing"},
        {"details": "The damp is back."},
        {"contact_method": "email", "email": "alex@example.org"},
        {"name": "Alex Resident"},
    ):
        page = browser.answer(**answers)
        headings.append(re.search(r"<h1[^>]*>(.*?)</h1>", page.body, re.S))

    assert [text_of(h.group(1)).strip() for h in headings if h] == [
        "What is your message about?",
        "Which service is it about?",
        "Tell us about your complaint",
        "How would you like us to contact you?",
        "What is your name?",
        "Language and accessible formats",
    ]


def test_back_goes_to_the_question_before_with_its_answer(pages):
    browser = Browser(pages)
    browser.open_form()
    browser.answer(about="enquiry")
    browser.answer(department="housing")
    page = browser.back()
    assert "Which service is it about?" in page.body
    assert '<option value="housing" selected>' in page.body
    page = browser.back()
    assert 'value="enquiry" checked' in page.body


def test_only_the_chosen_way_to_contact_is_kept(pages, store):
    browser = Browser(pages)
    browser.open_form()
    page = browser.continue_with(
        **{**COMPLAINT, "contact_method": "phone", "phone": "01530 454545"},
        address="9 Bridge Road",
    )
    words = text_of(page.body)
    assert "Phone 01530 454545" in words
    assert "alex@example.org" not in words
    assert "9 Bridge Road" not in words

    browser.send()
    (case,) = store.all_cases()
    assert (case.customer.phone, case.customer.email, case.customer.address) == (
        "01530 454545",
        None,
        None,
    )


def test_no_contact_is_not_offered_for_a_complaint_or_a_question(pages):
    for about, offered in (("complaint", False), ("enquiry", False), ("comment", True)):
        browser = Browser(pages)
        browser.open_form()
        browser.answer(about=about)
        browser.answer(department="")
        page = browser.answer(details="Some words.")
        assert ('value="none"' in page.body) is offered, about


def test_a_complaint_changed_to_need_a_name_asks_for_it_before_checking_again(pages):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(about="comment", details="More benches.", contact_method="none")
    page = browser.change("about")
    page = browser.answer(about="complaint")

    # A complaint needs a way to contact the person: asked at once, then back to check.
    assert page.status == 400
    assert "How would you like us to contact you?" in page.body
    page = browser.answer(contact_method="email", email="alex@example.org")
    assert page.status == 400
    assert "What is your name?" in page.body
    page = browser.answer(name="Alex Resident")
    assert "Check your answers" in page.body


def test_answers_changed_after_sending_make_a_new_case_the_same_answers_do_not(pages, store):
    browser = Browser(pages)
    browser.open_form()
    browser.continue_with(**COMPLAINT)
    checked = dict(browser.hidden)
    browser.send()

    # Back to the check page (the browser kept it) and "Accept and send" again: one case.
    browser.hidden = dict(checked)
    browser.send(now=MONDAY_MORNING + timedelta(minutes=5))
    assert len(list(store.all_cases())) == 1

    # Back, change an answer and send: the person sent something new.
    browser.hidden = dict(checked)
    browser.change("details")
    browser.answer(details="The bin was missed a fourth time.")
    browser.send(now=MONDAY_MORNING + timedelta(minutes=6))
    assert len(list(store.all_cases())) == 2


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
        about="compliment",
        department="",
        details="Thank you to the bin crew!",
        contact_method="none",
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
        pages.answer_question(
            WebRequest(body=b'{"about": "complaint"}', content_type="application/json"),
            now=MONDAY_MORNING,
        )
    with pytest.raises(EmptyForm):
        pages.answer_question(WebRequest(body=b"", content_type=FORM), now=MONDAY_MORNING)


def test_a_receipt_we_did_not_issue_shows_no_case(pages):
    for receipt in ("", "made-up", "TldMLTIwMjYtMDAwMDAx.1795406021.forged"):
        with pytest.raises(ReceiptNotRecognised):
            pages.confirmation(WebRequest(query={"receipt": receipt}), now=MONDAY_MORNING)
    unknown_case = pages.signer.sign("receipt", "NWL-2026-999999", issued_at=MONDAY_MORNING)
    with pytest.raises(ReceiptNotRecognised):
        pages.confirmation(WebRequest(query={"receipt": unknown_case}), now=MONDAY_MORNING)


def test_only_the_known_style_and_script_files_are_served():
    css = HaveYourSay.asset(WebRequest(), "council.css")
    assert css is not None and css.content_type.startswith("text/css")
    assert ".govuk-error-summary" in css.body
    assert HaveYourSay.asset(WebRequest(), "../forms.py") is None
    assert HaveYourSay.asset(WebRequest(), "GOVUK-FRONTEND-LICENCE.txt") is None


# -- the pages about the service -------------------------------------------------------------


def test_every_page_links_to_the_accessibility_statement_privacy_notice_and_cookies(pages):
    request = WebRequest(base_path="/have-your-say")
    for page in (
        pages.start_page(request),
        pages.blank_form(request, now=MONDAY_MORNING),
        pages.not_found(request),
        pages.information_page(request, "cookies"),
    ):
        footer = page.body[page.body.index('class="govuk-footer"') :]
        for path, name in (
            ("accessibility", "Accessibility statement"),
            ("privacy", "Privacy notice"),
            ("cookies", "Cookies"),
        ):
            assert f'href="/have-your-say/{path}">{name}</a>' in footer


def test_the_accessibility_statement_gives_the_recorded_test_results(pages, monkeypatch):
    words = text_of(pages.information_page(WebRequest(), "accessibility").body)
    results = pages.accessibility_results

    assert "Accessibility statement for Have Your Say" in words
    assert f"last tested on {long_date(results.tested_on)}, with axe-core" in words
    assert f"We tested these {len(results.pages)} pages" in words
    for tested in results.pages:
        assert tested.description in words
    assert "The tests found no accessibility problems." in words
    assert "Equality Advisory and Support Service" in words  # the EHRC, in England
    assert "partially compliant" in words  # automated tests alone cannot show full compliance
    assert "within 5 working days" in words

    # Were the tests to find a problem, the statement would say so.
    found = results.model_copy(
        update={
            "issues": (
                Issue(
                    page="check",
                    rule="color-contrast",
                    impact="serious",
                    description="Elements must meet minimum color contrast ratio thresholds",
                ),
            )
        }
    )
    monkeypatch.setattr(HaveYourSay, "accessibility_results", found)
    words = text_of(pages.information_page(WebRequest(), "accessibility").body)
    assert "due to the non-compliances listed below" in words
    assert "Elements must meet minimum color contrast ratio thresholds" in words
    assert "no accessibility problems" not in words


def test_the_privacy_notice_comes_from_the_council_settings(pages):
    council = pages.council
    words = text_of(pages.information_page(WebRequest(), "privacy").body)

    assert f"{council.name} is the data controller" in words
    assert council.privacy.data_protection_officer_email in words
    assert "public task: Article 6(1)(e)" in words
    assert f"for {council.retention_days} days (about 6 years) after we close it" in words
    assert "Information Commissioner’s Office" in words
    assert "0303 123 1113" in words


def test_the_cookies_page_lists_the_cookies_the_pages_set_as_essential(pages):
    words = text_of(pages.information_page(WebRequest(), "cookies").body)
    set_by_the_form = {c.name for c in pages.blank_form(WebRequest(), now=MONDAY_MORNING).cookies}

    assert set_by_the_form == {CSRF_COOKIE}
    for name in (*set_by_the_form, "your_cases_session"):
        assert name in words
    assert "8 hours" in words
    assert "we do not ask you to accept cookies" in words


def test_every_response_carries_the_security_headers(pages):
    browser = Browser(pages)
    browser.open_form()
    request = WebRequest()
    responses = {
        "start": pages.start_page(request),
        "question": browser.answer(**COMPLAINT),
        "check": browser.continue_with(**COMPLAINT),
        "redirect": browser.send(),
        "stylesheet": HaveYourSay.asset(request, "council.css"),
        "script": HaveYourSay.asset(request, "govuk-frontend.min.js"),
        "not found": pages.not_found(request),
        "statement": pages.information_page(request, "accessibility"),
        "back to start": pages.redirect_to_start(request),
    }
    for name, response in responses.items():
        assert response is not None
        headers = response.headers
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000"), name
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], name
        assert headers["X-Frame-Options"] == "DENY", name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "no-referrer", name
        assert "camera=()" in headers["Permissions-Policy"], name
    # A page answering a post may be kept for the browser's Back, by nobody else.
    assert responses["check"].headers["Cache-Control"] == "private, no-cache"
    assert responses["start"].headers["Cache-Control"] == "no-store"
    assert responses["stylesheet"].headers["Cache-Control"] == "public, max-age=86400"

"""The "Have Your Say" function, given the events API Gateway's REST API sends, on moto."""

from __future__ import annotations

import base64
import copy
import json
import re
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sla_monitor_local.local_server import LocalLambdaContext
from sla_monitor_local.visit import FormNotSent, HaveYourSayVisit

from functions.have_your_say import app
from sla_monitor.calendar import LONDON
from sla_monitor.cases import Channel
from sla_monitor.web.have_your_say import routes

pytestmark = pytest.mark.slow(seconds=47)

EVENT = json.loads((Path(__file__).parents[1] / "events/api_gateway_rest_proxy.json").read_text())
STAGE = "have-your-say"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
FORM = "application/x-www-form-urlencoded"
COMPLAINT = {
    "about": "complaint",
    "department": "housing",
    "details": "Nobody came to fix the damp, as promised in October.",
    "name": "Sam Tenant",
    "email": "sam@example.org",
    "contact_method": "email",
}


def rest_event(
    method: str,
    path: str,
    *,
    body: str | bytes | None = None,
    content_type: str | None = None,
    cookies: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    base64_encoded: bool = False,
) -> dict[str, Any]:
    """The sample event, as API Gateway sends it for this request to the deployed stage."""
    event = copy.deepcopy(EVENT)
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["path"] = path
    event["pathParameters"] = {"proxy": path.lstrip("/")} if path != "/" else None
    event["requestContext"]["path"] = f"/{STAGE}{path}"
    event["requestContext"]["stage"] = STAGE
    headers = event["headers"]
    if content_type:
        headers["Content-Type"] = content_type
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    if query:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    if isinstance(body, bytes):
        body = base64.b64encode(body).decode() if base64_encoded else body.decode()
    event["body"] = body
    event["isBase64Encoded"] = base64_encoded
    return event


def call(event: dict[str, Any], now: datetime = NOW) -> dict[str, Any]:
    return app.handle(event, LocalLambdaContext(), now=now)


def set_cookies(response: dict[str, Any]) -> dict[str, str]:
    found = {}
    for header in (response.get("multiValueHeaders") or {}).get("Set-Cookie", []):
        name, value = header.split(";", 1)[0].split("=", 1)
        found[name] = value
    return found


def hidden_fields(html: str) -> dict[str, str]:
    return {
        k: unescape(v) for k, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }


def header(response: dict[str, Any], name: str) -> str:
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    multi = {k.lower(): v for k, v in (response.get("multiValueHeaders") or {}).items()}
    return headers.get(name.lower()) or multi[name.lower()][0]


class Visit:
    """A person's visit: the cookie and the hidden fields carried from page to page."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.hidden: dict[str, str] = {}

    def get(self, path: str, **query: str) -> dict[str, Any]:
        return self._keep(call(rest_event("GET", path, cookies=self.cookies, query=query or None)))

    def post(self, path: str, *, now: datetime = NOW, **fields: str) -> dict[str, Any]:
        body = urlencode({**self.hidden, **fields})
        event = rest_event("POST", path, body=body, content_type=FORM, cookies=self.cookies)
        return self._keep(call(event, now=now))

    def answer_every_question(self, **answers: str) -> dict[str, Any]:
        """Post the answers to each question page in turn: the check page, or the first page
        that has a problem."""
        page = self.post("/form", **answers)
        while page["statusCode"] == 200 and 'id="check-answers"' not in page["body"]:
            page = self.post("/form", **answers)
        return page

    def _keep(self, response: dict[str, Any]) -> dict[str, Any]:
        self.cookies.update(set_cookies(response))
        if response["statusCode"] in (200, 400):
            self.hidden = hidden_fields(response["body"])
        return response


@pytest.fixture
def visit(embedded) -> Visit:
    return Visit()


def test_the_start_page_links_to_the_form_under_the_stage(embedded):
    response = call(rest_event("GET", "/"))

    assert response["statusCode"] == 200
    assert header(response, "Content-Type") == "text/html; charset=utf-8"
    assert f'href="/{STAGE}/form"' in response["body"]
    assert f'href="/{STAGE}/assets/council.css"' in response["body"]
    assert "script-src 'self' 'nonce-" in header(response, "Content-Security-Policy")
    assert header(response, "X-Frame-Options") == "DENY"


def test_a_complaint_is_stored_in_dynamodb_once_and_confirmed(embedded, visit):
    form = visit.get("/form")
    assert form["statusCode"] == 200
    assert "have_your_say_csrf" in visit.cookies
    service = visit.post("/form", **COMPLAINT)
    assert 'option value="housing"' in service["body"]  # the departments come from the directory

    check = visit.answer_every_question(**COMPLAINT)
    assert check["statusCode"] == 200, check["body"]
    assert "Check your answers" in check["body"]

    sent = visit.post("/check")
    again = visit.post("/check", now=NOW + timedelta(seconds=3))  # a double click

    assert sent["statusCode"] == again["statusCode"] == 303
    location = urlsplit(header(sent, "Location"))
    assert location.path == f"/{STAGE}/confirmation"
    cases = list(embedded.store.all_cases())
    assert len(cases) == 1
    case = embedded.store.get_case(cases[0].reference)
    assert case.channel is Channel.WEB
    assert case.customer.email == "sam@example.org"
    assert case.department == "housing"
    assert "received" in [e.kind for e in embedded.store.timeline(case.reference)]

    receipt = parse_qs(location.query)["receipt"][0]
    confirmation = visit.get("/confirmation", receipt=receipt)
    assert confirmation["statusCode"] == 200
    assert case.reference in confirmation["body"]
    assert "Tuesday 24 November 2026" in confirmation["body"]
    assert "Monday 7 December 2026" in confirmation["body"]


def test_errors_come_back_with_status_400_and_the_answers_kept(embedded, visit):
    visit.get("/form")
    response = visit.answer_every_question(
        about="complaint", details="", name="Sam <b>Tenant</b>", contact_method="none"
    )

    assert response["statusCode"] == 400
    assert "There is a problem" in response["body"]
    assert "Enter the details of your message" in response["body"]
    response = visit.answer_every_question(
        details="It was damp.", contact_method="phone", phone="not a number"
    )
    assert response["statusCode"] == 400
    assert 'value="not a number"' in response["body"]
    response = visit.answer_every_question(
        contact_method="phone", phone="01530 454545", name="Sam <b>Tenant</b>"
    )
    assert response["statusCode"] == 200
    assert "Sam &lt;b&gt;Tenant&lt;/b&gt;" in response["body"]
    assert list(embedded.store.all_cases()) == []


def test_a_base64_encoded_body_is_read_as_the_same_form(embedded, visit):
    visit.get("/form")
    body = urlencode({**visit.hidden, **COMPLAINT}).encode()
    event = rest_event(
        "POST", "/form", body=body, content_type=FORM, cookies=visit.cookies, base64_encoded=True
    )
    response = call(event)
    assert response["statusCode"] == 200
    assert "Which service is it about?" in response["body"]


@pytest.mark.parametrize(
    ("content_type", "body", "status", "words"),
    [
        ("application/json", '{"about": "complaint"}', 415, "could not accept your form"),
        ("multipart/form-data; boundary=x", "--x--", 415, "could not accept your form"),
        (FORM, None, 400, "The form arrived empty"),
        (FORM, "details=" + "x" * 70_000, 413, "too long for us to accept"),
        (FORM, "details=%FF", 400, "could not accept your form"),
        (FORM, "about=complaint", 403, "this form has expired"),
    ],
)
def test_a_request_we_cannot_use_gets_a_clear_page_never_a_stack_trace(
    embedded, content_type, body, status, words
):
    response = call(rest_event("POST", "/form", body=body, content_type=content_type))

    assert response["statusCode"] == status
    assert words in response["body"]
    assert "Traceback" not in response["body"]
    assert 'href="/have-your-say/"' in response["body"]  # start again


def test_the_honeypot_and_a_missing_cookie_are_turned_away(embedded, visit):
    visit.get("/form")
    assert visit.post("/form", **COMPLAINT, website="http://spam.example")["statusCode"] == 400
    visit.get("/form")
    visit.cookies.clear()
    assert visit.post("/form", **COMPLAINT)["statusCode"] == 403
    assert list(embedded.store.all_cases()) == []


def test_unknown_pages_receipts_and_files_are_not_found(embedded):
    for event in (
        rest_event("GET", "/nowhere"),
        rest_event("GET", "/confirmation", query={"receipt": "forged"}),
        rest_event("GET", "/assets/secrets.py"),
        rest_event("DELETE", "/form"),
    ):
        response = call(event)
        assert response["statusCode"] == 404
        assert "Page not found" in response["body"]


def test_the_stylesheet_is_served_for_a_day_of_caching(embedded):
    response = call(rest_event("GET", "/assets/council.css"))
    assert response["statusCode"] == 200
    assert header(response, "Content-Type") == "text/css; charset=utf-8"
    assert header(response, "Cache-Control") == "public, max-age=86400"


def test_an_unexpected_failure_shows_a_sorry_page_and_logs_no_personal_data(
    embedded, visit, monkeypatch, caplog
):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("cannot store the case of sam@example.org")

    visit.get("/form")
    visit.answer_every_question(**COMPLAINT)
    monkeypatch.setattr("sla_monitor.intake.register_case", broken)

    response = visit.post("/check")

    assert response["statusCode"] == 500
    assert "Sorry, there is a problem with the service" in response["body"]
    assert "sam@example.org" not in response["body"]
    (record,) = [r for r in caplog.records if r.getMessage() == "unexpected error"]
    assert record.error_type == "RuntimeError"
    assert any("have_your_say/pages.py" in frame for frame in record.where)  # where it happened
    for logged in caplog.records:
        everything = str(vars(logged))
        assert "sam@example.org" not in everything
        assert "Sam Tenant" not in everything


def test_the_deployed_handler_reads_its_secret_from_secrets_manager(embedded, monkeypatch):
    secret = embedded.client("secretsmanager").create_secret(
        Name="have-your-say-form", SecretString="k" * 64
    )
    monkeypatch.setenv("FORM_SECRET_PARAMETER", secret["ARN"])
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "have-your-say")
    routes._signer.cache_clear()

    response = app.handler(rest_event("GET", "/form"), LocalLambdaContext())

    assert response["statusCode"] == 200
    token = set_cookies(response)["have_your_say_csrf"]
    from sla_monitor.web.security import FormSigner

    FormSigner(b"k" * 64).unsign("csrf", token, now=datetime.now(LONDON), max_age=None)
    routes._signer.cache_clear()


def test_a_deployed_handler_without_its_secret_fails_safe(embedded, monkeypatch):
    monkeypatch.delenv("FORM_SECRET_PARAMETER", raising=False)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "have-your-say")
    routes._signer.cache_clear()

    response = call(rest_event("GET", "/form"))

    assert response["statusCode"] == 500
    assert "have_your_say_csrf" not in set_cookies(response)
    routes._signer.cache_clear()


def test_a_visit_played_at_a_simulated_time_registers_the_case_then(embedded):
    christmas_eve_eve = datetime(2026, 12, 23, 16, 30, tzinfo=LONDON)
    visit = HaveYourSayVisit(app.handle)

    reference = visit.submit(COMPLAINT, now=christmas_eve_eve)

    case = embedded.store.get_case(reference)
    assert case.received_at == christmas_eve_eve
    assert case.channel is Channel.WEB


def test_a_visit_whose_answers_need_correcting_is_not_sent(embedded):
    visit = HaveYourSayVisit(app.handle)
    with pytest.raises(FormNotSent) as refused:
        visit.submit({**COMPLAINT, "name": "", "contact_method": "none"}, now=NOW)

    assert refused.value.status == 400
    assert "formal complaints procedure" in refused.value.page
    assert list(embedded.store.all_cases()) == []


SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/form", 200),
        ("GET", "/check", 303),
        ("GET", "/accessibility", 200),
        ("GET", "/privacy", 200),
        ("GET", "/cookies", 200),
        ("GET", "/assets/council.css", 200),
        ("GET", "/assets/govuk-frontend.min.js", 200),
        ("GET", "/nowhere", 404),
        ("POST", "/form", 415),
    ],
)
def test_every_answer_carries_the_security_headers(embedded, method, path, status):
    response = call(rest_event(method, path, body="{}" if method == "POST" else None))

    assert response["statusCode"] == status
    for name in SECURITY_HEADERS:
        assert header(response, name), name
    assert header(response, "Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert "frame-ancestors 'none'" in header(response, "Content-Security-Policy")


def test_the_footer_pages_are_served_under_the_stage(embedded):
    for path, words in (
        ("/accessibility", "Accessibility statement for Have Your Say"),
        ("/privacy", "is the data controller"),
        ("/cookies", "have_your_say_csrf"),
    ):
        response = call(rest_event("GET", path))
        assert response["statusCode"] == 200
        assert words in response["body"]
        assert f'href="/{STAGE}/privacy">Privacy notice</a>' in response["body"]


def test_back_from_the_confirmation_and_sending_again_makes_no_second_case(embedded, visit):
    visit.get("/form")
    check = visit.answer_every_question(**COMPLAINT)
    checked = dict(visit.hidden)
    assert header(check, "Cache-Control") == "private, no-cache"  # kept for Back, by nobody else

    first = visit.post("/check")
    visit.hidden = checked  # the check page again, from the browser's history
    again = visit.post("/check", now=NOW + timedelta(minutes=2))

    assert first["statusCode"] == again["statusCode"] == 303
    assert header(first, "Cache-Control") == "no-store"
    (case,) = embedded.store.all_cases()
    for sent in (first, again):
        receipt = parse_qs(urlsplit(header(sent, "Location")).query)["receipt"][0]
        assert case.reference in visit.get("/confirmation", receipt=receipt)["body"]

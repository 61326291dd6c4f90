"""The staff workspace over HTTP, through the real Lambda handler, against moto: sign-in with
moto's Cognito (tokens verified against the pool's JWKS served by the moto server), the
permission matrix role by role on pages and steps (allowed and refused), and every way a request
is turned away: no session, an idle one, a tampered cookie, a forged or expired token, a missing
CSRF token. A refused request changes nothing and is logged without personal data."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import jwt
import pytest
from sla_monitor_local.local_server import LocalLambdaContext, proxy_event
from sla_monitor_local.local_stack import LocalStack, local_stack
from sla_monitor_local.local_staff import local_password

from sla_monitor.calendar import LONDON
from sla_monitor.store.ports import ExportStatus, WorkListExport
from sla_monitor.web.staff.session import SESSION_COOKIE
from sla_monitor.work_list import Reach, WorkListFilter
from sla_monitor.work_list_export import FAILED_REASON

from .staff_support import EMAILS, ROLES, Answer, Browser, references_in

pytestmark = pytest.mark.slow(seconds=464)


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with local_stack(aws_port=0, web_port=0, now=datetime.now(UTC)) as running:
        yield running


@pytest.fixture(scope="module")
def browsers(stack: LocalStack) -> dict[str, Browser]:
    signed_in = {}
    for role, email in EMAILS.items():
        browser = Browser(stack.workspace)
        answer = browser.sign_in(email)
        assert answer.status == 303, (role, answer.status, answer.body[:500])
        signed_in[role] = browser
    return signed_in


def _cases(stack: LocalStack) -> dict[str, str]:
    assert stack.sample_cases is not None
    return stack.sample_cases


def _timeline_length(stack: LocalStack, reference: str) -> int:
    return len(stack.services.store.timeline(reference))


# -- signing in ----------------------------------------------------------------------------------


def test_sign_in_sets_a_secure_httponly_samesite_session_and_goes_home(stack):
    browser = Browser(stack.workspace)
    token = browser.csrf("/sign-in?return_to=/staff/cases")
    answer = browser.post(
        "/sign-in",
        {
            "csrf_token": token,
            "email": EMAILS["officer"],
            "password": local_password(),
            "return_to": "/staff/cases",
        },
    )
    assert answer.status == 303
    assert answer.location == "/staff/cases"
    set_cookie = [v for k, v in answer.headers.items() if k.lower() == "set-cookie"]
    session = next(c for c in set_cookie if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in session
    assert "SameSite=Lax" in session
    assert "Path=/staff" in session
    # Over plain HTTP on this computer the cookie cannot be Secure; behind API Gateway it is.
    assert browser.get("/cases").status == 200


def test_a_wrong_password_is_refused_and_no_session_is_made(stack):
    browser = Browser(stack.workspace)
    answer = browser.sign_in(EMAILS["officer"], password="not the password")
    assert answer.status == 401
    assert "govuk-error-summary" in answer.body
    assert browser.cookie(SESSION_COOKIE) is None


def test_sign_in_will_not_send_the_browser_to_another_site(stack):
    browser = Browser(stack.workspace)
    token = browser.csrf("/sign-in")
    answer = browser.post(
        "/sign-in",
        {
            "csrf_token": token,
            "email": EMAILS["officer"],
            "password": local_password(),
            "return_to": "//evil.example/steal",
        },
    )
    assert answer.status == 303
    assert answer.location == "/staff/"


def test_the_sign_in_form_needs_its_csrf_token(stack):
    browser = Browser(stack.workspace)
    browser.get("/sign-in")
    answer = browser.post(
        "/sign-in",
        {"email": EMAILS["officer"], "password": local_password(), "return_to": "/staff/"},
    )
    assert answer.status == 403
    assert browser.cookie(SESSION_COOKIE) is None


def test_home_sends_each_role_to_its_first_page(browsers):
    assert browsers["officer"].get("/").location == "/staff/cases"
    assert browsers["chief_executive"].get("/").location == "/staff/cases"
    assert browsers["administrator"].get("/").location == "/staff/triage"


# -- the permission matrix, over HTTP ------------------------------------------------------------

# Which sample cases each role sees in its work list and may open.
SEES = {
    "officer": {"bins", "garden", "bulky"},
    "head_of_service": {"damp", "repairs"},
    "corporate_complaints_officer": {"bins", "damp", "repairs", "council-tax"},
    "chief_executive": {"council-tax"},
    "administrator": set(),
}
SAMPLES = ("bins", "garden", "bulky", "damp", "repairs", "council-tax")


@pytest.mark.parametrize("role", ROLES)
def test_the_work_list_shows_each_role_exactly_the_cases_it_may_see(stack, browsers, role):
    answer = browsers[role].get("/cases")
    if role == "administrator":
        assert answer.status == 403
        return
    assert answer.status == 200
    listed = set(re.findall(r"NWL-\d{4}-\d{6}", answer.body))
    cases = _cases(stack)
    samples_listed = {key for key in SAMPLES if cases[key] in listed}
    assert samples_listed == SEES[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("sample", SAMPLES)
def test_a_case_page_opens_only_for_the_roles_that_may_see_it(stack, browsers, role, sample):
    answer = browsers[role].get(f"/cases/{_cases(stack)[sample]}")
    expected = 200 if sample in SEES[role] else 403
    assert answer.status == expected
    if expected == 403:
        assert "You do not have permission" in answer.body
        case = stack.services.store.get_case(_cases(stack)[sample])
        assert case.subject not in answer.body
        assert case.customer.name not in answer.body


STEPS = (
    "assign",
    "pause",
    "resume",
    "extend",
    "note",
    "respond",
    "reply",
    "reclassify",
    "refuse",
    "stage-2",
    "acknowledged",
)
# For each role: a case it may work on (None: none) and one it may not touch.
OWN_AND_OTHER = {
    "officer": ("bins", "damp"),
    "head_of_service": ("repairs", "bins"),
    "corporate_complaints_officer": ("repairs", "garden"),
    "chief_executive": (None, "bins"),
    "administrator": (None, "bins"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", STEPS)
def test_each_step_is_offered_and_taken_only_where_the_role_may(stack, browsers, role, step):
    """An allowed role gets the form (200) and, posting it unanswered, the error summary (400),
    where the step is open on the case; where it is not, both are refused with the reason (409);
    a refused role gets 403 for both, and the case does not change."""
    from sla_monitor.web.staff.steps import ACTIONS

    browser = browsers[role]
    own, other = OWN_AND_OTHER[role]
    token = browser.csrf("/account")  # a token of this session, good for any form
    if own is not None:
        reference = _cases(stack)[own]
        case = stack.services.store.get_case(reference)
        is_open = ACTIONS[step].shown(case)
        form = browser.get(f"/cases/{reference}/{step}")
        assert form.status == (200 if is_open else 409)
        before = _timeline_length(stack, reference)
        answer = browser.post(f"/cases/{reference}/{step}", {"csrf_token": token})
        if is_open:
            assert answer.status == 400, answer.body[:400]
            assert "govuk-error-summary" in answer.body
        else:
            assert answer.status == 409, answer.body[:400]
            assert "This step cannot be taken on this case" in answer.body
        assert _timeline_length(stack, reference) == before
    reference = _cases(stack)[other]
    assert browser.get(f"/cases/{reference}/{step}").status == 403
    before = _timeline_length(stack, reference)
    answer = browser.post(
        f"/cases/{reference}/{step}",
        {"csrf_token": token, "text": "x", "reason": "x", "working_days": "1"},
    )
    assert answer.status == 403
    assert _timeline_length(stack, reference) == before


# The pages about no case in particular: who may use each, and what posting its form with
# nothing filled in gives a role that may: 400 and the error summary; CONFIRM for a
# confirmation page, whose empty form is the whole answer (not posted here); None for a page
# without a form.
CONFIRM = "confirm"
LOGS_CASES = {"officer", "head_of_service", "corporate_complaints_officer"}
TRIAGES = {"corporate_complaints_officer", "administrator"}
ADMINISTERS = {"administrator"}
SEES_REPORTS = {
    "head_of_service",
    "corporate_complaints_officer",
    "chief_executive",
    "administrator",
}
SERVICE_PAGES: dict[str, tuple[str, set[str], int | str | None]] = {
    "log a case": ("/cases/new", LOGS_CASES, 400),
    "set-aside mail": ("/triage", TRIAGES, None),
    "a set-aside message": ("/triage/{item}", TRIAGES, None),
    "make a case of it": ("/triage/{item}/case", TRIAGES, 400),
    "add it to a case": ("/triage/{item}/attach", TRIAGES, 400),
    "dismiss it": ("/triage/{item}/dismiss", TRIAGES, 400),
    "directory": ("/directory", ADMINISTERS, None),
    "council-wide roles": ("/directory/roles", ADMINISTERS, 400),
    "add a department": ("/directory/departments/new", ADMINISTERS, 400),
    "change a department": ("/directory/departments/planning/change", ADMINISTERS, 400),
    "retire a department": ("/directory/departments/planning/retire", ADMINISTERS, CONFIRM),
    "add an officer": ("/directory/officers/new", ADMINISTERS, 400),
    "change an officer": ("/directory/officers/waste-officer/change", ADMINISTERS, 400),
    "retire an officer": ("/directory/officers/waste-officer/retire", ADMINISTERS, CONFIRM),
    "closure days": ("/calendar", ADMINISTERS, None),
    "close a day": ("/calendar/close", ADMINISTERS, 400),
    "open a day": ("/calendar/{closure}/open", ADMINISTERS, CONFIRM),
    "staff accounts": ("/users", ADMINISTERS, None),
    "invite someone": ("/users/invite", ADMINISTERS, 400),
    "change roles": ("/users/{user}/groups", ADMINISTERS, 400),
    "disable an account": ("/users/{user}/disable", ADMINISTERS, CONFIRM),
    "sign someone out everywhere": ("/users/{user}/sign-out", ADMINISTERS, CONFIRM),
    "changes to staff accounts": ("/users/changes", ADMINISTERS, None),
    "reports": ("/reports", SEES_REPORTS, None),
    "a month's report as CSV": ("/reports?month={month}&format=csv", SEES_REPORTS, None),
    "the annual report": ("/reports?report=annual&year={year}", SEES_REPORTS, None),
}


@pytest.fixture(scope="module")
def service_page_values(stack: LocalStack) -> dict[str, str]:
    """The set-aside message, the closure day and the account the pages above are about."""
    from sla_monitor.calendar import ClosureDay
    from sla_monitor.web.staff.triage import item_id

    bundle = stack.services
    calendar = bundle.calendar
    day = calendar.next_working_day(calendar.local(datetime.now(UTC)).date() + timedelta(days=60))
    bundle.directory_store.add_closure_day(
        ClosureDay(
            day=day, reason="Staff training", added_by="it-admin", added_at=datetime.now(UTC)
        )
    )
    cognito = bundle.client("cognito-idp")
    officer = cognito.admin_get_user(
        UserPoolId=stack.staff_pool.user_pool_id, Username=EMAILS["officer"]
    )
    record = bundle.store.triage_records()[0]
    return {
        "item": item_id(record.idempotency_key),
        "closure": day.isoformat(),
        "user": officer["Username"],
        "month": calendar.local(datetime.now(UTC)).strftime("%Y-%m"),
        "year": str(calendar.local(datetime.now(UTC)).year),
    }


def _service_state(stack: LocalStack) -> tuple:
    """What a refused page must not change."""
    bundle = stack.services
    users = bundle.client("cognito-idp").list_users(UserPoolId=stack.staff_pool.user_pool_id)
    return (
        sorted((r.idempotency_key, r.resolution) for r in bundle.store.triage_records()),
        bundle.directory_store.load_directory(),
        sorted(c.day for c in bundle.directory_store.closure_days()),
        sorted((u["Username"], u["Enabled"]) for u in users["Users"]),
        len(list(bundle.store.open_cases())),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(SERVICE_PAGES))
def test_each_page_about_no_case_is_only_for_the_roles_that_may(
    stack, browsers, service_page_values, role, page
):
    path_template, allowed, empty_post = SERVICE_PAGES[page]
    path = path_template.format(**service_page_values)
    browser = browsers[role]
    token = browser.csrf("/account")
    before = _service_state(stack)
    if role in allowed:
        assert browser.get(path).status == 200
        if isinstance(empty_post, int):
            answer = browser.post(path, {"csrf_token": token})
            assert answer.status == empty_post, answer.body[:400]
            assert "govuk-error-summary" in answer.body
    else:
        refused = browser.get(path)
        assert refused.status == 403
        assert "You do not have permission" in refused.body
    if role not in allowed and empty_post is not None:
        answer = browser.post(
            path,
            {
                "csrf_token": token,
                "reason": "x",
                "case_type": "enquiry",
                "code": "x",
                "name": "x",
                "groups": "administrator",
            },
        )
        assert answer.status == 403
    assert _service_state(stack) == before


@pytest.mark.parametrize(
    "page", [name for name, (_, _, empty) in SERVICE_PAGES.items() if empty is not None]
)
def test_every_new_form_needs_its_csrf_token(stack, browsers, service_page_values, page):
    path_template, allowed, _ = SERVICE_PAGES[page]
    path = path_template.format(**service_page_values)
    browser = browsers[sorted(allowed)[0]]
    before = _service_state(stack)
    for token in ({}, {"csrf_token": "forged"}):
        answer = browser.post(path, {"reason": "x", "case_type": "enquiry", **token})
        assert answer.status == 403
        assert "this form has expired" in answer.body
    assert _service_state(stack) == before


def test_the_navigation_offers_each_role_only_its_own_sections(browsers):
    sections = {
        "officer": {"Cases"},
        "head_of_service": {"Cases"},
        "corporate_complaints_officer": {"Cases", "Set-aside mail"},
        "chief_executive": {"Cases"},
        "administrator": {"Set-aside mail", "Directory", "Closure days", "Staff accounts"},
    }
    every = {"Cases", "Set-aside mail", "Directory", "Closure days", "Staff accounts"}
    for role, expected in sections.items():
        page = browsers[role].get("/account").body
        navigation = page.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>")[0]
        shown = {name for name in every if re.search(rf">\s*{name}\s*<", navigation)}
        assert shown == expected, role


def test_the_chief_executive_reads_a_referred_complaint_but_may_not_change_it(stack, browsers):
    reference = _cases(stack)["council-tax"]
    page = browsers["chief_executive"].get(f"/cases/{reference}")
    assert page.status == 200
    assert "You can read this case but not change it" in page.body
    token = browsers["chief_executive"].csrf("/account")
    assert (
        browsers["chief_executive"]
        .post(f"/cases/{reference}/note", {"csrf_token": token, "text": "Please explain."})
        .status
        == 403
    )


def _export(browser: Browser, view: str) -> str:
    """Press the list's download button on the view at `view`: the export's address."""
    started = browser.submit("/cases/exports", {}, form=view)
    assert started.status == 303, (started.status, started.body[:300])
    assert re.fullmatch(r"/staff/cases/exports/[0-9a-f]{32}", started.location)
    return started.location


def _when_ready(browser: Browser, address: str) -> Answer:
    """The export's page once it no longer says it is being prepared, as its refresh would."""
    for _ in range(100):
        page = browser.follow(address)
        if 'data-stage="preparing"' not in page.body:
            return page
        assert '<meta http-equiv="refresh" content="3">' in page.body
        time.sleep(0.1)
    raise AssertionError("the export was still being prepared")


def _download(page: Answer) -> tuple[dict[str, str], list[list[str]]]:
    link = html.unescape(re.search(r'href="(http[^"]+/exports/[^"]+)"', page.body).group(1))
    with urllib.request.urlopen(link, timeout=30) as answer:
        headers = dict(answer.headers)
        rows = list(csv.reader(io.StringIO(answer.read().decode("utf-8"))))
    return headers, rows


def test_the_download_prepares_every_case_of_the_view_shown_and_offers_its_file(stack, browsers):
    browser = browsers["corporate_complaints_officer"]
    listed = references_in(browser.get("/cases?breached=yes").body)

    page = _when_ready(browser, _export(browser, "/cases?breached=yes"))

    assert page.status == 200
    assert 'data-stage="ready"' in page.body
    assert "http-equiv" not in page.body  # ready: the page stops looking again
    headers, rows = _download(page)
    day = datetime.now(UTC).astimezone(LONDON).date().isoformat()
    assert headers["Content-Disposition"].startswith(f'attachment; filename="cases-{day}.csv"')
    assert rows[0][:4] == ["reference", "type", "stage", "channel"]
    assert {row[0] for row in rows[1:]} == listed
    assert all(row[-1] == "yes" for row in rows[1:])  # the breached column
    assert f"{len(rows) - 1} case" in page.body
    # The link is presigned, for five minutes.
    link = re.search(r'href="(http[^"]+/exports/[^"]+)"', page.body).group(1)
    assert "X-Amz-Expires=300" in html.unescape(link)


def test_a_search_s_download_holds_what_the_search_found(stack, browsers):
    browser = browsers["officer"]
    reference = _cases(stack)["garden"]

    page = _when_ready(browser, _export(browser, f"/cases?q={reference}"))

    _, rows = _download(page)
    assert [row[0] for row in rows[1:]] == [reference]


def test_only_the_officer_who_asked_sees_an_export(stack, browsers):
    address = _export(browsers["officer"], "/cases")
    _when_ready(browsers["officer"], address)

    assert browsers["head_of_service"].follow(address).status == 404
    assert browsers["officer"].follow(address + "0").status == 404


def test_staff_without_the_work_list_start_no_export(stack, browsers):
    browser = browsers["administrator"]
    token = browser.csrf("/account")
    assert browser.post("/cases/exports", {"csrf_token": token}).status == 403


def test_a_download_needs_the_form_s_csrf_token(stack, browsers):
    answer = browsers["officer"].post("/cases/exports", {"breached": "yes"})
    assert answer.status == 403


def _kept(stack: LocalStack, **changes: Any) -> str:
    """An export of the officer's kept as the job would have left it."""
    export = WorkListExport(
        export_id=secrets.token_hex(16),
        officer_id="waste-officer",
        reach=Reach(departments=("waste-services",)),
        wanted=WorkListFilter(breached=True),
        created_at=datetime.now(UTC),
        **changes,
    )
    stack.services.store.keep_export(export, expires_at=export.created_at + timedelta(days=1))
    return f"/staff/cases/exports/{export.export_id}"


def test_while_an_export_is_prepared_its_page_says_so_and_looks_again(stack, browsers):
    page = browsers["officer"].follow(_kept(stack))

    assert page.status == 200
    assert "Your spreadsheet is being prepared" in page.body
    assert '<meta http-equiv="refresh" content="3">' in page.body
    assert "Check again" in page.body
    assert "/exports/" not in page.body.split("Check again")[1]  # no link to a file
    assert "X-Amz" not in page.body
    assert 'href="/staff/cases?breached=yes"' in page.body  # back to the view exported


def test_a_failed_export_says_what_to_do_and_offers_nothing(stack, browsers):
    address = _kept(stack, status=ExportStatus.FAILED, reason=FAILED_REASON)

    page = browsers["officer"].follow(address)

    assert "Your spreadsheet could not be prepared" in page.body
    assert "Download the list again from the work list" in page.body
    assert "http-equiv" not in page.body and "X-Amz" not in page.body


# -- a step taken, and every way a request is turned away -------------------------------------


def test_a_note_posted_lands_on_the_timeline_and_the_page_says_so(stack, browsers):
    browser = browsers["officer"]
    reference = _cases(stack)["garden"]
    token = browser.csrf(f"/cases/{reference}/note")
    answer = browser.post(
        f"/cases/{reference}/note", {"csrf_token": token, "text": "Crew asked to return today."}
    )
    assert answer.status == 303
    assert answer.location == f"/staff/cases/{reference}?done=note"
    page = browser.follow(answer.location)
    assert "Your note has been added" in page.body
    assert "Crew asked to return today." in page.body
    events = stack.services.store.timeline(reference)
    assert (events[-1].kind, events[-1].actor) == ("note", "waste-officer")


def test_a_step_the_procedure_refuses_keeps_the_answers_and_says_why(stack, browsers):
    browser = browsers["officer"]
    reference = _cases(stack)["bulky"]
    token = browser.csrf(f"/cases/{reference}/extend")
    answer = browser.post(
        f"/cases/{reference}/extend",
        {"csrf_token": token, "working_days": "99", "reason": "Waiting for a quote"},
    )
    assert answer.status == 400
    assert "1 to 10 working days" in answer.body
    assert 'value="99"' in answer.body
    assert "Waiting for a quote" in answer.body


def test_without_a_session_every_page_sends_the_browser_to_sign_in(stack):
    browser = Browser(stack.workspace)
    reference = _cases(stack)["bins"]
    for path in ("/", "/cases", f"/cases/{reference}", f"/cases/{reference}/note", "/account"):
        answer = browser.get(path)
        assert answer.status == 303, path
        assert answer.location.startswith("/staff/sign-in?return_to=/staff")
    before = _timeline_length(stack, reference)
    answer = browser.post(f"/cases/{reference}/note", {"text": "x"})
    assert answer.status == 303
    assert _timeline_length(stack, reference) == before


@pytest.mark.parametrize("step", STEPS)
def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(stack, browsers, step):
    reference = _cases(stack)["bins"]
    before = _timeline_length(stack, reference)
    fields = {"text": "x", "reason": "x", "how": "x", "case_type": "enquiry", "channel": "letter"}
    for token in ({}, {"csrf_token": "forged"}):
        answer = browsers["officer"].post(f"/cases/{reference}/{step}", {**fields, **token})
        assert answer.status == 403
        assert "this form has expired" in answer.body
    assert _timeline_length(stack, reference) == before


def test_another_sessions_csrf_token_is_refused(stack, browsers):
    theirs = browsers["corporate_complaints_officer"].csrf("/account")
    answer = browsers["officer"].post(
        f"/cases/{_cases(stack)['bins']}/note", {"csrf_token": theirs, "text": "x"}
    )
    assert answer.status == 403


def test_a_tampered_session_cookie_is_no_session(stack):
    browser = Browser(stack.workspace)
    assert browser.sign_in(EMAILS["corporate_complaints_officer"]).status == 303
    cookie = next(c for c in browser.jar if c.name == SESSION_COOKIE)
    cookie.value = cookie.value[:-4] + ("AAAA" if not cookie.value.endswith("AAAA") else "BBBB")
    answer = browser.get("/cases")
    assert answer.status == 303
    assert "/sign-in" in answer.location


def _moto_private_key() -> Any:
    from jwt.algorithms import RSAAlgorithm

    raw = resources.files("moto").joinpath("cognitoidp/resources/jwks-private.json.gz")
    data = json.loads(gzip.decompress(raw.read_bytes()))
    key = data["keys"][0] if "keys" in data else data
    return RSAAlgorithm.from_jwk(json.dumps(key))


def _claims(stack: LocalStack, **overrides: Any) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    claims = {
        "sub": "someone",
        "iss": f"https://cognito-idp.eu-west-2.amazonaws.com/{stack.staff_pool.user_pool_id}",
        "aud": stack.staff_pool.client_id,
        "token_use": "id",
        "iat": now - 60,
        "exp": now + 3600,
        "cognito:username": "someone",
        "custom:officer_id": "complaints-officer",
        "cognito:groups": ["corporate_complaints_officer"],
    }
    claims.update(overrides)
    return claims


@pytest.mark.parametrize(
    ("case", "overrides", "key"),
    [
        ("the pool's key, all correct", {}, "moto"),
        ("another key", {}, "other"),
        ("expired", {"exp": int(datetime.now(UTC).timestamp()) - 120}, "moto"),
        ("another app client", {"aud": "another-client"}, "moto"),
        ("another pool", {"iss": "https://cognito-idp.eu-west-2.amazonaws.com/x_y"}, "moto"),
        ("an access token", {"token_use": "access"}, "moto"),
    ],
)
def test_only_a_valid_id_token_of_the_pool_signs_anyone_in(
    stack, monkeypatch, case, overrides, key
):
    """Both tokens are verified once, at sign-in; a session is kept only for a good pair."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from sla_monitor.web.staff.auth import Tokens
    from sla_monitor.web.staff.routes import sign_in

    signer = (
        _moto_private_key()
        if key == "moto"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    id_token = jwt.encode(
        _claims(stack, **overrides), signer, algorithm="RS256", headers={"kid": "dummy"}
    )
    access_token = jwt.encode(
        _claims(stack, token_use="access", client_id=stack.staff_pool.client_id),
        _moto_private_key(),
        algorithm="RS256",
        headers={"kid": "dummy"},
    )

    class Issuing:
        """Cognito answering the password with these tokens."""

        def __init__(self, *_: Any) -> None:
            pass

        def sign_in(self, email: str, password: str) -> Tokens:
            return Tokens(id_token=id_token, access_token=access_token)

    monkeypatch.setattr(sign_in, "LocalSignIn", Issuing)
    browser = Browser(stack.workspace)
    answer = browser.sign_in(EMAILS["corporate_complaints_officer"])
    if case == "the pool's key, all correct":
        assert answer.status == 303  # the same verification accepts a good token
        assert browser.get("/cases").status == 200
    else:
        assert answer.status == 401, case
        assert browser.cookie(SESSION_COOKIE) is None
        assert browser.get("/cases").status == 303


def test_an_idle_session_ends(stack, browsers):
    """Through the handler itself, at a time past the idle timeout."""
    from functions.staff_workspace.app import handler  # noqa: F401 - the same module, warm
    from sla_monitor.web.staff.routes import handle

    cookie = browsers["officer"].cookie(SESSION_COOKIE)

    def at(moment: datetime) -> dict[str, Any]:
        event = proxy_event(
            method="GET",
            target="/staff/cases",
            headers=[("Cookie", f"{SESSION_COOKIE}={cookie}"), ("Host", "127.0.0.1")],
            body=b"",
            client_ip="127.0.0.1",
            received_at=moment,
            base_path="/staff",
        )
        return handle(event, LocalLambdaContext(), now=moment)

    now = datetime.now(UTC)
    assert at(now + timedelta(minutes=29))["statusCode"] == 200
    idle = at(now + timedelta(minutes=31))
    assert idle["statusCode"] == 303
    headers = {**(idle.get("multiValueHeaders") or {}), **(idle.get("headers") or {})}
    location = headers["Location"]
    assert "/sign-in" in (location if isinstance(location, str) else location[0])


def test_sign_out_clears_the_session_and_needs_its_csrf_token(stack):
    browser = Browser(stack.workspace)
    assert browser.sign_in(EMAILS["officer"]).status == 303
    # Without its token (another site's form, or no form at all) nobody is signed out.
    assert browser.post("/sign-out", {}).status in (400, 403)
    assert browser.post("/sign-out", {"csrf_token": "forged"}).status == 403
    assert browser.get("/cases").status == 200
    token = browser.csrf("/account")
    answer = browser.post("/sign-out", {"csrf_token": token})
    assert answer.status == 303
    assert answer.location == "/staff/signed-out"
    assert browser.cookie(SESSION_COOKIE) in (None, "")
    assert browser.get("/cases").status == 303


def test_refusals_are_logged_with_the_reason_and_no_personal_data(stack, browsers, caplog):
    caplog.set_level("INFO")
    browsers["officer"].get(f"/cases/{_cases(stack)['damp']}")
    Browser(stack.workspace).get("/cases")
    refusals = [r for r in caplog.records if r.getMessage() == "staff request refused"]
    reasons = {r.__dict__["reason"] for r in refusals}
    assert {"not permitted", "no session"} <= reasons
    for record in refusals:
        fields = {
            k: v
            for k, v in record.__dict__.items()
            if k in ("reason", "status", "method", "route", "permission", "roles")
        }
        text = json.dumps(fields, default=str)
        assert "@" not in text  # no email address
        assert "Tom Williams" not in text
        assert "Jo Patel" not in text
        assert fields["status"] in (303, 403)


# -- the production sign-in: Cognito's managed sign-in, the code flow with PKCE -----------------


def test_the_code_flow_with_pkce_signs_someone_in_through_the_callback(stack, monkeypatch):
    """As in AWS: no local form; /sign-in sends the browser to Cognito, and the callback
    exchanges the code (here answered with tokens moto's Cognito issued) and starts a session."""
    import base64
    import hashlib

    from sla_monitor.web.staff import auth, routes

    domain = "https://council-staff.auth.eu-west-2.amazoncognito.com"
    monkeypatch.delenv("STAFF_LOCAL_SIGN_IN")
    monkeypatch.setenv("STAFF_SIGN_IN_DOMAIN", domain)
    monkeypatch.setenv("STAFF_WORKSPACE_URL", "https://staff.example.gov.uk")
    routes.reset_collaborators()
    cognito = stack.services.client("cognito-idp")
    issued = cognito.initiate_auth(
        ClientId=stack.staff_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAILS["officer"], "PASSWORD": local_password()},
    )["AuthenticationResult"]
    exchanged: list[dict[str, str]] = []

    def token_endpoint(url: str, fields: dict[str, str]) -> dict[str, Any]:
        assert url == f"{domain}/oauth2/token"
        exchanged.append(dict(fields))
        return {"id_token": issued["IdToken"], "access_token": issued["AccessToken"]}

    monkeypatch.setattr(auth, "post_form", token_endpoint)

    def call(target: str, cookies: dict[str, str]) -> dict[str, Any]:
        event = proxy_event(
            method="GET",
            target=target,
            headers=[
                ("Host", "127.0.0.1"),
                ("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())),
            ],
            body=b"",
            client_ip="127.0.0.1",
            received_at=datetime.now(UTC),
            base_path="/staff",
        )
        return routes.handle(event, LocalLambdaContext(), now=datetime.now(UTC))

    def header(answer: dict[str, Any], name: str) -> list[str]:
        found = (answer.get("multiValueHeaders") or {}).get(name) or []
        single = (answer.get("headers") or {}).get(name)
        return [*found, *([single] if single else [])]

    def cookie(answer: dict[str, Any], name: str) -> str:
        for line in header(answer, "Set-Cookie"):
            if line.startswith(f"{name}="):
                return line.split(";", 1)[0].split("=", 1)[1]
        raise AssertionError(f"no {name} cookie")

    try:
        # The local form is gone: /sign-in goes to Cognito with a PKCE challenge.
        start = call("/staff/sign-in?return_to=/staff/cases", {})
        assert start["statusCode"] == 303
        location = urllib.parse.urlsplit(header(start, "Location")[0])
        assert f"{location.scheme}://{location.netloc}{location.path}" == (
            f"{domain}/oauth2/authorize"
        )
        query = dict(urllib.parse.parse_qsl(location.query))
        in_progress = cookie(start, "staff_sign_in")

        # A callback with someone else's state is refused before any exchange.
        forged = call("/staff/auth/callback?code=abc&state=forged", {"staff_sign_in": in_progress})
        assert forged["statusCode"] == 401
        assert exchanged == []

        back = call(
            f"/staff/auth/callback?code=the-code&state={query['state']}",
            {"staff_sign_in": in_progress},
        )
        assert back["statusCode"] == 303
        assert header(back, "Location") == ["/staff/cases"]
        (fields,) = exchanged
        digest = hashlib.sha256(fields["code_verifier"].encode()).digest()
        assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"]
        assert fields["redirect_uri"] == "https://staff.example.gov.uk/auth/callback"

        session = cookie(back, SESSION_COOKIE)
        assert call("/staff/cases", {SESSION_COOKIE: session})["statusCode"] == 200

        # Cognito said no (the person cancelled): a GOV.UK page, no session.
        cancelled = call("/staff/auth/callback?error=access_denied", {})
        assert cancelled["statusCode"] == 401
    finally:
        monkeypatch.undo()
        routes.reset_collaborators()


# -- the reports ---------------------------------------------------------------------------------


def test_the_reports_page_shows_last_month_by_default_with_its_csv_link(stack, browsers):
    from sla_monitor.web.staff.reports import last_month

    month = last_month(datetime.now(UTC))
    answer = browsers["corporate_complaints_officer"].get("/reports")
    assert answer.status == 200
    assert f"Promises kept: cases received in {month.label}" in answer.body
    assert f'value="{month.key}"' in answer.body
    assert f"/staff/reports?report=monthly&amp;month={month.key}&amp;format=csv" in answer.body
    # The charts' stylesheets carry the page's nonce, which its content security policy allows.
    nonce = re.search(
        r"style-src 'self' 'nonce-([^']+)'", answer.headers["Content-Security-Policy"]
    )
    assert nonce is not None


def test_this_months_report_counts_the_sample_cases_and_downloads_as_csv(stack, browsers):
    browser = browsers["head_of_service"]
    month = datetime.now(UTC).strftime("%Y-%m")
    page = browser.get(f"/reports?month={month}")
    assert page.status == 200
    assert "<svg" in page.body
    assert "govuk-table" in page.body
    # Reports name no one.
    for key in SAMPLES:
        case = stack.services.store.get_case(_cases(stack)[key])
        assert case.customer.name not in page.body
    download = browser.get(f"/reports?month={month}&format=csv")
    assert download.status == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert f"promises-kept-{month}.csv" in download.headers["Content-Disposition"]
    assert download.body.startswith(f"month,{month}")


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("May 2026", "Enter the month as a year and month, like 2026-05"),
        ("2026-13", "Enter the month as a year and month, like 2026-05"),
        ("2999-01", "January 2999 has not begun yet"),
    ],
)
def test_a_malformed_or_future_month_is_shown_back_as_a_field_error(browsers, month, message):
    answer = browsers["chief_executive"].get(f"/reports?month={urllib.parse.quote(month)}")
    assert answer.status == 400
    assert "govuk-error-summary" in answer.body
    assert 'href="#month"' in answer.body
    assert message in answer.body
    assert "govuk-input--error" in answer.body
    assert "<svg" not in answer.body


def test_the_annual_report_for_a_chosen_year_and_a_future_year_refused(browsers):
    browser = browsers["administrator"]
    year = datetime.now(UTC).year
    answer = browser.get(f"/reports?report=annual&year={year - 1}")
    assert answer.status == 200
    assert f"{year - 1}" in answer.body
    assert "Annual complaints report" in answer.body
    financial = browser.get(f"/reports?report=annual&year={year - 1}&financial=yes")
    assert financial.status == 200
    assert f"{year - 1}/{year % 100:02d}" in financial.body
    download = browser.get(f"/reports?report=annual&year={year - 1}&format=csv")
    assert download.status == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    refused = browser.get("/reports?report=annual&year=2999")
    assert refused.status == 400
    assert 'href="#year"' in refused.body


def test_the_navigation_offers_reports_only_to_the_roles_that_may(browsers):
    for role in ROLES:
        shown = 'href="/staff/reports"' in browsers[role].get("/account").body
        assert shown is (role in SEES_REPORTS), role


# -- possible complaints -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def possible_complaint(stack: LocalStack) -> str:
    """A waste complaint email intake was not sure of: timed as a complaint, flagged."""
    from sla_monitor.cases import CaseType, Channel, Customer, Preferences
    from sla_monitor.intake import NewCase, register_case

    bundle = stack.services
    bins = bundle.store.get_case(_cases(stack)["bins"])
    registration = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=datetime.now(UTC) - timedelta(hours=1),
            subject="Bin not emptied again",
            description="Third week running the bin was not emptied.",
            customer=Customer(name="Sam Possible", email="sam.possible@example.com"),
            preferences=Preferences(),
            department=bins.department,
            idempotency_key="http-test-possible-complaint",
            possible_complaint=True,
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    )
    assert registration.case.possible_complaint
    return registration.case.reference


def test_a_possible_complaint_is_badged_in_the_work_list_and_on_its_page(
    browsers, possible_complaint
):
    browser = browsers["officer"]
    listed = browser.get("/cases")
    row = listed.body.split(f">{possible_complaint}</a>")[1].split("</tr>")[0]
    assert "Possible complaint" in row
    page = browser.get(f"/cases/{possible_complaint}")
    assert page.status == 200
    assert "Possible complaint" in page.body
    assert f"/staff/cases/{possible_complaint}/confirm-type" in page.body


@pytest.mark.parametrize("role", ROLES)
def test_confirming_the_type_is_for_whoever_may_reclassify(
    stack, browsers, possible_complaint, role
):
    browser = browsers[role]
    # The officer (its department) and the Corporate Complaints Officer (a complaint) may.
    allowed = role in {"officer", "corporate_complaints_officer"}
    path = f"/cases/{possible_complaint}/confirm-type"
    before = _timeline_length(stack, possible_complaint)
    token = browser.csrf("/account")
    if allowed:
        form = browser.get(path)
        assert form.status == 200
        assert 'name="case_type"' in form.body
        unanswered = browser.post(path, {"csrf_token": token})
        assert unanswered.status == 400
        assert "Choose what the case is" in unanswered.body
    else:
        assert browser.get(path).status == 403
        assert browser.post(path, {"csrf_token": token, "case_type": "enquiry"}).status == 403
    assert _timeline_length(stack, possible_complaint) == before
    assert stack.services.store.get_case(possible_complaint).possible_complaint


def test_confirming_a_possible_complaint_clears_the_flag(stack, browsers):
    from sla_monitor.cases import CaseType, Channel, Customer, Preferences
    from sla_monitor.intake import NewCase, register_case

    bundle = stack.services
    reference = register_case(
        NewCase(
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            received_at=datetime.now(UTC) - timedelta(hours=1),
            subject="Council tax bill wrong",
            description="My bill is wrong and nobody answers.",
            customer=Customer(name="Alex Unsure", email="alex.unsure@example.com"),
            preferences=Preferences(),
            department=None,
            idempotency_key="http-test-possible-complaint-confirmed",
            possible_complaint=True,
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=datetime.now(UTC),
    ).case.reference
    browser = browsers["corporate_complaints_officer"]
    token = browser.csrf(f"/cases/{reference}/confirm-type")
    answer = browser.post(
        f"/cases/{reference}/confirm-type", {"csrf_token": token, "case_type": "complaint"}
    )
    assert answer.status == 303, answer.body[:400]
    assert answer.location.startswith(f"/staff/cases/{reference}?done=confirm-type")
    case = bundle.store.get_case(reference)
    assert not case.possible_complaint
    assert case.case_type is CaseType.COMPLAINT
    page = browser.get(f"/cases/{reference}")
    assert "confirmed" in page.body
    assert 'id="possible-complaint"' not in page.body  # the badge is gone (the timeline keeps it)
    assert "Confirm the type" not in page.body

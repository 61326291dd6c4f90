"""Signing in to the staff workspace over HTTP, with moto's Cognito (tokens verified against the
pool's JWKS served by the moto server), and every way a request is turned away: no session, an
idle one, a tampered cookie, a forged or expired token, a missing CSRF token. A refused request
changes nothing and is logged without personal data. Then the production sign-in: Cognito's
managed sign-in, the code flow with PKCE."""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import jwt
import pytest
from sla_monitor_local.local_server import LocalLambdaContext, proxy_event
from sla_monitor_local.local_stack import LocalStack
from sla_monitor_local.local_staff import local_password

from sla_monitor.web.staff.session import SESSION_COOKIE

from ..staff_support import EMAILS, Browser
from .support import STEPS, sample_cases, timeline_length

pytestmark = pytest.mark.slow(seconds=27)


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


# -- a step taken, and every way a request is turned away -------------------------------------


def test_a_note_posted_lands_on_the_timeline_and_the_page_says_so(stack, browsers):
    browser = browsers["officer"]
    reference = sample_cases(stack)["garden"]
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
    reference = sample_cases(stack)["bulky"]
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
    reference = sample_cases(stack)["bins"]
    for path in ("/", "/cases", f"/cases/{reference}", f"/cases/{reference}/note", "/account"):
        answer = browser.get(path)
        assert answer.status == 303, path
        assert answer.location.startswith("/staff/sign-in?return_to=/staff")
    before = timeline_length(stack, reference)
    answer = browser.post(f"/cases/{reference}/note", {"text": "x"})
    assert answer.status == 303
    assert timeline_length(stack, reference) == before


@pytest.mark.parametrize("step", STEPS)
def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(stack, browsers, step):
    reference = sample_cases(stack)["bins"]
    before = timeline_length(stack, reference)
    fields = {"text": "x", "reason": "x", "how": "x", "case_type": "enquiry", "channel": "letter"}
    for token in ({}, {"csrf_token": "forged"}):
        answer = browsers["officer"].post(f"/cases/{reference}/{step}", {**fields, **token})
        assert answer.status == 403
        assert "this form has expired" in answer.body
    assert timeline_length(stack, reference) == before


def test_another_sessions_csrf_token_is_refused(stack, browsers):
    theirs = browsers["corporate_complaints_officer"].csrf("/account")
    answer = browsers["officer"].post(
        f"/cases/{sample_cases(stack)['bins']}/note", {"csrf_token": theirs, "text": "x"}
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
    browsers["officer"].get(f"/cases/{sample_cases(stack)['damp']}")
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

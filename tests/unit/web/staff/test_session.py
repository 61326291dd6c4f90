"""The staff session cookie (signed, idle timeout, naming a session kept on the server) and its
CSRF tokens."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from sla_monitor.store.ports import staff_key
from sla_monitor.web.security import FormSigner
from sla_monitor.web.staff.session import IDLE_TIMEOUT, NoSession, Sessions

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
HOLDER = staff_key("jo.patel@nwleicestershire.gov.uk")


@pytest.fixture
def sessions() -> Sessions:
    return Sessions(FormSigner(b"a secret of the workspace, thirty-two bytes"))


def test_a_session_reads_back_from_its_cookie(sessions):
    session = sessions.start(HOLDER)
    cookie = sessions.cookie_value(session, now=NOW)
    # The cookie holds the session's id and whose it is (a digest): no username, no token.
    encoded = cookie.split(".")[0]
    payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert payload == {"sid": session.session_id, "who": HOLDER}
    assert "jo.patel" not in json.dumps(payload)
    assert sessions.read(cookie, now=NOW + timedelta(minutes=1)) == session


def test_the_idle_timeout_is_thirty_minutes_by_default(sessions):
    assert timedelta(minutes=30) == IDLE_TIMEOUT
    cookie = sessions.cookie_value(sessions.start(HOLDER), now=NOW)
    sessions.read(cookie, now=NOW + IDLE_TIMEOUT)
    with pytest.raises(NoSession, match="idle timeout"):
        sessions.read(cookie, now=NOW + IDLE_TIMEOUT + timedelta(seconds=1))


def test_each_request_renews_the_cookie_so_only_idleness_ends_a_session(sessions):
    session = sessions.start(HOLDER)
    at = NOW
    cookie = sessions.cookie_value(session, now=at)
    for _ in range(10):  # five hours of work, a request every 29 minutes
        at += timedelta(minutes=29)
        session = sessions.read(cookie, now=at)
        cookie = sessions.cookie_value(session, now=at)
    assert sessions.read(cookie, now=at).holder == HOLDER


def test_the_idle_timeout_can_be_set(sessions):
    short = Sessions(
        FormSigner(b"a secret of the workspace, thirty-two bytes"),
        idle_timeout=timedelta(minutes=15),
    )
    cookie = short.cookie_value(short.start(HOLDER), now=NOW)
    with pytest.raises(NoSession, match="idle timeout"):
        short.read(cookie, now=NOW + timedelta(minutes=16))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),  # the signature
        lambda c: "e30" + c[c.index(".") :],  # the payload replaced by {}
        lambda c: c.replace(".", "", 1),
        lambda c: "garbage",
    ],
)
def test_a_tampered_cookie_is_no_session(sessions, tamper):
    cookie = sessions.cookie_value(sessions.start(HOLDER), now=NOW)
    with pytest.raises(NoSession, match="tampered"):
        sessions.read(tamper(cookie), now=NOW)


def test_a_cookie_signed_with_another_secret_is_no_session(sessions):
    other = Sessions(FormSigner(b"another council's secret, thirty-two bytes"))
    cookie = other.cookie_value(other.start(HOLDER), now=NOW)
    with pytest.raises(NoSession, match="tampered"):
        sessions.read(cookie, now=NOW)


def test_no_cookie_is_no_session(sessions):
    with pytest.raises(NoSession, match="no session"):
        sessions.read(None, now=NOW)


# -- CSRF ----------------------------------------------------------------------------------------


def test_a_csrf_token_is_good_for_its_own_session_only(sessions):
    mine, theirs = sessions.start(HOLDER), sessions.start(HOLDER)
    token = sessions.csrf_token(mine, now=NOW)
    assert sessions.csrf_is_valid(mine, token, now=NOW + timedelta(hours=1))
    assert not sessions.csrf_is_valid(theirs, token, now=NOW)


@pytest.mark.parametrize("token", [None, "", "nonsense", "a.b.c"])
def test_a_missing_or_made_up_csrf_token_is_refused(sessions, token):
    assert not sessions.csrf_is_valid(sessions.start(HOLDER), token, now=NOW)


def test_an_old_csrf_token_is_refused(sessions):
    session = sessions.start(HOLDER)
    token = sessions.csrf_token(session, now=NOW)
    assert not sessions.csrf_is_valid(session, token, now=NOW + timedelta(hours=9))


def test_a_session_cookie_is_not_a_csrf_token(sessions):
    session = sessions.start(HOLDER)
    cookie = sessions.cookie_value(session, now=NOW)
    assert not sessions.csrf_is_valid(session, cookie, now=NOW)


# -- a sign-in on its way through Cognito -----------------------------------------------------


def test_a_sign_in_in_progress_lasts_ten_minutes(sessions):
    cookie = sessions.sign_in_cookie_value('{"state": "s"}', now=NOW)
    assert sessions.read_sign_in_cookie(cookie, now=NOW + timedelta(minutes=9)) == '{"state": "s"}'
    with pytest.raises(NoSession):
        sessions.read_sign_in_cookie(cookie, now=NOW + timedelta(minutes=11))
    with pytest.raises(NoSession):
        sessions.read_sign_in_cookie(None, now=NOW)

"""The residents' session cookie: signed, ending when idle and after a working day, bound to its
own CSRF tokens, and never taken for another of the public pages' tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.web.security import FormSigner
from sla_monitor.web.staff.session import NoSession
from sla_monitor.web.your_cases.session import IDLE_TIMEOUT, LONGEST_SESSION, ResidentSessions

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
SIGNER = FormSigner(b"a secret for the tests, long enough")


@pytest.fixture
def sessions() -> ResidentSessions:
    return ResidentSessions(SIGNER)


def test_a_session_reads_back_while_the_resident_is_active(sessions):
    session = sessions.start("CUSTOMER#abc", now=NOW)
    cookie = sessions.cookie_value(session, now=NOW)
    read = sessions.read(cookie, now=NOW + IDLE_TIMEOUT - timedelta(seconds=1))
    assert (read.session_id, read.resident) == (session.session_id, "CUSTOMER#abc")


def test_a_session_ends_when_idle(sessions):
    session = sessions.start("CUSTOMER#abc", now=NOW)
    cookie = sessions.cookie_value(session, now=NOW)
    with pytest.raises(NoSession, match="idle timeout"):
        sessions.read(cookie, now=NOW + IDLE_TIMEOUT + timedelta(seconds=1))


def test_a_session_ends_after_the_longest_however_active(sessions):
    session = sessions.start("CUSTOMER#abc", now=NOW)
    at = NOW + LONGEST_SESSION + timedelta(minutes=1)
    # Renewed a moment ago, but signed in too long ago.
    cookie = sessions.cookie_value(session, now=at - timedelta(minutes=1))
    with pytest.raises(NoSession, match="too old"):
        sessions.read(cookie, now=at)


def test_an_altered_or_foreign_cookie_is_refused(sessions):
    session = sessions.start("CUSTOMER#abc", now=NOW)
    cookie = sessions.cookie_value(session, now=NOW)
    payload, issued, mac = cookie.split(".")
    with pytest.raises(NoSession, match="tampered"):
        sessions.read(f"{payload}x.{issued}.{mac}", now=NOW)
    other = ResidentSessions(FormSigner(b"another council's secret, long enough"))
    with pytest.raises(NoSession):
        other.read(cookie, now=NOW)
    # A token the public form signed for another purpose is not a session.
    with pytest.raises(NoSession):
        sessions.read(SIGNER.sign("receipt", "NWL-2026-000001", issued_at=NOW), now=NOW)
    with pytest.raises(NoSession, match="no session"):
        sessions.read(None, now=NOW)


def test_csrf_tokens_belong_to_their_session(sessions):
    mine = sessions.start("CUSTOMER#abc", now=NOW)
    theirs = sessions.start("CUSTOMER#abc", now=NOW)
    token = sessions.csrf_token(mine, now=NOW)
    assert sessions.csrf_is_valid(mine, token, now=NOW)
    assert not sessions.csrf_is_valid(theirs, token, now=NOW)
    assert not sessions.csrf_is_valid(mine, None, now=NOW)
    assert not sessions.csrf_is_valid(mine, sessions.cookie_value(mine, now=NOW), now=NOW)

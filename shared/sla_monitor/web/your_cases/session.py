"""A resident's session on the "Your cases" pages: a signed cookie naming whose cases it opens.

As the staff workspace's session (`web/staff/session.py`): signed with the public pages' secret
(`FormSigner`, under purposes of its own, so no other token of the form is ever taken for it),
Secure over HTTPS, HttpOnly and SameSite=Lax, and renewed on every page; once the last request
is older than the idle timeout the resident signs in again. A session never lasts longer than
`LONGEST_SESSION` from its sign-in, however active. The cookie holds the digest of the
resident's address (never the address) and a random session id, which every form's CSRF token
is bound to.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sla_monitor.web.security import FormSigner
from sla_monitor.web.staff.session import NoSession, SignedSessions

SESSION_COOKIE = "your_cases_session"
CSRF_FIELD = "csrf_token"
IDLE_TIMEOUT = timedelta(minutes=30)
LONGEST_SESSION = timedelta(hours=8)

_SESSION = "your-cases-session"
_CSRF = "your-cases-csrf"


@dataclass(frozen=True)
class ResidentSession:
    session_id: str
    resident: str  # the customer key of the address the sign-in link went to
    signed_in_at: datetime


class ResidentSessions(SignedSessions):
    def __init__(self, signer: FormSigner, *, idle_timeout: timedelta = IDLE_TIMEOUT) -> None:
        super().__init__(
            signer, idle_timeout=idle_timeout, session_purpose=_SESSION, csrf_purpose=_CSRF
        )

    def start(self, resident: str, *, now: datetime) -> ResidentSession:
        return ResidentSession(
            session_id=secrets.token_urlsafe(32), resident=resident, signed_in_at=now
        )

    def cookie_value(self, session: ResidentSession, *, now: datetime) -> str:
        payload = json.dumps(
            {
                "sid": session.session_id,
                "who": session.resident,
                "since": int(session.signed_in_at.timestamp()),
            }
        )
        return self._signed(payload, now=now)

    def read(self, cookie: str | None, *, now: datetime) -> ResidentSession:
        text = self._payload(cookie, now=now)
        try:
            data = json.loads(text)
            since = datetime.fromtimestamp(int(data["since"]), tz=now.tzinfo)
            session = ResidentSession(
                session_id=str(data["sid"]), resident=str(data["who"]), signed_in_at=since
            )
        except (ValueError, KeyError, TypeError, OverflowError):
            raise NoSession("tampered") from None
        if now - session.signed_in_at > LONGEST_SESSION:
            raise NoSession("session too old")
        return session

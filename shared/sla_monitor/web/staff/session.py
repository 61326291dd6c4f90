"""The staff session's cookie: a random session id and whose session it is, signed, renewed on
every request.

The cookie is signed with the workspace's secret (security.py's `FormSigner`, under a purpose
of its own), so it cannot be forged or altered; it is Secure (over HTTPS), HttpOnly and
SameSite=Lax. Its signature carries the time of the person's last request: once that is older
than the idle timeout the session is over and the person signs in again. The session itself is
kept on the server (`sla_monitor.sessions`): who the person is and their roles are read from
there on every request, never from the cookie, and a cookie whose session has ended (signed
out, or ended by an administrator) is no session. The session secret alone makes none.

Every form of the workspace carries a CSRF token bound to the session: the session's own random
id, signed. A form posted from another site, or from another session, is refused.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sla_monitor.web.security import CSRF_MAX_AGE, BadToken, FormSigner

SESSION_COOKIE = "staff_session"
# A sign-in on its way through Cognito (state and PKCE verifier); gone once it comes back.
SIGN_IN_COOKIE = "staff_sign_in"
SIGN_IN_MAX_AGE = timedelta(minutes=10)
# The local sign-in form's double-submit CSRF cookie (there is no session yet).
SIGN_IN_CSRF_COOKIE = "staff_sign_in_csrf"
CSRF_FIELD = "csrf_token"
IDLE_TIMEOUT = timedelta(minutes=30)

_SESSION = "staff-session"
_CSRF = "staff-csrf"
_SIGN_IN = "staff-sign-in"


class NoSession(Exception):
    """No session cookie, or one that cannot be trusted or is over; `reason` says which
    (never the cookie's content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Session:
    session_id: str
    holder: str  # whose session: `staff_key` of their username (a digest, never the name)


class _HasSessionId(Protocol):
    @property
    def session_id(self) -> str: ...


class SignedSessions:
    """What a signed session cookie does, whoever it is for: read back under its purpose within
    the idle timeout, and every form's CSRF token bound to the session's random id. The staff
    workspace's sessions and the residents' pages' each say what their cookie holds."""

    def __init__(
        self,
        signer: FormSigner,
        *,
        idle_timeout: timedelta,
        session_purpose: str,
        csrf_purpose: str,
    ) -> None:
        self._signer = signer
        self.idle_timeout = idle_timeout
        self._session_purpose = session_purpose
        self._csrf_purpose = csrf_purpose

    def _signed(self, payload: str, *, now: datetime) -> str:
        return self._signer.sign(self._session_purpose, payload, issued_at=now)

    def _payload(self, cookie: str | None, *, now: datetime) -> str:
        """What the cookie holds, if it is signed and its last request within the idle timeout."""
        if not cookie:
            raise NoSession("no session")
        try:
            text, _ = self._signer.unsign(
                self._session_purpose, cookie, now=now, max_age=self.idle_timeout
            )
        except BadToken as error:
            raise NoSession("idle timeout" if str(error) == "expired" else "tampered") from None
        return text

    # -- CSRF -----------------------------------------------------------------------------------

    def csrf_token(self, session: _HasSessionId, *, now: datetime) -> str:
        return self._signer.sign(self._csrf_purpose, session.session_id, issued_at=now)

    def csrf_is_valid(self, session: _HasSessionId, token: str | None, *, now: datetime) -> bool:
        if not token:
            return False
        try:
            value, _ = self._signer.unsign(self._csrf_purpose, token, now=now, max_age=CSRF_MAX_AGE)
        except BadToken:
            return False
        return secrets.compare_digest(value.encode(), session.session_id.encode())


class Sessions(SignedSessions):
    def __init__(self, signer: FormSigner, *, idle_timeout: timedelta = IDLE_TIMEOUT) -> None:
        super().__init__(
            signer, idle_timeout=idle_timeout, session_purpose=_SESSION, csrf_purpose=_CSRF
        )

    @property
    def signer(self) -> FormSigner:
        """The signer of the workspace's tokens (the local sign-in form's CSRF uses it too)."""
        return self._signer

    def start(self, holder: str) -> Session:
        return Session(session_id=secrets.token_urlsafe(32), holder=holder)

    def cookie_value(self, session: Session, *, now: datetime) -> str:
        """The cookie for a session active at `now` (sent again with every page)."""
        payload = json.dumps({"sid": session.session_id, "who": session.holder})
        return self._signed(payload, now=now)

    def read(self, cookie: str | None, *, now: datetime) -> Session:
        text = self._payload(cookie, now=now)
        try:
            data = json.loads(text)
            return Session(session_id=str(data["sid"]), holder=str(data["who"]))
        except (ValueError, KeyError, TypeError):
            raise NoSession("tampered") from None

    # -- a sign-in on its way through Cognito ---------------------------------------------------

    def sign_in_cookie_value(self, state: str, *, now: datetime) -> str:
        return self._signer.sign(_SIGN_IN, state, issued_at=now)

    def read_sign_in_cookie(self, cookie: str | None, *, now: datetime) -> str:
        if not cookie:
            raise NoSession("no sign-in in progress")
        try:
            value, _ = self._signer.unsign(_SIGN_IN, cookie, now=now, max_age=SIGN_IN_MAX_AGE)
        except BadToken:
            raise NoSession("sign-in expired or altered") from None
        return value

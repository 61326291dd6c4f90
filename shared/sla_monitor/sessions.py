"""Sessions kept on the server, for staff and residents alike.

A browser's session cookie holds only a random session id and whose it is, signed. The server
keeps the session under a digest of that id (`SessionRecords`): begun at sign-in, read on every
request, ended at sign-out. A cookie whose session is no longer kept is no session, so signing
out, or an administrator ending every session of a person (when their account is disabled or
their roles change), makes a copied cookie useless at once.

A session is begun only from credentials issued after its holder's sessions were last all ended
(a staff member's Cognito token, a resident's sign-in link), and is kept only while they have not
been ended since it was read: a sign-in under way while an administrator ends every session of
that person keeps nothing.

Every function takes the store and `now`; none reads the clock.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sla_monitor.store.ports import SessionRecord, SessionRecords


def session_digest(session_id: str) -> str:
    """What the server keeps of a session id (the id itself is only in the browser)."""
    return hashlib.sha256(f"sla-monitor session\x00{session_id}".encode()).hexdigest()


def begin_session(
    session: SessionRecord,
    *,
    credentials_issued_at: datetime,
    store: SessionRecords,
) -> bool:
    """Keep `session`; False, keeping nothing, when its holder's sessions were all ended after the
    credentials it begins from were issued (they may carry roles taken away since), or while
    it was being begun."""
    ended = store.sessions_ended(session.holder)
    # Credentials are timed to the second (a token's `iat`) by a clock that is not ours: those
    # issued in the very second the sessions were ended are taken, not refused.
    if ended.at is not None and credentials_issued_at < ended.at.replace(microsecond=0):
        return False
    return store.keep_session(session, ended=ended)


def live_session(
    holder: str, session_id: str, *, now: datetime, store: SessionRecords
) -> SessionRecord | None:
    """The session the cookie names, while it is kept and before its end; None otherwise."""
    kept = store.get_session(holder, session_digest(session_id))
    if kept is None or now >= kept.valid_until:
        return None
    return kept


def end_session(holder: str, session_id: str, *, store: SessionRecords) -> None:
    store.end_session(holder, session_digest(session_id))

"""The store's parts about people signed in: the sessions of staff and residents kept on the
server, and the audit trail of changes to staff accounts (part of `CaseStore`, in `ports`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SessionRecord:
    """A signed-in session as the server keeps it (`sla_monitor.sessions`): whose it is (`holder`:
    `staff_key` of a username, or a resident's `customer_key`), the digest of its random id (the id
    itself is only in the browser's cookie), when it began and when it ends however active; and,
    for staff, who they are and the roles they signed in with."""

    holder: str
    session_digest: str
    started_at: datetime
    valid_until: datetime
    username: str | None = None
    officer_id: str | None = None
    roles: tuple[str, ...] = ()
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class SessionsEnded:
    """How often every session of one holder has been ended, and when last (never: 0, None).
    A session is kept under the count read before it began, so one begun while its holder's
    sessions were being ended is never kept."""

    count: int = 0
    at: datetime | None = None


class SessionRecords(Protocol):
    """The sessions of staff and residents, kept on the server: begun at sign-in, read on every
    request, ended at sign-out, and every one of a person's at once when their account changes."""

    def sessions_ended(self, holder: str) -> SessionsEnded:
        """When `holder`'s sessions were last all ended (consistent read)."""
        ...

    def keep_session(self, session: SessionRecord, *, ended: SessionsEnded) -> bool:
        """Keep a new session, only while its holder's sessions are still as `ended` read them;
        False, keeping nothing, when they have all been ended since. It expires by itself at
        `valid_until`."""
        ...

    def get_session(self, holder: str, session_digest: str) -> SessionRecord | None:
        """The session as kept (consistent read), or None once it has ended."""
        ...

    def end_session(self, holder: str, session_digest: str) -> None:
        """End one session (nothing happens when it has ended already)."""
        ...

    def end_sessions_of(self, holder: str, *, at: datetime) -> int:
        """End every session of `holder`, and any being begun as this runs; how many were live."""
        ...


@dataclass(frozen=True)
class AccountChange:
    """One change to a staff account, on the audit trail administrators read: who made it and
    whose account it was (Cognito usernames), what was done, and when."""

    at: datetime
    by: str
    account: str
    what: str  # "roles changed", "disabled", "invited", "signed out everywhere"
    roles: tuple[str, ...] = ()  # the account's roles after the change, where it changed them


class AccountChanges(Protocol):
    """The audit trail of staff accounts: every change kept, newest read first."""

    def record_account_change(self, change: AccountChange) -> None: ...

    def account_changes(self, *, limit: int = 200) -> list[AccountChange]:
        """The latest `limit` changes, newest first (a query of their own partition)."""
        ...

"""The sessions of staff and residents, and the staff accounts' audit trail, in the cases table
(a part of `DynamoDBCaseStore`):

    pk                  sk                  what
    SESSIONS#<holder>   SESSION#<digest>    one session, by the digest of its id (TTL: its end)
    SESSIONS#<holder>   ENDED               how often, and when, every session was last ended
    ACCOUNT_CHANGES     <utc>#<nonce>       a change to a staff account

A holder's sessions share a partition, so ending them all is one query of it; a request reads
its own session by its key (one strongly consistent GetItem). A session is kept in a
transaction that checks the holder's ENDED item is as the sign-in read it, so a session begun
while an administrator ends them all is refused, never left behind.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from sla_monitor.store.dynamodb.items import index_instant
from sla_monitor.store.ports import AccountChange, SessionRecord, SessionsEnded

SESSION = "SESSION#"
ENDED = "ENDED"
ACCOUNT_CHANGES = "ACCOUNT_CHANGES"


def sessions_key(holder: str) -> str:
    return f"SESSIONS#{holder}"


class SessionItems:
    """Keeps, reads and ends sessions; keeps and reads the staff accounts' audit trail."""

    models: Any

    def _connection(self) -> Connection:
        raise NotImplementedError

    # -- sessions ---------------------------------------------------------------------------

    def sessions_ended(self, holder: str) -> SessionsEnded:
        try:
            item = self.models.sessions_ended.get(sessions_key(holder), ENDED, consistent_read=True)
        except DoesNotExist:
            return SessionsEnded()
        return SessionsEnded(count=int(item.times), at=item.ended_at)

    def keep_session(self, session: SessionRecord, *, ended: SessionsEnded) -> bool:
        m = self.models
        marker = m.sessions_ended
        # The holder's sessions are still as the sign-in read them: never ended, or that often.
        unchanged = marker.pk.does_not_exist() if ended.count == 0 else marker.times == ended.count
        item = m.session(
            sessions_key(session.holder),
            f"{SESSION}{session.session_digest}",
            started_at=session.started_at,
            valid_until=session.valid_until,
            username=session.username,
            officer_id=session.officer_id,
            roles=list(session.roles) or None,
            name=session.name,
            email=session.email,
            expires_at=session.valid_until,
        )
        try:
            with TransactWrite(connection=self._connection()) as tx:
                tx.condition_check(marker, sessions_key(session.holder), ENDED, condition=unchanged)
                tx.save(item, condition=m.session.pk.does_not_exist())
        except TransactWriteError as error:
            if error.cause_response_code == "TransactionCanceledException":
                return False
            raise
        return True

    def get_session(self, holder: str, session_digest: str) -> SessionRecord | None:
        try:
            item = self.models.session.get(
                sessions_key(holder), f"{SESSION}{session_digest}", consistent_read=True
            )
        except DoesNotExist:
            return None
        return SessionRecord(
            holder=holder,
            session_digest=session_digest,
            started_at=item.started_at,
            valid_until=item.valid_until,
            username=item.username,
            officer_id=item.officer_id,
            roles=tuple(item.roles or ()),
            name=item.name,
            email=item.email,
        )

    def end_session(self, holder: str, session_digest: str) -> None:
        self.models.session(sessions_key(holder), f"{SESSION}{session_digest}").delete()

    def end_sessions_of(self, holder: str, *, at: datetime) -> int:
        m = self.models
        # First the marker, so a sign-in under way cannot keep its session after the query.
        m.sessions_ended(sessions_key(holder), ENDED).update(
            actions=[m.sessions_ended.times.add(1), m.sessions_ended.ended_at.set(at)]
        )
        kept = list(
            m.session.query(
                sessions_key(holder),
                m.session.sk.startswith(SESSION),
                consistent_read=True,
            )
        )
        for item in kept:
            # One by one: a person has a few sessions at most, and the web functions may
            # delete items but not batch-write them.
            item.delete()
        return sum(1 for item in kept if item.valid_until > at)

    # -- the staff accounts' audit trail ----------------------------------------------------

    def record_account_change(self, change: AccountChange) -> None:
        self.models.account_change(
            ACCOUNT_CHANGES,
            f"{index_instant(change.at)}#{secrets.token_hex(4)}",
            at=change.at,
            by=change.by,
            account=change.account,
            what=change.what,
            roles=list(change.roles) or None,
        ).save()

    def account_changes(self, *, limit: int = 200) -> list[AccountChange]:
        return [
            AccountChange(
                at=item.at,
                by=item.by,
                account=item.account,
                what=item.what,
                roles=tuple(item.roles or ()),
            )
            for item in self.models.account_change.query(
                ACCOUNT_CHANGES, scan_index_forward=False, limit=limit, consistent_read=True
            )
        ]

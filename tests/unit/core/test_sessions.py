"""Sessions kept on the server, on the in-memory store: live from sign-in until their end or
until they are ended, kept by a digest of their id only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sla_monitor.sessions import begin_session, end_session, live_session, session_digest
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.store.ports import SessionRecord, customer_key

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SAM = customer_key("sam@example.org") or ""


def _begin(store: InMemoryCaseStore, session_id: str, *, hours: int = 8) -> bool:
    return begin_session(
        SessionRecord(
            holder=SAM,
            session_digest=session_digest(session_id),
            started_at=NOW,
            valid_until=NOW + timedelta(hours=hours),
        ),
        credentials_issued_at=NOW - timedelta(minutes=1),
        store=store,
    )


def test_a_session_is_live_until_its_end_and_kept_by_digest_only():
    store = InMemoryCaseStore()
    assert _begin(store, "the-random-id")
    assert live_session(SAM, "the-random-id", now=NOW + timedelta(hours=7), store=store)
    assert live_session(SAM, "the-random-id", now=NOW + timedelta(hours=8), store=store) is None
    assert live_session(SAM, "another-id", now=NOW, store=store) is None
    (kept,) = store.sessions.values()
    assert "the-random-id" not in repr(kept)


def test_a_session_ended_is_no_session_and_the_others_stay():
    store = InMemoryCaseStore()
    assert _begin(store, "phone") and _begin(store, "laptop")
    end_session(SAM, "phone", store=store)
    assert live_session(SAM, "phone", now=NOW, store=store) is None
    assert live_session(SAM, "laptop", now=NOW, store=store) is not None


def test_credentials_issued_before_the_holders_sessions_were_ended_begin_none():
    store = InMemoryCaseStore()
    store.end_sessions_of(SAM, at=NOW)
    assert not begin_session(
        SessionRecord(
            holder=SAM,
            session_digest=session_digest("late"),
            started_at=NOW,
            valid_until=NOW + timedelta(hours=1),
        ),
        credentials_issued_at=NOW - timedelta(seconds=1),
        store=store,
    )
    assert live_session(SAM, "late", now=NOW, store=store) is None

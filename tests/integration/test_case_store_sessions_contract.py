"""Sessions and the staff accounts' audit trail behave the same in both case stores (DynamoDB on
moto, and in memory): a session kept, read back by its digest and ended; every session of one
holder ended at once, a sign-in under way meanwhile keeping nothing; the changes newest first."""

from __future__ import annotations

from datetime import timedelta

from sla_monitor.store.ports import (
    AccountChange,
    SessionRecord,
    SessionsEnded,
    customer_key,
    staff_key,
)
from tests.integration.test_case_store_contract import NOW

JO = staff_key("jo.patel@nwleicestershire.gov.uk")
SAM = customer_key("sam@example.org") or ""


def a_session(holder: str, digest: str, **details) -> SessionRecord:
    return SessionRecord(
        holder=holder,
        session_digest=digest,
        started_at=NOW,
        valid_until=NOW + timedelta(hours=8),
        **details,
    )


def test_a_session_is_kept_read_back_as_kept_and_ended(case_store):
    store = case_store
    staff = a_session(
        JO,
        "a" * 64,
        username="jo.patel@nwleicestershire.gov.uk",
        officer_id="waste-officer",
        roles=("head_of_service", "officer"),
        name="Jo Patel",
        email="jo.patel@nwleicestershire.gov.uk",
    )
    resident = a_session(SAM, "b" * 64)
    assert store.keep_session(staff, ended=SessionsEnded())
    assert store.keep_session(resident, ended=store.sessions_ended(SAM))
    assert store.get_session(JO, "a" * 64) == staff
    assert store.get_session(SAM, "b" * 64) == resident
    # Only by its own holder and digest.
    assert store.get_session(SAM, "a" * 64) is None
    assert store.get_session(JO, "c" * 64) is None

    store.end_session(JO, "a" * 64)
    assert store.get_session(JO, "a" * 64) is None
    store.end_session(JO, "a" * 64)  # ending it again changes nothing
    assert store.get_session(SAM, "b" * 64) == resident


def test_every_session_of_one_holder_ends_at_once_and_no_other(case_store):
    store = case_store
    for digest in ("1" * 64, "2" * 64, "3" * 64):
        assert store.keep_session(a_session(JO, digest), ended=SessionsEnded())
    assert store.keep_session(a_session(SAM, "4" * 64), ended=SessionsEnded())
    assert store.sessions_ended(JO) == SessionsEnded()

    assert store.end_sessions_of(JO, at=NOW + timedelta(minutes=5)) == 3
    assert all(store.get_session(JO, d * 64) is None for d in "123")
    assert store.get_session(SAM, "4" * 64) is not None
    assert store.sessions_ended(JO) == SessionsEnded(count=1, at=NOW + timedelta(minutes=5))
    assert store.end_sessions_of(JO, at=NOW + timedelta(minutes=6)) == 0
    assert store.sessions_ended(JO).count == 2


def test_a_session_begun_while_its_holders_sessions_were_ended_is_not_kept(case_store):
    store = case_store
    read_at_sign_in = store.sessions_ended(JO)
    store.end_sessions_of(JO, at=NOW)  # an administrator, between the read and the write
    assert not store.keep_session(a_session(JO, "5" * 64), ended=read_at_sign_in)
    assert store.get_session(JO, "5" * 64) is None
    # Read again, after the sessions were ended: kept.
    assert store.keep_session(a_session(JO, "5" * 64), ended=store.sessions_ended(JO))
    assert store.get_session(JO, "5" * 64) is not None


def test_account_changes_are_kept_and_read_newest_first(case_store):
    store = case_store
    assert store.account_changes() == []
    changes = [
        AccountChange(at=NOW, by="it-admin", account="jo", what="invited", roles=("officer",)),
        AccountChange(
            at=NOW + timedelta(minutes=1),
            by="it-admin",
            account="jo",
            what="roles changed",
            roles=("head_of_service", "officer"),
        ),
        AccountChange(at=NOW + timedelta(minutes=2), by="it-admin", account="jo", what="disabled"),
    ]
    for change in changes:
        store.record_account_change(change)
    assert store.account_changes() == changes[::-1]
    assert store.account_changes(limit=1) == [changes[-1]]

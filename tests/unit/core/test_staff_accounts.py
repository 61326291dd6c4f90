"""Nobody grants themselves power, and a change to an account ends its sessions: the staff
accounts' use cases on the in-memory accounts and store. Nobody changes their own roles; an
administrator's account is never given a casework role, nor a caseworker's made an
administrator's; changing roles, disabling and signing out everywhere end every session of that
person at once, and each is kept on the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sla_monitor.directory import default_directory
from sla_monitor.sessions import begin_session, live_session, session_digest
from sla_monitor.staff_accounts import (
    ADMINISTRATOR_GROUP,
    CASEWORK_GROUPS,
    AccountChangeRefused,
    InMemoryStaffAccounts,
    StaffAccount,
    change_groups,
    disable,
    invite,
    sign_out_everywhere,
)
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.store.ports import AccountChange, SessionRecord, staff_key
from sla_monitor.web.staff.permissions import MATRIX, Permission, StaffRole

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
GROUPS = tuple(r.value for r in StaffRole)
DIRECTORY = default_directory()


@pytest.fixture
def accounts() -> InMemoryStaffAccounts:
    return InMemoryStaffAccounts()


@pytest.fixture
def store() -> InMemoryCaseStore:
    return InMemoryCaseStore()


def _invite(accounts, store, email: str, officer_id: str | None, *groups: str) -> StaffAccount:
    return invite(
        email,
        officer_id=officer_id,
        groups=groups,
        known_groups=GROUPS,
        by_username="first-admin",
        accounts=accounts,
        directory=DIRECTORY,
        records=store,
        now=NOW,
    )


def _regroup(accounts, store, username: str, groups: list[str], *, by: str, now=NOW) -> None:
    change_groups(
        username,
        groups=groups,
        known_groups=GROUPS,
        by_username=by,
        accounts=accounts,
        records=store,
        now=now,
    )


def _signed_in(store, account: StaffAccount, session_id: str) -> None:
    assert begin_session(
        SessionRecord(
            holder=staff_key(account.username),
            session_digest=session_digest(session_id),
            started_at=NOW,
            valid_until=NOW + timedelta(hours=8),
            username=account.username,
            officer_id=account.officer_id,
            roles=account.groups,
        ),
        credentials_issued_at=NOW - timedelta(seconds=5),
        store=store,
    )


def _live(store, account: StaffAccount, session_id: str) -> bool:
    at = NOW + timedelta(minutes=10)
    return live_session(staff_key(account.username), session_id, now=at, store=store) is not None


def test_the_casework_roles_are_every_role_that_reads_cases_and_only_those():
    reads_cases = {role.value for role in StaffRole if Permission.VIEW_CASE in MATRIX[role]}
    assert reads_cases == CASEWORK_GROUPS
    assert {*CASEWORK_GROUPS, ADMINISTRATOR_GROUP} == set(GROUPS)


@pytest.mark.parametrize("role", sorted(CASEWORK_GROUPS))
def test_an_administrator_cannot_give_themselves_a_casework_role(accounts, store, role):
    admin = _invite(accounts, store, "it@nwleicestershire.gov.uk", None, "administrator")
    trail = store.account_changes()
    with pytest.raises(AccountChangeRefused, match="your own roles") as refusal:
        _regroup(accounts, store, admin.username, ["administrator", role], by=admin.username)
    assert refusal.value.argument == "groups"
    assert accounts.account(admin.username).groups == ("administrator",)
    assert store.account_changes() == trail


def test_nobody_changes_their_own_roles_even_to_fewer(accounts, store):
    head = _invite(accounts, store, "head@nwleicestershire.gov.uk", "head-housing", "officer")
    with pytest.raises(AccountChangeRefused, match="your own roles"):
        _regroup(accounts, store, head.username, ["officer"], by=head.username)


@pytest.mark.parametrize("role", sorted(CASEWORK_GROUPS))
def test_another_administrators_account_is_never_given_a_casework_role(accounts, store, role):
    other = _invite(accounts, store, "it2@nwleicestershire.gov.uk", None, "administrator")
    for groups in (["administrator", role], [role]):
        with pytest.raises(AccountChangeRefused, match="administrator") as refusal:
            _regroup(accounts, store, other.username, groups, by="first-admin")
        assert refusal.value.argument == "groups"
    assert accounts.account(other.username).groups == ("administrator",)


def test_a_caseworkers_account_is_never_made_an_administrators(accounts, store):
    officer = _invite(accounts, store, "jo@nwleicestershire.gov.uk", "waste-officer", "officer")
    for groups, why in (
        (["officer", "administrator"], "two accounts"),
        (["administrator"], "works"),
    ):
        with pytest.raises(AccountChangeRefused, match=why):
            _regroup(accounts, store, officer.username, groups, by="first-admin")
    assert accounts.account(officer.username).groups == ("officer",)


def test_an_invitation_does_not_mix_administration_and_casework(accounts, store):
    with pytest.raises(AccountChangeRefused, match="two accounts") as refusal:
        _invite(
            accounts,
            store,
            "both@nwleicestershire.gov.uk",
            "waste-officer",
            "officer",
            "administrator",
        )
    assert refusal.value.argument == "groups"
    assert accounts.accounts() == []


def test_changing_someones_roles_ends_every_session_they_have_and_is_recorded(accounts, store):
    head = _invite(accounts, store, "head@nwleicestershire.gov.uk", "head-housing", "officer")
    colleague = _invite(accounts, store, "jo@nwleicestershire.gov.uk", "waste-officer", "officer")
    _signed_in(store, head, "desk")
    _signed_in(store, head, "laptop")
    _signed_in(store, colleague, "theirs")

    _regroup(
        accounts,
        store,
        head.username,
        ["officer", "head_of_service"],
        by="first-admin",
        now=NOW + timedelta(minutes=1),
    )
    assert not _live(store, head, "desk")
    assert not _live(store, head, "laptop")
    assert _live(store, colleague, "theirs")
    assert store.account_changes()[0] == AccountChange(
        at=NOW + timedelta(minutes=1),
        by="first-admin",
        account=head.username,
        what="roles changed",
        roles=("officer", "head_of_service"),
    )


def test_a_sign_in_with_a_token_issued_before_the_change_starts_no_session(accounts, store):
    head = _invite(accounts, store, "head@nwleicestershire.gov.uk", "head-housing", "officer")
    changed_at = NOW + timedelta(minutes=1)
    _regroup(
        accounts,
        store,
        head.username,
        ["officer", "corporate_complaints_officer"],
        by="first-admin",
        now=changed_at,
    )

    def begun(issued_at: datetime) -> bool:
        return begin_session(
            SessionRecord(
                holder=staff_key(head.username),
                session_digest=session_digest(f"at {issued_at}"),
                started_at=changed_at + timedelta(seconds=30),
                valid_until=changed_at + timedelta(hours=1),
                username=head.username,
                roles=("officer",),
            ),
            credentials_issued_at=issued_at,
            store=store,
        )

    assert not begun(changed_at - timedelta(seconds=2))  # carries the roles taken away
    assert begun(changed_at + timedelta(seconds=2))


def test_disabling_an_account_ends_every_session_and_is_recorded(accounts, store):
    officer = _invite(accounts, store, "jo@nwleicestershire.gov.uk", "waste-officer", "officer")
    _signed_in(store, officer, "desk")
    disable(
        officer.username,
        by_username="first-admin",
        accounts=accounts,
        records=store,
        now=NOW + timedelta(minutes=2),
    )
    assert not _live(store, officer, "desk")
    assert [c.what for c in store.account_changes()] == ["disabled", "invited"]


def test_signing_someone_out_everywhere_keeps_their_account_as_it_was(accounts, store):
    officer = _invite(accounts, store, "jo@nwleicestershire.gov.uk", "waste-officer", "officer")
    _signed_in(store, officer, "desk")
    _signed_in(store, officer, "laptop")
    ended = sign_out_everywhere(
        officer.username,
        by_username="first-admin",
        accounts=accounts,
        records=store,
        now=NOW + timedelta(minutes=3),
    )
    assert ended == 2
    assert not _live(store, officer, "desk") and not _live(store, officer, "laptop")
    assert accounts.account(officer.username) == officer
    latest = store.account_changes()[0]
    assert (latest.by, latest.account, latest.what, latest.roles) == (
        "first-admin",
        officer.username,
        "signed out everywhere",
        ("officer",),
    )

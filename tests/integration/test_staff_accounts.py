"""Staff accounts through the port, against moto's Cognito (a pool set up as the template sets
it up) and the in-memory stand-in alike: invite, change roles, disable, and the refusals that
keep a council from locking itself out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from unittest import mock

import boto3
import pytest
from moto import mock_aws
from sla_monitor_local.local_staff import create_staff_pool

from sla_monitor.directory import default_directory
from sla_monitor.staff_accounts import (
    AccountChangeRefused,
    AccountNotFound,
    CognitoStaffAccounts,
    InMemoryStaffAccounts,
    StaffAccounts,
    change_groups,
    disable,
    invite,
)
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.web.staff.permissions import StaffRole

GROUPS = tuple(r.value for r in StaffRole)
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
DIRECTORY = default_directory()


@pytest.fixture(params=["cognito", "memory"])
def accounts(request) -> Iterator[StaffAccounts]:
    if request.param == "memory":
        yield InMemoryStaffAccounts()
        return
    credentials = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }
    with mock.patch.dict(os.environ, credentials), mock_aws():
        cognito = boto3.client("cognito-idp", region_name="eu-west-2")
        pool = create_staff_pool(cognito)
        yield CognitoStaffAccounts(cognito, pool.user_pool_id, known_groups=GROUPS)


def _invite(accounts: StaffAccounts, email: str, officer_id: str | None, *groups: str):
    return invite(
        email,
        officer_id=officer_id,
        groups=groups,
        known_groups=GROUPS,
        by_username="it-admin-user",
        accounts=accounts,
        directory=DIRECTORY,
        records=InMemoryCaseStore(),
        now=NOW,
    )


def test_an_invited_officer_has_an_account_in_the_groups_of_their_roles(accounts):
    made = _invite(accounts, "jo.patel@nwleicestershire.gov.uk", "waste-officer", "officer")
    assert made.groups == ("officer",)
    (listed,) = accounts.accounts()
    assert listed.username == made.username
    assert listed.email == "jo.patel@nwleicestershire.gov.uk"
    assert listed.officer_id == "waste-officer"
    assert listed.groups == ("officer",)
    assert listed.enabled
    assert listed.status == "FORCE_CHANGE_PASSWORD"  # invited: not signed in yet


def test_an_invitation_is_refused_beside_what_is_wrong(accounts):
    def refused(email: str, officer_id: str, *groups: str) -> str | None:
        with pytest.raises(AccountChangeRefused) as refusal:
            _invite(accounts, email, officer_id, *groups)
        return refusal.value.argument

    assert refused("not an address", "waste-officer", "officer") == "email"
    assert refused("x@nwleicestershire.gov.uk", "nobody-here", "officer") == "officer_id"
    assert refused("x@nwleicestershire.gov.uk", "waste-officer") == "groups"
    assert refused("x@nwleicestershire.gov.uk", "waste-officer", "superuser") == "groups"
    # Anyone who works on cases is an officer of the directory.
    assert refused("x@nwleicestershire.gov.uk", None, "officer", "administrator") == "officer_id"
    _invite(accounts, "jo.patel@nwleicestershire.gov.uk", "waste-officer", "officer")
    assert refused("jo.patel@nwleicestershire.gov.uk", "housing-officer", "officer") == "email"
    assert refused("jo2@nwleicestershire.gov.uk", "waste-officer", "officer") == "officer_id"
    assert len(accounts.accounts()) == 1


def test_roles_are_changed_to_exactly_those_given(accounts):
    made = _invite(accounts, "head.housing@nwleicestershire.gov.uk", "head-housing", "officer")
    changed = change_groups(
        made.username,
        groups=["head_of_service", "corporate_complaints_officer"],
        known_groups=GROUPS,
        by_username="someone-else",
        accounts=accounts,
        records=InMemoryCaseStore(),
        now=NOW,
    )
    assert changed.groups == ("head_of_service", "corporate_complaints_officer")
    assert accounts.account(made.username).groups == changed.groups


def test_an_administrator_cannot_lock_themselves_out(accounts):
    # An administrator need not be an officer of the directory.
    admin = _invite(accounts, "it@nwleicestershire.gov.uk", None, "administrator")
    assert accounts.account(admin.username).officer_id is None
    records = InMemoryCaseStore()
    with pytest.raises(AccountChangeRefused, match="your own roles"):
        change_groups(
            admin.username,
            groups=["administrator", "head_of_service"],
            known_groups=GROUPS,
            by_username=admin.username,
            accounts=accounts,
            records=records,
            now=NOW,
        )
    with pytest.raises(AccountChangeRefused, match="your own account"):
        disable(
            admin.username,
            by_username=admin.username,
            accounts=accounts,
            records=records,
            now=NOW,
        )
    assert accounts.account(admin.username).groups == ("administrator",)
    assert accounts.account(admin.username).enabled


def test_a_disabled_account_is_kept_but_cannot_sign_in(accounts):
    made = _invite(accounts, "jo.patel@nwleicestershire.gov.uk", "waste-officer", "officer")
    records = InMemoryCaseStore()
    disabled = disable(
        made.username, by_username="it-admin-user", accounts=accounts, records=records, now=NOW
    )
    assert not disabled.enabled
    assert [a.username for a in accounts.accounts()] == [made.username]
    with pytest.raises(AccountChangeRefused, match="disabled already"):
        disable(
            made.username, by_username="it-admin-user", accounts=accounts, records=records, now=NOW
        )
    # With the account disabled, the officer may be invited again under a new address.
    again = _invite(accounts, "jo.p@nwleicestershire.gov.uk", "waste-officer", "officer")
    assert again.username != made.username


def test_an_unknown_account_is_not_found(accounts):
    with pytest.raises(AccountNotFound):
        accounts.account("no-such-user")

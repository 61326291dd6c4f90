"""Staff accounts: who may sign in to the workspace, which officer of the directory each is, and
their roles (groups of the council's Cognito user pool).

A small port (`StaffAccounts`) over cognito-idp, one adapter for Cognito and one in memory for
unit tests, and the use cases administrators take through the staff pages: invite someone
(Cognito emails them a temporary password; they choose their own and set up their second factor
at their first sign-in), change their roles, disable their account, sign them out everywhere.
Nobody is deleted: an account that should no longer sign in is disabled, as officers who leave
are retired in the directory.

Nobody grants themselves power: nobody changes their own roles or disables their own account
(so a council always keeps someone who can manage accounts), and an account is either an
administrator's or one that works on cases, never both, so an administrator cannot read cases by
giving themselves, or another administrator, a casework role. Changing someone's roles,
disabling their account or signing them out everywhere ends every session they have open at
once (`sla_monitor.sessions`), and each change is kept on the audit trail administrators read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from sla_monitor.checker.messages import valid_address
from sla_monitor.directory import Directory
from sla_monitor.store.ports import AccountChange, AccountChanges, staff_key

OFFICER_ID_ATTRIBUTE = "custom:officer_id"
ADMINISTRATOR_GROUP = "administrator"
# The roles that see and change cases (`web.staff.permissions.MATRIX`): never on an account
# that administers accounts.
CASEWORK_GROUPS = frozenset(
    {"officer", "head_of_service", "corporate_complaints_officer", "chief_executive"}
)

# What the audit trail says was done.
INVITED = "invited"
ROLES_CHANGED = "roles changed"
DISABLED = "disabled"
SIGNED_OUT_EVERYWHERE = "signed out everywhere"


class AccountChangeRefused(ValueError):
    """The change cannot be made; the message says why, and `argument` names the argument at
    fault where there is one."""

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


class AccountNotFound(LookupError):
    """No account has that username."""


class AccountExists(Exception):
    """An account with that email address exists already."""


@dataclass(frozen=True)
class StaffAccount:
    username: str  # Cognito's own (the sub when the pool signs in by email address)
    email: str | None
    officer_id: str | None
    groups: tuple[str, ...] = ()
    enabled: bool = True
    # Cognito's user status: CONFIRMED, FORCE_CHANGE_PASSWORD (invited, not signed in yet), ...
    status: str = "CONFIRMED"
    created_at: datetime | None = field(default=None, compare=False)


class StaffAccounts(Protocol):
    def accounts(self) -> list[StaffAccount]:
        """Every account with its groups, by email address."""
        ...

    def account(self, username: str) -> StaffAccount:
        """One account with its groups; AccountNotFound when there is none."""
        ...

    def create(self, *, email: str, officer_id: str | None) -> StaffAccount:
        """A new account; Cognito emails the person a temporary password. AccountExists when
        the email address has one."""
        ...

    def add_to_group(self, username: str, group: str) -> None: ...

    def remove_from_group(self, username: str, group: str) -> None: ...

    def disable(self, username: str) -> None: ...


class AccountRecords(AccountChanges, Protocol):
    """What the use cases keep beside Cognito: the audit trail, and the sessions they end."""

    def end_sessions_of(self, holder: str, *, at: datetime) -> int: ...


# -- the use cases ----------------------------------------------------------------------------


def _roles(groups: Collection[str], known: Collection[str]) -> tuple[str, ...]:
    unknown = sorted(set(groups) - set(known))
    if unknown:
        raise AccountChangeRefused(f"unknown role {unknown[0]!r}", argument="groups")
    if not groups:
        raise AccountChangeRefused("give the account at least one role", argument="groups")
    return tuple(g for g in known if g in groups)


def _kept_apart(roles: Collection[str], *, held: Collection[str] = ()) -> None:
    """An administrator's account works on no case, and a caseworker's administers nothing:
    neither the roles given, nor the roles given beside those the account holds, mix the two."""
    given, held = set(roles), set(held)
    if ADMINISTRATOR_GROUP in given and CASEWORK_GROUPS & given:
        raise AccountChangeRefused(
            "an administrator cannot also work on cases: someone who does both needs two "
            "accounts, one for each",
            argument="groups",
        )
    if ADMINISTRATOR_GROUP in held and CASEWORK_GROUPS & given:
        raise AccountChangeRefused(
            "this is an administrator's account: it cannot be given a role that works on cases "
            "(someone who does both needs a second account)",
            argument="groups",
        )
    if CASEWORK_GROUPS & held and ADMINISTRATOR_GROUP in given:
        raise AccountChangeRefused(
            "this account works on cases: it cannot be made an administrator's (someone who "
            "does both needs a second account)",
            argument="groups",
        )


def _ended(
    username: str,
    what: str,
    *,
    by: str,
    roles: Collection[str],
    records: AccountRecords,
    now: datetime,
) -> int:
    """End every session of the account's holder and keep the change on the audit trail; how
    many sessions were open."""
    ended = records.end_sessions_of(staff_key(username), at=now)
    records.record_account_change(
        AccountChange(at=now, by=by, account=username, what=what, roles=tuple(roles))
    )
    return ended


def invite(
    email: str,
    *,
    officer_id: str | None,
    groups: Collection[str],
    known_groups: Collection[str],
    by_username: str,
    accounts: StaffAccounts,
    directory: Directory,
    records: AccountRecords,
    now: datetime,
) -> StaffAccount:
    """An account in the groups of the person's roles. Anyone who works on cases is an officer
    of the directory (their department, and what they are sent, come from there); an
    administrator only may be someone who is not (`officer_id` None)."""
    address = email.strip()
    if not valid_address(address):
        raise AccountChangeRefused(
            f"{email!r} is not a plain email address, like name@council.gov.uk", argument="email"
        )
    roles = _roles(groups, known_groups)
    if officer_id is None:
        if set(roles) != {ADMINISTRATOR_GROUP}:
            raise AccountChangeRefused(
                "someone who works on cases must be an officer of the directory: choose them",
                argument="officer_id",
            )
    elif directory.active_officer(officer_id) is None:
        raise AccountChangeRefused(
            f"{officer_id!r} is not a serving officer of the directory: add them there first",
            argument="officer_id",
        )
    _kept_apart(roles)
    if officer_id and any(a.officer_id == officer_id and a.enabled for a in accounts.accounts()):
        raise AccountChangeRefused(
            f"{officer_id} has an account already: change its roles instead",
            argument="officer_id",
        )
    try:
        account = accounts.create(email=address, officer_id=officer_id)
    except AccountExists:
        raise AccountChangeRefused(f"{address} has an account already", argument="email") from None
    for group in roles:
        accounts.add_to_group(account.username, group)
    records.record_account_change(
        AccountChange(at=now, by=by_username, account=account.username, what=INVITED, roles=roles)
    )
    return replace(account, groups=roles)


def change_groups(
    username: str,
    *,
    groups: Collection[str],
    known_groups: Collection[str],
    by_username: str,
    accounts: StaffAccounts,
    records: AccountRecords,
    now: datetime,
) -> StaffAccount:
    """Give the account exactly these roles. Every session the person has open ends, so the
    new roles hold from their next sign-in and the old ones from no request after this."""
    if username == by_username:
        raise AccountChangeRefused(
            "you cannot change your own roles: ask another administrator", argument="groups"
        )
    current = accounts.account(username)
    roles = _roles(groups, known_groups)
    _kept_apart(roles, held=current.groups)
    for group in roles:
        if group not in current.groups:
            accounts.add_to_group(username, group)
    for group in current.groups:
        if group in known_groups and group not in roles:
            accounts.remove_from_group(username, group)
    # After Cognito has the new roles: a sign-in from here on is given them.
    _ended(username, ROLES_CHANGED, by=by_username, roles=roles, records=records, now=now)
    return accounts.account(username)


def disable(
    username: str,
    *,
    by_username: str,
    accounts: StaffAccounts,
    records: AccountRecords,
    now: datetime,
) -> StaffAccount:
    """The person can no longer sign in, and every session they have open ends (their account
    and its history are kept)."""
    current = accounts.account(username)
    if username == by_username:
        raise AccountChangeRefused("you cannot disable your own account")
    if not current.enabled:
        raise AccountChangeRefused(f"{current.email or username}'s account is disabled already")
    accounts.disable(username)
    _ended(username, DISABLED, by=by_username, roles=(), records=records, now=now)
    return accounts.account(username)


def sign_out_everywhere(
    username: str,
    *,
    by_username: str,
    accounts: StaffAccounts,
    records: AccountRecords,
    now: datetime,
) -> int:
    """End every session the person has open, on every computer (a lost laptop, a shared
    desk); how many were open. They may sign in again."""
    account = accounts.account(username)
    return _ended(
        username,
        SIGNED_OUT_EVERYWHERE,
        by=by_username,
        roles=account.groups,
        records=records,
        now=now,
    )


# -- Cognito ----------------------------------------------------------------------------------


def _pages(
    call: Any, key: str, *, page_field: str = "NextToken", **arguments: Any
) -> Iterator[dict[str, Any]]:
    """Every item of a paged cognito-idp listing."""
    token: str | None = None
    while True:
        answer = call(**arguments, **({page_field: token} if token else {}))
        yield from answer.get(key, [])
        token = answer.get(page_field)
        if not token:
            return


class CognitoStaffAccounts:
    """The council's Cognito user pool (cognito-idp), through the calls the workspace's role
    allows on that pool only."""

    def __init__(self, client: Any, user_pool_id: str, *, known_groups: Collection[str]) -> None:
        self.client = client
        self.pool = user_pool_id
        self.known_groups = tuple(known_groups)

    @staticmethod
    def _attribute(user: dict[str, Any], name: str) -> str | None:
        attributes = user.get("Attributes") or user.get("UserAttributes") or []
        return next((a["Value"] for a in attributes if a["Name"] == name), None)

    def _account(self, user: dict[str, Any], groups: tuple[str, ...]) -> StaffAccount:
        return StaffAccount(
            username=user["Username"],
            email=self._attribute(user, "email"),
            officer_id=self._attribute(user, OFFICER_ID_ATTRIBUTE),
            groups=groups,
            enabled=bool(user.get("Enabled", True)),
            status=user.get("UserStatus", ""),
            created_at=user.get("UserCreateDate"),
        )

    def accounts(self) -> list[StaffAccount]:
        # One call per role group rather than one per person.
        members: dict[str, list[str]] = {}
        for group in self.known_groups:
            for user in _pages(
                self.client.list_users_in_group, "Users", UserPoolId=self.pool, GroupName=group
            ):
                members.setdefault(user["Username"], []).append(group)
        found = [
            self._account(user, tuple(members.get(user["Username"], ())))
            for user in _pages(
                self.client.list_users,
                "Users",
                page_field="PaginationToken",
                UserPoolId=self.pool,
            )
        ]
        return sorted(found, key=lambda a: (a.email or a.username).casefold())

    def account(self, username: str) -> StaffAccount:
        try:
            user = self.client.admin_get_user(UserPoolId=self.pool, Username=username)
        except self.client.exceptions.UserNotFoundException:
            raise AccountNotFound(username) from None
        groups = {
            g["GroupName"]
            for g in _pages(
                self.client.admin_list_groups_for_user,
                "Groups",
                UserPoolId=self.pool,
                Username=username,
            )
        }
        return self._account(user, tuple(g for g in self.known_groups if g in groups))

    def create(self, *, email: str, officer_id: str | None) -> StaffAccount:
        attributes = [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ]
        if officer_id:
            attributes.append({"Name": OFFICER_ID_ATTRIBUTE, "Value": officer_id})
        try:
            answer = self.client.admin_create_user(
                UserPoolId=self.pool,
                Username=email,
                UserAttributes=attributes,
                # Cognito sends the invitation with a temporary password.
                DesiredDeliveryMediums=["EMAIL"],
            )
        except self.client.exceptions.UsernameExistsException:
            raise AccountExists(email) from None
        return self._account(answer["User"], ())

    def add_to_group(self, username: str, group: str) -> None:
        self.client.admin_add_user_to_group(
            UserPoolId=self.pool, Username=username, GroupName=group
        )

    def remove_from_group(self, username: str, group: str) -> None:
        self.client.admin_remove_user_from_group(
            UserPoolId=self.pool, Username=username, GroupName=group
        )

    def disable(self, username: str) -> None:
        self.client.admin_disable_user(UserPoolId=self.pool, Username=username)


# -- in memory, for unit tests -------------------------------------------------------------------


class InMemoryStaffAccounts:
    def __init__(self) -> None:
        self.by_username: dict[str, StaffAccount] = {}
        self._next = 0

    def accounts(self) -> list[StaffAccount]:
        return sorted(self.by_username.values(), key=lambda a: (a.email or "").casefold())

    def account(self, username: str) -> StaffAccount:
        if username not in self.by_username:
            raise AccountNotFound(username)
        return self.by_username[username]

    def create(self, *, email: str, officer_id: str | None) -> StaffAccount:
        if any((a.email or "").casefold() == email.casefold() for a in self.by_username.values()):
            raise AccountExists(email)
        self._next += 1
        account = StaffAccount(
            username=f"user-{self._next}",
            email=email,
            officer_id=officer_id,
            status="FORCE_CHANGE_PASSWORD",
        )
        self.by_username[account.username] = account
        return account

    def add_to_group(self, username: str, group: str) -> None:
        current = self.account(username)
        if group not in current.groups:
            self.by_username[username] = replace(current, groups=(*current.groups, group))

    def remove_from_group(self, username: str, group: str) -> None:
        current = self.account(username)
        groups = tuple(g for g in current.groups if g != group)
        self.by_username[username] = replace(current, groups=groups)

    def disable(self, username: str) -> None:
        self.by_username[username] = replace(self.account(username), enabled=False)

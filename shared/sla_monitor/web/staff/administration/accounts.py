"""Staff accounts: who may sign in to the workspace with which roles, invited, changed, disabled
and signed out everywhere through the use cases of `staff_accounts` (Cognito), and the audit
trail of those changes. Accounts are disabled, never deleted."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from sla_monitor.lookups import NotInTheDirectory
from sla_monitor.staff_accounts import (
    AccountChangeRefused,
    StaffAccount,
    StaffAccounts,
    change_groups,
    disable,
    invite,
    sign_out_everywhere,
)
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.administration.forms import officer_items, refusal_error
from sla_monitor.web.staff.answers import ticked
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import StaffRole

_STATUSES = {
    "FORCE_CHANGE_PASSWORD": "Invited: not signed in yet",
    "CONFIRMED": "Active",
    "RESET_REQUIRED": "Must reset their password",
    "EXTERNAL_PROVIDER": "Signs in with the council's Microsoft account",
}
_USERS_DONE = {
    "invited": "The invitation has been sent. Cognito emails them a temporary password; they "
    "set their own and an authenticator app at their first sign-in.",
    "roles-changed": "Their roles have been changed, and every session they had open has "
    "ended: the new roles apply from their next sign-in.",
    "disabled": "The account has been disabled: they can no longer sign in, and every session "
    "they had open has ended.",
    "signed-out": "Every session they had open has ended. They can sign in again.",
}
_USERNAME = re.compile(r"^[\w.@+-]{1,128}$")


class UserPages:
    def __init__(
        self,
        pages: StaffPages,
        *,
        accounts: Callable[[], StaffAccounts],
    ) -> None:
        self.pages = pages
        self._accounts = accounts
        self.known = tuple(r.value for r in StaffRole)

    def _role_items(self, chosen: Collection[str]) -> list[dict[str, Any]]:
        hints = {
            StaffRole.OFFICER: "The cases of their department.",
            StaffRole.HEAD_OF_SERVICE: "The cases of the departments they head.",
            StaffRole.CORPORATE_COMPLAINTS_OFFICER: "Every complaint, and the set-aside mail.",
            StaffRole.CHIEF_EXECUTIVE: "Reads the complaints referred to them.",
            StaffRole.ADMINISTRATOR: "The directory, closure days, accounts and set-aside mail.",
        }
        return [
            {
                "value": r.value,
                "text": r.label,
                "hint": {"text": hints[r]},
                "checked": r.value in chosen,
            }
            for r in StaffRole
        ]

    def _account(self, username: str) -> StaffAccount:
        if not _USERNAME.match(username):
            raise NotInTheDirectory(username)
        try:
            return self._accounts().account(username)
        except LookupError:
            raise NotInTheDirectory(username) from None

    def _officer_label(self, officer_id: str | None) -> str:
        officer = self.pages.directory.officer(officer_id)
        if officer is None:
            return officer_id or "Not an officer"
        return f"{officer.name} ({officer.officer_id})" + (" – retired" if officer.retired else "")

    def overview(self, visit: Visit) -> WebResponse:
        labels = {r.value: r.label for r in StaffRole}
        rows = [
            {
                "email": a.email or a.username,
                "officer": self._officer_label(a.officer_id),
                "roles": [labels.get(g, g) for g in a.groups],
                "status": "Disabled" if not a.enabled else _STATUSES.get(a.status, a.status),
                "enabled": a.enabled,
                "mine": a.username == visit.viewer.username,
                "groups": visit.urls.page(f"users/{a.username}/groups"),
                "disable": visit.urls.page(f"users/{a.username}/disable"),
                "sign_out": visit.urls.page(f"users/{a.username}/sign-out"),
            }
            for a in self._accounts().accounts()
        ]
        return self.pages.page(
            visit,
            "users/overview.html",
            title="Staff accounts",
            done=_USERS_DONE.get(visit.request.query.get("done", "")),
            rows=rows,
            invite_url=visit.urls.page("users/invite"),
            changes_url=visit.urls.page("users/changes"),
        )

    def changes(self, visit: Visit) -> WebResponse:
        """The audit trail: every invitation, change of roles, disabling and signing out
        everywhere, newest first, with who did it (accounts by email address where known)."""
        labels = {r.value: r.label for r in StaffRole}
        emails = {a.username: a.email or a.username for a in self._accounts().accounts()}
        rows = [
            {
                "at": c.at,
                "by": emails.get(c.by, c.by),
                "account": emails.get(c.account, c.account),
                "what": c.what,
                "roles": [labels.get(g, g) for g in c.roles],
            }
            for c in self.pages.store.account_changes()
        ]
        return self.pages.page(
            visit,
            "users/changes.html",
            title="Changes to staff accounts",
            rows=rows,
            back=visit.urls.page("users"),
        )

    def form(
        self,
        visit: Visit,
        username: str | None,
        action: str,
        *,
        values: Mapping[str, str] | None = None,
        chosen: Collection[str] | None = None,
        errors: tuple[FieldError, ...] = (),
        why: str | None = None,
    ) -> WebResponse:
        account = self._account(username) if username else None
        names = {d.code: d.name for d in self.pages.directory.departments}
        title = {
            "invite": "Invite someone to the workspace",
            "groups": f"Change the roles of {account.email if account else ''}",
            "disable": f"Disable {account.email if account else ''}",
            "sign-out": f"Sign {account.email if account else ''} out everywhere",
        }[action]
        return self.pages.form_page(
            visit,
            f"users/{action}.html",
            title=title,
            values=values or {},
            errors=errors,
            why=why,
            account=account,
            officer=self._officer_label(account.officer_id) if account else None,
            roles=self._role_items(
                chosen if chosen is not None else (account.groups if account else ())
            ),
            officers=[
                {"value": "", "text": "Not an officer: an administrator only"},
                *officer_items(self.pages.directory.active_officers(), names),
            ],
            action_url=visit.urls.page(
                "users/invite" if action == "invite" else f"users/{username}/{action}"
            ),
            back=visit.urls.page("users"),
        )

    def change(self, visit: Visit, username: str | None, action: str) -> WebResponse:
        values = self.pages.trusted_form(visit)
        groups = ticked(visit.request.body, "groups")
        if username:
            self._account(username)
        fields = {"email": "email", "officer_id": "officer", "groups": "groups"}
        try:
            if action == "invite":
                errors = []
                if not values.get("email", "").strip():
                    errors.append(FieldError("email", "Enter their email address"))
                if not groups:
                    errors.append(FieldError("groups", "Choose at least one role"))
                if errors:
                    return self.form(
                        visit, None, action, values=values, chosen=groups, errors=tuple(errors)
                    )
                invite(
                    values["email"],
                    officer_id=values.get("officer") or None,
                    groups=groups,
                    known_groups=self.known,
                    by_username=visit.viewer.username,
                    accounts=self._accounts(),
                    directory=self.pages.directory,
                    records=self.pages.store,
                    now=visit.now,
                )
                done = "invited"
            elif action == "groups":
                assert username is not None
                if not groups:
                    error = FieldError("groups", "Choose at least one role")
                    return self.form(visit, username, action, chosen=groups, errors=(error,))
                change_groups(
                    username,
                    groups=groups,
                    known_groups=self.known,
                    by_username=visit.viewer.username,
                    accounts=self._accounts(),
                    records=self.pages.store,
                    now=visit.now,
                )
                done = "roles-changed"
            else:
                # A confirmation: the account's disabling, or its sessions ended everywhere.
                assert username is not None
                confirmed, done = {
                    "sign-out": (sign_out_everywhere, "signed-out"),
                    "disable": (disable, "disabled"),
                }[action]
                confirmed(
                    username,
                    by_username=visit.viewer.username,
                    accounts=self._accounts(),
                    records=self.pages.store,
                    now=visit.now,
                )
        except AccountChangeRefused as refusal:
            return self.form(
                visit,
                username,
                action,
                values=values,
                chosen=groups,
                errors=(refusal_error(refusal, fields),),
                why="change refused",
            )
        return self.pages.see_other(
            visit, visit.urls.page("users", f"done={done}"), "staff account changed", change=done
        )

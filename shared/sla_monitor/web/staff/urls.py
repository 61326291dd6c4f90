"""Where each page of the staff workspace is: every address under the base path the browser used."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class StaffUrls:
    """Every address starts with the base path the browser used (the API stage, or a custom
    domain's base path mapping)."""

    base_path: str = ""

    @property
    def home(self) -> str:
        return f"{self.base_path}/"

    @property
    def sign_in(self) -> str:
        return f"{self.base_path}/sign-in"

    @property
    def sign_out(self) -> str:
        return f"{self.base_path}/sign-out"

    @property
    def signed_out(self) -> str:
        return f"{self.base_path}/signed-out"

    @property
    def account(self) -> str:
        return f"{self.base_path}/account"

    @property
    def cookie_path(self) -> str:
        return self.base_path or "/"

    def cases(self, query: str = "") -> str:
        return f"{self.base_path}/cases" + (f"?{query}" if query else "")

    def closed_cases(self, query: str = "") -> str:
        """The work list's Closed view."""
        return f"{self.base_path}/cases/closed" + (f"?{query}" if query else "")

    @property
    def exports(self) -> str:
        """Where the work list's download form starts an export."""
        return f"{self.base_path}/cases/exports"

    def export(self, export_id: str) -> str:
        return f"{self.exports}/{quote(export_id, safe='')}"

    def case(self, reference: str, *, done: str | None = None, held: bool = False) -> str:
        address = f"{self.base_path}/cases/{quote(reference, safe='')}"
        query = [("done", done)] if done else []
        if held:
            query.append(("held", "yes"))
        return address + (f"?{urlencode(query)}" if query else "")

    def action(self, reference: str, action: str) -> str:
        return f"{self.base_path}/cases/{quote(reference, safe='')}/{action}"

    def attachment(self, reference: str, attachment_id: str) -> str:
        return f"{self.action(reference, 'attachments')}/{quote(attachment_id, safe='')}"

    def letter(self, reference: str, key: str) -> str:
        """The PDF of a letter sent on the case, kept under the key of the action that sent it."""
        return f"{self.action(reference, 'letters')}/{quote(key, safe=':')}"

    @property
    def log_case(self) -> str:
        return f"{self.base_path}/cases/new"

    def page(self, path: str, query: str = "") -> str:
        """Any page of the workspace by its path under the base path."""
        return f"{self.base_path}/{path.lstrip('/')}" + (f"?{query}" if query else "")

    def asset(self, name: str) -> str:
        return f"{self.base_path}/assets/{name}"

    def is_own(self, address: str) -> bool:
        """An address inside the workspace (never another site), to return to after sign-in."""
        return (
            address.startswith(f"{self.base_path}/")
            and not address.startswith("//")
            and "\\" not in address
        )

"""The work list's filters, read from the address and written back into it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from sla_monitor.cases import CaseType, Channel
from sla_monitor.web.forms import FieldError
from sla_monitor.web.staff.formatting import CHANNEL_NAMES, TYPE_NAMES
from sla_monitor.web.staff.permissions import Viewer
from sla_monitor.web.staff.urls import StaffUrls
from sla_monitor.work_list import WorkListFilter

MAX_DUE_WITHIN = 60
_WHOSE = ("all", "mine", "unassigned", "department")
# Where a page of the work list starts: just after this position on the shelves.
_AFTER = re.compile(r"^(~|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)#[A-Z0-9-]{1,40}$")


@dataclass(frozen=True)
class WorkListQuery:
    """The work list's filters as the address carries them (a GET form, so a filtered list can
    be bookmarked and shared)."""

    whose: str = "all"
    case_type: str = ""
    channel: str = ""
    stage: str = ""
    breached: bool = False
    due_within: str = ""
    search: str = ""
    after: str = ""  # the page starts after this position (the previous page's last case)
    errors: tuple[FieldError, ...] = ()

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> WorkListQuery:
        errors = []
        due_within = query.get("due_within", "").strip()
        if due_within and not (due_within.isdigit() and int(due_within) <= MAX_DUE_WITHIN):
            errors.append(
                FieldError(
                    "due_within",
                    f"Enter the working days as a whole number from 0 to {MAX_DUE_WITHIN}",
                )
            )
        whose = query.get("whose", "all")
        case_type = query.get("type", "")
        channel = query.get("channel", "")
        stage = query.get("stage", "")
        return cls(
            whose=whose if whose in _WHOSE else "all",
            case_type=case_type if case_type in {t.value for t in CaseType} else "",
            channel=channel if channel in {c.value for c in Channel} else "",
            stage=stage if stage in ("1", "2") else "",
            breached=query.get("breached") == "yes",
            due_within=due_within,
            search=query.get("q", "").strip()[:200],
            after=after if _AFTER.match(after := query.get("after", "")) else "",
            errors=tuple(errors),
        )

    @classmethod
    def from_query_string(cls, text: str) -> WorkListQuery:
        """The filters of a list's address as a form carried it back (its `view` field)."""
        return cls.from_query({k: v[0] for k, v in parse_qs(text).items()})

    def wanted(self, viewer: Viewer) -> WorkListFilter:
        return WorkListFilter(
            owner=viewer.officer_id if self.whose == "mine" else None,
            unassigned=self.whose == "unassigned",
            departments=viewer.departments if self.whose == "department" else None,
            case_type=CaseType(self.case_type) if self.case_type else None,
            channel=Channel(self.channel) if self.channel else None,
            stage=int(self.stage) if self.stage else None,
            breached=self.breached,
            due_within=int(self.due_within) if self.due_within and not self.errors else None,
            search=self.search or None,
        )

    def pairs(self, *, leave_out: str | None = None) -> list[tuple[str, str]]:
        pairs = [
            ("whose", "" if self.whose == "all" else self.whose),
            ("type", self.case_type),
            ("channel", self.channel),
            ("stage", self.stage),
            ("breached", "yes" if self.breached else ""),
            ("due_within", "" if self.errors else self.due_within),
            ("q", self.search),
        ]
        return [(k, v) for k, v in pairs if v and k != leave_out]

    def query_string(self, *, leave_out: str | None = None) -> str:
        return urlencode(self.pairs(leave_out=leave_out))

    def selected(self, urls: StaffUrls) -> list[dict[str, Any]]:
        """The filters in use, each with the address of the list without it (MOJ filter tags)."""
        names = {
            "whose": {
                "mine": "My cases",
                "unassigned": "Unassigned",
                "department": "My department",
            }.get(self.whose, ""),
            "type": TYPE_NAMES[CaseType(self.case_type)] if self.case_type else "",
            "channel": CHANNEL_NAMES[Channel(self.channel)] if self.channel else "",
            "stage": f"Stage {self.stage}" if self.stage else "",
            "breached": "Breached" if self.breached else "",
            "due_within": (
                f"Due within {self.due_within} working days"
                if self.due_within and not self.errors
                else ""
            ),
            "q": f"“{self.search}”" if self.search else "",
        }
        return [
            {"text": text, "href": urls.cases(self.query_string(leave_out=key))}
            for key, text in names.items()
            if text
        ]

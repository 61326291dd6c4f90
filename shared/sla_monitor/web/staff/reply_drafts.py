"""A reply started from one of the council's templates: the templates offered to choose from, and
the one chosen filled in from the case and the officer writing, for them to edit."""

from __future__ import annotations

from typing import Any

from sla_monitor.cases import Case
from sla_monitor.reply_templates import (
    ReplyTemplate,
    ReplyTemplateStore,
    filled_for_case,
    offered,
)
from sla_monitor.web.staff.pages import StaffPages, Visit


def template_items(templates: list[ReplyTemplate], chosen: str | None) -> list[dict[str, Any]]:
    """The templates offered, as a select's items."""
    return [{"value": "", "text": "Choose a template"}] + [
        {"value": t.key, "text": t.title, "selected": t.key == chosen} for t in templates
    ]


class ReplyDrafts:
    def __init__(self, pages: StaffPages, store: ReplyTemplateStore) -> None:
        self.pages = pages
        self.store = store

    def offered(self) -> list[ReplyTemplate]:
        """The templates officers may choose from (one query of a few items)."""
        return offered(self.store.reply_templates())

    def filled(self, visit: Visit, case: Case, template: ReplyTemplate) -> str:
        """The template's words for this case, written by the officer signed in."""
        pages = self.pages
        return filled_for_case(
            template,
            case,
            officer_id=visit.viewer.officer_id,
            officer_fallback=visit.viewer.display_name,
            policy=pages.policy,
            calendar=pages.calendar,
            directory=pages.directory,
            council=pages.council,
            now=visit.now,
        )

"""A reply started from one of the council's templates: the templates offered to choose from, and
the one chosen filled in from the case and the officer writing, for them to edit."""

from __future__ import annotations

from typing import Any

from sla_monitor.cases import Case
from sla_monitor.reply_templates import (
    ReplyTemplate,
    ReplyTemplateStore,
    fill,
    offered,
    placeholder_values,
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
        # The reply date the clocks hold, as the case page and the letters give it.
        from sla_monitor.checker.preferences import greeting_name, may_repeat_their_words
        from sla_monitor.checker.reply_dates import customer_reply_day
        from sla_monitor.engine import evaluate

        pages = self.pages
        clocks = evaluate(case, pages.policy, pages.calendar, visit.now).clocks
        officer = pages.directory.officer(visit.viewer.officer_id)
        department = pages.directory.department_of(case)
        values = placeholder_values(
            reference=case.reference,
            customer_name=greeting_name(case),
            subject=case.subject if may_repeat_their_words(case) else None,
            received_on=pages.calendar.local(case.received_at).date(),
            reply_promised_by=customer_reply_day(clocks, case.stage),
            department=department.name if department else pages.council.name,
            officer_name=officer.name if officer else visit.viewer.display_name,
            job_title=officer.job_title if officer else "",
            council_name=pages.council.name,
            council_phone=pages.council.phone,
        )
        return fill(template.text, values)

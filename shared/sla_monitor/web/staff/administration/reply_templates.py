"""The council's reply templates, for administrators: the list with the placeholders the product
fills, adding, changing and retiring one (each a use case of `sla_monitor.reply_templates`), and
every change made to one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sla_monitor.reply_templates import (
    COUNCIL_SETTINGS,
    PLACEHOLDERS,
    ReplyTemplate,
    ReplyTemplateRefused,
    ReplyTemplateStore,
    add_template,
    change_template,
    retire_template,
)
from sla_monitor.web.forms import FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.formatting import sentence
from sla_monitor.web.staff.pages import StaffPages, Visit

_TITLES = {
    "new": "Add a reply template",
    "change": "Change a reply template",
    "retire": "Retire a reply template",
}
_DONE = {"added", "changed", "retired"}


class ReplyTemplatePages:
    def __init__(self, pages: StaffPages, *, store: ReplyTemplateStore) -> None:
        self.pages = pages
        self.store = store

    def _name(self, officer_id: str, name_then: str) -> str:
        """Who made a change: the directory's name for them, else their name as it was then."""
        if officer_id == COUNCIL_SETTINGS:
            return "the council's settings"
        officer = self.pages.directory.officer(officer_id)
        return officer.name if officer else name_then or "an administrator"

    def _template(self, key: str) -> ReplyTemplate:
        found = next((t for t in self.store.reply_templates() if t.key == key), None)
        if found is None:
            from sla_monitor.lookups import NotInTheDirectory

            raise NotInTheDirectory(key)
        return found

    def overview(self, visit: Visit) -> WebResponse:
        templates = self.store.reply_templates()
        query = visit.request.query
        done = query.get("done")
        return self.pages.page(
            visit,
            "reply_templates/overview.html",
            title="Reply templates",
            done=done if done in _DONE else None,
            done_title=query.get("title", "")[:100],
            templates=[
                {
                    "template": t,
                    "changed": self._name(t.changed_by, t.changed_by_name),
                    "href": visit.urls.page(f"reply-templates/{t.key}"),
                }
                for t in templates
                if not t.retired
            ],
            retired=[t for t in templates if t.retired],
            placeholders=PLACEHOLDERS,
            add_url=visit.urls.page("reply-templates/new"),
        )

    def changes(self, visit: Visit, key: str) -> WebResponse:
        template = self._template(key)
        changes = self.store.reply_template_changes(key)
        return self.pages.page(
            visit,
            "reply_templates/changes.html",
            title=template.title,
            kept=template,
            changes=[{"change": c, "by": self._name(c.by, c.by_name)} for c in reversed(changes)],
            change_url=visit.urls.page(f"reply-templates/{key}/change"),
            retire_url=visit.urls.page(f"reply-templates/{key}/retire"),
            back=visit.urls.page("reply-templates"),
        )

    def form(
        self,
        visit: Visit,
        key: str | None,
        doing: str,
        *,
        values: Mapping[str, str] | None = None,
        errors: tuple[FieldError, ...] = (),
    ) -> WebResponse:
        template = self._template(key) if key else None
        if values is None:
            values = {"title": template.title, "text": template.text} if template else {}
        path = f"reply-templates/{key}/{doing}" if key else "reply-templates/new"
        return self.pages.form_page(
            visit,
            f"reply_templates/{'retire' if doing == 'retire' else 'form'}.html",
            title=_TITLES[doing],
            values=values,
            errors=errors,
            why="change refused" if errors else None,
            kept=template,
            placeholders=PLACEHOLDERS,
            action_url=visit.urls.page(path),
            back=visit.urls.page(f"reply-templates/{key}" if key else "reply-templates"),
        )

    def change(self, visit: Visit, key: str | None, doing: str) -> WebResponse:
        values = self.pages.trusted_form(visit)
        who: dict[str, Any] = {
            "by": visit.viewer.officer_id,
            "now": visit.now,
            "by_name": visit.viewer.display_name,
        }
        try:
            if doing == "new":
                done = add_template(
                    self.store,
                    title=values.get("title", ""),
                    text=values.get("text", ""),
                    **who,
                )
            elif doing == "change" and key:
                done = change_template(
                    self.store,
                    key,
                    title=values.get("title", ""),
                    text=values.get("text", ""),
                    **who,
                )
            else:
                done = retire_template(self.store, key or "", **who)
        except ReplyTemplateRefused as refusal:
            error = FieldError(refusal.argument or "title", sentence(str(refusal)))
            return self.form(visit, key, doing, values=values, errors=(error,))
        what = {"new": "added", "change": "changed", "retire": "retired"}[doing]
        return self.pages.see_other(
            visit,
            visit.urls.page("reply-templates", _query(done=what, title=done.title)),
            "reply template changed",
            change=what,
        )


def _query(**values: str) -> str:
    from urllib.parse import urlencode

    return urlencode(values)

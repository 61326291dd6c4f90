"""The administrators' pages of the council's reply templates. They load with the first request
to one of them, not on every cold start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response

from sla_monitor.runtime import services
from sla_monitor.web.staff.permissions import Permission, requires
from sla_monitor.web.staff.routes.collaborators import staff_pages
from sla_monitor.web.staff.routes.resolver import app, current_request, respond

if TYPE_CHECKING:
    from sla_monitor.web.staff.administration.reply_templates import ReplyTemplatePages


def _pages() -> ReplyTemplatePages:
    from sla_monitor.web.staff.administration.reply_templates import ReplyTemplatePages

    return ReplyTemplatePages(staff_pages(), store=services().directory_store)


@app.get("/reply-templates")
@requires(Permission.MANAGE_REPLY_TEMPLATES)
def reply_templates() -> Response:
    return respond(_pages().overview(current_request().visit()))


@app.get("/reply-templates/new")
@requires(Permission.MANAGE_REPLY_TEMPLATES)
def add_reply_template_form() -> Response:
    return respond(_pages().form(current_request().visit(), None, "new"))


@app.post("/reply-templates/new")
@requires(Permission.MANAGE_REPLY_TEMPLATES)
def add_reply_template() -> Response:
    return respond(_pages().change(current_request().visit(), None, "new"))


@app.get("/reply-templates/<template>")
@requires(Permission.MANAGE_REPLY_TEMPLATES)
def reply_template_changes(template: str) -> Response:
    return respond(_pages().changes(current_request().visit(), template))


@app.get("/reply-templates/<template>/change")
@requires(Permission.MANAGE_REPLY_TEMPLATES)
def change_reply_template_form(template: str) -> Response:
    return respond(_pages().form(current_request().visit(), template, "change"))


@app.post("/reply-templates/<template>/change")
@requires(Permission.MANAGE_REPLY_TEMPLATES)
def change_reply_template(template: str) -> Response:
    return respond(_pages().change(current_request().visit(), template, "change"))


@app.get("/reply-templates/<template>/retire")
@requires(Permission.MANAGE_REPLY_TEMPLATES)
def retire_reply_template_form(template: str) -> Response:
    return respond(_pages().form(current_request().visit(), template, "retire"))


@app.post("/reply-templates/<template>/retire")
@requires(Permission.MANAGE_REPLY_TEMPLATES)
def retire_reply_template(template: str) -> Response:
    return respond(_pages().change(current_request().visit(), template, "retire"))
